"""The carbon sink generator: volumes, species mix, places and roads, DBH by species and age, monitoring rounds,
results consistent with the analytics, rollups equal to the raw rows, determinism (demo data, seed 7)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select

from analytics import carbon_sink as cs
from datagen.core import build
from datagen.domains.carbon_sink import ROADS, SIZES
from db import db, make_engine
from db.carbon_sink import Measurement, MonitoringRound, RollupRoad, RollupStreet, Tree
from db.migrate import upgrade
from db.reference import Street

GENERATED = Tree.tree_code.like("SHT%")  # other tests add their own trees


@pytest.fixture(scope="module")
def trees(app) -> pd.DataFrame:
    return pd.read_sql(select(Tree).where(GENERATED), db.engine)


@pytest.fixture(scope="module")
def measures(app, trees) -> pd.DataFrame:
    df = pd.read_sql(select(Measurement).where(Measurement.round_no <= 4), db.engine)
    return df.merge(trees[["id", "species", "site", "district_code", "planted_year"]], left_on="tree_id", right_on="id")


@pytest.mark.module(217)
def test_volumes_and_rounds(app, trees, measures):
    assert 5_500 <= len(trees) <= 6_500 and trees.tree_code.is_unique
    assert SIZES["city"] >= 500_000
    with db.engine.connect() as conn:
        rounds = conn.execute(select(MonitoringRound.round_no, MonitoringRound.surveyed_on)).all()
    assert [r.round_no for r in rounds if r.round_no <= 4] == [1, 2, 3, 4]
    per_round = measures.groupby("round_no").size()
    assert per_round.is_monotonic_increasing and per_round[4] > 0.8 * len(trees)
    # a tree is measured at most once a round, and only after it was planted
    assert not measures.duplicated(["tree_id", "round_no"]).any()


@pytest.mark.module(217)
def test_species_mix(trees):
    street = trees[trees.site == "street"].species.value_counts(normalize=True)
    park = trees[trees.site == "park"].species.value_counts(normalize=True)
    assert street.index[0] == "悬铃木" and street.iloc[0] > 0.25  # London plane dominates street trees
    assert park.index[0] == "香樟"
    assert {"银杏", "女贞", "栾树", "水杉"} <= set(trees.species)
    assert set(trees.species) <= set(cs.coefficients().species.index)
    central = trees[trees.district_code.isin(["310101", "310104", "310106"])]
    assert (central.site != "forest").all() and (trees.site == "forest").mean() > 0.05


def test_places_and_roads_agree_with_the_reference(app, trees):
    streets = pd.read_sql(select(Street.code, Street.district_code), db.engine).set_index("code")["district_code"]
    assert (trees.street_code.map(streets) == trees.district_code).all()
    assert trees.road[trees.site == "street"].notna().all() and trees.road[trees.site != "street"].isna().all()
    by_district = trees[trees.site == "street"].groupby("district_code").road.agg(set)
    for code, roads in by_district.items():
        own = {r for r in roads if r not in ROADS[code]}
        assert all(r.endswith(("路", "大道", "公路")) for r in own), (code, own)
    assert trees.lon.between(120.8, 122.2).all() and trees.lat.between(30.6, 31.95).all()
    assert ((trees.cell_x == np.floor(trees.lon / 0.01)) & (trees.cell_y == np.floor(trees.lat / 0.01))).all()


def test_dbh_by_species_age_and_round(measures):
    last = measures[measures.round_no == 4]
    mean = last.groupby("species").dbh_cm.mean()
    assert mean["悬铃木"] > mean["银杏"] and mean["悬铃木"] > mean["桂花"]
    old = last[last.planted_year < 1990].dbh_cm.median()
    young = last[last.planted_year > 2015].dbh_cm.median()
    assert old > 2 * young
    wide = measures.pivot_table(index="tree_id", columns="round_no", values="dbh_cm")
    both = wide[[3, 4]].dropna()
    assert ((both[4] - both[3]) > 0).mean() > 0.9  # trees grow; a few tape errors read smaller


@pytest.mark.module(218)
def test_results_agree_with_the_analytics(measures):
    sample = measures.sample(300, random_state=1)
    carbon = cs.carbon_kg(sample.species.to_numpy(dtype=object), sample.dbh_cm.to_numpy(),
                          sample.height_m.astype(float).to_numpy(), sample.site.to_numpy(dtype=object))
    assert sample.carbon_kg.to_numpy() == pytest.approx(carbon, rel=1e-4, abs=1e-3)
    crown, leaf = cs.crown_and_leaf_area(sample.species.to_numpy(dtype=object), sample.dbh_cm.to_numpy())
    assert sample.leaf_area_m2.to_numpy() == pytest.approx(leaf, rel=1e-4, abs=1e-3)
    # the first round has nothing to compare with: all modelled; later rounds mostly measured
    assert not measures[measures.round_no == 1].seq_measured.any()
    assert measures[measures.round_no == 4].seq_measured.mean() > 0.6
    assert (measures.seq_c_kg >= 0).all()
    assert measures[measures.species.isin(["棕榈", "加拿利海枣"])].height_m.notna().all()


def test_rollups_equal_raw_sums(app, measures):
    with db.engine.connect() as conn:
        street = conn.execute(select(func.sum(RollupStreet.trees), func.sum(RollupStreet.carbon_kg))
                              .where(RollupStreet.round_no == 4)).one()
        road = conn.execute(select(func.sum(RollupRoad.trees)).where(RollupRoad.round_no == 4)).scalar_one()
    last = measures[measures.round_no == 4]
    assert street[0] == len(last) and street[1] == pytest.approx(last.carbon_kg.sum(), rel=1e-9)
    assert road == (last.site == "street").sum()


def test_build_is_deterministic(tmp_path):
    url = f"sqlite:///{tmp_path / 'carbon.sqlite'}"
    upgrade(url)
    engine = make_engine(url)
    snaps = []
    for _ in range(2):
        build(engine, scale="demo", seed=5, only=["reference", "carbon_sink"], progress=False)
        snaps.append(pd.read_sql(select(Measurement).order_by(Measurement.tree_id, Measurement.round_no), engine))
    pd.testing.assert_frame_equal(*snaps)
    engine.dispose()
