"""What the upload page (pages/platform/imports.py) calls: the background import job, the collection log
and the quarantine download, shaped for its grids."""
from __future__ import annotations

from ingest.engine import run_import
from ingest.log import quarantine_rows, quarantine_xlsx, recent_batches
from ingest.registry import UnknownDataset

MAX_BYTES = 50 * 1024 * 1024  # the page's upload limit (dcc.Upload max_size says the same)


def upload_job(dataset: str, file_name: str, data: bytes, ticket: dict, progress=None) -> dict:
    """Run an upload as the user named in the signed job ticket; a dict for the page (never raises).

    ``{"ok", "message", "batch_id", "counts", "quarantine": [{"row_number", "reason", "raw": text}]}``.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from db import db
    from security.context import verify_job_ticket

    db.engine.dispose(close=False)  # a forked job process must not share the parent's pooled connections
    try:
        who = verify_job_ticket(ticket)
        result = run_import(dataset, data, file_name=file_name, username=who["user"], source_ip=who["ip"],
                            progress=progress, max_bytes=MAX_BYTES)
    except (PermissionError, UnknownDataset) as exc:
        return {"ok": False, "message": str(exc)}
    except SQLAlchemyError:
        return {"ok": False, "message": "数据库写入失败：未完成的批次已回滚，已提交的批次保留；请稍后用同一文件重新导入"}
    if not result.ok:
        return {"ok": False, "message": f"文件被拒绝：{result.message}", "batch_id": result.batch_id}
    rows = [{"row_number": r["row_number"], "reason": r["reason"], "raw": _raw_text(r["raw"])}
            for r in quarantine_rows(result.batch_id, limit=500)]
    return {"ok": True, "message": f"导入完成：{result.summary()}", "batch_id": result.batch_id,
            "counts": result.counts(), "quarantine": rows}


def _raw_text(raw: dict) -> str:
    return "；".join(f"{k}={'' if v is None else v}" for k, v in raw.items())


def collection_log(dataset: str | None = None, limit: int = 50) -> list[dict]:
    """The newest runs (采集日志) for the page's grid: times as text."""
    rows = recent_batches(dataset, limit)
    for r in rows:
        r["started"] = r["started_at"].strftime("%Y-%m-%d %H:%M:%S") if r["started_at"] else ""  # Beijing time
        r["started_at"] = r["finished_at"] = None  # the grid shows "started"; datetimes do not serialise
    return rows


def quarantine_download(batch_id: int) -> dict:
    """A ``dcc.Download`` payload of the quarantine workbook."""
    from dash import dcc

    return dcc.send_bytes(quarantine_xlsx(batch_id), f"隔离行_批次{batch_id}.xlsx")

