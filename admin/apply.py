"""The applicant portal ``/apply/`` (issue 6, modules 56-57 and the application side of every item):
item list with guidance notes, the smart guide, the form generated from the situation's fields, draft
saving, material uploads, submission, "my cases" with the timeline and document downloads, and renewal,
change and cancellation started from an issued certificate.

Everything goes through the engine (``workflow.approvals``): one transaction per request, audited there.
An applicant sees only the cases they filed (anything else is 404). The page works on a phone: the
layout narrows in ``approvals.css`` and the channel is recorded as ``mobile`` when the request comes from
a phone-sized client (the hidden field ``apply.js`` sets, or a mobile user agent).
"""
from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from wtforms import HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from admin.approvals import (DOC_KINDS, OUTCOMES, actor, case_documents, case_timeline, district_names,
                             step_label, today, verify_url)
from admin.forms import post_ok, send_stored
from db import db
from db.approvals import CERTIFICATE_STATUSES, CHANNELS, Case, CaseMaterial, Certificate, Document, FeeAssessment
from db.reference import District
from security.web import require
from workflow import TransitionRefused
from workflow import approvals as ap
from workflow.catalog import APPLICANT_TYPES, KINDS, FormField, Item, catalog, field_error

bp = Blueprint("apply", __name__, url_prefix="/apply", template_folder="templates")

APPLY = "approvals.apply"
AGENT = "approvals.agent"
EDITABLE = ("draft", "returned")
WITHDRAWABLE = ("draft", "in_progress", "returned", "suspended")
PAGE = 30
MAX_TABLE_ROWS = 200
_MOBILE_UA = re.compile(r"Mobile|Android|iPhone|iPod|HarmonyOS|MicroMessenger", re.I)


# ------------------------------------------------------------------------------------------ helpers
def channel() -> str:
    """``mobile`` when the client is phone-sized (hidden field set by apply.js) or a mobile browser."""
    if request.form.get("channel") == "mobile" or _MOBILE_UA.search(request.headers.get("User-Agent", "")):
        return "mobile"
    return "web"


def _item(code: str) -> Item:
    return catalog().get(code) or abort(404)


def _own_case(s: Session, case_id: int) -> Case:
    """A case the signed-in applicant filed (404 for anyone else's)."""
    case = s.get(Case, case_id)
    if case is None or case.applicant_username != current_user.username:
        abort(404)
    return case


def _types() -> list[tuple[str, str]]:
    """Applicant types the user may file as (agents only with approvals.agent)."""
    return [(k, v) for k, v in APPLICANT_TYPES.items() if k != "agent" or current_user.can(AGENT)]


def _fee_note(item: Item) -> str:
    if any(s.kind == "fee_assessment" for f in item.flows for s in f.steps):
        return "按占用林地面积和地类核定征收森林植被恢复费（财税〔2015〕122号），其他不收费"
    return "不收费"


def _guide(item: Item, applicant_type: str, answers: dict[str, int], kind: str | None):
    """The guide's state; with ``kind`` (renewal/change/cancel from a certificate) a question whose options
    leave exactly one answer of that kind is answered automatically."""
    answers = dict(answers)
    while True:
        question, options, remaining = item.guide(applicant_type, answers)
        if question is None or kind is None:
            return question, options, remaining, answers
        fits = [i for i, o in enumerate(options)
                if any(item.find(s)[1].kind == kind for s in o.situations if s in remaining)]
        if len(fits) != 1:
            return question, options, remaining, answers
        answers[question.code] = fits[0]


def _answers() -> dict[str, int]:
    out = {}
    for key, value in request.args.items():
        if key.startswith("a.") and value.isdigit():
            out[key[2:]] = int(value)
    return out


def _guide_url(code: str, applicant_type: str, answers: dict[str, int], **extra: str) -> str:
    args = {"type": applicant_type, **{f"a.{k}": v for k, v in answers.items()},
            **{k: v for k, v in extra.items() if v}}
    return url_for("apply.guide", code=code) + "?" + urlencode(args)


