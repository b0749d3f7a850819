"""The garden and green-space generators on the demo data (``app`` fixture): volumes, real taxa, places,
consistency of the rollups with the raw rows."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from sqlalchemy import func, select

from datagen.domains.gardens import TAXA
from db import db
from db.gardens import Accession, Bonsai, Garden, GardenArea, RollupBonsai, RollupCell, RollupTaxon
from db.greenspace import (PROGRAMS, MaintenanceSite, Patrol, PatrolProblem, Project, RollupEvent, RollupPatrol,
                           SupervisionEvent)


def _scalar(stmt):
    with db.engine.connect() as conn:
        return conn.execute(stmt).scalar_one()


@pytest.mark.module(223)
def test_two_gardens_at_their_real_places_with_20000_real_accessions(app):
    gardens = pd.read_sql(select(Garden), db.engine).set_index("code")
    assert gardens.loc["SBG", "name"] == "上海植物园" and gardens.loc["SBG", "district_code"] == "310104"
    assert gardens.loc["CSBG", "name"] == "辰山植物园" and gardens.loc["CSBG", "district_code"] == "310117"
    assert abs(gardens.loc["SBG", "lat"] - 31.15) < 0.01 and abs(gardens.loc["CSBG", "lon"] - 121.18) < 0.01
    assert _scalar(select(func.count()).select_from(Accession)) >= 20_000
    known = {t[2] for t in TAXA}
    acc = pd.read_sql(select(Accession.species, Accession.genus, Accession.garden_code, Accession.lon, Accession.lat),
                      db.engine)
    assert set(acc.species) <= known and (acc.genus == acc.species.str.split().str[0]).all()
    for code, g in gardens.iterrows():  # every accession lies within ~1.5 km of its garden's centre
        part = acc[acc.garden_code == code]
        assert ((part.lon - g.lon).abs() < 0.016).all() and ((part.lat - g.lat).abs() < 0.014).all()
    assert _scalar(select(func.sum(RollupTaxon.accessions))) == len(acc)
    assert _scalar(select(func.sum(RollupCell.accessions))) == len(acc)


@pytest.mark.module(224)
@pytest.mark.module(225)
def test_bonsai_and_specialty_gardens(app):
    bonsai = _scalar(select(func.count()).select_from(Bonsai))
    assert bonsai > 1000 and _scalar(select(func.sum(RollupBonsai.count))) == bonsai
    areas = pd.read_sql(select(GardenArea), db.engine)
    spec = areas[areas.kind == "专类园"]
    assert {"月季园", "牡丹园", "盆景园", "矿坑花园"} <= set(spec.name) and spec.highlights.notna().all()
    for b in spec.boundary:
        ring = json.loads(b)["coordinates"][0]
        assert ring[0] == ring[-1] and len(ring) > 10


@pytest.mark.module(226)
@pytest.mark.module(227)
def test_projects_of_four_programmes(app):
    df = pd.read_sql(select(Project), db.engine)
    assert set(df.program) == set(PROGRAMS) and df.district_code.nunique() == 16
    assert ((df.progress >= 0) & (df.progress <= 1)).all()
    assert (df[df.status.isin(["完工", "已开放"])].progress == 1).all() and (df[df.status == "前期"].progress == 0).all()
    assert df.name.is_unique


@pytest.mark.module(228)
@pytest.mark.module(229)
def test_patrols_problems_and_events_consistent_with_rollups(app):
    assert _scalar(select(func.sum(RollupPatrol.patrols))) == _scalar(select(func.count()).select_from(Patrol))
    assert _scalar(select(func.sum(RollupPatrol.problems))) == _scalar(select(func.count()).select_from(PatrolProblem))
    assert _scalar(select(func.sum(Patrol.problems))) == _scalar(select(func.count()).select_from(PatrolProblem))
    assert _scalar(select(func.sum(RollupEvent.events))) == _scalar(select(func.count()).select_from(SupervisionEvent))
    roll = pd.read_sql(select(RollupPatrol), db.engine)
    assert (roll.sites_patrolled <= roll.sites).all()
    assert 0.75 < roll.sites_patrolled.sum() / roll.sites.sum() < 0.99
    assert 0.8 < roll.rectified.sum() / roll.problems.sum() < 0.99
    assert _scalar(select(func.count()).select_from(MaintenanceSite)) >= 500
