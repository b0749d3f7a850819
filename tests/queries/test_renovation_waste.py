"""Renovation-waste queries against hand-made rows in a month no generated data uses (January 2019), and the
district scope: a scoped user never gets another district's rows."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import delete, insert

from db import db
from db.meta import bump_version
from db.renovation_waste import (CollectionPoint, Company, Facility, SupervisionWarning, Trip, Vehicle, Violation,
                                 refresh_rollups)
from queries import renovation_waste as q

FIRST, LAST = date(2019, 1, 1), date(2019, 1, 31)
POINT = dict(kind="小区投放点", address="测试路1号", capacity_t=4.0, opened_on=date(2018, 1, 1), active=True,
             company_code="RCTEST01")


def _trip(no, district, point, requested, cleared, weight, facility="RFTEST01"):
    return dict(trip_no=no, point_code=point, district_code=district, company_code="RCTEST01", vehicle_plate="沪T00001",
                facility_code=facility, requested_at=requested, cleared_at=cleared,
                arrived_at=cleared.replace(minute=50), day=cleared.date(), weight_t=weight, fill_ratio=0.8,
                deviation_km=0.1)


TRIPS = [
    # Huangpu: 2 h and 48 h after the request (mean 25 h; within 12 h 1, 24 h 1, 48 h 2); 3 t weighed, 1 not
    _trip("T-RW-1", "310101", "ZXTEST0001", datetime(2019, 1, 10, 8), datetime(2019, 1, 10, 10), 3.0),
    _trip("T-RW-2", "310101", "ZXTEST0001", datetime(2019, 1, 10, 8), datetime(2019, 1, 12, 8), None),
    # Xuhui: 30 h (mean 30 h; within 48 h only); 5 t
    _trip("T-RW-3", "310104", "ZXTEST0002", datetime(2019, 1, 20, 6), datetime(2019, 1, 21, 12), 5.0),
]


@pytest.fixture(scope="module")
def known(app):
    with db.engine.begin() as conn:
        conn.execute(insert(Company), [dict(code="RCTEST01", name="测试环境服务有限公司", district_code="310101",
                                            licence_no="沪测试")])
        conn.execute(insert(Vehicle), [dict(plate="沪T00001", company_code="RCTEST01", capacity_t=5.0)])
        conn.execute(insert(Facility), [dict(code="RFTEST01", name="测试分拣中心", kind="分拣中心", district_code="310101",
                                             lon=121.48, lat=31.23, capacity_t_per_day=0.1)])
        conn.execute(insert(CollectionPoint), [
            dict(POINT, code="ZXTEST0001", name="测试点一", district_code="310101", street_code="310101013",
                 lon=121.48, lat=31.23),
            dict(POINT, code="ZXTEST0002", name="测试点二", district_code="310104", street_code="310104003",
                 lon=121.43, lat=31.18)])
        conn.execute(insert(Trip), TRIPS)
        conn.execute(insert(SupervisionWarning), [
            dict(kind="清运超时", level="较重", point_code="ZXTEST0001", district_code="310101", trip_no="T-RW-2",
                 raised_at=datetime(2019, 1, 12, 8), month=FIRST, handled_at=datetime(2019, 1, 12, 14), detail="测试"),
            dict(kind="未称重", level="较重", point_code="ZXTEST0001", district_code="310101", trip_no="T-RW-2",
                 raised_at=datetime(2019, 1, 12, 9), month=FIRST, handled_at=None, detail="测试")])
        conn.execute(insert(Violation), [
            dict(kind="超载", trip_no="T-RW-3", occurred_at=datetime(2019, 1, 21, 12), month=FIRST,
                 district_code="310104", company_code="RCTEST01", vehicle_plate="沪T00001", detail="测试"),
            dict(kind="偏离路线", trip_no="T-RW-1", occurred_at=datetime(2019, 1, 10, 10), month=FIRST,
                 district_code="310101", company_code="RCTEST01", vehicle_plate="沪T00001", detail="测试")])
        refresh_rollups(conn)
        bump_version(conn, "renovation_waste")
    yield
    with db.engine.begin() as conn:
        for model, col in ((Violation, Violation.trip_no), (SupervisionWarning, SupervisionWarning.point_code),
                           (Trip, Trip.trip_no)):
            conn.execute(delete(model).where(col.like("%T%E%S%T%") | col.like("T-RW-%")))
        conn.execute(delete(CollectionPoint).where(CollectionPoint.code.like("ZXTEST%")))
        conn.execute(delete(Facility).where(Facility.code == "RFTEST01"))
        conn.execute(delete(Vehicle).where(Vehicle.plate == "沪T00001"))
        conn.execute(delete(Company).where(Company.code == "RCTEST01"))
        refresh_rollups(conn)
        bump_version(conn, "renovation_waste")


@pytest.mark.module(237)
def test_volume_known_answers(known):
    s = q.volume_summary(FIRST, LAST)
    assert s["weight_t"] == pytest.approx(8.0) and s["trips"] == 3
    assert s["daily_t"] == pytest.approx(8.0 / 31)
    by = q.volume_by_district(FIRST, LAST).set_index("district_code")
    assert by.loc["310101", "weight_t"] == pytest.approx(3.0) and by.loc["310104", "share"] == pytest.approx(5 / 8)
    days = q.volume_series(FIRST, LAST, "day")
    assert days.weight_t.tolist() == pytest.approx([3.0, 0.0, 5.0])  # the 10th, 12th (unweighed) and 21st
    assert q.volume_series(FIRST, LAST, "year").weight_t.tolist() == pytest.approx([8.0])


@pytest.mark.module(239)
def test_clearance_known_answers(known):
    by = q.clearance_by_district(FIRST, LAST).set_index("district_code")
    assert by.loc["310101", "mean_hours"] == pytest.approx(25.0)
    assert by.loc["310101", ["rate_12h", "rate_24h", "rate_48h"]].tolist() == pytest.approx([0.5, 0.5, 1.0])
    assert by.loc["310104", "mean_hours"] == pytest.approx(30.0)
    assert q.clearance_summary(FIRST, LAST)["mean_hours"] == pytest.approx((2 + 48 + 30) / 3)


@pytest.mark.module(238)
def test_warning_known_answers(known):
    s = q.warning_summary(FIRST, LAST).set_index("kind")
    assert s.loc["清运超时", "raised"] == 1 and s.loc["清运超时", "mean_hours"] == pytest.approx(6.0)
    assert s.loc["未称重", "handled"] == 0 and s.loc["满溢", "raised"] == 0
    top = q.warning_points(FIRST, LAST)
    assert top.iloc[0].point_code == "ZXTEST0001" and top.iloc[0].warnings == 2


@pytest.mark.module(241)
def test_violation_known_answers(known):
    assert q.violation_summary(FIRST, LAST).set_index("kind")["violations"].to_dict() == {
        "偏离路线": 1, "未备案车辆": 0, "超载": 1, "违规时段运输": 0}
    vehicles = q.violations_by_vehicle(FIRST, LAST)
    assert vehicles.iloc[0].vehicle_plate == "沪T00001" and vehicles.iloc[0].total == 2 and vehicles.iloc[0].registered
    assert q.violations_by_company(FIRST, LAST).iloc[0].company == "测试环境服务有限公司"


@pytest.mark.module(240)
def test_facility_load_known_answer(known):
    fac = q.facility_loads(FIRST, LAST).set_index("code")
    # all three trips: 3 + 5 t (one unweighed) over 31 days at 0.1 t/day is 8 / 3.1; the peak day 5 t / 0.1 t = 50
    assert fac.loc["RFTEST01", "load_rate"] == pytest.approx(8 / 3.1)
    assert fac.loc["RFTEST01", "peak_rate"] == pytest.approx(50.0) and fac.loc["RFTEST01", "band"] == "≥100%"


@pytest.mark.module(236)
def test_point_ledger_and_map(known):
    ledger = q.point_ledger("310101").set_index("code")
    assert ledger.loc["ZXTEST0001", "trips"] == 2 and ledger.loc["ZXTEST0001", "company"] == "测试环境服务有限公司"
    view = q.point_map(16, [[31.229, 121.479], [31.231, 121.481]])
    assert view["mode"] == "points" and "ZXTEST0001" in set(view["rows"].code)
    cells = q.point_map(9, None)
    assert cells["mode"] == "cells" and cells["rows"]["count"].sum() == q.point_summary()["points"]


def test_scope_is_enforced(known):
    """A Xuhui user asking for Huangpu gets Xuhui."""
    assert q.volume_summary(FIRST, LAST, "310101", scope="310104")["weight_t"] == pytest.approx(5.0)
    assert set(q.clearance_by_district(FIRST, LAST, scope="310104").district_code) == {"310104"}
    assert set(q.point_ledger("310101", scope="310104").district_code) == {"310104"}
    assert q.violation_summary(FIRST, LAST, "310101", scope="310104").violations.sum() == 1
    assert set(q.facility_loads(FIRST, LAST, scope="310104").district_code) <= {"310104"}
    assert q.point_summary("310101", scope="310104")["points"] == len(q.point_ledger(None, scope="310104", limit=10**6))
