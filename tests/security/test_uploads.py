"""security.uploads: uploads accepted by content and size, with safe stored names."""
from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from security.uploads import KINDS, UploadRejected, check_upload, detect_kind, safe_filename

MB = 1024 * 1024
ALL = set(KINDS)
DOCS = {"pdf", "jpg", "png", "docx"}


# ---------------------------------------------------------------- minimal files, built here

def png() -> bytes:
    """A valid 1x1 grey PNG."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x80")) + chunk(b"IEND", b""))


def jpeg() -> bytes:
    """A JPEG's start (SOI + JFIF APP0) and end marker: enough for content detection."""
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return b"\xff\xd8\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0 + b"\xff\xd9"


def pdf() -> bytes:
    return (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")


def office(main_part: str, extra: dict[str, bytes] | None = None, *, content_types: bool = True) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        if content_types:
            z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types '
                       'xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr("_rels/.rels", "<Relationships/>")
        z.writestr(main_part, "<document>绿容通</document>")
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


def docx() -> bytes:
    return office("word/document.xml")


def xlsx() -> bytes:
    return office("xl/workbook.xml")


GOOD = {
    "pdf": ("申请材料.pdf", pdf),
    "png": ("现场照片.PNG", png),
    "jpeg": ("photo.jpg", jpeg),
    "docx": ("自评报告.docx", docx),
    "xlsx": ("台账.xlsx", xlsx),
    "csv": ("points.csv", lambda: "编号,名称\n1,人民公园\n".encode("utf-8")),
    "txt": ("说明.txt", lambda: "情况说明\r\n".encode("gb18030")),
}


# ---------------------------------------------------------------- accepted

@pytest.mark.parametrize("kind", list(GOOD))
def test_known_good_files_are_accepted(kind):
    name, make = GOOD[kind]
    assert check_upload(name, make(), allowed=ALL, max_bytes=MB) == kind


def test_jpeg_extension_and_allowed_spellings():
    assert check_upload("a.jpeg", jpeg(), allowed={"jpg"}, max_bytes=MB) == "jpeg"
    assert check_upload("a.JPG", jpeg(), allowed={"jpeg"}, max_bytes=MB) == "jpeg"
    assert check_upload("a.pdf", pdf(), allowed={".PDF"}, max_bytes=MB) == "pdf"
    with pytest.raises(ValueError):
        check_upload("a.exe", b"MZ", allowed={"exe"}, max_bytes=MB)


@pytest.mark.parametrize("data", [
    "a,b\n1,2\n".encode("utf-8-sig"),
    "名称,地址\n上海,黄浦\n".encode("gb18030"),
    "名称\t地址\n".encode("utf-8"),
])
def test_text_encodings_accepted(data):
    assert check_upload("t.csv", data, allowed={"csv"}, max_bytes=MB) == "csv"


# ---------------------------------------------------------------- refused

def test_empty_is_refused():
    with pytest.raises(UploadRejected, match="^文件为空$"):
        check_upload("a.pdf", b"", allowed=DOCS, max_bytes=MB)


@pytest.mark.parametrize("limit,shown", [(10 * MB, "10"), (MB // 2, "0.5"), (int(2.5 * MB), "2.5")])
def test_oversize_is_refused_with_the_limit(limit, shown):
    data = pdf() + b" " * limit
    with pytest.raises(UploadRejected) as info:
        check_upload("a.pdf", data, allowed=DOCS, max_bytes=limit)
    assert info.value.message == f"文件超过大小限制（最大 {shown} MB）"


def test_exactly_the_limit_is_accepted():
    data = pdf()
    assert check_upload("a.pdf", data, allowed=DOCS, max_bytes=len(data)) == "pdf"


@pytest.mark.parametrize("name", ["a.exe", "a.xlsx", "noextension", "a.", "a.pdf.exe", ""])
def test_disallowed_kind_is_refused(name):
    with pytest.raises(UploadRejected) as info:
        check_upload(name, pdf(), allowed=DOCS, max_bytes=MB)
    assert info.value.message == "文件类型不允许：仅支持 PDF、JPG、PNG、DOCX"


@pytest.mark.parametrize("name,make", [
    ("photo.pdf", png),          # a PNG renamed to .pdf
    ("scan.png", jpeg),
    ("report.docx", xlsx),
    ("sheet.xlsx", docx),
    ("photo.jpg", pdf),
    ("report.docx", lambda: office("word/document.xml", content_types=False)),
    ("archive.docx", lambda: office("other.xml")),
    ("notes.pdf", lambda: b"just some text\n"),
    ("data.csv", png),
])
def test_renamed_files_are_refused(name, make):
    allowed = ALL
    with pytest.raises(UploadRejected) as info:
        check_upload(name, make(), allowed=allowed, max_bytes=MB)
    assert info.value.message == "文件内容与扩展名不符"


@pytest.mark.parametrize("header", [b"MZ\x90\x00\x03\x00\x00\x00", b"\x7fELF\x02\x01\x01"])
def test_executable_named_pdf_is_refused(header):
    data = header + b"\x00" * 200 + b"This program cannot be run in DOS mode"
    with pytest.raises(UploadRejected, match="文件内容与扩展名不符"):
        check_upload("申请书.pdf", data, allowed=DOCS, max_bytes=MB)
    assert detect_kind(data, max_bytes=MB) is None


def test_executable_named_txt_is_refused():
    with pytest.raises(UploadRejected, match="文件内容与扩展名不符"):
        check_upload("readme.txt", b"MZ\x90\x00\x03\x00" + b"A" * 100, allowed={"txt"}, max_bytes=MB)


@pytest.mark.parametrize("data", [b"MZ is a text file\n", "BMI,身高,体重\n".encode(), b"GIF8 notes\n"])
def test_text_that_starts_like_a_binary_format_is_text(data):
    assert check_upload("notes.csv", data, allowed={"csv"}, max_bytes=MB) == "csv"


@pytest.mark.parametrize("data", [
    b"a,b\n\x00\x01\x02",            # NUL byte
    "a,b\n".encode("utf-16"),          # UTF-16 has NULs
    b"\xff\xfe\xfd\xfc" * 10,          # neither UTF-8 nor GB18030
    b"a,b\n\x1b[31mred\n",             # terminal escape codes
])
def test_binary_named_csv_is_refused(data):
    with pytest.raises(UploadRejected, match="文本文件内容无效"):
        check_upload("data.csv", data, allowed={"csv"}, max_bytes=MB)


def test_zip_bomb_by_declared_size_is_refused():
    limit = 64 * 1024
    bomb = office("word/document.xml", {"word/media/zeros.bin": b"\x00" * (21 * limit)})
    assert len(bomb) < limit  # tiny on the wire
    with pytest.raises(UploadRejected, match="压缩炸弹"):
        check_upload("bomb.docx", bomb, allowed=ALL, max_bytes=limit)


def test_zip_bomb_with_lying_sizes_is_refused():
    """Declared sizes rewritten small: inflation is bounded and the archive is refused, never expanded."""
    limit = 64 * 1024
    name = b"word/media/zeros.bin"
    data = bytearray(office("word/document.xml", {name.decode(): b"\x00" * (25 * limit)}))
    patched = 0
    start = 0
    while (at := data.find(name, start)) != -1:
        start = at + 1
        if data[at - 30:at - 26] == b"PK\x03\x04":    # local file header: size at offset 22
            data[at - 8:at - 4] = struct.pack("<I", 10)
            patched += 1
        elif data[at - 46:at - 42] == b"PK\x01\x02":  # central directory entry: size at offset 24
            data[at - 22:at - 18] = struct.pack("<I", 10)
            patched += 1
    assert patched == 2
    with pytest.raises(UploadRejected) as info:
        check_upload("bomb.docx", bytes(data), allowed=ALL, max_bytes=limit)
    assert "压缩炸弹" in info.value.message or "损坏" in info.value.message


def test_too_many_entries_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
        for i in range(2000):
            z.writestr(f"word/p{i}.xml", "")
    with pytest.raises(UploadRejected, match="条目过多"):
        check_upload("many.docx", buf.getvalue(), allowed=ALL, max_bytes=10 * MB)


def test_damaged_zip_is_refused():
    data = docx()
    with pytest.raises(UploadRejected, match="损坏"):
        check_upload("broken.docx", data[: len(data) // 2], allowed=ALL, max_bytes=MB)
    corrupted = bytearray(data)
    at = corrupted.find(b"word/document.xml") + len(b"word/document.xml") + 2  # inside the member's data
    corrupted[at] ^= 0xFF
    with pytest.raises(UploadRejected, match="损坏"):
        check_upload("broken.docx", bytes(corrupted), allowed=ALL, max_bytes=MB)


def test_rejection_is_a_value_error_with_message():
    err = UploadRejected("文件为空")
    assert isinstance(err, ValueError) and str(err) == "文件为空" and err.message == "文件为空"


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=1, max_size=2048), st.sampled_from(["a.pdf", "a.png", "a.jpg", "a.docx", "a.xlsx",
                                                                 "a.csv", "a.txt"]))
def test_arbitrary_bytes_never_crash(data, name):
    try:
        kind = check_upload(name, data, allowed=ALL, max_bytes=MB)
    except UploadRejected as exc:
        assert exc.message
    else:
        assert kind in KINDS


# ---------------------------------------------------------------- safe_filename

@pytest.mark.parametrize("raw,safe", [
    ("../../etc/passwd", "etc_passwd"),
    ("..\\..\\windows\\system32\\cmd.exe", "windows_system32_cmd.exe"),
    ("/abs/path/报告.pdf", "abs_path_报告.pdf"),
    ("报告.pdf", "报告.pdf"),
    ("2024年 第一季度 绿化检查（黄浦区）.docx", "2024年 第一季度 绿化检查（黄浦区）.docx"),
    (".bashrc", "bashrc"),
    ("...hidden.txt", "hidden.txt"),
    ("a\x00b\x1f.txt", "ab.txt"),
    ("invoice\u202efdp.exe", "invoicefdp.exe"),  # right-to-left override stripped
    ('a<b>:c"d|e?f*.txt', "a_b_c_d_e_f_.txt"),
    ("CON.txt", "_CON.txt"),
    ("trailing. ", "trailing"),
    ("", "file"),
    ("..", "file"),
    ("///", "file"),
])
def test_safe_filename_cases(raw, safe):
    assert safe_filename(raw) == safe


def test_safe_filename_limits_length_and_keeps_extension():
    long_ascii = safe_filename("x" * 300 + ".pdf")
    assert len(long_ascii) == 120 and long_ascii.endswith(".pdf")
    long_chinese = safe_filename("绿" * 200 + ".docx")
    assert long_chinese.endswith(".docx") and len(long_chinese) <= 120
    assert len(long_chinese.encode("utf-8")) <= 240


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_safe_filename_properties(name):
    safe = safe_filename(name)
    assert safe and len(safe) <= 120 and len(safe.encode("utf-8")) <= 240
    assert "/" not in safe and "\\" not in safe and "\x00" not in safe
    assert not safe.startswith(".") and safe not in (".", "..")
    assert all(ord(ch) >= 32 for ch in safe)
