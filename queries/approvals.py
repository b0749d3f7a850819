"""Reads of the approvals statistics (issue 6), cached by the ``approvals`` data version.

Every count is aggregated in SQL (a few grouped selects over ``ap_case`` and ``ap_supervision_task``), so
the page stays fast at 300,000 cases. Working days per step come from ``ap_rollup_step``, which the engine
keeps as each step finishes (the days counted with ``analytics.workdays``). Every
function takes ``scope`` (the user's district, None for the whole city); a district-scoped user only
ever gets their own district, whatever district they ask for.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Date, and_, case, cast, func, literal, literal_column, select

from db import db
from db.approvals import Case, StepRollup, SupervisionTask
from db.reference import District
from queries import read_df, versioned
from queries.reference import effective_district
from workflow.approvals import STATES
from workflow.catalog import catalog

DATASET = "approvals"
RUNNING = ("in_progress", "parallel")
DECIDED = ("approved", "rejected")
# Literal SQL text (no bound parameters), so that the same expression can stand in SELECT and GROUP BY.
_SHANGHAI = literal_column("'Asia/Shanghai'")
STATE_ORDER = ["in_progress", "parallel", "returned", "suspended", "approved", "rejected", "not_accepted", "withdrawn",
               "terminated"]


def _local_day(col):
    """The Shanghai calendar day of a timestamp column, in SQL."""
    if db.engine.dialect.name == "postgresql":
        return cast(func.timezone(_SHANGHAI, col), Date)
    return func.date(col)


def _month(col):
    """'YYYY-MM' of a timestamp column (Shanghai time on PostgreSQL), in SQL."""
    if db.engine.dialect.name == "postgresql":
        return func.to_char(func.timezone(_SHANGHAI, col), literal_column("'YYYY-MM'"))
    return func.strftime(literal_column("'%Y-%m'"), col)


def _where(stmt, district: str | None, year: int | None, item: str | None, col=Case.submitted_at):
    """Filter by district, the year of ``col`` and item; components of composite cases are not counted."""
    stmt = stmt.where(Case.composite_parent_id.is_(None), Case.state != "draft")
    if district:
        stmt = stmt.where(Case.district_code == district)
    if item:
        stmt = stmt.where(Case.item_code == item)
    if year:
        start = dt.datetime(year, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
        end = dt.datetime(year + 1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
        stmt = stmt.where(col >= start, col < end)
    return stmt


def years() -> list[int]:
    """Years with submitted cases, newest first."""
    return _years()


@versioned(DATASET)
def _years() -> list[int]:
    df = read_df(select(func.min(Case.submitted_at).label("first"), func.max(Case.submitted_at).label("last")))
    if not len(df) or df["first"].iloc[0] is None:
        return []
    first, last = pd.Timestamp(df["first"].iloc[0]).year, pd.Timestamp(df["last"].iloc[0]).year
    return list(range(last, first - 1, -1))


def counts(year: int | None, *, item: str | None = None, district: str | None = None,
           scope: str | None = None, as_of: dt.date | None = None) -> pd.DataFrame:
    """Cases grouped by item, district, state and month, with on-time and overdue counts per group:
    columns item_code, district_code, state, month, n, decided, on_time, overdue."""
    return _counts(year, item, effective_district(district, scope), as_of or dt.date.today())


@versioned(DATASET)
def _counts(year: int | None, item: str | None, district: str | None, as_of: dt.date) -> pd.DataFrame:
    decided = and_(Case.state.in_(DECIDED), Case.decided_at.is_not(None), Case.due_date.is_not(None))
    due = func.coalesce(Case.due_date, Case.step_due)
    stmt = select(
        Case.item_code, Case.district_code, Case.state, _month(Case.submitted_at).label("month"),
        func.count().label("n"),
        func.sum(case((decided, 1), else_=0)).label("decided"),
        func.sum(case((and_(decided, _local_day(Case.decided_at) <= Case.due_date), 1), else_=0)).label("on_time"),
        func.sum(case((and_(Case.state.in_(RUNNING), due < literal(as_of)), 1), else_=0)).label("overdue"),
    ).group_by(Case.item_code, Case.district_code, Case.state, _month(Case.submitted_at))
    df = read_df(_where(stmt, district, year, item))
    for col in ("n", "decided", "on_time", "overdue"):
        df[col] = df[col].fillna(0).astype(int)
    return df


def summary(df: pd.DataFrame) -> dict:
    """Totals: cases, running, approved, overdue now, on-time completion rate (decided within the limit)."""
    n = int(df.n.sum()) if len(df) else 0
    by = df.groupby("state").n.sum() if len(df) else pd.Series(dtype=int)
    decided = int(df.decided.sum()) if len(df) else 0
    on_time = int(df.on_time.sum()) if len(df) else 0
    return {"cases": n, "running": int(by[by.index.isin(RUNNING)].sum()), "approved": int(by.get("approved", 0)),
            "overdue": int(df.overdue.sum()) if len(df) else 0, "decided": decided, "on_time": on_time,
            "on_time_rate": on_time / decided if decided else None}


def by_item(df: pd.DataFrame) -> pd.DataFrame:
    """Per item: name, cases, approved, overdue now, on-time rate; largest first."""
    names = {code: it.name for code, it in catalog().items()}
    return _by(df, "item_code", names)


def by_district(df: pd.DataFrame) -> pd.DataFrame:
    """Per district (official order): name, cases, approved, overdue now, on-time rate."""
    names = district_names()
    out = _by(df, "district_code", names)
    order = {code: i for i, code in enumerate(names)}
    return out.sort_values("code", key=lambda s: s.map(order)).reset_index(drop=True)


def _by(df: pd.DataFrame, col: str, names: dict[str, str]) -> pd.DataFrame:
    cols = ["code", "name", "cases", "approved", "overdue", "on_time_rate"]
    if not len(df):
        return pd.DataFrame(columns=cols)
    g = df.assign(approved=df.n.where(df.state == "approved", 0))
    out = g.groupby(col).agg(cases=("n", "sum"), approved=("approved", "sum"), overdue=("overdue", "sum"),
                             decided=("decided", "sum"), on_time=("on_time", "sum")).reset_index()
    out["on_time_rate"] = (out.on_time / out.decided).where(out.decided > 0)
    out = out.rename(columns={col: "code"})
    out["name"] = out.code.map(names).fillna(out.code)
    return out.sort_values("cases", ascending=False)[cols].reset_index(drop=True)


def by_state(df: pd.DataFrame) -> pd.DataFrame:
    """Cases per state in process order (state, label, n)."""
    totals = df.groupby("state").n.sum() if len(df) else pd.Series(dtype=int)
    return pd.DataFrame({"state": STATE_ORDER, "label": [STATES[s] for s in STATE_ORDER],
                         "n": [int(totals.get(s, 0)) for s in STATE_ORDER]})


def by_month(df: pd.DataFrame) -> pd.DataFrame:
    """Cases submitted per month ('YYYY-MM', n), in order."""
    if not len(df):
        return pd.DataFrame(columns=["month", "n"])
    return df.groupby("month").n.sum().reset_index().sort_values("month").reset_index(drop=True)


@versioned("reference")
def district_names() -> dict[str, str]:
    """District code → name, in the official order."""
    rows = read_df(select(District.code, District.name).order_by(District.sort_order))
    return dict(zip(rows.code, rows.name))


def step_days(year: int | None, *, item: str | None = None, district: str | None = None,
              scope: str | None = None) -> pd.DataFrame:
    """Average working days per finished step (label, steps, avg_days), slowest first."""
    return _step_days(year, item, effective_district(district, scope))


@versioned(DATASET)
def _step_days(year: int | None, item: str | None, district: str | None) -> pd.DataFrame:
    """From the step rollup (kept by the engine as steps finish): a few thousand rows, not every step."""
    t = StepRollup
    stmt = select(t.label, func.sum(t.steps).label("steps"), func.sum(t.work_days).label("days")).group_by(t.label)
    if district:
        stmt = stmt.where(t.district_code == district)
    if item:
        stmt = stmt.where(t.item_code == item)
    if year:
        stmt = stmt.where(t.month >= dt.date(year, 1, 1), t.month < dt.date(year + 1, 1, 1))
    out = read_df(stmt)
    if not len(out):
        return pd.DataFrame(columns=["label", "steps", "avg_days"])
    out["steps"] = out["steps"].astype(int)
    out["avg_days"] = (out["days"].astype(float) / out["steps"]).round(2)
    return (out[["label", "steps", "avg_days"]].sort_values(["avg_days", "label"], ascending=[False, True])
            .reset_index(drop=True))


def supervision(year: int | None, *, district: str | None = None, scope: str | None = None) -> dict:
    """Supervision tasks created in ``year``: total, open, rectifying, closed, closure rate."""
    return _supervision(year, effective_district(district, scope))


@versioned(DATASET)
def _supervision(year: int | None, district: str | None) -> dict:
    stmt = select(SupervisionTask.state, func.count().label("n")).group_by(SupervisionTask.state)
    if district:
        stmt = stmt.where(SupervisionTask.district_code == district)
    if year:
        tz = dt.timezone(dt.timedelta(hours=8))
        stmt = stmt.where(SupervisionTask.created_at >= dt.datetime(year, 1, 1, tzinfo=tz),
                          SupervisionTask.created_at < dt.datetime(year + 1, 1, 1, tzinfo=tz))
    df = read_df(stmt)
    by = dict(zip(df.state, df.n.astype(int))) if len(df) else {}
    total = sum(by.values())
    return {"tasks": total, "open": by.get("open", 0), "rectifying": by.get("rectifying", 0),
            "closed": by.get("closed", 0), "closure_rate": by.get("closed", 0) / total if total else None}
