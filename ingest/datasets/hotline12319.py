"""The 12319 hotline ticket export (工单明细): declaration, cross-field rules, upsert with events and rollups,
quality rules, and a generator of valid sample files.

Rules beyond each column's own: 所属街镇 must belong to 所属区; 办结时间 is filled exactly when 工单状态
is 已办结; 派单/回复/办结时间 are not before 受理时间; 办理时限 is after 受理时间; 经度 and 纬度 come
together. Coordinates outside Shanghai are kept (the ticket itself is valid) and counted by the quality
report instead.
"""
from __future__ import annotations

import csv
import datetime as dt
import random
import re
from pathlib import Path

from pydantic import ValidationInfo, model_validator
from sqlalchemy import and_, bindparam, delete, exists, insert, or_, select, update

from db.bulk import bulk_insert
from db.hotline12319 import (BUSINESS_LINES, CHANNELS, HASHED_FIELDS, SATISFACTION, STATUSES, URGENCIES, Ticket,
                             TicketEvent, month_of, refresh_rollups, ticket_row_hash)
from db.reference import District, Street
from ingest.schema import Column, Dataset, RowModel, rule_error
from security.columns import blind_index

NAME = "hotline12319"
PHONE_CONTEXT = "hotline12319.caller_phone"
HOTLINE = "12319 热线"
BUREAU = "市绿化市容局"
CLOSED = "已办结"
BBOX = {"lon": (120.8, 122.2), "lat": (30.6, 31.9)}  # Shanghai's extent, for the quality report
LOOKUP_CHUNK = 1000  # keys per IN (...) list: well under SQLite's bound-parameter limit
_TICKET_NO = re.compile(r"[0-9A-Za-z][0-9A-Za-z_\-]{0,31}")


def _ticket_no(value: str, _context: dict) -> str:
    if not _TICKET_NO.fullmatch(value):
        raise ValueError(f"格式不正确：'{value[:40]}'（只能由字母、数字、- 和 _ 组成，最长 32 位）")
    return value


def _district(value: str, context: dict) -> str:
    """A district name (黄浦区, 黄浦, 上海市黄浦区) or 6-digit code → its code."""
    codes = context.get("district_names", {})
    name = value.removeprefix("上海市")
    code = value if value in context.get("districts", {}) else codes.get(name)
    if code is None:
        raise ValueError(f"不是上海市的区：'{value}'")
    return code


def _coordinate(low: float, high: float):
    def check(value: float, _context: dict) -> float:
        if not low <= value <= high:
            raise ValueError(f"超出取值范围（{low:g}–{high:g}）：'{value:g}'")
        return round(value, 6)

    return check


COLUMNS = (
    Column("工单编号", "ticket_no", required=True, aliases=("工单号", "诉件编号"), parse=_ticket_no),
    Column("受理时间", "received_at", "datetime", required=True, aliases=("来电时间", "受理日期")),
    Column("来源渠道", "channel", choices=tuple(CHANNELS), default="电话", aliases=("渠道",)),
    Column("来电人", "caller_name", max_length=64, aliases=("诉求人", "联系人")),
    Column("联系电话", "caller_phone", "phone", aliases=("来电号码", "电话")),
    Column("地址", "address", aliases=("诉求地址", "事发地址")),
    Column("所属区", "district_code", required=True, max_length=32, aliases=("区", "所属区县"), parse=_district),
    Column("所属街镇", "street_code", max_length=64, aliases=("街镇", "所属街道")),
    Column("经度", "lon", "float", parse=_coordinate(-180, 180)),
    Column("纬度", "lat", "float", parse=_coordinate(-90, 90)),
    Column("业务条线", "business_line", required=True, choices=tuple(BUSINESS_LINES), aliases=("条线",)),
    Column("问题大类", "category", required=True, aliases=("问题分类",)),
    Column("问题小类", "subcategory"),
    Column("诉求内容", "content", required=True, max_length=4000, aliases=("内容", "诉求描述")),
    Column("紧急程度", "urgency", choices=tuple(URGENCIES), default="一般"),
    Column("是否督办", "supervised", "bool", default=False, aliases=("督办",)),
    Column("是否热点", "hot", "bool", default=False, aliases=("热点",)),
    Column("办理时限", "deadline_at", "datetime", required=True, aliases=("截止时间", "办结时限")),
    Column("承办单位", "handling_unit", aliases=("办理单位",)),
    Column("工单状态", "status", required=True, choices=tuple(STATUSES), aliases=("状态", "办理状态")),
    Column("派单时间", "dispatched_at", "datetime"),
    Column("回复时间", "replied_at", "datetime"),
    Column("办结时间", "closed_at", "datetime"),
    Column("先行联系", "eval_responded", "bool"),
    Column("是否解决", "eval_resolved", "bool"),
    Column("满意度", "eval_satisfaction", choices=tuple(SATISFACTION), aliases=("满意度评价",)),
    Column("重复工单号", "repeat_of", aliases=("重复工单",), parse=_ticket_no),
)


