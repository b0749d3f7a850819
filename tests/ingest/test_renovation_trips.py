"""Importing renovation-waste trips with known answers: counts and reasons, the warnings and violations the rules
derive, the rollups of the touched days, a re-import (unchanged) and a changed row (findings re-derived)."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import delete, select

from db import db
from db.meta import bump_version
from db.renovation_waste import (CollectionPoint, Facility, RollupDay, SupervisionWarning, Trip, Vehicle, Violation,
                                 refresh_rollups)
from ingest import run_import
from ingest.datasets.renovation_trips import HEADERS, sample_rows

PREFIX = "RT-T-"
DAYS = [dt.date(2019, 3, 5), dt.date(2019, 3, 8)]


def _csv(rows: list[dict]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, HEADERS)
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _cleanup():
    with db.engine.begin() as conn:
        for model in (SupervisionWarning, Violation, Trip):
            conn.execute(delete(model).where(model.trip_no.like(PREFIX + "%") | model.trip_no.like("RS%")))
        refresh_rollups(conn)
        bump_version(conn, "renovation_waste")


@pytest.fixture()
def ledger(app):
    """A point (and its district), a facility and a registered 5 t vehicle of the demo ledger."""
    _cleanup()
    with db.engine.connect() as conn:
        point = conn.execute(select(CollectionPoint.code, CollectionPoint.district_code).order_by(CollectionPoint.code)
                             .limit(1)).one()
        facility = conn.execute(select(Facility.code).order_by(Facility.code).limit(1)).scalar_one()
        plate = conn.execute(select(Vehicle.plate).where(Vehicle.capacity_t == 5.0).order_by(Vehicle.plate)
                             .limit(1)).scalar_one()
    yield {"point": point.code, "district": point.district_code, "facility": facility, "plate": plate}
    _cleanup()


def _row(ledger, no, requested, cleared, weight="4.00", fill="0.80", deviation="0.30", plate=None, point=None):
    arrived = dt.datetime.fromisoformat(cleared) + dt.timedelta(minutes=40)
    return {"运单编号": PREFIX + no, "收运点编号": point or ledger["point"], "车牌号": plate or ledger["plate"],
            "处置设施编号": ledger["facility"], "申报时间": requested, "清运时间": cleared,
            "到场时间": arrived.strftime("%Y-%m-%d %H:%M:%S"), "净重(吨)": weight, "满溢率": fill,
            "偏离路线(公里)": deviation}


def _rows(ledger, weight2=""):
    return [
        _row(ledger, "1", "2019-03-05 08:00:00", "2019-03-05 10:00:00", fill="1.10"),  # overfull
        _row(ledger, "2", "2019-03-05 08:00:00", "2019-03-08 10:00:00", weight=weight2, deviation="3.50"),  # 74 h
        _row(ledger, "3", "2019-03-05 06:00:00", "2019-03-05 07:30:00", plate="沪Z 0000Z", weight="2.5"),
        _row(ledger, "4", "2019-03-05 09:00:00", "2019-03-05 08:00:00"),
        _row(ledger, "5", "2019-03-05 08:00:00", "2019-03-05 10:00:00", point="ZXNOPE"),
    ]


def _imp(data: bytes):
    return run_import("renovation_trips", data, file_name="运单.csv", username="analyst", source_ip="10.0.0.9")


def _findings(model) -> set[tuple[str, str]]:
    with db.engine.connect() as conn:
        return {(r.trip_no.removeprefix(PREFIX), r.kind) for r in conn.execute(
            select(model.trip_no, model.kind).where(model.trip_no.like(PREFIX + "%")))}


def _day(district, day):
    with db.engine.connect() as conn:
        return conn.execute(select(RollupDay).where(RollupDay.district_code == district, RollupDay.day == day)).one()


@pytest.mark.module(238, 241)
def test_import_derives_findings_and_rollups(ledger):
    r = _imp(_csv(_rows(ledger)))
    assert r.ok and (r.total, r.inserted, r.quarantined) == (5, 3, 2)
    assert r.reasons == ["第 4 行：清运时间 早于申报时间", "第 5 行：收运点编号 不在收运点台账中：'ZXNOPE'"]
    # trip 1: fill 1.10 ≥ 1.0; trip 2: 74 h > 48 h and no weight; trip 3: nothing to warn
    assert _findings(SupervisionWarning) == {("1", "满溢"), ("2", "清运超时"), ("2", "未称重")}
    # trip 2: 3.5 km > 2 km; trip 3: plate 沪Z0000Z not registered, departed 07:30 within the 07–09 ban
    assert _findings(Violation) == {("2", "偏离路线"), ("3", "未备案车辆"), ("3", "违规时段运输")}
    # 5 March: trips 1 and 3 cleared (4.0 + 2.5 t; 2 h and 1.5 h); 8 March: trip 2, unweighed, 74 h
    first, second = _day(ledger["district"], DAYS[0]), _day(ledger["district"], DAYS[1])
    assert (first.trips, first.weighed, first.weight_t) == (2, 2, pytest.approx(6.5))
    assert first.clearance_hours == pytest.approx(3.5) and first.within_12h == 2
    assert (second.trips, second.weighed, second.clearance_hours, second.within_48h) == (1, 0, pytest.approx(74), 0)


def test_reimport_unchanged_and_change_rederives(ledger):
    _imp(_csv(_rows(ledger)))
    again = _imp(_csv(_rows(ledger)))
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    changed = _imp(_csv(_rows(ledger, weight2="5.00")))  # the weighbridge record of trip 2 arrives
    assert (changed.inserted, changed.updated, changed.unchanged) == (0, 1, 2)
    assert ("2", "未称重") not in _findings(SupervisionWarning)
    assert _day(ledger["district"], DAYS[1]).weight_t == pytest.approx(5.0)


def test_sample_rows_import_cleanly(ledger):
    rows = sample_rows(40, [ledger["point"]], [ledger["facility"]], [ledger["plate"]], prefix="RS")
    r = _imp(_csv(rows))
    assert r.ok and r.inserted == 40 and r.quarantined == 0
