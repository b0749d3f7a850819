"""The approvals engine (issue 6): cases of the catalog's items from draft to completion.

Every public function takes a Session and an ``Actor`` and works in the caller's transaction: the change,
its audit record, its workflow history, its to-dos and messages and its outbox events (case-library sync
at every step, the national forestry push, the One-Netcom push) commit together or not at all.

A case moves through the steps of its situation's flow (workflow/catalog). The acting permission and the
level of the current step are kept on the case: a district-level step may only be handled by a holder of
the step's permission in the case's district. Deadlines count working days (analytics.workdays): each step
has its own due date, the case its legal limit from acceptance; suspension and return for correction stop
the clock and move both due dates by the working days that passed.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import uuid4
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from db.approvals import (RECORD_KINDS, SITE_STATUSES, SUPERVISION_STATES, AdSite, Case, CaseMaterial, CaseStep,
                          Certificate, Document, FeeAssessment, Species, StepRollup, SupervisionRecord,
                          SupervisionTask)
from db import conflict_insert
from db.meta import touch
from db.reference import District
from integrations.outbox import ON_DELIVERED, enqueue
from security import audit
from security.signing import sign_record
from security.sm import sm3
from security.uploads import UploadRejected, check_upload, safe_filename, store_file
from workflow import Actor, StateMachine, Transition, TransitionRefused, inbox, transition
from workflow import documents
from workflow.catalog import Item, Situation, Step, SubItem, catalog, field_errors, valid_idcode
from analytics.workdays import CalendarUnknown, add_workdays, workdays_between

__all__ = [
    "ApprovalError", "SubmitRefused", "MACHINE", "STATES", "ITEM_TYPE", "CERTIFICATE_KIND", "DECISION_KIND",
    "create_draft", "save_draft", "validate", "add_material", "remove_material", "missing", "submit", "act",
    "edit_draft", "assess_fee", "confirm_payment", "set_national_code", "certificate_payload",
    "add_supervision_record", "save_ad_site", "save_species", "desk_todos", "overdue", "warning",
    "current_step", "FOREST_FEE_RATES", "rebuild_step_rollup", "step_work_days",
]

ITEM_TYPE = "ap_case"
DATASET = "approvals"  # the data version the statistics are cached under (queries.approvals)
CERTIFICATE_KIND = "approvals.certificate"
DECISION_KIND = "approvals.decision"
FEE_NOTICE_KIND = "approvals.fee_notice"
ISSUER = "上海市绿化和市容管理局"
SHANGHAI = ZoneInfo("Asia/Shanghai")

STATES = {
    "draft": "草稿",
    "in_progress": "办理中",
    "returned": "补正中",
    "suspended": "中止",
    "parallel": "并联审批中",
    "approved": "准予许可（已办结）",
    "rejected": "不予许可",
    "not_accepted": "不予受理",
    "terminated": "终止办理",
    "withdrawn": "已撤回",
}
OPEN = ("in_progress", "returned", "suspended")  # under way; ended with a failed composite (terminate)
ACTIVE = OPEN + ("parallel",)
APPLY = ("approvals.apply", "api.intake")
STAFF = ("approvals.city", "approvals.district", "approvals.sign", "approvals.fee", "approvals.tax")
# Forest vegetation restoration fee, yuan per m² by land type (财税〔2015〕122号 art. 2: 乔木林地、竹林地
# 10 元; 灌木林地、疏林地、未成林造林地 6 元; 宜林地 3 元; 苗圃地 as 乔木林地); public-welfare forest land
# (国家和省级公益林) is charged twice the standard (art. 3).
FOREST_FEE_RATES = {"乔木林地": 10.0, "竹林地": 10.0, "苗圃地": 10.0, "灌木林地": 6.0, "疏林地": 6.0,
                    "未成林造林地": 6.0, "宜林地": 3.0}
PUBLIC_WELFARE_FACTOR = 2.0
SUPERVISION_MONTHS = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}
SUPERVISION_NEXT = {  # record kind → (states it may follow, state after)
    "inspection": (("open", "rectifying"), None),
    "finding": (("open",), "rectifying"),
    "rectification": (("rectifying",), "open"),
    "closure": (("open",), "closed"),
}


class ApprovalError(Exception):
    """A refused request; ``message`` (Chinese) can be shown to the user as is."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class SubmitRefused(ApprovalError):
    """Submission refused: the form has errors or required materials are missing."""

    def __init__(self, errors: dict[str, str], missing_materials: list[str]) -> None:
        self.errors = errors
        self.missing_materials = missing_materials
        parts = list(errors.values()) + [f"缺少材料：{m}" for m in missing_materials]
        super().__init__("不能提交：" + "；".join(parts))


# ---------------------------------------------------------------- small helpers
def _now(now: datetime | None) -> datetime:
    return now or datetime.now(timezone.utc)


def _today(now: datetime) -> date:
    return now.astimezone(SHANGHAI).date() if now.tzinfo else now.date()


def _form(case: Case) -> dict[str, Any]:
    return json.loads(case.form or "{}")


def _spec(case: Case) -> tuple[Item, SubItem, Situation]:
    item = catalog()[case.item_code]
    sub, sit = item.find(case.situation_code)
    return item, sub, sit


def current_step(case: Case) -> Step | None:
    """The catalog step the case stands at (None for drafts and closed cases)."""
    if case.current_step is None:
        return None
    item, _, _ = _spec(case)
    return next((s for s in item.steps(case.situation_code) if s.code == case.current_step), None)


def _next_step(case: Case) -> Step | None:
    item, _, _ = _spec(case)
    steps = item.steps(case.situation_code)
    codes = [s.code for s in steps]
    if case.current_step is None:
        return steps[0]
    i = codes.index(case.current_step)
    return steps[i + 1] if i + 1 < len(steps) else None


def _audit(session: Session, actor: Actor, action: str, object_id: Any, detail: dict | None = None,
           now: datetime | None = None) -> None:
    audit.append(session, username=actor.username, source_ip=actor.source_ip, action=f"approvals.{action}",
                 object_type=ITEM_TYPE, object_id=str(object_id), detail=detail or {}, now=now)
    touch(session, DATASET)  # the statistics' cached reads miss after this transaction


def _get(session: Session, case_id: int, expected_version: int | None = None) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise ApprovalError("办件不存在")
    if expected_version is not None and case.version != expected_version:
        raise ApprovalError("办件已被他人处理，请刷新后重试")
    return case


def _own(case: Case, actor: Actor) -> None:
    if not any(p in actor.permissions for p in APPLY):
        raise ApprovalError("您无权办理申请")
    if case.applicant_username != actor.username:
        raise ApprovalError("只能操作本人提交的办件")


def _authorise_step(session: Session, case: Case, actor: Actor) -> Step:
    """The current step, if ``actor`` may act on it (its permission, and its district for district steps)."""
    step = current_step(case)
    if step is None:
        raise TransitionRefused(f"当前状态为“{STATES[case.state]}”，没有待办理的环节")
    if step.permission not in actor.permissions:
        raise TransitionRefused(f"您无权办理“{step.label}”环节")
    if step.level == "district" and actor.district_code != case.district_code:
        name = session.get(District, case.district_code)
        raise TransitionRefused(f"该办件由{name.name if name else case.district_code}办理，不在您的辖区")
    return step


def _write(case: Case, name: str, data: bytes) -> str:
    from flask import current_app

    return store_file(current_app.instance_path, data, "approvals", case.case_no, name)


