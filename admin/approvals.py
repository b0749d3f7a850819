"""The approver desk ``/admin/approvals/`` (issue 6): the to-do list by role and district, case detail
with form data, materials, timeline and due dates, the actions the user may take on the current step,
fee assessment and payment confirmation (forest-land occupation), editing the draft decision letter
before signing, post-approval supervision of the user's district, and the two libraries (planned
advertising sites, non-convention species).

Every route checks the permission (``require``) and the district scope on the server: a district-scoped
officer opening another district's case or supervision task gets 404. The engine (``workflow.approvals``)
does the work in the request's one transaction and audits it; refused moves come back with the engine's
Chinese message (409) and change nothing.
"""
from __future__ import annotations

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from wtforms import FloatField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from admin.forms import form_errors, post_ok, send_stored
from analytics.workdays import CalendarUnknown
from db import db
from db.approvals import (CERTIFICATE_STATUSES, CHANNELS, LEVELS, RECORD_KINDS, SITE_STATUSES, SUPERVISION_STATES,
                          AdSite, Case, CaseMaterial, CaseStep, Certificate, Document, FeeAssessment, Species,
                          SupervisionRecord, SupervisionTask)
from db.reference import District
from security.rbac import ROLES
from security.web import client_ip, require
from workflow import Actor, TransitionRefused, history
from workflow import approvals as ap
from workflow.catalog import APPLICANT_TYPES, KINDS, catalog

bp = Blueprint("approvals", __name__, url_prefix="/admin/approvals", template_folder="templates")

STAFF = ap.STAFF
DESK = (*STAFF, "approvals.supervise", "approvals.library")
SUPERVISE = "approvals.supervise"
LIBRARY = "approvals.library"
DESK_ACTIONS = ("advance", "return", "not_accept", "reject", "suspend", "resume", "complete")
PAGE = 20
LIST_LIMIT = 300
SHANGHAI = ZoneInfo("Asia/Shanghai")
DOC_KINDS = {"decision": "行政许可决定书", "certificate": "证书/批准文件", "fee_notice": "森林植被恢复费缴纳通知书",
             "land_consent": "使用林地审核同意书"}
OUTCOMES = {"approved": "通过", "returned": "退回补正", "reject": "不予许可", "not_accept": "不予受理",
            "withdrawn": "撤回", "terminate": "终止办理"}


# ------------------------------------------------------------------------------------------ shared helpers
def actor() -> Actor:
    """The signed-in user as the engine's Actor (district only for district-scoped roles)."""
    access = current_user.access
    scoped = any(ROLES[r].district_scoped for r in access.roles if r in ROLES)
    return Actor(current_user.username, frozenset(access.permissions), client_ip(),
                 access.district_code if scoped else None)


def today() -> date:
    """Today in Shanghai."""
    return datetime.now(SHANGHAI).date()


def warning_of(case: Case) -> bool:
    """At most two working days left (False past the known calendar)."""
    try:
        return ap.warning(case, today())
    except CalendarUnknown:
        return False


def verify_url(kind: str, ref: str) -> str:
    """The public verify page of a signed record."""
    return f"/verify/{kind}/{ref}"


def step_label(case: Case) -> str:
    """The Chinese label of the case's current step ('' when none)."""
    step = ap.current_step(case)
    return step.label if step else ""


def district_names(s: Session) -> dict[str, str]:
    """District code → name."""
    return dict(s.execute(select(District.code, District.name)).all())


def case_timeline(s: Session, case: Case) -> tuple[list[CaseStep], list]:
    """(the case's steps in order, its workflow history)."""
    steps = list(s.scalars(select(CaseStep).where(CaseStep.case_id == case.id).order_by(CaseStep.seq)))
    return steps, history(s, ap.ITEM_TYPE, case.id)


def case_documents(s: Session, case: Case) -> list[Document]:
    """The case's documents (drafts included), decision first."""
    return list(s.scalars(select(Document).where(Document.case_id == case.id).order_by(Document.id)))


