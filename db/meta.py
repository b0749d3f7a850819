"""Bookkeeping tables: dataset versions (cache keys) and data-build runs."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, event, func
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.orm import Session as OrmSession

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


TOUCHED = "lvrong_touched_datasets"


def touch(session, dataset: str) -> None:
    """Mark ``dataset`` as changed by ``session``'s transaction: its version is bumped as the last statement
    before the commit (taking the version row's lock last, so that two writers cannot deadlock on it)."""
    session.info.setdefault(TOUCHED, set()).add(dataset)


@event.listens_for(OrmSession, "before_commit")
def _bump_touched(session) -> None:
    for dataset in sorted(session.info.pop(TOUCHED, ())):
        bump_version(session.connection(), dataset)


@event.listens_for(OrmSession, "after_rollback")
def _forget_touched(session) -> None:
    session.info.pop(TOUCHED, None)