def _sync(session: Session, case: Case, action: str, actor: Actor, now: datetime) -> None:
    """The case-library event of one step (idempotency key: case number and event sequence); every state
    change passes here, so it also marks the statistics' data as changed."""
    touch(session, DATASET)
    case.sync_seq += 1
    item, sub, sit = _spec(case)
    step = current_step(case)
    enqueue(session, now=now, topic="case_library", key=f"{case.case_no}:{case.sync_seq}", payload={
        "case_no": case.case_no, "item_code": case.item_code, "item_name": item.name, "sub_item": sub.name,
        "situation": sit.name, "kind": case.kind, "action": action, "state": case.state,
        "state_label": STATES[case.state], "step": case.current_step, "step_label": step.label if step else None,
        "actor": actor.username, "at": now.isoformat(), "district_code": case.district_code,
        "applicant_name": case.applicant_name, "credit_code": case.applicant_credit_code,
        "channel": case.channel, "due_date": case.due_date.isoformat() if case.due_date else None})


def _tell_applicant(session: Session, case: Case, title: str, body: str = "") -> None:
    inbox.send_message(session, username=case.applicant_username, title=f"{title}（{case.case_no}）", body=body,
                       link=f"/apply/cases/{case.id}")


# ---------------------------------------------------------------- the state machine
def _step_kind(case: Case) -> str | None:
    step = current_step(case)
    return step.kind if step else None


def _advance_guard(session: Session, case: Case) -> str | None:
    kind = _step_kind(case)
    if kind == "completion":
        return "本环节为办结，请执行“办结”"
    if kind == "fee_assessment":
        fee = session.scalar(select(FeeAssessment).where(FeeAssessment.case_id == case.id))
        return None if fee is not None and fee.sealed else "尚未核定森林植被恢复费"
    if kind == "payment_confirmation":
        fee = session.scalar(select(FeeAssessment).where(FeeAssessment.case_id == case.id))
        return None if fee is not None and fee.paid else "税务部门尚未确认缴费"
    return None


def _advance_target(session: Session, case: Case) -> str:
    step = _next_step(case)
    return "parallel" if step is not None and step.kind == "parallel" else "in_progress"


def _complete_guard(session: Session, case: Case) -> str | None:
    return None if _step_kind(case) == "completion" else "尚未到办结环节"


def _not_accept_guard(session: Session, case: Case) -> str | None:
    return None if _step_kind(case) in ("receipt", "acceptance") else "已受理的办件不能“不予受理”，请作“不予许可”"


def _reject_guard(session: Session, case: Case) -> str | None:
    if _step_kind(case) in ("receipt", "acceptance"):
        return "尚未受理的办件不能“不予许可”，请作“不予受理”或“退回补正”"
    return None


def _return_guard(session: Session, case: Case) -> str | None:
    if _step_kind(case) in ("receipt", "acceptance", "review", "expert_review"):
        return None
    return "本环节不能退回补正"


def _components_done(session: Session, case: Case) -> str | None:
    states = list(session.scalars(select(Case.state).where(Case.composite_parent_id == case.id)))
    waiting = sum(s != "approved" for s in states)
    return f"尚有 {waiting} 个组成事项未办结" if waiting or not states else None


def _parent_failed(session: Session, case: Case) -> str | None:
    parent = session.get(Case, case.composite_parent_id) if case.composite_parent_id else None
    return None if parent is not None and parent.state == "rejected" else "仅在并联审批未通过时终止组成事项"


def _component_failed(session: Session, case: Case) -> str | None:
    states = set(session.scalars(select(Case.state).where(Case.composite_parent_id == case.id)))
    return None if states & {"rejected", "not_accepted", "withdrawn"} else "各组成事项均未被否决"


MACHINE = StateMachine(ITEM_TYPE, STATES, [
    Transition("submit", "提交申请", ("draft",), "in_progress", APPLY),
    Transition("resubmit", "补正后重新提交", ("returned",), "in_progress", APPLY),
    Transition("withdraw", "撤回申请", ("draft",) + OPEN, "withdrawn", APPLY),
    Transition("advance", "审核通过", ("in_progress",), _advance_target, STAFF, guard=_advance_guard),
    Transition("return", "退回补正", ("in_progress",), "returned", STAFF, guard=_return_guard, needs_comment=True),
    Transition("not_accept", "不予受理", ("in_progress",), "not_accepted", STAFF, guard=_not_accept_guard,
               needs_comment=True),
    Transition("reject", "不予许可", ("in_progress",), "rejected", STAFF, guard=_reject_guard, needs_comment=True),
    Transition("suspend", "中止办理", ("in_progress",), "suspended", STAFF, needs_comment=True),
    Transition("resume", "恢复办理", ("suspended",), "in_progress", STAFF),
    Transition("complete", "办结", ("in_progress",), "approved", STAFF, guard=_complete_guard),
    Transition("join", "并联审批完成", ("parallel",), "in_progress", STAFF, guard=_components_done),
    Transition("fail", "并联审批未通过", ("parallel",), "rejected", STAFF, guard=_component_failed),
    Transition("terminate", "终止办理", OPEN, "terminated", STAFF, guard=_parent_failed),
])


# ---------------------------------------------------------------- steps and deadlines
def _start_step(session: Session, case: Case, step: Step, now: datetime) -> None:
    """Open ``step``: its row, its due date, the case's pointers and a to-do for the acting permission."""
    seq = (session.scalar(select(func.max(CaseStep.seq)).where(CaseStep.case_id == case.id)) or 0) + 1
    due = add_workdays(_today(now), step.days)
    session.add(CaseStep(case_id=case.id, seq=seq, step=step.code, label=step.label, permission=step.permission,
                         started_at=now, due=due))
    case.current_step, case.step_permission, case.level, case.step_due = step.code, step.permission, step.level, due
    item, _, _ = _spec(case)
    inbox.add_todo(session, title=f"{item.name}·{step.label}：{case.case_no} {case.applicant_name}",
                   link=f"/admin/approvals/cases/{case.id}", item_type=ITEM_TYPE, item_id=case.id,
                   permission=step.permission)


def _finish_step(session: Session, case: Case, actor: Actor, outcome: str, comment: str | None,
                 now: datetime) -> None:
    """Close the open step row of the case and its to-dos."""
    row = session.scalar(select(CaseStep).where(CaseStep.case_id == case.id, CaseStep.finished_at.is_(None))
                         .order_by(CaseStep.seq.desc()).limit(1))
    if row is not None:
        row.finished_at, row.actor, row.outcome, row.comment = now, actor.username, outcome, comment
        _count_step(session, case.item_code, case.district_code, row.label, row.started_at, now)
    inbox.close_todos(session, ITEM_TYPE, case.id)


def _local_date(value: datetime) -> date:
    """The Shanghai calendar day of a stored time (SQLite gives naive UTC)."""
    return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).astimezone(SHANGHAI).date()


def step_work_days(started: date, finished: date) -> int:
    """Working days a step took (0 when it finished the day it started, or beyond the known calendar)."""
    try:
        return max(0, workdays_between(started, finished))
    except CalendarUnknown:
        return 0


def _count_step(session: Session, item_code: str, district_code: str, label: str, started: datetime,
                finished: datetime) -> None:
    """Add one finished step to the step rollup, in the caller's transaction (insert or add, atomically)."""
    start = _local_date(started)
    values = {"month": start.replace(day=1), "item_code": item_code, "district_code": district_code,
              "label": label, "steps": 1, "work_days": step_work_days(start, _local_date(finished))}
    t = StepRollup.__table__
    stmt = conflict_insert(session, t).values(**values)
    session.execute(stmt.on_conflict_do_update(
        index_elements=[t.c.month, t.c.item_code, t.c.district_code, t.c.label],
        set_={"steps": t.c.steps + 1, "work_days": t.c.work_days + stmt.excluded.work_days}))


