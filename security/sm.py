"""SM2 / SM3 / SM4 primitives for LvRong (GB/T 39786-2021 commercial-cryptography requirements).

The rest of the application is meant to use only the functions below rather than a cryptographic library
directly, so that algorithms, encodings and key handling stay in one reviewed place.

Algorithms and standards
    * SM3 hash: GB/T 32905-2016.  HMAC-SM3: GB/T 15852.2-2012 (= RFC 2104 with SM3).
      PBKDF2-HMAC-SM3: RFC 8018 section 5.2 (PKCS #5 v2.1) with HMAC-SM3 as the PRF.
    * SM4 block cipher: GB/T 32907-2016.  Authenticated encryption: SM4-GCM (GB/T 36624-2018 /
      NIST SP 800-38D; the same construction as RFC 8998's TLS_SM4_GCM_SM3), 96-bit random nonce,
      128-bit tag.
    * SM2: GB/T 32918.1-5 (2016/2017) on the recommended curve of GB/T 32918.5-2017.  Signatures use the
      user digest Z_A of GB/T 32918.2-2016 with the default distinguishing identifier
      "1234567812345678" of GB/T 35276-2017 (GM/T 0009-2012).  Ciphertexts are C1 || C3 || C2
      (GB/T 32918.4-2016 order) with C1 = 04 || x1 || y1 (uncompressed point, GB/T 32918.1-2016).

Backends
    * SM3, HMAC, PBKDF2 and SM4 come from ``cryptography`` (OpenSSL).
    * SM2 comes from ``tongsuopy`` (Tongsuo).  Its public API signs only with the default identifier
      and offers no encryption, so this module computes e = SM3(Z_A || M) itself and calls Tongsuo's
      EVP_PKEY_sign / _verify / _encrypt / _decrypt through the binding's cffi library on the digest.
      Tongsuo speaks DER (GB/T 35276-2017 SM2Signature and SM2Cipher); the conversion to raw
      r || s and C1C3C2 is done here.  This relies on tongsuopy internals: keep tongsuopy pinned.

Encodings used by the API
    * SM2 private key: 64 hex characters (d, big-endian, 1 <= d <= n - 2).
    * SM2 public key: "04" || x || y, 130 hex characters.  Output is always lower case.
    * SM2 signature: r || s, 64 bytes.
    * SM4 blob (``sm4_encrypt``): version (1 byte, 0x01 = SM4-GCM) || key-id length (1 byte) || key id
      (ASCII) || nonce (12 bytes) || ciphertext || tag (16 bytes).  The header (version, length and
      key id) and the caller's ``aad`` are authenticated as GCM additional data.
"""
from __future__ import annotations

import functools
import os
import re
import secrets
from collections.abc import Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as _hmac
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from tongsuopy.backends.tongsuo.backend import backend as _tongsuo
from tongsuopy.crypto.asymciphers import ec as _ts_ec

__all__ = [
    "IntegrityError", "UnknownKeyIdError", "SM2_DEFAULT_UID", "BLOB_VERSION",
    "sm3", "hmac_sm3", "pbkdf2_sm3",
    "sm4_encrypt_block", "sm4_decrypt_block", "sm4_encrypt", "sm4_decrypt", "blob_key_id",
    "sm2_generate_keypair", "sm2_public_from_private", "sm2_za", "sm2_sign", "sm2_verify",
    "sm2_encrypt", "sm2_decrypt",
]


class IntegrityError(ValueError):
    """Authenticated data failed verification: tampered, truncated, wrong key, or malformed."""


class UnknownKeyIdError(IntegrityError):
    """A blob names a key id that the key ring given to ``sm4_decrypt`` does not hold."""


# ---------------------------------------------------------------- helpers

