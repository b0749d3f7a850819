"""Statistics queries (modules 18, 19): totals agree with the raw rows, district scope is enforced on the
server, the indicator averages come from the rollup, the export frame covers every scored unit."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db import db
from db.civilized import Application, Score, Unit
from queries import civilized as q

COMPLETED = "2023—2025年度"  # a generated, completed cycle (other tests add cycles of their own)


def _completed() -> int:
    c = q.cycles()
    return int(c[c.name == COMPLETED].id.iloc[0])


@pytest.mark.module(18)
def test_counts_and_rates_match_raw_rows(app):
    with app.server.test_request_context():
        cycle = _completed()
        df = q.applications(cycle)
        s = q.summary(df)
        with db.session() as ses:
            raw = dict(ses.execute(select(Application.state, func.count()).where(Application.cycle_id == cycle)
                                   .group_by(Application.state)).all())
        assert s["applications"] == sum(raw.values())
        assert s["awarded"] == raw.get("awarded", 0) and s["eliminated"] == raw.get("eliminated", 0)
        assert s["elimination_rate"] == pytest.approx(raw.get("eliminated", 0) / (raw.get("awarded", 0) + raw.get("eliminated", 0)))
        stages = q.by_stage(df)
        assert int(stages.n.sum()) == s["applications"] and list(stages.state)[0] == "draft"
        dims = q.by_dimension(df, "district")
        assert int(dims.applications.sum()) == s["applications"]
        trend = q.by_cycle()
        assert len(trend) >= 3 and trend.applications.sum() >= s["applications"]


@pytest.mark.module(18)
def test_district_scope_overrides_the_request(app):
    with app.server.test_request_context():
        scoped = q.applications(None, district="310115", scope="310104")
        assert set(scoped.district_code) == {"310104"}
        with db.session() as s:
            raw = s.scalar(select(func.count()).select_from(Application).join(Unit, Unit.id == Application.unit_id)
                           .where(Unit.district_code == "310104"))
        assert int(scoped.n.sum()) == raw
        cycle = _completed()
        inside = set(q.scored_units(cycle, scope="310104").id)
        outside = next(i for i in q.scored_units(cycle).id if i not in inside)
        assert q.unit_profile(cycle, int(outside), scope="310104").empty


@pytest.mark.module(19)
def test_unit_profile_against_average(app):
    with app.server.test_request_context():
        cycle = _completed()
        units = q.scored_units(cycle)
        app_id = int(units.id.iloc[0])
        profile = q.unit_profile(cycle, app_id)
        assert len(profile) == 40
        with db.session() as s:
            bureau = s.scalar(select(func.sum(Score.score)).where(Score.application_id == app_id, Score.stage == "bureau"))
            avg = s.scalar(select(func.avg(Score.score)).join(Application, Application.id == Score.application_id)
                           .where(Application.cycle_id == cycle, Score.stage == "bureau",
                                  Score.indicator_id == int(profile.indicator_id.iloc[0])))
        assert profile.bureau.sum() == pytest.approx(bureau)
        assert profile.avg_bureau.iloc[0] == pytest.approx(avg)
        cats = q.by_category(profile)
        assert cats["max"].sum() == pytest.approx(100.0) and len(cats) == 7
        export = q.cycle_category_scores(cycle)
        with db.session() as s:
            scored = s.scalar(select(func.count(func.distinct(Score.application_id))).join(
                Application, Application.id == Score.application_id).where(Application.cycle_id == cycle, Score.stage == "bureau"))
        assert len(export) == scored and "组织领导" in export.columns
