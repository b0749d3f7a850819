"""Password hashing and policy, with known answers."""
from __future__ import annotations

import pytest

from security.passwords import hash_password, policy_errors, verify_password

pytestmark = pytest.mark.module(55)


def test_hash_and_verify():
    stored = hash_password("Abc#12345", iterations=1000)
    assert verify_password("Abc#12345", stored)
    assert not verify_password("Abc#12346", stored)
    assert not verify_password("Abc#12345", stored.replace("pbkdf2-sm3", "pbkdf2-sha1"))
    assert not verify_password("x", "garbage")


def test_hash_matches_independent_pbkdf2_sm3():
    """The stored digest is PBKDF2-HMAC-SM3 (RFC 8018) over the salt: recompute it with gmssl's SM3."""
    import hmac as std_hmac

    from gmssl import sm3 as gm

    def sm3(data: bytes) -> bytes:
        return bytes.fromhex(gm.sm3_hash(list(data)))

    def hmac_sm3(key: bytes, msg: bytes) -> bytes:
        key = (sm3(key) if len(key) > 64 else key).ljust(64, b"\0")
        return sm3(bytes(k ^ 0x5C for k in key) + sm3(bytes(k ^ 0x36 for k in key) + msg))

    stored = hash_password("Pw#2026abc", iterations=3)
    _scheme, n, salt, digest = stored.split("$")
    u = hmac_sm3(b"Pw#2026abc", bytes.fromhex(salt) + b"\x00\x00\x00\x01")
    t = bytearray(u)
    for _ in range(int(n) - 1):
        u = hmac_sm3(b"Pw#2026abc", u)
        t = bytearray(a ^ b for a, b in zip(t, u))
    assert bytes(t).hex() == digest
    assert std_hmac.compare_digest(bytes(t).hex(), digest)


@pytest.mark.parametrize("password,ok", [
    ("Abcdefg1", True), ("abcdef1!", True), ("ABCDEF1!", True), ("Abcdefgh", False), ("abcdefg1", False),
    ("Ab1!", False), ("12345678", False), ("Aa1!Aa1!", True),
])
def test_policy(password, ok):
    assert (policy_errors(password) == []) is ok


def test_policy_rejects_username_inside():
    assert "密码不得包含用户名" in policy_errors("Leader#2026", username="leader")
