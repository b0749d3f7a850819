"""The step rollup behind the statistics page's step durations: kept by the engine as each step finishes
(known working days), always equal to a recount from the steps, and what ``queries.approvals.step_days``
reports."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from db import db
from db.approvals import CaseStep, StepRollup
from queries import approvals as q
from tests.approvals.helpers import NOW, OFFICERS, XUHUI, actor, fill, uscc
from tests.approvals.test_walks import SEED_FORM
from workflow import approvals as ap


def _table() -> dict[tuple, tuple[int, int]]:
    with db.engine.connect() as conn:
        return {(r.month, r.item_code, r.district_code, r.label): (r.steps, r.work_days)
                for r in conn.execute(select(StepRollup))}


@pytest.mark.module(58, 64)
def test_finished_steps_are_counted_with_their_working_days(app):
    with app.server.app_context():
        before = _table()
        with db.session() as s:
            who = actor("applicant", "rollup_applicant")
            case = ap.create_draft(s, who, item_code="seed_license", applicant_type="enterprise",
                                   applicant_name="上海林种汇总测试公司", credit_code=uscc(902), district_code=XUHUI,
                                   situation="new", contact_phone="13700001234", now=NOW)
            fill(s, who, case, SEED_FORM)
            ap.submit(s, who, case.id, now=NOW)  # Monday 2 March 2026, 09:00: the first step starts
            first = s.scalar(select(CaseStep).where(CaseStep.case_id == case.id).order_by(CaseStep.seq))
            officer = OFFICERS[ap.current_step(case).permission]
            ap.act(s, officer, case.id, "advance", now=NOW + timedelta(days=2, hours=1))  # Wednesday
            label = first.label
        after = _table()
        key = (date(2026, 3, 1), "seed_license", XUHUI, label)
        old = before.get(key, (0, 0))
        assert after[key] == (old[0] + 1, old[1] + 2)  # Mon → Wed: two working days
        assert {k: v for k, v in after.items() if k != key} == {k: v for k, v in before.items() if k != key}
        assert ap.step_work_days(date(2026, 3, 6), date(2026, 3, 9)) == 1  # Friday → Monday
        assert ap.step_work_days(date(2026, 9, 30), date(2026, 10, 7)) == 0  # the National Day holiday
        assert ap.step_work_days(date(2026, 9, 30), date(2026, 10, 8)) == 1  # back at work on Thursday 8 October
        assert ap.step_work_days(date(2026, 3, 2), date(2026, 3, 2)) == 0


def test_the_rollup_equals_a_recount_and_feeds_the_statistics(app):
    with app.server.app_context():
        kept = _table()
        with db.engine.begin() as conn:
            rows = ap.rebuild_step_rollup(conn)
        assert _table() == kept and rows == len(kept) > 0
        steps = q.step_days(2026)
        expected: dict[str, list[int]] = {}
        for (month, _item, _district, label), (n, days) in kept.items():
            if month.year == 2026:
                expected.setdefault(label, [0, 0])
                expected[label][0] += n
                expected[label][1] += days
        got = steps.set_index("label")
        assert set(got.index) == set(expected)
        for label, (n, days) in expected.items():
            assert got.at[label, "steps"] == n and got.at[label, "avg_days"] == round(days / n, 2)
        assert list(steps.avg_days) == sorted(steps.avg_days, reverse=True)
