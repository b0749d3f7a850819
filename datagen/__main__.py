"""``python -m datagen --scale demo|city [--seed N] [--database-url URL] [--only a,b]``."""
from __future__ import annotations

import argparse
import sys

import settings as settings_mod
from datagen.core import SCALES, build
from db import make_engine
from db.migrate import upgrade
from security import keys


def main(argv: list[str] | None = None) -> int:
    """Build the synthetic data and print the row counts."""
    parser = argparse.ArgumentParser(prog="python -m datagen", description="生成模拟数据 (build synthetic data)")
    parser.add_argument("--scale", choices=SCALES, default="demo")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--only", default=None, help="comma-separated plug-in names")
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    cfg = settings_mod.from_env()
    url = args.database_url or cfg.database_url
    upgrade(url)
    keys.configure(keys.load_or_create(cfg.instance_path))  # signatures of the access-control rows
    engine = make_engine(url)
    counts = build(
        engine, scale=args.scale, seed=args.seed, only=args.only.split(",") if args.only else None,
        options={"districts_geojson": cfg.districts_geojson, "streets_csv": cfg.streets_csv},
        progress=not args.no_progress,
    )
    engine.dispose()
    seconds = counts.pop("_seconds")
    width = max((len(k) for k in counts), default=5)
    print(f"{'table'.ljust(width)}  rows")
    for table, n in counts.items():
        print(f"{table.ljust(width)}  {n:,}")
    print(f"built {args.scale} (seed {args.seed}) in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
