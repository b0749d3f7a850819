"""绿容通 (LvRong): the Flask server, the multi-page Dash app and the first-start bootstrap.

``python app.py`` serves the embedded default on HOST:PORT (127.0.0.1:8050); ``gunicorn app:server``
serves production.
"""
from __future__ import annotations

import gc
import os
import threading

import dash
from flask import Flask

import settings as settings_mod
from db import db

os.environ.setdefault("DASH_DISABLE_VERSION_CHECK", "true")


class LvRongDash(dash.Dash):
    """Dash with a Chinese index page (language tag and loading text)."""

    def interpolate_index(self, **kwargs) -> str:
        html = super().interpolate_index(**kwargs)
        return html.replace("<html>", '<html lang="zh-CN">', 1).replace("Loading...", "加载中…", 1)


def create_app(config: dict | None = None) -> dash.Dash:
    """Build the Flask server and the Dash app on it; ``config`` overrides settings (tests)."""
    from admin import auth as auth_views, civilized as civilized_views, share as share_views, system as system_views
    from admin import verify as verify_views
    from admin import apply as apply_views, approvals as approvals_views
    from integrations import stub as integration_stub
    from api import auth as api_auth, health, v1
    from extensions import cache, cache_config
    from layers import routes as map_data
    from security import keys, manifest, web
    from security.cli import audit_cli

    settings = settings_mod.from_env(config)
    server = Flask(__name__, instance_path=str(settings.instance_path))
    server.config.update(SECRET_KEY=settings.secret_key, LVRONG=settings, **cache_config(settings))
    db.configure(settings.database_url)
    keys.configure(keys.load_or_create(settings.instance_path))
    cache.init_app(server)
    for blueprint in (health.bp, auth_views.bp, system_views.bp, share_views.bp, api_auth.bp, v1.bp, map_data.bp,
                      map_data.media_bp, map_data.tiles_bp, civilized_views.bp, verify_views.bp, integration_stub.bp,
                      apply_views.bp, approvals_views.bp):
        server.register_blueprint(blueprint)
    server.cli.add_command(audit_cli)
    server.cli.add_command(manifest.manifest_cli)
    check_integrity(server, settings)
    if settings.server_timing:
        from db import timing

        timing.install(server, db.engine)

    app = LvRongDash(
        __name__,
        server=server,
        use_pages=True,
        title="绿容通",
        update_title=None,
        serve_locally=True,
        # Layouts are functions resolved per request; without this Dash writes every page's layout into
        # every page's HTML as a validation layout.
        suppress_callback_exceptions=True,
        compress=False,
        background_callback_manager=background_manager(settings),
    )
    app.layout = web.shell_layout
    web.init_app(server, app)
    if settings.is_production:
        web.refuse_demo_accounts()
    # Everything built so far (modules, page registry, Plotly validators: ~350,000 objects) lives as long as
    # the process. Outside the collector's view, a full collection no longer walks them: such a collection
    # during a request cost ~200 ms (the cold p95 outliers of the city bench).
    gc.collect()
    gc.freeze()
    return app


def background_manager(settings: settings_mod.Settings):
    """Long jobs (imports, builds, reports): Celery on Redis when REDIS_URL is set, else diskcache."""
    if settings.redis_url:
        from dash import CeleryManager

        return CeleryManager(celery_app_for(settings))
    import diskcache
    from dash import DiskcacheManager

    return DiskcacheManager(diskcache.Cache(str(settings.instance_path / "jobs")))


def celery_app_for(settings: settings_mod.Settings):
    """The Celery application of the background jobs (``celery -A app:celery_app worker``)."""
    from celery import Celery

    return Celery("lvrong", broker=settings.redis_url, backend=settings.redis_url)


def check_integrity(server: Flask, settings: settings_mod.Settings) -> None:
    """Verify the signed manifest of the program files (module 259) as configured: refuse or degrade."""
    import logging

    from security import keys, manifest

    path = settings.instance_path / "manifest.json"
    if settings.manifest_mode != "off" and not path.exists() and not settings.is_production:
        # An embedded install signs the program it was given on its first start; production ships a
        # manifest signed at release (flask manifest sign) and refuses or degrades without one.
        manifest.write(settings_mod.ROOT, path, keys.current().sm2_private)
    report = manifest.startup_check(settings_mod.ROOT, path, keys.current().sm2_public, settings.manifest_mode)
    server.extensions["lvrong_integrity"] = report
    if report is None or report.ok:
        return
    logging.getLogger("lvrong.security").error("程序完整性校验未通过，降级运行: %s", report.summary())
    try:
        from security.rbac import raise_alarm

        with db.session() as s:
            raise_alarm(s, "manifest.mismatch", {"summary": report.summary()[:1000]})
    except Exception:  # noqa: BLE001 - before the first migration there is no alarm table yet
        logging.getLogger("lvrong.security").exception("could not record the integrity alarm")


def bootstrap_embedded(settings: settings_mod.Settings) -> None:
    """First start of the embedded default: migrate, then build the demo data with a progress bar."""
    from datagen.core import build, is_empty
    from db.migrate import upgrade

    upgrade(settings.database_url)
    if settings.auto_demo and is_empty(db.engine):
        print("首次启动：正在生成演示数据 (building demo data) …")
        counts = build(db.engine, scale="demo", seed=settings.demo_seed,
                       options={"districts_geojson": settings.districts_geojson,
                                "streets_csv": settings.streets_csv})
        print(f"演示数据已生成：{sum(v for k, v in counts.items() if k != '_seconds'):,} 行，"
              f"{counts['_seconds']:.1f} 秒")


def warm_start(server: Flask) -> threading.Thread:
    """Read what the first visitors would otherwise wait for, in the background: the map's point layers are
    aggregated per process (``queries.gis``), ~1–5 s for 1.5 million records at city scale."""
    import logging

    def run() -> None:
        try:
            with server.app_context():
                from queries import gis

                gis.warm_table_layers()
            server.extensions["lvrong_warm"] = "done"
        except Exception:  # noqa: BLE001 - a warm-up must never stop the server; the first request will read
            server.extensions["lvrong_warm"] = "skipped"
            logging.getLogger("lvrong").warning("warm-up skipped", exc_info=True)

    server.extensions["lvrong_warm"] = "running"

    thread = threading.Thread(target=run, name="lvrong-warm-start", daemon=True)
    thread.start()
    return thread


def main() -> None:
    """Run the embedded default on the development server."""
    app = create_app()
    settings = app.server.config["LVRONG"]
    if settings.is_sqlite:
        bootstrap_embedded(settings)
    warm_start(app.server)
    print(f"绿容通 serving on http://{settings.host}:{settings.port}/")
    app.run(host=settings.host, port=settings.port, debug=False)


def __getattr__(name: str):
    """``gunicorn app:server``: build the app on first access, never on import (PEP 562)."""
    if name == "server":
        global server
        server = create_app().server
        warm_start(server)
        return server
    if name == "celery_app":
        # celery -A app:celery_app worker: the worker builds the app (database, keys, callbacks) once.
        global celery_app
        dash_app = create_app()
        celery_app = dash_app._background_manager.handle
        return celery_app
    raise AttributeError(name)


if __name__ == "__main__":
    main()
