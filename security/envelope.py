"""Signed and encrypted envelopes for data exchanged with other government systems (module 258).

GB/T 39786-2021, application and data security, "important data transmission confidentiality" and
"important data transmission integrity" (items d) and f) of 7.4 at level 2; 8.4 at level 3): the body is
encrypted with a fresh SM4 session key, the session key travels SM2-encrypted to the recipient, and the
sender signs the whole envelope with SM2.  A timestamp window and a one-time nonce refuse replays.

Wire format (a JSON object; every value a string except ``v``)::

    {"v": 1, "sender": "<id>", "ts": "2024-06-01T08:00:00.000Z", "nonce": "<32 hex>",
     "type": "json" | "bytes", "key": "<b64 SM2(C1C3C2) of the 16-byte session key>",
     "body": "<b64 SM4-GCM blob, see security.sm.sm4_encrypt>", "sig": "<b64 SM2 r||s>"}

``sig`` is the SM2 signature (SM3, default identifier) of the canonical JSON (sorted keys, no spaces,
UTF-8) of every other field.  ``type`` says whether the body is canonical JSON (``open_envelope`` returns
a dict) or raw bytes (returned as bytes).

``open_envelope`` checks, in this order: structure and version, the signature, the time window, the
nonce (recorded atomically, so a second delivery is refused), then unwraps and decrypts.  Checking the
signature first means nothing unauthenticated is stored or decrypted.  The nonce is stored with the
time of receipt; keep nonces at least ``2 * max_skew_seconds`` (``purge(now - 2 * skew)``): an older
envelope fails the time check anyway.

The receiver chooses ``sender_public`` from the claimed ``env["sender"]`` (e.g. ``ApiClient.public_key``
of that client id); since ``sender`` is signed, an envelope cannot claim another sender's identity.
"""
from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
import threading
from datetime import datetime, timedelta, timezone
from typing import Protocol, runtime_checkable

from sqlalchemy import delete, insert
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from security.sm import (IntegrityError, sm2_decrypt, sm2_encrypt, sm2_sign, sm2_verify, sm4_decrypt,
                         sm4_encrypt)

__all__ = [
    "ENVELOPE_VERSION", "EnvelopeError", "NonceStore", "MemoryNonceStore", "DbNonceStore",
    "seal", "open_envelope", "canonical_json",
]

ENVELOPE_VERSION = 1
SESSION_KEY_LEN = 16
_SIGNED_FIELDS = ("v", "sender", "ts", "nonce", "type", "key", "body")
_FIELDS = frozenset(_SIGNED_FIELDS + ("sig",))
_TYPES = ("json", "bytes")
_SENDER = re.compile(r"[A-Za-z0-9._:@-]{1,64}")  # fits EnvelopeNonce.sender (String(64))
_NONCE = re.compile(r"[0-9a-f]{32}")

_MESSAGES = {
    "malformed": "报文格式错误",
    "bad_signature": "报文签名验证失败",
    "expired": "报文已过期或时间不同步",
    "replay": "重复报文（重放）已拒绝",
    "decrypt_failed": "报文解密失败",
}


class EnvelopeError(Exception):
    """An envelope was refused; ``code`` is stable for programs, ``message`` is for people (Chinese)."""

    def __init__(self, code: str, message: str | None = None) -> None:
        self.code = code
        self.message = message or _MESSAGES.get(code, "报文无效")
        super().__init__(self.message)

    def __repr__(self) -> str:
        return f"EnvelopeError({self.code!r}, {self.message!r})"


def canonical_json(obj) -> bytes:
    """Canonical JSON bytes: sorted keys, no insignificant spaces, UTF-8 (non-ASCII kept as is)."""
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


