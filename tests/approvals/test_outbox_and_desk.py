"""Case-library events are written in the caller's transaction (a rollback leaves none); the desk's
to-do list shows each officer the steps of their permission and district, earliest due first."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from db import db
from tests.approvals.helpers import NOW, PUDONG, XUHUI, actor, fill, uscc, walk
from tests.approvals.test_walks import PQ_FORM, SEED_FORM
from workflow import approvals as ap


def _count(key_prefix: str) -> int:
    with db.session() as s:
        return s.execute(text("SELECT COUNT(*) FROM integration_outbox WHERE key LIKE :k"),
                         {"k": f"{key_prefix}%"}).scalar_one()


@pytest.mark.module(66, 72)
def test_outbox_event_commits_or_rolls_back_with_the_step(app):
    who = actor("applicant", "tx_applicant")
    with app.server.app_context():
        with db.session() as s:
            case = ap.create_draft(s, who, item_code="plant_quarantine", applicant_type="individual",
                                   applicant_name="张苗农", credit_code="110101199003074477", district_code=XUHUI,
                                   situation="field_inspection", contact_phone="13812345678", now=NOW)
            fill(s, who, case, {**PQ_FORM, "inspection_address": "徐汇区华泾镇苗圃"})
            case_id, case_no = case.id, case.case_no
        session = db._sessionmaker()
        with session.begin():
            ap.submit(session, who, case_id, now=NOW)
            assert session.execute(text("SELECT COUNT(*) FROM integration_outbox WHERE key LIKE :k"),
                                   {"k": f"{case_no}%"}).scalar_one() == 1  # written in the same transaction
            session.rollback()
        session.close()
        assert _count(case_no) == 0
        with db.session() as s:
            assert s.get(ap.Case, case_id).state == "draft"
            ap.submit(s, who, case_id, now=NOW)
        assert _count(case_no) == 1
        with db.session() as s:
            ap.act(s, actor("approver_district"), case_id, "advance", now=NOW)
        assert _count(case_no) == 2


@pytest.mark.module(58, 64, 77)
def test_desk_todos_by_permission_and_district(s):
    who = actor("applicant", "desk_applicant")
    cases = {}
    for n, (district, item) in enumerate([(XUHUI, "plant_quarantine"), (PUDONG, "plant_quarantine"),
                                          (XUHUI, "seed_license")]):
        situation = "with_origin_certificate" if item == "plant_quarantine" else "new"
        case = ap.create_draft(s, who, item_code=item, applicant_type="enterprise", applicant_name=f"上海待办测试{n}",
                               credit_code=uscc(200 + n), district_code=district, situation=situation,
                               contact_phone="13812345678", now=NOW)
        fill(s, who, case, PQ_FORM if item == "plant_quarantine" else SEED_FORM)
        ap.submit(s, who, case.id, now=NOW)
        cases[(district, item)] = case
    xuhui = ap.desk_todos(s, actor("approver_district"), None, item="plant_quarantine", today=date(2026, 3, 2))
    assert cases[(XUHUI, "plant_quarantine")].case_no in [r.case_no for r in xuhui]
    assert cases[(PUDONG, "plant_quarantine")].case_no not in [r.case_no for r in xuhui]  # another district
    row = next(r for r in xuhui if r.case_no == cases[(XUHUI, "plant_quarantine")].case_no)
    assert (row.item_name, row.step_label, row.step_due, row.overdue, row.warning) == (
        "省内调运林草植物检疫证书核发", "收件", date(2026, 3, 3), False, True)
    pudong = ap.desk_todos(s, actor("approver_district", "pd", PUDONG), XUHUI, item="plant_quarantine",
                           today=date(2026, 3, 2))
    assert [r.case_no for r in pudong if r.case_no in {c.case_no for c in cases.values()}] == [
        cases[(PUDONG, "plant_quarantine")].case_no]  # the district argument cannot widen a district scope
    city = ap.desk_todos(s, actor("approver_city"), XUHUI, item="seed_license", today=date(2026, 3, 2))
    assert cases[(XUHUI, "seed_license")].case_no in [r.case_no for r in city]
    assert ap.desk_todos(s, actor("applicant"), None) == []
    late = ap.desk_todos(s, actor("approver_city"), XUHUI, item="seed_license", overdue_only=True,
                         today=date(2026, 3, 10))
    assert cases[(XUHUI, "seed_license")].case_no in [r.case_no for r in late] and all(r.overdue for r in late)
    assert ap.desk_todos(s, actor("approver_city"), XUHUI, item="seed_license", overdue_only=True,
                         today=date(2026, 3, 2)) == []
    walk(s, cases[(XUHUI, "seed_license")], stop_before="site_check")
    moved = ap.desk_todos(s, actor("approver_district"), None, item="seed_license", today=date(2026, 3, 2))
    assert cases[(XUHUI, "seed_license")].case_no in [r.case_no for r in moved]  # now at the district site check
