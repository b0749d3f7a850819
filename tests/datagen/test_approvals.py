"""The approvals generator: sizes, every state present, due dates on working days as the engine counts
them, district scope of the demo accounts' work, libraries, certificates and supervision."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from shapely.geometry import Point, shape

from analytics.workdays import add_workdays, is_working_day
from datagen.domains.approvals import AS_OF, DEMO_DISTRICT, SIZES, Workdays
from db import db
from db.approvals import AdSite, Case, CaseStep, Certificate, Species, SupervisionRecord, SupervisionTask
from db.reference import District
from db.security import SignedRecord
from security.signing import verify_record
from workflow import approvals as ap
from workflow.catalog import catalog
from tests.approvals.helpers import actor


@pytest.mark.module(56, 61, 68, 73)
def test_counts_states_and_libraries(app):
    with db.session() as s:
        top = s.scalar(select(func.count()).select_from(Case).where(Case.composite_parent_id.is_(None)))
        assert top >= SIZES["demo"]
        assert set(s.scalars(select(Case.state).distinct())) >= set(ap.STATES)
        assert set(s.scalars(select(Case.item_code).distinct())) == set(catalog())
        assert s.scalar(select(func.count()).select_from(Species)) >= 200
        assert s.scalar(select(func.count()).select_from(AdSite).where(AdSite.code.like("GG3101%"))) >= 400
        overdue = s.scalar(select(func.count()).select_from(Case).where(
            Case.state == "in_progress", Case.due_date < AS_OF))
        assert overdue > 0
        # Plant quarantine peaks in the spring planting season.
        months = [ap._today(t).month for t in s.scalars(select(Case.created_at).where(
            Case.item_code == "plant_quarantine", Case.applicant_username.like("ap_user%")))]
        assert sum(m in (3, 4) for m in months) > 2 * sum(m in (7, 8) for m in months)


def test_sites_lie_in_their_districts(app):
    with db.session() as s:
        shapes = {c: shape(json.loads(b)) for c, b in s.execute(select(District.code, District.boundary))}
        sites = s.execute(select(AdSite.district_code, AdSite.lon, AdSite.lat).where(AdSite.code.like("GG3101%"))).all()
    assert all(shapes[d].contains(Point(lon, lat)) for d, lon, lat in sites)


def test_fast_calendar_matches_the_engine():
    wd = Workdays(AS_OF.replace(month=1, day=1), AS_OF.replace(month=12, day=31))
    for offset in range(0, 300, 7):
        start = wd.first + timedelta(days=offset)
        for n in (0, 1, 3, 8, 20):
            assert wd.add(start, n) == add_workdays(start, n)


@pytest.mark.module(58, 64)
def test_due_dates_are_working_days_and_follow_the_limits(app):
    items = catalog()
    with db.session() as s:
        cases = s.scalars(select(Case).where(Case.accepted_at.is_not(None), Case.composite_parent_id.is_(None),
                                             Case.paused_on.is_(None), Case.applicant_username.like("ap_user%"))
                          .order_by(Case.id).limit(300)).all()
        assert cases
        for case in cases:
            _, sit = items[case.item_code].find(case.situation_code)
            accepted = ap._today(case.accepted_at)
            assert is_working_day(case.due_date)
            assert case.due_date == add_workdays(accepted, sit.time_limit + case.suspended_days), case.case_no
        steps = s.execute(select(CaseStep, Case.item_code, Case.situation_code).join(Case, Case.id == CaseStep.case_id)
                          .where(Case.applicant_username.like("ap_user%")).order_by(CaseStep.id).limit(2000)).all()
        for row, item_code, situation in steps:
            step = next(x for x in items[item_code].steps(situation) if x.code == row.step)
            assert is_working_day(row.due)
            assert row.due >= add_workdays(ap._today(row.started_at), step.days)
            assert row.actor or row.finished_at is None


@pytest.mark.module(58, 60, 77)
def test_demo_accounts_have_work_in_their_scope(app):
    with db.session() as s:
        district = ap.desk_todos(s, actor("approver_district"), None, limit=500, today=AS_OF)
        assert len(district) >= 10 and {r.district_code for r in district} == {DEMO_DISTRICT}
        assert any(r.overdue for r in district)
        for role in ("approver_city", "approval_leader", "forestry_fee_officer", "tax_officer"):
            assert ap.desk_todos(s, actor(role), None, today=AS_OF), role
        mine = set(s.scalars(select(Case.state).where(Case.applicant_username == "applicant")))
        assert {"draft", "returned", "approved"} <= mine
        assert s.scalar(select(func.count()).select_from(Case).where(Case.applicant_username == "ad_agent")) > 0
        tasks = s.scalars(select(SupervisionTask.district_code).where(SupervisionTask.state != "closed")).all()
        assert DEMO_DISTRICT in tasks
        assert s.scalar(select(func.count()).select_from(SupervisionRecord)) > s.scalar(
            select(func.count()).select_from(SupervisionTask))


@pytest.mark.module(60, 256)
def test_demo_certificates_are_signed(app):
    with db.session() as s:
        certs = s.scalars(select(Certificate).where(Certificate.number.like("%〔2025〕%")).limit(20)).all()
        assert certs
        for cert in certs:
            ok, message = verify_record(s, kind=ap.CERTIFICATE_KIND, ref=cert.number, payload=json.loads(cert.payload))
            assert ok, message
        assert s.scalar(select(func.count()).select_from(SignedRecord).where(
            SignedRecord.kind == ap.CERTIFICATE_KIND)) >= len(certs)
        # Renewals and changes point at an earlier certificate that is no longer valid.
        renewed = s.execute(select(Certificate.status).join(Case, Case.parent_certificate_id == Certificate.id)
                            .where(Case.state == "approved", Case.kind.in_(["renewal", "change"]))).scalars().all()
        assert renewed and set(renewed) <= {"expired", "changed"}