def rebuild_step_rollup(conn) -> int:
    """Recount the step rollup from every finished step (the data build; a repair); returns its rows."""
    t, c = CaseStep.__table__, Case.__table__
    rows = conn.execute(select(c.c.item_code, c.c.district_code, t.c.label, t.c.started_at, t.c.finished_at)
                        .select_from(t.join(c, c.c.id == t.c.case_id))
                        .where(t.c.finished_at.is_not(None), c.c.state != "draft"))
    sums: dict[tuple, list[int]] = {}
    days: dict[tuple[date, date], int] = {}
    for item, district, label, started, finished in rows:
        start, end = _local_date(started), _local_date(finished)
        if (start, end) not in days:
            days[start, end] = step_work_days(start, end)
        cell = sums.setdefault((start.replace(day=1), item, district, label), [0, 0])
        cell[0] += 1
        cell[1] += days[start, end]
    conn.execute(delete(StepRollup.__table__))
    if sums:
        conn.execute(StepRollup.__table__.insert(), [
            {"month": k[0], "item_code": k[1], "district_code": k[2], "label": k[3], "steps": v[0], "work_days": v[1]}
            for k, v in sums.items()])
    return len(sums)


def _shift_clock(session: Session, case: Case, today: date) -> int:
    """After a pause (suspension, correction): move both due dates by the working days that passed."""
    if case.paused_on is None:
        return 0
    days = workdays_between(case.paused_on, today)
    case.suspended_days += days
    if case.due_date is not None:
        case.due_date = add_workdays(case.due_date, days)
    if case.step_due is not None:
        case.step_due = add_workdays(case.step_due, days)
        session.execute(update(CaseStep).where(CaseStep.case_id == case.id, CaseStep.finished_at.is_(None))
                        .values(due=case.step_due))
    case.paused_on = None
    return days


def overdue(case: Case, today: date) -> bool:
    """True when an active, running case is past its legal due date (or its step's, before acceptance)."""
    due = case.due_date or case.step_due
    return case.state in ("in_progress", "parallel") and due is not None and today > due


def warning(case: Case, today: date) -> bool:
    """True when a running case has at most two working days left (and is not overdue yet)."""
    due = case.due_date or case.step_due
    if case.state not in ("in_progress", "parallel") or due is None or today > due:
        return False
    return workdays_between(today, due) <= 2


# ---------------------------------------------------------------- drafts, forms, materials
def create_draft(session: Session, actor: Actor, *, item_code: str, applicant_type: str, applicant_name: str,
                 credit_code: str, district_code: str, situation: str | None = None,
                 answers: dict[str, int] | None = None, contact_phone: str | None = None, channel: str = "web",
                 parent_certificate_no: str | None = None, now: datetime | None = None) -> Case:
    """A new draft case of the situation the smart guide singles out (``answers``) or names (``situation``)."""
    now = _now(now)
    if not any(p in actor.permissions for p in APPLY):
        raise ApprovalError("您无权办理申请")
    item = catalog().get(item_code)
    if item is None:
        raise ApprovalError("未知的审批事项")
    if applicant_type == "agent" and "approvals.agent" not in actor.permissions:
        raise ApprovalError("只有登记的代理机构可以代为申请")
    if situation is None:
        question, _, remaining = item.guide(applicant_type, answers or {})
        if question is not None or len(remaining) != 1:
            raise ApprovalError("请先完成智能引导，确定办理情形")
        situation = remaining[0]
    elif situation not in item.candidates(applicant_type):
        raise ApprovalError("该申请人类型不能办理所选情形")
    if channel not in ("web", "mobile", "api"):
        raise ApprovalError("未知的申报渠道")
    if not applicant_name.strip():
        raise ApprovalError("申请人名称不能为空")
    if not valid_idcode(credit_code):
        raise ApprovalError("统一社会信用代码或身份证号码无效")
    if session.get(District, district_code) is None:
        raise ApprovalError("未知的行政区")
    sub, sit = item.find(situation)
    parent_form: dict[str, Any] = {}
    parent_cert = None
    if sit.kind != "new":
        parent_cert = _parent_certificate(session, item, parent_certificate_no)
        if applicant_type != "agent" and parent_cert.holder_credit_code != credit_code.strip().upper():
            raise ApprovalError("原证书持证人与申请人不一致")
        parent_form = _form(session.get(Case, parent_cert.case_id))
    case = Case(case_no=f"TMP{uuid4().hex}"[:32], item_code=item.code, sub_item_code=sub.code,
                situation_code=sit.code, kind=sit.kind, parent_id=parent_cert.case_id if parent_cert else None,
                parent_certificate_id=parent_cert.id if parent_cert else None, applicant_username=actor.username,
                applicant_type=applicant_type, applicant_name=applicant_name.strip(),
                applicant_credit_code=credit_code.strip().upper(), contact_phone=contact_phone or None,
                district_code=district_code, level=item.steps(sit.code)[0].level, state="draft",
                channel=channel, created_at=now, suspended_days=0, sync_seq=0)
    prefill = {"applicant.name": case.applicant_name, "applicant.credit_code": case.applicant_credit_code,
               "applicant.phone": contact_phone or ""}
    form: dict[str, Any] = {}
    for f in item.fields(sit.code):
        if f.prefill:
            value = parent_form.get(f.prefill[7:]) if f.prefill.startswith("parent.") else prefill[f.prefill]
            if value not in (None, ""):
                form[f.code] = value
    case.form = json.dumps(form, ensure_ascii=False)
    session.add(case)
    session.flush()
    case.case_no = f"AP{_today(now):%Y%m%d}{case.id:08d}"
    session.flush()
    _audit(session, actor, "draft", case.id, {"case_no": case.case_no, "situation": sit.code}, now)
    return case


def _parent_certificate(session: Session, item: Item, number: str | None) -> Certificate:
    if not number:
        raise ApprovalError("延续、变更、注销须填写原证书编号")
    cert = session.scalar(select(Certificate).where(Certificate.number == number.strip()))
    if cert is None or cert.item_code != item.code:
        raise ApprovalError("原证书不存在或不属于本事项")
    if cert.status != "valid":
        raise ApprovalError("原证书已失效，不能办理延续、变更或注销")
    return cert


def save_draft(session: Session, actor: Actor, case_id: int, values: dict[str, Any], *,
               expected_version: int | None = None, now: datetime | None = None) -> Case:
    """Merge form values into a draft (or a case returned for correction); partial forms are fine."""
    now = _now(now)
    case = _get(session, case_id, expected_version)
    _own(case, actor)
    if case.state not in ("draft", "returned"):
        raise ApprovalError("办件已提交，不能修改")
    item, _, _ = _spec(case)
    codes = {f.code for f in item.fields(case.situation_code)}
    unknown = sorted(set(values) - codes)
    if unknown:
        raise ApprovalError(f"未知字段：{'、'.join(unknown)}")
    form = _form(case)
    for code, value in values.items():
        if value is None or value == "":
            form.pop(code, None)
        else:
            form[code] = value if isinstance(value, list) else str(value).strip()
    case.form = json.dumps(form, ensure_ascii=False)
    session.flush()
    _audit(session, actor, "draft.save", case.id, {"fields": sorted(values)}, now)
    return case


