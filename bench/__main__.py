"""``python -m bench --scale demo|city --database-url URL --json OUT``.

Builds (or reuses) the data, starts the app under gunicorn (2 workers), drives every page's initial
callbacks over HTTP cold (cache emptied before each call) and warm, reads each callback's own SQL time
from the Server-Timing header, prints a table and writes the JSON.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (nearest-rank) of ``values``; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def ensure_data(url: str, scale: str, seed: int, rebuild: bool, instance_path: Path) -> dict:
    """Build the data unless the newest build in the database already has this scale and seed."""
    from sqlalchemy import select

    from security import keys

    keys.configure(keys.load_or_create(instance_path))  # the server below reads the same instance

    from datagen.core import build
    from db import make_engine
    from db.meta import DataBuild
    from db.migrate import upgrade

    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        last = conn.execute(select(DataBuild.scale, DataBuild.seed, DataBuild.row_counts)
                            .order_by(DataBuild.id.desc()).limit(1)).first()
    if last and not rebuild and (last.scale, last.seed) == (scale, seed):
        engine.dispose()
        return {"reused": True, "rows": json.loads(last.row_counts or "{}")}
    counts = build(engine, scale=scale, seed=seed, progress=sys.stderr.isatty())
    engine.dispose()
    seconds = counts.pop("_seconds")
    return {"reused": False, "rows": counts, "build_seconds": seconds}


def free_port() -> int:
    """An unused TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn serving ``app:server`` with SQL timing on and a cache the bench can empty."""

    def __init__(self, url: str, workers: int, instance_path: Path, redis_url: str = "") -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.cache_dir = tempfile.mkdtemp(prefix="lvrong-bench-cache-")
        self.redis_url = redis_url
        env = dict(os.environ, DATABASE_URL=url, LVRONG_SERVER_TIMING="1", LVRONG_ENV="bench",
                   LVRONG_AUTO_DEMO="0", LVRONG_INSTANCE=str(instance_path),
                   LVRONG_MANIFEST_MODE="off")
        if redis_url:
            env["REDIS_URL"] = redis_url
        else:
            env["CACHE_DIR"] = self.cache_dir
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{self.port}",
             "--timeout", "300", "--log-level", "warning", "app:server"],
            cwd=ROOT, env=env,
        )
        self._wait_ready()

    def _wait_ready(self, timeout: float = 180) -> None:
        """Until the app answers ready and has finished its start-up warm-up: ten answers in a row (from
        whichever worker the kernel picks) that are not "running", so that no measured call shares the CPU
        with a worker still aggregating the map layers."""
        deadline = time.monotonic() + timeout
        settled = 0
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}")
            try:
                r = requests.get(f"{self.base}/readyz", timeout=2)
                settled = settled + 1 if r.status_code == 200 and r.json().get("warm") != "running" else 0
                if settled >= 10:
                    return
            except requests.RequestException:
                settled = 0
            time.sleep(0.3)
        raise TimeoutError("the app did not become ready")

    def clear_cache(self) -> None:
        """Empty the shared cache so that the next call is cold."""
        if self.redis_url:
            import redis

            client = redis.Redis.from_url(self.redis_url)
            keys = list(client.scan_iter("lvrong:*"))
            if keys:
                client.delete(*keys)
        else:
            for entry in Path(self.cache_dir).iterdir():
                entry.unlink(missing_ok=True)  # a worker may be writing or removing its temporary file

    def stop(self) -> None:
        """Stop gunicorn and remove the cache directory."""
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.cache_dir, ignore_errors=True)


def registered_pages(url: str) -> list[dict]:
    """Every registered page (path, name, module), read from the page registry of a local app."""
    import dash

    if not dash.page_registry:  # inside the test suite the app (and its registry) already exists
        from app import create_app

        create_app({"database_url": url, "auto_demo": False})
    return [{"path": p["path"], "name": p["name"], "module": p["module"], "permission": p.get("permission")}
            for p in dash.page_registry.values() if not p["module"].endswith("not_found_404")]


def account_for(permission: str | None) -> str | None:
    """A demo account (user name = role code) that may open a page needing ``permission`` (None: no role
    may, e.g. a view reached only through a share link)."""
    from security.rbac import ROLES, Access

    return next((code for code, role in ROLES.items()
                 if Access(permissions=frozenset(role.permissions)).can(permission)), None)


def run(url: str, scale: str, seed: int, *, repeat: int = 20, cold: int = 5, workers: int = 2,
        rebuild: bool = False, redis_url: str = "", instance_path: Path | None = None) -> dict:
    """Everything: data, server, every page's callbacks; returns the results as a dict."""
    import settings as settings_mod
    from bench.login import login
    from bench.pagewalk import Timing, initial_calls, page_layout, time_call
    from datagen.domains.security import DEMO_PASSWORD

    instance_path = Path(instance_path or settings_mod.from_env().instance_path)
    data = ensure_data(url, scale, seed, rebuild, instance_path)
    pages = registered_pages(url)
    server = Server(url, workers, instance_path, redis_url)
    results = []
    sessions: dict[str, requests.Session] = {}
    try:
        for page in pages:
            user = account_for(page["permission"])
            if user is None:
                continue  # share-link views are measured through their own board's queries
            if user not in sessions:
                sessions[user] = requests.Session()
                login(sessions[user], server.base, user, DEMO_PASSWORD)
            session = sessions[user]
            deps = session.get(f"{server.base}/_dash-dependencies", timeout=30).json()
            for call in initial_calls(page_layout(session, server.base, page["path"]), deps):
                cold_t, warm_t = Timing(), Timing()
                for _ in range(cold):
                    server.clear_cache()
                    time_call(session, server.base, call, cold_t)
                for _ in range(repeat):
                    time_call(session, server.base, call, warm_t)
                results.append(_row(page, call.name, cold_t, warm_t))
        if any(p["path"] == "/gis/map" for p in pages):
            from bench import gis

            staff = requests.Session()
            login(staff, server.base, account_for("gis.view"), DEMO_PASSWORD)
            results += gis.measure(staff, server.base, server.clear_cache, repeat=repeat, cold=cold)
    finally:
        server.stop()
    return {"scale": scale, "seed": seed, "database": url.split("@")[-1].split("?")[0],
            "database_dialect": url.split(":")[0], "workers": workers, "repeat": repeat, "cold": cold,
            "when": datetime.now(timezone.utc).isoformat(timespec="seconds"), "data": data,
            "callbacks": results}


