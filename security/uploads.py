"""Checks on uploaded files: size, type by content (not by name), and a safe stored name.

GB/T 22239-2019, secure computing environment, intrusion prevention: "data validity checks on input
through human-machine and communication interfaces" (7.1.4.4 at level 2; 8.1.4.4 at level 3) and malicious
code prevention (7.1.4.5 / 8.1.4.5): a file is accepted only when its bytes are one of the allowed kinds
and its extension says the same; Office files are opened as ZIP archives and refused when they would
inflate too far (zip bombs).
"""
from __future__ import annotations

import codecs
import io
import re
import unicodedata
import zipfile
from pathlib import Path

__all__ = ["KINDS", "UploadRejected", "check_upload", "detect_kind", "safe_filename", "store_file"]

# Kinds in the order they are listed to users, with their display names.
KINDS = {"pdf": "PDF", "jpeg": "JPG", "png": "PNG", "docx": "DOCX", "xlsx": "XLSX", "csv": "CSV",
         "txt": "TXT"}
_EXTENSIONS = {"pdf": "pdf", "png": "png", "jpg": "jpeg", "jpeg": "jpeg", "docx": "docx", "xlsx": "xlsx",
               "csv": "csv", "txt": "txt"}
_TEXT_KINDS = ("csv", "txt")
_MAX_ENTRIES = 2000          # entries in a DOCX/XLSX archive
_MAX_INFLATION = 20          # total uncompressed size at most this many times max_bytes
_TEXT_SNIFF = 64 * 1024      # NUL bytes looked for in this prefix
_CHUNK = 64 * 1024
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x19\x1b-\x1f\x7f]")  # C0 controls except \t \n \v \f \r and ^Z

_MAGIC = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"PK\x03\x04", "zip"),
)
# Other binary formats: only to word the refusal of such a file named .csv/.txt (detection never
# relies on them; a text file may well start with "MZ" or "BM", an executable's header holds NUL bytes).
_FOREIGN = (b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"\xd0\xcf\x11\xe0",
            b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b", b"GIF8", b"BM", b"II*\x00", b"MM\x00*")


class UploadRejected(ValueError):
    """An upload was refused; ``message`` (Chinese) can be shown to the user as is."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def _mb(n: int) -> str:
    value = n / (1024 * 1024)
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}".rstrip("0").rstrip(".")


def _normalise_allowed(allowed: set[str]) -> list[str]:
    kinds = set()
    for item in allowed:
        kind = _EXTENSIONS.get(str(item).lower().lstrip("."))
        if kind is None:
            raise ValueError(f"unknown upload kind {item!r}; expected some of {sorted(_EXTENSIONS)}")
        kinds.add(kind)
    return [k for k in KINDS if k in kinds]


def _inspect_zip(data: bytes, max_bytes: int) -> str | None:
    """'docx', 'xlsx' or None for an Office Open XML archive; UploadRejected for bombs and damage."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise UploadRejected("文件已损坏，无法读取") from None
    with archive:
        entries = archive.infolist()
        if len(entries) > _MAX_ENTRIES:
            raise UploadRejected(f"压缩文件条目过多（超过 {_MAX_ENTRIES} 个），已拒绝")
        budget = _MAX_INFLATION * max_bytes
        if sum(info.file_size for info in entries) > budget:
            raise UploadRejected("文件解压后体积过大（疑似压缩炸弹），已拒绝")
        # Declared sizes can lie: inflate every entry (streamed, never kept) against the same budget.
        total = 0
        try:
            for info in entries:
                if info.flag_bits & 0x1:
                    raise UploadRejected("文件含加密内容，无法检查，已拒绝")
                with archive.open(info) as stream:
                    while chunk := stream.read(_CHUNK):
                        total += len(chunk)
                        if total > budget:
                            raise UploadRejected("文件解压后体积过大（疑似压缩炸弹），已拒绝")
        except UploadRejected:
            raise
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, RuntimeError,
                NotImplementedError):
            raise UploadRejected("文件已损坏，无法读取") from None
        names = {info.filename for info in entries}
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def _is_text(data: bytes) -> bool:
    """No NUL in the first 64 KiB, decodable as UTF-8 (BOM optional) or GB18030, no stray control codes."""
    if b"\x00" in data[:_TEXT_SNIFF]:
        return False
    if data.startswith(codecs.BOM_UTF8):
        encodings = ("utf-8-sig",)
    else:
        encodings = ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return _CONTROL.search(text) is None
    return False


