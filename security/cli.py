"""Flask CLI: ``flask --app app:server audit verify`` and ``audit purge --before YYYY-MM-DD``."""
from __future__ import annotations

import sys
from datetime import datetime, timezone

import click
from flask.cli import AppGroup

from db import db
from security import audit

audit_cli = AppGroup("audit", help="审计日志 (audit log): verify the hash chain, purge past retention")


@audit_cli.command("verify")
def verify_command() -> None:
    """Recompute the chain; exit 1 and name the first broken link if any record was changed."""
    with db.session() as s:
        report = audit.verify(s)
    if report.ok:
        click.echo(f"审计链完整 (chain intact): {report.checked} records verified")
        return
    click.echo(f"审计链被破坏 (chain broken) at record {report.first_broken_seq}: {report.reason}", err=True)
    sys.exit(1)


@audit_cli.command("purge")
@click.option("--before", required=True, help="delete records older than this date (YYYY-MM-DD)")
def purge_command(before: str) -> None:
    """Delete records older than ``--before`` (refused inside the 180-day retention)."""
    cutoff = datetime.strptime(before, "%Y-%m-%d").replace(tzinfo=timezone.utc)
    try:
        with db.session() as s:
            n = audit.purge(s, cutoff)
            audit.append(s, username="cli", source_ip="127.0.0.1", action="audit.purge",
                         detail={"before": before, "deleted": n})
    except audit.RetentionError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    click.echo(f"deleted {n} records older than {before}")
