"""The One-Netcom intake API (mode three): cases arrive in the signed, encrypted envelope and pass the
portal's validation; replayed and tampered envelopes are refused; the sender's case id makes it idempotent."""
from __future__ import annotations

import base64

import pytest
from sqlalchemy import func, select

from api.auth import register_client
from db import db
from db.approvals import Case, CaseMaterial
from security import keys
from security.envelope import seal
from security.sm import sm2_generate_keypair, sm2_sign
from tests.approvals.helpers import PDF, XUHUI, uscc
from tests.approvals.test_walks import PQ_FORM

CLIENT = "ywtb-intake"


@pytest.fixture(scope="module")
def ywtb(app):
    """The One-Netcom client: its SM2 key pair, registered as an integration client, and a bearer token."""
    private, public = sm2_generate_keypair()
    with db.session() as s:
        register_client(s, client_id=CLIENT, name="一网通办（收件测试）", public_key=public)
    client = app.server.test_client()
    ch = client.post("/api/v1/auth/challenge", json={"client_id": CLIENT}).get_json()["challenge"]
    sig = base64.b64encode(sm2_sign(private, ch.encode("ascii"))).decode()
    token = client.post("/api/v1/auth/token", json={"client_id": CLIENT, "challenge": ch, "signature": sig}
                        ).get_json()["access_token"]
    return {"private": private, "headers": {"Authorization": f"Bearer {token}"}, "client": client}


def _case(sender_case_id: str, **changes) -> dict:
    pdf = base64.b64encode(PDF).decode()
    payload = {"sender_case_id": sender_case_id, "item_code": "plant_quarantine", "situation": "with_origin_certificate",
               "applicant_type": "enterprise", "applicant_name": "上海申绿苗木有限公司", "credit_code": uscc(4401),
               "district_code": XUHUI, "contact_phone": "13812345678", "form": dict(PQ_FORM),
               "materials": [{"code": "application_form", "filename": "申请表.pdf", "content_base64": pdf},
                             {"code": "origin_certificate", "filename": "产地检疫合格证.pdf", "content_base64": pdf}]}
    payload.update(changes)
    return payload


def _post(ywtb, payload: dict, env: dict | None = None):
    env = env or seal(payload, sender_id=CLIENT, sender_private=ywtb["private"],
                      recipient_public=keys.current().sm2_public)
    return ywtb["client"].post("/api/v1/approvals/cases", json=env, headers=ywtb["headers"])


@pytest.mark.module(57, 62)
def test_valid_case_accepted_and_status_readable(ywtb):
    r = _post(ywtb, _case("YW20260001"))
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["state"] == "in_progress" and body["created"] is True
    with db.session() as s:
        case = s.scalar(select(Case).where(Case.case_no == body["case_no"]))
        assert (case.channel, case.applicant_username, case.current_step) == ("api", f"api:{CLIENT}:YW20260001",
                                                                              "receipt")
        assert s.scalar(select(func.count()).select_from(CaseMaterial).where(CaseMaterial.case_id == case.id)) == 2
    status = ywtb["client"].get(f"/api/v1/approvals/cases/{body['case_no']}", headers=ywtb["headers"]).get_json()
    assert (status["state_label"], status["step"], status["sender_case_id"]) == ("办理中", "收件", "YW20260001")
    assert ywtb["client"].get("/api/v1/approvals/cases/AP2000", headers=ywtb["headers"]).status_code == 404


@pytest.mark.module(57)
def test_invalid_case_refused_with_field_errors(ywtb):
    form = {**PQ_FORM, "contact_phone": "12345", "quantity": "多"}
    r = _post(ywtb, _case("YW20260002", form=form, materials=[]))
    assert r.status_code == 422
    body = r.get_json()
    assert body["errors"]["contact_phone"] == "联系电话须为有效的手机号码或固定电话"
    assert "须为数字" in body["errors"]["quantity"]
    assert len(body["missing_materials"]) == 2
    bad = _post(ywtb, _case("YW20260003", materials=[{"code": "application_form", "filename": "a.pdf",
                                                     "content_base64": "不是base64"}]))
    assert bad.status_code == 422 and "Base64" in bad.get_json()["errors"]["materials[0]"]
    exe = base64.b64encode(b"MZ\x90\x00" + b"\x00" * 60).decode()
    fake = _post(ywtb, _case("YW20260004", materials=[{"code": "application_form", "filename": "申请表.pdf",
                                                      "content_base64": exe}]))
    assert fake.status_code == 422 and "：" in fake.get_json()["error"]  # "<material label>：<why>"
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Case).where(
            Case.applicant_username.in_([f"api:{CLIENT}:YW2026000{n}" for n in (2, 3, 4)]))) == 0


@pytest.mark.module(62)
def test_replayed_and_tampered_envelopes_refused(ywtb):
    env = seal(_case("YW20260005"), sender_id=CLIENT, sender_private=ywtb["private"],
               recipient_public=keys.current().sm2_public)
    assert _post(ywtb, {}, env).status_code == 201
    replay = _post(ywtb, {}, env)
    assert replay.status_code == 409 and replay.get_json()["code"] == "replay"
    env2 = seal(_case("YW20260006"), sender_id=CLIENT, sender_private=ywtb["private"],
                recipient_public=keys.current().sm2_public)
    body = env2["body"]
    tampered = dict(env2, body=body[:10] + ("A" if body[10] != "A" else "B") + body[11:])  # one byte changed
    r = _post(ywtb, {}, tampered)
    assert r.status_code == 401 and r.get_json()["code"] == "bad_signature"
    other_private, _ = sm2_generate_keypair()
    forged = seal(_case("YW20260007"), sender_id=CLIENT, sender_private=other_private,
                  recipient_public=keys.current().sm2_public)
    assert _post(ywtb, {}, forged).status_code == 401
    assert ywtb["client"].post("/api/v1/approvals/cases", json=env2).status_code == 401  # no token


@pytest.mark.module(62)
def test_same_sender_case_id_twice_gives_one_case(ywtb):
    first = _post(ywtb, _case("YW20260008"))
    second = _post(ywtb, _case("YW20260008"))
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.get_json() == {"case_no": first.get_json()["case_no"], "state": "in_progress", "created": False}
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Case).where(
            Case.applicant_username == f"api:{CLIENT}:YW20260008")) == 1


@pytest.mark.module(62)
def test_same_sender_case_id_at_the_same_moment_gives_one_case(ywtb, monkeypatch):
    """Two requests with one sender case id both pass the look-up before either has created the case: the
    unique intake key lets only one create it; the other answers with that case."""
    import api.v1 as v1

    first = _post(ywtb, _case("YW20260009"))
    assert first.status_code == 201
    real, calls = v1._intake_case, []

    def racing(key):  # the look-up before creating misses, as it would for a request running alongside
        calls.append(key)
        return None if len(calls) == 1 else real(key)

    monkeypatch.setattr(v1, "_intake_case", racing)
    second = _post(ywtb, _case("YW20260009"))
    assert second.status_code == 200 and len(calls) == 2
    assert second.get_json() == {"case_no": first.get_json()["case_no"], "state": "in_progress", "created": False}
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Case).where(Case.intake_key == f"{CLIENT}:YW20260009")) == 1
        assert s.scalar(select(func.count()).select_from(Case).where(
            Case.applicant_username == f"api:{CLIENT}:YW20260009")) == 1
