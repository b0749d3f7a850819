"""Importing 12319 files with known answers: counts, reasons, rollups, events, encodings and XLSX, refusal,
duplicates, idempotency, changes, and an interrupted run restarted."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from db import db
from db.hotline12319 import RollupLine, Ticket, TicketEvent
from db.ingest import ImportBatch, QuarantineRow
from ingest import run_import
from ingest.datasets.hotline12319 import HEADERS
from queries import data_version
from security.columns import blind_index
from tests.ingest.files import (MONTH, PREFIX, TEN, TEN_REASONS, csv_bytes, excel_serial, good, row, snapshot,
                                xlsx_bytes)

__all__ = ["MONTH", "csv_bytes", "good"]  # also used by tests/browser/test_imports_page.py


def imp(data: bytes, name: str = "12319.csv", **kw):
    """Import as the analyst from a fixed address."""
    return run_import("hotline12319", data, file_name=name, username="analyst", source_ip="10.0.0.9", **kw)


def reasons_of(batch_id: int) -> dict[int, str]:
    with db.engine.connect() as conn:
        return dict(conn.execute(select(QuarantineRow.row_number, QuarantineRow.reason)
                                 .where(QuarantineRow.batch_id == batch_id)).all())


def count_tests(model=Ticket) -> int:
    with db.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)
                            .where(model.ticket_no.like(PREFIX + "%"))).scalar_one()


def events_of(no: str) -> list[tuple]:
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(
            select(TicketEvent.action, TicketEvent.at, TicketEvent.actor).where(TicketEvent.ticket_no == PREFIX + no)
            .order_by(TicketEvent.at, TicketEvent.id))]


def rollup(district: str = "310101", line: str = "绿化林业"):
    with db.engine.connect() as conn:
        return conn.execute(select(RollupLine).where(RollupLine.month == MONTH, RollupLine.district_code == district,
                                                     RollupLine.business_line == line)).one_or_none()


def test_known_file_counts_reasons_rollups_and_events(clean):
    r = imp(csv_bytes(TEN))
    assert r.ok and r.encoding == "utf-8"
    assert (r.total, r.inserted, r.updated, r.unchanged, r.quarantined, r.accepted) == (10, 7, 0, 0, 3, 7)
    assert reasons_of(r.batch_id) == TEN_REASONS
    assert r.reasons == [f"第 {n} 行：{reason}" for n, reason in TEN_REASONS.items()]

    # The rollup of March 2019 × 黄浦区 × 绿化林业 against the rows: tickets 1-5 (6 is 市容环卫, 7 徐汇区).
    # Closed: 1 (48 h, on time), 2 (240 h, 3 days late), 4 (6 h, on time, supervised).
    cell = rollup()
    assert (cell.received, cell.closed, cell.closed_on_time, cell.supervised) == (5, 3, 2, 1)
    assert (cell.evaluated, cell.satisfied, cell.basically_satisfied, cell.responded, cell.resolved) == (3, 1, 1, 2, 2)
    assert cell.handling_hours == pytest.approx(48 + 240 + 6)
    assert (rollup(line="市容环卫").received, rollup(line="市容环卫").handling_hours) == (1, pytest.approx(4))
    assert rollup("310104").received == 1

    with db.session() as s:
        t1 = s.scalar(select(Ticket).where(Ticket.ticket_no == PREFIX + "0001"))
        t2 = s.scalar(select(Ticket).where(Ticket.ticket_no == PREFIX + "0002"))
        t4 = s.scalar(select(Ticket).where(Ticket.ticket_no == PREFIX + "0004"))
        t5 = s.scalar(select(Ticket).where(Ticket.ticket_no == PREFIX + "0005"))
        assert (t1.received_at, t1.deadline_at, t1.closed_at) == (
            dt.datetime(2019, 3, 1, 8, 30), dt.datetime(2019, 3, 8, 8, 30), dt.datetime(2019, 3, 3, 8, 30))
        assert t1.received_month == MONTH and t1.street_code == "310101013" and t1.district_code == "310101"
        assert t1.caller_name == "张三" and t1.caller_phone == "13812345678"  # decrypted on read
        assert t1.caller_phone_index == blind_index("13812345678", context="hotline12319.caller_phone")
        assert t2.caller_phone == "13900001111" and t4.caller_phone == "02163211234"
        assert t5.hot is True and t5.handling_unit is None and t5.status == "已受理" and t1.batch_id == r.batch_id
    unit = "黄浦区绿化市容局"
    assert events_of("0004") == [("受理", dt.datetime(2019, 3, 4, 10), "12319 热线"),
                                 ("派单", dt.datetime(2019, 3, 4, 10, 30), "12319 热线"),
                                 ("督办", dt.datetime(2019, 3, 4, 10, 30), "市绿化市容局"),
                                 ("回复", dt.datetime(2019, 3, 4, 15), unit),
                                 ("办结", dt.datetime(2019, 3, 4, 16), unit)]
    assert events_of("0005") == [("受理", dt.datetime(2019, 3, 5, 8), "12319 热线")]
    assert count_tests(TicketEvent) == 4 + 4 + 2 + 5 + 1 + 4 + 4


VARIANTS = {
    "utf-8": lambda rows: csv_bytes(rows, "utf-8"),
    "utf-8-sig": lambda rows: csv_bytes(rows, "utf-8-sig"),
    "gb18030": lambda rows: csv_bytes(rows, "gb18030"),
    "gbk-tab": lambda rows: csv_bytes(rows, "gbk", delimiter="\t"),
    "utf-8-semicolon": lambda rows: csv_bytes(rows, "utf-8", delimiter=";"),
}


def _typed(header: str, text: str):
    """XLSX cells as Excel holds them: times as serial numbers, flags as booleans, numbers as numbers."""
    if header.endswith(("时间", "时限")):
        try:
            return excel_serial(text)
        except ValueError:
            return text  # the bad date stays text
    if header in ("是否督办", "是否热点", "先行联系", "是否解决") and text in ("是", "否"):
        return text == "是"
    if header in ("经度", "纬度"):
        return float(text)
    return text


def _normalised(rows: list[dict]) -> list[dict]:
    """TEN with every date in 'YYYY-MM-DD HH:MM:SS' (what excel_serial reads), same values."""
    from ingest.parse import parse_datetime

    out = []
    for r in rows:
        r = dict(r)
        for h in r:
            if h.endswith(("时间", "时限")) and r[h]:
                try:
                    r[h] = parse_datetime(r[h]).strftime("%Y-%m-%d %H:%M:%S")
                except ValueError:
                    pass
        out.append(r)
    return out


@pytest.mark.parametrize("variant", [*VARIANTS, "xlsx"])
def test_encodings_delimiters_and_xlsx_give_identical_tables(clean, variant):
    reference = imp(csv_bytes(TEN))
    expected_rows, expected_reasons = snapshot(), reasons_of(reference.batch_id)
    from tests.ingest.files import cleanup

    cleanup()
    if variant == "xlsx":
        data, name = xlsx_bytes(_normalised(TEN), cell=_typed), "12319.xlsx"
    else:
        data, name = VARIANTS[variant](TEN), "12319.csv"
    r = imp(data, name)
    assert (r.inserted, r.quarantined) == (7, 3)
    assert r.encoding == {"xlsx": None, "gbk-tab": "gb18030", "utf-8-semicolon": "utf-8"}.get(variant, variant)
    assert snapshot() == expected_rows  # every field, the row hash and the phone index alike
    assert reasons_of(r.batch_id) == expected_reasons
    again = imp(csv_bytes(TEN))  # and the reference file finds nothing to change
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 7)


def test_excel_serial_date_cells(clean):
    data = xlsx_bytes([row("0001", **{"受理时间": 43525.354166666664, "办理时限": 43532.354166666664,
                                      "派单时间": dt.datetime(2019, 3, 1, 9), "回复时间": "2019-03-02 10:00:00",
                                      "办结时间": 43527.354166666664})])
    r = imp(data, "serial.xlsx")
    assert (r.inserted, r.quarantined) == (1, 0)
    with db.engine.connect() as conn:
        times = conn.execute(select(Ticket.received_at, Ticket.deadline_at, Ticket.dispatched_at, Ticket.closed_at)
                             .where(Ticket.ticket_no == PREFIX + "0001")).one()
    assert tuple(times) == (dt.datetime(2019, 3, 1, 8, 30), dt.datetime(2019, 3, 8, 8, 30),
                            dt.datetime(2019, 3, 1, 9), dt.datetime(2019, 3, 3, 8, 30))


GOOD_FORMS = ["2019-03-01 08:30:00", "2019-03-01 08:30", "2019/3/1 8:30", "2019年3月1日 8时30分",
              "2019年03月01日 08:30", "20190301083000", "43525.354166666664", "2019-03-01T08:30:00"]
BAD_FORMS = ["2019-13-45", "2019/2/30", "2019年13月1日", "2019-03-01 24:61", "20191301", "三月一日", "yesterday",
             "2019-03", "12.5", "--", "1234"]


def test_every_date_form_and_garbage(clean):
    rows = [row(f"D{i:02d}", **{"受理时间": form}) for i, form in enumerate(GOOD_FORMS)]
    rows += [row(f"X{i:02d}", **{"受理时间": form}) for i, form in enumerate(BAD_FORMS)]
    r = imp(csv_bytes(rows))
    assert (r.inserted, r.quarantined) == (len(GOOD_FORMS), len(BAD_FORMS))
    with db.engine.connect() as conn:
        received = set(conn.execute(select(Ticket.received_at).where(Ticket.ticket_no.like(PREFIX + "D%"))).scalars())
    assert received == {dt.datetime(2019, 3, 1, 8, 30)}
    reasons = reasons_of(r.batch_id)
    for i, form in enumerate(BAD_FORMS):
        assert reasons[len(GOOD_FORMS) + i + 1] == f"受理时间 格式无法识别：'{form}'"


def test_missing_required_columns_refuse_the_file(clean):
    header = [h for h in HEADERS if h not in ("工单编号", "办理时限")]
    before = data_version("hotline12319")
    r = imp(csv_bytes([row("0001")], header=header))
    assert not r.ok and r.message == "缺少必需的列：工单编号、办理时限"
    assert count_tests() == 0 and reasons_of(r.batch_id) == {} and data_version("hotline12319") == before
    with db.session() as s:
        batch = s.get(ImportBatch, r.batch_id)
        assert (batch.status, batch.message, batch.total_rows, batch.inserted) == ("failed", r.message, 0, 0)


@pytest.mark.parametrize("data,name,message", [
    (b"", "empty.csv", "文件为空"),
    ("工单编号,工单号,受理时间\n".encode(), "doubled.csv", "列名重复：工单编号/工单号"),
    (b"%PDF-1.7 not a table", "report.csv", "文件内容与扩展名不符"),
    (b"\x00\x01\x02binary", "blob.csv", "文本文件内容无效：须为 UTF-8 或 GB18030 编码的纯文本"),
    ("工单编号\nA1\n".encode(), "list.docx", "文件类型不允许：仅支持 XLSX、CSV"),
])
def test_unreadable_files_are_refused(clean, data, name, message):
    r = imp(data, name)
    assert not r.ok and r.message == message and r.total == 0


def test_duplicate_keys_inside_a_file_first_wins(clean):
    rows = [row("0001"), row("0002"), row("0001", **{"满意度": "不满意"}), row("0003"), row("0002", **{"地址": "x"})]
    r = imp(csv_bytes(rows), batch_size=2)  # duplicates are found across batches too
    assert (r.inserted, r.quarantined) == (3, 2)
    assert reasons_of(r.batch_id) == {3: "与第 1 行工单编号重复", 5: "与第 2 行工单编号重复"}
    with db.engine.connect() as conn:
        kept = conn.execute(select(Ticket.eval_satisfaction).where(Ticket.ticket_no == PREFIX + "0001")).scalar()
    assert kept == "满意"


def test_reimport_changes_nothing(clean):
    first = imp(csv_bytes(TEN))
    rows, version = snapshot(), data_version("hotline12319")
    with db.engine.connect() as conn:
        events = conn.execute(select(func.count()).select_from(TicketEvent)
                              .where(TicketEvent.ticket_no.like(PREFIX + "%"))).scalar()
    second = imp(csv_bytes(TEN))
    assert (first.inserted, second.inserted, second.updated, second.unchanged, second.quarantined) == (7, 0, 0, 7, 3)
    assert snapshot() == rows and count_tests(TicketEvent) == events
    assert data_version("hotline12319") == version  # nothing changed: cached boards stay valid


def test_a_changed_field_updates_one_row_and_rebuilds_its_events(clean):
    imp(csv_bytes(TEN))
    before = snapshot()
    old_events = events_of("0003")
    version = data_version("hotline12319")
    changed = [dict(r) for r in TEN]
    changed[2].update({"工单状态": "已办结", "回复时间": "2019-03-05 10:00:00", "办结时间": "2019-03-06 10:00:00",
                       "满意度": "满意", "先行联系": "是", "是否解决": "是", "是否督办": "是"})
    r = imp(csv_bytes(changed))
    assert (r.inserted, r.updated, r.unchanged, r.quarantined) == (0, 1, 6, 3)
    after = snapshot()
    assert [a for a, b in zip(after, before) if a != b][0][0] == PREFIX + "0003"
    assert sum(a != b for a, b in zip(after, before)) == 1
    assert [e[0] for e in old_events] == ["受理", "派单"]
    assert [e[0] for e in events_of("0003")] == ["受理", "派单", "督办", "回复", "办结"]
    cell = rollup()
    assert (cell.received, cell.closed, cell.closed_on_time, cell.satisfied, cell.supervised) == (5, 4, 3, 2, 2)
    assert data_version("hotline12319") == version + 1


def test_a_ticket_moved_to_another_month_refreshes_both_months(clean):
    imp(csv_bytes([row("0001")]))
    assert rollup().received == 1
    moved = row("0001", **{"受理时间": "2019-04-01 08:30:00", "派单时间": "2019-04-01 09:00:00",
                           "回复时间": "2019-04-02 10:00:00", "办结时间": "2019-04-03 08:30:00",
                           "办理时限": "2019-04-08 08:30:00"})
    assert imp(csv_bytes([moved])).updated == 1
    assert rollup() is None
    with db.engine.connect() as conn:
        april = conn.execute(select(RollupLine.received).where(RollupLine.month == dt.date(2019, 4, 1),
                                                               RollupLine.district_code == "310101")).scalar()
    assert april == 1


class Stop(Exception):
    """Raised by a progress callback to simulate a crash between batches."""


def test_interrupted_import_restarted_has_no_duplicates_and_nothing_missing(clean):
    rows = [row(f"{i:04d}", **({"所属区": "火星区"} if i % 7 == 3 else {})) for i in range(1, 26)]
    data = csv_bytes(rows)

    def stop_after_two_batches(done, total):
        if done >= 20:
            raise Stop

    with pytest.raises(Stop):
        imp(data, batch_size=10, progress=stop_after_two_batches)
    with db.session() as s:
        failed = s.scalars(select(ImportBatch).order_by(ImportBatch.id.desc())).first()
        assert failed.status == "failed" and "导入中断（Stop）：已提交 20 / 25 行" in failed.message
        assert failed.inserted + failed.quarantined == 20
    assert count_tests() == 17  # rows 3, 10 and 17 were quarantined in the committed batches

    again = imp(data, batch_size=10)
    assert (again.inserted, again.unchanged, again.quarantined) == (4, 17, 4)  # row 24 is bad too
    with db.engine.connect() as conn:
        per_ticket = conn.execute(select(Ticket.ticket_no, func.count()).where(Ticket.ticket_no.like(PREFIX + "%"))
                                  .group_by(Ticket.ticket_no)).all()
        events = conn.execute(select(TicketEvent.ticket_no, TicketEvent.action, func.count())
                              .where(TicketEvent.ticket_no.like(PREFIX + "%"))
                              .group_by(TicketEvent.ticket_no, TicketEvent.action)).all()
    expected = {PREFIX + f"{i:04d}" for i in range(1, 26) if i % 7 != 3}
    assert {no for no, _ in per_ticket} == expected and all(n == 1 for _, n in per_ticket)
    assert all(n == 1 for *_, n in events) and len(events) == 21 * 4  # 受理 派单 回复 办结, once each
    assert rollup().received == 21


def test_version_goes_up_with_each_committed_change(clean):
    version = data_version("hotline12319")
    r = imp(csv_bytes([row(f"{i:04d}") for i in range(5)]), batch_size=2)
    assert r.inserted == 5 and data_version("hotline12319") == version + 3  # one bump per batch


def test_declaration_matches_the_hashed_fields():
    from db.hotline12319 import HASHED_FIELDS
    from ingest.datasets.hotline12319 import DATASET

    assert [c.field for c in DATASET.columns] == HASHED_FIELDS  # a new ticket field needs a column here


def test_header_only_file_and_stray_cells(clean):
    empty = imp(csv_bytes([]))
    assert empty.ok and (empty.total, empty.accepted, empty.quarantined) == (0, 0, 0)
    text = csv_bytes([row("0001"), row("0002")]).decode() + "\r\n,,\r\n"  # a blank record is skipped
    lines = text.split("\r\n")
    lines[2] += ",多出来的格"  # a stray cell after the last column
    r = imp("\r\n".join(lines).encode())
    assert (r.total, r.inserted, r.quarantined) == (2, 1, 1)
    assert reasons_of(r.batch_id) == {2: "列数多于表头（28 > 27），可能含未加引号的分隔符"}
    from ingest import quarantine_rows

    assert quarantine_rows(r.batch_id)[0]["raw"]["第28列"] == "多出来的格"
