"""The map in headless Chromium against module 32's speed targets: a dense layer reaches the browser and draws
in ≤ 2 s, identify ≤ 200 ms, a drawn-area query over 150,000 points ≤ 500 ms.

``python -m bench.gis_browser --database-url URL [--runs 10] [--cold 3] [--json FILE]``

Starts the app under gunicorn on an existing database (build it first with ``python -m datagen``), signs in
as gis_staff, opens /gis/map and switches on the door-front duty layer (1.5 million records at city scale)
and the trees (520,000). A view is timed from the moment the map is told to move (the viewport set through
``dash_clientside.set_props``, as a pan or zoom would) until both layers have drawn the new view's
features: ``assets/gis.js`` fires ``gis:drawn`` after a layer's features are added and painted. That span
holds the bounds→URL callback, the features request, parsing and drawing. Each view runs with the server's
cache emptied first (cold) and as is (warm); every run shifts the view a little so that the browser's own
HTTP cache never answers. Identify is a click on a known tree until the popup panel shows its code; the
drawn-area query sets a drawn polygon holding about 150,000 door-duty records until the result note shows
the count. The same two are also timed over plain HTTP (the server's part alone).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import requests
from sqlalchemy import func, select

CENTRE = (121.4737, 31.2304)  # People's Square
VIEWS = [(10, "全市"), (12, "中心城区"), (14, "数个街道"), (15, "一个街道"), (16, "街区"), (17, "路口")]
LAYERS = ["door_duty", "trees"]
QUERY_POINTS = 150_000

_MOVE_JS = """
const [lat, lon, zoom, layers, done] = arguments;
performance.clearResourceTimings();  // the buffer holds 250 entries by default
const t0 = performance.now();
const got = {};
const timer = setTimeout(() => finish(true), 30000);
function finish(timeout) {
    clearTimeout(timer);
    document.removeEventListener("gis:drawn", on);
    const entries = performance.getEntriesByType("resource").filter(e => e.startTime >= t0 && (e.name.includes("/features?") || e.name.includes("_dash-update-component")));
    done({ms: Math.max(0, ...Object.values(got).map(d => d.at - t0)), timeout: timeout, layers: got,
          requests: entries.map(e => ({url: e.name, ms: e.duration, bytes: e.encodedBodySize, start: e.startTime - t0}))});
}
function on(e) {
    if (!layers.includes(e.detail.layer) || e.detail.at < t0) { return; }
    got[e.detail.layer] = {at: e.detail.at, features: e.detail.features};
    if (layers.every(l => got[l])) { finish(false); }
}
document.addEventListener("gis:drawn", on);
window.dash_clientside.set_props("gis-map-map", {viewport: {center: [lat, lon], zoom: zoom}});
"""

_TOGGLE_JS = """
const [layers, done] = arguments;
const t0 = performance.now();
const got = {};
function on(e) {
    if (!layers.includes(e.detail.layer) || e.detail.at < t0) { return; }
    got[e.detail.layer] = {ms: e.detail.at - t0, features: e.detail.features};
    if (layers.every(l => got[l])) { document.removeEventListener("gis:drawn", on); done(got); }
}
document.addEventListener("gis:drawn", on);
setTimeout(() => done(Object.assign({timeout: true}, got)), 120000);
for (const l of layers) {
    document.getElementById(JSON.stringify({layer: l, type: "gis-toggle"})).querySelector("input").click();
}
"""

_WAIT_TEXT_JS = """
const [id, needle, action, payload, done] = arguments;
const node = document.getElementById(id);
const before = node.innerText;
const t0 = performance.now();
const timer = setTimeout(() => { obs.disconnect(); done({ms: null, text: node.innerText}); }, 60000);
const obs = new MutationObserver(() => {
    const text = node.innerText;
    if (text !== before && text.includes(needle)) {
        const ms = performance.now() - t0;
        obs.disconnect(); clearTimeout(timer);
        requestAnimationFrame(() => setTimeout(() => done({ms: ms, painted: performance.now() - t0, text: text}), 0));
    }
});
obs.observe(node, {childList: true, subtree: true, characterData: true});
if (action === "click") {  // payload: pixels right of the map's centre
    const box = document.getElementById("gis-map-map");
    const r = box.getBoundingClientRect();
    box.dispatchEvent(new MouseEvent("click", {bubbles: true, clientX: r.left + r.width / 2 + payload,
                                               clientY: r.top + r.height / 2}));
} else {
    window.dash_clientside.set_props("gis-map-draw", {geojson: payload});
}
"""


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank on sorted values); NaN for no values."""
    return float(np.percentile(values, q)) if values else float("nan")


