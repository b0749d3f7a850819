"""The renovation-waste generator (demo data of the ``app`` fixture, seed 7): ledger consistency, trip times and
weights, warnings and violations exactly as the rules find them, and rollups equal to the raw rows."""
from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import create_engine, func, select

from analytics import renovation_waste as rw
from datagen.core import build
from datagen.domains.renovation_waste import POINTS, TRIPS
from db import db
from db.migrate import upgrade
from db.reference import Street
from db.renovation_waste import (CollectionPoint, RollupDay, RollupPoint, SupervisionWarning, Trip, Vehicle,
                                 Violation)

GENERATED = Trip.trip_no.like("ZY%")


@pytest.fixture(scope="module")
def trips(app) -> pd.DataFrame:
    df = pd.read_sql(select(Trip).where(GENERATED), db.engine)
    for c in ("requested_at", "cleared_at", "arrived_at"):
        df[c] = pd.to_datetime(df[c])
    return df


@pytest.mark.module(236)
def test_points_lie_on_streets_of_their_district(app):
    df = pd.read_sql(select(CollectionPoint.code, CollectionPoint.district_code, Street.district_code.label("sd"),
                            CollectionPoint.lon, CollectionPoint.lat)
                     .join(Street, Street.code == CollectionPoint.street_code)
                     .where(CollectionPoint.code.like("ZX3%")), db.engine)
    assert len(df) == POINTS["demo"] and df.code.is_unique
    assert (df.district_code == df.sd).all()
    assert df.lon.between(120.8, 122.2).all() and df.lat.between(30.6, 31.9).all()
    assert df.district_code.nunique() == 16


@pytest.mark.module(237)
def test_trip_times_weights_and_volume(trips):
    assert 0.95 * TRIPS["demo"] <= len(trips) <= TRIPS["demo"]
    assert (trips.requested_at <= trips.cleared_at).all() and (trips.cleared_at < trips.arrived_at).all()
    assert (trips.day == trips.cleared_at.dt.date).all()
    weighed = trips.weight_t.dropna()
    assert 0.97 < len(weighed) / len(trips) < 0.995 and weighed.between(1.0, 15.0).all()
    # spring and autumn peaks above the Spring-Festival month
    by_month = trips.groupby(trips.cleared_at.dt.month).size()
    assert by_month[4] > by_month[2] * 1.5 and by_month[10] > by_month[2] * 1.5


def test_warnings_follow_the_rules(app, trips):
    w = pd.read_sql(select(SupervisionWarning.kind, SupervisionWarning.trip_no), db.engine)
    hours = rw.clearance_hours(trips.requested_at.to_numpy(), trips.cleared_at.to_numpy())
    assert (w.kind == "满溢").sum() == rw.overfull(trips.fill_ratio.to_numpy()).sum()
    assert (w.kind == "清运超时").sum() == rw.overdue_clearance(hours).sum()
    assert (w.kind == "未称重").sum() == rw.missing_weighing(trips.weight_t.to_numpy()).sum()
    assert (w.kind == "偷倒乱倒").sum() > 0 and w[w.kind == "偷倒乱倒"].trip_no.isna().all()


@pytest.mark.module(241)
def test_violations_follow_the_rules(app, trips):
    v = pd.read_sql(select(Violation.kind, Violation.trip_no).where(Violation.trip_no.like("ZY%")), db.engine)
    registered = set(pd.read_sql(select(Vehicle.plate), db.engine).plate)
    assert (v.kind == "偏离路线").sum() == rw.route_deviation(trips.deviation_km.to_numpy()).sum()
    assert (v.kind == "未备案车辆").sum() == rw.unregistered_vehicle(trips.vehicle_plate.to_numpy(), registered).sum() > 0
    assert (v.kind == "违规时段运输").sum() == rw.in_banned_hours(trips.cleared_at.dt.hour.to_numpy()).sum() > 0
    assert (v.kind == "超载").sum() > 0


def test_rollups_equal_the_raw_rows(app):
    with db.engine.connect() as conn:
        raw = conn.execute(select(func.count(), func.sum(Trip.weight_t), func.count(Trip.weight_t))).one()
        day = conn.execute(select(func.sum(RollupDay.trips), func.sum(RollupDay.weight_t),
                                  func.sum(RollupDay.weighed))).one()
        per_point = conn.execute(select(func.sum(RollupPoint.trips))).scalar_one()
    assert day[0] == raw[0] == per_point and day[2] == raw[2]
    assert day[1] == pytest.approx(raw[1], rel=1e-9)


def test_build_is_deterministic(app, tmp_path):
    """Same seed, same rows: the trip numbers and weights of a rebuild into a fresh SQLite database match."""
    with db.engine.connect() as conn:
        first = conn.execute(select(Trip.trip_no, Trip.weight_t).where(GENERATED).order_by(Trip.trip_no)
                             .limit(50)).all()
    assert first
    url = f"sqlite:///{tmp_path / 'rw.sqlite'}"
    upgrade(url)
    engine = create_engine(url)
    build(engine, scale="demo", seed=7, only=["reference", "renovation_waste"], progress=False)
    with engine.connect() as conn:
        again = conn.execute(select(Trip.trip_no, Trip.weight_t).order_by(Trip.trip_no).limit(50)).all()
    engine.dispose()
    assert again == first
