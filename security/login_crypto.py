"""Passwords posted SM2-encrypted by the browser (``admin/static/js/sm2-form.js``), bound to a one-time challenge.

GB/T 39786-2021 asks that the sign-in password be kept confidential in transit by the application itself, on
top of TLS. The page carries the server's SM2 public key and a challenge held in the server session; the
browser posts ``hex(SM2_encrypt(public, utf8(password + "\\n" + challenge)))`` as C1 || C3 || C2
(GB/T 32918.4-2016) with C1 = 04 || x1 || y1. ``decrypt_field`` undoes that and checks the challenge, so a
captured ciphertext is useless once the server has replaced the challenge.

The caller owns the challenge's life cycle: issue it with ``new_challenge`` when rendering the form, keep it
server-side (session), and discard or replace it once a post has used it.
"""
from __future__ import annotations

import hmac
import re
import secrets

from security.sm import IntegrityError, sm2_decrypt

__all__ = ["LoginCipherError", "MAX_CIPHER_HEX", "CHALLENGE_HEX_LEN", "decrypt_field", "new_challenge"]

#: Upper bound on a posted ciphertext, in hex digits, checked before any decryption. 97 bytes of SM2
#: overhead + "\n" + 32-character challenge leave room for a password of well over 800 bytes.
MAX_CIPHER_HEX = 2048
#: Length of a challenge from ``new_challenge`` (128 random bits as hex).
CHALLENGE_HEX_LEN = 32

_EXPIRED = "登录信息已失效，请刷新页面后重试"
_FAILED = "密码解密失败，请刷新页面后重试"
_HEX = re.compile(r"[0-9a-fA-F]+")
# C1 (64 bytes without the 04 byte) + C3 (32) + at least the "\n" separator.
_MIN_CIPHER_HEX = 2 * (64 + 32 + 1)


class LoginCipherError(ValueError):
    """A posted password cipher could not be used; ``str(exc)`` is a Chinese message for the user."""


def new_challenge() -> str:
    """A fresh challenge for one form rendering: 32 lower-case hex characters (128 bits from ``secrets``)."""
    return secrets.token_hex(CHALLENGE_HEX_LEN // 2)


def _candidates(text: str) -> list[bytes]:
    """The ciphertext as bytes with C1's 04 byte, in the order to try.

    Without the prefix C1 is x1 || y1; with it 04 || x1 || y1. A string that starts with "04" may be either
    (1 in 256 x1 begin with byte 04), so both readings are tried; at most one of them has a C1 on the curve,
    and the other fails cheaply on ``sm2_decrypt``'s curve check.
    """
    raw = bytes.fromhex(text)
    out = [raw] if raw[:1] == b"\x04" else []
    out.append(b"\x04" + raw)
    return out


def decrypt_field(cipher_hex: str, private_hex: str, challenge: str) -> str:
    """The clear password in ``cipher_hex`` (as posted by sm2-form.js), checked against ``challenge``.

    ``cipher_hex`` is hex (either case, surrounding whitespace ignored) of C1 || C3 || C2, with or without
    C1's 04 byte, over UTF-8 ``password + "\\n" + challenge``. Raises ``LoginCipherError`` with
    "密码解密失败，请刷新页面后重试" when the value is missing, too long, not hex, does not decrypt under
    ``private_hex`` or is not UTF-8, and with "登录信息已失效，请刷新页面后重试" when it decrypts but was
    made for another (or no) challenge, or ``challenge`` is empty (no challenge in the session).
    A malformed ``private_hex`` is a server fault and raises ValueError/TypeError from ``security.sm``.
    """
    if not isinstance(challenge, str) or not challenge or "\n" in challenge:
        raise LoginCipherError(_EXPIRED)
    if not isinstance(cipher_hex, str):
        raise LoginCipherError(_FAILED)
    if len(cipher_hex) > MAX_CIPHER_HEX + 64:  # before strip(): bound the work on absurd input
        raise LoginCipherError(_FAILED)
    text = cipher_hex.strip()
    if (len(text) > MAX_CIPHER_HEX or len(text) < _MIN_CIPHER_HEX or len(text) % 2
            or not _HEX.fullmatch(text)):
        raise LoginCipherError(_FAILED)
    plaintext = None
    for candidate in _candidates(text):
        try:
            plaintext = sm2_decrypt(private_hex, candidate)
            break
        except IntegrityError:
            continue
    if plaintext is None:
        raise LoginCipherError(_FAILED)
    try:
        message = plaintext.decode("utf-8")
    except UnicodeDecodeError:
        raise LoginCipherError(_FAILED) from None
    password, sep, suffix = message.rpartition("\n")
    if not sep or not hmac.compare_digest(suffix.encode("utf-8"), challenge.encode("utf-8")):
        raise LoginCipherError(_EXPIRED)
    return password
