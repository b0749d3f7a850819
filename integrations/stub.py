"""Local stand-ins of the counterpart systems under ``/stub/<system>/`` for tests and the demo.

Each stub records what it receives, drops repeated idempotency keys (answering as the first time), can be
told to fail (``POST /stub/<system>/control`` with ``{"fail": true}``) and lists its deliveries
(``GET /stub/<system>/deliveries``). The national forestry administration's stub answers with a national
unique code, as the real system's callback does. State lives in the process; production does not serve
these routes.
"""
from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field

from flask import Blueprint, abort, current_app, jsonify, request

from security.sm import sm3

SYSTEMS = {"case_library": "办件库", "forestry_national": "国家林草局", "one_netcom": "一网通办", "sms": "短信平台"}

bp = Blueprint("integration_stub", __name__, url_prefix="/stub")


@dataclass
class StubState:
    """Deliveries by idempotency key in arrival order, POSTs per key (repeats included), failure switch."""

    received: dict[str, dict] = field(default_factory=dict)
    answers: dict[str, dict] = field(default_factory=dict)
    hits: Counter = field(default_factory=Counter)
    posts: int = 0
    failing: bool = False


_lock = threading.Lock()


def state(system: str) -> StubState:
    """The stub state of ``system`` in the current app."""
    stubs = current_app.extensions.setdefault("integration_stub", {})
    with _lock:
        return stubs.setdefault(system, StubState())


def reset() -> None:
    """Forget every delivery and stop failing (tests)."""
    with _lock:
        current_app.extensions["integration_stub"] = {}


@bp.before_request
def _not_in_production():
    if current_app.config["LVRONG"].is_production:
        abort(404)
    if request.view_args is None or request.view_args.get("system") not in SYSTEMS:
        abort(404)


def _answer(system: str, key: str, payload: dict) -> dict:
    answer = {"accepted": True, "system": SYSTEMS[system], "receipt": sm3(f"{system}:{key}".encode()).hex()[:16]}
    if system == "forestry_national":
        # The national administration assigns each certificate a unique code (module 60).
        answer["national_code"] = "LC" + sm3(f"national:{payload.get('number', key)}".encode()).hex()[:18].upper()
    return answer


@bp.post("/<system>/")
def receive(system: str):
    """Accept one message; a repeated idempotency key gets the first answer and is not recorded twice."""
    stub = state(system)
    with _lock:
        stub.posts += 1
        if stub.failing:
            return jsonify(message=f"{SYSTEMS[system]}（模拟）暂时不可用"), 503
    body = request.get_json(silent=True)
    key = request.headers.get("Idempotency-Key") or (body or {}).get("key")
    if not isinstance(body, dict) or not key or not isinstance(body.get("payload"), dict):
        return jsonify(message="请求格式错误：需要 key 与 payload"), 400
    with _lock:
        stub.hits[key] += 1
        if key in stub.answers:
            return jsonify({**stub.answers[key], "duplicate": True})
        stub.received[key] = body["payload"]
        stub.answers[key] = _answer(system, key, body["payload"])
        return jsonify(stub.answers[key])


@bp.get("/<system>/deliveries")
def deliveries(system: str):
    """What the stub has received: keys in order, and how many POSTs it answered (duplicates included)."""
    stub = state(system)
    with _lock:
        return jsonify(system=system, count=len(stub.received), posts=stub.posts, keys=list(stub.received))


@bp.post("/<system>/control")
def control(system: str):
    """Make the stub fail (``{"fail": true}``) or recover (``{"fail": false}``)."""
    stub = state(system)
    body = request.get_json(silent=True) or {}
    with _lock:
        stub.failing = bool(body.get("fail"))
        return jsonify(system=system, failing=stub.failing)
