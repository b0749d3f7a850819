"""Bookkeeping tables: dataset versions (cache keys) and data-build runs."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from db import Base


class DataVersion(Base):
    """A counter per dataset, bumped by every import or build; part of each cached query's key."""

    __tablename__ = "data_version"

    dataset: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now(), onupdate=func.now()
    )


class DataBuild(Base):
    """One run of ``python -m datagen``: scale, seed and how long it took."""

    __tablename__ = "data_build"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scale: Mapped[str] = mapped_column(String(16), nullable=False)
    seed: Mapped[int] = mapped_column(Integer, nullable=False)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    row_counts: Mapped[str | None] = mapped_column(String(4000))  # JSON {table: rows}


def bump_version(conn, dataset: str) -> int:
    """Increment ``dataset``'s version inside the caller's transaction; return the new version."""
    from sqlalchemy import select, update

    table = DataVersion.__table__
    result = conn.execute(
        update(table).where(table.c.dataset == dataset).values(version=table.c.version + 1)
    )
    if result.rowcount == 0:
        conn.execute(table.insert().values(dataset=dataset, version=1))
    return conn.execute(select(table.c.version).where(table.c.dataset == dataset)).scalar_one()