def _bytes(name: str, value) -> bytes:
    """``value`` as bytes; str and other types are a programming error (TypeError)."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"{name} must be bytes, not {type(value).__name__}")


# ---------------------------------------------------------------- SM3 (GB/T 32905-2016)

def sm3(data: bytes) -> bytes:
    """SM3 digest of ``data`` (GB/T 32905-2016): 32 bytes."""
    h = hashes.Hash(hashes.SM3())
    h.update(_bytes("data", data))
    return h.finalize()


def hmac_sm3(key: bytes, data: bytes) -> bytes:
    """HMAC-SM3 of ``data`` under ``key`` (GB/T 15852.2-2012 / RFC 2104, 64-byte block): 32 bytes."""
    h = _hmac.HMAC(_bytes("key", key), hashes.SM3())
    h.update(_bytes("data", data))
    return h.finalize()


def pbkdf2_sm3(password: bytes, salt: bytes, iterations: int, length: int = 32) -> bytes:
    """PBKDF2 (RFC 8018 section 5.2) with HMAC-SM3 as the PRF: ``length`` bytes of derived key."""
    if not isinstance(iterations, int) or isinstance(iterations, bool) or iterations < 1:
        raise ValueError(f"iterations must be a positive integer, got {iterations!r}")
    if not isinstance(length, int) or isinstance(length, bool) or length < 1:
        raise ValueError(f"length must be a positive integer, got {length!r}")
    kdf = PBKDF2HMAC(algorithm=hashes.SM3(), length=length, salt=_bytes("salt", salt),
                     iterations=iterations)
    return kdf.derive(_bytes("password", password))


# ---------------------------------------------------------------- SM4 (GB/T 32907-2016)

SM4_KEY_LEN = 16
_SM4_BLOCK = 16


def _sm4_key(key, name: str = "key") -> bytes:
    key = _bytes(name, key)
    if len(key) != SM4_KEY_LEN:
        raise ValueError(f"SM4 {name} must be {SM4_KEY_LEN} bytes, got {len(key)}")
    return key


def _sm4_block(block) -> bytes:
    block = _bytes("block", block)
    if len(block) != _SM4_BLOCK:
        raise ValueError(f"SM4 block must be {_SM4_BLOCK} bytes, got {len(block)}")
    return block


def sm4_encrypt_block(key16: bytes, block16: bytes) -> bytes:
    """Encrypt one 16-byte block with SM4 (GB/T 32907-2016, raw ECB): for known-answer tests only."""
    enc = Cipher(algorithms.SM4(_sm4_key(key16)), modes.ECB()).encryptor()
    return enc.update(_sm4_block(block16)) + enc.finalize()


def sm4_decrypt_block(key16: bytes, block16: bytes) -> bytes:
    """Decrypt one 16-byte block with SM4 (GB/T 32907-2016, raw ECB): inverse of ``sm4_encrypt_block``."""
    dec = Cipher(algorithms.SM4(_sm4_key(key16)), modes.ECB()).decryptor()
    return dec.update(_sm4_block(block16)) + dec.finalize()


# ---------------------------------------------------------------- SM4-GCM blobs

BLOB_VERSION = 1  # 0x01: SM4-GCM, 12-byte nonce, 16-byte tag
_NONCE_LEN = 12   # 96-bit IV (NIST SP 800-38D 8.2.2, random construction)
_TAG_LEN = 16     # full 128-bit tag
_KEY_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def _blob_header(key_id: str) -> bytes:
    if not isinstance(key_id, str) or not _KEY_ID.fullmatch(key_id):
        raise ValueError(f"key_id must be 1-64 characters of [A-Za-z0-9._:-], got {key_id!r}")
    kid = key_id.encode("ascii")
    return bytes([BLOB_VERSION, len(kid)]) + kid


def _parse_blob(blob) -> tuple[bytes, str, bytes, bytes, bytes]:
    """(header, key id, nonce, ciphertext, tag) of a blob; IntegrityError when it is malformed."""
    blob = _bytes("blob", blob)
    if len(blob) < 2:
        raise IntegrityError("SM4 blob is truncated")
    if blob[0] != BLOB_VERSION:
        raise IntegrityError(f"unsupported SM4 blob version {blob[0]}")
    end = 2 + blob[1]
    if len(blob) < end + _NONCE_LEN + _TAG_LEN:
        raise IntegrityError("SM4 blob is truncated")
    try:
        key_id = blob[2:end].decode("ascii")
    except UnicodeDecodeError:
        raise IntegrityError("SM4 blob has a malformed key id") from None
    if not _KEY_ID.fullmatch(key_id):
        raise IntegrityError("SM4 blob has a malformed key id")
    nonce = blob[end:end + _NONCE_LEN]
    return blob[:end], key_id, nonce, blob[end + _NONCE_LEN:-_TAG_LEN], blob[-_TAG_LEN:]


def sm4_encrypt(key: bytes, plaintext: bytes, *, key_id: str = "k1", aad: bytes = b"") -> bytes:
    """Encrypt and authenticate ``plaintext`` with SM4-GCM under the 16-byte ``key``; returns a blob.

    The blob carries its format version, ``key_id`` (1-64 chars of [A-Za-z0-9._:-]; it names the key so
    keys can rotate), a fresh random 96-bit nonce, the ciphertext and a 128-bit tag.  The header and
    ``aad`` (context bound to the ciphertext but not stored in it, e.g. a table and row id) are
    authenticated.  With random nonces, encrypt at most 2**32 messages per key (NIST SP 800-38D 8.3),
    then rotate to a new key id.
    """
    key = _sm4_key(key)
    plaintext = _bytes("plaintext", plaintext)
    aad = _bytes("aad", aad)
    header = _blob_header(key_id)
    nonce = os.urandom(_NONCE_LEN)
    enc = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    enc.authenticate_additional_data(header + aad)
    ciphertext = enc.update(plaintext) + enc.finalize()
    return header + nonce + ciphertext + enc.tag


def sm4_decrypt(keyring_or_key: Mapping[str, bytes] | bytes, blob: bytes, *, aad: bytes = b"") -> bytes:
    """Verify and decrypt a blob made by ``sm4_encrypt``; returns the plaintext.

    ``keyring_or_key`` is either one 16-byte key or a mapping key id -> 16-byte key, from which the
    blob's key id selects the key.  Raises ``IntegrityError`` if any byte of the blob was changed, the
    key or ``aad`` is wrong, or the blob is malformed; ``UnknownKeyIdError`` (an IntegrityError) if the
    mapping lacks the blob's key id; ValueError/TypeError for a key of the wrong length or type.
    """
    single = None
    if isinstance(keyring_or_key, (bytes, bytearray, memoryview)):
        single = _sm4_key(keyring_or_key)
    elif not isinstance(keyring_or_key, Mapping):
        raise TypeError("keyring_or_key must be a 16-byte key or a mapping key id -> key, "
                        f"not {type(keyring_or_key).__name__}")
    aad = _bytes("aad", aad)
    header, key_id, nonce, ciphertext, tag = _parse_blob(blob)
    if single is not None:
        key = single
    else:
        try:
            raw = keyring_or_key[key_id]
        except KeyError:
            raise UnknownKeyIdError(f"no key for key id {key_id!r} in the key ring") from None
        key = _sm4_key(raw, f"key for key id {key_id!r}")
    dec = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    dec.authenticate_additional_data(header + aad)
    plaintext = dec.update(ciphertext)
    try:
        dec.finalize()
    except InvalidTag:
        raise IntegrityError("SM4-GCM tag mismatch: blob altered, or wrong key or aad") from None
    return plaintext


def blob_key_id(blob: bytes) -> str:
    """The key id named in a blob made by ``sm4_encrypt`` (not yet authenticated: ``sm4_decrypt`` does that).

    Raises ``IntegrityError`` if the blob is malformed.
    """
    return _parse_blob(blob)[1]


# ---------------------------------------------------------------- SM2 (GB/T 32918-2016/2017)

# Recommended curve parameters, GB/T 32918.5-2017.
_P = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF
_A = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC
_B = 0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93
_N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123
_GX = 0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7
_GY = 0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0

# Default distinguishing identifier ID_A, GB/T 35276-2017 / GM/T 0009-2012.
SM2_DEFAULT_UID = b"1234567812345678"

_PRIVATE_HEX = re.compile(r"[0-9a-fA-F]{64}")
_PUBLIC_HEX = re.compile(r"04[0-9a-fA-F]{128}")
_C1_LEN = 65   # 04 || x1 || y1
_C3_LEN = 32   # SM3 digest
_SM2_ENCRYPT_ATTEMPTS = 16  # retries on an all-zero t: 16 failures in a row have probability <= 2^-128


def _i2b(value: int) -> bytes:
    return value.to_bytes(32, "big")


def _on_curve(x: int, y: int) -> bool:
    """y^2 = x^3 + a*x + b over F_p (GB/T 32918.1-2016, public key / point validation)."""
    return 0 <= x < _P and 0 <= y < _P and (y * y - (x * x * x + _A * x + _B)) % _P == 0


def _parse_private(private_hex: str) -> int:
    if not isinstance(private_hex, str):
        raise TypeError(f"SM2 private key must be a hex str, not {type(private_hex).__name__}")
    if len(private_hex) != 64:
        raise ValueError(f"SM2 private key must be 64 hex characters, got {len(private_hex)}")
    if not _PRIVATE_HEX.fullmatch(private_hex):
        raise ValueError("SM2 private key is not hexadecimal")
    d = int(private_hex, 16)
    if not 1 <= d <= _N - 2:  # GB/T 32918.1-2016: d in [1, n-2]
        raise ValueError("SM2 private key is out of range [1, n-2]")
    return d


def _parse_public(public_hex: str) -> tuple[int, int]:
    if not isinstance(public_hex, str):
        raise TypeError(f"SM2 public key must be a hex str, not {type(public_hex).__name__}")
    if len(public_hex) != 130:
        raise ValueError(f"SM2 public key must be 130 hex characters ('04' || x || y), got {len(public_hex)}")
    if not _PUBLIC_HEX.fullmatch(public_hex):
        raise ValueError("SM2 public key must be hexadecimal and start with '04' (uncompressed point)")
    x, y = int(public_hex[2:66], 16), int(public_hex[66:], 16)
    if not _on_curve(x, y):
        raise ValueError("SM2 public key is not a point on the SM2 curve")
    return x, y


def _public_hex(x: int, y: int) -> str:
    return f"04{x:064x}{y:064x}"


@functools.lru_cache(maxsize=256)
def _public_key(x: int, y: int):
    """Tongsuo public key object for (x, y); cached because loading costs about as much as a verify."""
    return _ts_ec.EllipticCurvePublicNumbers(x, y, _ts_ec.SM2()).public_key()


@functools.lru_cache(maxsize=16)
def _private_key(d: int):
    """(Tongsuo private key object, x, y) for d; cached: deriving the public point costs about a signature."""
    key = _ts_ec.derive_private_key(d, _ts_ec.SM2())
    numbers = key.public_key().public_numbers()
    return key, numbers.x, numbers.y


class _TongsuoFailure(RuntimeError):
    """An EVP_PKEY call into Tongsuo failed (the OpenSSL-style error queue is in the message)."""


def _tongsuo_error(what: str) -> _TongsuoFailure:
    errors = [e.reason_text for e in _tongsuo._consume_errors_with_text()]
    return _TongsuoFailure(f"Tongsuo {what} failed: {errors}")


def _pkey_ctx(key):
    ctx = _tongsuo._lib.EVP_PKEY_CTX_new(key._evp_pkey, _tongsuo._ffi.NULL)
    if ctx == _tongsuo._ffi.NULL:
        raise _tongsuo_error("EVP_PKEY_CTX_new")
    return _tongsuo._ffi.gc(ctx, _tongsuo._lib.EVP_PKEY_CTX_free)


def _pkey_call(key, init, call, what: str, data: bytes) -> bytes:
    """One EVP_PKEY operation (sign/encrypt/decrypt): init, size query, call; _TongsuoFailure on error."""
    ffi = _tongsuo._ffi
    ctx = _pkey_ctx(key)
    if init(ctx) != 1:
        raise _tongsuo_error(f"{what} init")
    outlen = ffi.new("size_t *")
    if call(ctx, ffi.NULL, outlen, data, len(data)) != 1:
        raise _tongsuo_error(what)
    buf = ffi.new("unsigned char[]", max(1, outlen[0]))
    if call(ctx, buf, outlen, data, len(data)) != 1:
        raise _tongsuo_error(what)
    return ffi.buffer(buf, outlen[0])[:]


def sm2_za(public_hex: str, uid: bytes = SM2_DEFAULT_UID) -> bytes:
    """Z_A = SM3(ENTL_A || ID_A || a || b || x_G || y_G || x_A || y_A) of GB/T 32918.2-2016: 32 bytes.

    ENTL_A is the bit length of ``uid`` as two bytes, so ``uid`` is at most 8191 bytes.  A signature is
    made over e = SM3(Z_A || M).
    """
    x, y = _parse_public(public_hex)
    return _za(_bytes("uid", uid), x, y)


def _za(uid: bytes, x: int, y: int) -> bytes:
    if len(uid) * 8 > 0xFFFF:
        raise ValueError(f"SM2 uid must be at most 8191 bytes (ENTL_A is 16 bits), got {len(uid)}")
    entl = (len(uid) * 8).to_bytes(2, "big")
    return sm3(entl + uid + _i2b(_A) + _i2b(_B) + _i2b(_GX) + _i2b(_GY) + _i2b(x) + _i2b(y))


def sm2_generate_keypair() -> tuple[str, str]:
    """A fresh SM2 key pair: (private key as 64 hex chars, public key as "04" || x || y, 130 hex chars).

    d is drawn uniformly from [1, n-2] with the operating system's CSPRNG (GB/T 32918.1-2016 key pair
    generation).
    """
    d = secrets.randbelow(_N - 2) + 1
    numbers = _ts_ec.derive_private_key(d, _ts_ec.SM2()).public_key().public_numbers()
    return f"{d:064x}", _public_hex(numbers.x, numbers.y)


def sm2_public_from_private(private_hex: str) -> str:
    """The public key P = [d]G ("04" || x || y, lower-case hex) of an SM2 private key."""
    _, x, y = _private_key(_parse_private(private_hex))
    return _public_hex(x, y)


def sm2_sign(private_hex: str, data: bytes, uid: bytes = SM2_DEFAULT_UID) -> bytes:
    """SM2 signature of ``data`` (GB/T 32918.2-2016 with SM3): 64 bytes r || s.

    e = SM3(Z_A || data), Z_A computed from ``uid`` and the signer's public key.  k is random (Tongsuo's
    CSPRNG), so two signatures of the same data differ.
    """
    data = _bytes("data", data)
    uid = _bytes("uid", uid)
    key, x, y = _private_key(_parse_private(private_hex))
    e = sm3(_za(uid, x, y) + data)
    der = _pkey_call(key, _tongsuo._lib.EVP_PKEY_sign_init, _tongsuo._lib.EVP_PKEY_sign, "SM2 sign", e)
    r, s = decode_dss_signature(der)  # GB/T 35276-2017 SM2Signature ::= SEQUENCE { r, s }
    return _i2b(r) + _i2b(s)


def sm2_verify(public_hex: str, data: bytes, signature: bytes, uid: bytes = SM2_DEFAULT_UID) -> bool:
    """True iff ``signature`` (64 bytes r || s) is a valid SM2 signature of ``data`` by ``public_hex``.

    Never raises for a bad signature (wrong length or type, r or s out of [1, n-1], mismatch): returns
    False.  A malformed public key or uid is a caller error and raises ValueError/TypeError.
    """
    x, y = _parse_public(public_hex)
    data = _bytes("data", data)
    uid = _bytes("uid", uid)
    e = sm3(_za(uid, x, y) + data)
    if not isinstance(signature, (bytes, bytearray, memoryview)) or len(signature) != 64:
        return False
    signature = bytes(signature)
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    if not (1 <= r < _N and 1 <= s < _N):  # GB/T 32918.2-2016 verification steps B1 and B2
        return False
    der = encode_dss_signature(r, s)
    ctx = _pkey_ctx(_public_key(x, y))
    if _tongsuo._lib.EVP_PKEY_verify_init(ctx) != 1:
        raise _tongsuo_error("SM2 verify init")
    if _tongsuo._lib.EVP_PKEY_verify(ctx, der, len(der), e, len(e)) == 1:
        return True
    _tongsuo._consume_errors()
    return False


# DER of GB/T 35276-2017 (GM/T 0009-2012) SM2Cipher ::= SEQUENCE { XCoordinate INTEGER,
# YCoordinate INTEGER, HASH OCTET STRING (32), CipherText OCTET STRING }: what Tongsuo reads and writes.

def _der_tlv(tag: int, content: bytes) -> bytes:
    n = len(content)
    if n < 0x80:
        length = bytes([n])
    else:
        raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(raw)]) + raw
    return bytes([tag]) + length + content


def _der_read(buf: bytes, pos: int, tag: int) -> tuple[bytes, int]:
    if pos + 2 > len(buf) or buf[pos] != tag:
        raise ValueError("unexpected DER tag")
    n, pos = buf[pos + 1], pos + 2
    if n & 0x80:
        k = n & 0x7F
        if not 1 <= k <= 4 or pos + k > len(buf):
            raise ValueError("bad DER length")
        n, pos = int.from_bytes(buf[pos:pos + k], "big"), pos + k
    if pos + n > len(buf):
        raise ValueError("DER value overruns the buffer")
    return buf[pos:pos + n], pos + n


def _sm2_cipher_to_der(x1: int, y1: int, c3: bytes, c2: bytes) -> bytes:
    def uint(v: int) -> bytes:  # minimal two's-complement encoding of a non-negative INTEGER
        return _der_tlv(0x02, v.to_bytes(max(1, (v.bit_length() + 8) // 8), "big"))
    return _der_tlv(0x30, uint(x1) + uint(y1) + _der_tlv(0x04, c3) + _der_tlv(0x04, c2))


def _sm2_cipher_from_der(der: bytes) -> tuple[int, int, bytes, bytes]:
    body, end = _der_read(der, 0, 0x30)
    if end != len(der):
        raise ValueError("trailing bytes after SM2Cipher")
    xb, pos = _der_read(body, 0, 0x02)
    yb, pos = _der_read(body, pos, 0x02)
    c3, pos = _der_read(body, pos, 0x04)
    c2, pos = _der_read(body, pos, 0x04)
    if pos != len(body) or not xb or not yb or xb[0] & 0x80 or yb[0] & 0x80:
        raise ValueError("malformed SM2Cipher")
    return int.from_bytes(xb, "big"), int.from_bytes(yb, "big"), c3, c2


def sm2_encrypt(public_hex: str, plaintext: bytes) -> bytes:
    """SM2 public-key encryption (GB/T 32918.4-2016, KDF and C3 with SM3): C1 || C3 || C2.

    C1 = 04 || x1 || y1 (65 bytes), C3 = SM3(x2 || M || y2) (32 bytes), C2 = M xor t (len(M) bytes) with
    t = KDF(x2 || y2, len(M)): the output is 97 + len(plaintext) bytes.  An empty plaintext is rejected
    (ValueError).  Meant for short secrets such as SM4 keys; encrypt bulk data with ``sm4_encrypt``.
    """
    x, y = _parse_public(public_hex)
    plaintext = _bytes("plaintext", plaintext)
    if not plaintext:
        raise ValueError("SM2 encryption needs a non-empty plaintext")
    lib = _tongsuo._lib
    for _ in range(_SM2_ENCRYPT_ATTEMPTS):
        der = _pkey_call(_public_key(x, y), lib.EVP_PKEY_encrypt_init, lib.EVP_PKEY_encrypt, "SM2 encrypt",
                         plaintext)
        try:
            x1, y1, c3, c2 = _sm2_cipher_from_der(der)
        except ValueError as exc:
            raise RuntimeError(f"unexpected SM2 ciphertext from Tongsuo: {exc}") from None
        if len(c3) != _C3_LEN or len(c2) != len(plaintext):
            raise RuntimeError("unexpected SM2 ciphertext lengths from Tongsuo")
        # Step A5: if t is all zero, start again with a new k.  Tongsuo skips this check, and t = C2 xor M,
        # so it is done here (probability 2^-8 for a one-byte message, which conforming decryptors reject).
        if c2 != plaintext:
            return b"\x04" + _i2b(x1) + _i2b(y1) + c3 + c2
    raise RuntimeError("SM2 encryption kept producing an all-zero KDF output")


def sm2_decrypt(private_hex: str, ciphertext: bytes) -> bytes:
    """Decrypt an SM2 ciphertext C1 || C3 || C2 (GB/T 32918.4-2016) made for ``private_hex``'s public key.

    Raises ``IntegrityError`` when the ciphertext is malformed, C1 is not on the curve, the KDF output t is
    all zero, or the C3 check fails (tampered ciphertext or wrong key).
    """
    ciphertext = _bytes("ciphertext", ciphertext)
    key, _, _ = _private_key(_parse_private(private_hex))
    if len(ciphertext) <= _C1_LEN + _C3_LEN or ciphertext[0] != 0x04:
        raise IntegrityError("malformed SM2 ciphertext: expected 04 || x1 || y1 || C3 || C2")
    x1, y1 = int.from_bytes(ciphertext[1:33], "big"), int.from_bytes(ciphertext[33:65], "big")
    if not _on_curve(x1, y1):  # decryption step B1: C1 must satisfy the curve equation
        raise IntegrityError("malformed SM2 ciphertext: C1 is not a point on the SM2 curve")
    c3, c2 = ciphertext[_C1_LEN:_C1_LEN + _C3_LEN], ciphertext[_C1_LEN + _C3_LEN:]
    der = _sm2_cipher_to_der(x1, y1, c3, c2)
    lib = _tongsuo._lib
    try:
        plaintext = _pkey_call(key, lib.EVP_PKEY_decrypt_init, lib.EVP_PKEY_decrypt, "SM2 decrypt", der)
    except _TongsuoFailure:  # step B6: u != C3
        raise IntegrityError("SM2 decryption failed: C3 mismatch (tampered or wrong key)") from None
    if plaintext == c2:  # step B4: t = C2 xor M' is all zero (Tongsuo does not check it)
        raise IntegrityError("SM2 decryption failed: the KDF output t is all zero")
    return plaintext