def _visible(s: Session, case_id: int) -> Case:
    """A case the officer may see: any for city officers, their district's for district-scoped ones."""
    case = s.get(Case, case_id)
    who = actor()
    if case is None or (who.district_code and case.district_code != who.district_code):
        abort(404)
    return case


def _may_act(case: Case, who: Actor) -> bool:
    step = ap.current_step(case)
    return (step is not None and step.permission in who.permissions
            and (step.level != "district" or who.district_code == case.district_code))


def _actions(s: Session, case: Case, who: Actor) -> list:
    """The moves the officer may take now (permission, district and the engine's guards all pass)."""
    if not _may_act(case, who):
        return []
    return [t for t in ap.MACHINE.allowed(case, who)
            if t.action in DESK_ACTIONS and (t.guard is None or t.guard(s, case) is None)]


# ------------------------------------------------------------------------------------------ to-do list
@bp.get("/")
@require(STAFF)
def index():
    """The to-do list: filters (item, state, overdue only, district for city officers), paging, marks."""
    who = actor()
    item = request.args.get("item") or None
    state = request.args.get("state") or "in_progress"
    overdue_only = request.args.get("overdue") == "1"
    district = request.args.get("district") or None
    page = max(request.args.get("page", 1, type=int), 1)
    if item is not None and item not in catalog():
        item = None
    if state not in ("in_progress", "suspended", "parallel"):
        state = "in_progress"
    with db.session() as s:
        rows = ap.desk_todos(s, who, None if who.district_code else district, item=item, state=state,
                             overdue_only=overdue_only, limit=PAGE + 1, offset=(page - 1) * PAGE, today=today())
        names = district_names(s)
        districts = list(s.execute(select(District.code, District.name).order_by(District.sort_order)))
    args = {k: v for k, v in {"item": item, "state": state, "overdue": "1" if overdue_only else None,
                              "district": district}.items() if v}
    return render_template("approvals/index.html", rows=rows[:PAGE], more=len(rows) > PAGE, page=page, args=args,
                           items=catalog(), item=item, state=state, overdue_only=overdue_only, district=district,
                           districts=districts, names=names, states=ap.STATES, scoped=bool(who.district_code))


# ------------------------------------------------------------------------------------------ case detail
class FeeForm(FlaskForm):
    """Forest vegetation restoration fee assessment (empty rate: the statutory rates by land type)."""

    rate = FloatField("统一征收标准（元/平方米，留空按地类标准）",
                      validators=[Optional(), NumberRange(0.01, 100, "征收标准须在 0.01～100 元/平方米之间")])
    comment = StringField("核定意见", validators=[Optional(), Length(max=200)])


class PaymentForm(FlaskForm):
    """The tax department's payment confirmation."""

    tax_reference = StringField("税票号/缴款凭证号", validators=[DataRequired("请填写税票号或缴款凭证号"), Length(max=64)])


class DraftForm(FlaskForm):
    """The draft decision letter's text."""

    text = TextAreaField("决定书正文", validators=[DataRequired("决定书正文不能为空"), Length(max=8000)])


