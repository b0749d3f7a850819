"""Importers (CSV/XLSX exports of the bureau's systems): validate every row against a declared schema,
upsert idempotently by natural key in batch transactions, quarantine bad rows with a Chinese reason, and log
every run in the collection log (采集日志). See docs/ingest.md.

Public API::

    run_import(dataset, data, *, file_name, username, source_ip, progress=None, batch_size=2000) -> ImportResult
    quarantine_rows(batch_id) -> list[dict]        quarantine_xlsx(batch_id) -> bytes
    recent_batches(dataset=None, limit=50)         quality_report(dataset) -> dict
    registry.get(name) / registry.names()
"""
from __future__ import annotations

from ingest import registry
from ingest.engine import ImportResult, run_import
from ingest.log import get_batch, quarantine_reasons, quarantine_rows, quarantine_xlsx, recent_batches
from ingest.quality import quality_report
from ingest.registry import UnknownDataset

__all__ = ["ImportResult", "UnknownDataset", "get_batch", "quality_report", "quarantine_reasons",
           "quarantine_rows", "quarantine_xlsx", "recent_batches", "registry", "run_import"]
