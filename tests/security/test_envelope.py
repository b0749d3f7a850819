"""security.envelope: SM4 + SM2 envelopes for module 258 (important data transmission)."""
from __future__ import annotations

import base64
import json
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest
from gmssl import sm2 as gsm2
from sqlalchemy import func, select, text

from security.envelope import (
    DbNonceStore,
    EnvelopeError,
    MemoryNonceStore,
    NonceStore,
    canonical_json,
    open_envelope,
    seal,
)
from security.sm import sm2_encrypt, sm2_generate_keypair, sm2_sign, sm4_encrypt

pytestmark = pytest.mark.module(258)

NOW = datetime(2024, 6, 1, 8, 0, 0, tzinfo=timezone.utc)
PAYLOAD = {"ticket": "GD20240601-0001", "区": "黄浦区", "items": [1, 2, 3], "ok": True}


@pytest.fixture(scope="module")
def parties():
    """Key pairs of a sender, a recipient and an outsider."""
    return {name: sm2_generate_keypair() for name in ("sender", "recipient", "outsider")}


def _seal(parties, payload=PAYLOAD, now=NOW, **kw):
    return seal(payload, sender_id="12345-hotline", sender_private=parties["sender"][0],
                recipient_public=parties["recipient"][1], now=now, **kw)


def _open(parties, env, nonces=None, now=NOW, **kw):
    return open_envelope(env, sender_public=parties["sender"][1], recipient_private=parties["recipient"][0],
                         nonces=nonces if nonces is not None else MemoryNonceStore(), now=now, **kw)


def _resign(parties, env):
    """The envelope signed again by the genuine sender (to reach the checks after the signature)."""
    env = dict(env)
    unsigned = {k: v for k, v in env.items() if k != "sig"}
    env["sig"] = base64.b64encode(sm2_sign(parties["sender"][0], canonical_json(unsigned))).decode()
    return env


