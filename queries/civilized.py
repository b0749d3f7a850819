"""Reads of the civilized-units statistics (modules 18, 19), cached by the ``civilized`` data version.

Applications number a few thousand per cycle, so the application counts group the (indexed) raw rows;
the indicator averages come from ``civ_rollup_indicator``. Every function takes ``scope`` (the user's
district, None for the whole city) and a district-scoped user only ever gets their district's units.
"""
from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select

from db.civilized import (KINDS, NATURES, Application, Cycle, Indicator, IndicatorVersion, RollupIndicator, Score,
                          Unit)
from db.reference import District
from queries import read_df, versioned
from queries.reference import effective_district
from workflow.civilized import STATES, STAGE_ORDER

DATASET = "civilized"
# Application states grouped for the pass/elimination figures.
PRE_REVIEWED = {"rejected", "pre_approved", "self_assessment", "submitted", "consultation", "material_assoc",
                "comprehensive", "awarded", "eliminated"}
PRE_PASSED = PRE_REVIEWED - {"rejected"}
DIMENSIONS = {"industry": "行业", "district": "区", "nature": "单位性质"}


@versioned(DATASET)
def cycles() -> pd.DataFrame:
    """Cycles (id, name, start_year), newest first."""
    return read_df(select(Cycle.id, Cycle.name, Cycle.start_year).order_by(Cycle.start_year.desc(), Cycle.id.desc()))


def default_cycle() -> int | None:
    """The newest cycle with applications that reached a decision, else the newest cycle."""
    decided = _decided_cycles()
    if decided:
        return decided[0]
    c = cycles()
    return int(c.id.iloc[0]) if len(c) else None


@versioned(DATASET)
def _decided_cycles() -> list[int]:
    # Cycles still in pre-application have only a handful of decided units: prefer closed ones.
    rows = read_df(select(Application.cycle_id).where(Application.state.in_(["awarded", "eliminated"]))
                   .join(Cycle, Cycle.id == Application.cycle_id)
                   .group_by(Application.cycle_id, Cycle.start_year, Cycle.pre_open)
                   .order_by(Cycle.pre_open, Cycle.start_year.desc()))
    return [int(x) for x in rows.cycle_id]


def applications(cycle_id: int | None, *, district: str | None = None, scope: str | None = None) -> pd.DataFrame:
    """Counts of applications by cycle, state, kind, nature, industry and district (one cycle or all)."""
    return _applications(cycle_id, effective_district(district, scope))


@versioned(DATASET)
def _applications(cycle_id: int | None, district: str | None) -> pd.DataFrame:
    stmt = (select(Application.cycle_id, Application.state, Application.kind, Unit.nature, Unit.industry,
                   Unit.district_code, District.name.label("district"), func.count().label("n"))
            .join(Unit, Unit.id == Application.unit_id).join(District, District.code == Unit.district_code)
            .group_by(Application.cycle_id, Application.state, Application.kind, Unit.nature, Unit.industry,
                      Unit.district_code, District.name))
    if cycle_id is not None:
        stmt = stmt.where(Application.cycle_id == cycle_id)
    if district:
        stmt = stmt.where(Unit.district_code == district)
    df = read_df(stmt)
    df["state_label"] = df.state.map(STATES)
    df["nature_label"] = df.nature.map(NATURES)
    df["kind_label"] = df.kind.map(KINDS)
    return df


def summary(df: pd.DataFrame) -> dict:
    """Totals and rates of a set of applications: applied, pre-review pass rate, award and elimination rates."""
    n = int(df.n.sum()) if len(df) else 0
    by = df.groupby("state").n.sum() if len(df) else pd.Series(dtype=int)
    reviewed = int(by[by.index.isin(PRE_REVIEWED)].sum())
    passed = int(by[by.index.isin(PRE_PASSED)].sum())
    awarded, eliminated = int(by.get("awarded", 0)), int(by.get("eliminated", 0))
    decided = awarded + eliminated
    return {"applications": n, "awarded": awarded, "eliminated": eliminated, "decided": decided,
            "pre_pass_rate": passed / reviewed if reviewed else None,
            "award_rate": awarded / decided if decided else None,
            "elimination_rate": eliminated / decided if decided else None}


def by_stage(df: pd.DataFrame) -> pd.DataFrame:
    """Applications per state in process order (state label, count)."""
    counts = df.groupby("state").n.sum() if len(df) else pd.Series(dtype=int)
    return pd.DataFrame({"state": STAGE_ORDER, "label": [STATES[s] for s in STAGE_ORDER],
                         "n": [int(counts.get(s, 0)) for s in STAGE_ORDER]})


