"""Reads of the green-space construction board (modules 226–229): aggregates computed in SQL (projects, and
the patrol, problem and event rollups) with every filter in the WHERE clause, each result memoised per filter
combination and data version; plus the raw event list for the multi-dimensional query.

Every function takes ``scope`` (the user's district): a district-scoped user only ever gets their district.
"""
from __future__ import annotations

import json
from datetime import date

import pandas as pd
from sqlalchemy import func, select

from analytics.greenspace import ratio, scalar_ratio, with_event_rates, with_patrol_rates
from db.greenspace import Project, RollupEvent, RollupPatrol, RollupProblem, SupervisionEvent
from db.reference import District
from queries import read_df, versioned
from queries.reference import effective_district

DATASET = "greenspace"
PERIODS = {"1m": ("近 1 个月", 1), "3m": ("近 3 个月", 3), "12m": ("近 12 个月", 12), "24m": ("近 2 年", 24)}
PATROL_COUNTS = ["sites", "sites_patrolled", "patrols", "problems", "rectified", "rectified_on_time"]
EVENT_COUNTS = ["events", "closed", "closed_on_time"]
STATUS_COLORS = {"前期": "#9aa5b1", "在建": "#f0a030", "完工": "#3b82c4", "已开放": "#2f9e6e"}


@versioned(DATASET)
def month_span() -> dict:
    """First and last month of patrols and events (the board's window)."""
    row = read_df(select(func.min(RollupPatrol.month).label("first"), func.max(RollupPatrol.month).label("last"))).iloc[0]
    if pd.isna(row["last"]):
        return {"first": None, "last": None}
    return {"first": pd.Timestamp(row["first"]).date(), "last": pd.Timestamp(row["last"]).date()}


def period_months(period: str) -> tuple[date | None, date | None]:
    """(first month, last month) of a period ending at the data's last month."""
    span = month_span()
    if span["last"] is None:
        return None, None
    months = PERIODS.get(period, PERIODS["12m"])[1]
    first = (pd.Timestamp(span["last"]) - pd.DateOffset(months=months - 1)).date()
    return max(first, span["first"]), span["last"]


@versioned("reference")
def district_names() -> dict[str, str]:
    """District code → name in the official order."""
    df = read_df(select(District.code, District.name).order_by(District.sort_order))
    return dict(zip(df.code, df.name))


# ------------------------------------------------------------------------------------------ projects (226, 227)

PROJECT_FIELDS = [c for c in Project.__table__.c if c.name != "boundary"]


def _project_filter(stmt, programs: tuple, district, status):
    stmt = stmt.where(Project.program.in_(programs))
    if district:
        stmt = stmt.where(Project.district_code == district)
    if status:
        stmt = stmt.where(Project.status == status)
    return stmt


def _project_args(programs, district, status, scope) -> tuple:
    """The memo key of a project query: programmes as a tuple, the scope folded into the district."""
    return tuple(programs or ()), effective_district(district, scope), status or None


def projects(programs, district=None, status=None, *, scope=None) -> pd.DataFrame:
    """Projects of ``programs`` (and district, status), with the district's name, without outlines."""
    return _projects(*_project_args(programs, district, status, scope))


@versioned(DATASET, "reference")
def _projects(programs: tuple, district, status) -> pd.DataFrame:
    stmt = (select(*PROJECT_FIELDS, District.name.label("district"))
            .join(District, District.code == Project.district_code)
            .order_by(Project.program, Project.district_code, Project.project_no))
    df = read_df(_project_filter(stmt, programs, district, status))
    df["start_date"] = pd.to_datetime(df["start_date"])
    df["planned_end"] = pd.to_datetime(df["planned_end"])
    return df


def project_features(programs, district=None, status=None, *, scope=None) -> dict:
    """Project outlines as a FeatureCollection styled by status (``color``), with a tooltip."""
    return _project_features(*_project_args(programs, district, status, scope))


@versioned(DATASET)
def _project_features(programs: tuple, district, status) -> dict:
    p = Project
    stmt = (select(p.project_no, p.name, p.status, p.progress, p.planned_area_ha, p.boundary)
            .order_by(p.program, p.district_code, p.project_no))
    features = [{"type": "Feature", "geometry": json.loads(r.boundary),
                 "properties": {"code": r.project_no, "name": r.name, "status": r.status,
                                "color": STATUS_COLORS[r.status],
                                "tooltip": f"{r.name}（{r.status}，进度 {r.progress * 100:.0f}%，{r.planned_area_ha:.1f} 公顷）"}}
                for r in read_df(_project_filter(stmt, programs, district, status)).itertuples()]
    return {"type": "FeatureCollection", "features": features}


def _project_sums(*keys):
    """Projects, planned and completed area, Σ progress × planned area, investment, grouped by ``keys``."""
    p = Project
    return select(*keys, func.count().label("projects"), func.sum(p.planned_area_ha).label("planned_ha"),
                  func.sum(p.completed_area_ha).label("completed_ha"),
                  func.sum(p.progress * p.planned_area_ha).label("progress_area"),
                  func.sum(p.investment_wan).label("investment_wan")).group_by(*keys)


