"""Per-request SQL timing, reported in the standard ``Server-Timing`` header (used by bench/)."""
from __future__ import annotations

import time

from flask import Flask, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine


def install(app: Flask, engine: Engine) -> None:
    """Time every statement run while serving a request and report ``sql`` and ``total`` durations."""

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn, cursor, statement, parameters, context, executemany):
        conn.info.setdefault("lvrong_t0", []).append(time.perf_counter())

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn, cursor, statement, parameters, context, executemany):
        t0 = conn.info["lvrong_t0"].pop()
        if has_request_context():
            g.lvrong_sql = g.get("lvrong_sql", 0.0) + time.perf_counter() - t0
            g.lvrong_sql_n = g.get("lvrong_sql_n", 0) + 1

    @app.before_request
    def _start():
        g.lvrong_t_request = time.perf_counter()

    @app.after_request
    def _header(response):
        total = (time.perf_counter() - g.get("lvrong_t_request", time.perf_counter())) * 1000
        sql = g.get("lvrong_sql", 0.0) * 1000
        response.headers["Server-Timing"] = (
            f"sql;dur={sql:.2f};desc=\"{g.get('lvrong_sql_n', 0)}\", total;dur={total:.2f}"
        )
        return response
