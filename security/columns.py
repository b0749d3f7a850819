"""Sensitive columns: encrypted at rest with SM4, searchable by a blind index, masked in the UI.

* ``EncryptedString(context)`` stores ``base64(sm4_encrypt(...))`` (GB/T 39786-2021, application and data
  security, "important data storage confidentiality" and "storage integrity", items e) and g) of 7.4 at
  level 2; 8.4 at level 3).  The blob names its key id, so after a key rotation (``keys.rotate_sm4``) old
  rows still read; ``context`` (e.g. ``"complaint.phone"``) is bound as additional authenticated data, so a
  ciphertext copied into another column or table does not decrypt.
* ``blind_index`` gives a deterministic keyed digest for equality search on an encrypted column.
* ``mask_*`` / ``mask`` hide most of a value from users without the right to see it (GB/T 22239-2019,
  secure computing environment, personal information protection: 7.1.4.10 at level 2, 8.1.4.11 at
  level 3).
"""
from __future__ import annotations

import base64
import binascii
import re
import unicodedata

from sqlalchemy import Text
from sqlalchemy.sql import operators
from sqlalchemy.types import TypeDecorator

from security import keys
from security.sm import IntegrityError, hmac_sm3, sm4_decrypt, sm4_encrypt

__all__ = [
    "EncryptedString", "blind_index", "normalise_for_index",
    "mask_phone", "mask_id_number", "mask_name", "mask", "MASK_KINDS",
]

# Comparisons that cannot work on randomised ciphertext (each write uses a fresh nonce).
_UNSEARCHABLE = {
    operators.eq, operators.ne, operators.lt, operators.le, operators.gt, operators.ge,
    operators.like_op, operators.not_like_op, operators.ilike_op, operators.not_ilike_op,
    operators.in_op, operators.not_in_op, operators.between_op, operators.not_between_op,
    operators.contains_op, operators.not_contains_op, operators.startswith_op, operators.not_startswith_op,
    operators.endswith_op, operators.not_endswith_op, operators.regexp_match_op,
    operators.not_regexp_match_op,
}


class EncryptedString(TypeDecorator):
    """A text column stored as base64 of an SM4-GCM blob under the active key, bound to ``context``."""

    impl = Text
    cache_ok = True

    class comparator_factory(TypeDecorator.Comparator):
        """Refuses value comparisons, which would silently never match: search via ``blind_index``."""

        def operate(self, op, *other, **kwargs):
            if op in _UNSEARCHABLE and not (len(other) == 1 and other[0] is None):
                raise TypeError("an EncryptedString column cannot be compared or searched by value: "
                                "store blind_index(value, context=...) in a separate column and compare that")
            return super().operate(op, *other, **kwargs)

    def __init__(self, context: str, *args, **kwargs) -> None:
        if not isinstance(context, str) or not context:
            raise ValueError("EncryptedString needs a non-empty context string, e.g. 'complaint.phone'")
        super().__init__(*args, **kwargs)
        self.context = context

    @property
    def _aad(self) -> bytes:
        return self.context.encode("utf-8")

    def process_bind_param(self, value, dialect):
        """Encrypt a str with the active SM4 key (None stays NULL)."""
        if value is None:
            return None
        if not isinstance(value, str):
            raise TypeError(f"EncryptedString({self.context!r}) takes str, not {type(value).__name__}")
        ring = keys.current()
        blob = sm4_encrypt(ring.sm4_key, value.encode("utf-8"), key_id=ring.sm4_active, aad=self._aad)
        return base64.b64encode(blob).decode("ascii")

    def process_result_value(self, value, dialect):
        """Decrypt with whichever key of the ring the blob names; IntegrityError if it was altered."""
        if value is None:
            return None
        try:
            blob = base64.b64decode(value.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError, ValueError, AttributeError):
            raise IntegrityError(f"column {self.context!r} does not hold a base64 SM4 blob") from None
        plaintext = sm4_decrypt(keys.current().sm4_keys, blob, aad=self._aad)
        try:
            return plaintext.decode("utf-8")
        except UnicodeDecodeError:  # authenticated yet not UTF-8: not written by this type
            raise IntegrityError(f"column {self.context!r} holds a blob that is not UTF-8 text") from None

    def __repr__(self) -> str:
        return f"EncryptedString({self.context!r})"


# ---------------------------------------------------------------- blind index

_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\uff0d]+")  # spaces and dashes of every width
_PHONE_LIKE = re.compile(r"\+?[0-9()]+")


def national_phone_digits(digits: str) -> str:
    """A phone number's digits without China's country code (+86, 0086, or 86 before a mobile number).

    Mobile numbers keep their 11 digits; landlines get back the trunk prefix 0. The importer's phone parser
    and the blind index both use this, so an imported number and a searched one index alike."""
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            rest = digits[len(prefix):]
            return rest if rest.startswith(("1", "0")) else "0" + rest
    if len(digits) == 13 and digits.startswith("861"):
        return digits[2:]
    return digits