def _utc(moment: datetime | None) -> datetime:
    """``moment`` (now if None) as an aware UTC datetime; a naive value is taken to be UTC."""
    if moment is None:
        return datetime.now(timezone.utc)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _format_ts(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(name: str, value: str) -> bytes:
    try:
        return base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise EnvelopeError("malformed", f"报文格式错误：字段 {name} 不是有效的 Base64") from None


def _signed_bytes(env: dict) -> bytes:
    return canonical_json({name: env[name] for name in _SIGNED_FIELDS})


# ---------------------------------------------------------------- nonce stores

@runtime_checkable
class NonceStore(Protocol):
    """Remembers the nonces of accepted envelopes."""

    def remember(self, nonce: str, sender: str, seen_at: datetime) -> bool:
        """Record ``nonce``; False if it was already recorded (a replay).  Must be atomic."""
        ...


class MemoryNonceStore:
    """Nonces in a dict: for tests and single-process tools (not shared between workers)."""

    def __init__(self) -> None:
        self._seen: dict[str, tuple[str, datetime]] = {}
        self._lock = threading.Lock()

    def remember(self, nonce: str, sender: str, seen_at: datetime) -> bool:
        """Record ``nonce``; False if it was already recorded."""
        with self._lock:
            if nonce in self._seen:
                return False
            self._seen[nonce] = (sender, _utc(seen_at))
            return True

    def purge(self, older_than: datetime) -> int:
        """Forget nonces seen before ``older_than``; returns how many."""
        cutoff = _utc(older_than)
        with self._lock:
            old = [n for n, (_, seen) in self._seen.items() if seen < cutoff]
            for nonce in old:
                del self._seen[nonce]
        return len(old)

    def __len__(self) -> int:
        return len(self._seen)


class DbNonceStore:
    """Nonces in the ``envelope_nonce`` table; the primary key makes "insert or fail" atomic.

    On PostgreSQL and SQLite the insert is ``INSERT ... ON CONFLICT (nonce) DO NOTHING``: a duplicate
    inserts no row and raises nothing, so it cannot abort a caller's transaction; concurrent deliveries of
    one nonce are serialised by the primary key (PostgreSQL waits for the first inserter, SQLite holds one
    write lock), so exactly one succeeds.  Other databases use a SAVEPOINT and catch the IntegrityError.

    Given an Engine, each ``remember`` runs in its own short transaction (committed at once, so the nonce
    is burnt even if the caller's later work fails).  Given a Connection or Session, the insert joins the
    caller's transaction and is committed or rolled back with the caller's work.  On SQLite pass the
    caller's connection when it already holds a write transaction, or the separate transaction would wait
    for the lock.
    """

    def __init__(self, bind: Engine | Connection | Session) -> None:
        from db.security import EnvelopeNonce

        self._bind = bind
        self._table = EnvelopeNonce.__table__

    def _insert(self, executor: Connection | Session, values: dict) -> bool:
        from db import conflict_insert

        upsert = conflict_insert(executor, self._table)
        if upsert is not None:
            stmt = (upsert.values(**values)
                    .on_conflict_do_nothing(index_elements=["nonce"]).returning(self._table.c.nonce))
            # RETURNING rather than rowcount: drivers report -1 for some statements (psycopg 3 here).
            return executor.execute(stmt).first() is not None
        try:
            with executor.begin_nested():
                executor.execute(insert(self._table).values(**values))
        except sa_exc.IntegrityError:
            return False
        return True

    def remember(self, nonce: str, sender: str, seen_at: datetime) -> bool:
        """Insert the nonce; False when it is already recorded (a replay)."""
        values = {"nonce": nonce, "sender": sender, "seen_at": _utc(seen_at)}
        if isinstance(self._bind, Engine):
            with self._bind.begin() as conn:
                return self._insert(conn, values)
        return self._insert(self._bind, values)

    def purge(self, older_than: datetime) -> int:
        """Delete nonces seen before ``older_than`` (use now - 2 * max_skew); returns how many."""
        stmt = delete(self._table).where(self._table.c.seen_at < _utc(older_than))
        if isinstance(self._bind, Engine):
            with self._bind.begin() as conn:
                return conn.execute(stmt).rowcount
        return self._bind.execute(stmt).rowcount


# ---------------------------------------------------------------- seal / open

def seal(payload: dict | bytes, *, sender_id: str, sender_private: str, recipient_public: str,
         now: datetime | None = None) -> dict:
    """Encrypt ``payload`` for ``recipient_public``, sign it as ``sender_id``; returns the envelope dict."""
    if isinstance(payload, dict):
        kind, plaintext = "json", canonical_json(payload)
    elif isinstance(payload, (bytes, bytearray, memoryview)):
        kind, plaintext = "bytes", bytes(payload)
    else:
        raise TypeError(f"payload must be a dict or bytes, not {type(payload).__name__}")
    if not isinstance(sender_id, str) or not _SENDER.fullmatch(sender_id):
        raise ValueError(f"sender_id must be 1-64 characters of [A-Za-z0-9._:@-], got {sender_id!r}")
    # GB/T 39786-2021 7.4 d): a fresh random session key per envelope, wrapped with the recipient's SM2 key.
    session_key = secrets.token_bytes(SESSION_KEY_LEN)
    env = {
        "v": ENVELOPE_VERSION,
        "sender": sender_id,
        "ts": _format_ts(_utc(now)),
        "nonce": secrets.token_hex(16),
        "type": kind,
        "key": _b64(sm2_encrypt(recipient_public, session_key)),
        "body": _b64(sm4_encrypt(session_key, plaintext, key_id="session")),
    }
    # GB/T 39786-2021 7.4 f): SM2 signature over every other field (integrity and origin).
    env["sig"] = _b64(sm2_sign(sender_private, _signed_bytes(env)))
    return env


def _check_structure(env) -> None:
    if not isinstance(env, dict):
        raise EnvelopeError("malformed", "报文格式错误：不是 JSON 对象")
    missing = sorted(_FIELDS - env.keys())
    if missing:
        raise EnvelopeError("malformed", f"报文格式错误：缺少字段 {', '.join(missing)}")
    extra = sorted(str(k) for k in env.keys() - _FIELDS)
    if extra:
        raise EnvelopeError("malformed", f"报文格式错误：多余字段 {', '.join(extra)}")
    if type(env["v"]) is not int or env["v"] != ENVELOPE_VERSION:
        raise EnvelopeError("malformed", f"报文版本不受支持：{env['v']!r}")
    for name in _FIELDS - {"v"}:
        if not isinstance(env[name], str):
            raise EnvelopeError("malformed", f"报文格式错误：字段 {name} 应为字符串")
    if not _SENDER.fullmatch(env["sender"]):
        raise EnvelopeError("malformed", "报文格式错误：发送方标识无效")
    if not _NONCE.fullmatch(env["nonce"]):
        raise EnvelopeError("malformed", "报文格式错误：随机数（nonce）无效")
    if env["type"] not in _TYPES:
        raise EnvelopeError("malformed", "报文格式错误：内容类型无效")
    try:
        ts = datetime.fromisoformat(env["ts"])
    except ValueError:
        raise EnvelopeError("malformed", "报文格式错误：时间戳无效") from None
    if ts.tzinfo is None:
        raise EnvelopeError("malformed", "报文格式错误：时间戳缺少时区")


def open_envelope(env: dict, *, sender_public: str, recipient_private: str, nonces: NonceStore,
                  now: datetime | None = None, max_skew_seconds: int = 300) -> dict | bytes:
    """Verify, de-duplicate and decrypt an envelope; raises ``EnvelopeError`` when it is refused."""
    _check_structure(env)
    signature = _unb64("sig", env["sig"])
    wrapped = _unb64("key", env["key"])
    body = _unb64("body", env["body"])

    # 1. Origin and integrity first (GB/T 39786-2021 7.4 f): nothing unauthenticated is stored or decrypted.
    if not sm2_verify(sender_public, _signed_bytes(env), signature):
        raise EnvelopeError("bad_signature")

    # 2. Time window: a captured envelope is useless after max_skew_seconds.
    moment = _utc(now)
    ts = datetime.fromisoformat(env["ts"]).astimezone(timezone.utc)
    if abs(moment - ts) > timedelta(seconds=max_skew_seconds):
        raise EnvelopeError("expired")

    # 3. One-time nonce, recorded atomically (insert or fail): a second delivery is a replay.
    if not nonces.remember(env["nonce"], env["sender"], moment):
        raise EnvelopeError("replay")

    # 4. Unwrap the session key (SM2) and decrypt the body (SM4-GCM, GB/T 39786-2021 7.4 d).
    try:
        session_key = sm2_decrypt(recipient_private, wrapped)
        if len(session_key) != SESSION_KEY_LEN:
            raise IntegrityError("session key has the wrong length")
        plaintext = sm4_decrypt(session_key, body)
    except IntegrityError:
        raise EnvelopeError("decrypt_failed") from None
    if env["type"] == "bytes":
        return plaintext
    try:
        payload = json.loads(plaintext.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise EnvelopeError("malformed", "报文格式错误：内容不是有效的 JSON") from None
    if not isinstance(payload, dict):
        raise EnvelopeError("malformed", "报文格式错误：内容不是 JSON 对象")
    return payload
