"""Signed manifest of the shipped program files (module 259).

GB/T 39786-2021, device and computing security, "integrity of important executable programs and
authenticity of their origin" (item f) of 7.3 at level 2; 8.3 at level 3), and GB/T 22239-2019 trusted
verification of the computing environment (7.1.4.6 at level 2; 8.1.4.6 at level 3): every source,
template and asset file is hashed with SM3, the list is signed with the installation's SM2 key, and the
tree is checked against it (``flask manifest verify``, and at start-up via ``startup_check``).

Manifest (JSON)::

    {"files": {"app.py": "<sm3 hex>", ...}, "created_at": "<ISO 8601 UTC>", "count": n,
     "signature": "<b64 SM2 r||s over the canonical JSON of the three fields above>",
     "public_key": "04..."}

``public_key`` is informational: ``verify`` checks the signature against the key the caller expects (the
key ring's), so a manifest regenerated and signed with another key is reported (``signature_ok`` False).
"""
from __future__ import annotations

import base64
import binascii
import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

import click
from flask import current_app
from flask.cli import AppGroup

from security.sm import sm2_public_from_private, sm2_sign, sm2_verify, sm3

__all__ = [
    "ROOT", "SUFFIXES", "EXCLUDED_ANYWHERE", "EXCLUDED_PATHS", "ManifestError", "ManifestReport",
    "build", "sign", "write", "verify", "startup_check", "manifest_cli",
]

ROOT = Path(__file__).resolve().parents[1]  # the folder holding app.py
SUFFIXES = frozenset({".py", ".html", ".jinja", ".js", ".css", ".json", ".mako", ".txt", ".tsv",
                      ".geojson", ".csv"})
# Skipped wherever they occur, like every directory whose name starts with ".".
EXCLUDED_ANYWHERE = frozenset({"__pycache__", "node_modules"})
# Skipped at these paths relative to the root (not shipped).  A package's own "docs" or "tests" folder
# deeper in the tree stays covered: excluding by name everywhere would leave code unchecked.
EXCLUDED_PATHS = frozenset({".git", ".ci", "tests", "instance", "test-artifacts", "docs", "node_modules",
                            "bench/results"})
MODES = ("refuse", "degraded", "off")
_LIST_LIMIT = 10  # files named in a message


class ManifestError(Exception):
    """The manifest is missing or unreadable, or (start-up mode "refuse") the tree does not match it."""


@dataclass
class ManifestReport:
    """Outcome of comparing the tree with a signed manifest."""

    signature_ok: bool
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    error: str | None = None  # set when the manifest itself could not be read

    @property
    def ok(self) -> bool:
        """True when the signature holds and no file was changed, removed or added."""
        return self.signature_ok and self.error is None and not (self.changed or self.missing or self.added)

    def problems(self) -> list[str]:
        """One Chinese (English) line per problem, for messages, alarms and the CLI."""
        lines = []
        if self.error:
            lines.append(self.error)
        elif not self.signature_ok:
            lines.append("清单签名无效（清单可能被重新生成或篡改）(manifest signature invalid)")
        for label, files in (("已修改 (changed)", self.changed), ("缺失 (missing)", self.missing),
                             ("新增 (added)", self.added)):
            for name in files:
                lines.append(f"{label}: {name}")
        return lines

    def summary(self, limit: int = _LIST_LIMIT) -> str:
        """A short Chinese summary naming at most ``limit`` files."""
        if self.ok:
            return "程序完整性校验通过 (integrity check passed)"
        lines = self.problems()
        text = "；".join(lines[:limit])
        if len(lines) > limit:
            text += f"；等共 {len(lines)} 项"
        return f"程序完整性校验失败：{text}"


def _canonical(obj) -> bytes:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _unsigned(manifest: dict) -> dict:
    return {k: v for k, v in manifest.items() if k not in ("signature", "public_key")}


def _excluded_dir(rel_dir: str, name: str) -> bool:
    return name.startswith(".") or name in EXCLUDED_ANYWHERE or rel_dir in EXCLUDED_PATHS


def build(root: Path, *, exclude: Iterable[Path] = ()) -> dict:
    """SM3 digest of every shipped source, template and asset file under ``root`` (unsigned manifest)."""
    root = Path(root).resolve()
    skip = {Path(p).resolve() for p in exclude}
    files: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):  # symlinked directories are not followed
        here = Path(dirpath)
        rel_here = here.relative_to(root).as_posix()
        prefix = "" if rel_here == "." else rel_here + "/"
        dirnames[:] = sorted(d for d in dirnames if not _excluded_dir(prefix + d, d))
        for name in filenames:
            path = here / name
            if path.suffix.lower() not in SUFFIXES or not path.is_file() or path.resolve() in skip:
                continue
            files[prefix + name] = sm3(path.read_bytes()).hex()
    ordered = dict(sorted(files.items()))
    created = datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
    return {"files": ordered, "created_at": created, "count": len(ordered)}