def _half_width(zoom: int) -> tuple[float, float]:
    """Half the view's width and height in degrees for the 1600×1000 window's map (about 1100×850 px)."""
    degrees_per_px = 360 / (256 * 2 ** zoom)
    return 550 * degrees_per_px, 425 * degrees_per_px * 0.86


def _known_points(url: str) -> dict:
    """A tree near the centre, and a square around the centre holding about 150,000 door-duty records."""
    from db import make_engine
    from db.carbon_sink import Tree
    from db.gis import Feature

    engine = make_engine(url)
    with engine.connect() as conn:
        tree = conn.execute(select(Tree.tree_code, Tree.species, Tree.lon, Tree.lat)
                            .where(Tree.lon.between(CENTRE[0] - 0.01, CENTRE[0] + 0.01),
                                   Tree.lat.between(CENTRE[1] - 0.01, CENTRE[1] + 0.01)).order_by(Tree.id).limit(1)).one()

        def count(h: float) -> int:
            return conn.execute(select(func.count()).select_from(Feature).where(
                Feature.layer == "door_duty", Feature.deleted.is_(False),
                Feature.lon.between(CENTRE[0] - h, CENTRE[0] + h),
                Feature.lat.between(CENTRE[1] - h, CENTRE[1] + h))).scalar_one()

        lo, hi = 0.005, 0.5
        for _ in range(14):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if count(mid) < QUERY_POINTS else (lo, mid)
        half = hi
        points = count(half)
    engine.dispose()
    ring = [[CENTRE[0] - half, CENTRE[1] - half], [CENTRE[0] + half, CENTRE[1] - half],
            [CENTRE[0] + half, CENTRE[1] + half], [CENTRE[0] - half, CENTRE[1] + half],
            [CENTRE[0] - half, CENTRE[1] - half]]
    return {"tree": dict(tree._mapping), "square_half_deg": round(half, 5), "square_points": points,
            "polygon": {"type": "Polygon", "coordinates": [ring]}}


def _summary(name: str, values: list[float], **extra) -> dict:
    return {"name": name, "runs": len(values), "p50_ms": round(pct(values, 50), 1),
            "p95_ms": round(pct(values, 95), 1), "max_ms": round(max(values), 1) if values else None, **extra}


