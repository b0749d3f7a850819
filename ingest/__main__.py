"""``python -m ingest DATASET FILE [--user NAME] [--database-url URL] [--sheet NAME] [--batch-size N]``.

Imports one file from the shell: prints the counts, the encoding, the duration and the first 20
quarantine reasons. Exit code 0 when the import ran (quarantined rows included), 2 when the file was
refused (nothing written but the failed run in the collection log).
"""
from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

SHOWN_REASONS = 20


def main(argv: list[str] | None = None) -> int:
    """Configure the database and key ring as the app does, import the file, report."""
    import settings as settings_mod
    from db import db
    from db.migrate import upgrade
    from ingest import registry
    from ingest.engine import DEFAULT_BATCH_SIZE, run_import
    from ingest.log import quarantine_rows
    from security import keys

    parser = argparse.ArgumentParser(prog="python -m ingest", description="导入数据文件（CSV/XLSX）")
    parser.add_argument("dataset", help=f"数据集：{'、'.join(registry.names())}")
    parser.add_argument("file", type=Path, help="CSV 或 XLSX 文件")
    parser.add_argument("--user", default=None, help="记入采集日志和审计的操作人（默认：当前系统用户）")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--sheet", default=None, help="XLSX 的工作表名（默认：第一个）")
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    parser.add_argument("--quiet", action="store_true", help="不显示进度")
    args = parser.parse_args(argv)
    if args.dataset not in registry.names():
        print(f"未知数据集：'{args.dataset}'（可导入：{'、'.join(registry.names())}）", file=sys.stderr)
        return 2
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        print(f"文件无法读取：{args.file}（{exc.strerror or exc}）", file=sys.stderr)
        return 2

    cfg = settings_mod.from_env()
    url = args.database_url or cfg.database_url
    upgrade(url)
    keys.configure(keys.load_or_create(cfg.instance_path))  # encrypted columns, blind index, audit chain
    db.configure(url)

    def progress(done: int, total: int) -> None:
        if not args.quiet:
            print(f"\r已处理 {done:,}/{total:,} 行", end="", file=sys.stderr, flush=True)

    user = args.user or f"cli:{getpass.getuser()}"
    result = run_import(args.dataset, data, file_name=args.file.name, username=user, source_ip="127.0.0.1",
                        progress=progress, batch_size=args.batch_size, sheet=args.sheet)
    if not args.quiet:
        print(file=sys.stderr)
    if not result.ok:
        print(f"批次 {result.batch_id}：文件被拒绝：{result.message}", file=sys.stderr)
        return 2
    print(f"批次 {result.batch_id}：{result.summary()}")
    print(f"inserted {result.inserted} updated {result.updated} unchanged {result.unchanged} "
          f"quarantined {result.quarantined} total {result.total} encoding {result.encoding or 'xlsx'} "
          f"duration_ms {result.duration_ms}")
    if result.quarantined:
        print(f"隔离原因（前 {min(SHOWN_REASONS, result.quarantined)} 条，共 {result.quarantined:,} 条）：")
        for row in quarantine_rows(result.batch_id, limit=SHOWN_REASONS):
            print(f"  第 {row['row_number']} 行：{row['reason']}")
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
