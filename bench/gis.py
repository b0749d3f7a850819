"""Map-service timings over HTTP (module 32's speed targets): a dense point layer per view at several zooms,
identify, and a drawn-area query, cold and warm, with each request's own SQL time from Server-Timing.

Called by ``python -m bench`` after the page callbacks, on the same gunicorn server and data.
"""
from __future__ import annotations

import re
import time

import requests

# Views over central Shanghai (People's Square) from the whole city down to a few streets.
CENTRE = (121.4737, 31.2304)
VIEWS = {10: 0.70, 12: 0.18, 14: 0.045, 16: 0.011}  # zoom -> half-width of the view in degrees
LAYER = "door_duty"
SQL = re.compile(r"sql;dur=([\d.]+)")


def _timed(session: requests.Session, method: str, url: str, **kw) -> tuple[float, float, int]:
    t0 = time.perf_counter()
    r = session.request(method, url, timeout=120, **kw)
    ms = (time.perf_counter() - t0) * 1000
    r.raise_for_status()
    sql = SQL.search(r.headers.get("Server-Timing", ""))
    return ms, float(sql.group(1)) if sql else 0.0, len(r.content)


def measure(session: requests.Session, base: str, clear_cache, *, repeat: int, cold: int) -> list[dict]:
    """Rows like the page callbacks' (page, callback, cold/warm p50/p95, sql p50) for the map endpoints."""
    from bench.__main__ import pct

    calls = []
    for zoom, half in VIEWS.items():
        bbox = f"{CENTRE[0] - half},{CENTRE[1] - half * 0.6},{CENTRE[0] + half},{CENTRE[1] + half * 0.6}"
        calls.append((f"features {LAYER} z{zoom}", "GET",
                      f"{base}/map-data/layers/{LAYER}/features?bbox={bbox}&zoom={zoom}", {}))
    calls.append((f"identify {LAYER},districts z16", "GET",
                  f"{base}/map-data/identify?lon={CENTRE[0]}&lat={CENTRE[1]}&zoom=16&layers={LAYER},districts", {}))
    square = 0.025  # about 5 km x 5.5 km around People's Square
    polygon = {"type": "Polygon", "coordinates": [[[CENTRE[0] - square, CENTRE[1] - square],
                                                  [CENTRE[0] + square, CENTRE[1] - square],
                                                  [CENTRE[0] + square, CENTRE[1] + square],
                                                  [CENTRE[0] - square, CENTRE[1] + square],
                                                  [CENTRE[0] - square, CENTRE[1] - square]]]}
    calls.append((f"query {LAYER} in 5 km square", "POST", f"{base}/map-data/query",
                  {"json": {"layers": [LAYER], "geometry": polygon, "limit": 100}}))
    rows = []
    for name, method, url, kw in calls:
        cold_ms, cold_sql, warm_ms = [], [], []
        size = 0
        for _ in range(cold):
            clear_cache()
            ms, sql, size = _timed(session, method, url, **kw)
            cold_ms.append(ms)
            cold_sql.append(sql)
        for _ in range(repeat):
            warm_ms.append(_timed(session, method, url, **kw)[0])
        r = lambda v: round(v, 2)  # noqa: E731
        rows.append({"page": "/map-data", "page_name": "GIS 接口", "callback": name,
                     "cold_p50": r(pct(cold_ms, 50)), "cold_p95": r(pct(cold_ms, 95)),
                     "warm_p50": r(pct(warm_ms, 50)), "warm_p95": r(pct(warm_ms, 95)),
                     "cold_sql_p50": r(pct(cold_sql, 50)), "warm_sql_p50": 0.0, "statements_cold": 0,
                     "overhead_p50": r(pct(cold_ms, 50) - pct(cold_sql, 50)), "bytes": size})
    return rows