def _case_page(s: Session, case: Case, *, status: int = 200, error: str | None = None,
               fee_form: FeeForm | None = None, payment_form: PaymentForm | None = None):
    who = actor()
    it = catalog()[case.item_code]
    sub, sit = it.find(case.situation_code)
    steps, hist = case_timeline(s, case)
    step = ap.current_step(case)
    components = list(s.scalars(select(Case).where(Case.composite_parent_id == case.id).order_by(Case.id)))
    parent = s.get(Case, case.composite_parent_id) if case.composite_parent_id else None
    may = _may_act(case, who)
    return render_template(
        "approvals/case.html", case=case, item=it, sub=sub, sit=sit, step=step, steps=steps, history=hist,
        form=json.loads(case.form or "{}"), fields=it.fields(case.situation_code),
        materials=list(s.scalars(select(CaseMaterial).where(CaseMaterial.case_id == case.id)
                                 .order_by(CaseMaterial.id))),
        required=it.materials(case.situation_code), docs=case_documents(s, case),
        cert=s.scalar(select(Certificate).where(Certificate.case_id == case.id)),
        fee=s.scalar(select(FeeAssessment).where(FeeAssessment.case_id == case.id)),
        components=components, parent=parent, actions=_actions(s, case, who), may_act=may,
        fee_form=fee_form or FeeForm(formdata=None), payment_form=payment_form or PaymentForm(formdata=None),
        fee_step=may and case.state == "in_progress" and step is not None and step.kind == "fee_assessment",
        payment_step=may and case.state == "in_progress" and step is not None and step.kind == "payment_confirmation",
        can_edit_draft=may and case.state == "in_progress" and case.accepted_at is not None,
        error=error, staff=True, outcomes=OUTCOMES, machine=ap.MACHINE, states=ap.STATES, kinds=KINDS,
        types=APPLICANT_TYPES, channels=CHANNELS, levels=LEVELS,
        statuses=CERTIFICATE_STATUSES, doc_kinds=DOC_KINDS, verify_url=verify_url, step_label=step_label,
        district=district_names(s).get(case.district_code, case.district_code),
        overdue=ap.overdue(case, today()), warning=warning_of(case)), status


@bp.get("/cases/<int:case_id>")
@require(DESK)
def case(case_id: int):
    """One case with everything the officer needs to decide."""
    with db.session() as s:
        return _case_page(s, _visible(s, case_id))


def _refused(s: Session, case_id: int, message: str, **forms):
    return _case_page(s, _visible(s, case_id), status=409, error=message, **forms)


@bp.post("/cases/<int:case_id>/act")
@require(STAFF)
def act(case_id: int):
    """One move on the current step (comment required where the engine requires it)."""
    post_ok()
    action = request.form.get("action", "")
    comment = (request.form.get("comment") or "").strip() or None
    version = request.form.get("version", type=int)
    with db.session() as s:
        _visible(s, case_id)
        try:
            with s.begin_nested():
                case = ap.act(s, actor(), case_id, action, comment=comment, expected_version=version)
        except (TransitionRefused, ap.ApprovalError) as exc:
            return _refused(s, case_id, exc.message)
        label, state = ap.MACHINE.get(action).label, ap.STATES[case.state]
    flash(f"已{label}，当前状态：{state}")
    return redirect(url_for("approvals.case", case_id=case_id))


@bp.post("/cases/<int:case_id>/fee")
@require("approvals.fee")
def fee(case_id: int):
    """Assess the forest vegetation restoration fee; the sealed notice is generated and sent by SMS."""
    form = FeeForm()
    with db.session() as s:
        _visible(s, case_id)
        if not form.validate_on_submit():
            return _refused(s, case_id, "；".join(form_errors(form)) or "请求无效", fee_form=form)
        try:
            with s.begin_nested():
                row = ap.assess_fee(s, actor(), case_id, rate=form.rate.data, comment=form.comment.data or None)
        except (TransitionRefused, ap.ApprovalError) as exc:
            return _refused(s, case_id, exc.message, fee_form=form)
        amount, notice = row.amount, row.notice_no
    flash(f"已核定森林植被恢复费 {amount:.2f} 元，缴纳通知书 {notice} 已签章并短信通知")
    return redirect(url_for("approvals.case", case_id=case_id))


