"""Run an import: check and read the file, validate every row, upsert in batches, quarantine, log, audit.

Guarantees (docs/ingest.md):
* accepted (inserted + updated + unchanged) + quarantined = the file's non-blank data rows, always;
* idempotent: importing the same file again inserts and updates nothing (all rows unchanged);
* each batch of rows is one transaction holding its upserts, quarantine rows, derived data (events,
  rollups), the run's counters and the data version, so a run stopped half-way keeps exactly the batches
  it committed, and rerunning the same file completes it without duplicates;
* every run leaves one ``ImportBatch`` row (采集日志) and one audit record, refused files included.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from typing import Callable

from sqlalchemy import insert, update

from db import db
from db.ingest import ImportBatch, QuarantineRow
from db.meta import bump_version
from ingest import registry
from ingest.parse import blank
from ingest.readers import ReadError, file_format, read_table
from ingest.schema import Dataset
from security import audit
from security.sm import sm3
from security.uploads import UploadRejected, check_upload

DEFAULT_BATCH_SIZE = 2000
MAX_BYTES = 200 * 1024 * 1024
REASONS_KEPT = 50  # reasons carried on the result (all of them are in the quarantine table)

Progress = Callable[[int, int], None]


@dataclass
class ImportResult:
    """What an import did. ``ok`` is False when the whole file was refused (``message`` says why)."""

    batch_id: int
    dataset: str
    ok: bool = True
    message: str = ""
    total: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    encoding: str | None = None
    file_format: str = "csv"
    file_sm3: str = ""
    duration_ms: int = 0
    reasons: list[str] = field(default_factory=list)  # the first ``REASONS_KEPT``, as "第 N 行：…"

    @property
    def accepted(self) -> int:
        """Rows that passed validation (inserted + updated + unchanged)."""
        return self.inserted + self.updated + self.unchanged

    @property
    def duration(self) -> float:
        """Seconds the run took."""
        return self.duration_ms / 1000

    def counts(self) -> dict[str, int]:
        """The counters as a dict."""
        return {"total": self.total, "accepted": self.accepted, "inserted": self.inserted, "updated": self.updated,
                "unchanged": self.unchanged, "quarantined": self.quarantined}

    def summary(self) -> str:
        """One Chinese line for people: counts, encoding, duration."""
        if not self.ok:
            return f"文件被拒绝：{self.message}"
        return (f"共 {self.total:,} 行：入库 {self.accepted:,} 行（新增 {self.inserted:,}，更新 {self.updated:,}，"
                f"未变化 {self.unchanged:,}），隔离 {self.quarantined:,} 行；"
                f"编码 {self.encoding or 'Excel'}；耗时 {self.duration:.1f} 秒")


class Refused(Exception):
    """Internal: the whole file is refused with this Chinese message."""


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _json_cell(value):
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value != value:
        return None
    return value


def _audit(session, result: ImportResult, *, username: str, source_ip: str, file_name: str, size: int) -> None:
    detail = {"batch": result.batch_id, "file": file_name, "file_sm3": result.file_sm3, "size": size,
              "format": result.file_format, "encoding": result.encoding, **result.counts()}
    if not result.ok:
        detail["reason"] = result.message
    audit.append(session, username=username, source_ip=source_ip, action="data.import", object_type="dataset",
                 object_id=result.dataset, outcome="success" if result.ok else "failure", detail=detail)


def run_import(dataset: str, data: bytes, *, file_name: str, username: str, source_ip: str,
               progress: Progress | None = None, batch_size: int = DEFAULT_BATCH_SIZE, sheet: str | None = None,
               max_bytes: int = MAX_BYTES) -> ImportResult:
    """Import ``data`` (CSV or XLSX bytes) into ``dataset``; see the module docstring for the guarantees.

    ``progress(done, total)`` is called after each committed batch. A refused file returns a result with
    ``ok=False``; an exception while batches are written (the database, or ``progress`` itself) marks the
    run failed in the log and propagates, leaving the committed batches in place.
    """
    ds = registry.get(dataset)  # UnknownDataset before anything is written
    if batch_size < 1:
        raise ValueError("batch_size must be positive")
    t0 = time.perf_counter()
    data = bytes(data)
    digest = sm3(data).hex()
    fmt = file_format(data)
    with db.session() as s:
        batch_id = s.execute(insert(ImportBatch).values(
            dataset=ds.name, file_name=(file_name or "-")[:255], file_sm3=digest, file_size=len(data),
            file_format=fmt, username=(username or "-")[:64], source_ip=(source_ip or "-")[:64], started_at=_now(),
            status="running").returning(ImportBatch.id)).scalar_one()
    result = ImportResult(batch_id, ds.name, file_format=fmt, file_sm3=digest)
    audit_who = {"username": username, "source_ip": source_ip, "file_name": file_name, "size": len(data)}
    try:
        try:
            check_upload(file_name if "." in (file_name or "") else f"{file_name}.{fmt}", data,
                         allowed={"csv", "xlsx"}, max_bytes=max_bytes)
            table = read_table(data, sheet=sheet, known_headers=ds.known_headers())
        except (UploadRejected, ReadError) as exc:
            raise Refused(str(exc)) from None
        result.encoding = table.encoding
        if not table.header:
            raise Refused("文件为空：没有表头行")
        columns, missing, doubled = ds.header_map(table.header)
        if doubled:
            raise Refused(f"列名重复：{'、'.join(doubled)}")
        if missing:
            raise Refused(f"缺少必需的列：{'、'.join(missing)}")
    except Refused as exc:
        result.ok, result.message = False, str(exc)
        result.duration_ms = int((time.perf_counter() - t0) * 1000)
        with db.session() as s:
            s.execute(update(ImportBatch).where(ImportBatch.id == batch_id).values(
                status="failed", message=result.message, encoding=result.encoding, finished_at=_now(),
                duration_ms=result.duration_ms))
            _audit(s, result, **audit_who)
        return result

    result.total = len(table.records)
    try:
        _load(ds, table, columns, result, progress, batch_size, t0, audit_who)
    except BaseException as exc:  # the database failed, or the caller stopped us (progress raised, Ctrl-C)
        _mark_interrupted(result, exc, t0, audit_who)
        raise
    return result


def _load(ds: Dataset, table, columns: dict, result: ImportResult, progress: Progress | None, batch_size: int,
          t0: float, audit_who: dict) -> None:
    """Validate the records and commit them batch by batch; the last batch also closes the run."""
    header: list[str] = []
    for i, name in enumerate(table.header):  # raw values keep every column, even unnamed or doubled ones
        name = name or f"第{i + 1}列"
        header.append(name if name not in header else f"{name}（第{i + 1}列）")
    width = len(header)
    key_header = ds.key_column.header
    with db.engine.connect() as conn:
        context = ds.prepare(conn)
    seen: dict[str, int] = {}
    done = 0
    records = table.records
    for start in range(0, max(len(records), 1), batch_size):
        chunk = records[start:start + batch_size]
        valid: list[dict] = []
        bad: list[dict] = []
        for number, cells in chunk:
            raw = {header[i]: _json_cell(c) for i, c in enumerate(cells[:width])}
            values = {col.field: cells[i] for i, col in columns.items() if i < len(cells) and not blank(cells[i])}
            problems: list[str] = []
            extra = [c for c in cells[width:] if not blank(c)]
            if extra:
                raw.update({f"第{width + i + 1}列": _json_cell(c) for i, c in enumerate(cells[width:])})
                problems.append(f"列数多于表头（{width + len(extra)} > {width}），可能含未加引号的分隔符")
            key = ds.key_of(values)
            if key is not None:
                if key in seen:
                    problems.append(f"与第 {seen[key]} 行{key_header}重复")
                else:
                    seen[key] = number
            row, row_problems = ds.validate(values, context)
            problems.extend(row_problems)
            if problems:
                bad.append({"row_number": number, "raw": raw, "reason": "；".join(problems)})
            else:
                valid.append(row)
        done += len(chunk)
        last = start + batch_size >= len(records)
        _commit_batch(ds, result, valid, bad, last, t0, audit_who)
        if progress is not None:
            progress(done, result.total)


def _commit_batch(ds: Dataset, result: ImportResult, valid: list[dict], bad: list[dict], last: bool, t0: float,
                  audit_who: dict) -> None:
    """One transaction: upserts, quarantine rows, derived data, data version, the run's counters (and, for
    the last batch, the run's closing status and its audit record)."""
    with db.session() as s:
        conn = s.connection()
        inserted, updated, unchanged, touched = ds.write(conn, valid, result.batch_id) if valid else (0, 0, 0, set())
        if bad:
            conn.execute(insert(QuarantineRow), [
                {"batch_id": result.batch_id, "dataset": ds.name, "row_number": b["row_number"], "reason": b["reason"],
                 "raw": json.dumps(b["raw"], ensure_ascii=False, default=str)} for b in bad])
        if inserted or updated:
            if ds.after_batch is not None:
                ds.after_batch(conn, touched)
            bump_version(conn, ds.name)  # cached queries of this dataset miss on their next call
        counts = {"inserted": result.inserted + inserted, "updated": result.updated + updated,
                  "unchanged": result.unchanged + unchanged, "quarantined": result.quarantined + len(bad)}
        after = replace(result, **counts, reasons=[])  # the caller's result moves on only once committed
        values = dict(counts, total_rows=result.total, encoding=result.encoding)
        if last:
            after.duration_ms = int((time.perf_counter() - t0) * 1000)
            after.message = after.summary()
            values.update(status="done", finished_at=_now(), duration_ms=after.duration_ms, message=after.message)
            _audit(s, after, **audit_who)
        s.execute(update(ImportBatch).where(ImportBatch.id == result.batch_id).values(**values))
    for name in (*counts, "duration_ms", "message"):
        setattr(result, name, getattr(after, name))
    room = REASONS_KEPT - len(result.reasons)
    result.reasons.extend(f"第 {b['row_number']} 行：{b['reason']}" for b in bad[:max(room, 0)])


def _mark_interrupted(result: ImportResult, exc: BaseException, t0: float, audit_who: dict) -> None:
    """Record a run that stopped half-way as failed (best effort: the database may be what failed)."""
    result.ok = False
    result.duration_ms = int((time.perf_counter() - t0) * 1000)
    result.message = (f"导入中断（{type(exc).__name__}）：已提交 {result.accepted + result.quarantined:,} / "
                      f"{result.total:,} 行；用同一文件重新导入即可补齐，已入库的行不会重复")
    try:
        with db.session() as s:
            s.execute(update(ImportBatch).where(ImportBatch.id == result.batch_id).values(
                status="failed", message=result.message, finished_at=_now(), duration_ms=result.duration_ms))
            _audit(s, result, **audit_who)
    except Exception:  # noqa: BLE001 - the original exception is the one worth raising
        pass
