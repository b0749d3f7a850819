"""Sign-in, sign-out and password change (module 55). Passwords arrive SM2-encrypted from the browser."""
from __future__ import annotations

import time
from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length

from db import db
from extensions import cache
from db.security import User
from security import audit, keys
from security.accounts import AccountError, Policy, PolicyError, authenticate, change_password, new_session_token
from security.login_crypto import LoginCipherError, decrypt_field, new_challenge
from security.web import actor, client_ip, load_user

bp = Blueprint("auth", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/admin")


class LoginForm(FlaskForm):
    """User name and the SM2-encrypted password."""

    username = StringField("用户名", validators=[DataRequired("请输入用户名"), Length(max=64)])
    password_cipher = HiddenField(validators=[DataRequired("请输入密码")])


class PasswordForm(FlaskForm):
    """Old and new passwords, each SM2-encrypted in the browser."""

    old_cipher = HiddenField(validators=[DataRequired("请输入原密码")])
    new_cipher = HiddenField(validators=[DataRequired("请输入新密码")])
    confirm_cipher = HiddenField(validators=[DataRequired("请再次输入新密码")])


CHALLENGE_SECONDS = 600


def _challenge() -> str:
    """Issue a challenge: kept in the session and, server-side, in the shared cache until first use."""
    value = new_challenge()
    session["sm2_challenge"] = value
    cache.set(f"sm2-challenge:{value}", 1, timeout=CHALLENGE_SECONDS)
    return value


def _take_challenge() -> str:
    """The session's challenge, usable once: a replayed cookie with an old ciphertext finds it spent."""
    value = session.pop("sm2_challenge", "")
    if not value or not cache.get(f"sm2-challenge:{value}"):
        return ""
    cache.delete(f"sm2-challenge:{value}")
    return value


def _decrypt(cipher: str, challenge: str) -> str:
    return decrypt_field(cipher, keys.current().sm2_private, challenge)


def _form_message(form: FlaskForm) -> str:
    """Chinese text for a form that failed validation (an expired CSRF token included)."""
    if "csrf_token" in form.errors:
        return "页面已过期，请刷新页面后重试"
    return "；".join(e for errs in form.errors.values() for e in errs) or "请求无效，请刷新页面后重试"


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and not target.startswith("/login"):
        return target
    return "/"


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The sign-in form; on success a fresh session (no fixation), then the page asked for."""
    form = LoginForm()
    message = request.args.get("msg") or ""
    if form.validate_on_submit():
        try:
            password = _decrypt(form.password_cipher.data, _take_challenge())
        except LoginCipherError as exc:
            message = str(exc)
        else:
            settings = current_app.config["LVRONG"]
            with db.session() as s:
                result = authenticate(s, username=form.username.data.strip(), password=password,
                                      source_ip=client_ip(), policy=Policy.from_settings(settings))
                token = new_session_token(result.user) if result.ok else None
                user_id = result.user.id if result.ok else None
            if result.ok:
                nxt = _safe_next(request.args.get("next"))
                session.clear()
                session.permanent = True
                session["seen"] = time.time()
                session["sid"] = token
                login_user(load_user(str(user_id)))
                return redirect(nxt)
            message = result.message
    elif request.method == "POST":
        message = _form_message(form)
    return render_template("auth/login.html", form=form, message=message, challenge=_challenge(),
                           public_key=keys.current().sm2_public), 400 if request.method == "POST" else 200


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    """Sign out: GET asks for confirmation, POST (CSRF-checked) signs out."""
    form = FlaskForm()
    if not form.validate_on_submit():
        return render_template("auth/logout.html")
    if current_user.is_authenticated:
        with db.session() as s:
            audit.append(s, username=actor(), source_ip=client_ip(), action="logout")
    logout_user()
    session.clear()
    return redirect(url_for("auth.login", msg="您已安全退出"))


@bp.route("/account/password", methods=["GET", "POST"], endpoint="change_password")
def change_password_view():
    """Change the password (forced at first login and when it has expired)."""
    form = PasswordForm()
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            challenge = _take_challenge()
            old, new, confirm = (_decrypt(form.old_cipher.data, challenge), _decrypt(form.new_cipher.data, challenge),
                                 _decrypt(form.confirm_cipher.data, challenge))
            if new != confirm:
                raise AccountError("两次输入的新密码不一致")
            with db.session() as s:
                change_password(s, user=s.get(User, current_user.id), old_password=old, new_password=new,
                                source_ip=client_ip())
        except PolicyError as exc:
            errors = exc.errors
        except (AccountError, LoginCipherError) as exc:
            errors = [str(exc)]
        else:
            flash("密码已修改")
            return redirect("/")
    elif request.method == "POST":
        errors = [_form_message(form)]
    reason = ("首次登录须修改初始密码" if current_user.must_change_password else
              "密码已过期，请修改" if current_user.password_expired else "")
    return render_template("auth/password.html", form=form, errors=errors, reason=reason,
                           challenge=_challenge(), public_key=keys.current().sm2_public), 400 if errors else 200

