"""Find and call a page's initial callbacks over HTTP, as the browser would on first load."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

import requests


def _walk(node, found: dict) -> None:
    """Collect ``{id: props}`` for every component with an id in a serialised layout."""
    if isinstance(node, list):
        for child in node:
            _walk(child, found)
        return
    if not isinstance(node, dict) or "props" not in node:
        return
    props = node["props"]
    if "id" in props:
        key = props["id"] if isinstance(props["id"], str) else json.dumps(props["id"], sort_keys=True)
        found[key] = props
    for value in props.values():
        if isinstance(value, (dict, list)):
            _walk(value, found)


@dataclass
class Call:
    """One callback to drive: its output spec and the request body of its initial call."""

    name: str
    body: dict


@dataclass
class Timing:
    """Timings of one callback: client round trip and the server's own SQL and total (ms)."""

    client: list[float] = field(default_factory=list)
    sql: list[float] = field(default_factory=list)
    server: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)


def page_layout(session: requests.Session, base: str, path: str) -> dict:
    """The page's layout as the router callback returns it."""
    body = {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"},
                    {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                   {"id": "_pages_location", "property": "search", "value": ""}],
        "changedPropIds": ["_pages_location.pathname"],
        "state": [],
    }
    r = session.post(f"{base}/_dash-update-component", json=body, timeout=120)
    r.raise_for_status()
    return r.json()["response"]["_pages_content"]["children"]


def initial_calls(layout: dict, dependencies: list[dict]) -> list[Call]:
    """Server callbacks whose inputs all live in ``layout`` and that fire on load."""
    found: dict = {}
    _walk(layout, found)
    calls = []
    for dep in dependencies:
        if dep.get("prevent_initial_call") or dep.get("clientside_function"):
            continue
        ids = [i["id"] for i in dep["inputs"] + dep.get("state", [])]
        if not ids or any(i not in found for i in ids):
            continue
        outputs = [{"id": o.rsplit(".", 1)[0], "property": o.rsplit(".", 1)[1]}
                   for o in dep["output"].strip(".").split("...")]

        def spec(items):
            return [{"id": i["id"], "property": i["property"], "value": found[i["id"]].get(i["property"])}
                    for i in items]

        body = {"output": dep["output"], "outputs": outputs if len(outputs) > 1 else outputs[0],
                "inputs": spec(dep["inputs"]), "state": spec(dep.get("state", [])), "changedPropIds": []}
        calls.append(Call(name=", ".join(f"{o['id']}.{o['property']}" for o in outputs), body=body))
    return calls


def server_timing(header: str) -> tuple[float, float, int]:
    """Parse ``Server-Timing: sql;dur=X;desc="N", total;dur=Y`` → (sql ms, total ms, statements)."""
    sql = total = 0.0
    n = 0
    for part in header.split(","):
        bits = [b.strip() for b in part.split(";")]
        metrics = dict(b.split("=", 1) for b in bits[1:] if "=" in b)
        if bits[0] == "sql":
            sql = float(metrics.get("dur", 0))
            n = int(metrics.get("desc", "0").strip('"') or 0)
        elif bits[0] == "total":
            total = float(metrics.get("dur", 0))
    return sql, total, n


def time_call(session: requests.Session, base: str, call: Call, timing: Timing) -> None:
    """POST one callback and record its timings; raise on a failed callback."""
    t0 = time.perf_counter()
    r = session.post(f"{base}/_dash-update-component", json=call.body, timeout=300)
    elapsed = (time.perf_counter() - t0) * 1000
    if r.status_code not in (200, 204):
        raise RuntimeError(f"callback {call.name} failed: HTTP {r.status_code} {r.text[:300]}")
    sql, total, n = server_timing(r.headers.get("Server-Timing", ""))
    timing.client.append(elapsed)
    timing.sql.append(sql)
    timing.server.append(total)
    timing.queries.append(n)
