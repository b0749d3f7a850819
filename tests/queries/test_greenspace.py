"""Green-space queries: hand-made patrols, problems and events in a month no generated data uses (known answers),
projects against the raw table, and district scope."""
from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest
from sqlalchemy import delete, insert, select

from db import db
from db.greenspace import MaintenanceSite, Patrol, PatrolProblem, Project, SupervisionEvent, refresh_rollups
from db.meta import bump_version
from queries import greenspace as q

MONTH = date(2019, 1, 1)
UNIT = "测试养护有限公司"


@pytest.fixture(scope="module")
def handmade(app):
    """Unit with 4 sites in 310101: 3 patrolled in Jan 2019 (5 patrols), 4 problems: 3 rectified, 2 on time;
    3 events: 2 closed, 1 on time. Hand answers: coverage 3/4, rectification 3/4, on time 2/4, closure 2/3."""
    sites = [{"code": f"T{i}", "name": f"测试绿地{i}", "district_code": "310101", "unit": UNIT, "area_ha": 1.0,
              "lon": 121.48, "lat": 31.23} for i in range(4)]
    patrols = [{"patrol_no": f"TP{i}", "site_code": f"T{s}", "district_code": "310101", "unit": UNIT,
                "patrol_date": date(2019, 1, 5 + i), "month": MONTH, "inspector": "张三", "problems": n}
               for i, (s, n) in enumerate([(0, 2), (0, 0), (1, 1), (2, 1), (2, 0)])]
    problems = [{"patrol_no": no, "site_code": "T0", "district_code": "310101", "unit": UNIT, "month": MONTH,
                 "found_date": date(2019, 1, 5), "problem_type": "病虫害", "deadline": date(2019, 1, 12),
                 "rectified_date": done} for no, done in
                [("TP0", date(2019, 1, 8)), ("TP0", date(2019, 1, 20)), ("TP2", date(2019, 1, 10)), ("TP3", None)]]
    events = [{"event_no": f"TE{i}", "reported_at": datetime(2019, 1, 3, 9), "month": MONTH, "district_code": "310101",
               "event_type": "设施破损", "source": "日常巡查", "unit": UNIT, "status": st, "location": "测试地点",
               "description": "测试事件", "deadline_at": datetime(2019, 1, 10), "closed_at": closed, "lon": 121.48,
               "lat": 31.23} for i, (st, closed) in
              enumerate([("已办结", datetime(2019, 1, 8)), ("已核查", datetime(2019, 1, 15)), ("处置中", None)])]
    with db.engine.begin() as conn:
        conn.execute(insert(MaintenanceSite), sites)
        conn.execute(insert(Patrol), patrols)
        conn.execute(insert(PatrolProblem), problems)
        conn.execute(insert(SupervisionEvent), events)
        refresh_rollups(conn)
        bump_version(conn, "greenspace")
    yield
    with db.engine.begin() as conn:
        conn.execute(delete(SupervisionEvent).where(SupervisionEvent.unit == UNIT))
        conn.execute(delete(PatrolProblem).where(PatrolProblem.unit == UNIT))
        conn.execute(delete(Patrol).where(Patrol.unit == UNIT))
        conn.execute(delete(MaintenanceSite).where(MaintenanceSite.unit == UNIT))
        refresh_rollups(conn)
        bump_version(conn, "greenspace")


@pytest.mark.module(228)
def test_patrol_rates_by_unit_known_answer(app, handmade):
    with app.server.app_context():
        units = q.patrol_by("unit", MONTH, MONTH, "310101")
        row = units[units.unit == UNIT].iloc[0]
        assert (row.sites, row.sites_patrolled, row.patrols, row.problems) == (4, 3, 5, 4)
        assert (row.coverage_rate, row.rectification_rate, row.on_time_rectification_rate) == (0.75, 0.75, 0.5)
        types = q.problems_by_type(MONTH, MONTH, "310101")
        assert types.set_index("problem_type").loc["病虫害", "problems"] == 4
        assert q.patrol_summary(MONTH, MONTH, scope="310104")["patrols"] == 0  # scope hides Huangpu


@pytest.mark.module(229)
def test_event_query_known_answer(app, handmade):
    with app.server.app_context():
        s = q.event_summary(MONTH, MONTH, "310101", units=[UNIT])
        assert (s["events"], s["closed"], s["open"]) == (3, 2, 1)
        assert s["closure_rate"] == pytest.approx(2 / 3) and s["on_time_rate"] == pytest.approx(1 / 3)
        rows = q.event_list(MONTH, MONTH, "310101", ["设施破损"], ["处置中", "已办结"], [UNIT])
        assert sorted(rows.event_no) == ["TE0", "TE2"]
        assert q.event_list(MONTH, MONTH, "310101", units=[UNIT], scope="310104").empty
        assert q.event_summary(None, None, scope="310104")["events"] > 0
        by_status = q.events_by("status", MONTH, MONTH, "310101", units=(UNIT,)).set_index("status")
        assert by_status.events.to_dict() == {"已办结": 1, "已核查": 1, "处置中": 1}
        assert by_status.loc["已办结", "closure_rate"] == 1.0 and by_status.loc["处置中", "closure_rate"] == 0.0
        months = q.events_by("month", MONTH, MONTH, "310101", types=["设施破损"], units=[UNIT])
        assert months.month.tolist() == [pd.Timestamp(MONTH)] and months.closed_on_time.tolist() == [1]
        assert UNIT in q.event_units("310101") and UNIT not in q.event_units("310101", scope="310104")
        with pytest.raises(ValueError):
            q.events_by("description", MONTH, MONTH)


@pytest.mark.module(226)
@pytest.mark.module(227)
def test_projects_summary_matches_raw_and_scope(app):
    raw = pd.read_sql(select(Project), db.engine)
    with app.server.app_context():
        ring = ["环城生态公园带", "重点绿地"]
        part = raw[raw.program.isin(ring)]
        s = q.project_summary(ring)
        assert s["projects"] == len(part) and s["planned_ha"] == pytest.approx(part.planned_area_ha.sum())
        assert s["progress"] == pytest.approx((part.progress * part.planned_area_ha).sum() / part.planned_area_ha.sum())
        by_d = q.projects_by_district(ring).set_index("district_code")
        assert by_d.projects.sum() == len(part)
        for code, g in part.groupby("district_code"):  # area-weighted progress per district
            assert by_d.loc[code, "progress"] == pytest.approx((g.progress * g.planned_area_ha).sum()
                                                               / g.planned_area_ha.sum())
        assert s["by_status"] == {st: int((part.status == st).sum()) for st in q.STATUS_COLORS}
        by_prog = q.projects_by_program(ring, "310115")
        assert by_prog.projects.sum() == (part.district_code == "310115").sum()
        res = ["大型居住社区绿地", "滨江绿地"]
        scoped = q.projects(res, "310101", scope="310115")
        assert (scoped.district_code == "310115").all() and len(scoped) == ((raw.district_code == "310115")
                                                                            & raw.program.isin(res)).sum()
        assert len(q.project_features(res, scope="310115")["features"]) == len(scoped)