def validate(session: Session, case: Case) -> dict[str, str]:
    """Field errors of a case's form (field code → Chinese message); empty when it is complete."""
    item, _, _ = _spec(case)
    form = _form(case)
    errors = field_errors(item.fields(case.situation_code), form)
    check = _ITEM_CHECKS.get(case.item_code)
    if check is not None:
        errors.update({k: v for k, v in check(session, case, form).items() if k not in errors})
    return errors


def _check_ad_site(session: Session, case: Case, form: dict) -> dict[str, str]:
    code = form.get("site_code")
    if not code:
        return {}
    site = session.scalar(select(AdSite).where(AdSite.code == code))
    if site is None:
        return {"site_code": "规划点位不在户外广告规划点位库中"}
    if site.district_code != case.district_code:
        return {"site_code": "规划点位不在所选行政区"}
    if case.kind == "new" and site.status != "planned":
        return {"site_code": "该规划点位已被使用或暂停使用"}
    return {}


def _check_species(session: Session, case: Case, form: dict) -> dict[str, str]:
    name = form.get("species_name")
    if not name:
        return {}
    species = session.scalar(select(Species).where(Species.name == name))
    if species is None:
        return {"species_name": "该物种不在非国际公约物种库中，不能按本事项申请"}
    scientific = form.get("scientific_name")
    if scientific and scientific.strip().lower() != species.scientific_name.lower():
        return {"scientific_name": f"学名与物种库不一致（应为 {species.scientific_name}）"}
    return {}


_ITEM_CHECKS = {"outdoor_advertising": _check_ad_site, "wildlife_introduction": _check_species}


def missing(session: Session, case: Case) -> tuple[dict[str, str], list[str]]:
    """(field errors, labels of required materials not uploaded) of a case."""
    item, _, _ = _spec(case)
    have = set(session.scalars(select(CaseMaterial.code).where(CaseMaterial.case_id == case.id)))
    lacking = [m.label for m in item.materials(case.situation_code) if m.required and m.code not in have]
    return validate(session, case), lacking


def add_material(session: Session, actor: Actor, case_id: int, code: str, filename: str, data: bytes, *,
                 now: datetime | None = None) -> CaseMaterial:
    """Attach one file to a material of the case (type checked by content, size limited, SM3-named)."""
    now = _now(now)
    case = _get(session, case_id)
    _own(case, actor)
    if case.state not in ("draft", "returned"):
        raise ApprovalError("办件已提交，不能修改材料")
    item, _, _ = _spec(case)
    spec = next((m for m in item.materials(case.situation_code) if m.code == code), None)
    if spec is None:
        raise ApprovalError("本情形不需要该材料")
    try:
        kind = check_upload(filename, data, allowed=set(spec.types), max_bytes=spec.max_mb * 1024 * 1024)
    except UploadRejected as exc:
        _audit(session, actor, "material.refused", case.id, {"code": code, "reason": exc.message}, now)
        raise ApprovalError(f"{spec.label}：{exc.message}") from None
    digest = sm3(data).hex()
    rel = _write(case, f"{digest}.{kind}", data)
    row = CaseMaterial(case_id=case.id, code=code, filename=safe_filename(filename), kind=kind, size=len(data),
                       sm3=digest, stored_path=rel, uploaded_by=actor.username, uploaded_at=now)
    session.add(row)
    session.flush()
    _audit(session, actor, "material.add", case.id, {"code": code, "sm3": digest, "size": len(data)}, now)
    return row


def remove_material(session: Session, actor: Actor, material_id: int, *, now: datetime | None = None) -> None:
    """Remove one uploaded file from a draft (the stored file stays: it may be shared by digest)."""
    now = _now(now)
    row = session.get(CaseMaterial, material_id)
    if row is None:
        raise ApprovalError("材料不存在")
    case = _get(session, row.case_id)
    _own(case, actor)
    if case.state not in ("draft", "returned"):
        raise ApprovalError("办件已提交，不能修改材料")
    session.delete(row)
    session.flush()
    _audit(session, actor, "material.remove", case.id, {"code": row.code, "sm3": row.sm3}, now)


# ---------------------------------------------------------------- submission
def submit(session: Session, actor: Actor, case_id: int, *, expected_version: int | None = None,
           now: datetime | None = None) -> Case:
    """Submit a draft, or resubmit after correction (back to the step that returned it)."""
    now = _now(now)
    case = _get(session, case_id, expected_version)
    _own(case, actor)
    errors, lacking = missing(session, case)
    if case.applicant_type == "agent" and case.parent_certificate_id is not None:
        cert = session.get(Certificate, case.parent_certificate_id)
        if _form(case).get("advertiser_credit_code", "").upper() != cert.holder_credit_code:
            errors.setdefault("advertiser_credit_code", "委托人与原证书持证人不一致")
    if errors or lacking:
        raise SubmitRefused(errors, lacking)
    today = _today(now)
    if case.state == "returned":
        transition(session, MACHINE, case, "resubmit", actor, now=now)
        _shift_clock(session, case, today)
        step = current_step(case)
        _start_step(session, case, step, now)
    else:
        transition(session, MACHINE, case, "submit", actor, now=now)
        item, _, sit = _spec(case)
        case.submitted_at = now
        case.due_date = add_workdays(today, sit.time_limit)
        _start_step(session, case, item.steps(sit.code)[0], now)
    session.flush()
    _sync(session, case, "submit", actor, now)
    return case


# ---------------------------------------------------------------- step actions
def act(session: Session, actor: Actor, case_id: int, action: str, *, comment: str | None = None,
        expected_version: int | None = None, now: datetime | None = None) -> Case:
    """Do ``action`` on a case: advance, return, not_accept, reject, suspend, resume, complete (officers)
    or withdraw (the applicant). TransitionRefused (Chinese) when it may not happen now."""
    now = _now(now)
    case = _get(session, case_id, expected_version)
    if action == "withdraw":
        _own(case, actor)
        return _withdraw(session, case, actor, comment, now)
    if action not in ("advance", "return", "not_accept", "reject", "suspend", "resume", "complete"):
        raise TransitionRefused(f"未知的操作：{action}")
    if case.state in ("in_progress", "suspended"):
        _authorise_step(session, case, actor)
    MACHINE.check(session, case, action, actor, comment)  # refuse before any side effect
    return _ACTIONS[action](session, case, actor, comment, now)


def _advance(session: Session, case: Case, actor: Actor, comment: str | None, now: datetime) -> Case:
    step = current_step(case)
    nxt = _next_step(case)
    transition(session, MACHINE, case, "advance", actor, comment=comment, now=now)
    _finish_step(session, case, actor, "approved", comment, now)
    today = _today(now)
    item, _, sit = _spec(case)
    has_acceptance = any(s.kind == "acceptance" for s in item.steps(sit.code))
    if step.kind == "acceptance" or (step.kind == "receipt" and not has_acceptance):
        case.accepted_at = now
        case.due_date = add_workdays(today, sit.time_limit)
        _ensure_draft(session, case, actor, now)
    _start_step(session, case, nxt, now)
    if nxt.kind == "parallel":
        inbox.close_todos(session, ITEM_TYPE, case.id)  # nothing to do here until the components finish
        _spawn_components(session, case, actor, now)
    session.flush()
    _sync(session, case, "advance", actor, now)
    return case