def by_dimension(df: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """Per industry / district / nature: applications, awarded, eliminated, award and elimination rates."""
    col = {"industry": "industry", "district": "district", "nature": "nature_label"}[dimension]
    if not len(df):
        return pd.DataFrame(columns=["name", "applications", "awarded", "eliminated", "award_rate", "elimination_rate"])
    g = df.assign(awarded=df.n.where(df.state == "awarded", 0), eliminated=df.n.where(df.state == "eliminated", 0))
    out = g.groupby(col, observed=True).agg(applications=("n", "sum"), awarded=("awarded", "sum"),
                                            eliminated=("eliminated", "sum")).reset_index().rename(columns={col: "name"})
    decided = out.awarded + out.eliminated
    out["award_rate"] = (out.awarded / decided).where(decided > 0)
    out["elimination_rate"] = (out.eliminated / decided).where(decided > 0)
    return out.sort_values("applications", ascending=False).reset_index(drop=True)


def by_cycle(*, district: str | None = None, scope: str | None = None) -> pd.DataFrame:
    """Per cycle: applications, awarded, eliminated and the rates (for the trend chart)."""
    df = applications(None, district=district, scope=scope)
    names = cycles().set_index("id")
    rows = []
    for cid in sorted(names.index, key=lambda c: names.loc[c, "start_year"]):
        part = df[df.cycle_id == cid]
        rows.append({"cycle": names.loc[cid, "name"], **summary(part)})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------------------ module 19
def scored_units(cycle_id: int, *, scope: str | None = None) -> pd.DataFrame:
    """Applications of a cycle that have reviewer scores (application id, unit name, final score)."""
    return _scored_units(cycle_id, effective_district(None, scope))


@versioned(DATASET)
def _scored_units(cycle_id: int, district: str | None) -> pd.DataFrame:
    has_scores = select(Score.application_id).where(Score.stage.in_(["association", "bureau"])).distinct()
    stmt = (select(Application.id, Unit.name, Unit.industry, Application.final_score, Application.rank,
                   Application.state)
            .join(Unit, Unit.id == Application.unit_id)
            .where(Application.cycle_id == cycle_id, Application.id.in_(has_scores))
            .order_by(Application.final_score.desc().nullslast(), Unit.name))
    if district:
        stmt = stmt.where(Unit.district_code == district)
    return read_df(stmt)


@versioned(DATASET)
def indicators(cycle_id: int) -> pd.DataFrame:
    """The cycle's published indicators (id, category, code, name, max_score, weight), in order."""
    newest = (select(func.max(IndicatorVersion.id)).where(IndicatorVersion.cycle_id == cycle_id,
                                                          IndicatorVersion.published.is_(True)).scalar_subquery())
    return read_df(select(Indicator.id, Indicator.category, Indicator.code, Indicator.name, Indicator.max_score,
                          Indicator.weight).where(Indicator.version_id == newest)
                   .order_by(Indicator.sort_order, Indicator.id))


@versioned(DATASET)
def indicator_averages(cycle_id: int) -> pd.DataFrame:
    """Average score per indicator and stage over every scored application of the cycle (from the rollup)."""
    df = read_df(select(RollupIndicator.indicator_id, RollupIndicator.stage, RollupIndicator.n, RollupIndicator.total)
                 .where(RollupIndicator.cycle_id == cycle_id))
    df["average"] = df.total / df.n.where(df.n > 0)
    return df


def unit_profile(cycle_id: int, application_id: int, *, scope: str | None = None) -> pd.DataFrame:
    """One application's scores per indicator and stage beside the cycle's averages (empty when the
    application is outside the user's district)."""
    allowed = scored_units(cycle_id, scope=scope)
    if application_id not in set(allowed.id):
        return pd.DataFrame()
    return _unit_profile(cycle_id, application_id)


@versioned(DATASET)
def _unit_profile(cycle_id: int, application_id: int) -> pd.DataFrame:
    inds = indicators(cycle_id)
    scores = read_df(select(Score.indicator_id, Score.stage, Score.score).where(Score.application_id == application_id))
    wide = scores.pivot_table(index="indicator_id", columns="stage", values="score", aggfunc="first") if len(scores) else pd.DataFrame()
    avg = indicator_averages(cycle_id)
    avg_wide = avg.pivot_table(index="indicator_id", columns="stage", values="average", aggfunc="first") if len(avg) else pd.DataFrame()
    out = inds.rename(columns={"id": "indicator_id"}).set_index("indicator_id")
    for stage in ("self", "association", "bureau"):
        out[stage] = wide[stage] if stage in wide.columns else float("nan")
        out[f"avg_{stage}"] = avg_wide[stage] if stage in avg_wide.columns else float("nan")
    return out.reset_index()


def by_category(profile: pd.DataFrame) -> pd.DataFrame:
    """A profile summed per category: the unit's bureau and association scores, averages and maxima."""
    if not len(profile):
        return pd.DataFrame(columns=["category", "max", "bureau", "avg_bureau", "association", "avg_association"])
    w = profile.weight
    frame = pd.DataFrame({"category": profile.category, "max": profile.max_score * w,
                          "bureau": profile.bureau * w, "avg_bureau": profile.avg_bureau * w,
                          "association": profile.association * w, "avg_association": profile.avg_association * w})
    return frame.groupby("category", sort=False).sum(min_count=1).reset_index()


def cycle_category_scores(cycle_id: int, *, scope: str | None = None) -> pd.DataFrame:
    """Every scored unit of the cycle × category, bureau stage (the export of the evaluation statistics)."""
    return _cycle_category_scores(cycle_id, effective_district(None, scope))


@versioned(DATASET)
def _cycle_category_scores(cycle_id: int, district: str | None) -> pd.DataFrame:
    stmt = (select(Unit.name.label("unit"), Unit.industry, Indicator.category,
                   func.sum(Score.score * Indicator.weight).label("score"))
            .join(Application, Application.id == Score.application_id).join(Unit, Unit.id == Application.unit_id)
            .join(Indicator, Indicator.id == Score.indicator_id)
            .where(Application.cycle_id == cycle_id, Score.stage == "bureau")
            .group_by(Unit.name, Unit.industry, Indicator.category))
    if district:
        stmt = stmt.where(Unit.district_code == district)
    df = read_df(stmt)
    if not len(df):
        return df
    wide = df.pivot_table(index=["unit", "industry"], columns="category", values="score", aggfunc="sum").reset_index()
    wide.columns.name = None
    return wide
