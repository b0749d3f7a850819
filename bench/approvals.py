"""Approvals speed at city scale (issue 6): case save and the desk's to-do list, p50/p95 beside SQL time.

``python -m bench.approvals --database-url URL [--repeat N] [--json OUT]`` on a database built with
``python -m datagen --scale city``. It calls the engine as the portal and the desk do, each call in its
own committed transaction: **case save** = ``save_draft`` + ``submit`` of a filled plant quarantine draft
(the draft and its materials are prepared untimed); **to-do list** = ``desk_todos`` for a city approver
(all, one district, one item, overdue only) and the 徐汇 district approver. SQL time is the sum of the
statements' own durations (SQLAlchemy cursor events). Targets: save p95 ≤ 200 ms, to-do p95 ≤ 300 ms.
"""
from __future__ import annotations

import argparse
import json
import secrets
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import event

from bench.__main__ import pct

TARGETS = {"save": 200.0, "todo": 300.0}
XUHUI = "310104"
FORM = {"consignee": "杭州某园林公司", "origin": "上海市徐汇区华泾苗圃", "destination": "浙江省杭州市西湖区",
        "plant_name": "香樟", "variety": "本地香樟", "quantity": "200", "quantity_unit": "株", "packaging": "带土球",
        "transport": "汽车", "departure_date": "2026-12-10"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class SqlClock:
    """Adds up the execution time of every statement run on an engine."""

    def __init__(self, engine) -> None:
        self.total = 0.0
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany) -> None:
        conn.info["bench_t0"] = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.total += time.perf_counter() - conn.info.pop("bench_t0", time.perf_counter())

    @contextmanager
    def measure(self, out: dict):
        """Time the block: ``out`` gets ``ms`` (wall) and ``sql`` (statements) in milliseconds."""
        start_sql, t0 = self.total, time.perf_counter()
        yield
        out["ms"] = (time.perf_counter() - t0) * 1000
        out["sql"] = (self.total - start_sql) * 1000


def _actor(role: str, username: str | None = None):
    from security.rbac import ROLES
    from workflow import Actor

    r = ROLES[role]
    return Actor(username or role, frozenset(r.permissions), "127.0.0.1", XUHUI if r.district_scoped else None)


def _uscc(n: int) -> str:
    chars, weights = "0123456789ABCDEFGHJKLMNPQRTUWXY", (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    base = f"91310104{n:09d}"
    return base + chars[(31 - sum(chars.index(c) * w for c, w in zip(base, weights)) % 31) % 31]


def _summary(name: str, runs: list[dict], target: float) -> dict:
    ms, sql = [r["ms"] for r in runs], [r["sql"] for r in runs]
    return {"name": name, "n": len(runs), "p50_ms": round(pct(ms, 50), 1), "p95_ms": round(pct(ms, 95), 1),
            "sql_p50_ms": round(pct(sql, 50), 1), "sql_p95_ms": round(pct(sql, 95), 1), "target_ms": target,
            "ok": pct(ms, 95) <= target}


def run(url: str, repeat: int) -> list[dict]:
    """Measure case saves and to-do lists ``repeat`` times each; returns one summary row per measurement."""
    from app import create_app
    from db import db
    from workflow import approvals as ap

    dash_app = create_app({"database_url": url, "instance_path": Path(tempfile.mkdtemp(prefix="lr-apbench-")),
                           "environment": "test", "secret_key": secrets.token_hex(16), "auto_demo": False,
                           "manifest_mode": "off"})
    clock = SqlClock(db.engine)
    applicant = _actor("applicant", f"bench_{secrets.token_hex(3)}")
    now = datetime.now(timezone.utc)
    rows = []
    with dash_app.server.app_context():
        drafts = []
        for n in range(repeat):  # untimed: drafts with their materials, as an applicant leaves them
            with db.session() as s:
                case = ap.create_draft(s, applicant, item_code="plant_quarantine", applicant_type="enterprise",
                                       applicant_name=f"上海压测苗木有限公司{n}", credit_code=_uscc(700000 + n),
                                       district_code=XUHUI, situation="with_origin_certificate",
                                       contact_phone="13812345678", now=now)
                for code in ("application_form", "origin_certificate"):
                    ap.add_material(s, applicant, case.id, code, f"{code}.pdf", PDF, now=now)
                drafts.append(case.id)
        saves = []
        for case_id in drafts:
            out: dict = {}
            with clock.measure(out), db.session() as s:
                ap.save_draft(s, applicant, case_id, FORM)
                ap.submit(s, applicant, case_id)
            saves.append(out)
        rows.append(_summary("case save (save_draft + submit)", saves, TARGETS["save"]))
        today = (now + timedelta(hours=8)).date()
        lists = {
            "to-do: city approver, all": (_actor("approver_city"), None, {}),
            "to-do: city approver, one district": (_actor("approver_city"), "310115", {}),
            "to-do: city approver, one item": (_actor("approver_city"), None, {"item": "outdoor_advertising"}),
            "to-do: city approver, overdue only": (_actor("approver_city"), None, {"overdue_only": True}),
            "to-do: approval leader, all": (_actor("approval_leader"), None, {}),
            "to-do: 徐汇 district approver, all": (_actor("approver_district"), None, {}),
            "to-do: 徐汇 district approver, one item": (_actor("approver_district"), None,
                                                      {"item": "plant_quarantine"}),
        }
        for name, (who, district, filters) in lists.items():
            runs = []
            for _ in range(repeat):
                out = {}
                with clock.measure(out), db.session() as s:
                    ap.desk_todos(s, who, district, today=today, limit=50, **filters)
                runs.append(out)
            rows.append(_summary(name, runs, TARGETS["todo"]))
    db.dispose()
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run the measurements, print a table, write the JSON; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(prog="python -m bench.approvals")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)
    rows = run(args.database_url, args.repeat)
    width = max(len(r["name"]) for r in rows)
    print(f"{'measurement'.ljust(width)}  {'n':>3}  {'p50':>7}  {'p95':>7}  {'sql p50':>7}  {'sql p95':>7}  target")
    for r in rows:
        print(f"{r['name'].ljust(width)}  {r['n']:>3}  {r['p50_ms']:>7}  {r['p95_ms']:>7}  {r['sql_p50_ms']:>7}  "
              f"{r['sql_p95_ms']:>7}  {'ok' if r['ok'] else 'MISSED'} (≤ {r['target_ms']:.0f} ms)")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
