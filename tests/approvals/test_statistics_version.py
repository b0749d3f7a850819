"""Every audited case move bumps the approvals data version at commit, so the statistics page's cached
reads and memoised callbacks show the move at once (they were stale for up to an hour before)."""
from __future__ import annotations

import pytest

from db import db
from queries import data_version
from tests.approvals.helpers import NOW, XUHUI, actor, uscc
from workflow import approvals as ap


@pytest.mark.module(58, 64)
def test_case_moves_bump_the_statistics_version(app):
    with app.server.app_context():
        before = data_version("approvals")
        with db.session() as s:
            ap.create_draft(s, actor("applicant", "stat_version"), item_code="seed_license",
                            applicant_type="enterprise", applicant_name="上海林种统计测试公司", credit_code=uscc(901),
                            district_code=XUHUI, situation="new", contact_phone="13700001234", now=NOW)
            assert data_version("approvals") == before
        assert data_version("approvals") == before + 1