def _return(session: Session, case: Case, actor: Actor, comment: str | None, now: datetime) -> Case:
    transition(session, MACHINE, case, "return", actor, comment=comment, now=now)
    _finish_step(session, case, actor, "returned", comment, now)
    case.paused_on = _today(now)
    session.flush()
    _tell_applicant(session, case, "办件需补正材料", comment or "")
    _sync(session, case, "return", actor, now)
    return case


def _suspend(session: Session, case: Case, actor: Actor, comment: str | None, now: datetime) -> Case:
    transition(session, MACHINE, case, "suspend", actor, comment=comment, now=now)
    inbox.close_todos(session, ITEM_TYPE, case.id)
    case.paused_on = _today(now)
    session.flush()
    _tell_applicant(session, case, "办件已中止办理", comment or "")
    _sync(session, case, "suspend", actor, now)
    return case


def _resume(session: Session, case: Case, actor: Actor, comment: str | None, now: datetime) -> Case:
    transition(session, MACHINE, case, "resume", actor, comment=comment, now=now)
    days = _shift_clock(session, case, _today(now))
    step = current_step(case)
    item, _, _ = _spec(case)
    inbox.add_todo(session, title=f"{item.name}·{step.label}：{case.case_no} {case.applicant_name}",
                   link=f"/admin/approvals/cases/{case.id}", item_type=ITEM_TYPE, item_id=case.id,
                   permission=step.permission)
    session.flush()
    _audit(session, actor, "clock.resume", case.id, {"suspended_workdays": days}, now)
    _sync(session, case, "resume", actor, now)
    return case


def _close_negative(session: Session, case: Case, actor: Actor, comment: str | None, now: datetime,
                    action: str) -> Case:
    transition(session, MACHINE, case, action, actor, comment=comment, now=now)
    _finish_step(session, case, actor, action, comment, now)
    case.decided_at = now
    case.current_step = case.step_permission = case.step_due = None
    if action == "reject":
        _issue_decision(session, case, actor, now, approve=False, reason=comment or "")
    session.flush()
    _tell_applicant(session, case, STATES[case.state], comment or "")
    _sync(session, case, action, actor, now)
    if case.composite_parent_id is not None:
        parent = session.get(Case, case.composite_parent_id)
        if parent.state == "parallel":
            _close_negative(session, parent, actor, f"组成事项 {case.case_no} {STATES[case.state]}", now, "fail")
            _terminate_components(session, parent, case, actor, now)
    return case


def _terminate_components(session: Session, parent: Case, failed: Case, actor: Actor, now: datetime) -> None:
    """The composite failed: its components still open end too (终止办理), their steps and to-dos closed, so
    that nobody goes on examining a part of a licence that can no longer be granted."""
    comment = f"并联审批未通过（组成事项 {failed.case_no} {STATES[failed.state]}），本事项终止办理"
    for other in session.scalars(select(Case).where(Case.composite_parent_id == parent.id, Case.id != failed.id,
                                                    Case.state.in_(OPEN))):
        transition(session, MACHINE, other, "terminate", actor, comment=comment, now=now)
        _finish_step(session, other, actor, "terminate", comment, now)  # closes its to-dos too
        other.current_step = other.step_permission = other.step_due = None
        session.flush()
        _sync(session, other, "terminate", actor, now)


def _withdraw(session: Session, case: Case, actor: Actor, comment: str | None, now: datetime) -> Case:
    if case.composite_parent_id is not None:
        raise TransitionRefused("组成事项不能单独撤回，请撤回综合许可申请")
    if case.state == "parallel":
        raise TransitionRefused("并联审批中的办件不能撤回")
    transition(session, MACHINE, case, "withdraw", actor, comment=comment, now=now)
    _finish_step(session, case, actor, "withdrawn", comment, now)
    case.current_step = case.step_permission = case.step_due = None
    session.flush()
    _sync(session, case, "withdraw", actor, now)
    return case


def _complete(session: Session, case: Case, actor: Actor, comment: str | None, now: datetime) -> Case:
    transition(session, MACHINE, case, "complete", actor, comment=comment, now=now)
    _finish_step(session, case, actor, "approved", comment, now)
    case.decided_at = now
    case.current_step = case.step_permission = case.step_due = None
    item, sub, sit = _spec(case)
    _issue_decision(session, case, actor, now, approve=True)
    cert = _issue_certificate(session, case, actor, now) if item.issues_certificate(sit.code) else None
    _parent_effects(session, case, cert, actor, now)
    if sub.supervision is not None and sit.kind != "cancel" and case.composite_parent_id is None:
        months = SUPERVISION_MONTHS[sub.supervision.frequency]
        session.add(SupervisionTask(case_id=case.id, certificate_id=cert.id if cert else None,
                                    district_code=case.district_code, frequency=sub.supervision.frequency,
                                    note=sub.supervision.note, state="open",
                                    next_due=_add_months(_today(now), months), created_at=now))
    if item.code == "outdoor_advertising" and sit.kind == "new":
        session.execute(update(AdSite).where(AdSite.code == _form(case).get("site_code")).values(status="occupied"))
    session.flush()
    _tell_applicant(session, case, "办件已办结：准予许可", f"证书编号 {cert.number}" if cert else "")
    _sync(session, case, "complete", actor, now)
    if case.composite_parent_id is not None:
        parent = session.get(Case, case.composite_parent_id)
        if parent.state == "parallel" and _components_done(session, parent) is None:
            transition(session, MACHINE, parent, "join", actor, comment="各组成事项均已准予", now=now)
            _finish_step(session, parent, actor, "approved", None, now)
            _start_step(session, parent, _next_step(parent), now)
            session.flush()
            _sync(session, parent, "join", actor, now)
    return case


_ACTIONS = {
    "advance": _advance, "return": _return, "suspend": _suspend, "resume": _resume, "complete": _complete,
    "not_accept": lambda s, c, a, m, n: _close_negative(s, c, a, m, n, "not_accept"),
    "reject": lambda s, c, a, m, n: _close_negative(s, c, a, m, n, "reject"),
}


def _spawn_components(session: Session, case: Case, actor: Actor, now: datetime) -> None:
    """Open one component case per component of a composite situation, all at once (parallel approval)."""
    item, _, sit = _spec(case)
    materials = list(session.scalars(select(CaseMaterial).where(CaseMaterial.case_id == case.id)))
    for n, ref in enumerate(sit.components, start=1):
        sub_code, _, sit_code = ref.partition(".")
        wanted = {m.code for m in item.materials(sit_code)}
        fields = {f.code for f in item.fields(sit_code)}
        form = {k: v for k, v in _form(case).items() if k in fields}
        child = Case(case_no=f"TMP{case.id}-{sit_code}"[:32], item_code=item.code, sub_item_code=sub_code,
                     situation_code=sit_code, kind="new", composite_parent_id=case.id,
                     applicant_username=case.applicant_username, applicant_type=case.applicant_type,
                     applicant_name=case.applicant_name, applicant_credit_code=case.applicant_credit_code,
                     contact_phone=case.contact_phone, district_code=case.district_code, level=case.level,
                     state="in_progress", form=json.dumps(form, ensure_ascii=False), channel=case.channel,
                     created_at=now, submitted_at=now, suspended_days=0, sync_seq=0,
                     due_date=add_workdays(_today(now), item.find(sit_code)[1].time_limit))
        session.add(child)
        session.flush()
        child.case_no = f"{case.case_no}-{n}"
        for m in materials:
            if m.code in wanted:
                session.add(CaseMaterial(case_id=child.id, code=m.code, filename=m.filename, kind=m.kind,
                                         size=m.size, sm3=m.sm3, stored_path=m.stored_path,
                                         uploaded_by=m.uploaded_by, uploaded_at=m.uploaded_at))
        _start_step(session, child, item.steps(sit_code)[0], now)
        session.flush()
        _audit(session, actor, "component.open", child.id, {"composite": case.case_no, "component": ref}, now)
        _sync(session, child, "open", actor, now)


