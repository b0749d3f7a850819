"""security.sm against the standards' known answers and against independent pure-Python code (gmssl).

gmssl 3.2.2 is used here only as an independent cross-check, with care for its quirks:
* ``CryptSM2(public_key=...)`` runs ``lstrip("04")``, which eats leading '0'/'4' digits of x, so the
  public key is assigned to the attribute directly (``_gm``);
* its SM2 ciphertext C1 is x || y without the 04 prefix, and its ``decrypt`` does not check C3 (so the
  tests check C3 themselves);
* its default random k comes from ``random.choice``: signatures get a k from ``secrets``, encryption
  has ``gmssl.func.random_hex`` patched to ``secrets``.
"""
from __future__ import annotations

import secrets
from collections.abc import Mapping

import gmssl.func
import pytest
from gmssl import sm2 as gsm2
from gmssl import sm3 as gsm3
from gmssl import sm4 as gsm4
from hypothesis import given, settings
from hypothesis import strategies as st

from security.sm import (
    BLOB_VERSION,
    IntegrityError,
    UnknownKeyIdError,
    blob_key_id,
    hmac_sm3,
    pbkdf2_sm3,
    sm2_decrypt,
    sm2_encrypt,
    sm2_generate_keypair,
    sm2_public_from_private,
    sm2_sign,
    sm2_verify,
    sm2_za,
    sm3,
    sm4_decrypt,
    sm4_decrypt_block,
    sm4_encrypt,
    sm4_encrypt_block,
)

# SM2 recommended curve, GB/T 32918.5-2017 (kept here, not imported, so the tests stay independent).
N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123
G_HEX = ("32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7"
         "bc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0")
CURVE_A = "FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC"
CURVE_B = "28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93"

# GB/T 32918.5-2017 Annex A: signature example on the recommended curve.
A_PRIV = "3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8"
A_PUB = ("04" "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"
         "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13").lower()
A_MSG = b"message digest"
A_UID = b"1234567812345678"
A_K = "59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21"
A_R = "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
A_S = "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA"
A_SIG = bytes.fromhex(A_R + A_S)
# Intermediate values of the same example: Z_A and e = SM3(Z_A || M).
A_ZA = "b2e14c5c79c6df5b85f4fe7ed8db7a262b9da7e07ccb0ea9f4747b8ccda8a4f3"
A_E = "f0b43e94ba45accaace692ed534382eb17e6ab5a19ce7b31f4486fdfc0d28640"

SM4_KEY = bytes.fromhex("0123456789abcdeffedcba9876543210")

SLOW_HYPOTHESIS = settings(max_examples=25, deadline=None)
FAST_HYPOTHESIS = settings(max_examples=200, deadline=None)


# ---------------------------------------------------------------- independent references (gmssl)

def ref_sm3(data: bytes) -> bytes:
    return bytes.fromhex(gsm3.sm3_hash(list(data)))  # sm3_hash appends to its argument: pass a copy


def ref_hmac_sm3(key: bytes, data: bytes) -> bytes:
    """RFC 2104 over gmssl's SM3 (64-byte block)."""
    if len(key) > 64:
        key = ref_sm3(key)
    key = key.ljust(64, b"\0")
    inner = ref_sm3(bytes(b ^ 0x36 for b in key) + data)
    return ref_sm3(bytes(b ^ 0x5C for b in key) + inner)


def ref_pbkdf2_sm3(password: bytes, salt: bytes, iterations: int, length: int) -> bytes:
    """RFC 8018 section 5.2, written out."""
    out = b""
    block = 1
    while len(out) < length:
        u = ref_hmac_sm3(password, salt + block.to_bytes(4, "big"))
        t = bytearray(u)
        for _ in range(iterations - 1):
            u = ref_hmac_sm3(password, u)
            t = bytearray(a ^ b for a, b in zip(t, u, strict=True))
        out += bytes(t)
        block += 1
    return out[:length]


def ref_sm4_encryptor(key: bytes):
    c = gsm4.CryptSM4()
    c.set_key(key, gsm4.SM4_ENCRYPT)
    return lambda block: bytes(c.one_round(c.sk, list(block)))