class StartForm(FlaskForm):
    """Who applies, for which district; the situation comes from the guide."""

    applicant_type = HiddenField(validators=[DataRequired("请先选择申请人类型")])
    situation = HiddenField(validators=[DataRequired("请先完成智能引导")])
    channel = HiddenField(default="web")
    applicant_name = StringField("申请人（单位）名称", validators=[DataRequired("请输入申请人名称"), Length(max=128)])
    credit_code = StringField("统一社会信用代码/身份证号码", validators=[
        DataRequired("请输入统一社会信用代码或身份证号码"),
        Regexp(r"^[0-9A-Za-z]{18}$", message="统一社会信用代码或身份证号码须为 18 位")])
    district_code = SelectField("办理区域（项目/经营场所所在区）", choices=[])
    contact_phone = StringField("联系电话（用于短信通知）", validators=[
        Optional(), Regexp(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$", message="联系电话须为手机号码或固定电话")])
    parent_certificate_no = StringField("原证书编号", validators=[Optional(), Length(max=64)])


def _districts(s: Session) -> list[SelectChoice]:
    rows = s.execute(select(District.code, District.name).order_by(District.sort_order))
    return [SelectChoice(c, n) for c, n in rows]


# ------------------------------------------------------------------------------------------ items and guide
@bp.get("/")
@require(APPLY)
def index():
    """The items with their guidance notes: materials, time limits, fees, legal basis (modules 56, 61, 69 …)."""
    items = sorted(catalog().values(), key=lambda i: (min(i.modules or (999,)), i.code))
    with db.session() as s:
        mine = s.scalar(select(func.count()).select_from(Case).where(Case.applicant_username == current_user.username))
    return render_template("apply/index.html", items=items, fee_note=_fee_note, mine=mine)


@bp.get("/items/<code>")
@require(APPLY)
def item(code: str):
    """One item's guidance: every situation with its time limit, steps and required materials."""
    it = _item(code)
    rows = [(sub, sit, it.steps(sit.code), it.materials(sit.code)) for sub, sit in it.situations()
            if not sub.component_only]
    return render_template("apply/item.html", item=it, rows=rows, kinds=KINDS, types=APPLICANT_TYPES,
                           fee_note=_fee_note(it))


@bp.get("/items/<code>/guide")
@require(APPLY)
def guide(code: str):
    """The smart guide: applicant type, then one question at a time, then the situation with its materials
    shown before starting, and the start form."""
    it = _item(code)
    applicant_type = request.args.get("type", "")
    parent = (request.args.get("parent") or "").strip()
    kind = request.args.get("kind") if request.args.get("kind") in KINDS else None
    types = _types()
    if applicant_type not in dict(types):
        return render_template("apply/guide.html", item=it, step="type", types=types, parent=parent, kind=kind)
    try:
        question, options, remaining, answers = _guide(it, applicant_type, _answers(), kind)
    except KeyError:
        abort(400)
    if question is not None:
        links = [(o.label, _guide_url(code, applicant_type, {**answers, question.code: i}, parent=parent,
                                      kind=kind or "")) for i, o in enumerate(options)]
        return render_template("apply/guide.html", item=it, step="question", question=question, links=links,
                               restart=url_for("apply.guide", code=code, parent=parent or None, kind=kind))
    if len(remaining) != 1:
        return render_template("apply/guide.html", item=it, step="none", types=types,
                               restart=url_for("apply.guide", code=code)), 404
    with db.session() as s:
        form = StartForm(applicant_type=applicant_type, situation=remaining[0], parent_certificate_no=parent)
        form.district_code.choices = _districts(s)
        if parent and request.method == "GET":
            cert = s.scalar(select(Certificate).join(Case, Case.id == Certificate.case_id).where(
                Certificate.number == parent, Case.applicant_username == current_user.username))
            if cert is not None:
                origin = s.get(Case, cert.case_id)
                form.applicant_name.data, form.credit_code.data = origin.applicant_name, origin.applicant_credit_code
                form.district_code.data, form.contact_phone.data = origin.district_code, origin.contact_phone
        return _start_page(it, form, applicant_type, remaining[0])


def _start_page(it: Item, form: StartForm, applicant_type: str, situation: str, status: int = 200,
                errors: list[str] | None = None):
    sub, sit = it.find(situation)
    return render_template("apply/guide.html", item=it, step="done", sub=sub, sit=sit, form=form,
                           kinds=KINDS, types=APPLICANT_TYPES, applicant_type=applicant_type,
                           steps=it.steps(situation), fields=it.fields(situation),
                           materials=it.materials(situation), fee_note=_fee_note(it),
                           errors=errors or [e for errs in form.errors.values() for e in errs],
                           restart=url_for("apply.guide", code=it.code)), status


@bp.post("/items/<code>/start")
@require(APPLY)
def start(code: str):
    """Create the draft of the situation the guide singled out (prefilled from the applicant / parent case)."""
    it = _item(code)
    form = StartForm()
    with db.session() as s:
        form.district_code.choices = _districts(s)
        applicant_type, situation = form.applicant_type.data or "", form.situation.data or ""
        if applicant_type not in dict(_types()) or situation not in it.candidates(applicant_type):
            abort(400)
        if not form.validate_on_submit():
            return _start_page(it, form, applicant_type, situation, 400)
        sit = it.find(situation)[1]
        if sit.kind != "new" and not (form.parent_certificate_no.data or "").strip():
            form.parent_certificate_no.errors = ["延续、变更、注销须填写原证书编号"]
            return _start_page(it, form, applicant_type, situation, 400)
        try:
            with s.begin_nested():
                case = ap.create_draft(s, actor(), item_code=code, applicant_type=applicant_type,
                                       applicant_name=form.applicant_name.data, credit_code=form.credit_code.data,
                                       district_code=form.district_code.data, situation=situation,
                                       contact_phone=form.contact_phone.data or None, channel=channel(),
                                       parent_certificate_no=(form.parent_certificate_no.data or None)
                                       if sit.kind != "new" else None)
        except ap.ApprovalError as exc:
            return _start_page(it, form, applicant_type, situation, 400, [exc.message])
        case_id, case_no = case.id, case.case_no
    flash(f"已创建办件 {case_no}，请填写申请表并上传材料")
    return redirect(url_for("apply.edit", case_id=case_id))


# ------------------------------------------------------------------------------------------ the form
def _parse(fields: list[FormField]) -> dict[str, Any]:
    """Form values as posted: text per field, a list of row dicts per table field (blank rows dropped)."""
    values: dict[str, Any] = {}
    for f in fields:
        if f.type == "table":
            count = min(request.form.get(f"rows-{f.code}", 0, type=int), MAX_TABLE_ROWS)
            rows = []
            for i in range(max(count, 0)):
                row = {c.code: (request.form.get(f"f-{f.code}-{i}-{c.code}") or "").strip() for c in f.columns}
                if any(row.values()):
                    rows.append(row)
            values[f.code] = rows
        else:
            values[f.code] = (request.form.get(f"f-{f.code}") or "").strip()
    return values


def _form_page(s: Session, case: Case, values: dict[str, Any], errors: dict[str, str], *, status: int = 200,
               messages: list[str] | None = None, missing_materials: list[str] | None = None,
               extra_rows: dict[str, int] | None = None):
    it = catalog()[case.item_code]
    sub, sit = it.find(case.situation_code)
    uploaded: dict[str, list[CaseMaterial]] = {}
    for m in s.scalars(select(CaseMaterial).where(CaseMaterial.case_id == case.id).order_by(CaseMaterial.id)):
        uploaded.setdefault(m.code, []).append(m)
    returned = case_timeline(s, case)[0] if case.state == "returned" else []
    reason = next((r.comment for r in reversed(returned) if r.outcome == "returned"), None)
    return render_template("apply/form.html", case=case, item=it, sub=sub, sit=sit,
                           fields=it.fields(case.situation_code), materials=it.materials(case.situation_code),
                           values=values, errors=errors, uploaded=uploaded, messages=messages or [],
                           missing_materials=missing_materials or [], extra_rows=extra_rows or {},
                           reason=reason, states=ap.STATES, kinds=KINDS), status


@bp.route("/cases/<int:case_id>/form", methods=["GET", "POST"])
@require(APPLY)
def edit(case_id: int):
    """Fill in the form: save the draft (field errors re-render the form with what was typed, nothing
    saved), add a table row, or submit (refused with every missing field and material)."""
    with db.session() as s:
        case = _own_case(s, case_id)
        if case.state not in EDITABLE:
            flash(f"办件{ap.STATES[case.state]}，不能修改")
            return redirect(url_for("apply.case", case_id=case.id))
        it = catalog()[case.item_code]
        fields = it.fields(case.situation_code)
        if request.method == "GET":
            return _form_page(s, case, json.loads(case.form or "{}"), {})
        post_ok()
        action = request.form.get("action", "save")
        values = _parse(fields)
        errors = {f.code: err for f in fields if values.get(f.code) and (err := field_error(f, values[f.code]))}
        if action.startswith("addrow:"):
            return _form_page(s, case, values, errors, extra_rows={action[7:]: 1})
        if errors:
            return _form_page(s, case, values, errors, status=400, messages=["请更正标出的字段，未保存任何内容"])
        try:
            with s.begin_nested():
                ap.save_draft(s, actor(), case.id, values)
        except ap.ApprovalError as exc:
            return _form_page(s, case, values, {}, status=400, messages=[exc.message])
        if action != "submit":
            flash("草稿已保存")
            return redirect(url_for("apply.edit", case_id=case.id))
        try:
            with s.begin_nested():
                ap.submit(s, actor(), case.id)
        except ap.SubmitRefused as exc:  # the saved draft stays; nothing else was written
            return _form_page(s, case, values, exc.errors, status=400, messages=["不能提交，请补齐以下内容"],
                              missing_materials=exc.missing_materials)
        except (ap.ApprovalError, TransitionRefused) as exc:
            return _form_page(s, case, values, {}, status=409, messages=[exc.message])
        case_no, due = case.case_no, case.due_date
    flash(f"办件 {case_no} 已提交，承诺办结日期 {due:%Y-%m-%d}")
    return redirect(url_for("apply.case", case_id=case_id))


@bp.post("/cases/<int:case_id>/materials")
@require(APPLY)
def upload(case_id: int):
    """Upload one file for one material (type checked by content, size limited; Chinese refusal)."""
    post_ok()
    storage = request.files.get("file")
    code = request.form.get("code", "")
    with db.session() as s:
        case = _own_case(s, case_id)
        form = json.loads(case.form or "{}")
        if storage is None or not storage.filename:
            return _form_page(s, case, form, {}, status=400, messages=["请选择要上传的文件"])
        data = storage.read(100 * 1024 * 1024 + 1)
        try:  # a refusal is audited by the engine before it raises, and that record is kept
            row = ap.add_material(s, actor(), case.id, code, storage.filename, data)
        except ap.ApprovalError as exc:
            return _form_page(s, case, form, {}, status=400, messages=[exc.message])
        name = row.filename
    flash(f"已上传 {name}")
    return redirect(url_for("apply.edit", case_id=case_id) + "#materials")


@bp.post("/materials/<int:material_id>/delete")
@require(APPLY)
def remove(material_id: int):
    """Remove one uploaded file from a draft."""
    post_ok()
    with db.session() as s:
        row = s.get(CaseMaterial, material_id) or abort(404)
        case = _own_case(s, row.case_id)
        try:
            with s.begin_nested():
                ap.remove_material(s, actor(), material_id)
        except ap.ApprovalError as exc:
            flash(exc.message)
            return redirect(url_for("apply.case", case_id=case.id)), 303
        case_id = case.id
    flash("已删除该文件")
    return redirect(url_for("apply.edit", case_id=case_id) + "#materials")


@bp.get("/materials/<int:material_id>")
@require(APPLY)
def material(material_id: int):
    """Download one of the applicant's own uploaded files."""
    with db.session() as s:
        row = s.get(CaseMaterial, material_id) or abort(404)
        _own_case(s, row.case_id)
        return send_stored(row.stored_path, row.filename, row.sm3)


# ------------------------------------------------------------------------------------------ my cases
@bp.get("/cases")
@require(APPLY)
def cases():
    """The applicant's cases: status, current step, due date; newest first, paged."""
    page = max(request.args.get("page", 1, type=int), 1)
    with db.session() as s:
        rows = list(s.scalars(select(Case).where(Case.applicant_username == current_user.username)
                              .order_by(Case.id.desc()).limit(PAGE + 1).offset((page - 1) * PAGE)))
        items = catalog()
        return render_template("apply/cases.html", rows=rows[:PAGE], more=len(rows) > PAGE, page=page,
                               items=items, states=ap.STATES, kinds=KINDS, step_label=step_label,
                               districts=district_names(s))


@bp.get("/cases/<int:case_id>")
@require(APPLY)
def case(case_id: int):
    """One case: status, current step, due date, the form, materials, the timeline, fee and documents."""
    with db.session() as s:
        c = _own_case(s, case_id)
        it = catalog()[c.item_code]
        sub, sit = it.find(c.situation_code)
        steps, history = case_timeline(s, c)
        docs = [d for d in case_documents(s, c) if d.signed]
        cert = s.scalar(select(Certificate).where(Certificate.case_id == c.id))
        fee = s.scalar(select(FeeAssessment).where(FeeAssessment.case_id == c.id))
        components = list(s.scalars(select(Case).where(Case.composite_parent_id == c.id).order_by(Case.id)))
        materials = list(s.scalars(select(CaseMaterial).where(CaseMaterial.case_id == c.id).order_by(CaseMaterial.id)))
        return render_template("apply/case.html", case=c, item=it, sub=sub, sit=sit, steps=steps, history=history,
                               docs=docs, cert=cert, fee=fee, components=components, materials=materials,
                               form=json.loads(c.form or "{}"), fields=it.fields(c.situation_code),
                               states=ap.STATES, kinds=KINDS, channels=CHANNELS, step_label=step_label,
                               editable=c.state in EDITABLE,
                               withdrawable=c.state in WITHDRAWABLE and c.composite_parent_id is None,
                               statuses=CERTIFICATE_STATUSES, verify_url=verify_url, doc_kinds=DOC_KINDS,
                               staff=False, outcomes=OUTCOMES, machine=ap.MACHINE,
                               district=district_names(s).get(c.district_code, c.district_code),
                               overdue=ap.overdue(c, today()), warning=_warning(c))


def _warning(case: Case) -> bool:
    try:
        return ap.warning(case, today())
    except Exception:  # noqa: BLE001 - a due date past the known calendar: no warning rather than an error
        return False


@bp.post("/cases/<int:case_id>/withdraw")
@require(APPLY)
def withdraw(case_id: int):
    """Withdraw one's own application."""
    post_ok()
    try:
        with db.session() as s:
            _own_case(s, case_id)
            ap.act(s, actor(), case_id, "withdraw", comment=request.form.get("comment") or "申请人撤回")
    except (ap.ApprovalError, TransitionRefused) as exc:
        flash(exc.message)
        return redirect(url_for("apply.case", case_id=case_id)), 303
    flash("申请已撤回")
    return redirect(url_for("apply.case", case_id=case_id))


@bp.get("/documents/<int:doc_id>/<fmt>")
@require(APPLY)
def document(doc_id: int, fmt: str):
    """Download an issued document (decision letter, certificate, fee notice …) of one's own case."""
    if fmt not in ("pdf", "docx"):
        abort(404)
    with db.session() as s:
        doc = s.get(Document, doc_id) or abort(404)
        c = _own_case(s, doc.case_id)
        if not doc.signed:
            abort(404)
        path = doc.pdf_path if fmt == "pdf" else doc.docx_path
        return send_stored(path, f"{c.case_no}-{doc.kind}.{fmt}")


# ------------------------------------------------------------------------------------------ certificates
@bp.get("/certificates")
@require(APPLY)
def certificates():
    """Certificates issued on the applicant's cases, with renewal / change / cancellation where the item has them."""
    with db.session() as s:
        rows = s.execute(select(Certificate, Case).join(Case, Case.id == Certificate.case_id)
                         .where(Case.applicant_username == current_user.username)
                         .order_by(Certificate.id.desc()).limit(200)).all()
        out = []
        for cert, c in rows:
            it = catalog()[cert.item_code]
            links = []
            if cert.status == "valid" and c.composite_parent_id is None:
                for kind in ("renewal", "change", "cancel"):
                    if any(sit.kind == kind for sit in (it.find(x)[1] for x in it.candidates(c.applicant_type))):
                        links.append((KINDS[kind], _guide_url(it.code, c.applicant_type, {}, parent=cert.number,
                                                              kind=kind)))
            out.append((cert, c, it, links))
        return render_template("apply/certificates.html", rows=out, statuses=CERTIFICATE_STATUSES,
                               verify_url=verify_url)
