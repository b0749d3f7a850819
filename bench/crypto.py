"""Throughput of the SM primitives in ``security.sm`` (and gmssl's pure-Python SM2 signing for comparison).

``python -m bench.crypto [seconds_per_op]`` prints a table; ``run()`` returns the figures.  Nothing asserts
on them: they depend on the machine.
"""
from __future__ import annotations

import secrets
import sys
import time
from collections.abc import Callable

if __package__ in (None, ""):  # run as a script (python bench/crypto.py): make the repository importable
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from security import sm  # noqa: E402

KIB = 1024
MIB = 1024 * 1024
PBKDF2_ITERATIONS = 10_000


def _rate(fn: Callable[[], object], seconds: float) -> tuple[float, int]:
    """Calls per second of ``fn`` over at least ``seconds`` (and at least 3 calls); (rate, calls)."""
    fn()  # warm-up: caches, lazy initialisation
    calls, start = 0, time.perf_counter()
    while True:
        fn()
        calls += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds and calls >= 3:
            return calls / elapsed, calls


def _row(op: str, calls_per_second: float, *, unit: str = "ops/s", bytes_per_call: int = 0) -> dict:
    per_second = calls_per_second * bytes_per_call / 1e6 if bytes_per_call else calls_per_second
    return {"op": op, "per_second": round(per_second, 2), "unit": "MB/s" if bytes_per_call else unit,
            "ms_per_op": round(1000.0 / calls_per_second, 4)}


def _gmssl_signer(private_hex: str, public_hex: str) -> Callable[[bytes], str]:
    from gmssl import sm2 as gsm2

    signer = gsm2.CryptSM2(private_key=private_hex, public_key="00", mode=1)
    signer.public_key = public_hex[2:]  # gmssl 3.2.2 mangles a "04"-prefixed key in its constructor
    n = int(gsm2.default_ecc_table["n"], 16)
    return lambda data: signer.sign_with_sm3(data, f"{secrets.randbelow(n - 1) + 1:064x}")


def run(seconds_per_op: float = 1.0) -> list[dict]:
    """Measure every operation for about ``seconds_per_op`` seconds each.

    Returns one dict per operation: ``op``, ``per_second`` (in ``unit``: ops/s, or MB/s = 10^6 bytes/s for
    the bulk SM4 rows) and ``ms_per_op`` (milliseconds per call; for PBKDF2 the time of one
    10,000-iteration derivation).
    """
    kib, mib = secrets.token_bytes(KIB), secrets.token_bytes(MIB)
    key, mac_key, salt = secrets.token_bytes(16), secrets.token_bytes(32), secrets.token_bytes(16)
    blob_kib, blob_mib = sm.sm4_encrypt(key, kib), sm.sm4_encrypt(key, mib)
    private_hex, public_hex = sm.sm2_generate_keypair()
    message = b"greening ledger record 0042"
    signature = sm.sm2_sign(private_hex, message)
    secret = secrets.token_bytes(16)  # e.g. an SM4 data key wrapped with SM2
    wrapped = sm.sm2_encrypt(public_hex, secret)
    gmssl_sign = _gmssl_signer(private_hex, public_hex)

    cases: list[tuple[str, Callable[[], object], dict]] = [
        ("sm3 (1 KiB)", lambda: sm.sm3(kib), {}),
        ("hmac_sm3 (1 KiB)", lambda: sm.hmac_sm3(mac_key, kib), {}),
        (f"pbkdf2_sm3 ({PBKDF2_ITERATIONS:,} iterations)",
         lambda: sm.pbkdf2_sm3(b"correct horse battery staple", salt, PBKDF2_ITERATIONS),
         {"unit": "derivations/s"}),
        ("sm4_encrypt GCM (1 KiB)", lambda: sm.sm4_encrypt(key, kib), {"bytes_per_call": KIB}),
        ("sm4_decrypt GCM (1 KiB)", lambda: sm.sm4_decrypt(key, blob_kib), {"bytes_per_call": KIB}),
        ("sm4_encrypt GCM (1 MiB)", lambda: sm.sm4_encrypt(key, mib), {"bytes_per_call": MIB}),
        ("sm4_decrypt GCM (1 MiB)", lambda: sm.sm4_decrypt(key, blob_mib), {"bytes_per_call": MIB}),
        ("sm2_sign", lambda: sm.sm2_sign(private_hex, message), {}),
        ("sm2_verify", lambda: sm.sm2_verify(public_hex, message, signature), {}),
        ("sm2_encrypt (16 B)", lambda: sm.sm2_encrypt(public_hex, secret), {}),
        ("sm2_decrypt (16 B)", lambda: sm.sm2_decrypt(private_hex, wrapped), {}),
        ("gmssl sm2 sign (pure Python, comparison)", lambda: gmssl_sign(message), {}),
    ]
    rows = []
    for op, fn, options in cases:
        rate, _ = _rate(fn, seconds_per_op)
        rows.append(_row(op, rate, **options))
    return rows


def table(rows: list[dict]) -> str:
    """The rows of ``run()`` as a fixed-width text table."""
    head = f"{'operation':<44} {'rate':>12} {'unit':<14} {'ms/op':>10}"
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(f"{r['op']:<44} {r['per_second']:>12,.2f} {r['unit']:<14} {r['ms_per_op']:>10.4f}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(run(float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)))
