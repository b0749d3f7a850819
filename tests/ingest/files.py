"""Hand-made 12319 export files for the importer tests: rows by Chinese header, written as CSV or XLSX."""
from __future__ import annotations

import csv
import datetime as dt
import io

from openpyxl import Workbook
from sqlalchemy import delete, select

from db import db
from db.hotline12319 import Ticket, TicketEvent, refresh_rollups
from ingest.datasets.hotline12319 import HEADERS
from ingest.parse import EXCEL_EPOCH

PREFIX = "T-TEST-"
MONTH = dt.date(2019, 3, 1)  # the demo data covers 2023-11 … 2026-10: this month holds only test tickets
TEST_MONTHS = [dt.date(2019, m, 1) for m in range(1, 13)] + [dt.date(2020, 1, 1)]


def row(no: str, **over) -> dict:
    """A valid ticket row numbered ``T-TEST-{no}`` (see ``good``)."""
    return good(PREFIX + no, **over)


def good(ticket_no: str, **over) -> dict:
    """A valid ticket row in 黄浦区/外滩街道, received 2019-03-01 08:30, closed on time, 满意."""
    base = {"工单编号": ticket_no, "受理时间": "2019-03-01 08:30:00", "来源渠道": "电话", "来电人": "张三",
            "联系电话": "138-1234-5678", "地址": "黄浦区中山东一路1号", "所属区": "黄浦区", "所属街镇": "外滩街道",
            "经度": "121.49", "纬度": "31.24", "业务条线": "绿化林业", "问题大类": "树木倒伏", "问题小类": "行道树",
            "诉求内容": "大树倒伏压到车辆，请尽快处理", "紧急程度": "紧急", "是否督办": "否", "是否热点": "否",
            "办理时限": "2019-03-08 08:30:00", "承办单位": "黄浦区绿化市容局", "工单状态": "已办结",
            "派单时间": "2019-03-01 09:00:00", "回复时间": "2019-03-02 10:00:00", "办结时间": "2019-03-03 08:30:00",
            "先行联系": "是", "是否解决": "是", "满意度": "满意", "重复工单号": ""}
    base.update(over)
    return base


# The known-answer file: 7 valid rows (dates in several forms) and 3 bad ones.
OPEN = {"办结时间": "", "先行联系": "", "是否解决": "", "满意度": ""}
TEN = [
    row("0001", **{"受理时间": "2019年3月1日 8时30分", "办理时限": "2019/3/8 8:30", "办结时间": "20190303083000"}),
    row("0002", **{"受理时间": "2019/3/2 9:00", "派单时间": "2019-03-02 10:00", "回复时间": "2019-03-10 09:00",
                   "办理时限": "2019-03-09 09:00:00", "办结时间": "2019年3月12日 9时", "满意度": "不满意",
                   "是否解决": "否", "联系电话": "+86 139 0000 1111"}),
    row("0003", **{"受理时间": "2019-03-03 10:00:00", "派单时间": "2019-03-03 11:00:00", "回复时间": "",
                   "工单状态": "处理中", **OPEN}),
    row("0004", **{"受理时间": "2019-03-04 10:00:00", "派单时间": "2019-03-04 10:30:00",
                   "回复时间": "2019-03-04 15:00:00", "办结时间": "2019-03-04 16:00:00", "满意度": "基本满意",
                   "是否督办": "是", "先行联系": "否", "联系电话": "021-6321 1234"}),
    row("0005", **{"受理时间": "2019-03-05 08:00:00", "派单时间": "", "回复时间": "", "工单状态": "已受理",
                   "承办单位": "", "是否热点": "Y", **OPEN}),
    row("0006", **{"受理时间": "2019-03-06 08:00:00", "派单时间": "2019-03-06 09:00:00",
                   "回复时间": "2019-03-06 10:00:00", "办结时间": "2019-03-06 12:00:00", "业务条线": "市容环卫",
                   "问题大类": "垃圾清运", **{k: "" for k in ("先行联系", "是否解决", "满意度")}}),
    row("0007", **{"所属区": "310104", "所属街镇": "徐家汇街道", "地址": "徐汇区漕溪北路1号",
                   "经度": "121.43", "纬度": "31.19", "承办单位": "徐汇区绿化市容局"}),
    row("0008", **{"受理时间": "2019-13-45"}),
    row("0009", **{"所属区": "南京区"}),
    row("0010", **{"工单编号": ""}),
]
TEN_REASONS = {8: "受理时间 格式无法识别：'2019-13-45'", 9: "所属区 不是上海市的区：'南京区'",
               10: "必填字段为空：工单编号"}


def csv_bytes(rows: list[dict], encoding: str = "utf-8", delimiter: str = ",", header=HEADERS) -> bytes:
    """The rows as CSV text in ``encoding`` (``utf-8-sig`` writes a BOM)."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for r in rows:
        writer.writerow([r.get(h, "") for h in header])
    return buf.getvalue().encode(encoding)


def excel_serial(text: str) -> float:
    """The Excel serial day number of a 'YYYY-MM-DD HH:MM:SS' time (what a number-formatted cell holds)."""
    moment = dt.datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
    return (moment - EXCEL_EPOCH).total_seconds() / 86400


def xlsx_bytes(rows: list[dict], header=HEADERS, sheet: str = "工单明细", cell=lambda h, v: v) -> bytes:
    """The rows as an XLSX workbook; ``cell(header, text)`` may turn a text into a typed cell value."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(list(header))
    for r in rows:
        ws.append([cell(h, r.get(h, "")) if r.get(h, "") != "" else None for h in header])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def cleanup(prefix: str = PREFIX, batch_id: int | None = None) -> None:
    """Remove the test tickets (by number prefix, and every ticket a given import batch wrote, whatever its
    number) with their events, and recompute the test months' rollups."""
    with db.engine.begin() as conn:
        mine = Ticket.ticket_no.like(prefix + "%")
        if batch_id is not None:
            mine = mine | (Ticket.batch_id == batch_id)
        numbers = select(Ticket.ticket_no).where(mine)
        conn.execute(delete(TicketEvent).where(TicketEvent.ticket_no.in_(numbers)))
        conn.execute(delete(Ticket).where(mine))
        refresh_rollups(conn, TEST_MONTHS)


def snapshot(prefix: str = PREFIX) -> list[tuple]:
    """Every business field (decrypted) of the test tickets, by ticket number."""
    from db.hotline12319 import HASHED_FIELDS

    columns = [getattr(Ticket, f) for f in HASHED_FIELDS] + [Ticket.row_hash, Ticket.caller_phone_index,
                                                             Ticket.received_month]
    with db.session() as s:
        return [tuple(r) for r in s.execute(select(*columns).where(Ticket.ticket_no.like(prefix + "%"))
                                            .order_by(Ticket.ticket_no)).all()]
