"""Sign-in, lockout, password policy, idle timeout, single session, sign-out (modules 55, 254)."""
from __future__ import annotations

import dataclasses
import itertools
import re
import time
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from db import db
from db.security import AuditLog, User
from security.accounts import create_user
from tests.conftest import sign_in

pytestmark = pytest.mark.module(55)
_ips = itertools.count(10)


def _client(app):
    """A client with its own source address (lockout counts per address)."""
    c = app.server.test_client()
    c.environ_base["REMOTE_ADDR"] = f"10.77.0.{next(_ips)}"
    return c


def _user(username, password="Start#2026ok", must_change=False, roles=("leader",)):
    with db.session() as s:
        create_user(s, actor="test", source_ip="-", username=username, display_name=username,
                    password=password, roles=list(roles), must_change_password=must_change)


def test_anonymous_is_sent_to_login_everywhere(client):
    r = client.get("/gis/divisions?x=1")
    assert r.status_code == 302 and "/login?next=" in r.headers["Location"]
    assert client.get("/_dash-layout").status_code == 401
    assert client.post("/_dash-update-component", json={"output": "x.y"}).status_code == 401


def test_login_page_never_posts_password_in_clear(client):
    html = client.get("/login").get_data(as_text=True)
    password_input = re.search(r'<input id="password"[^>]*>', html).group(0)
    assert "name=" not in password_input and 'data-sm2-target="password_cipher"' in password_input
    assert 'data-sm2-public="04' in html


def test_demo_login_and_layout(app, client):
    r = sign_in(client, "leader")
    assert r.status_code == 302 and r.headers["Location"] == "/"
    assert client.get("/_dash-layout").status_code == 200


def test_plain_password_field_is_refused(app):
    c = _client(app)
    from bench.login import parse_form

    csrf, _pub, _ch = parse_form(c.get("/login").get_data(as_text=True))
    r = c.post("/login", data={"csrf_token": csrf, "username": "leader", "password": "Demo@2026lr"})
    assert r.status_code == 400 and "请输入密码" in r.get_data(as_text=True)


def test_cipher_bound_to_its_challenge(app):
    """A captured ciphertext is useless after the challenge rotates (no replay)."""
    from bench.login import encrypt, parse_form
    from datagen.domains.security import DEMO_PASSWORD

    c = _client(app)
    csrf, pub, challenge = parse_form(c.get("/login").get_data(as_text=True))
    old_cipher = encrypt(DEMO_PASSWORD, pub, challenge)
    csrf, pub, _new = parse_form(c.get("/login").get_data(as_text=True))
    r = c.post("/login", data={"csrf_token": csrf, "username": "leader", "password_cipher": old_cipher})
    assert r.status_code == 400 and "失效" in r.get_data(as_text=True)


def test_missing_csrf_is_refused(app):
    from bench.login import encrypt, parse_form

    c = _client(app)
    _csrf, pub, ch = parse_form(c.get("/login").get_data(as_text=True))
    r = c.post("/login", data={"username": "leader", "password_cipher": encrypt("x", pub, ch)})
    assert r.status_code == 400 and "页面已过期" in r.get_data(as_text=True)


def test_account_lockout_after_five_failures(app):
    _user("lock_me")
    c = _client(app)
    messages = [sign_in(c, "lock_me", "Wrong#pass1").get_data(as_text=True) for _ in range(4)]
    assert "还可尝试 4 次" in messages[0] and "还可尝试 1 次" in messages[3]
    assert "已锁定" in sign_in(c, "lock_me", "Wrong#pass1").get_data(as_text=True)
    c2 = _client(app)  # another address: the account itself is locked
    r = sign_in(c2, "lock_me", "Start#2026ok")
    assert r.status_code == 400 and "账号已锁定" in r.get_data(as_text=True)
    with db.session() as s:  # fifteen minutes later
        s.execute(update(User).where(User.username == "lock_me")
                  .values(locked_until=datetime.now(timezone.utc) - timedelta(seconds=1)))
    assert sign_in(_client(app), "lock_me", "Start#2026ok").status_code == 302


def test_source_address_lockout(app):
    c = _client(app)
    for i in range(5):
        sign_in(c, f"nobody{i}", "Wrong#pass1")
    r = sign_in(c, "leader")
    assert r.status_code == 400 and "该地址登录失败次数过多" in r.get_data(as_text=True)
    assert sign_in(_client(app), "leader").status_code == 302


def test_first_login_forces_password_change_with_policy(app):
    _user("newbie", must_change=True)
    c = _client(app)
    assert sign_in(c, "newbie", "Start#2026ok").status_code == 302
    assert c.get("/").headers["Location"].endswith("/account/password")
    assert c.post("/_dash-update-component", json={"output": "x.y"}).status_code == 403
    from bench.login import encrypt, parse_form

    def change(old, new, confirm=None):
        csrf, pub, ch = parse_form(c.get("/account/password").get_data(as_text=True))
        return c.post("/account/password", data={
            "csrf_token": csrf, "old_cipher": encrypt(old, pub, ch), "new_cipher": encrypt(new, pub, ch),
            "confirm_cipher": encrypt(confirm or new, pub, ch)})

    body = change("Start#2026ok", "short").get_data(as_text=True)
    assert "至少 8 位" in body and "至少三类" in body
    assert "最近 5 次" in change("Start#2026ok", "Start#2026ok").get_data(as_text=True)
    assert "原密码不正确" in change("Wrong#2026ok", "Brand#New2026").get_data(as_text=True)
    assert "不一致" in change("Start#2026ok", "Brand#New2026", "Brand#New2027").get_data(as_text=True)
    assert change("Start#2026ok", "Brand#New2026").status_code == 302
    assert c.get("/").status_code == 200


