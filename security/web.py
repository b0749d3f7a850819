"""Security on every path: sign-in state, idle timeout, single session, permission and district scope for
every Flask route and Dash callback, security headers (module 55, GB/T 22239-2019 7.1.4 at level 2).
"""
from __future__ import annotations

import base64
import hashlib
import time
from dataclasses import dataclass
from urllib.parse import urlparse

import dash
from flask import Flask, current_app, jsonify, redirect, request, session, url_for
from flask_wtf.csrf import generate_csrf
from flask_login import AnonymousUserMixin, LoginManager, UserMixin, current_user, logout_user

from db import db
from db.security import User
from security import audit, context, rbac
from security.accounts import Policy, password_expired

login_manager = LoginManager()

PUBLIC_PREFIXES = ("/login", "/healthz", "/readyz", "/static/", "/_dash-component-suites/", "/assets/",
                   "/_favicon.ico", "/favicon.ico", "/api/v1/auth/", "/api/v1/verify", "/verify/",
                   "/stub/")  # /stub/: local stand-ins of other systems, 404 in production
PASSWORD_PATHS = ("/account/password", "/logout")


@dataclass
class SignedInUser(UserMixin):
    """The user of this request with their verified access (loaded once per request)."""

    id: int
    username: str
    display_name: str
    district_code: str | None
    access: rbac.Access
    must_change_password: bool
    password_expired: bool
    session_token: str | None

    def get_id(self) -> str:
        """flask-login's session key."""
        return str(self.id)

    def can(self, permission: str | None) -> bool:
        """True when the user holds ``permission``."""
        return self.access.can(permission)

    @property
    def needs_password_change(self) -> bool:
        """First login or expired password: nothing but the change form until it is done."""
        return self.must_change_password or self.password_expired


class Anonymous(AnonymousUserMixin):
    """Nobody signed in: no permission at all."""

    username = "-"
    district_code = None
    access = rbac.Access()

    def can(self, permission: str | None) -> bool:
        """Anonymous users hold no permission."""
        return False


@login_manager.user_loader
def load_user(user_id: str) -> SignedInUser | None:
    """Load the user and verify their access-control rows; tampered rows raise an alarm."""
    with db.session() as s:
        user = s.get(User, int(user_id))
        if user is None or not user.is_active:
            return None
        access = rbac.load_access(s, user)
        if access.tampered:
            rbac.raise_alarm(s, "acl.tamper", {"user": user.username, "rows": access.tampered})
            audit.append(s, username=user.username, source_ip=client_ip(), action="acl.verify",
                         object_type="user", object_id=user.username, outcome="alarm",
                         detail={"rows": access.tampered})
            current_app.logger.error("access-control rows changed outside the application: %s", access.tampered)
        policy = Policy.from_settings(current_app.config["LVRONG"])
        return SignedInUser(user.id, user.username, user.display_name, user.district_code, access,
                            user.must_change_password, password_expired(user, policy), user.session_token)


@login_manager.request_loader
def load_share_visitor(_request):
    """No signed-in user: a valid share link opened in this session makes the visitor a ShareVisitor."""
    import json

    from security import share

    token_digest = session.get("share")
    if not token_digest:
        return None
    with db.session() as s:
        link = share.valid_link(s, token_digest)
        if link is None:
            session.pop("share", None)
            return None
        return share.ShareVisitor(view=link.view, audience=link.audience, scope=json.loads(link.scope),
                                  expires_at=link.expires_at, display_name=f"{link.audience}（共享只读）")


def open_share_link():
    """``/share/<view>?token=…``: remember a valid link in the session, audit the visit."""
    from security import share

    token = request.args.get("token", "")
    if not token:
        return None
    with db.session() as s:
        link = share.valid_link(s, share.digest(token))
        if link is None:
            return jsonify(message="共享链接无效或已过期"), 403
        session.clear()
        session["share"] = link.token_digest
        session["seen"] = time.time()
        audit.append(s, username=f"share:{link.audience}", source_ip=client_ip(), action="share.open",
                     object_type=link.view, object_id=link.token_digest[:16])
    return redirect(request.path)


SHARE_PATHS = ("/share/", "/_dash-layout", "/_dash-dependencies", "/_dash-update-component")


