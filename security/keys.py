"""Key material of this installation: generated once into ``instance/keys.json`` (mode 600), never in source.

Holds the application's SM2 signing key pair, the HMAC-SM3 keys of the audit chain and of the
access-control signatures, and the SM4 data keys by key id (rotation: add a key, make it active; old
blobs still decrypt because each carries its key id).
"""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class KeyRing:
    """The keys one installation uses."""

    sm2_private: str = field(repr=False)
    sm2_public: str
    audit_key: bytes = field(repr=False)
    acl_key: bytes = field(repr=False)
    sm4_keys: dict[str, bytes] = field(repr=False)
    sm4_active: str = "k1"

    @property
    def sm4_key(self) -> bytes:
        """The SM4 key new data is encrypted with."""
        return self.sm4_keys[self.sm4_active]


def _generate() -> dict:
    from security.sm import sm2_generate_keypair

    private, public = sm2_generate_keypair()
    return {"SM2_PRIVATE": private, "SM2_PUBLIC": public, "AUDIT_HMAC_KEY": secrets.token_hex(32),
            "ACL_HMAC_KEY": secrets.token_hex(32), "SM4_KEYS": {"k1": secrets.token_hex(16)},
            "SM4_ACTIVE": "k1"}


def _ring(data: dict) -> KeyRing:
    return KeyRing(
        sm2_private=data["SM2_PRIVATE"], sm2_public=data["SM2_PUBLIC"],
        audit_key=bytes.fromhex(data["AUDIT_HMAC_KEY"]), acl_key=bytes.fromhex(data["ACL_HMAC_KEY"]),
        sm4_keys={k: bytes.fromhex(v) for k, v in data["SM4_KEYS"].items()}, sm4_active=data["SM4_ACTIVE"],
    )


def load_or_create(instance_path: Path) -> KeyRing:
    """Read ``instance/keys.json``, creating it with fresh keys on first start."""
    from settings import read_or_create_json

    return _ring(read_or_create_json(Path(instance_path) / "keys.json", _generate))


def rotate_sm4(instance_path: Path) -> str:
    """Add a new SM4 data key and make it the active one; returns its key id."""
    path = Path(instance_path) / "keys.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    new_id = f"k{len(data['SM4_KEYS']) + 1}"
    data["SM4_KEYS"][new_id] = secrets.token_hex(16)
    data["SM4_ACTIVE"] = new_id
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return new_id


_current: KeyRing | None = None


def configure(ring: KeyRing) -> None:
    """Make ``ring`` the process's key ring (called by ``create_app``)."""
    global _current
    _current = ring


def current() -> KeyRing:
    """The configured key ring; raises if the app has not configured one."""
    if _current is None:
        raise RuntimeError("key ring not configured: create_app() loads instance/keys.json")
    return _current


def for_tests() -> KeyRing:
    """A fresh in-memory key ring (tests only)."""
    return _ring(_generate())