def test_expired_password_must_be_changed(app):
    _user("old_pw")
    with db.session() as s:
        s.execute(update(User).where(User.username == "old_pw")
                  .values(password_changed_at=datetime.now(timezone.utc) - timedelta(days=91)))
    c = _client(app)
    sign_in(c, "old_pw", "Start#2026ok")
    r = c.get("/", follow_redirects=True)
    assert "密码已过期" in r.get_data(as_text=True)


def test_idle_timeout(app):
    c = _client(app)
    sign_in(c, "leader")
    assert c.get("/_dash-layout").status_code == 200
    with c.session_transaction() as sess:
        sess["seen"] = time.time() - 31 * 60
    r = c.get("/_dash-layout")
    assert r.status_code == 401 and "超时" in r.get_json()["message"]
    assert c.get("/").status_code == 302


def test_single_session_when_enabled(app, monkeypatch):
    settings = app.server.config["LVRONG"]
    monkeypatch.setitem(app.server.config, "LVRONG", dataclasses.replace(settings, single_session=True))
    first, second = _client(app), _client(app)
    sign_in(first, "analyst")
    assert first.get("/_dash-layout").status_code == 200
    sign_in(second, "analyst")
    assert second.get("/_dash-layout").status_code == 200
    r = first.get("/_dash-layout")
    assert r.status_code == 401 and "其他地方" in r.get_json()["message"]


def test_logout_is_audited(app):
    c = _client(app)
    sign_in(c, "gis_staff")
    assert "确认退出" in c.get("/logout").get_data(as_text=True)
    from bench.login import _CSRF

    csrf = _CSRF.search(c.get("/logout").get_data(as_text=True)).group(1)
    assert c.post("/logout", data={"csrf_token": csrf}).status_code == 302
    assert c.get("/_dash-layout").status_code == 401
    with db.session() as s:
        last = s.scalars(select(AuditLog).where(AuditLog.username == "gis_staff")
                         .order_by(AuditLog.seq.desc())).first()
    assert last.action == "logout"


def test_logins_are_audited_with_address(app):
    c = _client(app)
    sign_in(c, "auditor", "Wrong#pass1")
    sign_in(c, "auditor")
    with db.session() as s:
        rows = s.scalars(select(AuditLog).where(AuditLog.username == "auditor", AuditLog.action == "login")
                         .order_by(AuditLog.seq.desc()).limit(2)).all()
    assert [r.outcome for r in rows] == ["success", "failure"]
    assert rows[0].source_ip.startswith("10.77.0.")


def test_security_headers(client):
    r = client.get("/login")
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self' 'sha256-" in csp and "unsafe-eval" not in csp and "frame-ancestors 'self'" in csp
    assert r.headers["X-Frame-Options"] == "SAMEORIGIN" and r.headers["X-Content-Type-Options"] == "nosniff"
    assert "HttpOnly" in sign_in(client, "leader").headers["Set-Cookie"]


def test_cross_site_post_refused(client_as):
    c = client_as("leader")
    r = c.post("/_dash-update-component", json={"output": "x.y"}, headers={"Origin": "http://evil.example"})
    assert r.status_code == 403


def test_production_refuses_demo_accounts(app):
    from security.web import refuse_demo_accounts

    with app.server.app_context(), pytest.raises(RuntimeError, match="demo accounts exist"):
        refuse_demo_accounts()


def test_password_hash_is_pbkdf2_sm3_with_salt(app):
    with db.session() as s:
        hashes = s.scalars(select(User.password_hash).where(User.is_demo.is_(True)).limit(2)).all()
    assert all(h.startswith("pbkdf2-sm3$100000$") for h in hashes)
    assert hashes[0].split("$")[2] != hashes[1].split("$")[2]  # same password, different salts


def test_replayed_cookie_and_cipher_refused(app):
    """Replaying a captured (cookie, ciphertext) pair fails: the challenge is spent on first use."""
    from bench.login import encrypt, parse_form

    c = _client(app)
    csrf, pub, ch = parse_form(c.get("/login").get_data(as_text=True))
    with c.session_transaction() as sess:
        captured = dict(sess)
    data = {"csrf_token": csrf, "username": "leader", "password_cipher": encrypt("Demo@2026lr", pub, ch)}
    assert c.post("/login", data=data).status_code == 302
    attacker = _client(app)
    with attacker.session_transaction() as sess:
        sess.update(captured)
    r = attacker.post("/login", data=data)
    assert r.status_code == 400 and "失效" in r.get_data(as_text=True)