def client_ip() -> str:
    """The client's address (nginx's X-Forwarded-For first hop is trusted only behind the proxy)."""
    if not request:
        return "-"
    forwarded = request.headers.get("X-Forwarded-For", "") if current_app.config.get("BEHIND_PROXY") else ""
    return (forwarded.split(",")[0].strip() or request.remote_addr or "-")[:64]


actor = context.username


# ------------------------------------------------------------------------------ Dash pages and callbacks
class _Unowned:
    """Marker: a server callback defined outside any page module that declares no permission."""


def callback_owner(output: str):
    """What guards the callback writing ``output``: the registered page whose module defines it (a page
    dict), or, for a callback defined in a shared module (e.g. a board component registering callbacks for
    several pages), that module's declared ``CALLBACK_PERMISSION`` (a dict with ``permission`` and ``path``).
    A server callback in a module that declares nothing is ``_Unowned`` and refused: fail closed. None for an
    unknown output (Dash answers those itself) and for Dash's own callbacks."""
    import sys

    entry = dash._callback.GLOBAL_CALLBACK_MAP.get(output) or current_app.extensions["lvrong_dash"].callback_map.get(output)
    fn = (entry or {}).get("callback")
    module = getattr(fn, "__module__", None)
    if module is None or module.split(".")[0] == "dash":
        return None  # Dash's own callbacks: the page router renders layouts, which guard_pages checks
    if module in dash.page_registry:
        return dash.page_registry[module]
    declared = sys.modules.get(module)
    if declared is not None and hasattr(declared, "CALLBACK_PERMISSION"):
        return {"permission": declared.CALLBACK_PERMISSION, "path": module}
    return _Unowned


def denied_layout(page: dict):
    """What a page shows to a user who may not open it."""
    from dash import dcc, html

    return html.Div(className="not-found", children=[
        html.H1("403"), html.P(f"您没有访问“{page['name']}”的权限。如需开通，请联系安全管理员。"),
        dcc.Link("返回首页", href="/", className="tool-link"),
    ])


def guard_pages() -> None:
    """Wrap every page's layout so that it checks the page's declared permission on the server."""
    for page in dash.page_registry.values():
        original = page["layout"]
        if getattr(original, "_lvrong_guarded", False):
            continue

        def guarded(*args, _original=original, _page=page, **kwargs):
            if not current_user.can(_page.get("permission")):
                audit_denied("page.open", _page["path"])
                return denied_layout(_page)
            return _original(*args, **kwargs) if callable(_original) else _original

        guarded._lvrong_guarded = True
        page["layout"] = guarded


def audit_denied(action: str, obj: str) -> None:
    """Record a refused access in the audit chain."""
    with db.session() as s:
        audit.append(s, username=actor(), source_ip=client_ip(), action=action, object_type="page",
                     object_id=obj, outcome="denied")


# ------------------------------------------------------------------------------ the gate
def _same_origin() -> bool:
    origin = request.headers.get("Origin") or request.headers.get("Referer")
    if not origin:
        return True  # non-browser clients; the session cookie is SameSite=Lax anyway
    return urlparse(origin).netloc == request.host


def gate():
    """Runs before every request: public paths pass, everything else needs a valid, fresh session."""
    path = request.path
    if path.startswith(PUBLIC_PREFIXES):
        return None
    if path.startswith("/api/"):
        from api.auth import bearer_gate

        return bearer_gate()
    if path.startswith("/share/") and request.args.get("token"):
        return open_share_link()
    settings = current_app.config["LVRONG"]
    is_dash = path.startswith("/_dash-")
    if current_user.is_authenticated and getattr(current_user, "view", None):  # a share visitor
        if not path.startswith(SHARE_PATHS):
            return _unauthenticated(is_dash, "请先登录")
        return _dash_permission() if path == "/_dash-update-component" else None
    if current_user.is_authenticated:
        seen = session.get("seen", 0)
        stale = time.time() - seen > settings.idle_minutes * 60
        replaced = settings.single_session and session.get("sid") != current_user.session_token
        if stale or replaced:
            with db.session() as s:
                audit.append(s, username=actor(), source_ip=client_ip(), action="logout",
                             outcome="success", detail={"reason": "idle" if stale else "replaced"})
            logout_user()
            session.clear()
            message = "登录已超时，请重新登录" if stale else "账号已在其他地方登录"
            return _unauthenticated(is_dash, message)
    if not current_user.is_authenticated:
        return _unauthenticated(is_dash, "请先登录")
    session["seen"] = time.time()
    if current_user.needs_password_change and not path.startswith(PASSWORD_PATHS):
        if is_dash:
            return jsonify(message="请先修改密码"), 403
        return redirect(url_for("auth.change_password"))
    if request.method == "POST" and not _same_origin():
        return jsonify(message="跨站请求已拒绝"), 403
    if path == "/_dash-update-component":
        return _dash_permission()
    return None