# ---------------------------------------------------------------- documents, certificates, signatures
def _context(case: Case, **extra: str) -> dict[str, str]:
    item, sub, sit = _spec(case)
    form = _form(case)
    ctx = {k: (v if isinstance(v, str) else _table_text(v)) for k, v in form.items()}
    ctx.update({"case_no": case.case_no, "item_name": item.name, "sub_item_name": sub.name,
                "situation_name": sit.name, "applicant_name": case.applicant_name,
                "credit_code": case.applicant_credit_code, "issuer": ISSUER, "legal_basis": item.legal_basis})
    ctx.update(extra)
    return ctx


def _table_text(rows: Any) -> str:
    if not isinstance(rows, list):
        return str(rows)
    return "；".join("，".join(f"{v}" for v in row.values()) for row in rows if isinstance(row, dict))


def _date_cn(d: date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def _draft_text(case: Case) -> str:
    item, sub, sit = _spec(case)
    return (f"{case.applicant_name}：\n    你（单位）于{_date_cn(_today(case.submitted_at or case.created_at))}提出的"
            f"{sub.name}（{sit.name}）申请（办件编号 {case.case_no}），经审查，符合{item.legal_basis or '有关规定'}"
            f"规定的条件，决定准予行政许可。")


def _ensure_draft(session: Session, case: Case, actor: Actor, now: datetime) -> Document:
    """The draft decision letter, generated once the case is accepted (module 65: the officer edits it)."""
    doc = session.scalar(select(Document).where(Document.case_id == case.id, Document.kind == "decision"))
    if doc is None:
        _, sub, _ = _spec(case)
        doc = Document(case_id=case.id, kind="decision", template=sub.decision_template,
                       draft_text=_draft_text(case), signed=False, updated_by=actor.username, updated_at=now)
        session.add(doc)
    return doc


def edit_draft(session: Session, actor: Actor, case_id: int, text: str, *, now: datetime | None = None) -> Document:
    """Replace the draft decision text before it is signed (officer of the current step)."""
    now = _now(now)
    case = _get(session, case_id)
    if case.state != "in_progress":
        raise ApprovalError("办件不在办理中，不能修改拟稿")
    _authorise_step(session, case, actor)
    if not text.strip():
        raise ApprovalError("决定书正文不能为空")
    doc = _ensure_draft(session, case, actor, now)
    if doc.signed:
        raise ApprovalError("决定书已签发，不能修改")
    doc.draft_text, doc.updated_by, doc.updated_at = text.strip(), actor.username, now
    session.flush()
    _audit(session, actor, "decision.edit", case.id, {"chars": len(doc.draft_text)}, now)
    return doc


def _render_document(session: Session, case: Case, actor: Actor, kind: str, template: str,
                     ctx: dict[str, str], now: datetime, draft_text: str = "") -> Document:
    docx, pdf = documents.render(template, ctx)
    doc = session.scalar(select(Document).where(Document.case_id == case.id, Document.kind == kind))
    if doc is None:
        doc = Document(case_id=case.id, kind=kind, template=template, draft_text=draft_text)
        session.add(doc)
    doc.template, doc.signed, doc.updated_by, doc.updated_at = template, True, actor.username, now
    if draft_text:
        doc.draft_text = draft_text  # the text that was signed
    doc.docx_path = _write(case, f"{kind}.docx", docx)
    doc.pdf_path = _write(case, f"{kind}.pdf", pdf)
    return doc


def _issue_decision(session: Session, case: Case, actor: Actor, now: datetime, *, approve: bool,
                    reason: str = "") -> Document:
    """Render and SM2-sign the decision letter (approval from the edited draft; rejection with reasons)."""
    _, sub, _ = _spec(case)
    today = _today(now)
    if approve:
        body = _ensure_draft(session, case, actor, now).draft_text
        template = sub.decision_template
    else:
        body = (f"{case.applicant_name}：\n    你（单位）提出的{sub.name}申请（办件编号 {case.case_no}），经审查，"
                f"不符合法定条件，决定不予行政许可。理由：{reason}。如不服本决定，可以在收到本决定书之日起六十日内"
                f"依法申请行政复议，或者在六个月内依法提起行政诉讼。")
        template = "decision_reject"
    ref = case.case_no
    payload = {"case_no": case.case_no, "item_code": case.item_code, "situation": case.situation_code,
               "applicant_name": case.applicant_name, "credit_code": case.applicant_credit_code,
               "decision": "approve" if approve else "reject", "decided_on": today.isoformat(),
               "body_sm3": sm3(body.encode("utf-8")).hex()}
    sign_record(session, kind=DECISION_KIND, ref=ref, payload=payload, actor=actor.username, source_ip=actor.source_ip)
    ctx = _context(case, body=body, decision_date=_date_cn(today), doc_no=f"{case.case_no}",
                   reason=reason, qr_url=f"/verify/{DECISION_KIND}/{ref}")
    return _render_document(session, case, actor, "decision", template, ctx, now, draft_text=body)


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise ValueError(d)


def _valid_until(case: Case, sub: SubItem, parent: Certificate | None, today: date) -> date:
    form = _form(case)
    if case.kind == "change" and parent is not None:
        return parent.valid_until
    if case.kind == "renewal" and parent is not None and form.get("extension_months"):
        return _add_months(parent.valid_until, int(float(form["extension_months"])))
    start = today
    if case.kind == "renewal" and parent is not None and parent.valid_until is not None:
        start = max(today, parent.valid_until + timedelta(days=1))  # the renewal follows on without a gap
    if sub.validity_days:
        return start + timedelta(days=sub.validity_days - 1)
    return _add_months(start, 12 * sub.validity_years) - timedelta(days=1)


_CERTIFICATE_META = ("number", "item_code", "item_name", "certificate", "case_no", "issuer", "issued_on",
                     "valid_until")


def _certificate_fields(case: Case, parent: Certificate | None) -> dict[str, str]:
    """Holder, credit code and the certificate's fields: the parent certificate's (renewal, change),
    overridden by this case's form; the contact phone is never on a certificate."""
    form = _form(case)
    base = {k: v for k, v in json.loads(parent.payload).items() if k not in _CERTIFICATE_META} if parent else {}
    fields = {k: (v if isinstance(v, str) else _table_text(v)) for k, v in form.items() if k != "contact_phone"}
    holder = form.get("advertiser_name") or base.get("holder") or case.applicant_name
    code = (form.get("advertiser_credit_code") or base.get("holder_credit_code") or case.applicant_credit_code).upper()
    return dict(sorted({**base, **fields, "holder": holder, "holder_credit_code": code}.items()))


def _issue_certificate(session: Session, case: Case, actor: Actor, now: datetime) -> Certificate:
    """Number, sign (SM2), render and record the certificate; push plant quarantine certificates nationally."""
    item, sub, sit = _spec(case)
    today = _today(now)
    parent = session.get(Certificate, case.parent_certificate_id) if case.parent_certificate_id else None
    number = documents.certificate_number(session, sub.certificate_prefix, today.year)
    valid_until = _valid_until(case, sub, parent, today)
    fields = _certificate_fields(case, parent)
    payload = {"number": number, "item_code": item.code, "item_name": item.name, "certificate": sub.name,
               "case_no": case.case_no, "issuer": ISSUER, "issued_on": today.isoformat(),
               "valid_until": valid_until.isoformat(), **fields}
    cert = Certificate(number=number, case_id=case.id, item_code=item.code, template=sub.certificate_template,
                       holder=fields["holder"], holder_credit_code=fields["holder_credit_code"], issued_on=today,
                       valid_until=valid_until, status="valid", previous_id=parent.id if parent else None,
                       payload=json.dumps(payload, ensure_ascii=False, sort_keys=True))
    session.add(cert)
    session.flush()
    sign_record(session, kind=CERTIFICATE_KIND, ref=number, payload=payload, actor=actor.username,
                source_ip=actor.source_ip)
    ctx = _context(case, **{k: str(v) for k, v in payload.items()}, issued_on_cn=_date_cn(today),
                   valid_until_cn=_date_cn(valid_until), qr_url=f"/verify/{CERTIFICATE_KIND}/{number}")
    if item.composite:
        ctx["components"] = "、".join(item.find(r.split(".")[1])[0].name for r in item.find(case.situation_code)[1]
                                     .components)
    _render_document(session, case, actor, "certificate", sub.certificate_template, ctx, now)
    for template in sub.extra_documents:
        _render_document(session, case, actor, template, template, ctx, now)
    if item.code == "plant_quarantine":
        enqueue(session, now=now, topic="forestry_national", key=f"{number}:issue", payload=payload)
    if item.composite:
        enqueue(session, now=now, topic="one_netcom", key=f"{number}:issue", payload={**payload, "pages": [
            "企业专属网页·证照", "企业专属网页·办件"]})
    return cert


def _parent_effects(session: Session, case: Case, cert: Certificate | None, actor: Actor, now: datetime) -> None:
    """Renewal, change and cancellation act on the original certificate and end its supervision."""
    if case.parent_certificate_id is None:
        return
    parent = session.get(Certificate, case.parent_certificate_id)
    parent.status = {"renewal": "expired", "change": "changed", "cancel": "cancelled"}[case.kind]
    session.execute(update(SupervisionTask).where(SupervisionTask.certificate_id == parent.id,
                                                  SupervisionTask.state != "closed")
                    .values(state="closed", closed_at=now))
    _audit(session, actor, "certificate.status", case.id, {"number": parent.number, "status": parent.status,
                                                          "successor": cert.number if cert else None}, now)


def certificate_payload(session: Session, number: str) -> dict | None:
    """The signed payload of a certificate (for the public verify page), or None."""
    cert = session.scalar(select(Certificate).where(Certificate.number == number))
    return json.loads(cert.payload) if cert else None


def set_national_code(session: Session, cert_no: str, code: str, *, now: datetime | None = None) -> Certificate:
    """Record the unique code the national forestry administration assigned (its callback)."""
    now = _now(now)
    cert = session.scalar(select(Certificate).where(Certificate.number == cert_no))
    if cert is None:
        raise ApprovalError("证书不存在")
    if not code.strip():
        raise ApprovalError("唯一码不能为空")
    if cert.national_code and cert.national_code != code.strip():
        raise ApprovalError("该证书已有不同的唯一码")
    cert.national_code = code.strip()
    session.flush()
    audit.append(session, username="forestry_national", source_ip="-", action="approvals.national_code",
                 object_type="ap_certificate", object_id=cert_no, detail={"code": cert.national_code}, now=now)
    return cert


# ---------------------------------------------------------------- forest-land fee (modules 113-117)
def _fee_rows(case: Case, session: Session) -> list[tuple[str, float, float]]:
    """(land type, chargeable m², rate) per sub-compartment; a change pays only for added area."""
    rows = _form(case).get("sub_compartments") or []
    before: dict[tuple[str, str], float] = {}
    if case.kind == "change" and case.parent_id:
        for r in _form(session.get(Case, case.parent_id)).get("sub_compartments") or []:
            before[(r["forest_block"], r["compartment"])] = float(r["area_m2"])
    out = []
    for r in rows:
        area = float(r["area_m2"]) - before.get((r["forest_block"], r["compartment"]), 0.0)
        rate = FOREST_FEE_RATES[r["land_type"]] * (PUBLIC_WELFARE_FACTOR if r["forest_category"] == "公益林" else 1)
        if area > 0:
            out.append((r["land_type"], area, rate))
    return out


def assess_fee(session: Session, actor: Actor, case_id: int, *, rate: float | None = None,
               comment: str | None = None, now: datetime | None = None) -> FeeAssessment:
    """Assess the forest vegetation restoration fee from the sub-compartments (the officer may set one rate),
    generate, seal (SM2) and send the notice, then pass the case to payment confirmation."""
    now = _now(now)
    case = _get(session, case_id)
    step = _authorise_step(session, case, actor)
    if step.kind != "fee_assessment" or case.state != "in_progress":
        raise TransitionRefused("当前环节不是费用核定")
    rows = _fee_rows(case, session)
    if rate is not None and not 0 < rate <= 100:
        raise ApprovalError("征收标准须在 0～100 元/平方米之间")
    area = sum(a for _, a, _ in rows)
    amount = sum(Decimal(str(a)) * Decimal(str(rate if rate is not None else r)) for _, a, r in rows)
    amount = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    today = _today(now)
    fee = session.scalar(select(FeeAssessment).where(FeeAssessment.case_id == case.id))
    if fee is None:
        fee = FeeAssessment(case_id=case.id)
        session.add(fee)
    fee.area_m2 = area
    fee.land_type = "、".join(dict.fromkeys(t for t, _, _ in rows)) or "无新增占用"
    fee.rate = float(amount / Decimal(str(area))) if area else 0.0
    fee.amount, fee.assessed_by, fee.assessed_at = amount, actor.username, now
    fee.notice_no = documents.certificate_number(session, "沪林植恢费", today.year)
    fee.paid = amount == 0
    fee.tax_reference = "无需缴费" if amount == 0 else None
    payload = {"notice_no": fee.notice_no, "case_no": case.case_no, "payer": case.applicant_name,
               "credit_code": case.applicant_credit_code, "area_m2": f"{area:.2f}", "amount": f"{amount:.2f}",
               "assessed_on": today.isoformat()}
    sign_record(session, kind=FEE_NOTICE_KIND, ref=fee.notice_no, payload=payload, actor=actor.username,
                source_ip=actor.source_ip)
    fee.sealed = True
    _render_document(session, case, actor, "fee_notice", "fee_notice",
                     _context(case, **payload, land_type=fee.land_type, issued_on_cn=_date_cn(today),
                              qr_url=f"/verify/{FEE_NOTICE_KIND}/{fee.notice_no}"), now)
    if case.contact_phone:
        enqueue(session, now=now, topic="sms", key=f"{fee.notice_no}:sms", payload={
            "phone": case.contact_phone, "text": f"【上海市绿化和市容管理局】您的办件{case.case_no}森林植被恢复费已核定，"
                                                 f"金额{amount:.2f}元，缴纳通知书编号{fee.notice_no}，请登录一网通办下载并缴费。"})
        fee.sms_sent = True
    _tell_applicant(session, case, "森林植被恢复费已核定", f"金额 {amount:.2f} 元，通知书编号 {fee.notice_no}")
    session.flush()
    _audit(session, actor, "fee.assess", case.id, {"notice_no": fee.notice_no, "amount": str(amount)}, now)
    _advance(session, case, actor, comment or f"核定森林植被恢复费 {amount:.2f} 元", now)
    return fee


def confirm_payment(session: Session, actor: Actor, case_id: int, *, tax_reference: str,
                    now: datetime | None = None) -> FeeAssessment:
    """The tax officer confirms the fee was paid (module 117) and the case moves on."""
    now = _now(now)
    case = _get(session, case_id)
    step = _authorise_step(session, case, actor)
    if step.kind != "payment_confirmation" or case.state != "in_progress":
        raise TransitionRefused("当前环节不是缴费确认")
    if not tax_reference.strip():
        raise ApprovalError("请填写税票号或缴款凭证号")
    fee = session.scalar(select(FeeAssessment).where(FeeAssessment.case_id == case.id))
    if fee is None:
        raise ApprovalError("尚未核定森林植被恢复费")
    fee.paid, fee.tax_reference, fee.paid_confirmed_by, fee.paid_at = True, tax_reference.strip(), actor.username, now
    session.flush()
    _audit(session, actor, "fee.paid", case.id, {"notice_no": fee.notice_no, "tax_reference": fee.tax_reference}, now)
    _advance(session, case, actor, f"已缴费，凭证 {fee.tax_reference}", now)
    return fee


# ---------------------------------------------------------------- supervision and libraries
def add_supervision_record(session: Session, actor: Actor, task_id: int, kind: str, text: str, *,
                           now: datetime | None = None) -> SupervisionRecord:
    """Record an inspection, finding, rectification or closure on a supervision task of one's district."""
    now = _now(now)
    task = session.get(SupervisionTask, task_id)
    if task is None:
        raise ApprovalError("监管任务不存在")
    if "approvals.supervise" not in actor.permissions:
        raise ApprovalError("您无权进行批后监管")
    if actor.district_code != task.district_code:
        raise ApprovalError("该监管任务不在您的辖区")
    if kind not in SUPERVISION_NEXT:
        raise ApprovalError("未知的监管记录类型")
    if not text.strip():
        raise ApprovalError("请填写监管情况")
    sources, after = SUPERVISION_NEXT[kind]
    if task.state not in sources:
        raise ApprovalError(f"监管任务{SUPERVISION_STATES[task.state]}，不能登记“{RECORD_KINDS[kind]}”")
    record = SupervisionRecord(task_id=task.id, kind=kind, at=now, actor=actor.username, text=text.strip())
    session.add(record)
    if after:
        task.state = after
    if after == "closed":
        task.closed_at = now
    if kind == "inspection":
        task.next_due = _add_months(_today(now), SUPERVISION_MONTHS[task.frequency])
    session.flush()
    audit.append(session, username=actor.username, source_ip=actor.source_ip, action=f"approvals.supervision.{kind}",
                 object_type="ap_supervision_task", object_id=str(task.id), detail={"state": task.state}, now=now)
    return record


def _library(actor: Actor) -> None:
    if "approvals.library" not in actor.permissions:
        raise ApprovalError("您无权维护审批基础库")


def save_ad_site(session: Session, actor: Actor, *, code: str, name: str, district_code: str, street: str,
                 lon: float, lat: float, size: str, status: str = "planned") -> AdSite:
    """Add or update a planned advertising site (规划点位, module 68)."""
    _library(actor)
    if status not in SITE_STATUSES:
        raise ApprovalError("未知的点位状态")
    if not (120.8 <= lon <= 122.2 and 30.6 <= lat <= 31.9):
        raise ApprovalError("点位坐标不在上海市范围内")
    if session.get(District, district_code) is None:
        raise ApprovalError("未知的行政区")
    site = session.scalar(select(AdSite).where(AdSite.code == code)) or AdSite(code=code)
    site.name, site.district_code, site.street, site.lon, site.lat, site.size, site.status = (
        name, district_code, street, lon, lat, size, status)
    session.add(site)
    session.flush()
    audit.append(session, username=actor.username, source_ip=actor.source_ip, action="approvals.ad_site.save",
                 object_type="ap_ad_site", object_id=code, detail={"status": status})
    return site


def save_species(session: Session, actor: Actor, *, name: str, scientific_name: str, category: str,
                 protection_level: str, note: str = "") -> Species:
    """Add or update a species of the non-convention library (module 73)."""
    _library(actor)
    if not name.strip() or not scientific_name.strip():
        raise ApprovalError("物种名和学名不能为空")
    row = session.scalar(select(Species).where(Species.name == name.strip())) or Species(name=name.strip())
    row.scientific_name, row.category, row.protection_level, row.note = (scientific_name.strip(), category,
                                                                        protection_level, note)
    session.add(row)
    session.flush()
    audit.append(session, username=actor.username, source_ip=actor.source_ip, action="approvals.species.save",
                 object_type="ap_species", object_id=row.name, detail={"category": category})
    return row


# ---------------------------------------------------------------- the desk's to-do list
@dataclass(frozen=True)
class TodoRow:
    """One line of the approver desk's to-do list."""

    case_id: int
    case_no: str
    item_name: str
    situation_name: str
    step_label: str
    applicant_name: str
    district_code: str
    state: str
    step_due: date | None
    due_date: date | None
    overdue: bool
    warning: bool
    version: int


def desk_todos(session: Session, actor: Actor, district_code: str | None, *, item: str | None = None,
               state: str | None = None, overdue_only: bool = False, limit: int = 50, offset: int = 0,
               today: date | None = None) -> list[TodoRow]:
    """Cases waiting for ``actor``: steps whose permission they hold, district steps of their own district
    only; earliest step due date first. One indexed query (ix_ap_case_todo), no per-row lookups."""
    today = today or _today(_now(None))
    perms = sorted(p for p in actor.permissions if p in STAFF)
    if not perms:
        return []
    cols = (Case.id, Case.case_no, Case.item_code, Case.situation_code, Case.current_step, Case.applicant_name,
            Case.district_code, Case.state, Case.step_due, Case.due_date, Case.version)
    q = select(*cols).where(Case.state == (state or "in_progress"), Case.step_permission.in_(perms))
    if actor.district_code:  # district-scoped officers: district steps of their district
        q = q.where(Case.level == "district", Case.district_code == actor.district_code)
    else:
        q = q.where(Case.level == "city")
        if district_code:
            q = q.where(Case.district_code == district_code)
    if item:
        q = q.where(Case.item_code == item)
    if overdue_only:
        q = q.where(Case.step_due < today)
    q = q.order_by(Case.step_due, Case.id).limit(max(1, min(limit, 500))).offset(max(0, offset))
    out = []
    items = catalog()
    for row in session.execute(q):
        spec = items.get(row.item_code)
        _, sit = spec.find(row.situation_code) if spec else (None, None)
        step = next((s for s in spec.steps(row.situation_code) if s.code == row.current_step), None) if spec else None
        try:
            warn = row.step_due is not None and today <= row.step_due and workdays_between(today, row.step_due) <= 2
        except CalendarUnknown:
            warn = False
        out.append(TodoRow(row.id, row.case_no, spec.name if spec else row.item_code,
                           sit.name if sit else row.situation_code, step.label if step else "",
                           row.applicant_name, row.district_code, row.state, row.step_due, row.due_date,
                           row.step_due is not None and today > row.step_due, warn, row.version))
    return out


def _national_code_answered(session: Session, message, answer: dict) -> None:
    """The national forestry administration's answer to an issued certificate carries its unique code."""
    code = str(answer.get("national_code") or "").strip()
    if code:
        set_national_code(session, message.payload["number"], code)


ON_DELIVERED["forestry_national"] = _national_code_answered
