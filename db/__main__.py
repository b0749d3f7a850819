"""Schema commands: ``python -m db upgrade|current|check|revision -m MSG [--database-url URL]``."""
from __future__ import annotations

import argparse
import sys

from alembic import command

import settings as settings_mod
from db import make_engine
from db.migrate import alembic_config, current_revision, head_revision, upgrade


def main(argv: list[str] | None = None) -> int:
    """Entry point of the schema commands."""
    parser = argparse.ArgumentParser(prog="python -m db", description="数据库结构管理 (schema management)")
    parser.add_argument("action", choices=["upgrade", "current", "check", "revision"])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("-m", "--message", default="change")
    args = parser.parse_args(argv)
    url = args.database_url or settings_mod.from_env().database_url
    if args.action == "upgrade":
        upgrade(url)
        print(f"schema at {head_revision()}")
    elif args.action == "revision":
        command.revision(alembic_config(url), message=args.message, autogenerate=True)
    else:
        engine = make_engine(url)
        current = current_revision(engine)
        engine.dispose()
        print(f"database: {current}  code: {head_revision()}")
        if args.action == "check" and current != head_revision():
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