def _flip_b64(value: str) -> str:
    raw = bytearray(base64.b64decode(value))
    raw[len(raw) // 2] ^= 0x01
    return base64.b64encode(bytes(raw)).decode()


# ---------------------------------------------------------------- round trips

def test_round_trip_dict(parties):
    env = _seal(parties)
    assert _open(parties, env) == PAYLOAD


def test_round_trip_bytes(parties):
    data = secrets.token_bytes(1000) + "绿化".encode()
    env = _seal(parties, data)
    assert env["type"] == "bytes"
    out = _open(parties, env)
    assert isinstance(out, bytes) and out == data


def test_envelope_is_json_serialisable_and_well_formed(parties):
    env = _seal(parties)
    again = json.loads(json.dumps(env))
    assert again == env
    assert set(env) == {"v", "sender", "ts", "nonce", "type", "key", "body", "sig"}
    assert env["v"] == 1 and env["sender"] == "12345-hotline"
    assert datetime.fromisoformat(env["ts"]) == NOW
    assert len(env["nonce"]) == 32 and int(env["nonce"], 16) >= 0
    assert len(base64.b64decode(env["sig"])) == 64
    assert len(base64.b64decode(env["key"])) == 97 + 16  # C1 || C3 || C2 of a 16-byte session key
    assert _open(parties, again) == PAYLOAD


def test_each_envelope_has_fresh_nonce_key_and_body(parties):
    a, b = _seal(parties), _seal(parties)
    assert a["nonce"] != b["nonce"] and a["key"] != b["key"] and a["body"] != b["body"]


def test_body_does_not_contain_plaintext(parties):
    env = _seal(parties, {"phone": "13812341234"})
    assert b"13812341234" not in base64.b64decode(env["body"])
    assert "13812341234" not in json.dumps(env)


def test_seal_rejects_other_payload_types(parties):
    with pytest.raises(TypeError):
        _seal(parties, ["not", "a", "dict"])
    with pytest.raises(ValueError):
        seal({}, sender_id="有 空格", sender_private=parties["sender"][0],
             recipient_public=parties["recipient"][1])


# ---------------------------------------------------------------- tampering

@pytest.mark.parametrize("field", ["body", "key", "sig"])
def test_tampered_binary_field_is_refused(parties, field):
    env = _seal(parties)
    env[field] = _flip_b64(env[field])
    with pytest.raises(EnvelopeError) as info:
        _open(parties, env)
    assert info.value.code == "bad_signature"
    assert info.value.message == "报文签名验证失败"


@pytest.mark.parametrize("field,value", [
    ("ts", (NOW + timedelta(seconds=1)).isoformat()),
    ("nonce", "0" * 32),
    ("sender", "someone-else"),
    ("type", "bytes"),
])
def test_tampered_header_field_is_refused(parties, field, value):
    env = _seal(parties)
    assert env[field] != value
    env[field] = value
    with pytest.raises(EnvelopeError) as info:
        _open(parties, env)
    assert info.value.code == "bad_signature"


def test_refused_envelope_does_not_burn_its_nonce(parties):
    """The signature is checked before the nonce is recorded: a forged copy cannot block the real one."""
    nonces = MemoryNonceStore()
    env = _seal(parties)
    forged = dict(env, body=_flip_b64(env["body"]))
    with pytest.raises(EnvelopeError):
        _open(parties, forged, nonces)
    assert len(nonces) == 0
    assert _open(parties, env, nonces) == PAYLOAD


@pytest.mark.parametrize("mutate", [
    lambda e: e.pop("sig"),
    lambda e: e.update(extra="x"),
    lambda e: e.update(v=2),
    lambda e: e.update(v=True),
    lambda e: e.update(v="1"),
    lambda e: e.update(ts="yesterday"),
    lambda e: e.update(ts="2024-06-01T08:00:00"),  # no time zone
    lambda e: e.update(nonce="xyz"),
    lambda e: e.update(sender=""),
    lambda e: e.update(type="xml"),
    lambda e: e.update(body="***not base64***"),
    lambda e: e.update(key=123),
])
def test_malformed_envelopes_are_refused(parties, mutate):
    env = _seal(parties)
    mutate(env)
    with pytest.raises(EnvelopeError) as info:
        _open(parties, env)
    assert info.value.code == "malformed"
    assert info.value.message.startswith("报文")


@pytest.mark.parametrize("thing", [None, [], "envelope", 1])
def test_non_dict_is_malformed(parties, thing):
    with pytest.raises(EnvelopeError) as info:
        _open(parties, thing)
    assert info.value.code == "malformed"


def test_wrong_sender_key_is_bad_signature(parties):
    env = _seal(parties)
    with pytest.raises(EnvelopeError) as info:
        open_envelope(env, sender_public=parties["outsider"][1], recipient_private=parties["recipient"][0],
                      nonces=MemoryNonceStore(), now=NOW)
    assert info.value.code == "bad_signature"


def test_wrong_recipient_key_is_decrypt_failed(parties):
    env = _seal(parties)
    with pytest.raises(EnvelopeError) as info:
        open_envelope(env, sender_public=parties["sender"][1], recipient_private=parties["outsider"][0],
                      nonces=MemoryNonceStore(), now=NOW)
    assert info.value.code == "decrypt_failed"
    assert info.value.message == "报文解密失败"


def test_signed_but_undecryptable_body_is_decrypt_failed(parties):
    """A genuine sender with a body under another session key: signature fine, decryption fails."""
    env = _seal(parties)
    other = sm4_encrypt(secrets.token_bytes(16), b"{}", key_id="session")
    env = _resign(parties, dict(env, body=base64.b64encode(other).decode()))
    with pytest.raises(EnvelopeError) as info:
        _open(parties, env)
    assert info.value.code == "decrypt_failed"


def test_signed_wrong_length_session_key_is_decrypt_failed(parties):
    env = _seal(parties)
    key = sm2_encrypt(parties["recipient"][1], b"short")
    env = _resign(parties, dict(env, key=base64.b64encode(key).decode()))
    with pytest.raises(EnvelopeError) as info:
        _open(parties, env)
    assert info.value.code == "decrypt_failed"


def test_signed_json_type_with_non_json_body_is_malformed(parties):
    env = _seal(parties, b"\xff\xfe not json")
    env = _resign(parties, dict(env, type="json"))
    with pytest.raises(EnvelopeError) as info:
        _open(parties, env)
    assert info.value.code == "malformed"


# ---------------------------------------------------------------- time window

@pytest.mark.parametrize("offset", [-301, 301, -3600, 86400])
def test_stale_or_future_timestamp_is_refused(parties, offset):
    env = _seal(parties, now=NOW + timedelta(seconds=offset))
    with pytest.raises(EnvelopeError) as info:
        _open(parties, env)
    assert info.value.code == "expired"
    assert info.value.message == "报文已过期或时间不同步"


@pytest.mark.parametrize("offset", [-300, -1, 0, 299])
def test_timestamp_inside_window_is_accepted(parties, offset):
    env = _seal(parties, now=NOW + timedelta(seconds=offset))
    assert _open(parties, env) == PAYLOAD


def test_custom_skew_and_naive_now(parties):
    env = _seal(parties, now=NOW - timedelta(seconds=30))
    with pytest.raises(EnvelopeError) as info:
        _open(parties, env, max_skew_seconds=10)
    assert info.value.code == "expired"
    assert _open(parties, env, now=NOW.replace(tzinfo=None), max_skew_seconds=60) == PAYLOAD


def test_timestamp_in_other_zone_compared_in_utc(parties):
    env = _seal(parties, now=NOW.astimezone(timezone(timedelta(hours=8))))
    assert env["ts"].endswith("Z")
    assert _open(parties, env) == PAYLOAD


# ---------------------------------------------------------------- replay

def test_replay_refused_with_memory_store(parties):
    nonces = MemoryNonceStore()
    assert isinstance(nonces, NonceStore)
    env = _seal(parties)
    assert _open(parties, env, nonces) == PAYLOAD
    with pytest.raises(EnvelopeError) as info:
        _open(parties, env, nonces, now=NOW + timedelta(seconds=5))
    assert info.value.code == "replay"
    assert info.value.message == "重复报文（重放）已拒绝"
    # A different envelope with the same content is fine.
    assert _open(parties, _seal(parties), nonces) == PAYLOAD


def test_memory_store_purge():
    nonces = MemoryNonceStore()
    assert nonces.remember("a" * 32, "s", NOW - timedelta(hours=1))
    assert nonces.remember("b" * 32, "s", NOW)
    assert not nonces.remember("b" * 32, "s", NOW)
    assert nonces.purge(NOW - timedelta(minutes=10)) == 1
    assert nonces.remember("a" * 32, "s", NOW)


def test_error_is_readable():
    err = EnvelopeError("replay")
    assert str(err) == "重复报文（重放）已拒绝" and err.code == "replay"
    assert "replay" in repr(err)


# ---------------------------------------------------------------- nonce store on the app's database

def _count(engine, nonce):
    from db.security import EnvelopeNonce

    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(EnvelopeNonce)
                            .where(EnvelopeNonce.nonce == nonce)).scalar_one()


