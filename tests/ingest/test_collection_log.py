"""The collection log (采集日志, module 39): every run, refused and interrupted ones included, is logged with
who, where from, when, the file's SM3 digest, size, format, encoding, counts, duration and status, and
audited; its quarantined rows can be listed and downloaded as an Excel workbook."""
from __future__ import annotations

import io
import json
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from db import db
from db.security import AuditLog
from ingest import get_batch, quarantine_reasons, quarantine_rows, quarantine_xlsx, recent_batches, run_import
from security.sm import sm3
from tests.ingest.files import TEN, TEN_REASONS, csv_bytes, row, xlsx_bytes

pytestmark = pytest.mark.module(39)


def last_audit() -> AuditLog:
    with db.session() as s:
        return s.scalars(select(AuditLog).order_by(AuditLog.seq.desc())).first()


def test_a_run_is_logged_and_audited(clean):
    data = csv_bytes(TEN, "gb18030")
    r = run_import("hotline12319", data, file_name="12319_三月.csv", username="analyst", source_ip="10.1.2.3")
    log = recent_batches("hotline12319")[0]
    assert log["id"] == r.batch_id == get_batch(r.batch_id)["id"]
    assert (log["dataset"], log["file_name"], log["username"], log["source_ip"]) == (
        "hotline12319", "12319_三月.csv", "analyst", "10.1.2.3")
    assert log["file_sm3"] == sm3(data).hex() == r.file_sm3 and log["file_size"] == len(data)
    assert (log["file_format"], log["encoding"], log["status"], log["status_zh"]) == ("csv", "gb18030", "done", "完成")
    assert (log["total_rows"], log["inserted"], log["updated"], log["unchanged"], log["quarantined"], log["accepted"]) \
        == (10, 7, 0, 0, 3, 7)
    assert log["duration_ms"] == r.duration_ms >= 0 and log["message"].startswith("共 10 行：入库 7 行")
    assert log["started_at"] <= log["finished_at"] and log["started_at"].utcoffset() == timedelta(hours=8)
    assert abs(log["finished_at"] - datetime.now(log["finished_at"].tzinfo)) < timedelta(minutes=5)

    entry = last_audit()
    assert (entry.action, entry.object_type, entry.object_id, entry.outcome) == (
        "data.import", "dataset", "hotline12319", "success")
    assert (entry.username, entry.source_ip) == ("analyst", "10.1.2.3")
    detail = json.loads(entry.detail)
    assert detail["batch"] == r.batch_id and detail["file_sm3"] == sm3(data).hex()
    assert (detail["total"], detail["inserted"], detail["quarantined"], detail["encoding"]) == (10, 7, 3, "gb18030")


def test_a_refused_file_is_logged_as_failed_and_audited(clean):
    data = "甲,乙\n1,2\n".encode()
    r = run_import("hotline12319", data, file_name="wrong.csv", username="analyst", source_ip="10.1.2.3")
    assert not r.ok
    log = get_batch(r.batch_id)
    assert (log["status"], log["status_zh"], log["total_rows"], log["file_sm3"]) == ("failed", "失败", 0, sm3(data).hex())
    assert log["message"].startswith("缺少必需的列：工单编号、受理时间、所属区")
    entry = last_audit()
    assert (entry.action, entry.outcome, entry.object_id) == ("data.import", "failure", "hotline12319")
    assert json.loads(entry.detail)["reason"] == log["message"]


def test_an_interrupted_run_is_logged_as_failed(clean):
    def stop(done, total):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_import("hotline12319", csv_bytes(TEN), file_name="t.csv", username="analyst", source_ip="-",
                   batch_size=4, progress=stop)
    log = recent_batches("hotline12319", limit=1)[0]
    assert log["status"] == "failed" and log["total_rows"] == 10 and log["inserted"] + log["quarantined"] == 4
    assert "用同一文件重新导入即可补齐" in log["message"]
    assert last_audit().outcome == "failure"


def test_quarantine_rows_reasons_and_workbook(clean):
    rows = [dict(r) for r in TEN]
    rows[9]["诉求内容"] = "=HYPERLINK(\"http://evil.example\",\"点我\")"  # untrusted text stays text in Excel
    r = run_import("hotline12319", csv_bytes(rows), file_name="t.csv", username="analyst", source_ip="-")
    listed = quarantine_rows(r.batch_id)
    assert [(q["row_number"], q["reason"]) for q in listed] == list(TEN_REASONS.items())
    assert listed[1]["raw"]["所属区"] == "南京区" and listed[0]["raw"]["受理时间"] == "2019-13-45"
    assert quarantine_reasons(r.batch_id) == {"受理时间 格式无法识别": 1, "所属区 不是上海市的区": 1,
                                              "必填字段为空：工单编号": 1}

    sheet = load_workbook(io.BytesIO(quarantine_xlsx(r.batch_id))).active
    table = list(sheet.iter_rows(values_only=True))
    assert sheet.title == "隔离行"
    assert table[0][:4] == ("行号", "原因", "工单编号", "受理时间") and len(table[0]) == 2 + 27
    assert [(t[0], t[1]) for t in table[1:]] == list(TEN_REASONS.items())
    content = table[0].index("诉求内容")
    assert table[3][content] == rows[9]["诉求内容"] and sheet.cell(4, content + 1).data_type == "s"


def test_quarantine_workbook_keeps_xlsx_cell_types(clean):
    data = xlsx_bytes([row("0001", **{"所属区": "火星区"})], cell=lambda h, v: float(v) if h == "经度" else v)
    r = run_import("hotline12319", data, file_name="t.xlsx", username="analyst", source_ip="-")
    assert r.quarantined == 1 and quarantine_rows(r.batch_id)[0]["raw"]["经度"] == 121.49
    table = list(load_workbook(io.BytesIO(quarantine_xlsx(r.batch_id))).active.iter_rows(values_only=True))
    assert table[1][table[0].index("经度")] == 121.49


def test_page_adapter_shapes_the_log(clean):
    from ingest.jobs import collection_log

    r = run_import("hotline12319", csv_bytes(TEN[:2]), file_name="t.csv", username="analyst", source_ip="-")
    first = collection_log("hotline12319", limit=1)[0]
    assert first["id"] == r.batch_id and len(first["started"]) == 19 and first["accepted"] == 2
    json.dumps(first, default=None)  # the grid's rowData must serialise
