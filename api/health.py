"""``/healthz`` (the process is alive) and ``/readyz`` (database reachable, schema current)."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from db import db
from db.migrate import current_revision, head_revision

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Liveness: answers as long as the process serves requests."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    """Readiness: 200 only when the database answers and its schema is at the code's head."""
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        current = current_revision(db.engine)
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        return jsonify(status="unavailable", database=False, error=type(exc).__name__), 503
    head = head_revision()
    ready = current == head
    body = {"status": "ok" if ready else "migrations pending", "database": True,
            "revision": current, "head": head,
            # this process's start-up warm-up (app.warm_start): running, done, skipped, or none
            "warm": current_app.extensions.get("lvrong_warm", "none")}
    return jsonify(body), 200 if ready else 503