def test_replay_refused_with_db_store(app, parties):
    from db import db

    nonces = DbNonceStore(db.engine)
    assert isinstance(nonces, NonceStore)
    env = _seal(parties)
    assert _open(parties, env, nonces) == PAYLOAD
    assert _count(db.engine, env["nonce"]) == 1
    with pytest.raises(EnvelopeError) as info:
        _open(parties, env, nonces)
    assert info.value.code == "replay"
    # A second store on the same database (another worker) also sees it.
    with pytest.raises(EnvelopeError) as info:
        _open(parties, env, DbNonceStore(db.engine))
    assert info.value.code == "replay"
    assert _count(db.engine, env["nonce"]) == 1


def test_db_store_duplicate_does_not_poison_callers_transaction(app):
    """Inside a caller's transaction a duplicate neither raises nor aborts the transaction: work goes on."""
    from db import db
    from db.security import EnvelopeNonce

    first, second = secrets.token_hex(16), secrets.token_hex(16)
    with db.session() as session:
        store = DbNonceStore(session)
        assert store.remember(first, "unit-a", NOW) is True
        assert store.remember(first, "unit-a", NOW) is False
        assert store.remember(second, "unit-a", NOW) is True
        assert session.execute(select(func.count()).select_from(EnvelopeNonce)
                               .where(EnvelopeNonce.nonce.in_([first, second]))).scalar_one() == 2
    assert _count(db.engine, first) == 1 and _count(db.engine, second) == 1

    with db.engine.connect() as conn, conn.begin():
        store = DbNonceStore(conn)
        assert store.remember(first, "unit-a", NOW) is False
        assert conn.execute(text("SELECT 1")).scalar_one() == 1  # transaction still usable


