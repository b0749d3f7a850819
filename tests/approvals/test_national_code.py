"""A plant quarantine certificate travels through the outbox to the national forestry administration (its
local stub), whose answer writes the national unique code back; the certificate's QR address opens the public
verify page, which checks the SM2 signature."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlparse

import pytest
from sqlalchemy import select

from db import db
from db.approvals import Certificate
from integrations.adapters import default_adapters
from integrations.outbox import deliver
from tests.approvals.helpers import NOW, XUHUI, actor, fill, uscc, walk
from tests.approvals.test_walks import PQ_FORM
from workflow import approvals as ap


@pytest.mark.module(59, 60)
def test_national_code_arrives_through_the_outbox_and_the_qr_page_verifies(app):
    applicant = actor("applicant", "pq_national")
    with app.server.app_context(), db.session() as s:
        case = ap.create_draft(s, applicant, item_code="plant_quarantine", applicant_type="enterprise",
                               applicant_name="上海龙吴苗木有限公司", credit_code=uscc(77), district_code=XUHUI,
                               answers={"origin_certificate": 0}, contact_phone="13812340077", now=NOW)
        fill(s, applicant, case, PQ_FORM)
        ap.submit(s, applicant, case.id, now=NOW)
        walk(s, case)
        case_id = case.id
    with db.session() as s:
        cert = s.scalar(select(Certificate).where(Certificate.case_id == case_id))
        number, before = cert.number, cert.national_code
    assert before is None

    client = app.server.test_client()

    def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> tuple[int, bytes]:
        r = client.post(urlparse(url).path, data=body, headers=headers)
        return r.status_code, r.data

    deliver(db.session, default_adapters("http://stub.invalid", post), now=NOW + timedelta(days=1), batch=1000)
    with db.session() as s:
        code = s.scalar(select(Certificate.national_code).where(Certificate.number == number))
    assert code and code.startswith("LC") and len(code) == 20

    page = client.get(f"/verify/{ap.CERTIFICATE_KIND}/{number}").get_data(as_text=True)
    assert "有效" in page and "香樟" in page and "13812340077" not in page
