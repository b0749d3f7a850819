"""Shared helpers of the approvals engine tests: actors per role, valid codes, filling and walking a case."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from security.rbac import ROLES
from workflow import Actor
from workflow import approvals as ap
from workflow.catalog import catalog

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)  # a Monday, a working day
XUHUI, PUDONG = "310104", "310115"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
_USCC = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_W = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def actor(role: str, username: str | None = None, district: str | None = XUHUI) -> Actor:
    """An actor holding the role's permissions (district-scoped roles act for ``district``)."""
    r = ROLES[role]
    return Actor(username or role, frozenset(r.permissions), "127.0.0.1", district if r.district_scoped else None)


def uscc(n: int) -> str:
    """A valid unified social credit code (GB 32100-2015) built from ``n``."""
    base = f"91310104{n:09d}"
    total = sum(_USCC.index(c) * w for c, w in zip(base, _W))
    return base + _USCC[(31 - total % 31) % 31]


OFFICERS = {"approvals.city": actor("approver_city"), "approvals.district": actor("approver_district"),
            "approvals.sign": actor("approval_leader"), "approvals.fee": actor("forestry_fee_officer"),
            "approvals.tax": actor("tax_officer")}


def fill(s, who: Actor, case, form: dict, now: datetime = NOW) -> None:
    """Save the form and upload a PDF for every required material."""
    ap.save_draft(s, who, case.id, form, now=now)
    item = catalog()[case.item_code]
    for m in item.materials(case.situation_code):
        if m.required:
            ap.add_material(s, who, case.id, m.code, f"{m.label}.pdf", PDF, now=now)


def walk(s, case, now: datetime = NOW, *, stop_before: str | None = None) -> list[tuple[str, str]]:
    """Advance a case step by step with the officer each step names, until completion (or ``stop_before``).

    Returns (step label, officer) pairs. Fee and payment steps go through their own services."""
    done = []
    while case.state == "in_progress":
        step = ap.current_step(case)
        if step.code == stop_before:
            break
        officer = OFFICERS[step.permission]
        now = now + timedelta(hours=1)
        if step.kind == "completion":
            ap.act(s, officer, case.id, "complete", now=now)
        elif step.kind == "fee_assessment":
            ap.assess_fee(s, officer, case.id, now=now)
        elif step.kind == "payment_confirmation":
            ap.confirm_payment(s, officer, case.id, tax_reference="税票 3100260300123", now=now)
        else:
            ap.act(s, officer, case.id, "advance", comment="同意", now=now)
        done.append((step.label, officer.username))
    return done
