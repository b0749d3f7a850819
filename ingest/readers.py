"""Read an export into a header and numbered records: CSV (UTF-8, UTF-8 with BOM, GB18030/GBK; delimited by
``,`` ``\\t`` or ``;``) or XLSX (the first worksheet or a named one, read-only).

Cells stay as found: text from a CSV, typed values (datetime, int, float, bool, str) from an XLSX file.
Parsing them is the schema's job.
"""
from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable

DELIMITERS = (",", "\t", ";")
XLSX_MAGIC = b"PK\x03\x04"


class ReadError(ValueError):
    """The file cannot be read as a table; the message is Chinese and can be shown as is."""


@dataclass
class Table:
    """A file's header, its records and how it was read.

    ``records`` holds ``(number, cells)`` pairs: ``number`` is the 1-based data row after the header
    (so Excel shows it on row ``number + 1``); blank records are left out but keep their numbers counted.
    """

    header: list[str]
    records: list[tuple[int, list]]
    file_format: str  # csv | xlsx
    encoding: str | None = None  # utf-8 | utf-8-sig | gb18030 (CSV only)
    delimiter: str | None = None
    sheet: str | None = None
    extra: dict = field(default_factory=dict)


def normalise_header(name) -> str:
    """A header cell as matched against the schema: NFKC, no surrounding or inner spaces, no '*' marks."""
    text = unicodedata.normalize("NFKC", "" if name is None else str(name))
    return "".join(text.split()).strip("*").lstrip("\ufeff")


def file_format(data: bytes) -> str:
    """"xlsx" for an Office Open XML (ZIP) container, else "csv"."""
    return "xlsx" if data[:4] == XLSX_MAGIC else "csv"


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding that decoded it: strict UTF-8 (BOM optional) first, then GB18030.

    GB18030 is a superset of GBK and GB2312, so files saved by Excel or WPS on Chinese Windows read too.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    else:
        return text, ("utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8")
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise ReadError("无法识别文件编码：请使用 UTF-8 或 GBK/GB18030 编码的 CSV 文件") from None


def sniff_delimiter(first_line: str, known: Iterable[str] = ()) -> str:
    """The delimiter of a header line among comma, tab and semicolon.

    The candidate that splits the header into the most known column names wins; without known names (or
    on a tie) the one that splits it into the most cells, comma first.
    """
    known = set(known)

    def score(delimiter: str) -> tuple[int, int, int]:
        cells = next(csv.reader([first_line], delimiter=delimiter), [])
        hits = sum(normalise_header(c) in known for c in cells)
        return hits, len(cells), -DELIMITERS.index(delimiter)

    return max(DELIMITERS, key=score)


def _blank_row(cells) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def read_csv(data: bytes, known_headers: Iterable[str] = ()) -> Table:
    """Records of a delimited text file; the first non-blank record is the header."""
    text, encoding = decode(data)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    if not first_line:
        raise ReadError("文件为空：没有表头行")
    delimiter = sniff_delimiter(first_line, known_headers)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    header: list[str] | None = None
    records = []
    number = 0
    try:
        for cells in reader:
            if header is None:
                if not _blank_row(cells):
                    header = [normalise_header(c) for c in cells]
                continue
            number += 1
            if not _blank_row(cells):
                records.append((number, [c.strip() if c.strip() else None for c in cells]))
    except csv.Error as exc:
        raise ReadError(f"CSV 格式错误（第 {number + 1} 行附近）：{exc}") from None
    return Table(header or [], records, "csv", encoding=encoding, delimiter=delimiter)


def read_xlsx(data: bytes, sheet: str | None = None) -> Table:
    """Records of the first (or the named) worksheet; dates arrive as datetimes, numbers as numbers."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any failure to parse a damaged workbook means the same to the user
        raise ReadError(f"Excel 文件无法读取（{type(exc).__name__}）：请确认是 .xlsx 格式且未损坏") from None
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise ReadError(f"工作表不存在：'{sheet}'（文件中的工作表：{'、'.join(workbook.sheetnames)}）")
        worksheet = workbook[sheet] if sheet is not None else workbook.worksheets[0]
        # Some writers store a wrong <dimension>; read-only mode would then cut the sheet short.
        worksheet.reset_dimensions()
        header: list[str] | None = None
        records = []
        number = 0
        for cells in worksheet.iter_rows(values_only=True):
            if header is None:
                if not _blank_row(cells):
                    header = [normalise_header(c) for c in cells]
                    while header and not header[-1]:
                        header.pop()
                continue
            number += 1
            if not _blank_row(cells):
                records.append((number, [c.strip() or None if isinstance(c, str) else c for c in cells]))
        return Table(header or [], records, "xlsx", sheet=worksheet.title)
    finally:
        workbook.close()


def read_table(data: bytes, *, sheet: str | None = None, known_headers: Iterable[str] = ()) -> Table:
    """Dispatch on the content (not the name): a ZIP container is XLSX, anything else CSV text."""
    if file_format(data) == "xlsx":
        return read_xlsx(data, sheet)
    return read_csv(data, known_headers)