@bp.post("/cases/<int:case_id>/payment")
@require("approvals.tax")
def payment(case_id: int):
    """The tax officer confirms the fee was paid."""
    form = PaymentForm()
    with db.session() as s:
        _visible(s, case_id)
        if not form.validate_on_submit():
            return _refused(s, case_id, "；".join(form_errors(form)) or "请求无效", payment_form=form)
        try:
            with s.begin_nested():
                ap.confirm_payment(s, actor(), case_id, tax_reference=form.tax_reference.data)
        except (TransitionRefused, ap.ApprovalError) as exc:
            return _refused(s, case_id, exc.message, payment_form=form)
    flash("已确认缴费")
    return redirect(url_for("approvals.case", case_id=case_id))


@bp.route("/cases/<int:case_id>/draft", methods=["GET", "POST"])
@require(STAFF)
def draft(case_id: int):
    """Edit the draft decision letter before it is signed (module 65)."""
    with db.session() as s:
        case = _visible(s, case_id)
        doc = s.scalar(select(Document).where(Document.case_id == case.id, Document.kind == "decision"))
        form = DraftForm(data={"text": doc.draft_text if doc else ""} if request.method == "GET" else None)
        error, status = None, 200
        if request.method == "POST":
            if form.validate_on_submit():
                try:
                    with s.begin_nested():
                        ap.edit_draft(s, actor(), case.id, form.text.data)
                except (TransitionRefused, ap.ApprovalError) as exc:
                    error, status = exc.message, 409
                else:
                    flash("决定书拟稿已保存")
                    return redirect(url_for("approvals.case", case_id=case_id))
            else:
                status = 400
        errors = form_errors(form) + ([error] if error else [])
        return render_template("approvals/draft.html", case=case, doc=doc, form=form, errors=errors,
                               item=catalog()[case.item_code]), status


@bp.get("/materials/<int:material_id>")
@require(DESK)
def material(material_id: int):
    """Download an applicant's material (case visible to the officer)."""
    with db.session() as s:
        row = s.get(CaseMaterial, material_id) or abort(404)
        _visible(s, row.case_id)
        return send_stored(row.stored_path, row.filename, row.sm3)


@bp.get("/documents/<int:doc_id>/<fmt>")
@require(DESK)
def document(doc_id: int, fmt: str):
    """Download a rendered document (DOCX or PDF) of a visible case."""
    if fmt not in ("pdf", "docx"):
        abort(404)
    with db.session() as s:
        doc = s.get(Document, doc_id) or abort(404)
        case = _visible(s, doc.case_id)
        return send_stored(doc.pdf_path if fmt == "pdf" else doc.docx_path, f"{case.case_no}-{doc.kind}.{fmt}")


# ------------------------------------------------------------------------------------------ supervision
class RecordForm(FlaskForm):
    """One supervision entry."""

    kind = SelectField("记录类型", choices=[SelectChoice(k, v) for k, v in RECORD_KINDS.items()])
    text = TextAreaField("监管情况", validators=[DataRequired("请填写监管情况"), Length(max=2000)])


def _scoped_tasks():
    who = actor()
    q = select(SupervisionTask, Case).join(Case, Case.id == SupervisionTask.case_id)
    return q.where(SupervisionTask.district_code == who.district_code) if who.district_code else q


@bp.get("/supervision")
@require(SUPERVISE)
def supervision():
    """Post-approval supervision tasks of the user's district, by state, next due first."""
    state = request.args.get("state") or None
    page = max(request.args.get("page", 1, type=int), 1)
    with db.session() as s:
        q = _scoped_tasks()
        if state in SUPERVISION_STATES:
            q = q.where(SupervisionTask.state == state)
        rows = s.execute(q.order_by(SupervisionTask.next_due, SupervisionTask.id)
                         .limit(PAGE + 1).offset((page - 1) * PAGE)).all()
        return render_template("approvals/supervision.html", rows=rows[:PAGE], more=len(rows) > PAGE, page=page,
                               state=state, states=SUPERVISION_STATES, items=catalog(), names=district_names(s),
                               today=today())


