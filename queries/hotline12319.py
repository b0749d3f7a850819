"""Reads of the 12319 board: per-chart rollups (cached by data version) and the few raw-ticket lists.

Every function takes ``scope`` (the user's district, None for the whole city): a district-scoped user
only ever gets rows of their district, whatever the filters ask for.
"""
from __future__ import annotations

from datetime import date, datetime

import pandas as pd
from sqlalchemy import func, select

from analytics.rates import COUNT_COLUMNS, with_rates
from db import db
from db.hotline12319 import RollupCategory, RollupLine, RollupStreet, Ticket, TicketEvent
from db.reference import District, Street
from queries import read_df, versioned
from queries.reference import effective_district
from security.columns import mask

DATASET = "hotline12319"
PERIODS = {"1m": ("近 1 个月", 1), "3m": ("近 3 个月", 3), "12m": ("近 12 个月", 12), "36m": ("近 3 年", 36)}


@versioned(DATASET)
def data_span() -> dict:
    """First and last month with tickets, and the newest receipt time (the boards' "now")."""
    row = read_df(select(func.min(Ticket.received_month).label("first"), func.max(Ticket.received_month).label("last"),
                         func.max(Ticket.received_at).label("as_of"))).iloc[0]
    if pd.isna(row["last"]):
        return {"first": None, "last": None, "as_of": None}
    return {"first": pd.Timestamp(row["first"]).date(), "last": pd.Timestamp(row["last"]).date(),
            "as_of": pd.Timestamp(row["as_of"]).to_pydatetime()}


def period_months(period: str) -> tuple[date | None, date | None]:
    """(first month, last month) of a period ending at the data's last month."""
    span = data_span()
    if span["last"] is None:
        return None, None
    months = PERIODS.get(period, PERIODS["12m"])[1]
    last = span["last"]
    first = (pd.Timestamp(last) - pd.DateOffset(months=months - 1)).date()
    return max(first, span["first"]), last


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    """Months as datetime64 and strings as categories: filters and group-bys stay vectorised."""
    df["month"] = pd.to_datetime(df["month"])
    for col in ("district_code", "business_line", "category", "street_code", "street"):
        if col in df.columns:
            df[col] = df[col].astype("category")
    return df


@versioned(DATASET)
def _line_rollup() -> pd.DataFrame:
    return _typed(read_df(select(RollupLine)))


def _where(stmt, month, first, last, lines, district):
    """The period (on the ``month`` column), line and district filters, on the table of ``month``."""
    t = month.class_
    if first is not None:
        stmt = stmt.where(month >= first, month <= last)
    if lines:
        stmt = stmt.where(t.business_line.in_(lines))
    if district:
        stmt = stmt.where(t.district_code == district)
    return stmt


@versioned(DATASET)
def _category_totals(first, last, lines: tuple, district) -> pd.DataFrame:
    """Counts per (line, category) summed in SQL: the category rollup has ~20,000 rows at city scale, and
    reading it whole cost ~100 ms where the grouped answer costs ~5 ms."""
    t = RollupCategory
    stmt = select(t.business_line, t.category, *[func.sum(getattr(t, c)).label(c) for c in COUNT_COLUMNS])
    df = read_df(_where(stmt, t.month, first, last, lines, district).group_by(t.business_line, t.category))
    for col in COUNT_COLUMNS:
        df[col] = pd.to_numeric(df[col]).astype("float64")
    return df


@versioned(DATASET, "reference")
def _street_rollup(district_code: str) -> pd.DataFrame:
    return _typed(read_df(select(RollupStreet, Street.name.label("street"))
                          .join(Street, Street.code == RollupStreet.street_code)
                          .where(RollupStreet.district_code == district_code)))


@versioned("reference")
def _district_names() -> dict[str, str]:
    df = read_df(select(District.code, District.name).order_by(District.sort_order))
    return dict(zip(df.code, df.name))


def _filter(df: pd.DataFrame, first, last, lines, district) -> pd.DataFrame:
    mask = pd.Series(True, index=df.index)
    if first is not None:
        mask &= (df["month"] >= pd.Timestamp(first)) & (df["month"] <= pd.Timestamp(last))
    if lines:
        mask &= df["business_line"].isin(lines)
    if district:
        mask &= df["district_code"] == district
    return df[mask]


