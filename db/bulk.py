"""Bulk loading: COPY on PostgreSQL, chunked executemany elsewhere (the portable fallback)."""
from __future__ import annotations

from typing import Iterable, Mapping, Sequence

from sqlalchemy import Table
from sqlalchemy.engine import Connection

CHUNK = 5000


def bulk_insert(conn: Connection, table: Table, rows: Iterable[Mapping], columns: Sequence[str] | None = None) -> int:
    """Insert ``rows`` (mappings of column → value) into ``table``; return the row count.

    On PostgreSQL the rows stream through ``COPY … FROM STDIN`` (an order of magnitude faster than
    INSERT for millions of rows); on other databases they go through chunked executemany.
    """
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return 0
    cols = list(columns or first.keys())
    if conn.dialect.name == "postgresql":
        return _copy_postgres(conn, table, cols, first, rows)
    count = 0
    chunk = [first]
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            conn.execute(table.insert(), chunk)
            count += len(chunk)
            chunk = []
    if chunk:
        conn.execute(table.insert(), chunk)
        count += len(chunk)
    return count


def _copy_postgres(conn: Connection, table: Table, cols: list[str], first: Mapping, rest) -> int:
    raw = conn.connection.driver_connection  # a psycopg 3 connection
    quoted = ", ".join(f'"{c}"' for c in cols)
    name = f'"{table.schema}"."{table.name}"' if table.schema else f'"{table.name}"'
    count = 0
    with raw.cursor() as cur:
        with cur.copy(f"COPY {name} ({quoted}) FROM STDIN") as copy:
            for row in _chain(first, rest):
                copy.write_row([row.get(c) for c in cols])
                count += 1
    return count


def _chain(first, rest):
    yield first
    yield from rest

