"""Helpers of the approvals web tests: CSRF tokens, the applicant's walk through the portal and the
officers' walk through the desk, all over HTTP with the Flask test client."""
from __future__ import annotations

import json
import re
from typing import Any

from db import db
from db.approvals import Case
from workflow import approvals as ap
from workflow.catalog import catalog

_TOKEN = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')
_VERSION = re.compile(r'name="version" value="(\d+)"')
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NOT_PDF = b"MZ\x90\x00 this is an executable, not a PDF"
# The demo account acting for each step permission, and one that may not act on it.
OFFICER = {"approvals.city": "approver_city", "approvals.district": "approver_district",
           "approvals.sign": "approval_leader", "approvals.fee": "forestry_fee_officer",
           "approvals.tax": "tax_officer"}
WRONG = {"approvals.city": "tax_officer", "approvals.district": "approver_city", "approvals.sign": "approver_city",
         "approvals.fee": "approver_city", "approvals.tax": "forestry_fee_officer"}
IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"


def token(client, path: str) -> str:
    """The session's CSRF token, read from a page the client may open."""
    page = client.get(path).get_data(as_text=True)
    return _TOKEN.search(page).group(1)


def text(response) -> str:
    return response.get_data(as_text=True)


def form_data(values: dict[str, Any]) -> dict[str, str]:
    """Catalog form values as the portal's form posts them (tables as numbered row fields)."""
    out: dict[str, str] = {}
    for code, value in values.items():
        if isinstance(value, list):
            out[f"rows-{code}"] = str(len(value))
            for i, row in enumerate(value):
                for col, v in row.items():
                    out[f"f-{code}-{i}-{col}"] = v
        else:
            out[f"f-{code}"] = value
    return out


def case_of(case_id: int) -> Case:
    """The case as stored now (detached copy)."""
    with db.session() as s:
        case = s.get(Case, case_id)
        s.expunge(case)
        return case


def start(client, item: str, applicant_type: str, answers: dict[str, int], *, name: str, credit_code: str,
          district: str, phone: str = "13812345678", parent: str = "", kind: str = "", headers=None) -> int:
    """Walk the guide (checking the materials are listed before starting) and create the draft; its id."""
    args = "&".join([f"type={applicant_type}"] + [f"a.{k}={v}" for k, v in answers.items()]
                    + ([f"parent={parent}"] if parent else []) + ([f"kind={kind}"] if kind else []))
    page = client.get(f"/apply/items/{item}/guide?{args}", headers=headers)
    body = text(page)
    assert page.status_code == 200 and 'id="guide-situation"' in body, body[-800:]
    situation = re.search(r'data-situation="([a-z_]+)"', body).group(1)
    it = catalog()[item]
    for m in it.materials(situation):
        assert m.label in body  # the required materials are shown before starting
    r = client.post(f"/apply/items/{item}/start", headers=headers, data={
        "csrf_token": _TOKEN.search(body).group(1), "applicant_type": applicant_type, "situation": situation,
        "channel": "web", "applicant_name": name, "credit_code": credit_code, "district_code": district,
        "contact_phone": phone, "parent_certificate_no": parent})
    assert r.status_code == 302, text(r)[-1500:]
    return int(re.search(r"/apply/cases/(\d+)/form", r.headers["Location"]).group(1))


def save(client, case_id: int, values: dict[str, Any], action: str = "save"):
    """Post the form (save or submit) as a browser does: every field, as shown, with ``values`` typed over."""
    shown = json.loads(case_of(case_id).form or "{}")
    data = {"csrf_token": token(client, f"/apply/cases/{case_id}/form"), "action": action,
            **form_data({**shown, **values})}
    return client.post(f"/apply/cases/{case_id}/form", data=data)


def upload(client, case_id: int, code: str, name: str, data: bytes):
    """Upload one file for one material."""
    from io import BytesIO

    return client.post(f"/apply/cases/{case_id}/materials", content_type="multipart/form-data", data={
        "csrf_token": token(client, f"/apply/cases/{case_id}/form"), "code": code, "file": (BytesIO(data), name)})


def upload_all(client, case_id: int) -> None:
    """A PDF for every required material of the case."""
    case = case_of(case_id)
    for m in catalog()[case.item_code].materials(case.situation_code):
        if m.required:
            r = upload(client, case_id, m.code, f"{m.code}.pdf", PDF)
            assert r.status_code == 302, text(r)[-800:]


def act(client, case_id: int, action: str, comment: str = "同意"):
    """One desk action with the page's CSRF token and the case's version."""
    page = text(client.get(f"/admin/approvals/cases/{case_id}"))
    version = _VERSION.search(page)
    data = {"csrf_token": _TOKEN.search(page).group(1), "action": action, "comment": comment,
            "version": version.group(1) if version else str(case_of(case_id).version)}
    return client.post(f"/admin/approvals/cases/{case_id}/act", data=data)


def walk(clients, case_id: int, *, stop_before: str | None = None, check_wrong: bool = True) -> list[tuple[str, str]]:
    """Move the case step by step through the desk, each step by its officer (and a wrong role refused
    first); returns (step label, officer) pairs."""
    done = []
    while True:
        case = case_of(case_id)
        step = ap.current_step(case)
        if case.state != "in_progress" or step is None or step.code == stop_before:
            return done
        officer = OFFICER[step.permission]
        if check_wrong:
            move = "complete" if step.kind == "completion" else "advance"
            wrong = act(clients(WRONG[step.permission]), case_id, move)
            assert wrong.status_code == 409 and "您无权办理" in text(wrong), (step.label, text(wrong)[-600:])
        client = clients(officer)
        if step.kind == "fee_assessment":
            r = client.post(f"/admin/approvals/cases/{case_id}/fee",
                            data={"csrf_token": token(client, f"/admin/approvals/cases/{case_id}")})
        elif step.kind == "payment_confirmation":
            r = client.post(f"/admin/approvals/cases/{case_id}/payment", data={
                "csrf_token": token(client, f"/admin/approvals/cases/{case_id}"), "tax_reference": "税票 3100260300123"})
        else:
            r = act(client, case_id, "complete" if step.kind == "completion" else "advance")
        assert r.status_code == 302, (step.label, text(r)[-800:])
        done.append((step.label, officer))