def test_db_store_rolls_back_with_callers_transaction(app):
    from db import db

    nonce = secrets.token_hex(16)
    with pytest.raises(RuntimeError):
        with db.session() as session:
            assert DbNonceStore(session).remember(nonce, "unit-a", NOW)
            raise RuntimeError("caller's work failed")
    assert _count(db.engine, nonce) == 0


def test_db_store_concurrent_deliveries_accept_exactly_one(app):
    from db import db

    nonce = secrets.token_hex(16)
    barrier = threading.Barrier(8)

    def deliver():
        barrier.wait()
        return DbNonceStore(db.engine).remember(nonce, "unit-c", NOW)

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: deliver(), range(8)))
    assert results.count(True) == 1 and results.count(False) == 7
    assert _count(db.engine, nonce) == 1


@pytest.mark.parametrize("own_transaction", [True, False])
def test_db_store_savepoint_fallback(app, monkeypatch, own_transaction):
    """The generic path (SAVEPOINT + IntegrityError) used for databases without ON CONFLICT."""
    from db import db

    if not own_transaction and db.engine.dialect.name == "sqlite":
        pytest.skip("pysqlite starts no transaction before a SAVEPOINT (SQLAlchemy pysqlite notes)")
    monkeypatch.setattr("db.conflict_insert", lambda bind, table: None)  # as on a dialect without ON CONFLICT
    nonce = secrets.token_hex(16)
    if own_transaction:
        store = DbNonceStore(db.engine)
        assert store.remember(nonce, "unit-d", NOW) is True
        assert store.remember(nonce, "unit-d", NOW) is False
    else:
        with db.engine.connect() as conn, conn.begin():
            store = DbNonceStore(conn)
            assert store.remember(nonce, "unit-d", NOW) is True
            assert store.remember(nonce, "unit-d", NOW) is False
            assert conn.execute(text("SELECT 1")).scalar_one() == 1
    assert _count(db.engine, nonce) == 1


def test_db_store_purge(app):
    from db import db

    store = DbNonceStore(db.engine)
    old, fresh = secrets.token_hex(16), secrets.token_hex(16)
    base = datetime(2001, 1, 1, tzinfo=timezone.utc)  # far before anything the other tests store
    assert store.remember(old, "unit-b", base)
    assert store.remember(fresh, "unit-b", base + timedelta(hours=2))
    assert store.purge(base + timedelta(hours=1)) == 1
    assert _count(db.engine, old) == 0 and _count(db.engine, fresh) == 1
    assert store.remember(old, "unit-b", base)  # forgotten, so accepted again
    store.purge(base + timedelta(days=1))


# ---------------------------------------------------------------- independent cross-check (gmssl)

def test_signature_verifies_with_gmssl(parties):
    env = _seal(parties)
    signed = canonical_json({k: v for k, v in env.items() if k != "sig"})
    sig_hex = base64.b64decode(env["sig"]).hex()
    # Set the key directly: CryptSM2(public_key=...) strips leading '0'/'4' digits (see test_sm.py).
    verifier = gsm2.CryptSM2(private_key="", public_key="00", mode=1)
    verifier.public_key = parties["sender"][1][2:]
    assert verifier.verify_with_sm3(sig_hex, signed) is True
    assert verifier.verify_with_sm3(sig_hex, signed + b" ") is False