def run(url: str, *, runs: int = 10, cold: int = 3, workers: int = 2, redis_url: str = "",
        instance_path: Path | None = None) -> dict:
    """Start the server and the browser, time everything, return the figures."""
    import settings as settings_mod
    from bench.__main__ import Server
    from datagen.domains.security import DEMO_PASSWORD
    from tests.browser import open_page, sign_in, start_chromium, wait_for_dash

    from db.migrate import upgrade

    upgrade(url)  # the server refuses to start on a schema behind the code
    known = _known_points(url)
    instance_path = Path(instance_path or settings_mod.from_env().instance_path)
    server = Server(url, workers, instance_path, redis_url)
    profile = tempfile.mkdtemp(prefix="lvrong-gis-bench-")
    driver = start_chromium(Path(profile))
    driver.set_script_timeout(180)
    rng = np.random.default_rng(32)
    out: dict = {"when": datetime.now(timezone.utc).isoformat(timespec="seconds"), "machine": _machine(),
                 "load_average_at_start": [round(v, 1) for v in os.getloadavg()],
                 "database": url.split("@")[-1].split("?")[0], "workers": workers, "runs": runs, "cold": cold,
                 "known": {k: v for k, v in known.items() if k != "polygon"}, "views": [], "first": {}}
    try:
        sign_in(driver, server.base, "gis_staff", DEMO_PASSWORD)
        errors = open_page(driver, f"{server.base}/gis/map", timeout=60)
        if errors:
            print("console errors on load:", errors, file=sys.stderr)
        # the first switch-on: the trees' rollup is read once per worker process here
        server.clear_cache()
        out["first"] = driver.execute_async_script(_TOGGLE_JS, LAYERS)
        wait_for_dash(driver, 60)
        for zoom, label in VIEWS:
            hw, hh = _half_width(zoom)
            timings = {"cold": [], "warm": []}
            features, requests_ms, sizes, timeline = [], [], [], []
            dropped = 0
            for mode in ["cold"] * cold + ["warm"] * runs:
                if mode == "cold":
                    server.clear_cache()
                for _attempt in range(3):  # now and then the renderer drops a viewport change: move again
                    lon = CENTRE[0] + rng.uniform(-0.15, 0.15) * hw
                    lat = CENTRE[1] + rng.uniform(-0.15, 0.15) * hh
                    r = driver.execute_async_script(_MOVE_JS, lat, lon, zoom, LAYERS)
                    if not r["timeout"]:
                        break
                    dropped += 1
                    wait_for_dash(driver, 60)
                else:
                    raise RuntimeError(f"zoom {zoom}: the layers did not draw within 30 s, three times ({r})")
                timings[mode].append(r["ms"])
                features.append({k: v["features"] for k, v in r["layers"].items()})
                fetches = [e for e in r["requests"] if "/features?" in e["url"]]
                requests_ms += [e["ms"] for e in fetches]
                sizes += [e["bytes"] for e in fetches]
                timeline.append([(e["url"].split("/")[-2] if "/features?" in e["url"] else "callback",
                                  round(e["start"]), round(e["start"] + e["ms"])) for e in r["requests"]])
                wait_for_dash(driver, 60, settle=0.2)
            out["views"].append({"zoom": zoom, "label": label,
                                 "cold": _summary("cold", timings["cold"]), "warm": _summary("warm", timings["warm"]),
                                 "features": features[-1], "request_p50_ms": round(pct(requests_ms, 50), 1),
                                 "bytes_max": max(sizes) if sizes else 0, "timeline_last": timeline[-1],
                                 "dropped_moves": dropped})
            print(f"zoom {zoom} {label}: cold p50 {out['views'][-1]['cold']['p50_ms']} ms, "
                  f"warm p50 {out['views'][-1]['warm']['p50_ms']} / p95 {out['views'][-1]['warm']['p95_ms']} ms, "
                  f"features {features[-1]}", file=sys.stderr)
        out["identify"] = _identify(driver, server, known, runs, cold)
        out["query"] = _query(driver, server, known, runs, cold)
        out["heap_mb"] = round(driver.execute_script("return performance.memory ? performance.memory.usedJSHeapSize : 0")
                               / 2 ** 20, 1)
        out["console_errors"] = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        out["load_average_at_end"] = [round(v, 1) for v in os.getloadavg()]
    finally:
        driver.quit()
        server.stop()
    return out


def _identify(driver, server, known: dict, runs: int, cold: int) -> dict:
    """Click on a known tree at zoom 17 until the identify panel shows its code; then the same over HTTP."""
    from bench.login import login
    from datagen.domains.security import DEMO_PASSWORD
    from tests.browser import wait_for_dash

    tree = known["tree"]
    driver.execute_async_script(_MOVE_JS, tree["lat"], tree["lon"], 17, LAYERS)
    wait_for_dash(driver, 60)
    page = []
    for i in range(cold + runs):
        if i < cold:
            server.clear_cache()
        r = driver.execute_async_script(_WAIT_TEXT_JS, "gis-map-info", tree["tree_code"], "click", 0)
        if r["ms"] is None:
            raise RuntimeError(f"identify did not show tree {tree['tree_code']}: {r['text'][:300]}")
        page.append(r["painted"])
        wait_for_dash(driver, 30, settle=0.1)
        # a click elsewhere, so that the next click on the tree changes the panel again
        driver.execute_async_script(_WAIT_TEXT_JS, "gis-map-info", "点击位置", "click", 200)
        wait_for_dash(driver, 30, settle=0.1)
    session = requests.Session()
    login(session, server.base, "gis_staff", DEMO_PASSWORD)
    http = []
    layers = "districts,wash_station," + ",".join(LAYERS)
    for _ in range(runs):
        t0 = time.perf_counter()
        hits = session.get(f"{server.base}/map-data/identify", timeout=60, params={
            "lon": tree["lon"], "lat": tree["lat"], "zoom": 17, "layers": layers}).json()["hits"]
        http.append((time.perf_counter() - t0) * 1000)
    assert hits and hits[0]["title"] == tree["species"], hits[:1]
    return {"page": _summary("click → panel shows the tree", page), "http": _summary("GET /map-data/identify", http)}