class TicketRules(RowModel):
    """Cross-field rules of a ticket row (the fields come from the declaration)."""

    @model_validator(mode="after")
    def _rules(self, info: ValidationInfo):
        ctx = info.context or {}
        d = self.__dict__
        problems = []
        street = d["street_code"]
        if street is not None:
            district = d["district_code"]
            code = street if street in ctx.get("streets", {}) else ctx.get("street_names", {}).get(street)
            if code is None:
                problems.append(f"所属街镇 不是已知的街镇：'{street}'")
            elif ctx["streets"][code] != district:
                problems.append(f"所属街镇 '{street}' 不属于{ctx['districts'].get(district, district)}")
            else:
                d["street_code"] = code
        received = d["received_at"]
        if (d["closed_at"] is not None) != (d["status"] == CLOSED):
            problems.append("工单状态与办结时间不一致：已办结的工单须填写办结时间，未办结的工单不应有办结时间"
                            f"（工单状态 '{d['status']}'，办结时间{'已填写' if d['closed_at'] else '为空'}）")
        for name, header in (("dispatched_at", "派单时间"), ("replied_at", "回复时间"), ("closed_at", "办结时间")):
            if d[name] is not None and d[name] < received:
                problems.append(f"{header} 早于受理时间")
        if d["deadline_at"] <= received:
            problems.append("办理时限 须晚于受理时间")
        if (d["lon"] is None) != (d["lat"] is None):
            problems.append("经度与纬度须同时填写")
        if d["repeat_of"] is not None and d["repeat_of"] == d["ticket_no"]:
            problems.append("重复工单号 不能是本工单编号")
        rule_error(problems)
        return self


def prepare(conn) -> dict:
    """Reference lookups for one run: districts by code and by name (full and short), streets likewise."""
    districts = dict(conn.execute(select(District.code, District.name)).all())
    names = {}
    for code, name in districts.items():
        names[name] = code
        short = name.removesuffix("新区").removesuffix("区")
        if len(short) >= 2:
            names.setdefault(short, code)
    streets = conn.execute(select(Street.code, Street.name, Street.district_code)).all()
    return {"districts": districts, "district_names": names,
            "streets": {code: district for code, _name, district in streets},
            "street_names": {name: code for code, name, _district in streets}}


def events_of(row: dict) -> list[dict]:
    """The status events of a ticket, derived from its timestamps (the export carries no event log)."""
    unit = row.get("handling_unit") or HOTLINE
    no = row["ticket_no"]
    events = [{"ticket_no": no, "at": row["received_at"], "action": "受理", "actor": HOTLINE, "note": None}]
    if row["dispatched_at"] is not None:
        events.append({"ticket_no": no, "at": row["dispatched_at"], "action": "派单", "actor": HOTLINE,
                       "note": f"派至{unit}" if row.get("handling_unit") else None})
    if row["supervised"]:
        events.append({"ticket_no": no, "at": row["dispatched_at"] or row["received_at"], "action": "督办",
                       "actor": BUREAU, "note": None})
    if row["replied_at"] is not None:
        events.append({"ticket_no": no, "at": row["replied_at"], "action": "回复", "actor": unit, "note": None})
    if row["closed_at"] is not None:
        events.append({"ticket_no": no, "at": row["closed_at"], "action": "办结", "actor": unit, "note": None})
    return events