def ref_sm4_decryptor(key: bytes):
    c = gsm4.CryptSM4()
    c.set_key(key, gsm4.SM4_DECRYPT)
    return lambda block: bytes(c.one_round(c.sk, list(block)))


def _gf128_mul(x: int, y: int) -> int:
    """Multiplication in GF(2^128) as in NIST SP 800-38D, algorithm 1."""
    z, v = 0, y
    for i in range(127, -1, -1):
        if (x >> i) & 1:
            z ^= v
        v = (v >> 1) ^ (0xE1 << 120) if v & 1 else v >> 1
    return z


def _pad16(data: bytes) -> bytes:
    return data + bytes(-len(data) % 16)


def ref_sm4_gcm(key: bytes, iv: bytes, plaintext: bytes, aad: bytes) -> tuple[bytes, bytes]:
    """SM4-GCM with a 96-bit IV (NIST SP 800-38D) over gmssl's SM4: (ciphertext, tag)."""
    assert len(iv) == 12
    enc = ref_sm4_encryptor(key)
    h = int.from_bytes(enc(bytes(16)), "big")
    ciphertext = bytearray()
    for n, i in enumerate(range(0, len(plaintext), 16)):
        stream = enc(iv + (n + 2).to_bytes(4, "big"))  # inc32(J0) = IV || 0^31 || 1, plus one per block
        ciphertext += bytes(a ^ b for a, b in zip(plaintext[i:i + 16], stream, strict=False))
    blocks = (_pad16(aad) + _pad16(bytes(ciphertext)) + (8 * len(aad)).to_bytes(8, "big")
              + (8 * len(ciphertext)).to_bytes(8, "big"))
    s = 0
    for i in range(0, len(blocks), 16):
        s = _gf128_mul(s ^ int.from_bytes(blocks[i:i + 16], "big"), h)
    tag = (int.from_bytes(enc(iv + b"\0\0\0\1"), "big") ^ s).to_bytes(16, "big")
    return bytes(ciphertext), tag


def ref_za(public_hex: str, uid: bytes) -> bytes:
    """Z_A of GB/T 32918.2-2016 over gmssl's SM3."""
    entl = (8 * len(uid)).to_bytes(2, "big")
    return ref_sm3(entl + uid + bytes.fromhex(CURVE_A + CURVE_B + G_HEX + public_hex[2:]))


def _gm(private_hex: str, public_hex: str) -> gsm2.CryptSM2:
    """gmssl SM2 object in C1C3C2 mode; the public key (x || y) is set directly (see the module docstring)."""
    c = gsm2.CryptSM2(private_key=private_hex.lower(), public_key="00", mode=1)
    c.public_key = public_hex[2:].lower()
    return c


def _gm_sign(private_hex: str, public_hex: str, data: bytes) -> bytes:
    """gmssl's SM3-with-SM2 signature (default uid) with k from ``secrets``: r || s."""
    while True:
        k = secrets.randbelow(N - 1) + 1
        sig = _gm(private_hex, public_hex).sign_with_sm3(data, f"{k:064x}")
        if sig:  # gmssl returns None for the (negligible) r == 0, r + k == n or s == 0 cases
            return bytes.fromhex(sig)