@bp.route("/supervision/<int:task_id>", methods=["GET", "POST"])
@require(SUPERVISE)
def task(task_id: int):
    """One supervision task: its case, certificate and records; record an inspection, finding,
    rectification or closure."""
    form = RecordForm()
    with db.session() as s:
        row = s.execute(_scoped_tasks().where(SupervisionTask.id == task_id)).first() or abort(404)
        t, case = row
        error, status = None, 200
        if request.method == "POST":
            if form.validate_on_submit():
                try:
                    with s.begin_nested():
                        ap.add_supervision_record(s, actor(), t.id, form.kind.data, form.text.data)
                except ap.ApprovalError as exc:
                    error, status = exc.message, 409
                else:
                    flash(f"已登记“{RECORD_KINDS[form.kind.data]}”，任务状态：{SUPERVISION_STATES[t.state]}")
                    return redirect(url_for("approvals.task", task_id=task_id))
            else:
                status = 400
        records = list(s.scalars(select(SupervisionRecord).where(SupervisionRecord.task_id == t.id)
                                 .order_by(SupervisionRecord.id)))
        cert = s.get(Certificate, t.certificate_id) if t.certificate_id else None
        return render_template("approvals/task.html", task=t, case=case, cert=cert, records=records, form=form,
                               errors=form_errors(form) + ([error] if error else []), kinds=RECORD_KINDS,
                               states=SUPERVISION_STATES, item=catalog()[case.item_code],
                               district=district_names(s).get(t.district_code, t.district_code),
                               statuses=CERTIFICATE_STATUSES), status


# ------------------------------------------------------------------------------------------ libraries
class SiteForm(FlaskForm):
    """A planned advertising site (规划点位, module 68)."""

    code = StringField("点位编号", validators=[DataRequired("请输入点位编号"),
                                           Regexp(r"^GG\d{6}-\d{3}$", message="点位编号格式如 GG310104-001")])
    name = StringField("点位名称", validators=[DataRequired("请输入点位名称"), Length(max=120)])
    district_code = SelectField("所在区", choices=[])
    street = StringField("街道（镇）", validators=[DataRequired("请输入街道"), Length(max=64)])
    lon = FloatField("经度", validators=[InputRequired("请输入经度"), NumberRange(120.8, 122.2, "经度须在上海市范围内")])
    lat = FloatField("纬度", validators=[InputRequired("请输入纬度"), NumberRange(30.6, 31.9, "纬度须在上海市范围内")])
    size = StringField("规格", validators=[DataRequired("请输入规格"), Length(max=32)])
    status = SelectField("状态", choices=[SelectChoice(k, v) for k, v in SITE_STATUSES.items()])


class SpeciesForm(FlaskForm):
    """A species of the non-convention library (module 73)."""

    name = StringField("物种名", validators=[DataRequired("请输入物种名"), Length(max=64)])
    scientific_name = StringField("学名", validators=[DataRequired("请输入学名"), Length(max=128)])
    category = StringField("分类（纲）", validators=[DataRequired("请输入分类"), Length(max=32)])
    protection_level = StringField("保护级别", default="非国际公约物种",
                                   validators=[DataRequired("请输入保护级别"), Length(max=32)])
    note = TextAreaField("备注", validators=[Optional(), Length(max=2000)])


@bp.get("/sites")
@require(LIBRARY)
def sites():
    """The planned advertising sites, filtered by district, status and name."""
    district = request.args.get("district") or None
    status = request.args.get("status") or None
    q = (request.args.get("q") or "").strip()
    with db.session() as s:
        stmt = select(AdSite).order_by(AdSite.code)
        if district:
            stmt = stmt.where(AdSite.district_code == district)
        if status in SITE_STATUSES:
            stmt = stmt.where(AdSite.status == status)
        if q:
            stmt = stmt.where(AdSite.name.contains(q) | AdSite.code.contains(q))
        rows = list(s.scalars(stmt.limit(LIST_LIMIT)))
        total = s.scalar(select(func.count()).select_from(AdSite))
        districts = list(s.execute(select(District.code, District.name).order_by(District.sort_order)))
        return render_template("approvals/sites.html", rows=rows, total=total, district=district, status=status,
                               q=q, districts=districts, names=district_names(s), statuses=SITE_STATUSES)