def project_summary(programs, district=None, status=None, *, scope=None) -> dict:
    """Projects, planned and completed area, area-weighted progress, investment, and projects per status."""
    return _project_summary(*_project_args(programs, district, status, scope))


@versioned(DATASET)
def _project_summary(programs: tuple, district, status) -> dict:
    df = read_df(_project_filter(_project_sums(Project.status), programs, district, status))
    planned, completed = float(df.planned_ha.sum()), float(df.completed_ha.sum())
    counts = dict(zip(df.status, df.projects))
    return {"projects": int(df.projects.sum()), "planned_ha": planned, "completed_ha": completed,
            # area-weighted progress Σ(progress × planned) / Σ planned, summed per status in SQL
            "progress": scalar_ratio(float(df.progress_area.sum()), planned),
            "completion": scalar_ratio(completed, planned),
            "investment_yi": float(df.investment_wan.sum()) / 10_000,
            "by_status": {s: int(counts.get(s, 0)) for s in STATUS_COLORS}}


def projects_by_district(programs, status=None, *, scope=None) -> pd.DataFrame:
    """Per district (official order): projects, planned and completed area, area-weighted progress."""
    return _projects_by_district(*_project_args(programs, None, status, scope))


@versioned(DATASET, "reference")
def _projects_by_district(programs: tuple, district, status) -> pd.DataFrame:
    stmt = (_project_sums(Project.district_code, District.name.label("district"), District.sort_order)
            .join(District, District.code == Project.district_code).order_by(District.sort_order))
    df = read_df(_project_filter(stmt, programs, district, status))
    df["projects"] = df.projects.astype(int)
    df["progress"] = ratio(df.progress_area, df.planned_ha)
    return df[["district_code", "district", "projects", "planned_ha", "completed_ha", "progress"]]


def projects_by_program(programs, district=None, *, scope=None) -> pd.DataFrame:
    """Per programme and status: projects (for the status chart)."""
    return _projects_by_program(*_project_args(programs, district, None, scope))


@versioned(DATASET)
def _projects_by_program(programs: tuple, district, status) -> pd.DataFrame:
    p = Project
    stmt = (select(p.program, p.status, func.count().label("projects")).group_by(p.program, p.status)
            .order_by(p.program, p.status))
    df = read_df(_project_filter(stmt, programs, district, status))
    df["projects"] = df.projects.astype(int)
    return df


# ------------------------------------------------------------------------------------------ patrols (228)

PATROL_DIMENSIONS = ("district_code", "unit", "month")
EVENT_DIMENSIONS = ("event_type", "status", "district_code", "unit", "month")


def _window(stmt, table, first, last, district):
    """``stmt`` narrowed to the months [first, last] and the district (primary keys lead with month)."""
    if first is not None:
        stmt = stmt.where(table.month >= first, table.month <= last)
    if district:
        stmt = stmt.where(table.district_code == district)
    return stmt


def _sums(table, columns: list[str]) -> list:
    return [func.coalesce(func.sum(getattr(table, c)), 0).label(c) for c in columns]


def _months(df: pd.DataFrame) -> pd.DataFrame:
    if "month" in df.columns:
        df["month"] = pd.to_datetime(df["month"])
    return df


