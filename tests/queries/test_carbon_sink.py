"""Carbon sink queries against hand-made trees in a monitoring round no generated data uses (known answers)."""
from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from sqlalchemy import delete, insert, select

from db import db
from db.carbon_sink import Measurement, MonitoringRound, Tree, refresh_rollups
from db.meta import bump_version
from queries import carbon_sink as q

ROUND = 99
TREES = [  # code, species, district, street, road, site, lon, lat
    ("CS-Q-1", "悬铃木", "310101", "310101013", "测试路", "street", 121.4801, 31.2301),
    ("CS-Q-2", "香樟", "310101", "310101013", None, "park", 121.4802, 31.2302),
    ("CS-Q-3", "悬铃木", "310104", "310104003", "测试二路", "street", 121.4401, 31.1801),
]
# dbh, carbon kg, seq kg C/yr, measured, crown m², leaf m²
MEASURES = [(20.0, 100.0, 10.0, True, 25.0, 100.0), (30.0, 200.0, 20.0, False, 25.0, 100.0),
            (40.0, 300.0, 30.0, True, 50.0, 200.0)]


@pytest.fixture(scope="module")
def known(app):
    with db.engine.begin() as conn:
        conn.execute(insert(MonitoringRound), [{"round_no": ROUND, "name": "测试轮次", "surveyed_on": date(2030, 1, 1)}])
        conn.execute(insert(Tree), [
            {"tree_code": c, "species": sp, "district_code": d, "street_code": s, "road": r, "site": site,
             "lon": lon, "lat": lat, "cell_x": int(lon // 0.01), "cell_y": int(lat // 0.01), "planted_year": 2000}
            for c, sp, d, s, r, site, lon, lat in TREES])
        ids = dict(conn.execute(select(Tree.tree_code, Tree.id).where(Tree.tree_code.like("CS-Q-%"))).all())
        conn.execute(insert(Measurement), [
            {"tree_id": ids[t[0]], "round_no": ROUND, "dbh_cm": d, "height_m": None, "condition": "良好",
             "carbon_kg": c, "seq_c_kg": s, "seq_measured": m, "crown_area_m2": ca, "leaf_area_m2": la}
            for t, (d, c, s, m, ca, la) in zip(TREES, MEASURES)])
        refresh_rollups(conn, [ROUND])
        bump_version(conn, "carbon_sink")
    yield ids
    with db.engine.begin() as conn:
        conn.execute(delete(Measurement).where(Measurement.round_no == ROUND))
        conn.execute(delete(Tree).where(Tree.tree_code.like("CS-Q-%")))
        refresh_rollups(conn, [ROUND])
        conn.execute(delete(MonitoringRound).where(MonitoringRound.round_no == ROUND))
        bump_version(conn, "carbon_sink")


@pytest.mark.module(217)
def test_storage_totals_and_breakdowns(app, known):
    with app.server.app_context():
        s = q.summary(ROUND)
        assert s["trees"] == 3 and s["carbon_t"] == pytest.approx(0.6)
        assert s["co2_t"] == pytest.approx(0.6 * 44 / 12) and s["avg_dbh_cm"] == pytest.approx(30.0)
        d = q.by_district(ROUND).set_index("district_code")
        assert d.loc["310101", "trees"] == 2 and d.loc["310101", "carbon_t"] == pytest.approx(0.3)
        assert d.loc["310101", "name"] == "黄浦区" and list(d.index) == ["310101", "310104"]
        sp = q.by_species(ROUND).set_index("species")
        assert sp.loc["悬铃木", "carbon_kg"] == pytest.approx(400.0) and sp.loc["香樟", "trees"] == 1
        st = q.by_street("310101", ROUND).set_index("street")
        assert st.loc["外滩街道", "trees"] == 2 and st.loc["外滩街道", "density_per_km2"] > 0
        assert q.summary(ROUND, site="park")["carbon_kg"] == pytest.approx(200.0)
        roads = q.top_roads(ROUND)
        assert list(roads.road) == ["测试二路", "测试路"] and roads.loc[0, "district"] == "徐汇区"
        assert "测试轮次" in set(q.trend().get("round"))


@pytest.mark.module(217)
def test_district_scope_is_enforced(app, known):
    with app.server.app_context():
        assert q.summary(ROUND, scope="310104")["trees"] == 1
        assert q.summary(ROUND, district="310101", scope="310104")["trees"] == 1  # the scope wins
        assert set(q.by_district(ROUND, scope="310104").district_code) == {"310104"}
        assert set(q.top_roads(ROUND, scope="310101").road) == {"测试路"}
        assert q.clusters(ROUND, 13, None, scope="310104").trees.sum() == 1
        assert set(q.by_species(ROUND, scope="310101").species) == {"悬铃木", "香樟"}


@pytest.mark.module(217)
def test_map_clusters_aggregate_by_zoom(app, known):
    with app.server.app_context():
        fine = q.clusters(ROUND, 13)
        assert fine.trees.sum() == 3 and len(fine) == 2  # trees 1 and 2 share a 0.01° cell
        coarse = q.clusters(ROUND, 9)
        assert coarse.trees.sum() == 3 and len(coarse) <= 2
        # only the cells inside the view
        assert q.clusters(ROUND, 13, [[31.1, 121.4], [31.2, 121.45]]).trees.sum() == 1
        assert q.cell_size_deg(9) == pytest.approx(0.16) and q.cell_size_deg(15) == pytest.approx(0.01)
        geo = q.cluster_geojson(fine)
        assert {f["properties"]["trees"] for f in geo["features"]} == {1, 2}


@pytest.mark.module(218)
def test_sequestration_and_value(app, known):
    with app.server.app_context():
        s = q.summary(ROUND, price=100)
        # 60 kg C/yr = 0.06 t C → 0.22 t CO2; at 100 yuan/t: 22 yuan; 2 of 3 trees measured
        assert s["seq_co2_t"] == pytest.approx(0.22) and s["seq_value_yuan"] == pytest.approx(22.0)
        assert s["measured_share"] == pytest.approx(2 / 3)
        assert q.summary(ROUND)["seq_value_yuan"] == pytest.approx(0.22 * 60)  # the default price


@pytest.mark.module(219)
@pytest.mark.module(220)
def test_transpiration_cooling_moisture(app, known):
    with app.server.app_context():
        s = q.summary(ROUND)
        # plane 100 m² × 0.8 × 235 = 18.8 t; camphor 100 × 0.6 × 300 = 18.0 t; plane 200 m² = 37.6 t → 74.4 t
        assert s["transpiration_t"] == pytest.approx(74.4)
        assert s["ac_kwh"] == pytest.approx(74.4 * 1000 * 2.45 / 3.6 / 3.0)


@pytest.mark.module(221)
def test_interception_and_runoff(app, known):
    with app.server.app_context():
        m = q.monthly_interception(ROUND, site="street").set_index("month")
        # street trees: 300 m² of leaves, January 10 rain days × 0.2 mm → 0.6 m³; runoff × 0.85 = 0.51 m³
        assert m.loc[1, "intercepted_m3"] == pytest.approx(0.6) and m.loc[1, "runoff_avoided_m3"] == pytest.approx(0.51)
        s = q.summary(ROUND)
        # all 400 m² × 132 rain days × 0.0002 m = 10.56 m³; runoff 300/400 street (0.85) + 100/400 park (0.15)
        assert s["interception_m3"] == pytest.approx(10.56)
        assert s["runoff_avoided_m3"] == pytest.approx(7.92 * 0.85 + 2.64 * 0.15)


@pytest.mark.module(222)
def test_dust_retention(app, known):
    with app.server.app_context():
        s = q.summary(ROUND)
        # PM2.5: plane 300 m² × 0.0003980 kg/m² (see test_carbon_dust) = 0.11939 kg;
        # camphor 100 m² × 0.001 × 28e-6 × 300 d × 86,400 × 0.5 × 1.0 = 0.036288 kg
        assert s["pm25_kg"] == pytest.approx(0.11939 + 0.036288, rel=1e-3)


@pytest.mark.module(217, 218)
def test_sums_without_services_equal_the_full_breakdown(app, known):
    """The storage and sequestration pages group by their keys alone (no services): the same sums."""
    cq = q
    with app.server.app_context():
        lean = cq.summary(ROUND, services=False)
        assert lean["trees"] == 3 and lean["carbon_kg"] == 600.0 and lean["seq_c_kg"] == 60.0
        assert "transpiration_t" not in lean
        by_district = cq.by_district(ROUND, services=False).set_index("district_code")
        assert by_district.loc["310101", "carbon_kg"] == 300.0 and by_district.loc["310104", "trees"] == 1
        rnd = 1
        for fn, args in ((cq.by_district, (rnd,)), (cq.by_species, (rnd,)), (cq.trend, ()),
                         (cq.by_street, ("310115", rnd))):
            full, lean = fn(*args), fn(*args, services=False)
            key = lean.columns[0] if fn is not cq.trend else "round_no"
            full, lean = full.sort_values(key).reset_index(drop=True), lean.sort_values(key).reset_index(drop=True)
            assert len(full) == len(lean) > 0
            for col in ("trees", "carbon_t", "seq_co2_t", "avg_dbh_cm"):
                assert np.allclose(full[col], lean[col], rtol=1e-9), (fn.__name__, col)
            assert "transpiration_t" in full.columns and "transpiration_t" not in lean.columns
        s_full, s_lean = cq.summary(rnd), cq.summary(rnd, services=False)
        assert s_full["trees"] == s_lean["trees"] > 0 and abs(s_full["carbon_t"] - s_lean["carbon_t"]) < 1e-6
        empty = cq.summary(rnd, district="999999", services=False)
        assert empty["trees"] == 0 and empty["carbon_t"] == 0
