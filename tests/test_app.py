"""The application factory, health probes and what the index page may (not) contain."""
from __future__ import annotations

import re

import pytest

from db.migrate import head_revision


def test_healthz(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.get_json() == {"status": "ok"}


def test_readyz_reports_current_schema(client):
    r = client.get("/readyz")
    assert r.status_code == 200
    body = r.get_json()
    assert body["revision"] == body["head"] == head_revision()


def test_index_embeds_no_page_layout(client_as):
    """Layouts are served through callbacks, never written into the HTML (no validation layout)."""
    html = client_as("gis_staff").get("/gis/divisions").get_data(as_text=True)
    assert "validation_layout" not in html
    assert "gis-divisions-grid" not in html
    assert '<html lang="zh-CN">' in html and "加载中" in html


def test_every_script_and_stylesheet_is_served_by_the_app(client_as):
    """No CDN: every script and stylesheet the index references is local and answers 200."""
    client = client_as("leader")
    html = client.get("/").get_data(as_text=True)
    refs = re.findall(r'(?:src|href)="([^"]+\.(?:js|css)[^"]*)"', html)
    assert refs, "the index references no scripts at all"
    for ref in refs:
        assert ref.startswith("/"), f"external resource: {ref}"
        assert client.get(ref).status_code == 200, ref


def test_no_plotly_logo_and_no_version_check(client_as):
    html = client_as("leader").get("/").get_data(as_text=True)
    assert '"disable_version_check":true' in html.replace(" ", "")


def test_unknown_setting_is_refused():
    import settings

    with pytest.raises(KeyError):
        settings.from_env({"no_such_setting": 1})


def test_secrets_generated_once_with_private_mode(tmp_path):
    import stat

    import settings

    first = settings.load_secrets(tmp_path)
    second = settings.load_secrets(tmp_path)
    assert first == second and len(first["SECRET_KEY"]) == 64
    assert stat.S_IMODE((tmp_path / "secrets.json").stat().st_mode) == 0o600


def test_redis_setting_selects_redis_cache():
    import settings
    from extensions import cache_config

    cfg = cache_config(settings.Settings(redis_url="redis://127.0.0.1:6379/3", secret_key="x"))
    assert cfg["CACHE_TYPE"] == "RedisCache" and cfg["CACHE_REDIS_URL"].endswith("/3")
    assert cache_config(settings.Settings(secret_key="x"))["CACHE_TYPE"] == "SimpleCache"


def test_cache_backend_is_the_configured_one(app, request):
    """With --redis-url the suite's cached queries really go through Redis."""
    from extensions import cache

    with app.server.app_context():
        backend = type(cache.cache).__name__
        if request.config.getoption("--redis-url"):
            assert backend == "RedisCache"
            from queries import reference

            reference.districts()
            assert any(k.startswith(b"lvrong:") for k in cache.cache._write_client.scan_iter("lvrong:*"))
        else:
            assert backend == "SimpleCache"


def test_warm_start_aggregates_every_table_layer_in_the_background(app):
    """The map's point layers are read once per process at start, so the first map view does not wait."""
    from app import warm_start
    from layers import catalog
    from queries import gis

    gis._rollup.cache_clear()
    warm_start(app.server).join(120)
    tables = [layer.id for layer in catalog.LAYERS if layer.source == "table"]
    assert len(tables) >= 4 and gis._rollup.cache_info().currsize == len(tables)
    assert app.server.test_client().get("/readyz").get_json()["warm"] == "done"
    with app.server.app_context():
        gis.warm_table_layers()  # everything already read: all hits
    assert gis._rollup.cache_info().hits >= len(tables)


def test_key_files_are_created_once_when_workers_start_together(tmp_path):
    """Sixteen threads starting at once on a new instance folder all get the same keys and secrets, the
    files are owner-only, and no temporary file is left behind."""
    import stat
    import threading

    import settings
    from security import keys

    barrier = threading.Barrier(16)
    rings, secret_sets, errors = [], [], []

    def start():
        try:
            barrier.wait()
            rings.append(keys.load_or_create(tmp_path))
            secret_sets.append(settings.load_secrets(tmp_path))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == [] and len(rings) == 16
    assert len({(r.sm2_public, r.acl_key, r.sm4_keys["k1"]) for r in rings}) == 1
    assert len({s["SECRET_KEY"] for s in secret_sets}) == 1
    assert keys.load_or_create(tmp_path).acl_key == rings[0].acl_key
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keys.json", "secrets.json"]
    assert stat.S_IMODE((tmp_path / "keys.json").stat().st_mode) == 0o600
