"""``python -m integrations deliver [--loop] [--interval S] [--batch N] [--database-url URL]``.

Delivers due outbox messages once (or keeps doing so with ``--loop``) and prints the counts.
"""
from __future__ import annotations

import argparse
import importlib
import json
import sys
import time

# Modules that register delivery hooks (integrations.outbox.ON_DELIVERED) when imported.
HOOK_MODULES = ("workflow.approvals",)


def main(argv: list[str] | None = None) -> int:
    """Configure the database and key ring as the app does, then run the delivery worker."""
    import settings as settings_mod
    from db import db
    from integrations.adapters import default_adapters
    from integrations.outbox import deliver
    from security import keys

    parser = argparse.ArgumentParser(prog="python -m integrations", description="投递对接消息（办件库、国家林草局、一网通办）")
    parser.add_argument("action", choices=["deliver"])
    parser.add_argument("--loop", action="store_true", help="持续运行，每隔 --interval 秒投递一次")
    parser.add_argument("--interval", type=float, default=10.0)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)
    cfg = settings_mod.from_env()
    keys.configure(keys.load_or_create(cfg.instance_path))  # the audit chain of dead letters
    db.configure(args.database_url or cfg.database_url)
    for name in HOOK_MODULES:
        importlib.import_module(name)
    adapters = default_adapters(f"http://{cfg.host}:{cfg.port}")
    while True:
        counts = deliver(db.session, adapters, batch=args.batch)
        print(json.dumps(counts, ensure_ascii=False), flush=True)
        if not args.loop:
            return 0
        if counts["delivered"] + counts["retried"] + counts["dead"] < args.batch:
            time.sleep(args.interval)


if __name__ == "__main__":
    sys.exit(main())