def _grouped(df: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    if df.empty:
        return with_rates(pd.DataFrame(columns=by + COUNT_COLUMNS).astype({c: "float64" for c in COUNT_COLUMNS}))
    out = df.groupby(by, as_index=False, observed=True)[COUNT_COLUMNS].sum()
    for col in by:
        if isinstance(out[col].dtype, pd.CategoricalDtype):
            out[col] = out[col].astype(str)
    return with_rates(out)


def summary(first, last, lines=None, district=None, *, scope=None) -> pd.DataFrame:
    """One row of summed counts and rates for the filters."""
    df = _filter(_line_rollup(), first, last, lines, effective_district(district, scope))
    totals = df[COUNT_COLUMNS].sum().to_frame().T
    return with_rates(totals)


def by_district(first, last, lines=None, *, scope=None) -> pd.DataFrame:
    """Counts and rates per district (code, name, …) in the official order."""
    df = _filter(_line_rollup(), first, last, lines, effective_district(None, scope))
    out = _grouped(df, ["district_code"])
    names = _district_names()
    out["name"] = out["district_code"].map(names)
    order = {c: i for i, c in enumerate(names)}
    return out.sort_values("district_code", key=lambda s: s.map(order)).reset_index(drop=True)


def by_line(first, last, district=None, *, scope=None) -> pd.DataFrame:
    """Counts and rates per business line, largest first."""
    df = _filter(_line_rollup(), first, last, None, effective_district(district, scope))
    return _grouped(df, ["business_line"]).sort_values("received", ascending=False).reset_index(drop=True)


def by_category(first, last, lines=None, district=None, *, scope=None, n: int = 15) -> pd.DataFrame:
    """The ``n`` largest categories (with their line) for the filters."""
    out = with_rates(_category_totals(first, last, tuple(lines or ()), effective_district(district, scope)))
    return (out.sort_values(["received", "business_line", "category"], ascending=[False, True, True])
            .head(n).reset_index(drop=True))


def by_street(district: str, first, last, lines=None, *, scope=None) -> pd.DataFrame:
    """Counts and rates per street of one district (a scoped user gets their own district)."""
    district = effective_district(district, scope)
    df = _street_rollup(district)
    df = _filter(df, first, last, lines, None)
    out = _grouped(df, ["street_code", "street"])
    return out.sort_values("received", ascending=False).reset_index(drop=True)


def monthly(first, last, lines=None, district=None, *, scope=None) -> pd.DataFrame:
    """Counts and rates per month."""
    df = _filter(_line_rollup(), first, last, lines, effective_district(district, scope))
    return _grouped(df, ["month"]).sort_values("month").reset_index(drop=True)


def monthly_by_line(first, last, district=None, *, scope=None) -> pd.DataFrame:
    """Received tickets per month and business line."""
    df = _filter(_line_rollup(), first, last, None, effective_district(district, scope))
    return _grouped(df, ["month", "business_line"]).sort_values("month").reset_index(drop=True)


# ------------------------------------------------------------------------------ raw tickets (tracking)
TICKET_COLUMNS = [Ticket.ticket_no, Ticket.received_at, Ticket.district_code, District.name.label("district"),
                  Ticket.business_line, Ticket.category, Ticket.subcategory, Ticket.urgency, Ticket.status,
                  Ticket.deadline_at, Ticket.closed_at, Ticket.handling_unit, Ticket.content, Ticket.hot,
                  Ticket.supervised, Ticket.address]


def _raw_filters(stmt, first, last, lines, district):
    return _where(stmt, Ticket.received_month, first, last, lines, district)


def _with_overdue(df: pd.DataFrame, as_of: datetime | None) -> pd.DataFrame:
    df["received_at"] = pd.to_datetime(df["received_at"])
    df["deadline_at"] = pd.to_datetime(df["deadline_at"])
    df["closed_at"] = pd.to_datetime(df["closed_at"])
    now = pd.Timestamp(as_of) if as_of else pd.Timestamp.now()
    finished = df["closed_at"].fillna(now)
    df["overdue"] = finished > df["deadline_at"]
    return df


@versioned(DATASET, "reference")
def supervised_tickets(first, last, lines: tuple = (), district=None, limit: int = 200) -> pd.DataFrame:
    """Supervised (督办) tickets, newest first, with an ``overdue`` flag (late closure or open past deadline)."""
    stmt = (select(*TICKET_COLUMNS).join(District, District.code == Ticket.district_code)
            .where(Ticket.supervised.is_(True)).order_by(Ticket.received_at.desc()).limit(limit))
    return _with_overdue(read_df(_raw_filters(stmt, first, last, list(lines), district)), data_span()["as_of"])


@versioned(DATASET, "reference")
def hot_tickets(first, last, lines: tuple = (), district=None, limit: int = 20) -> pd.DataFrame:
    """Hot (热点) tickets ranked by how many repeat tickets point at them, then by recency."""
    # One index probe (ix_hotline12319_ticket_repeat_of) per hot ticket of the period, not a group-by over
    # every repeat in the table: ~10 ms instead of ~180 ms at city scale on PostgreSQL.
    repeat = Ticket.__table__.alias("repeat")
    repeats = (select(func.count()).select_from(repeat).where(repeat.c.repeat_of == Ticket.ticket_no)
               .correlate(Ticket).scalar_subquery().label("repeats"))
    stmt = (select(*TICKET_COLUMNS, repeats)
            .join(District, District.code == Ticket.district_code)
            .where(Ticket.hot.is_(True))
            .order_by(repeats.desc(), Ticket.received_at.desc()).limit(limit))
    return _with_overdue(read_df(_raw_filters(stmt, first, last, list(lines), district)), data_span()["as_of"])


def supervised(first, last, lines=None, district=None, *, scope=None, limit: int = 200) -> pd.DataFrame:
    """Scope-enforced supervised tickets (see ``supervised_tickets``)."""
    return supervised_tickets(first, last, tuple(lines or ()), effective_district(district, scope), limit)


def hot(first, last, lines=None, district=None, *, scope=None, limit: int = 20) -> pd.DataFrame:
    """Scope-enforced hot-ticket ranking (see ``hot_tickets``)."""
    return hot_tickets(first, last, tuple(lines or ()), effective_district(district, scope), limit)


def timeline(ticket_no: str, *, scope=None) -> pd.DataFrame:
    """The events of one ticket in time order (empty when the ticket is outside the user's district)."""
    stmt = (select(TicketEvent.at, TicketEvent.action, TicketEvent.actor, TicketEvent.note)
            .join(Ticket, Ticket.ticket_no == TicketEvent.ticket_no)
            .where(TicketEvent.ticket_no == ticket_no).order_by(TicketEvent.at, TicketEvent.id))
    if scope:
        stmt = stmt.where(Ticket.district_code == scope)
    df = read_df(stmt)
    df["at"] = pd.to_datetime(df["at"])
    return df


def ticket_detail(ticket_no: str, *, scope=None, may_see: bool = False) -> dict | None:
    """One ticket's caller and complaint, the caller's name and phone masked unless ``may_see`` (module 258);
    None when the ticket does not exist or lies outside the user's district. Never cached: it is per user."""
    stmt = select(Ticket).where(Ticket.ticket_no == ticket_no)
    if scope:
        stmt = stmt.where(Ticket.district_code == scope)
    with db.session() as s:
        t = s.scalars(stmt).first()
        if t is None:
            return None
        return {"ticket_no": t.ticket_no, "caller_name": mask("name", t.caller_name, may_see=may_see),
                "caller_phone": mask("phone", t.caller_phone, may_see=may_see), "address": t.address,
                "category": f"{t.category} / {t.subcategory}" if t.subcategory else t.category,
                "content": t.content, "urgency": t.urgency, "channel": t.channel}


OPEN_STATUSES = ["已受理", "已派单", "处理中", "已回复"]


def open_overdue_count(lines=None, district=None, *, scope=None) -> int:
    """Tickets not closed whose deadline has passed (as of the newest receipt)."""
    return _open_overdue(tuple(lines or ()), effective_district(district, scope))


@versioned(DATASET)
def _open_overdue(lines: tuple, district: str | None) -> int:
    as_of = data_span()["as_of"]
    if as_of is None:
        return 0
    stmt = (select(func.count()).select_from(Ticket)
            .where(Ticket.status.in_(OPEN_STATUSES), Ticket.deadline_at < as_of))  # uses ix_h12319_open_deadline
    return int(read_df(_raw_filters(stmt, None, None, list(lines), district)).iloc[0, 0])