def _ints(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    for c in columns:
        df[c] = df[c].astype("int64")
    return df


def patrol_summary(first, last, district=None, *, scope=None) -> dict:
    """Summed patrol counts with coverage, rectification and on-time rectification rates."""
    return _patrol_summary(first, last, effective_district(district, scope))


@versioned(DATASET)
def _patrol_summary(first, last, district) -> dict:
    df = _ints(read_df(_window(select(*_sums(RollupPatrol, PATROL_COUNTS)), RollupPatrol, first, last, district)),
               PATROL_COUNTS)
    return {k: float(v) for k, v in with_patrol_rates(df).iloc[0].items()}


def patrol_by(dimension: str, first, last, district=None, *, scope=None) -> pd.DataFrame:
    """Patrol counts and rates per ``district_code``, ``unit`` or ``month`` (districts named, months sorted)."""
    if dimension not in PATROL_DIMENSIONS:
        raise ValueError(f"unknown patrol dimension: {dimension}")
    return _patrol_by(dimension, first, last, effective_district(district, scope))


@versioned(DATASET, "reference")
def _patrol_by(dimension, first, last, district) -> pd.DataFrame:
    t = RollupPatrol
    keys = [getattr(t, dimension)] if dimension != "unit" else [t.unit, t.district_code]
    stmt = select(*keys, *_sums(t, PATROL_COUNTS)).group_by(*keys).order_by(*keys)
    out = with_patrol_rates(_ints(_months(read_df(_window(stmt, t, first, last, district))), PATROL_COUNTS))
    if "district_code" in out.columns:
        out["district"] = out.district_code.map(district_names())
    return out


def problems_by_type(first, last, district=None, *, scope=None) -> pd.DataFrame:
    """Problems found and rectified per problem type, most frequent first."""
    return _problems_by_type(first, last, effective_district(district, scope))


@versioned(DATASET)
def _problems_by_type(first, last, district) -> pd.DataFrame:
    t = RollupProblem
    found = func.sum(t.problems)
    stmt = (select(t.problem_type, *_sums(t, ["problems", "rectified"])).group_by(t.problem_type)
            .order_by(found.desc(), t.problem_type))
    out = _ints(read_df(_window(stmt, t, first, last, district)), ["problems", "rectified"])
    out["rectification_rate"] = ratio(out.rectified, out.problems)
    return out


# ------------------------------------------------------------------------------------------ events (229)


def _event_args(first, last, district, types, statuses, units, scope) -> tuple:
    return (first, last, effective_district(district, scope), tuple(types or ()), tuple(statuses or ()),
            tuple(units or ()))


def _event_filter(stmt, table, first, last, district, types: tuple, statuses: tuple, units: tuple):
    stmt = _window(stmt, table, first, last, district)
    if types:
        stmt = stmt.where(table.event_type.in_(types))
    if statuses:
        stmt = stmt.where(table.status.in_(statuses))
    if units:
        stmt = stmt.where(table.unit.in_(units))
    return stmt


def event_summary(first, last, district=None, types=None, statuses=None, units=None, *, scope=None) -> dict:
    """Events, closed, closed on time, and the closure rates, for the filters."""
    return _event_summary(*_event_args(first, last, district, types, statuses, units, scope))


@versioned(DATASET)
def _event_summary(first, last, district, types, statuses, units) -> dict:
    t = RollupEvent
    df = _ints(read_df(_event_filter(select(*_sums(t, EVENT_COUNTS)), t, first, last, district, types, statuses,
                                     units)), EVENT_COUNTS)
    out = {k: float(v) for k, v in with_event_rates(df).iloc[0].items()}
    out["open"] = out["events"] - out["closed"]
    return out


def events_by(dimension: str, first, last, district=None, types=None, statuses=None, units=None, *,
              scope=None) -> pd.DataFrame:
    """Event counts and rates per ``event_type``, ``status``, ``district_code``, ``unit`` or ``month``."""
    if dimension not in EVENT_DIMENSIONS:
        raise ValueError(f"unknown event dimension: {dimension}")
    return _events_by(dimension, *_event_args(first, last, district, types, statuses, units, scope))


@versioned(DATASET, "reference")
def _events_by(dimension, first, last, district, types, statuses, units) -> pd.DataFrame:
    t = RollupEvent
    key = getattr(t, dimension)
    order = [key] if dimension == "month" else [func.sum(t.events).desc(), key]
    stmt = select(key, *_sums(t, EVENT_COUNTS)).group_by(key).order_by(*order)
    out = with_event_rates(_ints(_months(read_df(_event_filter(stmt, t, first, last, district, types, statuses,
                                                               units))), EVENT_COUNTS))
    if dimension == "district_code":
        out["district"] = out.district_code.map(district_names())
    return out


def event_units(district=None, *, scope=None) -> list[str]:
    """Responsible units that have events (the unit filter's options)."""
    return _event_units(effective_district(district, scope))


@versioned(DATASET)
def _event_units(district) -> list[str]:
    t = RollupEvent
    stmt = _window(select(t.unit).distinct().order_by(t.unit), t, None, None, district)
    return read_df(stmt).unit.tolist()


EVENT_COLUMNS = [SupervisionEvent.event_no, SupervisionEvent.reported_at, District.name.label("district"),
                 SupervisionEvent.event_type, SupervisionEvent.source, SupervisionEvent.unit, SupervisionEvent.status,
                 SupervisionEvent.location, SupervisionEvent.description, SupervisionEvent.deadline_at,
                 SupervisionEvent.closed_at]


def event_list(first, last, district=None, types=None, statuses=None, units=None, *, scope=None,
               limit: int = 1000) -> pd.DataFrame:
    """Events for the filters, newest first (at most ``limit``), with an ``overdue`` flag."""
    return _event_list(first, last, effective_district(district, scope), tuple(types or ()), tuple(statuses or ()),
                       tuple(units or ()), limit)


@versioned(DATASET, "reference")
def _event_list(first, last, district, types: tuple, statuses: tuple, units: tuple, limit: int) -> pd.DataFrame:
    e = SupervisionEvent
    stmt = (select(*EVENT_COLUMNS).join(District, District.code == e.district_code)
            .order_by(e.reported_at.desc()).limit(limit))
    if first is not None:
        stmt = stmt.where(e.month >= first, e.month <= last)  # ix_greenspace_event_month_district
    if district:
        stmt = stmt.where(e.district_code == district)
    if types:
        stmt = stmt.where(e.event_type.in_(types))
    if statuses:
        stmt = stmt.where(e.status.in_(statuses))
    if units:
        stmt = stmt.where(e.unit.in_(units))
    df = read_df(stmt)
    for col in ("reported_at", "deadline_at", "closed_at"):
        df[col] = pd.to_datetime(df[col])
    as_of = df.reported_at.max() if len(df) else pd.Timestamp.now()
    df["overdue"] = df.closed_at.fillna(as_of) > df.deadline_at
    return df
