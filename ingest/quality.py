"""Data-quality report of a dataset, computed by SQL aggregates over its table (never loaded into memory).

* the missing rate of each core field, flagged above the requirement's indicator (core-data missing rate
  ≤ 10 %);
* duplicate natural keys (0 when the table's unique key holds);
* out-of-range values: the dataset's ``range_checks`` (e.g. coordinates outside Shanghai, 办结 before 受理,
  满意度 outside its enumeration);
* the row count; and, for one import run, how often each kind of problem sent a row to quarantine.
"""
from __future__ import annotations

from sqlalchemy import String, case, func, literal, select

from db import db
from ingest import registry
from ingest.log import quarantine_reasons

MISSING_LIMIT = 0.10  # the requirement's indicator: core data missing rate ≤ 10 %


def quality_report(dataset: str, *, batch_id: int | None = None) -> dict:
    """The quality of ``dataset``'s table (or of the rows a run last wrote, with ``batch_id``).

    Returns ``{"dataset", "title", "rows", "missing_limit", "fields": {field: {"header", "missing",
    "missing_rate", "over_limit"}}, "over_limit": [headers], "duplicates", "out_of_range": {check: count},
    "ok"}`` plus ``"quarantine": {problem: rows}`` when ``batch_id`` is given.
    """
    ds = registry.get(dataset)
    t = ds.table
    headers = ds.headers
    where = []
    if batch_id is not None:
        if "batch_id" not in t.c:
            raise ValueError(f"{dataset}: the table records no batch_id")
        where.append(t.c.batch_id == batch_id)

    def missing(name: str):
        col = t.c[name]
        empty = col.is_(None)
        if isinstance(col.type, String):  # plain text: '' is missing too (encrypted columns are never '')
            empty = empty | (func.trim(col) == literal(""))
        return func.coalesce(func.sum(case((empty, 1), else_=0)), 0)

    aggregates = [func.count().label("rows")]
    aggregates += [missing(f).label(f"m{i}") for i, f in enumerate(ds.core_fields)]
    aggregates += [func.coalesce(func.sum(case((check(t), 1), else_=0)), 0).label(f"r{i}")
                   for i, check in enumerate(ds.range_checks.values())]
    key = t.c[ds.natural_key]
    duplicates = select(func.count()).select_from(
        select(key).where(*where).group_by(key).having(func.count() > 1).subquery())
    with db.engine.connect() as conn:
        totals = conn.execute(select(*aggregates).select_from(t).where(*where)).one()._mapping
        duplicate_keys = conn.execute(duplicates).scalar_one()
    rows = int(totals["rows"])
    fields = {}
    for i, name in enumerate(ds.core_fields):
        n = int(totals[f"m{i}"])
        rate = n / rows if rows else 0.0
        fields[name] = {"header": headers.get(name, name), "missing": n, "missing_rate": round(rate, 4),
                        "over_limit": rate > MISSING_LIMIT}
    out_of_range = {label: int(totals[f"r{i}"]) for i, label in enumerate(ds.range_checks)}
    over = [f["header"] for f in fields.values() if f["over_limit"]]
    report = {"dataset": ds.name, "title": ds.title, "rows": rows, "missing_limit": MISSING_LIMIT,
              "fields": fields, "over_limit": over, "duplicates": int(duplicate_keys), "out_of_range": out_of_range,
              "ok": not over and not duplicate_keys and not any(out_of_range.values())}
    if batch_id is not None:
        report["quarantine"] = quarantine_reasons(batch_id)
    return report