def _row(page: dict, name: str, cold, warm) -> dict:
    r = lambda v: round(v, 2)  # noqa: E731
    return {
        "page": page["path"], "page_name": page["name"], "callback": name,
        "cold_p50": r(pct(cold.client, 50)), "cold_p95": r(pct(cold.client, 95)),
        "warm_p50": r(pct(warm.client, 50)), "warm_p95": r(pct(warm.client, 95)),
        "cold_sql_p50": r(pct(cold.sql, 50)), "warm_sql_p50": r(pct(warm.sql, 50)),
        "statements_cold": int(statistics.median(cold.queries)) if cold.queries else 0,
        "overhead_p50": r(pct(cold.client, 50) - pct(cold.sql, 50)),
    }


def table(result: dict) -> str:
    """The results as a fixed-width text table (ms)."""
    head = f"{'page':<22} {'callback':<44} {'cold p50':>9} {'cold p95':>9} {'sql p50':>8} " \
           f"{'overhead':>9} {'warm p50':>9} {'warm p95':>9}"
    lines = [f"scale={result['scale']} db={result['database_dialect']} workers={result['workers']} "
             f"(times in ms; sql = the callback's own SQL, cold; overhead = cold p50 - sql p50)", head,
             "-" * len(head)]
    for c in result["callbacks"]:
        lines.append(f"{c['page']:<22} {c['callback'][:44]:<44} {c['cold_p50']:>9.1f} {c['cold_p95']:>9.1f} "
                     f"{c['cold_sql_p50']:>8.1f} {c['overhead_p50']:>9.1f} {c['warm_p50']:>9.1f} "
                     f"{c['warm_p95']:>9.1f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m bench", description="页面回调性能测试 (page callback timings)")
    parser.add_argument("--scale", choices=["demo", "city"], default="demo")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--json", dest="json_out", default=None)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--cold", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--crypto", action="store_true", help="also measure the SM primitives")
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("--database-url is required (the benchmark never touches the embedded database)")
    result = run(args.database_url, args.scale, args.seed, repeat=args.repeat, cold=args.cold,
                 workers=args.workers, rebuild=args.rebuild, redis_url=args.redis_url)
    if args.crypto:
        from bench import crypto

        result["crypto"] = crypto.run(0.5)
    print(table(result))
    if args.json_out:
        Path(args.json_out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json_out).write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
