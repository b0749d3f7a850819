"""bench at demo scale runs end to end under gunicorn and produces figures (no time is asserted)."""
from __future__ import annotations

import json

import pytest

from bench.__main__ import pct, run, table
from bench.pagewalk import server_timing


def test_percentiles_known_answers():
    values = [float(v) for v in range(1, 101)]
    assert pct(values, 50) == 50.0 and pct(values, 95) == 95.0 and pct([], 50) == 0.0


def test_server_timing_header_parsed():
    assert server_timing('sql;dur=3.25;desc="4", total;dur=10.50') == (3.25, 10.5, 4)


def test_bench_demo_smoke(app, database_url, tmp_path):
    result = run(database_url, "demo", 7, repeat=2, cold=1, workers=1,
                 instance_path=app.server.config["LVRONG"].instance_path)
    assert result["data"]["reused"] is True  # the suite's demo build (seed 7) is reused
    pages = {c["page"] for c in result["callbacks"]}
    assert "/gis/divisions" in pages
    for row in result["callbacks"]:
        assert row["warm_p50"] > 0 and row["cold_p95"] >= row["cold_p50"] > 0
    # the divisions panel callback reads the database when cold, so its SQL time is measured
    panels = [c for c in result["callbacks"] if "gis-divisions-grid" in c["callback"]]
    assert panels and panels[0]["cold_sql_p50"] > 0 and panels[0]["statements_cold"] >= 1
    text = table(result)
    assert "/gis/divisions" in text and "cold p50" in text
    json.dumps(result, ensure_ascii=False)
