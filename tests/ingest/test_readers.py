"""Readers: encodings are detected, delimiters sniffed, XLSX sheets chosen, blank rows skipped."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from ingest.readers import ReadError, decode, normalise_header, read_csv, read_table, read_xlsx, sniff_delimiter

TEXT = "工单编号,诉求内容\r\nA1,\"树倒了, 请处理\"\r\n\r\nA2,\"多行\n内容\"\r\n"


@pytest.mark.parametrize("encoding,expected", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"),
                                               ("gb18030", "gb18030"), ("gbk", "gb18030")])
def test_encoding_detected(encoding, expected):
    table = read_csv(TEXT.encode(encoding))
    assert table.encoding == expected
    assert table.header == ["工单编号", "诉求内容"]
    # the blank line keeps its number; the quoted comma and newline stay inside their cells
    assert table.records == [(1, ["A1", "树倒了, 请处理"]), (3, ["A2", "多行\n内容"])]


def test_undecodable_bytes_are_refused():
    with pytest.raises(ReadError, match="无法识别文件编码"):
        decode(b"\x81\x30\xff\xff")


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_delimiter_sniffed_from_the_header(delimiter):
    known = {"工单编号", "诉求内容", "地址"}
    line = delimiter.join(["工单编号", "诉求内容", "地址"])
    assert sniff_delimiter(line, known) == delimiter
    body = delimiter.join(["A1", "有逗号,分号;的内容" if delimiter == "\t" else "内容", "x"])
    table = read_csv(f"{line}\n{body}\n".encode(), known)
    assert table.delimiter == delimiter and table.records[0][1][0] == "A1"


def test_headers_are_normalised():
    assert normalise_header(" *工单 编号 ") == "工单编号"
    assert normalise_header("\ufeff受理时间") == "受理时间"
    assert normalise_header("所属区（必填）") == "所属区(必填)"  # NFKC: full-width brackets become ASCII


def _workbook(sheets: dict[str, list[list]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_xlsx_first_or_named_sheet_with_typed_cells():
    data = _workbook({"说明": [["本文件为导出样例"]],
                      "工单": [[None], ["工单编号", "受理时间", "经度"], ["A1", dt.datetime(2025, 3, 1, 8), 121.5],
                               [None, None, None], ["A2", 45717.33, "121.4"]]})
    assert read_xlsx(data).header == ["本文件为导出样例"]
    table = read_table(data, sheet="工单")
    assert table.file_format == "xlsx" and table.encoding is None and table.sheet == "工单"
    assert table.header == ["工单编号", "受理时间", "经度"]
    assert table.records == [(1, ["A1", dt.datetime(2025, 3, 1, 8), 121.5]), (3, ["A2", 45717.33, "121.4"])]


def test_missing_sheet_and_damaged_workbook():
    with pytest.raises(ReadError, match="工作表不存在：'汇总'"):
        read_xlsx(_workbook({"工单": [["工单编号"]]}), "汇总")
    with pytest.raises(ReadError, match="Excel 文件无法读取"):
        read_xlsx(b"PK\x03\x04 not really a workbook")
