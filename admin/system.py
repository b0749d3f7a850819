"""Account administration with MLPS separation of duties: the system administrator manages accounts,
the security administrator grants roles, the auditor reads the audit log (a Dash page)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from db import db
from db.reference import District
from db.security import User, UserRole
from security import audit
from security.accounts import AccountError, PolicyError, create_user, grant_role, revoke_role
from security.passwords import hash_password, policy_errors
from security.rbac import ROLES
from security.web import client_ip, require

bp = Blueprint("system", __name__, url_prefix="/admin/system", template_folder="templates")


class UserForm(FlaskForm):
    """A new account: identity, district or unit, and an initial password (SM2-encrypted in the browser)."""

    username = StringField("用户名", validators=[DataRequired("请输入用户名"), Length(max=64)])
    display_name = StringField("姓名", validators=[DataRequired("请输入姓名"), Length(max=64)])
    district_code = SelectField("所属区", validators=[Optional()], choices=[])
    unit_name = StringField("单位", validators=[Optional(), Length(max=128)])
    password_cipher = HiddenField(validators=[DataRequired("请输入初始密码")])


def _districts() -> list[SelectChoice]:
    with db.session() as s:
        return [SelectChoice("", "全市（不限区）")] + [SelectChoice(c, n) for c, n in s.execute(
            select(District.code, District.name).order_by(District.sort_order))]


@bp.get("/users")
@require("system.users")
def users():
    """Every account with its roles, district and state."""
    with db.session() as s:
        rows = s.scalars(select(User).order_by(User.username)).all()
        grants = {}
        for g in s.scalars(select(UserRole)):
            grants.setdefault(g.user_id, []).append(ROLES[g.role].name if g.role in ROLES else g.role)
    return render_template("system/users.html", users=rows, grants=grants)


@bp.route("/users/new", methods=["GET", "POST"])
@require("system.users")
def new_user():
    """Create an account (no roles: granting roles is the security administrator's duty)."""
    from admin.auth import _challenge, _decrypt, _take_challenge
    from security.login_crypto import LoginCipherError

    form = UserForm()
    form.district_code.choices = _districts()
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            password = _decrypt(form.password_cipher.data, _take_challenge())
            with db.session() as s:
                create_user(s, actor=current_user.username, source_ip=client_ip(), username=form.username.data,
                            display_name=form.display_name.data, password=password, roles=[],
                            district_code=form.district_code.data or None, unit_name=form.unit_name.data or None)
        except PolicyError as exc:
            errors = exc.errors
        except (AccountError, LoginCipherError) as exc:
            errors = [str(exc)]
        else:
            flash(f"已创建账号 {form.username.data}，首次登录须修改密码；角色请由安全管理员分配")
            return redirect(url_for("system.users"))
    elif request.method == "POST":
        errors = [e for errs in form.errors.values() for e in errs]
    return render_template("system/user_form.html", form=form, errors=errors, challenge=_challenge(),
                           public_key=_public_key()), 400 if errors else 200


def _public_key() -> str:
    from security import keys

    return keys.current().sm2_public


@bp.post("/users/<int:user_id>/state")
@require("system.users")
def set_state(user_id: int):
    """Activate, deactivate or unlock an account."""
    action = request.form.get("action")
    if not FlaskForm().validate_on_submit() or action not in {"activate", "deactivate", "unlock"}:
        abort(400)
    with db.session() as s:
        user = s.get(User, user_id) or abort(404)
        if user.username == current_user.username and action == "deactivate":
            flash("不能停用自己的账号")
            return redirect(url_for("system.users"))
        if action == "unlock":
            user.locked_until, user.failed_logins = None, 0
        else:
            user.is_active = action == "activate"
        audit.append(s, username=current_user.username, source_ip=client_ip(), action=f"user.{action}",
                     object_type="user", object_id=user.username)
    flash("已更新账号状态")
    return redirect(url_for("system.users"))


@bp.route("/users/<int:user_id>/roles", methods=["GET", "POST"])
@require("security.roles")
def roles(user_id: int):
    """Grant and revoke roles (security administrator; never one's own)."""
    with db.session() as s:
        user = s.get(User, user_id) or abort(404)
        current = set(s.scalars(select(UserRole.role).where(UserRole.user_id == user_id)))
        errors: list[str] = []
        if request.method == "POST":
            if not FlaskForm().validate_on_submit():
                abort(400)
            wanted = {r for r in request.form.getlist("role") if r in ROLES}
            if user.username == current_user.username:
                errors.append("不能修改自己的角色（职责分离）")
            elif any(ROLES[r].district_scoped for r in wanted) and not user.district_code:
                errors.append("区级角色只能授予已指定所属区的账号")
            else:
                for role in sorted(wanted - current):
                    grant_role(s, actor=current_user.username, source_ip=client_ip(), user=user, role=role)
                for role in sorted(current - wanted):
                    revoke_role(s, actor=current_user.username, source_ip=client_ip(), user=user, role=role)
                flash(f"已更新 {user.username} 的角色")
                return redirect(url_for("system.users"))
        return render_template("system/roles.html", user=user, current=current, roles=ROLES,
                               errors=errors), 400 if errors else 200


class ResetForm(FlaskForm):
    """A temporary password, SM2-encrypted in the browser."""

    password_cipher = HiddenField(validators=[DataRequired("请输入临时密码")])


@bp.route("/users/<int:user_id>/reset", methods=["GET", "POST"])
@require("system.users")
def reset_password(user_id: int):
    """Set a temporary password that must be changed at the next sign-in."""
    from admin.auth import _challenge, _decrypt, _take_challenge
    from security.login_crypto import LoginCipherError

    form = ResetForm()
    errors: list[str] = []
    with db.session() as s:
        user = s.get(User, user_id) or abort(404)
        if form.validate_on_submit():
            try:
                password = _decrypt(form.password_cipher.data, _take_challenge())
            except LoginCipherError as exc:
                errors = [str(exc)]
            else:
                errors = policy_errors(password, username=user.username)
            if not errors:
                user.password_hash, user.must_change_password = hash_password(password), True
                user.locked_until, user.failed_logins = None, 0
                audit.append(s, username=current_user.username, source_ip=client_ip(), action="password.reset",
                             object_type="user", object_id=user.username)
                flash(f"已重置 {user.username} 的密码，下次登录须修改")
                return redirect(url_for("system.users"))
        elif request.method == "POST":
            errors = [e for errs in form.errors.values() for e in errs]
        return render_template("system/reset.html", user=user, form=form, errors=errors, challenge=_challenge(),
                               public_key=_public_key()), 400 if errors else 200
