"""Wildlife queries on hand-made rows in a year and district no generated data uses (known answers), and
district scope on the demo data."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import delete, insert

from db import db
from db.meta import bump_version
from db.wildlife import InvasiveRecord, Observation, Site, Species, refresh_rollups
from queries import wildlife as q

YEAR = 2001
SITE = "TEST-SITE"


@pytest.fixture(scope="module")
def known(app):
    rows = [("B001", 5), ("B002", 3), ("B003", 1), ("B005", 1)]  # N = 10: the hand-computed community
    with db.engine.begin() as conn:
        conn.execute(insert(Site), [{"code": SITE, "name": "测试样点", "kind": "湿地", "district_code": "310109",
                                     "lon": 121.5, "lat": 31.27, "area_ha": 10}])
        conn.execute(insert(Observation), [{"site_code": SITE, "species_code": sp, "district_code": "310109",
                                            "survey_date": date(YEAR, 5, 1), "count": c} for sp, c in rows])
        conn.execute(insert(InvasiveRecord), [
            {"species_code": "I001", "district_code": "310109", "found_date": date(YEAR, 6, 1), "lon": 121.501,
             "lat": 31.271, "area_m2": 100.0, "controlled": True, "control_method": "人工拔除", "area_after_m2": 20.0},
            {"species_code": "I001", "district_code": "310109", "found_date": date(YEAR, 7, 1), "lon": 121.505,
             "lat": 31.275, "area_m2": 50.0, "controlled": False, "control_method": None, "area_after_m2": None}])
        refresh_rollups(conn)
        bump_version(conn, "wildlife")
    yield
    with db.engine.begin() as conn:
        conn.execute(delete(Observation).where(Observation.site_code == SITE))
        conn.execute(delete(InvasiveRecord).where(InvasiveRecord.found_date < date(2002, 1, 1)))
        conn.execute(delete(Site).where(Site.code == SITE))
        refresh_rollups(conn)
        bump_version(conn, "wildlife")


@pytest.mark.module(230)
def test_site_indices_known_answer(known):
    df = q.diversity_by_site(YEAR, None).set_index("site_code")
    r = df.loc[SITE]
    assert r.richness == 4 and r.individuals == 10
    assert r.shannon == pytest.approx(1.168282, abs=1e-6) and r.simpson == pytest.approx(0.64)
    assert r.chao1 == pytest.approx(5.0)
    assert q.diversity_by_district(YEAR, None).set_index("district_code").loc["310109", "richness"] == 4
    # a Xuhui user never sees the Hongkou test site
    assert SITE not in set(q.diversity_by_site(YEAR, None, "310109", scope="310104").site_code)


@pytest.mark.module(234)
def test_invasive_control_known_answer(known):
    df = q.invasive_by_year("I001", "310109").set_index("year").loc[YEAR]
    assert df.records == 2 and df.area_m2 == 150 and df.controlled == 1
    assert df.control_rate == pytest.approx(0.5) and df.reduction == pytest.approx(0.8)  # 1 − 20/100
    cells = q.invasive_cells(YEAR, "I001")
    assert cells.records.sum() >= 2
    assert q.invasive_by_year("I001", "310109", scope="310104").query("year == @YEAR").empty


def test_species_list_holds_the_key_invasive_species(app):
    sp = q.invasive_species()
    assert {"Solidago canadensis", "Spartina alterniflora", "Hyphantria cunea"} <= set(sp.name_sci)


@pytest.mark.module(231)
def test_plot_densities_and_surface(app):
    site = q.plot_sites().code.iloc[0]
    df = q.plot_densities(site)
    assert len(df) > 3
    r = df.iloc[0]
    assert r.density_ha == pytest.approx(r.individuals / r.surveys / r.area_ha)
    s = q.density_surface(site, kernel="quartic", rule="silverman")
    assert s["values"].max() > 0 and s["bounds"][0][0] < s["bounds"][1][0]
    assert q.plot_densities(site, scope="310104").empty  # no plots in Xuhui: nothing leaks


@pytest.mark.module(232)
def test_trends_cover_every_site_and_indicator(app):
    df = q.trends()
    assert len(df) == len(q.monitored_sites()) * len(q.indicators())
    assert set(df.trend) <= {"上升", "下降", "无显著趋势"}
    assert (df[df.indicator == "水鸟数量"].trend == "上升").any()


@pytest.mark.module(233)
def test_recovery_survival_rate(app):
    df = q.recovery()
    r = df.iloc[0]
    assert r.survival_rate == pytest.approx(1 - r.deaths / (r.start_population + r.released))
    assert (df.population == df.start_population + df.released + df.births - df.deaths).all()
    assert set(q.recovery(scope="310104").district_code) <= {"310104"}


@pytest.mark.module(235)
def test_epidemic_missing_reports_flagged(app):
    status = q.station_status(7).set_index("code")
    assert status.loc["EPI-310120", "missing"] >= 6
    daily = q.epi_daily(30)
    assert (daily.expected >= daily.reports).all() and daily.missing.iloc[-1] >= 1
    scoped = q.station_status(7, scope="310104")
    assert set(scoped.district_code) == {"310104"}
    assert (q.epi_daily(30, scope="310104").expected <= len(scoped)).all()