def sign(manifest: dict, private_hex: str) -> dict:
    """The manifest plus ``signature`` (base64 SM2 of its canonical JSON) and the signer's ``public_key``."""
    body = _unsigned(manifest)
    signature = sm2_sign(private_hex, _canonical(body))
    return {**body, "signature": base64.b64encode(signature).decode("ascii"),
            "public_key": sm2_public_from_private(private_hex)}


def write(root: Path, path: Path, private_hex: str) -> dict:
    """Build, sign and write the manifest of ``root`` to ``path`` (atomically); returns it."""
    path = Path(path)
    manifest = sign(build(root, exclude=[path]), private_hex)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return manifest


def _load(path: Path) -> dict:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestError(f"程序完整性清单不存在：{path} (manifest not found)") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ManifestError(f"程序完整性清单无法读取：{path} (unreadable manifest: {exc})") from None
    if (not isinstance(data, dict) or not isinstance(data.get("files"), dict)
            or not isinstance(data.get("signature"), str)):
        raise ManifestError(f"程序完整性清单格式错误：{path} (malformed manifest)")
    return data


def _signature_ok(manifest: dict, public_hex: str) -> bool:
    try:
        signature = base64.b64decode(manifest["signature"].encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return False
    return sm2_verify(public_hex, _canonical(_unsigned(manifest)), signature)


def verify(root: Path, path: Path, public_hex: str) -> ManifestReport:
    """Check the manifest's signature against ``public_hex`` and compare it with the files under ``root``."""
    manifest = _load(path)
    expected = manifest["files"]
    actual = build(root, exclude=[path])["files"]
    return ManifestReport(
        signature_ok=_signature_ok(manifest, public_hex),
        changed=sorted(name for name in expected.keys() & actual.keys() if expected[name] != actual[name]),
        missing=sorted(expected.keys() - actual.keys()),
        added=sorted(actual.keys() - expected.keys()),
    )


def startup_check(root: Path, path: Path, public_hex: str, mode: str) -> ManifestReport | None:
    """Verify at start-up: "refuse" raises ManifestError on any problem, "degraded" returns the report
    (the caller raises an alarm), "off" skips the check and returns None."""
    if mode not in MODES:
        raise ValueError(f"manifest check mode must be one of {MODES}, got {mode!r}")
    if mode == "off":
        return None
    try:
        report = verify(root, path, public_hex)
    except ManifestError as exc:
        report = ManifestReport(signature_ok=False, error=str(exc))
    if not report.ok and mode == "refuse":
        raise ManifestError(report.summary() + "。系统拒绝启动，请核实程序文件后重新签名（flask manifest sign）。")
    return report


# ---------------------------------------------------------------- flask manifest …

manifest_cli = AppGroup("manifest", help="程序完整性清单：签名与校验 (signed SM3 manifest of the program files).")


def _default_path() -> Path:
    return Path(current_app.config["LVRONG"].instance_path) / "manifest.json"


@manifest_cli.command("sign")
@click.option("--output", "output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="清单输出路径 (default: instance/manifest.json)")
def sign_command(output: Path | None) -> None:
    """Hash the program files with SM3 and sign the list with the installation's SM2 key."""
    from security import keys

    path = output or _default_path()
    manifest = write(ROOT, path, keys.current().sm2_private)
    click.echo(f"已签名 {manifest['count']} 个文件 (signed {manifest['count']} files): {path}")


@manifest_cli.command("verify")
@click.option("--manifest", "manifest_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="清单路径 (default: instance/manifest.json)")
def verify_command(manifest_path: Path | None) -> None:
    """Compare the program files with the signed manifest; exit status 1 on any difference."""
    from security import keys

    path = manifest_path or _default_path()
    try:
        report = verify(ROOT, path, keys.current().sm2_public)
    except ManifestError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(2) from None
    if report.ok:
        click.echo(f"程序完整性校验通过 (integrity check passed): {path}")
        return
    click.echo(f"程序完整性校验失败 (integrity check FAILED): {path}")
    for line in report.problems():
        click.echo(f"  {line}")
    raise SystemExit(1)
