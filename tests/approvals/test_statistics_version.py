"""Every case move (a draft, a material, a state change) bumps the approvals data version at commit, so the
statistics page's cached reads and memoised callbacks show it at once (they were stale for up to an hour)."""
from __future__ import annotations

import pytest

from db import db
from db.approvals import Case
from queries import data_version
from tests.approvals.helpers import NOW, OFFICERS, XUHUI, actor, fill, uscc
from tests.approvals.test_walks import SEED_FORM
from workflow import approvals as ap


@pytest.mark.module(58, 64)
def test_case_moves_bump_the_statistics_version(app):
    with app.server.app_context():
        before = data_version("approvals")
        who = actor("applicant", "stat_version")
        with db.session() as s:
            case = ap.create_draft(s, who, item_code="seed_license", applicant_type="enterprise",
                                   applicant_name="上海林种统计测试公司", credit_code=uscc(901), district_code=XUHUI,
                                   situation="new", contact_phone="13700001234", now=NOW)
            fill(s, who, case, SEED_FORM)
            assert data_version("approvals") == before
        assert data_version("approvals") == before + 1
        with db.session() as s:
            ap.submit(s, who, case.id, now=NOW)  # a state change alone (no other audited step)
        assert data_version("approvals") == before + 2
        with db.session() as s:
            case = s.get(Case, case.id)
            ap.act(s, OFFICERS[ap.current_step(case).permission], case.id, "advance", now=NOW)
        assert data_version("approvals") == before + 3