def detect_kind(data: bytes, *, max_bytes: int) -> str | None:
    """The binary kind of ``data`` by its content ("pdf", "png", "jpeg", "docx", "xlsx"), "text", or None."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return _inspect_zip(data, max_bytes) if kind == "zip" else kind
    return "text" if _is_text(data) else None


def check_upload(filename: str, data: bytes, *, allowed: set[str], max_bytes: int) -> str:
    """The kind of an acceptable upload; raises ``UploadRejected`` (Chinese message) otherwise."""
    kinds = _normalise_allowed(allowed)
    listed = "、".join(KINDS[k] for k in kinds)
    if not data:
        raise UploadRejected("文件为空")
    if len(data) > max_bytes:
        raise UploadRejected(f"文件超过大小限制（最大 {_mb(max_bytes)} MB）")
    name = str(filename or "")
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    claimed = _EXTENSIONS.get(ext)
    if claimed is None or claimed not in kinds:
        raise UploadRejected(f"文件类型不允许：仅支持 {listed}")
    detected = detect_kind(bytes(data), max_bytes=max_bytes)
    if claimed in _TEXT_KINDS:
        if detected == "text":
            return claimed
        if detected is None and not bytes(data).startswith(_FOREIGN):
            raise UploadRejected("文本文件内容无效：须为 UTF-8 或 GB18030 编码的纯文本")
        raise UploadRejected("文件内容与扩展名不符")  # a PDF, image, Office file or program named .csv/.txt
    if detected != claimed:
        raise UploadRejected("文件内容与扩展名不符")
    return claimed


# ---------------------------------------------------------------- file names

MAX_NAME_CHARS = 120
MAX_NAME_BYTES = 240  # ext4 and most file systems allow 255 bytes; a Chinese character takes 3 in UTF-8
_UNSAFE = re.compile(r'[<>:"|?*]')
_RESERVED = re.compile(r"(CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9])(\..*)?", re.IGNORECASE)


def _fits(name: str) -> bool:
    return len(name) <= MAX_NAME_CHARS and len(name.encode("utf-8")) <= MAX_NAME_BYTES


def safe_filename(name: str) -> str:
    """A file name safe to store: Chinese kept; no paths, control characters or leading dots; ≤ 120 chars."""
    text = unicodedata.normalize("NFC", str(name or ""))
    # Control and format characters (including right-to-left overrides that disguise "exe.pdf").
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co"))
    parts = [p.strip() for p in re.split(r"[/\\]+", text)]
    text = "_".join(p for p in parts if p and p.strip(".") != "")
    text = _UNSAFE.sub("_", text)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"_{2,}", "_", text)
    text = text.lstrip(". _").rstrip(". ")
    if _RESERVED.fullmatch(text):
        text = "_" + text
    if not text:
        return "file"
    if not _fits(text):
        stem, dot, suffix = text.rpartition(".")
        suffix = dot + suffix if dot and 0 < len(suffix) <= 16 else ""
        stem = text[: len(text) - len(suffix)] if suffix else text
        while stem and not _fits(stem + suffix):
            stem = stem[:-1]
        text = (stem.rstrip(". ") or "file") + suffix
    return text


def store_file(instance_path: str | Path, data: bytes, *parts: str) -> str:
    """Write an accepted file to ``<instance>/files/<parts…>``; returns its path relative to the instance folder
    (what the tables keep and ``admin.forms.send_stored`` reads)."""
    rel = Path("files", *parts)
    path = Path(instance_path) / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return str(rel)