def _chunks(items: list, size: int = LOOKUP_CHUNK):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def write(conn, rows: list[dict], batch_id: int) -> tuple[int, int, int, set]:
    """Insert new tickets, update changed ones (rebuilding their events), count unchanged ones.

    A row is "changed" when its ``row_hash`` (SM3 of the business fields, ``ticket_row_hash``) differs from
    the stored one. Returns (inserted, updated, unchanged, months touched), the months of both the old and
    the new receipt time of every written ticket.
    """
    t = Ticket.__table__
    existing: dict[str, tuple[str, dt.date]] = {}
    for keys in _chunks([r["ticket_no"] for r in rows]):
        existing.update((no, (h, m)) for no, h, m in conn.execute(
            select(t.c.ticket_no, t.c.row_hash, t.c.received_month).where(t.c.ticket_no.in_(keys))))
    new, changed, months = [], [], set()
    for r in rows:
        r["row_hash"] = ticket_row_hash(r)
        old = existing.get(r["ticket_no"])
        if old is not None and old[0] == r["row_hash"]:
            continue
        r["received_month"] = month_of(r["received_at"])
        r["caller_phone_index"] = blind_index(r["caller_phone"], context=PHONE_CONTEXT) if r["caller_phone"] else None
        r["batch_id"] = batch_id
        months.add(r["received_month"])
        if old is None:
            new.append(r)
        else:
            changed.append(r)
            months.add(old[1])
    if new:
        conn.execute(insert(t), new)  # Core insert: the EncryptedString columns encrypt on bind
    if changed:
        columns = [c for c in (*HASHED_FIELDS, "row_hash", "received_month", "caller_phone_index", "batch_id")
                   if c != "ticket_no"]
        stmt = update(t).where(t.c.ticket_no == bindparam("key_")).values(
            {c: bindparam(c, type_=t.c[c].type) for c in columns})
        conn.execute(stmt, [{"key_": r["ticket_no"], **{c: r[c] for c in columns}} for r in changed])
        for keys in _chunks([r["ticket_no"] for r in changed]):
            conn.execute(delete(TicketEvent.__table__).where(TicketEvent.__table__.c.ticket_no.in_(keys)))
    # Events hold no encrypted column, so they may stream through COPY on PostgreSQL (db.bulk).
    bulk_insert(conn, TicketEvent.__table__, (e for r in new + changed for e in events_of(r)),
                ["ticket_no", "at", "action", "actor", "note"])
    return len(new), len(changed), len(rows) - len(new) - len(changed), months


def after_batch(conn, months: set) -> None:
    """Recompute the rollups of the months a batch touched (same transaction as the batch)."""
    if months:
        refresh_rollups(conn, sorted(months))


def _outside_shanghai(t):
    return and_(t.c.lon.is_not(None), or_(t.c.lat.is_(None), t.c.lon < BBOX["lon"][0], t.c.lon > BBOX["lon"][1],
                                          t.c.lat < BBOX["lat"][0], t.c.lat > BBOX["lat"][1]))


def _street_elsewhere(t):
    s = Street.__table__
    return and_(t.c.street_code.is_not(None),
                ~exists().where(s.c.code == t.c.street_code, s.c.district_code == t.c.district_code))


RANGE_CHECKS = {
    "坐标超出上海市范围": _outside_shanghai,
    "办结时间早于受理时间": lambda t: t.c.closed_at < t.c.received_at,
    "办理时限不晚于受理时间": lambda t: t.c.deadline_at <= t.c.received_at,
    "工单状态与办结时间不一致": lambda t: or_(and_(t.c.closed_at.is_not(None), t.c.status != CLOSED),
                                          and_(t.c.closed_at.is_(None), t.c.status == CLOSED)),
    "满意度不在允许范围": lambda t: and_(t.c.eval_satisfaction.is_not(None), t.c.eval_satisfaction.not_in(SATISFACTION)),
    "业务条线不在允许范围": lambda t: t.c.business_line.not_in(BUSINESS_LINES),
    "工单状态不在允许范围": lambda t: t.c.status.not_in(STATUSES),
    "街镇不属于所属区": _street_elsewhere,
}

DATASET = Dataset(
    name=NAME, title="12319 热线工单", columns=COLUMNS, natural_key="ticket_no", table=Ticket.__table__,
    base_model=TicketRules, prepare=prepare, write=write, after_batch=after_batch,
    core_fields=("received_at", "district_code", "street_code", "address", "lon", "lat", "business_line",
                 "category", "content", "deadline_at", "handling_unit", "status", "caller_phone"),
    range_checks=RANGE_CHECKS,
)


