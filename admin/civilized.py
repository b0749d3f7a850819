"""Civilized units (文明单位) admin pages, modules 1-17: cycles, indicators, units, pre-application and its
tiered review, self-assessment with evidence, negative-list consultation, material and comprehensive
review, award, registry and removal, inspections and symposia, negative-list base data.

Every view is permission-checked with ``require`` and scoped: a unit sees only its own applications, an
association only its industry's units, a department only the applicants it was consulted on. Every write
and its audit record commit in one transaction; bad input re-renders the form with field errors (400).
"""
from __future__ import annotations

import json
from datetime import date, datetime, timezone

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session
from wtforms import (DateField, FloatField, IntegerField, RadioField, SelectField, SelectMultipleField,
                     StringField, TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from admin.forms import form_errors, post_ok, send_stored
from analytics import civilized as scoring
from db import db
from db.civilized import (EFFECTS, KINDS, NATURES, RECORD_KINDS, REMOVAL_REASONS, Application, Association,
                          Consultation, Cycle, Decision, Department, EventType, EvidenceFile, Indicator,
                          IndicatorVersion, NegativeEvent, Record, RegistryEntry, Score, Unit, refresh_rollups)
from db.meta import touch
from db.reference import District
from security import audit
from security.signing import sign_record
from security.sm import sm3
from security.uploads import UploadRejected, check_upload, safe_filename, store_file
from security.web import audit_denied, client_ip, require
from workflow import Actor, TransitionRefused, history, transition
from workflow import inbox
from workflow.civilized import (ADMIN, ASSOCIATION, ITEM_TYPE, MACHINE, STATES, UNIT, missing_scores,
                                published_version)

bp = Blueprint("civilized", __name__, url_prefix="/admin/civilized", template_folder="templates")

CONSULT = "civilized.consult"
ANY = (ADMIN, ASSOCIATION, UNIT, CONSULT)
EVIDENCE_KINDS = {"pdf", "jpg", "png", "docx"}
PHOTO_KINDS = {"jpg", "png"}
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
STAGES = {"self": "单位自评", "association": "协会评分", "bureau": "文明办评分"}
STAGE_PERMISSION = {"self": UNIT, "association": ASSOCIATION, "bureau": ADMIN}
LIST_LIMIT = 300


# ------------------------------------------------------------------------------------------ helpers
def _opts(pairs) -> list[SelectChoice]:
    """WTForms choices from (value, label) pairs."""
    return [SelectChoice(v, label) for v, label in pairs]


def _actor() -> Actor:
    return Actor(current_user.username, frozenset(current_user.access.permissions), client_ip())


def _audit(s: Session, action: str, object_type: str, object_id, detail: dict | None = None) -> None:
    audit.append(s, username=current_user.username, source_ip=client_ip(), action=f"civilized.{action}",
                 object_type=object_type, object_id=str(object_id), detail=detail)


def _changed(s: Session) -> None:
    """Mark the statistics' data as changed: their version is bumped when this transaction commits."""
    touch(s, "civilized")


def _my_association(s: Session) -> Association | None:
    return s.scalar(select(Association).where(Association.account == current_user.username))


def _my_department(s: Session) -> Department | None:
    return s.scalar(select(Department).where(Department.account == current_user.username))


def _scope_units(s: Session):
    """A WHERE clause on Unit limiting it to what the user may see (None: everything)."""
    if current_user.can(ADMIN):
        return None
    clauses = []
    if current_user.can(ASSOCIATION):
        assoc = _my_association(s)
        clauses.append(Unit.association_id == (assoc.id if assoc else -1))
    if current_user.can(UNIT):
        clauses.append(Unit.account == current_user.username)
    if current_user.can(CONSULT):
        dept = _my_department(s)
        consulted = select(Application.unit_id).join(Consultation, Consultation.application_id == Application.id) \
            .where(Consultation.department_id == (dept.id if dept else -1))
        clauses.append(Unit.id.in_(consulted))
    return or_(*clauses) if clauses else Unit.id == -1


def _visible_unit(s: Session, unit_id: int) -> Unit:
    clause = _scope_units(s)
    stmt = select(Unit).where(Unit.id == unit_id)
    unit = s.scalar(stmt if clause is None else stmt.where(clause))
    return unit or abort(404)


def _application(s: Session, app_id: int) -> Application:
    app = s.get(Application, app_id) or abort(404)
    _visible_unit(s, app.unit_id)
    return app


def _indicators(s: Session, cycle_id: int) -> list[Indicator]:
    version = published_version(s, cycle_id)
    if version is None:
        return []
    return list(s.scalars(select(Indicator).where(Indicator.version_id == version.id)
                          .order_by(Indicator.sort_order, Indicator.id)))


def _specs(indicators: list[Indicator]) -> list[scoring.IndicatorSpec]:
    return [scoring.IndicatorSpec(str(i.id), i.category, i.max_score, i.weight) for i in indicators]


def _stage_scores(s: Session, app_id: int) -> dict[str, dict[int, Score]]:
    out: dict[str, dict[int, Score]] = {k: {} for k in STAGES}
    for sc in s.scalars(select(Score).where(Score.application_id == app_id)):
        out.setdefault(sc.stage, {})[sc.indicator_id] = sc
    return out


def _notify_unit(s: Session, app: Application, title: str, body: str = "") -> None:
    unit = s.get(Unit, app.unit_id)
    if unit.account:
        inbox.send_message(s, username=unit.account, title=title, body=body,
                           link=url_for("civilized.application", app_id=app.id))


def _queue(s: Session, app: Application) -> None:
    """Close the item's open to-dos and open the one its new state calls for (module 54)."""
    inbox.close_todos(s, ITEM_TYPE, app.id)
    unit = s.get(Unit, app.unit_id)
    link = url_for("civilized.application", app_id=app.id)
    title = f"{unit.name}：{STATES[app.state]}"
    if app.state in ("pre_assoc", "material_assoc") and unit.association_id:
        assoc = s.get(Association, unit.association_id)
        if assoc.account:
            inbox.add_todo(s, title=title, link=link, item_type=ITEM_TYPE, item_id=app.id, username=assoc.account)
    elif app.state in ("pre_bureau", "pre_approved", "submitted", "consultation", "comprehensive"):
        inbox.add_todo(s, title=title, link=link, item_type=ITEM_TYPE, item_id=app.id, permission=ADMIN)
    elif app.state in ("draft", "returned", "self_assessment") and unit.account:
        inbox.add_todo(s, title=title, link=link, item_type=ITEM_TYPE, item_id=app.id, username=unit.account)


def _move(s: Session, app: Application, action: str, comment: str | None = None) -> str:
    """Run one workflow transition with its side effects (timestamps, to-dos, message, data version)."""
    state = transition(s, MACHINE, app, action, _actor(), comment=comment)
    now = datetime.now(timezone.utc)
    app.updated_at = now
    if action in ("submit_pre", "submit_self"):
        app.submitted_at = now
    if state in ("returned", "rejected"):
        app.reason = comment
    _queue(s, app)
    if action not in ("submit_pre", "submit_self", "assoc_scored"):
        _notify_unit(s, app, f"申报状态更新：{STATES[state]}", comment or "")
    _changed(s)
    return state


def _cycles(s: Session) -> list[Cycle]:
    return list(s.scalars(select(Cycle).order_by(Cycle.start_year.desc(), Cycle.id.desc())))


def _store(data: bytes, kind: str, folder: str) -> tuple[str, str]:
    """Write an accepted upload under the instance folder, named by its SM3 digest; (digest, relative path)."""
    digest = sm3(data).hex()
    return digest, store_file(current_app.instance_path, data, "civilized", folder, f"{digest}.{kind}")


def _check_file(storage, allowed: set[str]) -> tuple[str, bytes, str]:
    """(safe name, bytes, kind) of an upload, or UploadRejected."""
    data = storage.read(MAX_UPLOAD_BYTES + 1)
    kind = check_upload(storage.filename or "", data, allowed=allowed, max_bytes=MAX_UPLOAD_BYTES)
    return safe_filename(storage.filename or f"file.{kind}"), data, kind


# ------------------------------------------------------------------------------------------ home, inbox
@bp.get("/")
@require(ANY)
def index():
    """The user's to-dos and messages, and the entries their role may use."""
    with db.session() as s:
        todos = inbox.open_todos(s, current_user.username, current_user.access.permissions)
        messages = inbox.messages(s, current_user.username, limit=30)
        unread = sum(1 for m in messages if m.read_at is None)
        inbox.mark_read(s, current_user.username)
        return render_template("civilized/index.html", todos=todos, messages=messages, unread=unread)


# ------------------------------------------------------------------------------------------ module 1, 5: cycles
class CycleForm(FlaskForm):
    """Opening pre-application of a cycle (module 1)."""

    name = StringField("周期名称", validators=[DataRequired("请输入周期名称"), Length(max=64)])
    start_year = IntegerField("首年", validators=[InputRequired("请输入首年"),
                                                NumberRange(2000, 2100, "首年须在 2000 到 2100 之间")])
    pre_open_from = DateField("预申报开始", validators=[DataRequired("请输入开始日期")])
    pre_open_to = DateField("预申报截止", validators=[DataRequired("请输入截止日期")])
    natures = SelectMultipleField("可申报单位性质", choices=_opts(NATURES.items()),
                                  validators=[DataRequired("请至少选择一种单位性质")])
    quota = IntegerField("名额", validators=[InputRequired("请输入名额"), NumberRange(1, 10000, "名额须为正整数")])
    elimination_ratio = FloatField("末位淘汰比例", default=0.1,
                                   validators=[NumberRange(0, 0.5, "淘汰比例须在 0 到 0.5 之间")])
    elimination_threshold = FloatField("淘汰分数线（可空）", validators=[Optional(), NumberRange(0, 100, "分数线须在 0 到 100 之间")])
    association_weight = FloatField("协会评分权重", default=0.4,
                                    validators=[NumberRange(0, 1, "权重须在 0 到 1 之间")])

    def validate_pre_open_to(self, field) -> None:
        if self.pre_open_from.data and field.data and field.data < self.pre_open_from.data:
            raise ValidationError("截止日期不能早于开始日期")


@bp.get("/cycles")
@require(ADMIN)
def cycles():
    """Every cycle with its counts by state and the actions of its phase."""
    with db.session() as s:
        counts = {}
        for cid, state, n in s.execute(select(Application.cycle_id, Application.state, func.count())
                                       .group_by(Application.cycle_id, Application.state)):
            counts.setdefault(cid, {})[state] = n
        return render_template("civilized/cycles.html", cycles=_cycles(s), counts=counts, states=STATES)


@bp.route("/cycles/new", methods=["GET", "POST"])
@require(ADMIN)
def new_cycle():
    """Open pre-application for a new cycle (module 1)."""
    form = CycleForm()
    if form.validate_on_submit():
        with db.session() as s:
            if s.scalar(select(Cycle.id).where(Cycle.name == form.name.data)):
                form.name.errors = ["该周期名称已存在"]
            else:
                cycle = Cycle(name=form.name.data, start_year=form.start_year.data,
                              pre_open_from=form.pre_open_from.data, pre_open_to=form.pre_open_to.data,
                              eligible_natures=",".join(form.natures.data), quota=form.quota.data,
                              elimination_ratio=form.elimination_ratio.data,
                              elimination_threshold=form.elimination_threshold.data,
                              association_weight=form.association_weight.data, pre_open=True,
                              created_at=datetime.now(timezone.utc))
                s.add(cycle)
                s.flush()
                _audit(s, "cycle.open_pre", "civ_cycle", cycle.id, {"name": cycle.name})
                _changed(s)
                flash(f"已启动 {cycle.name} 预申报")
                return redirect(url_for("civilized.cycles"))
    return _form_page("启动预申报", form, status=400 if request.method == "POST" else 200)


def _form_page(title: str, form: FlaskForm, *, status: int = 200, back: str | None = None, extra=None):
    return render_template("civilized/form.html", title=title, form=form, errors=form_errors(form),
                           back=back, extra=extra, multipart=False), status


@bp.post("/cycles/<int:cycle_id>/formal")
@require(ADMIN)
def open_formal(cycle_id: int):
    """Start formal application and annual review (module 5) and push the self-assessment forms (module 6)."""
    post_ok()
    with db.session() as s:
        cycle = s.get(Cycle, cycle_id) or abort(404)
        if published_version(s, cycle.id) is None:
            flash("请先发布本周期评价体系，再启动正式申报")
            return redirect(url_for("civilized.cycles"))
        cycle.formal_open, cycle.pre_open = True, False
        pushed = 0
        for app in s.scalars(select(Application).where(Application.cycle_id == cycle.id,
                                                       Application.state == "pre_approved")):
            _move(s, app, "push_self")
            _notify_unit(s, app, f"{cycle.name} 正式申报自评表已生成，请完成自评", "请逐项自评并上传证明材料。")
            pushed += 1
        reviews = _open_annual_reviews(s, cycle)
        _audit(s, "cycle.open_formal", "civ_cycle", cycle.id, {"pushed": pushed, "annual_reviews": reviews})
        _changed(s)
    flash(f"已启动正式申报：推送自评表 {pushed} 份，年审 {reviews} 家")
    return redirect(url_for("civilized.cycles"))


def _open_annual_reviews(s: Session, cycle: Cycle) -> int:
    """An annual-review application at self-assessment for every registry unit not yet in this cycle."""
    already = select(Application.unit_id).where(Application.cycle_id == cycle.id)
    units = s.scalars(select(Unit).join(RegistryEntry, RegistryEntry.unit_id == Unit.id)
                      .where(RegistryEntry.active.is_(True), Unit.id.not_in(already)).distinct()).all()
    now = datetime.now(timezone.utc)
    for unit in units:
        app = Application(cycle_id=cycle.id, unit_id=unit.id, kind="review", state="self_assessment", updated_at=now)
        s.add(app)
        s.flush()
        _queue(s, app)
        _notify_unit(s, app, f"{cycle.name} 年审自评表已生成，请完成自评")
    return len(units)


# ------------------------------------------------------------------------------------------ module 4: indicators
class IndicatorForm(FlaskForm):
    """One indicator of an unpublished version."""

    category = StringField("类别", validators=[DataRequired("请输入类别"), Length(max=32)])
    code = StringField("编号", validators=[DataRequired("请输入编号"), Length(max=16)])
    name = StringField("指标", validators=[DataRequired("请输入指标名称"), Length(max=128)])
    criteria = TextAreaField("评分标准", validators=[Optional(), Length(max=2000)])
    max_score = FloatField("满分", validators=[InputRequired("请输入满分"), NumberRange(0.1, 100, "满分须在 0.1 到 100 之间")])
    weight = FloatField("权重", default=1.0, validators=[InputRequired("请输入权重"),
                                                       NumberRange(0.01, 10, "权重须在 0.01 到 10 之间")])
    evidence = StringField("佐证材料要求", validators=[Optional(), Length(max=255)])


@bp.route("/cycles/<int:cycle_id>/indicators", methods=["GET", "POST"])
@require(ADMIN)
def indicators(cycle_id: int):
    """The cycle's indicator versions; add indicators to the draft version; validation shown live."""
    form = IndicatorForm()
    with db.session() as s:
        cycle = s.get(Cycle, cycle_id) or abort(404)
        versions = list(s.scalars(select(IndicatorVersion).where(IndicatorVersion.cycle_id == cycle_id)
                                  .order_by(IndicatorVersion.version)))
        draft = next((v for v in versions if not v.published), None)
        status = 200
        if request.method == "POST":
            if draft is None:
                abort(400)
            if form.validate_on_submit():
                if s.scalar(select(Indicator.id).where(Indicator.version_id == draft.id,
                                                       Indicator.code == form.code.data)):
                    form.code.errors = ["该编号已存在"]
                    status = 400
                else:
                    count = s.scalar(select(func.count()).select_from(Indicator).where(Indicator.version_id == draft.id))
                    ind = Indicator(version_id=draft.id, sort_order=count + 1, **{
                        k: getattr(form, k).data or ("" if k in ("criteria", "evidence") else None)
                        for k in ("category", "code", "name", "criteria", "max_score", "weight", "evidence")})
                    s.add(ind)
                    s.flush()
                    _audit(s, "indicator.add", "civ_indicator", ind.id, {"code": ind.code, "version": draft.version})
                    flash(f"已添加指标 {ind.code}")
                    return redirect(url_for("civilized.indicators", cycle_id=cycle_id))
            else:
                status = 400
        tree = {v.id: list(s.scalars(select(Indicator).where(Indicator.version_id == v.id)
                                     .order_by(Indicator.sort_order, Indicator.id))) for v in versions}
        problems = {v.id: scoring.validate_tree(_specs(tree[v.id]), v.total_score) for v in versions}
        return render_template("civilized/indicators.html", cycle=cycle, versions=versions, tree=tree,
                               problems=problems, draft=draft, form=form, errors=form_errors(form),
                               maxima={v.id: scoring.category_maxima(_specs(tree[v.id])) for v in versions}), status


@bp.post("/cycles/<int:cycle_id>/indicators/version")
@require(ADMIN)
def new_version(cycle_id: int):
    """A new draft version, copied from the newest version of this cycle or of the previous cycles."""
    post_ok()
    with db.session() as s:
        cycle = s.get(Cycle, cycle_id) or abort(404)
        if s.scalar(select(IndicatorVersion.id).where(IndicatorVersion.cycle_id == cycle_id,
                                                      IndicatorVersion.published.is_(False))):
            flash("已有未发布的草稿版本")
            return redirect(url_for("civilized.indicators", cycle_id=cycle_id))
        number = (s.scalar(select(func.max(IndicatorVersion.version)).where(IndicatorVersion.cycle_id == cycle_id)) or 0) + 1
        source = s.scalars(select(IndicatorVersion).join(Cycle, Cycle.id == IndicatorVersion.cycle_id)
                           .where(Cycle.start_year <= cycle.start_year)
                           .order_by(Cycle.start_year.desc(), IndicatorVersion.version.desc()).limit(1)).first()
        version = IndicatorVersion(cycle_id=cycle_id, version=number, total_score=100.0, published=False,
                                   created_at=datetime.now(timezone.utc))
        s.add(version)
        s.flush()
        copied = 0
        if source is not None and request.form.get("copy") == "1":
            for ind in s.scalars(select(Indicator).where(Indicator.version_id == source.id)):
                s.add(Indicator(version_id=version.id, category=ind.category, code=ind.code, name=ind.name,
                                criteria=ind.criteria, max_score=ind.max_score, weight=ind.weight,
                                evidence=ind.evidence, sort_order=ind.sort_order))
                copied += 1
        _audit(s, "indicator.new_version", "civ_indicator_version", version.id, {"copied": copied})
    flash(f"已建立第 {number} 版（复制 {copied} 项指标）")
    return redirect(url_for("civilized.indicators", cycle_id=cycle_id))


@bp.post("/versions/<int:version_id>/publish")
@require(ADMIN)
def publish_version(version_id: int):
    """Publish a draft version after validation (scores must add up)."""
    post_ok()
    with db.session() as s:
        version = s.get(IndicatorVersion, version_id) or abort(404)
        items = list(s.scalars(select(Indicator).where(Indicator.version_id == version_id)))
        problems = scoring.validate_tree(_specs(items), version.total_score)
        if problems:
            flash("不能发布：" + "；".join(problems))
        elif version.published:
            flash("该版本已发布")
        else:
            version.published = True
            _audit(s, "indicator.publish", "civ_indicator_version", version.id, {"indicators": len(items)})
            _changed(s)
            flash(f"已发布第 {version.version} 版评价体系（{len(items)} 项指标）")
        return redirect(url_for("civilized.indicators", cycle_id=version.cycle_id))


# ------------------------------------------------------------------------------------------ module 17: units
class UnitForm(FlaskForm):
    """A unit registered by its association (industry units) or by the bureau."""

    name = StringField("单位名称", validators=[DataRequired("请输入单位名称"), Length(max=128)])
    credit_code = StringField("统一社会信用代码", validators=[
        DataRequired("请输入统一社会信用代码"), Regexp(r"^[0-9A-HJ-NPQRTUWXY]{18}$", message="统一社会信用代码须为 18 位")])
    nature = SelectField("单位性质", choices=_opts(NATURES.items()))
    industry = SelectField("行业", choices=[])
    district_code = SelectField("所在区", choices=[])
    headcount = IntegerField("职工人数", validators=[InputRequired("请输入职工人数"), NumberRange(1, 1000000, "职工人数须为正整数")])
    contact_name = StringField("联系人", validators=[DataRequired("请输入联系人"), Length(max=32)])
    contact_phone = StringField("联系电话", validators=[DataRequired("请输入联系电话"),
                                                    Regexp(r"^[0-9\-]{7,20}$", message="联系电话格式不正确")])
    account = StringField("申报账号（可空）", validators=[Optional(), Length(max=64)])


@bp.get("/units")
@require((ADMIN, ASSOCIATION))
def units():
    """Units the user may see (an association: its industry), with a name filter."""
    q = (request.args.get("q") or "").strip()
    with db.session() as s:
        stmt = select(Unit, District.name).join(District, District.code == Unit.district_code).order_by(Unit.id)
        clause = _scope_units(s)
        if clause is not None:
            stmt = stmt.where(clause)
        if q:
            stmt = stmt.where(Unit.name.contains(q))
        rows = s.execute(stmt.limit(LIST_LIMIT)).all()
        return render_template("civilized/units.html", rows=rows, q=q, natures=NATURES)


@bp.route("/units/new", methods=["GET", "POST"])
@require((ADMIN, ASSOCIATION))
def new_unit():
    """Register a unit (module 17): an association only in its own industry, as an industry unit."""
    form = UnitForm()
    with db.session() as s:
        assoc = None if current_user.can(ADMIN) else _my_association(s)
        if not current_user.can(ADMIN) and assoc is None:
            abort(403)
        industries = [assoc.industry] if assoc else [a.industry for a in s.scalars(select(Association).order_by(Association.id))] + ["局属单位"]
        form.industry.choices = _opts((i, i) for i in industries)
        if assoc:
            form.nature.choices = _opts([("industry", NATURES["industry"])])
        form.district_code.choices = _opts(s.execute(select(District.code, District.name).order_by(District.sort_order)))
        if form.validate_on_submit():
            if s.scalar(select(Unit.id).where(or_(Unit.name == form.name.data, Unit.credit_code == form.credit_code.data))):
                form.name.errors = ["单位名称或信用代码已登记"]
            else:
                owner = assoc or s.scalar(select(Association).where(Association.industry == form.industry.data))
                unit = Unit(name=form.name.data, credit_code=form.credit_code.data, nature=form.nature.data,
                            industry=form.industry.data, association_id=owner.id if owner and form.nature.data == "industry" else None,
                            district_code=form.district_code.data, headcount=form.headcount.data,
                            contact_name=form.contact_name.data, contact_phone=form.contact_phone.data,
                            account=form.account.data or None, registered_by=current_user.username)
                s.add(unit)
                s.flush()
                _audit(s, "unit.register", "civ_unit", unit.id, {"name": unit.name})
                _changed(s)
                flash(f"已登记单位 {unit.name}")
                return redirect(url_for("civilized.units"))
        return _form_page("登记行业单位", form, status=400 if request.method == "POST" else 200,
                          back=url_for("civilized.units"))


# ------------------------------------------------------------------------------------------ module 2: pre-application
class PreApplicationForm(FlaskForm):
    """A unit's pre-application (basic information is kept on the unit, the rest on the application)."""

    cycle_id = SelectField("评选周期", coerce=int, choices=[])
    headcount = IntegerField("职工人数", validators=[InputRequired("请输入职工人数"), NumberRange(1, 1000000, "职工人数须为正整数")])
    contact_name = StringField("联系人", validators=[DataRequired("请输入联系人"), Length(max=32)])
    contact_phone = StringField("联系电话", validators=[DataRequired("请输入联系电话"),
                                                    Regexp(r"^[0-9\-]{7,20}$", message="联系电话格式不正确")])
    honours = TextAreaField("曾获荣誉", validators=[Optional(), Length(max=2000)])
    summary = TextAreaField("创建工作简介", validators=[DataRequired("请填写创建工作简介"), Length(max=4000)])


@bp.route("/apply", methods=["GET", "POST"])
@require(UNIT)
def apply():
    """Fill in, save and submit the pre-application of the user's unit (module 2)."""
    with db.session() as s:
        unit = s.scalar(select(Unit).where(Unit.account == current_user.username).order_by(Unit.id).limit(1))
        if unit is None:
            flash("您的账号尚未关联申报单位，请联系行业协会或文明办")
            return redirect(url_for("civilized.index"))
        open_cycles = [c for c in _cycles(s) if c.pre_open and unit.nature in c.eligible_natures.split(",")]
        form = PreApplicationForm(obj=None if request.method == "POST" else unit)
        form.cycle_id.choices = _opts((c.id, c.name) for c in open_cycles)
        if not open_cycles:
            flash("目前没有开放预申报的周期")
            return redirect(url_for("civilized.index"))
        if request.method == "GET":  # continue a saved draft or a returned application
            draft = s.scalar(select(Application).where(Application.unit_id == unit.id,
                                                       Application.cycle_id.in_([c.id for c in open_cycles]),
                                                       Application.state.in_(["draft", "returned"])).limit(1))
            if draft is not None:
                form.cycle_id.data, form.honours.data, form.summary.data = draft.cycle_id, draft.honours, draft.summary
        if form.validate_on_submit():
            app = s.scalar(select(Application).where(Application.cycle_id == form.cycle_id.data,
                                                     Application.unit_id == unit.id))
            now = datetime.now(timezone.utc)
            if app is None:
                app = Application(cycle_id=form.cycle_id.data, unit_id=unit.id, kind="new", state="draft", updated_at=now)
                s.add(app)
                s.flush()
            if app.state not in ("draft", "returned"):
                flash(f"该周期申报已处于“{STATES[app.state]}”，不能修改")
                return redirect(url_for("civilized.application", app_id=app.id))
            unit.headcount, unit.contact_name, unit.contact_phone = (form.headcount.data, form.contact_name.data,
                                                                     form.contact_phone.data)
            app.honours, app.summary, app.updated_at = form.honours.data or "", form.summary.data, now
            _audit(s, "application.save", ITEM_TYPE, app.id, {"unit": unit.name})
            if request.form.get("submit") == "1":
                _move(s, app, "submit_pre")
                flash("预申报已提交")
            else:
                _queue(s, app)
                flash("草稿已保存")
            return redirect(url_for("civilized.application", app_id=app.id))
        return render_template("civilized/apply.html", form=form, unit=unit, natures=NATURES,
                               errors=form_errors(form)), 400 if request.method == "POST" else 200


# ------------------------------------------------------------------------------------------ applications (2-11)
@bp.get("/applications")
@require(ANY)
def applications():
    """Applications the user may see, filtered by cycle and state."""
    cycle_id = request.args.get("cycle", type=int)
    state = request.args.get("state") or None
    with db.session() as s:
        stmt = (select(Application, Unit, Cycle.name).join(Unit, Unit.id == Application.unit_id)
                .join(Cycle, Cycle.id == Application.cycle_id).order_by(Application.id.desc()))
        clause = _scope_units(s)
        if clause is not None:
            stmt = stmt.where(clause)
        if cycle_id:
            stmt = stmt.where(Application.cycle_id == cycle_id)
        if state in STATES:
            stmt = stmt.where(Application.state == state)
        rows = s.execute(stmt.limit(LIST_LIMIT)).all()
        return render_template("civilized/applications.html", rows=rows, cycles=_cycles(s), cycle_id=cycle_id,
                               state=state, states=STATES, kinds=KINDS, natures=NATURES)


@bp.get("/applications/<int:app_id>")
@require(ANY)
def application(app_id: int):
    """One application: unit, state, actions the user may take, scores, evidence, consultations, history."""
    with db.session() as s:
        app = _application(s, app_id)
        unit = s.get(Unit, app.unit_id)
        cycle = s.get(Cycle, app.cycle_id)
        inds = _indicators(s, app.cycle_id)
        scores = _stage_scores(s, app.id)
        files = list(s.scalars(select(EvidenceFile).where(EvidenceFile.application_id == app.id)))
        consults = s.execute(select(Consultation, Department.name, EventType)
                             .join(Department, Department.id == Consultation.department_id)
                             .outerjoin(EventType, EventType.id == Consultation.event_type_id)
                             .where(Consultation.application_id == app.id)).all()
        totals = {stage: scoring.stage_total({str(k): v.score for k, v in by.items()}, _specs(inds))
                  for stage, by in scores.items() if by}
        return render_template("civilized/application.html", app=app, unit=unit, cycle=cycle, indicators=inds,
                               scores=scores, totals=totals, files=files, consults=consults,
                               actions=MACHINE.allowed(app, _actor()), history=history(s, ITEM_TYPE, app.id),
                               states=STATES, stages=STAGES, natures=NATURES, kinds=KINDS,
                               departments=list(s.scalars(select(Department).order_by(Department.id))),
                               can_score={k: current_user.can(p) for k, p in STAGE_PERMISSION.items()},
                               assoc=s.get(Association, unit.association_id) if unit.association_id else None)


@bp.post("/applications/<int:app_id>/transition")
@require(ANY)
def move(app_id: int):
    """Run one workflow transition; an illegal one is refused with its reason (nothing changes)."""
    post_ok()
    action, comment = request.form.get("action", ""), request.form.get("comment") or None
    try:
        with db.session() as s:
            app = _application(s, app_id)
            state = _move(s, app, action, comment)
    except TransitionRefused as exc:
        flash(exc.message)
        return redirect(url_for("civilized.application", app_id=app_id)), 303
    flash(f"已{MACHINE.get(action).label}，当前状态：{STATES[state]}")
    return redirect(url_for("civilized.application", app_id=app_id))


# ------------------------------------------------------------------------------------------ modules 7, 9, 10: scores
@bp.route("/applications/<int:app_id>/scores/<stage>", methods=["GET", "POST"])
@require((ADMIN, ASSOCIATION, UNIT))
def scores(app_id: int, stage: str):
    """Score every indicator for one stage; every score in [0, max] or nothing is saved (400 with errors)."""
    if stage not in STAGES:
        abort(404)
    if not current_user.can(STAGE_PERMISSION[stage]):
        audit_denied("route", request.path)
        return render_template("denied.html"), 403
    open_state = {"self": "self_assessment", "association": "material_assoc", "bureau": "comprehensive"}[stage]
    with db.session() as s:
        app = _application(s, app_id)
        inds = _indicators(s, app.cycle_id)
        existing = _stage_scores(s, app.id)[stage]
        field_errors: dict[int, str] = {}
        values = {i.id: (existing[i.id].score if i.id in existing else None) for i in inds}
        comments = {i.id: (existing[i.id].comment if i.id in existing else "") for i in inds}
        if request.method == "POST":
            post_ok()
            if app.state != open_state:
                flash(f"当前状态为“{STATES[app.state]}”，不能填写{STAGES[stage]}")
                return redirect(url_for("civilized.application", app_id=app.id))
            for ind in inds:
                raw = (request.form.get(f"score_{ind.id}") or "").strip()
                comments[ind.id] = (request.form.get(f"comment_{ind.id}") or "").strip()[:2000]
                if raw == "":
                    values[ind.id] = None
                    continue
                try:
                    value = float(raw)
                except ValueError:
                    field_errors[ind.id] = "请输入数字"
                    values[ind.id] = raw
                    continue
                values[ind.id] = value
                problem = scoring.score_error(value, ind.max_score)
                if problem:
                    field_errors[ind.id] = problem
            if not field_errors:
                for ind in inds:
                    if values[ind.id] is None:
                        continue
                    row = existing.get(ind.id) or Score(application_id=app.id, indicator_id=ind.id, stage=stage,
                                                        scored_by=current_user.username)
                    row.score, row.comment, row.scored_by = values[ind.id], comments[ind.id] or None, current_user.username
                    s.add(row)
                s.flush()
                total = scoring.stage_total({str(k): v for k, v in values.items() if isinstance(v, float)}, _specs(inds))
                if stage == "self":
                    app.self_score = round(total, 2)
                app.updated_at = datetime.now(timezone.utc)
                _audit(s, f"score.{stage}", ITEM_TYPE, app.id, {"total": round(total, 2),
                                                               "scored": sum(v is not None for v in values.values())})
                _changed(s)
                flash(f"{STAGES[stage]}已保存（合计 {total:.2f} 分）")
                return redirect(url_for("civilized.scores", app_id=app.id, stage=stage))
        files = list(s.scalars(select(EvidenceFile).where(EvidenceFile.application_id == app.id)))
        return render_template("civilized/scores.html", app=app, unit=s.get(Unit, app.unit_id), stage=stage,
                               stages=STAGES, indicators=inds, values=values, comments=comments,
                               field_errors=field_errors, files=files, editable=app.state == open_state,
                               others={k: v for k, v in _stage_scores(s, app.id).items() if k != stage},
                               missing=missing_scores(s, app, stage) if inds else 0,
                               kinds="、".join(sorted(k.upper() for k in EVIDENCE_KINDS)),
                               max_mb=MAX_UPLOAD_BYTES // (1024 * 1024)), 400 if field_errors else 200


@bp.post("/applications/<int:app_id>/evidence")
@require(UNIT)
def upload_evidence(app_id: int):
    """Upload one evidence file for an indicator (type checked by content, size limited)."""
    post_ok()
    with db.session() as s:
        app = _application(s, app_id)
        indicator_id = request.form.get("indicator_id", type=int)
        if app.state != "self_assessment":
            flash("只有自评阶段可以上传证明材料")
            return redirect(url_for("civilized.scores", app_id=app.id, stage="self")), 303
        if indicator_id not in {i.id for i in _indicators(s, app.cycle_id)}:
            abort(400)
        storage = request.files.get("file")
        if storage is None:
            flash("请选择文件")
            return redirect(url_for("civilized.scores", app_id=app.id, stage="self")), 303
        try:
            name, data, kind = _check_file(storage, EVIDENCE_KINDS)
        except UploadRejected as exc:
            _audit(s, "evidence.refused", ITEM_TYPE, app.id, {"reason": exc.message})
            return render_template("civilized/refused.html", message=exc.message,
                                   back=url_for("civilized.scores", app_id=app.id, stage="self")), 400
        digest, rel = _store(data, kind, f"app-{app.id}")
        row = EvidenceFile(application_id=app.id, indicator_id=indicator_id, filename=name, kind=kind, size=len(data),
                           sm3=digest, stored_path=rel, uploaded_by=current_user.username,
                           uploaded_at=datetime.now(timezone.utc))
        s.add(row)
        s.flush()
        _audit(s, "evidence.upload", ITEM_TYPE, app.id, {"file": name, "sm3": digest, "size": len(data)})
    flash(f"已上传 {name}")
    return redirect(url_for("civilized.scores", app_id=app_id, stage="self"))


@bp.get("/files/<int:file_id>")
@require(ANY)
def download(file_id: int):
    """An evidence file or photo, to whoever may see its application (records: the bureau)."""
    with db.session() as s:
        row = s.get(EvidenceFile, file_id) or abort(404)
        if row.application_id is not None:
            _application(s, row.application_id)
        elif not current_user.can(ADMIN):
            abort(404)
        return send_stored(row.stored_path, row.filename, row.sm3)


# ------------------------------------------------------------------------------------------ module 8: consultation
@bp.post("/applications/<int:app_id>/consult")
@require(ADMIN)
def consult(app_id: int):
    """Send the applicant to the chosen departments for their opinion and start the consultation."""
    post_ok()
    ids = {int(x) for x in request.form.getlist("department") if x.isdigit()}
    try:
        with db.session() as s:
            app = _application(s, app_id)
            _send_consultations(s, app, ids or set(s.scalars(select(Department.id))))
            _move(s, app, "consult")
    except TransitionRefused as exc:
        flash(exc.message)
        return redirect(url_for("civilized.application", app_id=app_id)), 303
    flash("已发出负面清单征询")
    return redirect(url_for("civilized.application", app_id=app_id))


def _send_consultations(s: Session, app: Application, department_ids: set[int]) -> None:
    unit = s.get(Unit, app.unit_id)
    for dept in s.scalars(select(Department).where(Department.id.in_(department_ids))):
        if s.scalar(select(Consultation.id).where(Consultation.application_id == app.id,
                                                  Consultation.department_id == dept.id)):
            continue
        row = Consultation(application_id=app.id, department_id=dept.id)
        s.add(row)
        s.flush()
        if dept.account:
            inbox.add_todo(s, title=f"负面清单征询：{unit.name}", link=url_for("civilized.answer", consult_id=row.id),
                           item_type="civ_consultation", item_id=row.id, username=dept.account)


@bp.get("/consultations")
@require((CONSULT, ADMIN))
def consultations():
    """A department's consultations (the bureau sees all), open ones first."""
    with db.session() as s:
        stmt = (select(Consultation, Unit.name, Department.name, Cycle.name)
                .join(Application, Application.id == Consultation.application_id)
                .join(Unit, Unit.id == Application.unit_id).join(Cycle, Cycle.id == Application.cycle_id)
                .join(Department, Department.id == Consultation.department_id)
                .order_by(Consultation.answered, Consultation.id.desc()))
        if not current_user.can(ADMIN):
            dept = _my_department(s)
            stmt = stmt.where(Consultation.department_id == (dept.id if dept else -1))
        return render_template("civilized/consultations.html", rows=s.execute(stmt.limit(LIST_LIMIT)).all())


class AnswerForm(FlaskForm):
    """A department's answer about one applicant."""

    hit = RadioField("是否存在负面清单情形", choices=_opts([("no", "无"), ("yes", "有")]), default="no")
    event_type_id = SelectField("负面事件类型", coerce=int, choices=[])
    opinion = TextAreaField("征询意见", validators=[DataRequired("请填写征询意见"), Length(max=2000)])
    occurred_on = DateField("发生日期", validators=[Optional()])

    def validate_event_type_id(self, field) -> None:
        if self.hit.data == "yes" and not field.data:
            raise ValidationError("存在负面情形时须选择事件类型")

    def validate_occurred_on(self, field) -> None:
        if self.hit.data == "yes" and not field.data:
            raise ValidationError("存在负面情形时须填写发生日期")


@bp.route("/consultations/<int:consult_id>", methods=["GET", "POST"])
@require(CONSULT)
def answer(consult_id: int):
    """Answer one consultation; a hit is flagged with its effect and recorded as a negative event."""
    form = AnswerForm()
    with db.session() as s:
        row = s.get(Consultation, consult_id) or abort(404)
        dept = _my_department(s)
        if dept is None or row.department_id != dept.id:
            abort(404)
        app = s.get(Application, row.application_id)
        unit = s.get(Unit, app.unit_id)
        types = list(s.scalars(select(EventType).order_by(EventType.id)))
        form.event_type_id.choices = _opts([(0, "（无）")] + [
            (t.id, f"{t.name}（{EFFECTS[t.effect]}{'' if t.effect == 'veto' else f' {t.deduction:g} 分'}）") for t in types])
        if row.answered:
            flash("该征询已答复")
            return redirect(url_for("civilized.consultations"))
        if app.state != "consultation":
            flash(f"该申报当前为“{STATES[app.state]}”，不在征询阶段")
            return redirect(url_for("civilized.consultations"))
        if form.validate_on_submit():
            row.answered, row.hit = True, form.hit.data == "yes"
            row.event_type_id = form.event_type_id.data if row.hit else None
            row.opinion, row.answered_by, row.answered_at = form.opinion.data, current_user.username, datetime.now(timezone.utc)
            if row.hit:
                s.add(NegativeEvent(unit_id=unit.id, cycle_id=app.cycle_id, event_type_id=row.event_type_id,
                                    occurred_on=form.occurred_on.data, description=f"{dept.name}：{form.opinion.data}"))
            inbox.close_todos(s, "civ_consultation", row.id)
            _audit(s, "consultation.answer", "civ_consultation", row.id, {"unit": unit.name, "hit": row.hit})
            _changed(s)
            flash(f"已答复 {unit.name} 的征询")
            return redirect(url_for("civilized.consultations"))
        return _form_page(f"负面清单征询答复：{unit.name}", form, status=400 if request.method == "POST" else 200,
                          back=url_for("civilized.consultations"))


# ------------------------------------------------------------------------------------------ modules 10, 11: review and award
def _results(s: Session, cycle: Cycle, kind: str) -> list[dict]:
    """Final scores, ranks and elimination of the cycle's applications of ``kind`` in comprehensive review."""
    apps = s.execute(select(Application, Unit).join(Unit, Unit.id == Application.unit_id)
                     .where(Application.cycle_id == cycle.id, Application.kind == kind,
                            Application.state == "comprehensive")).all()
    specs = _specs(_indicators(s, cycle.id))
    hits: dict[int, list[scoring.Hit]] = {}
    for app_id, effect, deduction in s.execute(
            select(Consultation.application_id, EventType.effect, EventType.deduction)
            .join(EventType, EventType.id == Consultation.event_type_id)
            .join(Application, Application.id == Consultation.application_id)
            .where(Application.cycle_id == cycle.id, Consultation.hit.is_(True))):
        hits.setdefault(app_id, []).append(scoring.Hit(effect, deduction))
    rows, entries = {}, []
    for app, unit in apps:
        stages = {st: scoring.stage_total({str(k): v.score for k, v in by.items()}, specs)
                  for st, by in _stage_scores(s, app.id).items() if by and st != "self"}
        if "bureau" not in stages:
            rows[app.id] = {"app": app, "unit": unit, "missing": True}
            continue
        reviewed = scoring.combine_stages(stages, cycle.association_weight)
        final, vetoed = scoring.apply_negative(reviewed, hits.get(app.id, []))
        rows[app.id] = {"app": app, "unit": unit, "missing": False, "stages": stages, "reviewed": reviewed,
                        "deducted": reviewed - final, "vetoed": vetoed}
        entries.append(scoring.Entry(app.id, final, vetoed))
    for o in scoring.rank_and_eliminate(entries, cycle.elimination_ratio, cycle.elimination_threshold):
        rows[o.key]["outcome"] = o
    return sorted(rows.values(), key=lambda r: (r["missing"], r.get("outcome") is None or r["outcome"].rank is None,
                                                 r["outcome"].rank if r.get("outcome") and r["outcome"].rank else 0))


@bp.get("/cycles/<int:cycle_id>/review")
@require(ADMIN)
def review(cycle_id: int):
    """Comprehensive review (annual reviews, module 10) or award (new applications, module 11): preview."""
    kind = request.args.get("kind", "review")
    if kind not in KINDS:
        abort(404)
    with db.session() as s:
        cycle = s.get(Cycle, cycle_id) or abort(404)
        rows = _results(s, cycle, kind)
        decisions = list(s.scalars(select(Decision).where(Decision.cycle_id == cycle_id).order_by(Decision.id)))
        return render_template("civilized/review.html", cycle=cycle, kind=kind, kinds=KINDS, rows=rows,
                               missing=sum(r["missing"] for r in rows), decisions=decisions)


@bp.post("/cycles/<int:cycle_id>/review")
@require(ADMIN)
def confirm_review(cycle_id: int):
    """Apply the results: award/keep or eliminate; annual-review losers leave the registry; new winners
    enter it under an SM2-signed award decision (module 256)."""
    post_ok()
    kind = request.form.get("kind", "review")
    if kind not in KINDS:
        abort(400)
    with db.session() as s:
        cycle = s.get(Cycle, cycle_id) or abort(404)
        rows = _results(s, cycle, kind)
        if not rows or any(r["missing"] for r in rows):
            flash("尚有单位未完成文明办评分，不能确认结果" if rows else "没有处于综合评审阶段的申报")
            return redirect(url_for("civilized.review", cycle_id=cycle_id, kind=kind))
        today = date.today()
        winners = []
        for r in rows:
            app, o = r["app"], r["outcome"]
            app.final_score, app.rank = round(o.score, 2), o.rank
            app.outcome = "eliminated" if o.eliminated else "awarded"
            _move(s, app, "eliminate" if o.eliminated else "award", comment=o.reason)
            if kind == "review" and o.eliminated:
                for entry in s.scalars(select(RegistryEntry).where(RegistryEntry.unit_id == app.unit_id,
                                                                   RegistryEntry.active.is_(True))):
                    entry.active, entry.removed_on = False, today
                    entry.removal_reason, entry.removal_note = "eliminated", o.reason
            elif kind == "new" and not o.eliminated:
                winners.append(r)
        if winners:
            _issue_decision(s, cycle, winners, today)
        refresh_rollups(s.connection(), cycle.id)
        _audit(s, "review.confirm", "civ_cycle", cycle.id, {"kind": kind, "units": len(rows), "awarded": len(winners)})
        _changed(s)
    flash(f"已确认{KINDS[kind]}结果")
    return redirect(url_for("civilized.review", cycle_id=cycle_id, kind=kind))


def decision_payload(decision: Decision) -> dict:
    """The signed content of an award decision (what /api/v1/verify checks)."""
    return {"doc_no": decision.doc_no, "title": decision.title, "issued_on": decision.issued_on.isoformat(),
            "units": json.loads(decision.payload)}


def _issue_decision(s: Session, cycle: Cycle, winners: list[dict], today: date) -> Decision:
    count = s.scalar(select(func.count()).select_from(Decision).where(Decision.cycle_id == cycle.id)) or 0
    units = [{"name": r["unit"].name, "credit_code": r["unit"].credit_code, "score": round(r["outcome"].score, 2)}
             for r in winners]
    decision = Decision(cycle_id=cycle.id, doc_no=f"沪绿容文明〔{today.year}〕{cycle.id:02d}{count + 1:02d}号",
                        title=f"关于授予{len(units)}家单位{cycle.name}局级文明单位称号的决定", issued_on=today,
                        payload=json.dumps(units, ensure_ascii=False), issued_by=current_user.username)
    s.add(decision)
    s.flush()
    for r in winners:
        s.add(RegistryEntry(unit_id=r["unit"].id, cycle_id=cycle.id, level="局级", decision_id=decision.id,
                            awarded_on=today, active=True))
    sign_record(s, kind="civilized.award", ref=decision.doc_no, payload=decision_payload(decision),
                actor=current_user.username, source_ip=client_ip())
    return decision


@bp.get("/decisions/<int:decision_id>")
@require(ADMIN)
def decision(decision_id: int):
    """An award decision with the exact payload to present to /api/v1/verify."""
    with db.session() as s:
        d = s.get(Decision, decision_id) or abort(404)
        payload = decision_payload(d)
        return render_template("civilized/decision.html", d=d, payload=payload,
                               verify_body=json.dumps({"kind": "civilized.award", "ref": d.doc_no, "payload": payload},
                                                      ensure_ascii=False, indent=1))


# ------------------------------------------------------------------------------------------ modules 12, 13: registry
@bp.get("/registry")
@require(ADMIN)
def registry():
    """Registry units with filters: cycle, district, industry, level, in or out of the registry."""
    f = {k: request.args.get(k) or "" for k in ("cycle", "district", "industry", "level", "status")}
    with db.session() as s:
        stmt = (select(RegistryEntry, Unit, Cycle.name, District.name).join(Unit, Unit.id == RegistryEntry.unit_id)
                .join(Cycle, Cycle.id == RegistryEntry.cycle_id).join(District, District.code == Unit.district_code)
                .order_by(RegistryEntry.id.desc()))
        if f["cycle"].isdigit():
            stmt = stmt.where(RegistryEntry.cycle_id == int(f["cycle"]))
        if f["district"]:
            stmt = stmt.where(Unit.district_code == f["district"])
        if f["industry"]:
            stmt = stmt.where(Unit.industry == f["industry"])
        if f["level"]:
            stmt = stmt.where(RegistryEntry.level == f["level"])
        if f["status"] in ("active", "removed"):
            stmt = stmt.where(RegistryEntry.active.is_(f["status"] == "active"))
        total = s.scalar(select(func.count()).select_from(stmt.subquery()))
        rows = s.execute(stmt.limit(LIST_LIMIT)).all()
        return render_template("civilized/registry.html", rows=rows, total=total, f=f, cycles=_cycles(s),
                               districts=s.execute(select(District.code, District.name).order_by(District.sort_order)).all(),
                               industries=sorted(set(s.scalars(select(Unit.industry).distinct()))),
                               reasons=REMOVAL_REASONS)


@bp.get("/registry/units/<int:unit_id>")
@require((ADMIN, ASSOCIATION, UNIT))
def registry_unit(unit_id: int):
    """A unit's page: basic data, registry history, applications, negative events, inspections."""
    with db.session() as s:
        unit = _visible_unit(s, unit_id)
        entries = s.execute(select(RegistryEntry, Cycle.name).join(Cycle, Cycle.id == RegistryEntry.cycle_id)
                            .where(RegistryEntry.unit_id == unit_id).order_by(RegistryEntry.id)).all()
        apps = s.execute(select(Application, Cycle.name).join(Cycle, Cycle.id == Application.cycle_id)
                         .where(Application.unit_id == unit_id).order_by(Application.id)).all()
        events = s.execute(select(NegativeEvent, EventType, Cycle.name).join(EventType, EventType.id == NegativeEvent.event_type_id)
                           .join(Cycle, Cycle.id == NegativeEvent.cycle_id).where(NegativeEvent.unit_id == unit_id)).all()
        records = list(s.scalars(select(Record).where(Record.unit_id == unit_id).order_by(Record.held_on)))
        return render_template("civilized/registry_unit.html", unit=unit, entries=entries, apps=apps, events=events,
                               records=records, states=STATES, kinds=KINDS, natures=NATURES, effects=EFFECTS,
                               reasons=REMOVAL_REASONS, record_kinds=RECORD_KINDS, form=RemovalForm(),
                               district=s.get(District, unit.district_code))


class RemovalForm(FlaskForm):
    """A unit leaving the registry (module 13)."""

    reason = SelectField("出库原因", choices=_opts((k, v) for k, v in REMOVAL_REASONS.items() if k != "eliminated"))
    removed_on = DateField("出库日期", validators=[DataRequired("请输入出库日期")])
    note = TextAreaField("说明", validators=[DataRequired("请填写出库说明"), Length(max=2000)])


@bp.post("/registry/<int:entry_id>/remove")
@require(ADMIN)
def remove(entry_id: int):
    """Take a unit out of the registry on upgrade or disqualification; the entry is kept as history."""
    form = RemovalForm()
    with db.session() as s:
        entry = s.get(RegistryEntry, entry_id) or abort(404)
        if not form.validate_on_submit():
            return _form_page("出库", form, status=400, back=url_for("civilized.registry_unit", unit_id=entry.unit_id))
        if not entry.active:
            flash("该单位已出库")
        else:
            entry.active, entry.removed_on = False, form.removed_on.data
            entry.removal_reason, entry.removal_note = form.reason.data, form.note.data
            _audit(s, "registry.remove", "civ_registry", entry.id, {"unit_id": entry.unit_id, "reason": form.reason.data})
            _changed(s)
            flash(f"已出库：{REMOVAL_REASONS[form.reason.data]}")
        return redirect(url_for("civilized.registry_unit", unit_id=entry.unit_id))


# ------------------------------------------------------------------------------------------ modules 14, 15: records
class RecordForm(FlaskForm):
    """A site inspection or a symposium."""

    cycle_id = SelectField("周期", coerce=int, choices=[])
    unit_credit_code = StringField("被检查单位信用代码（座谈会可空）", validators=[Optional(), Length(max=18)])
    held_on = DateField("日期", validators=[DataRequired("请输入日期")])
    place = StringField("地点", validators=[DataRequired("请输入地点"), Length(max=128)])
    participants = TextAreaField("参加人员", validators=[DataRequired("请填写参加人员"), Length(max=2000)])
    findings = TextAreaField("发现问题/主要内容", validators=[DataRequired("请填写主要内容"), Length(max=4000)])
    follow_up = TextAreaField("整改/跟进事项", validators=[Optional(), Length(max=4000)])


@bp.get("/records")
@require(ADMIN)
def records():
    """Inspections and symposia, newest first."""
    kind = request.args.get("kind", "inspection")
    if kind not in RECORD_KINDS:
        abort(404)
    with db.session() as s:
        rows = s.execute(select(Record, Unit.name, Cycle.name).outerjoin(Unit, Unit.id == Record.unit_id)
                         .join(Cycle, Cycle.id == Record.cycle_id).where(Record.kind == kind)
                         .order_by(Record.held_on.desc(), Record.id.desc()).limit(LIST_LIMIT)).all()
        photos = {}
        for f in s.scalars(select(EvidenceFile).where(EvidenceFile.record_id.in_([r[0].id for r in rows]))):
            photos.setdefault(f.record_id, []).append(f)
        return render_template("civilized/records.html", rows=rows, kind=kind, kinds=RECORD_KINDS, photos=photos)


@bp.route("/records/new", methods=["GET", "POST"])
@require(ADMIN)
def new_record():
    """Record an inspection or a symposium with its photos (JPG/PNG checked by content)."""
    kind = request.args.get("kind", "inspection")
    if kind not in RECORD_KINDS:
        abort(404)
    form = RecordForm()
    with db.session() as s:
        form.cycle_id.choices = _opts((c.id, c.name) for c in _cycles(s))
        if form.validate_on_submit():
            unit = None
            if form.unit_credit_code.data:
                unit = s.scalar(select(Unit).where(Unit.credit_code == form.unit_credit_code.data))
                if unit is None:
                    form.unit_credit_code.errors = ["未找到该信用代码的单位"]
            elif kind == "inspection":
                form.unit_credit_code.errors = ["现场检查须填写被检查单位"]
            photos, refused = [], None
            for storage in request.files.getlist("photos"):
                if storage and storage.filename:
                    try:
                        photos.append(_check_file(storage, PHOTO_KINDS))
                    except UploadRejected as exc:
                        refused = f"{storage.filename}：{exc.message}"
            if refused:
                form.held_on.errors = list(form.held_on.errors) + [f"照片被拒绝 — {refused}"]
            if not form.unit_credit_code.errors and not refused:
                rec = Record(kind=kind, cycle_id=form.cycle_id.data, unit_id=unit.id if unit else None,
                             held_on=form.held_on.data, place=form.place.data, participants=form.participants.data,
                             findings=form.findings.data, follow_up=form.follow_up.data or "",
                             recorded_by=current_user.username)
                s.add(rec)
                s.flush()
                for name, data, ext in photos:
                    digest, rel = _store(data, ext, f"record-{rec.id}")
                    s.add(EvidenceFile(record_id=rec.id, filename=name, kind=ext, size=len(data), sm3=digest,
                                       stored_path=rel, uploaded_by=current_user.username,
                                       uploaded_at=datetime.now(timezone.utc)))
                _audit(s, f"record.{kind}", "civ_record", rec.id, {"photos": len(photos)})
                flash(f"已记录{RECORD_KINDS[kind]}")
                return redirect(url_for("civilized.records", kind=kind))
        html, status = _form_page(f"新建{RECORD_KINDS[kind]}记录", form, status=400 if request.method == "POST" else 200,
                                  back=url_for("civilized.records", kind=kind), extra="photos")
        return html, status


# ------------------------------------------------------------------------------------------ module 16: negative list
class EventTypeForm(FlaskForm):
    """A kind of negative event and its effect."""

    name = StringField("事件类型", validators=[DataRequired("请输入事件类型"), Length(max=64)])
    effect = SelectField("影响", choices=_opts(EFFECTS.items()))
    deduction = FloatField("扣分", default=0, validators=[NumberRange(0, 100, "扣分须在 0 到 100 之间")])

    def validate_deduction(self, field) -> None:
        if self.effect.data == "deduction" and not field.data:
            raise ValidationError("扣分类事件须填写扣分分值")


@bp.route("/negative", methods=["GET", "POST"])
@require(ADMIN)
def negative():
    """Event types and their effects; negative events by unit and cycle."""
    form = EventTypeForm()
    cycle_id = request.args.get("cycle", type=int)
    with db.session() as s:
        status = 200
        if request.method == "POST":
            if form.validate_on_submit():
                if s.scalar(select(EventType.id).where(EventType.name == form.name.data)):
                    form.name.errors = ["该事件类型已存在"]
                    status = 400
                else:
                    t = EventType(name=form.name.data, effect=form.effect.data,
                                  deduction=form.deduction.data if form.effect.data == "deduction" else 0.0)
                    s.add(t)
                    s.flush()
                    _audit(s, "event_type.add", "civ_event_type", t.id, {"name": t.name, "effect": t.effect})
                    flash(f"已添加事件类型 {t.name}")
                    return redirect(url_for("civilized.negative"))
            else:
                status = 400
        types = list(s.scalars(select(EventType).order_by(EventType.id)))
        stmt = (select(NegativeEvent, Unit.name, EventType, Cycle.name).join(Unit, Unit.id == NegativeEvent.unit_id)
                .join(EventType, EventType.id == NegativeEvent.event_type_id).join(Cycle, Cycle.id == NegativeEvent.cycle_id)
                .order_by(NegativeEvent.occurred_on.desc()))
        if cycle_id:
            stmt = stmt.where(NegativeEvent.cycle_id == cycle_id)
        return render_template("civilized/negative.html", types=types, events=s.execute(stmt.limit(LIST_LIMIT)).all(),
                               effects=EFFECTS, form=form, errors=form_errors(form), cycles=_cycles(s),
                               cycle_id=cycle_id), status
