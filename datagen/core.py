"""The data-build framework: deterministic plug-ins, one per domain, run in order with a progress bar."""
from __future__ import annotations

import json
import time
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable

import numpy as np
from sqlalchemy import Table, delete, func, select, text
from sqlalchemy.engine import Connection, Engine

from db import bulk
from db.meta import DataBuild, bump_version

SCALES = ("demo", "city")


@dataclass
class Plugin:
    """A domain's generator: fills ``tables`` (parents first) and bumps ``datasets``' versions."""

    name: str
    order: int
    tables: list[Table]
    datasets: list[str]
    estimate: Callable[[str], int]
    generate: Callable[["BuildContext"], None]


_PLUGINS: dict[str, Plugin] = {}


def plugin(name: str, *, order: int, tables: list[Table], datasets: list[str], estimate: Callable[[str], int]):
    """Register ``generate(ctx)`` as the generator of a domain."""

    def wrap(fn: Callable[["BuildContext"], None]):
        _PLUGINS[name] = Plugin(name, order, tables, datasets, estimate, fn)
        return fn

    return wrap


def plugins() -> list[Plugin]:
    """Every registered plug-in, in build order."""
    from datagen import domains  # noqa: F401  (registers the plug-ins)

    return sorted(_PLUGINS.values(), key=lambda p: (p.order, p.name))


@dataclass
class BuildContext:
    """What a plug-in gets: its scale, a private random generator, the connection and the progress hook."""

    scale: str
    seed: int
    conn: Connection
    options: dict
    advance: Callable[[int], None]
    counts: dict[str, int] = field(default_factory=dict)
    plugin_name: str = ""

    def rng(self, salt: str = "") -> np.random.Generator:
        """A generator seeded by the build seed, the plug-in and ``salt``: plug-ins never disturb each other."""
        key = zlib.crc32(f"{self.plugin_name}:{salt}".encode("utf-8"))
        return np.random.default_rng([self.seed, key])

    def insert(self, table: Table, rows, columns=None) -> int:
        """Bulk-insert rows, advance the progress bar and count them."""
        n = bulk.bulk_insert(self.conn, table, rows, columns)
        self.counts[table.name] = self.counts.get(table.name, 0) + n
        self.advance(n)
        return n


def build(engine: Engine, *, scale: str = "demo", seed: int = 20240601, only: list[str] | None = None,
          options: dict | None = None, progress: bool = True, out=None) -> dict[str, int]:
    """Replace the data of every plug-in (or ``only`` these) with a fresh deterministic build.

    Every chosen domain is emptied first (dependants before what they reference); then each plug-in
    fills its tables in its own transaction. Returns the row count of every table written.
    """
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose from {SCALES}")
    chosen = [p for p in plugins() if only is None or p.name in only]
    total = sum(p.estimate(scale) for p in chosen)
    started = datetime.now(timezone.utc)
    t0 = time.perf_counter()
    counts: dict[str, int] = {}
    bar = _progress_bar(total, progress, out)
    try:
        # Empty every chosen domain first, dependants before what they reference.
        with engine.begin() as conn:
            for p in reversed(chosen):
                for table in reversed(p.tables):
                    conn.execute(delete(table))
        for p in chosen:
            bar.set_description(f"生成 {p.name}")
            with engine.begin() as conn:
                ctx = BuildContext(scale, seed, conn, options or {}, bar.update, plugin_name=p.name)
                p.generate(ctx)
                for dataset in p.datasets:
                    bump_version(conn, dataset)
            counts.update(ctx.counts)
    finally:
        bar.close()
    _analyze(engine, [table for p in chosen for table in p.tables])
    with engine.begin() as conn:
        conn.execute(DataBuild.__table__.insert().values(
            scale=scale, seed=seed, started_at=started, finished_at=datetime.now(timezone.utc),
            row_counts=json.dumps(counts, ensure_ascii=False),
        ))
    counts["_seconds"] = round(time.perf_counter() - t0, 2)
    return counts


def _analyze(engine: Engine, tables) -> None:
    """Refresh the planner's statistics of the rewritten tables: after a bulk load PostgreSQL knows nothing
    about them until autovacuum gets round to it, and plans index-friendly queries as full scans."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as conn:
        for table in tables:
            conn.execute(text(f'ANALYZE "{table.name}"'))


def _progress_bar(total: int, enabled: bool, out):
    from tqdm import tqdm

    return tqdm(total=total, disable=not enabled, file=out, unit="行", unit_scale=True, dynamic_ncols=True)


def table_counts(engine: Engine, tables: list[Table]) -> dict[str, int]:
    """Row counts of ``tables`` as they are in the database."""
    with engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in tables}


def is_empty(engine: Engine) -> bool:
    """True when no data build has ever finished in this database."""
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(DataBuild.__table__)).scalar_one() == 0