# ---------------------------------------------------------------- sample files (tests, benchmarks, demos)
HEADERS = [c.header for c in COLUMNS]
_CATEGORIES = {"市容环卫": ["垃圾清运", "道路保洁", "乱设摊"], "绿化林业": ["树木倒伏", "绿地养护", "病虫害"],
               "建设管理": ["工地噪声", "渣土运输"], "房屋管理": ["物业服务", "房屋漏水"], "燃气供应": ["燃气泄漏"],
               "供排水": ["停水", "积水"], "交通道路": ["道路破损"]}


def load_reference() -> list[tuple[str, str, float, float]]:
    """(district name, street name, lon, lat) of every street, from the reference tables."""
    from db import db

    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(
            select(District.name, Street.name, Street.lon, Street.lat)
            .join(District, District.code == Street.district_code).order_by(Street.code))]


def sample_rows(n: int, *, seed: int = 0, prefix: str = "S", start: dt.datetime = dt.datetime(2019, 1, 1),
                days: int = 365, reference: list | None = None) -> list[dict]:
    """``n`` valid export rows (Chinese headers → text), deterministic for a seed.

    Ticket numbers are ``{prefix}{i:07d}``; receipt times fall in ``days`` days from ``start``.
    """
    rng = random.Random(seed)
    streets = reference if reference is not None else load_reference()
    rows = []
    for i in range(n):
        district, street, lon, lat = streets[rng.randrange(len(streets))]
        line = rng.choice(BUSINESS_LINES)
        received = start + dt.timedelta(seconds=rng.randrange(days * 86400))
        urgency = rng.choice(URGENCIES)
        deadline = received + dt.timedelta(days={"一般": 15, "紧急": 5, "特急": 1}[urgency])
        dispatched = received + dt.timedelta(hours=rng.uniform(0.2, 6))
        status = rng.choice(STATUSES)
        done = STATUSES.index(status)
        replied = dispatched + dt.timedelta(hours=rng.uniform(1, 100)) if done >= 3 else None
        closed = (replied or dispatched) + dt.timedelta(hours=rng.uniform(1, 200)) if status == CLOSED else None
        evaluated = closed is not None and rng.random() < 0.7
        fmt = "%Y-%m-%d %H:%M:%S"
        rows.append({
            "工单编号": f"{prefix}{i:07d}", "受理时间": received.strftime(fmt), "来源渠道": rng.choice(CHANNELS),
            "来电人": rng.choice(["张伟", "王芳", "李娜", "刘洋", ""]),
            "联系电话": f"1{rng.choice('3589')}{rng.randrange(10 ** 9):09d}",
            "地址": f"{district}{street}{rng.randrange(1, 999)}号", "所属区": district, "所属街镇": street,
            "经度": f"{lon + rng.uniform(-0.01, 0.01):.6f}", "纬度": f"{lat + rng.uniform(-0.01, 0.01):.6f}",
            "业务条线": line, "问题大类": rng.choice(_CATEGORIES[line]), "问题小类": "",
            "诉求内容": f"市民反映{street}附近问题，请尽快处理（{i}）", "紧急程度": urgency,
            "是否督办": rng.choice(["是", "否", "否", "否"]), "是否热点": rng.choice(["是", "否", "否", "否", "否"]),
            "办理时限": deadline.strftime(fmt), "承办单位": f"{district}绿化市容局", "工单状态": status,
            "派单时间": dispatched.strftime(fmt) if done >= 1 else "",
            "回复时间": replied.strftime(fmt) if replied else "", "办结时间": closed.strftime(fmt) if closed else "",
            "先行联系": rng.choice(["是", "否"]) if evaluated else "",
            "是否解决": rng.choice(["是", "否"]) if evaluated else "",
            "满意度": rng.choice(SATISFACTION) if evaluated else "", "重复工单号": "",
        })
    return rows


def write_sample_csv(path: str | Path, n: int, encoding: str = "utf-8", *, delimiter: str = ",",
                     **options) -> Path:
    """Write ``n`` valid sample rows (see ``sample_rows``) as a CSV file in ``encoding``; returns the path."""
    path = Path(path)
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.DictWriter(fh, HEADERS, delimiter=delimiter)
        writer.writeheader()
        writer.writerows(sample_rows(n, **options))
    return path
