"""The data-quality report with known answers on a tiny dataset (the rows one import wrote), and on the table."""
from __future__ import annotations

from sqlalchemy import update

from db import db
from db.hotline12319 import Ticket
from ingest import quality_report, run_import
from tests.ingest.files import PREFIX, csv_bytes, row


def test_known_answers_on_a_tiny_dataset(clean):
    rows = [row("Q1"), row("Q2", **{"承办单位": "", "地址": " "}), row("Q3", **{"承办单位": ""}),
            row("Q4", **{"经度": "116.40", "纬度": "39.90"}), row("Q5", **{"经度": "", "纬度": ""}),
            row("Q6", **{"所属区": "火星区"})]
    r = run_import("hotline12319", csv_bytes(rows), file_name="q.csv", username="analyst", source_ip="-")
    assert (r.inserted, r.quarantined) == (5, 1)
    # Values the importer refuses, as another source could have left them:
    with db.engine.begin() as conn:
        conn.execute(update(Ticket).where(Ticket.ticket_no == PREFIX + "Q1").values(eval_satisfaction="很好"))
        conn.execute(update(Ticket).where(Ticket.ticket_no == PREFIX + "Q2").values(closed_at=None))  # 已办结
        conn.execute(update(Ticket).where(Ticket.ticket_no == PREFIX + "Q3").values(street_code="310104014"))

    report = quality_report("hotline12319", batch_id=r.batch_id)
    assert report["rows"] == 5 and report["duplicates"] == 0 and report["missing_limit"] == 0.10
    fields = report["fields"]
    assert (fields["handling_unit"]["missing"], fields["handling_unit"]["missing_rate"]) == (2, 0.4)
    assert fields["handling_unit"]["over_limit"] and fields["handling_unit"]["header"] == "承办单位"
    assert (fields["address"]["missing"], fields["lon"]["missing"], fields["lat"]["missing"]) == (1, 1, 1)
    assert (fields["received_at"]["missing"], fields["caller_phone"]["missing_rate"]) == (0, 0.0)
    assert not fields["received_at"]["over_limit"] and not fields["caller_phone"]["over_limit"]
    assert report["over_limit"] == ["地址", "经度", "纬度", "承办单位"]
    assert report["out_of_range"] == {"坐标超出上海市范围": 1, "办结时间早于受理时间": 0, "办理时限不晚于受理时间": 0,
                                      "工单状态与办结时间不一致": 1, "满意度不在允许范围": 1, "业务条线不在允许范围": 0,
                                      "工单状态不在允许范围": 0, "街镇不属于所属区": 1}
    assert report["quarantine"] == {"所属区 不是上海市的区": 1} and report["ok"] is False


def test_closed_before_received_is_counted(clean):
    r = run_import("hotline12319", csv_bytes([row("Q7")]), file_name="q.csv", username="analyst", source_ip="-")
    with db.engine.begin() as conn:
        conn.execute(update(Ticket).where(Ticket.ticket_no == PREFIX + "Q7").values(
            received_at=Ticket.deadline_at))  # now received after it was closed and at its deadline
    out = quality_report("hotline12319", batch_id=r.batch_id)["out_of_range"]
    assert (out["办结时间早于受理时间"], out["办理时限不晚于受理时间"]) == (1, 1)


def test_whole_table_report(clean):
    report = quality_report("hotline12319")
    assert report["duplicates"] == 0 and "quarantine" not in report
    assert set(report["fields"]) == {"received_at", "district_code", "street_code", "address", "lon", "lat",
                                     "business_line", "category", "content", "deadline_at", "handling_unit",
                                     "status", "caller_phone"}
    assert all(0 <= f["missing_rate"] <= 1 for f in report["fields"].values())
    assert report["rows"] >= 0 and all(v >= 0 for v in report["out_of_range"].values())
