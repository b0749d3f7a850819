"""Test fixtures: one app per run on a temporary database (SQLite by default, PostgreSQL on request).

Run on PostgreSQL with ``--database-url postgresql://postgres@127.0.0.1:5432/test`` or the environment
variable ``LVRONG_TEST_DATABASE_URL``: the run gets its own schema, dropped at the end.
"""
from __future__ import annotations

import json
import os
import secrets
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"


def pytest_addoption(parser):
    parser.addoption("--database-url", default=os.environ.get("LVRONG_TEST_DATABASE_URL", ""),
                     help="run the suite on this database (PostgreSQL) instead of a temporary SQLite file")
    parser.addoption("--redis-url", default=os.environ.get("LVRONG_TEST_REDIS_URL", ""),
                     help="use this Redis as the cache (as production does) instead of in-process memory")
    parser.addoption("--module-report", default=None,
                     help="write the seed modules with at least one passing test to this JSON file")


# ---------------------------------------------------------------- module coverage report
_passed_modules: set[int] = set()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.passed:
        for mark in item.iter_markers("module"):
            _passed_modules.update(int(n) for n in mark.args)


def pytest_sessionfinish(session, exitstatus):
    path = session.config.getoption("--module-report")
    if path:
        Path(path).write_text(json.dumps(sorted(_passed_modules)), encoding="utf-8")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    from tools.module_report import load_modules

    total = len(load_modules())
    terminalreporter.write_line(f"seed modules with a passing test: {len(_passed_modules)}/{total}")


# ---------------------------------------------------------------- database and app
@pytest.fixture(scope="session")
def database_url(request, tmp_path_factory):
    """A fresh, empty database for this run."""
    url = request.config.getoption("--database-url")
    if not url:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
        return
    from sqlalchemy import text

    from db import make_engine

    schema = f"lvrong_test_{secrets.token_hex(4)}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in url else "?"
    yield f"{url}{sep}options=-csearch_path%3D{schema}"
    from db import db

    db.dispose()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="session")
def app(request, database_url, tmp_path_factory):
    """The application on the test database, migrated and filled with the demo data."""
    from flask import got_request_exception

    from app import create_app
    from datagen.core import build
    from db import db
    from db.migrate import upgrade

    instance = tmp_path_factory.mktemp("instance")
    dash_app = create_app({"database_url": database_url, "instance_path": instance,
                           "redis_url": request.config.getoption("--redis-url"),
                           "environment": "test", "secret_key": secrets.token_hex(16), "auto_demo": False,
                           "manifest_mode": "off"})
    with dash_app.server.app_context():
        from extensions import cache

        cache.clear()  # Redis outlives runs: start from an empty cache
    upgrade(database_url)
    build(db.engine, scale="demo", seed=7, progress=False)
    errors: list[str] = []
    got_request_exception.connect(lambda sender, exception, **kw: errors.append(repr(exception)),
                                  dash_app.server, weak=False)
    dash_app.server.config["TEST_SERVER_ERRORS"] = errors
    return dash_app


@pytest.fixture()
def client(app):
    """A Flask test client, signed in as nobody."""
    return app.server.test_client()


def sign_in(client, username: str, password: str | None = None, *, follow: bool = False):
    """Sign a Flask test client in through the real form (SM2-encrypted password); returns the response."""
    from bench.login import encrypt, parse_form
    from datagen.domains.security import DEMO_PASSWORD

    csrf, public, challenge = parse_form(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"csrf_token": csrf, "username": username,
                                       "password_cipher": encrypt(password or DEMO_PASSWORD, public, challenge)},
                       follow_redirects=follow)


@pytest.fixture()
def client_as(app):
    """``client_as("analyst")``: a test client signed in as that demo account."""

    def make(username: str):
        c = app.server.test_client()
        r = sign_in(c, username)
        assert r.status_code == 302, r.get_data(as_text=True)[:500]
        return c

    return make


# ---------------------------------------------------------------- browser
@pytest.fixture(scope="session")
def live_server(app):
    """The app served over HTTP from a background thread; yields its base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """Headless Debian Chromium through chromedriver, with the console log available."""
    from tests.browser import start_chromium

    driver = start_chromium(tmp_path_factory.mktemp("chromium-profile"))
    yield driver
    driver.quit()


@pytest.fixture(scope="session")
def background_worker(app, live_server):
    """Background jobs need a worker under Celery (with --redis-url): run one in a thread; diskcache needs none."""
    import requests

    manager = app._background_manager
    if type(manager).__name__ != "CeleryManager":
        yield None
        return
    from celery.contrib.testing.worker import start_worker

    requests.get(f"{live_server}/healthz", timeout=10)  # the first request registers the job functions
    with start_worker(manager.handle, pool="threads", concurrency=2, perform_ping_check=False) as worker:
        yield worker