def _query(driver, server, known: dict, runs: int, cold: int) -> dict:
    """A drawn square holding ~150,000 door-duty records: on the page (result note) and over HTTP."""
    from bench.login import login
    from datagen.domains.security import DEMO_PASSWORD
    from tests.browser import wait_for_dash

    polygon = known["polygon"]

    def on_page(shift: int) -> tuple[list[float], str]:
        page, note = [], ""
        for i in range(cold + runs):
            if i < cold:
                server.clear_cache()
            ring = [[x + 1e-7 * (i + shift), y] for x, y in polygon["coordinates"][0]]  # a new shape each time
            drawn = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"type": "polygon"},
                                                                "geometry": {"type": "Polygon", "coordinates": [ring]}}]}
            r = driver.execute_async_script(_WAIT_TEXT_JS, "gis-map-result-note", "查得", "draw", drawn)
            if r["ms"] is None:
                raise RuntimeError(f"the drawn-area query did not answer: {r['text'][:300]}")
            page.append(r["painted"])
            note = r["text"]
            wait_for_dash(driver, 60, settle=0.1)
            driver.execute_script("window.dash_clientside.set_props('gis-map-draw', "
                                  "{geojson: {type: 'FeatureCollection', features: []}});")
            wait_for_dash(driver, 60, settle=0.2)
        return page, note

    page, note = on_page(0)  # door duty and trees switched on (~212,000 features in the square)
    driver.execute_script('document.getElementById(JSON.stringify({layer: "trees", type: "gis-toggle"}))'
                          '.querySelector("input").click();')
    wait_for_dash(driver, 60, settle=0.3)
    page_door, note_door = on_page(1000)  # the door-duty layer alone: the target's 150,000 points
    session = requests.Session()
    login(session, server.base, "gis_staff", DEMO_PASSWORD)
    http = {layers: [] for layers in ("door_duty", "door_duty,trees")}
    counts = {}
    for layers, values in http.items():
        for _ in range(runs):
            t0 = time.perf_counter()
            r = session.post(f"{server.base}/map-data/query", timeout=120,
                             json={"layers": layers.split(","), "geometry": polygon, "limit": 100})
            values.append((time.perf_counter() - t0) * 1000)
            r.raise_for_status()
            counts[layers] = r.json()["count"]
    return {"page": _summary("draw → result note and table (door duty + trees)", page, note=note),
            "page door_duty": _summary("draw → result note and table (door duty)", page_door, note=note_door),
            **{f"http {k}": _summary(f"POST /map-data/query {k}", v, count=counts[k]) for k, v in http.items()}}


def _machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30
    return f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, {platform.system()} {platform.release()}"


def main(argv: list[str] | None = None) -> int:
    """Run the browser bench and print (and optionally save) the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.gis_browser", description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--runs", type=int, default=10, help="warm runs per view (≥ 10 for a p95)")
    parser.add_argument("--cold", type=int, default=3, help="runs per view with the server cache emptied first")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--json", default=None, help="also write the figures to this file")
    args = parser.parse_args(argv)
    result = run(args.database_url, runs=args.runs, cold=args.cold, workers=args.workers, redis_url=args.redis_url)
    text = json.dumps(result, ensure_ascii=False, indent=1)
    if args.json:
        Path(args.json).write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
