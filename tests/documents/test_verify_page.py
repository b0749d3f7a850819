"""The public verify page a QR code opens: 有效 for a signed record, 无效 once the payload is tampered with,
no sign-in needed, and identifiers masked."""
from __future__ import annotations

import secrets

import pytest

from admin import verify
from db import db
from security.signing import sign_record

KIND = "test.certificate"


@pytest.fixture()
def record(monkeypatch, app):
    """A signed certificate payload served through a registered lookup; the dict can be tampered with."""
    number = f"沪林检〔2026〕{secrets.randbelow(10**6):06d}号-{secrets.token_hex(2)}"
    payload = {"number": number, "certificate": "植物检疫证书（省内）", "holder": "上海申绿苗木有限公司",
               "holder_credit_code": "91310115MA1H7XYZ8K", "plant_name": "香樟", "quantity": "120",
               "contact_phone": "13800138000", "issued_on": "2026-03-09", "valid_until": "2026-03-18"}
    store = {number: payload}
    monkeypatch.setitem(verify.PAYLOAD_LOOKUPS, KIND, lambda session, ref: store.get(ref))
    with db.session() as s:
        sign_record(s, kind=KIND, ref=number, payload=dict(payload), actor="approver_city", source_ip="127.0.0.1")
    return number, payload


@pytest.mark.module(59)
def test_signed_record_shows_valid_without_sign_in(client, record):
    number, _ = record
    r = client.get(f"/verify/{KIND}/{number}")
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "有效" in html and "无效" not in html and "签名有效" in html
    assert number in html and "上海申绿苗木有限公司" in html and "香樟" in html
    assert "91310115MA1H7XYZ8K" not in html and "913101********YZ8K" in html  # masked
    assert "13800138000" not in html  # unlisted fields never shown


def test_tampered_payload_shows_invalid(client, record):
    number, payload = record
    payload["quantity"] = "1200"
    r = client.get(f"/verify/{KIND}/{number}")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "无效" in html and "已被修改" in html
    assert "1200" not in html  # a tampered record's fields are not shown


def test_unknown_records_and_kinds_are_invalid(client, record):
    number, _ = record
    assert "无效" in client.get(f"/verify/{KIND}/沪林检〔2026〕999999号-x").get_data(as_text=True)
    r = client.get(f"/verify/no.such.kind/{number}")
    assert r.status_code == 404 and "未找到" in r.get_data(as_text=True)
