"""Adapters to the counterpart systems: each posts a message as JSON to a configurable endpoint.

Endpoints come from the environment (``LVRONG_CASE_LIBRARY_URL``, ``LVRONG_FORESTRY_NATIONAL_URL``,
``LVRONG_ONE_NETCOM_URL``, ``LVRONG_SMS_URL``); without them every adapter posts to the local stub of
its counterpart (``integrations/stub.py``) on this installation (the CLI passes HOST:PORT). The idempotency key goes
in the ``Idempotency-Key`` header and in the body, so a counterpart can drop a repeated delivery.
"""
from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Callable

from integrations.outbox import DeliveryError

# (status, body) of an HTTP POST of ``body`` with ``headers`` to ``url``; raises OSError when unreachable.
Post = Callable[[str, bytes, dict[str, str], float], tuple[int, bytes]]

SYSTEMS = {"case_library": "LVRONG_CASE_LIBRARY_URL", "forestry_national": "LVRONG_FORESTRY_NATIONAL_URL",
           "one_netcom": "LVRONG_ONE_NETCOM_URL", "sms": "LVRONG_SMS_URL"}
DEFAULT_BASE = "http://127.0.0.1:8050"


def urllib_post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> tuple[int, bytes]:
    """POST with the standard library (no extra runtime dependency)."""
    req = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - configured endpoints only
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@dataclass(frozen=True)
class JsonAdapter:
    """Posts ``{"topic", "key", "payload"}`` to ``url``; a 2xx JSON object answer counts as delivered."""

    url: str
    post: Post = urllib_post
    timeout: float = 15.0

    def send(self, *, topic: str, key: str, payload: dict) -> dict:
        """Deliver one message; raise DeliveryError unless the counterpart accepted it."""
        body = json.dumps({"topic": topic, "key": key, "payload": payload}, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": key}
        try:
            status, raw = self.post(self.url, body, headers, self.timeout)
        except OSError as exc:
            raise DeliveryError(f"无法连接 {self.url}：{exc}") from exc
        if not 200 <= status < 300:
            raise DeliveryError(f"{self.url} 返回 HTTP {status}：{raw[:200].decode('utf-8', 'replace')}")
        try:
            answer = json.loads(raw or b"{}")
        except ValueError as exc:
            raise DeliveryError(f"{self.url} 的应答不是 JSON") from exc
        if not isinstance(answer, dict):
            raise DeliveryError(f"{self.url} 的应答格式不正确")
        return answer


def endpoint(system: str, base_url: str = DEFAULT_BASE) -> str:
    """The configured endpoint of ``system``, or its local stub under ``base_url`` (this installation)."""
    configured = os.environ.get(SYSTEMS[system], "").strip()
    if configured:
        return configured
    return f"{base_url.rstrip('/')}/stub/{system}/"


def default_adapters(base_url: str = DEFAULT_BASE, post: Post = urllib_post) -> dict[str, JsonAdapter]:
    """One adapter per counterpart system (case library, national forestry administration, One-Netcom, SMS)."""
    return {system: JsonAdapter(endpoint(system, base_url), post) for system in SYSTEMS}