def _dash_permission():
    """A Dash callback runs only for a user who may open the page that defines it."""
    body = request.get_json(silent=True) or {}
    owner = callback_owner(body.get("output", ""))
    if owner is _Unowned or (owner is not None and not current_user.can(owner.get("permission"))):
        where = "unowned" if owner is _Unowned else owner["path"]
        audit_denied("callback", f"{where}#{body.get('output', '')[:120]}")
        return jsonify(message="无权执行此操作"), 403
    return None


def _unauthenticated(is_dash: bool, message: str):
    if is_dash:
        return jsonify(message=message), 401
    nxt = request.full_path if request.query_string else request.path
    return redirect(url_for("auth.login", next=nxt, msg=message if message != "请先登录" else None))


# ------------------------------------------------------------------------------ headers
def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def content_security_policy(dash_app, tile_url: str = "") -> str:
    """A CSP that Dash works with: scripts only from this server plus the hashes of Dash's inline scripts."""
    hashes = " ".join(dash_app.csp_hashes())
    img = "'self' data: blob:"
    if tile_url:
        parsed = urlparse(tile_url.replace("{s}", "a"))
        img += f" {parsed.scheme}://{parsed.netloc.replace('a.', '*.', 1)}"
    return ("default-src 'self'; "
            f"script-src 'self' {hashes}; "
            "style-src 'self' 'unsafe-inline'; "
            f"img-src {img}; font-src 'self' data:; connect-src 'self'; media-src 'self' blob:; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'")


def security_headers(response):
    """Headers on every response."""
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    headers.setdefault("Referrer-Policy", "same-origin")
    if "Content-Security-Policy" not in headers:
        ext = current_app.extensions
        if "lvrong_csp" not in ext:
            ext["lvrong_csp"] = content_security_policy(ext["lvrong_dash"], current_app.config["LVRONG"].tile_url)
        headers["Content-Security-Policy"] = ext["lvrong_csp"]
    if current_app.config["LVRONG"].is_production:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if response.mimetype == "text/html":
        headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(server: Flask, dash_app) -> None:
    """Bind sign-in, the gate, page guards and headers to the server."""
    settings = server.config["LVRONG"]
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.is_production, SESSION_COOKIE_NAME="lvrong_session",
        PERMANENT_SESSION_LIFETIME=settings.idle_minutes * 60, MAX_CONTENT_LENGTH=60 * 1024 * 1024,
        WTF_CSRF_TIME_LIMIT=None,
    )
    server.extensions["lvrong_dash"] = dash_app
    # Forms are FlaskForm (CSRF-checked each); Dash's JSON endpoints are guarded by the gate's origin check.
    server.jinja_env.globals["csrf_token"] = generate_csrf
    login_manager.init_app(server)
    login_manager.anonymous_user = Anonymous
    login_manager.login_view = "auth.login"
    server.before_request(gate)
    server.after_request(security_headers)
    guard_pages()


def shell_layout():
    """The app layout: the shell with navigation limited to what the user may open."""
    from components.shell import create_shell

    return create_shell(can=context.can, user=context.display_name())


def refuse_demo_accounts() -> None:
    """A production configuration must not start while a demo account exists."""
    from sqlalchemy import select

    with db.session() as s:
        demo = s.scalars(select(User.username).where(User.is_demo.is_(True)).limit(5)).all()
    if demo:
        raise RuntimeError(f"production refuses to start: demo accounts exist ({', '.join(demo)}); "
                           "remove them (python -m security remove-demo) before going live")


def require(permission: str):
    """Decorator for Flask views: the signed-in user must hold ``permission`` (403 page otherwise)."""
    from functools import wraps

    from flask import render_template

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.can(permission):
                audit_denied("route", request.path)
                return render_template("denied.html"), 403
            return view(*args, **kwargs)

        wrapper.permission = permission
        return wrapper

    return decorate
