"""The wildlife generator (demo data of the ``app`` fixture): real sites and names, migration seasons,
invasive spread and control, the avian influenza episode and missing reports, rollups."""
from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import func, select

from datagen.domains.wildlife import EPI_EPISODE, EPI_EPISODE_STATIONS, season
from db import db
from db.wildlife import EpiReport, Observation, Site, Species, SurveyYear


@pytest.mark.module(230)
def test_sites_species_and_rollup_agree(app):
    sites = pd.read_sql(select(Site.name), db.engine)
    assert {"崇明东滩鸟类国家级自然保护区", "九段沙湿地国家级自然保护区", "世纪公园"} <= set(sites.name)
    sp = pd.read_sql(select(Species.name_zh, Species.name_sci), db.engine)
    assert ("白头鹤", "Grus monacha") in set(zip(sp.name_zh, sp.name_sci))
    with db.engine.connect() as conn:
        raw = conn.execute(select(func.sum(Observation.count)).where(Observation.site_code != "TEST-SITE")).scalar()
        rolled = conn.execute(select(func.sum(SurveyYear.individuals))
                              .where(SurveyYear.site_code != "TEST-SITE")).scalar()
    assert raw == rolled > 0


def test_wintering_birds_peak_in_winter(app):
    df = pd.read_sql(select(Observation.survey_date, Observation.count).where(Observation.species_code == "B001"),
                     db.engine)
    months = pd.to_datetime(df.survey_date).dt.month
    winter, summer = df[months.isin([12, 1, 2])]["count"].sum(), df[months.isin([6, 7, 8])]["count"].sum()
    assert winter > 10 * max(summer, 1)
    assert season("passage", [5])[0] > season("passage", [7])[0]


@pytest.mark.module(235)
def test_epidemic_episode_and_zero_reports(app):
    df = pd.read_sql(select(EpiReport.station_code, EpiReport.report_date, EpiReport.deaths,
                            EpiReport.zero_report, EpiReport.suspected), db.engine)
    df["report_date"] = pd.to_datetime(df.report_date)
    episode = df[(df.report_date >= pd.Timestamp(EPI_EPISODE[0])) & (df.report_date <= pd.Timestamp(EPI_EPISODE[1]))
                 & df.station_code.isin(EPI_EPISODE_STATIONS)]
    assert episode.deaths.sum() > 200 and (episode.suspected == "H5N1 高致病性禽流感").all()
    assert df.zero_report.mean() > 0.95
    assert (df.zero_report == (df.deaths == 0)).all() or (df[df.zero_report].deaths == 0).all()