@pytest.fixture()
def secure_gmssl_random(monkeypatch):
    """Make gmssl's encryption draw k from ``secrets`` rather than ``random``."""
    monkeypatch.setattr(gmssl.func, "random_hex", lambda n: secrets.token_hex((n + 1) // 2)[:n])


def test_reference_sm4_gcm_matches_rfc8998():
    """The test's own SM4-GCM reference reproduces RFC 8998 appendix A.1 (so it can judge sm4_encrypt)."""
    iv = bytes.fromhex("00001234567800000000ABCD")
    pt = bytes.fromhex("AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD"
                       "EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA")
    aad = bytes.fromhex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2")
    ct, tag = ref_sm4_gcm(SM4_KEY, iv, pt, aad)
    assert ct.hex().upper() == ("17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
                                "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D")
    assert tag.hex().upper() == "83DE3541E4C2B58177E065A9BF7B62EC"


# ---------------------------------------------------------------- SM3 (GB/T 32905-2016)

def test_sm3_standard_vectors():
    assert sm3(b"abc").hex() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert sm3(b"abcd" * 16).hex() == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"


def test_sm3_empty_message():
    assert sm3(b"").hex() == "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b"
    assert sm3(b"") == ref_sm3(b"")


@SLOW_HYPOTHESIS
@given(st.binary(max_size=300))
def test_sm3_matches_gmssl(data):
    assert sm3(data) == ref_sm3(data)


def test_sm3_rejects_str():
    with pytest.raises(TypeError):
        sm3("abc")


# ---------------------------------------------------------------- HMAC-SM3

@pytest.mark.parametrize("key_len", [0, 1, 16, 32, 63, 64, 65, 100, 200])
def test_hmac_sm3_matches_reference(key_len):
    key = bytes((7 * i + 3) % 256 for i in range(key_len))
    for data in (b"", b"abc", b"x" * 64, bytes(range(256)) * 3):
        assert hmac_sm3(key, data) == ref_hmac_sm3(key, data), (key_len, len(data))


@SLOW_HYPOTHESIS
@given(st.binary(max_size=150), st.binary(max_size=150))
def test_hmac_sm3_matches_reference_random(key, data):
    assert hmac_sm3(key, data) == ref_hmac_sm3(key, data)


def test_hmac_sm3_depends_on_key_and_data():
    mac = hmac_sm3(b"key", b"data")
    assert len(mac) == 32
    assert mac != hmac_sm3(b"key2", b"data") and mac != hmac_sm3(b"key", b"datb")
    assert mac != sm3(b"key" + b"data")


# ---------------------------------------------------------------- PBKDF2-HMAC-SM3

@pytest.mark.parametrize("password,salt,iterations,length", [
    (b"password", b"salt", 1, 32),
    (b"password", b"salt", 2, 32),
    (b"password", b"salt", 5, 20),
    (b"passwordPASSWORDpassword", b"saltSALTsaltSALTsaltSALTsaltSALTsalt", 4, 70),  # 3 blocks
    (b"k" * 100, b"\0salt", 3, 32),  # password longer than the HMAC block
    (b"", b"", 1, 16),
])
def test_pbkdf2_sm3_matches_reference(password, salt, iterations, length):
    out = pbkdf2_sm3(password, salt, iterations, length)
    assert len(out) == length
    assert out == ref_pbkdf2_sm3(password, salt, iterations, length)


def test_pbkdf2_sm3_default_length_and_iterations_matter():
    a = pbkdf2_sm3(b"pw", b"salt", 10)
    assert len(a) == 32
    assert a != pbkdf2_sm3(b"pw", b"salt", 11) and a != pbkdf2_sm3(b"pw", b"salu", 10)
    assert pbkdf2_sm3(b"pw", b"salt", 10, 64)[:32] == a


@pytest.mark.parametrize("iterations,length", [(0, 32), (-1, 32), (1, 0), (True, 32), (1.5, 32)])
def test_pbkdf2_sm3_rejects_bad_parameters(iterations, length):
    with pytest.raises(ValueError):
        pbkdf2_sm3(b"pw", b"salt", iterations, length)


# ---------------------------------------------------------------- SM4 block (GB/T 32907-2016)

def test_sm4_standard_vector():
    ct = sm4_encrypt_block(SM4_KEY, SM4_KEY)
    assert ct.hex() == "681edf34d206965e86b3e94f536e4246"
    assert sm4_decrypt_block(SM4_KEY, ct) == SM4_KEY


@pytest.mark.slow
def test_sm4_standard_vector_iterated_one_million_times():
    block = SM4_KEY
    for _ in range(1_000_000):
        block = sm4_encrypt_block(SM4_KEY, block)
    assert block.hex() == "595298c7c6fd271f0402f804c33d3f66"


@FAST_HYPOTHESIS
@given(st.binary(min_size=16, max_size=16), st.binary(min_size=16, max_size=16))
def test_sm4_block_matches_gmssl(key, block):
    ct = sm4_encrypt_block(key, block)
    assert ct == ref_sm4_encryptor(key)(block)
    assert sm4_decrypt_block(key, ct) == block == ref_sm4_decryptor(key)(ct)


@pytest.mark.parametrize("key_len,block_len", [(15, 16), (17, 16), (32, 16), (16, 15), (16, 32), (16, 0)])
def test_sm4_block_rejects_wrong_lengths(key_len, block_len):
    with pytest.raises(ValueError):
        sm4_encrypt_block(bytes(key_len), bytes(block_len))
    with pytest.raises(ValueError):
        sm4_decrypt_block(bytes(key_len), bytes(block_len))


# ---------------------------------------------------------------- SM4-GCM blobs

KEY1 = bytes.fromhex("00112233445566778899aabbccddeeff")
KEY2 = bytes.fromhex("ffeeddccbbaa99887766554433221100")


def _split(blob: bytes):
    """(header, nonce, ciphertext, tag) of a version-1 blob, parsed independently of security.sm."""
    end = 2 + blob[1]
    return blob[:end], blob[end:end + 12], blob[end + 12:-16], blob[-16:]


@pytest.mark.parametrize("size", [0, 1, 15, 16, 17, 1000, 70_000])
def test_sm4_round_trip(size):
    plaintext = secrets.token_bytes(size)
    blob = sm4_encrypt(KEY1, plaintext)
    assert sm4_decrypt(KEY1, blob) == plaintext
    assert len(blob) == 2 + len(b"k1") + 12 + size + 16
    if size >= 16:
        assert plaintext not in blob


def test_sm4_empty_plaintext():
    blob = sm4_encrypt(KEY1, b"", key_id="empty")
    assert sm4_decrypt({"empty": KEY1}, blob) == b""
    with pytest.raises(IntegrityError):
        sm4_decrypt(KEY2, blob)


def test_sm4_blob_layout_is_standard_sm4_gcm():
    """The blob is version || len || key id || nonce || SM4-GCM(ct) || tag, header + aad as GCM AAD."""
    plaintext, aad = b"\xe7\xbb\xbf\xe5\xae\xb9\xe9\x80\x9a 2024 greening ledger row 17", b"table=tree;id=17"
    blob = sm4_encrypt(KEY1, plaintext, key_id="2024-q3", aad=aad)
    header, nonce, ct, tag = _split(blob)
    assert header == bytes([1, 7]) + b"2024-q3" and blob[0] == BLOB_VERSION == 1
    assert (ct, tag) == ref_sm4_gcm(KEY1, nonce, plaintext, header + aad)


def test_sm4_nonce_is_fresh():
    a, b = sm4_encrypt(KEY1, b"same"), sm4_encrypt(KEY1, b"same")
    assert a != b and _split(a)[1] != _split(b)[1]


def test_sm4_key_rotation():
    old = sm4_encrypt(KEY1, b"old record", key_id="2023")
    new = sm4_encrypt(KEY2, b"new record", key_id="2024")
    assert blob_key_id(old) == "2023" and blob_key_id(new) == "2024"
    ring = {"2023": KEY1, "2024": KEY2}
    assert sm4_decrypt(ring, old) == b"old record"
    assert sm4_decrypt(ring, new) == b"new record"
    with pytest.raises(IntegrityError):  # the keys really differ: the id selects the right one
        sm4_decrypt({"2023": KEY2, "2024": KEY1}, old)
    with pytest.raises(UnknownKeyIdError):
        sm4_decrypt({"2024": KEY2}, old)
    assert issubclass(UnknownKeyIdError, IntegrityError) and issubclass(IntegrityError, ValueError)


def test_sm4_wrong_key_or_aad():
    blob = sm4_encrypt(KEY1, b"payload", aad=b"row 1")
    assert sm4_decrypt(KEY1, blob, aad=b"row 1") == b"payload"
    with pytest.raises(IntegrityError):
        sm4_decrypt(KEY2, blob, aad=b"row 1")
    with pytest.raises(IntegrityError):
        sm4_decrypt(KEY1, blob, aad=b"row 2")
    with pytest.raises(IntegrityError):
        sm4_decrypt(KEY1, blob)


class _EveryIdSameKey(Mapping):
    """A key ring that answers every key id with the same key: only the authenticated header can object."""

    def __getitem__(self, key_id):
        return KEY1

    def __iter__(self):
        return iter(())

    def __len__(self):
        return 0


def test_sm4_every_byte_tamper_exhaustive():
    blob = sm4_encrypt(KEY1, b"hello", key_id="k-9", aad=b"ctx")
    for pos in range(len(blob)):
        for mask in (0x01, 0x80, 0xFF):
            tampered = bytearray(blob)
            tampered[pos] ^= mask
            for ring in (KEY1, {"k-9": KEY1}, _EveryIdSameKey()):
                with pytest.raises(IntegrityError):
                    sm4_decrypt(ring, bytes(tampered), aad=b"ctx")


@FAST_HYPOTHESIS
@given(plaintext=st.binary(max_size=80), key_id=st.from_regex(r"[A-Za-z0-9._:-]{1,64}", fullmatch=True),
       aad=st.binary(max_size=20), data=st.data())
def test_sm4_any_single_byte_tamper(plaintext, key_id, aad, data):
    blob = sm4_encrypt(KEY1, plaintext, key_id=key_id, aad=aad)
    assert sm4_decrypt({key_id: KEY1}, blob, aad=aad) == plaintext
    pos = data.draw(st.integers(0, len(blob) - 1), label="position")
    mask = data.draw(st.integers(1, 255), label="xor mask")
    tampered = bytearray(blob)
    tampered[pos] ^= mask
    for ring in (KEY1, {key_id: KEY1}, _EveryIdSameKey()):
        with pytest.raises(IntegrityError):
            sm4_decrypt(ring, bytes(tampered), aad=aad)


def test_sm4_truncation_and_extension():
    blob = sm4_encrypt(KEY1, b"twenty bytes of data", key_id="k1")
    for cut in range(len(blob)):
        with pytest.raises(IntegrityError):
            sm4_decrypt(KEY1, blob[:cut])
    with pytest.raises(IntegrityError):
        sm4_decrypt(KEY1, blob + b"\0")
    with pytest.raises(IntegrityError):
        blob_key_id(b"\x02" + blob[1:])
    with pytest.raises(IntegrityError):
        blob_key_id(blob[:5])


@pytest.mark.parametrize("key_id", ["", "a b", "x" * 65, "密钥", "k1\n", 7])
def test_sm4_rejects_bad_key_ids(key_id):
    with pytest.raises(ValueError):
        sm4_encrypt(KEY1, b"x", key_id=key_id)


def test_sm4_rejects_wrong_key_lengths_and_types():
    blob = sm4_encrypt(KEY1, b"x")
    for bad in (bytes(15), bytes(17), bytes(32)):
        with pytest.raises(ValueError) as info:
            sm4_encrypt(bad, b"x")
        assert not isinstance(info.value, IntegrityError)
        with pytest.raises(ValueError) as info:
            sm4_decrypt(bad, blob)
        assert not isinstance(info.value, IntegrityError)
        with pytest.raises(ValueError):
            sm4_decrypt({"k1": bad}, blob)
    with pytest.raises(TypeError):
        sm4_decrypt(KEY1.hex(), blob)
    with pytest.raises(TypeError):
        sm4_encrypt(KEY1, "text, not bytes")


# ---------------------------------------------------------------- SM2 keys

def test_sm2_public_from_private_annex_a():
    assert sm2_public_from_private(A_PRIV) == A_PUB
    assert sm2_public_from_private(A_PRIV.lower()) == A_PUB
    assert _gm(A_PRIV, A_PUB)._kg(int(A_PRIV, 16), G_HEX) == A_PUB[2:]


def test_sm2_generate_keypair():
    pairs = [sm2_generate_keypair() for _ in range(3)]
    assert len({p for p, _ in pairs}) == 3
    for private_hex, public_hex in pairs:
        assert len(private_hex) == 64 and len(public_hex) == 130 and public_hex.startswith("04")
        assert private_hex == private_hex.lower() and public_hex == public_hex.lower()
        assert 1 <= int(private_hex, 16) <= N - 2
        assert sm2_public_from_private(private_hex) == public_hex
        assert _gm(private_hex, public_hex)._kg(int(private_hex, 16), G_HEX) == public_hex[2:]


@pytest.mark.parametrize("private_hex", [
    A_PRIV[:-1], A_PRIV + "0", "", "0x" + A_PRIV[2:], "g" + A_PRIV[1:], " " + A_PRIV[1:],
    "0" * 64, f"{N - 1:064x}", f"{N:064x}", "f" * 64,
])
def test_sm2_rejects_bad_private_keys(private_hex):
    with pytest.raises(ValueError):
        sm2_public_from_private(private_hex)
    with pytest.raises(ValueError):
        sm2_sign(private_hex, b"x")


def test_sm2_accepts_largest_private_key():
    private_hex = f"{N - 2:064x}"
    public_hex = sm2_public_from_private(private_hex)
    assert sm2_verify(public_hex, b"edge", sm2_sign(private_hex, b"edge"))


@pytest.mark.parametrize("public_hex", [
    A_PUB[2:], A_PUB[:-2], A_PUB + "00", "02" + A_PUB[2:], "03" + A_PUB[4:] + "00",
    A_PUB[:-1] + ("4" if A_PUB[-1] != "4" else "5"),  # y changed: off the curve
    "04" + "0" * 128,
])
def test_sm2_rejects_bad_public_keys(public_hex):
    with pytest.raises(ValueError):
        sm2_verify(public_hex, b"x", bytes(64))
    with pytest.raises(ValueError):
        sm2_encrypt(public_hex, b"x")


# ---------------------------------------------------------------- SM2 signature (GB/T 32918.2-2016)

def test_sm2_annex_a_za_and_e():
    assert sm2_za(A_PUB).hex() == A_ZA == sm2_za(A_PUB, A_UID).hex()
    assert ref_za(A_PUB, A_UID).hex() == A_ZA
    assert sm3(sm2_za(A_PUB) + A_MSG).hex() == A_E == ref_sm3(ref_za(A_PUB, A_UID) + A_MSG).hex()


def test_sm2_annex_a_known_signature_verifies():
    assert sm2_verify(A_PUB, A_MSG, A_SIG) is True
    assert sm2_verify(A_PUB.upper(), A_MSG, A_SIG, uid=A_UID) is True
    assert _gm(A_PRIV, A_PUB).verify_with_sm3(A_SIG.hex(), A_MSG) is True


def test_sm2_annex_a_signature_reproduced_with_fixed_k():
    """Deterministic-k path (test only, via gmssl's textbook signer) on our e: gives the standard's r, s."""
    e = sm3(sm2_za(A_PUB) + A_MSG)
    assert _gm(A_PRIV, A_PUB).sign(e, A_K) == (A_R + A_S).lower()


def test_sm2_annex_a_rejections():
    r, s = A_SIG[:32], A_SIG[32:]
    assert sm2_verify(A_PUB, b"message digesT", A_SIG) is False
    assert sm2_verify(A_PUB, A_MSG, A_SIG, uid=b"1234567812345679") is False  # Z_A depends on the uid
    assert sm2_verify(A_PUB, A_MSG, s + r) is False
    other_public = sm2_generate_keypair()[1]
    assert sm2_verify(other_public, A_MSG, A_SIG) is False
    for i in range(64):
        tampered = bytearray(A_SIG)
        tampered[i] ^= 1 << (i % 8)
        assert sm2_verify(A_PUB, A_MSG, bytes(tampered)) is False, i


@pytest.mark.parametrize("signature", [
    b"", A_SIG[:63], A_SIG + b"\0", bytes(64), b"\xff" * 64,
    bytes(32) + A_SIG[32:], A_SIG[:32] + bytes(32),
    N.to_bytes(32, "big") + A_SIG[32:], A_SIG[:32] + N.to_bytes(32, "big"),
    A_SIG.hex(), None, 12345,
])
def test_sm2_verify_returns_false_never_raises(signature):
    assert sm2_verify(A_PUB, A_MSG, signature) is False


def test_sm2_sign_verify_round_trip_and_randomized():
    private_hex, public_hex = sm2_generate_keypair()
    a, b = sm2_sign(private_hex, b"data"), sm2_sign(private_hex, b"data")
    assert len(a) == 64 and a != b
    assert sm2_verify(public_hex, b"data", a) and sm2_verify(public_hex, b"data", b)
    assert sm2_verify(public_hex, b"", sm2_sign(private_hex, b""))
    assert not sm2_verify(public_hex, b"datA", a)
    assert not sm2_verify(A_PUB, b"data", a)


@pytest.mark.parametrize("size", [0, 1, 55, 1000])
def test_sm2_sign_verified_by_gmssl(size):
    private_hex, public_hex = sm2_generate_keypair()
    data = secrets.token_bytes(size)
    signature = sm2_sign(private_hex, data)
    assert _gm(private_hex, public_hex).verify_with_sm3(signature.hex(), data) is True
    assert _gm(private_hex, public_hex).verify_with_sm3(signature.hex(), data + b"!") is False


@pytest.mark.parametrize("size", [0, 1, 55, 1000])
def test_gmssl_signature_verified_by_sm2_verify(size):
    private_hex, public_hex = sm2_generate_keypair()
    data = secrets.token_bytes(size)
    signature = _gm_sign(private_hex, public_hex, data)
    assert sm2_verify(public_hex, data, signature) is True
    assert sm2_verify(public_hex, data + b"!", signature) is False
    assert sm2_verify(sm2_generate_keypair()[1], data, signature) is False


def test_sm2_custom_uid_cross_checked_with_gmssl():
    private_hex, public_hex = sm2_generate_keypair()
    uid, data = "园林绿化局-user-0042".encode(), b"access-control record"
    e = ref_sm3(ref_za(public_hex, uid) + data)
    ours = sm2_sign(private_hex, data, uid=uid)
    assert sm2_verify(public_hex, data, ours, uid=uid)
    assert not sm2_verify(public_hex, data, ours)  # the default uid gives another Z_A
    assert _gm(private_hex, public_hex).verify(ours.hex(), e)
    theirs = _gm(private_hex, public_hex).sign(e, f"{secrets.randbelow(N - 1) + 1:064x}")
    assert theirs and sm2_verify(public_hex, data, bytes.fromhex(theirs), uid=uid)
    assert sm2_za(public_hex, uid) == ref_za(public_hex, uid)


def test_sm2_uid_length_limit():
    private_hex, public_hex = sm2_generate_keypair()
    longest = b"u" * 8191  # ENTL_A = 65528 bits still fits in 16 bits
    assert sm2_verify(public_hex, b"x", sm2_sign(private_hex, b"x", uid=longest), uid=longest)
    with pytest.raises(ValueError):
        sm2_sign(private_hex, b"x", uid=b"u" * 8192)


# ---------------------------------------------------------------- SM2 encryption (GB/T 32918.4-2016)

def _on_curve_hex(c1: bytes) -> bool:
    p = int("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF", 16)
    x, y = int.from_bytes(c1[1:33], "big"), int.from_bytes(c1[33:65], "big")
    return (y * y - x ** 3 - int(CURVE_A, 16) * x - int(CURVE_B, 16)) % p == 0


@pytest.mark.parametrize("size", [1, 16, 32, 33, 500])
def test_sm2_encrypt_round_trip_and_layout(size):
    private_hex, public_hex = sm2_generate_keypair()
    message = secrets.token_bytes(size)
    ct = sm2_encrypt(public_hex, message)
    assert len(ct) == 65 + 32 + size and ct[0] == 0x04 and _on_curve_hex(ct[:65])
    assert sm2_decrypt(private_hex, ct) == message
    assert sm2_encrypt(public_hex, message) != ct  # fresh k each time


@pytest.mark.parametrize("size", [1, 20, 64, 300])
def test_sm2_ciphertext_decrypted_by_gmssl(size):
    private_hex, public_hex = sm2_generate_keypair()
    message = secrets.token_bytes(size)
    ct = sm2_encrypt(public_hex, message)
    gm = _gm(private_hex, public_hex)
    assert gm.decrypt(ct[1:]) == message  # gmssl's C1 lacks the 04 prefix
    # gmssl does not check C3: recompute C3 = SM3(x2 || M || y2) with [d]C1 independently (C1C3C2 order)
    x2y2 = bytes.fromhex(gm._kg(int(private_hex, 16), ct[1:65].hex()))
    assert ct[65:97] == ref_sm3(x2y2[:32] + message + x2y2[32:])


@pytest.mark.parametrize("size", [1, 20, 64, 300])
def test_gmssl_ciphertext_decrypted_by_sm2_decrypt(size, secure_gmssl_random):
    private_hex, public_hex = sm2_generate_keypair()
    message = secrets.token_bytes(size)
    theirs = None
    while theirs is None:  # gmssl returns None when t is all zero (1 in 256 for one byte): try a new k
        theirs = _gm(private_hex, public_hex).encrypt(message)  # x1 || y1 || C3 || C2
    assert len(theirs) == 64 + 32 + size
    assert sm2_decrypt(private_hex, b"\x04" + theirs) == message


def test_sm2_decrypt_rejects_c1c2c3_order(secure_gmssl_random):
    private_hex, public_hex = sm2_generate_keypair()
    legacy = gsm2.CryptSM2(private_key=private_hex, public_key="00", mode=0)
    legacy.public_key = public_hex[2:]
    with pytest.raises(IntegrityError):
        sm2_decrypt(private_hex, b"\x04" + legacy.encrypt(b"legacy C1C2C3 ciphertext"))


def test_sm2_decrypt_every_byte_tamper():
    private_hex, public_hex = sm2_generate_keypair()
    ct = sm2_encrypt(public_hex, b"an SM4 key here!")
    for pos in range(len(ct)):
        tampered = bytearray(ct)
        tampered[pos] ^= 0x01
        with pytest.raises(IntegrityError):
            sm2_decrypt(private_hex, bytes(tampered))


def test_sm2_decrypt_rejections():
    private_hex, public_hex = sm2_generate_keypair()
    ct = sm2_encrypt(public_hex, b"secret")
    with pytest.raises(IntegrityError):
        sm2_decrypt(sm2_generate_keypair()[0], ct)  # wrong key
    for bad in (b"", ct[:97], b"\x02" + ct[1:], ct[:65] + ct[65:97]):
        with pytest.raises(IntegrityError):
            sm2_decrypt(private_hex, bad)
    with pytest.raises(ValueError):
        sm2_encrypt(public_hex, b"")
    with pytest.raises(TypeError):
        sm2_encrypt(public_hex, "text, not bytes")


def _crafted_ciphertext(private_hex: str, message: bytes, *, zero_t: bool) -> bytes:
    """C1C3C2 built by hand (GB/T 32918.4-2016 A1-A8, KDF from gmssl), with or without an all-zero t.

    [k]P_B is computed as [k*d]G, so the search for a k with t == 0 (1 in 256 for one byte) is quick.
    """
    d = int(private_hex, 16)
    while True:
        k = secrets.randbelow(N - 2) + 1
        kd = k * d % N
        if not 1 <= kd <= N - 2:
            continue
        x2y2 = sm2_public_from_private(f"{kd:064x}")[2:]
        t = bytes.fromhex(gsm3.sm3_kdf(x2y2.encode(), len(message)))
        if (t == bytes(len(message))) != zero_t:
            continue
        x2, y2 = bytes.fromhex(x2y2[:64]), bytes.fromhex(x2y2[64:])
        c1 = bytes.fromhex(sm2_public_from_private(f"{k:064x}"))
        c2 = bytes(a ^ b for a, b in zip(message, t, strict=True))
        return c1 + ref_sm3(x2 + message + y2) + c2


def test_sm2_decrypt_rejects_all_zero_kdf_output():
    """Decryption step B4: t = KDF(x2 || y2, klen) all zero is an error, even though C3 matches."""
    private_hex, public_hex = sm2_generate_keypair()
    good = _crafted_ciphertext(private_hex, b"\x5a", zero_t=False)
    assert sm2_decrypt(private_hex, good) == b"\x5a"  # the hand-made construction itself is right
    assert _gm(private_hex, public_hex).decrypt(good[1:]) == b"\x5a"
    with pytest.raises(IntegrityError):
        sm2_decrypt(private_hex, _crafted_ciphertext(private_hex, b"\x5a", zero_t=True))


def test_sm2_encrypt_never_emits_all_zero_kdf_output():
    """Encryption step A5 (retry on t == 0): for one-byte messages t == 0 would occur 1 time in 256."""
    private_hex, public_hex = sm2_generate_keypair()
    message = b"\x00"
    for _ in range(2000):
        ct = sm2_encrypt(public_hex, message)
        assert ct[97:] != message  # C2 == M  <=>  t == 0
    assert _gm(private_hex, public_hex).decrypt(ct[1:]) == message