def _library_page(title: str, form: FlaskForm, errors: list[str], back: str, status: int, locked: str | None = None):
    return render_template("approvals/form.html", title=title, form=form, errors=errors, back=back,
                           locked=locked), status


@bp.route("/sites/new", methods=["GET", "POST"], defaults={"site_id": None})
@bp.route("/sites/<int:site_id>/edit", methods=["GET", "POST"])
@require(LIBRARY)
def site(site_id: int | None):
    """Add or edit a planned advertising site (the code of an existing site stays)."""
    with db.session() as s:
        row = s.get(AdSite, site_id) or abort(404) if site_id else None
        form = SiteForm(obj=row if request.method == "GET" else None)
        form.district_code.choices = [SelectChoice(c, n) for c, n in s.execute(
            select(District.code, District.name).order_by(District.sort_order))]
        if row is not None and request.method == "POST":
            form.code.data = row.code
        error = None
        if form.validate_on_submit():
            if row is None and s.scalar(select(AdSite.id).where(AdSite.code == form.code.data)):
                form.code.errors = ["该点位编号已存在"]
            else:
                try:
                    with s.begin_nested():
                        ap.save_ad_site(s, actor(), code=form.code.data, name=form.name.data,
                                        district_code=form.district_code.data, street=form.street.data,
                                        lon=form.lon.data, lat=form.lat.data, size=form.size.data,
                                        status=form.status.data)
                except ap.ApprovalError as exc:
                    error = exc.message
                else:
                    flash(f"已保存规划点位 {form.code.data}")
                    return redirect(url_for("approvals.sites"))
        errors = form_errors(form) + ([error] if error else [])
        return _library_page("编辑规划点位" if row else "新增规划点位", form, errors, url_for("approvals.sites"),
                             400 if request.method == "POST" else 200, locked="code" if row else None)


@bp.get("/species")
@require(LIBRARY)
def species():
    """The non-convention species library."""
    q = (request.args.get("q") or "").strip()
    with db.session() as s:
        stmt = select(Species).order_by(Species.category, Species.name)
        if q:
            stmt = stmt.where(Species.name.contains(q) | Species.scientific_name.contains(q))
        rows = list(s.scalars(stmt.limit(LIST_LIMIT)))
        return render_template("approvals/species.html", rows=rows, q=q)


@bp.route("/species/new", methods=["GET", "POST"], defaults={"species_id": None})
@bp.route("/species/<int:species_id>/edit", methods=["GET", "POST"])
@require(LIBRARY)
def species_edit(species_id: int | None):
    """Add or edit a species (the name of an existing species stays)."""
    with db.session() as s:
        row = s.get(Species, species_id) or abort(404) if species_id else None
        form = SpeciesForm(obj=row if request.method == "GET" else None)
        if row is not None and request.method == "POST":
            form.name.data = row.name
        error = None
        if form.validate_on_submit():
            if row is None and s.scalar(select(Species.id).where(Species.name == form.name.data.strip())):
                form.name.errors = ["该物种已在库中"]
            else:
                try:
                    with s.begin_nested():
                        ap.save_species(s, actor(), name=form.name.data, scientific_name=form.scientific_name.data,
                                        category=form.category.data, protection_level=form.protection_level.data,
                                        note=form.note.data or "")
                except ap.ApprovalError as exc:
                    error = exc.message
                else:
                    flash(f"已保存物种 {form.name.data.strip()}")
                    return redirect(url_for("approvals.species"))
        errors = form_errors(form) + ([error] if error else [])
        return _library_page("编辑物种" if row else "新增物种", form, errors, url_for("approvals.species"),
                             400 if request.method == "POST" else 200, locked="name" if row else None)
