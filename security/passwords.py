"""Password storage (PBKDF2-HMAC-SM3, per-user salt) and the password policy (GB/T 22239-2019 7.1.4.1 at level 2)."""
from __future__ import annotations

import hmac
import re
import secrets

from security.sm import pbkdf2_sm3

ITERATIONS = 100_000
SCHEME = "pbkdf2-sm3"
MIN_LENGTH = 8
HISTORY = 5


def hash_password(password: str, *, iterations: int = ITERATIONS) -> str:
    """``pbkdf2-sm3$iterations$salt$digest`` (hex); a fresh 16-byte salt every time."""
    salt = secrets.token_bytes(16)
    digest = pbkdf2_sm3(password.encode("utf-8"), salt, iterations)
    return f"{SCHEME}${iterations}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches ``stored``; constant-time comparison."""
    try:
        scheme, iterations, salt, digest = stored.split("$")
        if scheme != SCHEME:
            return False
        candidate = pbkdf2_sm3(password.encode("utf-8"), bytes.fromhex(salt), int(iterations))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(candidate.hex(), digest)


_CLASSES = [(re.compile(r"[a-z]"), "小写字母"), (re.compile(r"[A-Z]"), "大写字母"),
            (re.compile(r"[0-9]"), "数字"), (re.compile(r"[^A-Za-z0-9]"), "特殊字符")]


def policy_errors(password: str, *, username: str = "") -> list[str]:
    """Chinese reasons why ``password`` breaks the policy (empty when it complies)."""
    errors = []
    if len(password) < MIN_LENGTH:
        errors.append(f"密码长度至少 {MIN_LENGTH} 位")
    classes = sum(1 for rx, _ in _CLASSES if rx.search(password))
    if classes < 3:
        errors.append("密码须包含大写字母、小写字母、数字、特殊字符中的至少三类")
    if username and username.lower() in password.lower():
        errors.append("密码不得包含用户名")
    return errors
