"""The collection log (采集日志, module 39) and the quarantine: what each run did and the rows it refused."""
from __future__ import annotations

import io
import json
import re
from collections import Counter
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from db import db
from db.ingest import ImportBatch, QuarantineRow

BEIJING = timezone(timedelta(hours=8))
STATUS_ZH = {"running": "进行中", "done": "完成", "failed": "失败"}
_BATCH_FIELDS = ("id", "dataset", "file_name", "file_sm3", "file_size", "file_format", "encoding", "username",
                 "source_ip", "started_at", "finished_at", "status", "total_rows", "inserted", "updated",
                 "unchanged", "quarantined", "duration_ms", "message")


def _beijing(moment: datetime | None) -> datetime | None:
    """A stored UTC time (naive on SQLite, aware on PostgreSQL) as an aware Beijing time."""
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(BEIJING)


def _batch_dict(row) -> dict:
    r = dict(row._mapping)
    r["accepted"] = r["inserted"] + r["updated"] + r["unchanged"]
    r["status_zh"] = STATUS_ZH.get(r["status"], r["status"])
    r["started_at"], r["finished_at"] = _beijing(r["started_at"]), _beijing(r["finished_at"])
    return r


def recent_batches(dataset: str | None = None, limit: int = 50) -> list[dict]:
    """The newest import runs, newest first: every ``ImportBatch`` field (times in Beijing time) plus
    ``accepted`` and ``status_zh``."""
    t = ImportBatch.__table__
    stmt = select(*[t.c[f] for f in _BATCH_FIELDS]).order_by(t.c.id.desc()).limit(limit)
    if dataset:
        stmt = stmt.where(t.c.dataset == dataset)
    with db.engine.connect() as conn:
        return [_batch_dict(r) for r in conn.execute(stmt)]


def get_batch(batch_id: int) -> dict | None:
    """One run of the collection log, as ``recent_batches`` gives it, or None."""
    t = ImportBatch.__table__
    with db.engine.connect() as conn:
        row = conn.execute(select(*[t.c[f] for f in _BATCH_FIELDS]).where(t.c.id == batch_id)).first()
    return None if row is None else _batch_dict(row)


def quarantine_rows(batch_id: int, limit: int | None = None) -> list[dict]:
    """The quarantined rows of a run, by file row: ``{"row_number", "reason", "raw": {header: cell}}``."""
    t = QuarantineRow.__table__
    stmt = (select(t.c.row_number, t.c.reason, t.c.raw).where(t.c.batch_id == batch_id)
            .order_by(t.c.row_number, t.c.id))
    if limit:
        stmt = stmt.limit(limit)
    with db.engine.connect() as conn:
        return [{"row_number": n, "reason": reason, "raw": json.loads(raw)} for n, reason, raw in conn.execute(stmt)]


def _problem_kind(part: str) -> str:
    """A problem without the offending value: "受理时间 格式无法识别：'x'" → "受理时间 格式无法识别"."""
    part = re.sub(r"（可选：[^）]*）", "", part)
    part = re.sub(r"第 \d+ 行", "第 M 行", part)
    part = re.sub(r"[：:]?\s*'[^']*'", "", part)
    return part.strip("：: ")


def quarantine_reasons(batch_id: int) -> dict[str, int]:
    """How many quarantined rows of a run had each kind of problem (values left out), most frequent first."""
    counts: Counter[str] = Counter()
    t = QuarantineRow.__table__
    with db.engine.connect() as conn:
        for (reason,) in conn.execute(select(t.c.reason).where(t.c.batch_id == batch_id)):
            for kind in {_problem_kind(p) for p in reason.split("；") if p}:
                counts[kind] += 1
    return dict(counts.most_common())


def _safe_cell(ws, value):
    """A cell that Excel shows as typed: text never becomes a formula, XML-illegal characters go."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # openpyxl would store "=…" as a formula: quarantined input is untrusted
    return cell


def quarantine_xlsx(batch_id: int) -> bytes:
    """The quarantined rows of a run as an Excel workbook: 行号, 原因, then the file's own columns."""
    from openpyxl import Workbook

    rows = quarantine_rows(batch_id)
    columns: dict[str, None] = {}
    for r in rows:
        columns.update(dict.fromkeys(r["raw"]))
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("隔离行")
    ws.append(["行号", "原因", *columns])
    for r in rows:
        ws.append([r["row_number"], _safe_cell(ws, r["reason"]), *[_safe_cell(ws, r["raw"].get(c)) for c in columns]])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