def normalise_for_index(value: str) -> str:
    """The form a value is indexed under: NFKC, no spaces or dashes, upper case, phones without +86."""
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", value))
    if _PHONE_LIKE.fullmatch(text):
        return national_phone_digits(text.replace("(", "").replace(")", "")).lstrip("+")
    return text.upper()


def blind_index(value: str, *, context: str) -> str:
    """Keyed digest (hex HMAC-SM3) of the normalised value, for equality search on an encrypted column.

    Encrypted columns use a random nonce per write, so ``WHERE phone = ?`` can never match; storing
    ``blind_index(phone, context="complaint.phone")`` beside the ciphertext lets the hotline find a
    caller's earlier tickets without decrypting every row.  The key is a sub-key derived from the ring's
    ``acl_key`` with a "blind-index:" label and the context, so indexes of different columns do not
    correlate and the ACL signatures' key is never used directly.  Normalisation (``normalise_for_index``)
    makes "138-1234-1234", "+86 138 1234 1234" and "13812341234" one value.  The index reveals equality
    only; low-entropy values (phone numbers) could be brute-forced by someone holding the key, which is why
    it stays in the key ring and never in the database.
    """
    if not isinstance(value, str):
        raise TypeError(f"blind_index takes str, not {type(value).__name__}")
    subkey = hmac_sm3(keys.current().acl_key, b"blind-index:" + context.encode("utf-8"))
    return hmac_sm3(subkey, normalise_for_index(value).encode("utf-8")).hex()


# ---------------------------------------------------------------- masking

MASK_KINDS = ("phone", "id_number", "name")
_MOBILE = re.compile(r"1\d{10}")


def _mask_positions(value: str, positions: list[int], head: int, tail: int) -> str:
    """``value`` with the characters at ``positions`` replaced by '*', except the first ``head`` and
    last ``tail`` of them."""
    hidden = set(positions[head:len(positions) - tail if tail else len(positions)])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(value))


def _half(n: int) -> tuple[int, int]:
    """(head, tail) revealing at most half of ``n`` characters, the larger part at the end."""
    reveal = n // 2
    head = reveal // 2
    return head, reveal - head


def _phone_reveal(national: str, *, has_country_code: bool) -> tuple[int, int] | None:
    """(head, tail) to show of a recognised mainland number, or None when it is not one."""
    n = len(national)
    if _MOBILE.fullmatch(national):
        return 3, 4
    # Landlines: the area code is shown (010 and 02x are three digits with the trunk 0, the others four),
    # the local number (7-8 digits) shows at most its last four digits and never more than half.
    if not has_country_code and national.startswith("0") and 11 <= n <= 12:
        area = 3 if national[1] in "12" else 4
    elif has_country_code and national[:1].isdigit() and national[:1] != "0" and 9 <= n <= 11:
        area = 2 if national[0] in "12" else 3
    else:
        return None
    local = n - area
    if not 7 <= local <= 8:
        return None
    return area, min(4, local // 2)


def mask_phone(value: str | None) -> str:
    """Mask a phone number, keeping its length and separators: mobiles 138****1234, landlines 021-****5678."""
    if not value:
        return value or ""
    positions = [i for i, ch in enumerate(value) if ch.isalnum()]
    sig = "".join(value[i] for i in positions)
    stripped = value.lstrip()
    for prefix, cc in (("+86", 2), ("0086", 4), ("", 0)):
        if stripped.startswith(prefix):
            reveal = _phone_reveal(sig[cc:], has_country_code=cc > 0)
            if reveal is not None:
                # The country code is not secret: it stays visible before the national number's head.
                return _mask_positions(value, positions, cc + reveal[0], reveal[1])
    # Unrecognised (short, foreign, odd): never more than half, the larger part at the end.
    return _mask_positions(value, positions, *_half(len(positions)))


def mask_id_number(value: str | None) -> str:
    """Mask an ID number: 18/15-digit resident IDs keep the region code and last four (310101********1234)."""
    if not value:
        return value or ""
    positions = [i for i, ch in enumerate(value) if ch.isalnum()]
    n = len(positions)
    head, tail = (6, 4) if n >= 15 else _half(n)
    return _mask_positions(value, positions, head, tail)


def mask_name(value: str | None) -> str:
    """Mask a person's name, keeping only the first character: 张* / 欧*** (separators such as · stay)."""
    if not value:
        return value or ""
    positions = [i for i, ch in enumerate(value) if ch.isalnum()]
    if len(positions) <= 1:
        return "".join("*" if ch.isalnum() else ch for ch in value)
    return _mask_positions(value, positions, 1, 0)


_MASKERS = {"phone": mask_phone, "id_number": mask_id_number, "name": mask_name}


def mask(kind: str, value: str | None, *, may_see: bool) -> str | None:
    """``value`` as is when the user ``may_see`` it, else masked as ``kind`` (phone, id_number, name)."""
    try:
        masker = _MASKERS[kind]
    except KeyError:
        raise ValueError(f"unknown mask kind {kind!r}; expected one of {MASK_KINDS}") from None
    if may_see or value is None:
        return value
    return masker(value)
