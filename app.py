"""绿容通 (LvRong): the Flask server, the multi-page Dash app and the first-start bootstrap.

``python app.py`` serves the embedded default on HOST:PORT (127.0.0.1:8050); ``gunicorn app:server``
serves production.
"""
from __future__ import annotations

import os

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
    from admin import auth as auth_views
    from api import auth as api_auth, health, v1
    from extensions import cache, cache_config
    from security import keys, web
    from security.cli import audit_cli

    settings = settings_mod.from_env(config)
    server = Flask(__name__, instance_path=str(settings.instance_path))
    server.config.update(SECRET_KEY=settings.secret_key, LVRONG=settings, **cache_config(settings))
    db.configure(settings.database_url)
    keys.configure(keys.load_or_create(settings.instance_path))
    cache.init_app(server)
    for blueprint in (health.bp, auth_views.bp, api_auth.bp, v1.bp):
        server.register_blueprint(blueprint)
    server.cli.add_command(audit_cli)
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
    )
    app.layout = web.shell_layout
    web.init_app(server, app)
    if settings.is_production:
        web.refuse_demo_accounts()
    return app


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


def main() -> None:
    """Run the embedded default on the development server."""
    app = create_app()
    settings = app.server.config["LVRONG"]
    if settings.is_sqlite:
        bootstrap_embedded(settings)
    print(f"绿容通 serving on http://{settings.host}:{settings.port}/")
    app.run(host=settings.host, port=settings.port, debug=False)


def __getattr__(name: str):
    """``gunicorn app:server``: build the app on first access, never on import (PEP 562)."""
    if name == "server":
        global server
        server = create_app().server
        return server
    raise AttributeError(name)


if __name__ == "__main__":
    main()
