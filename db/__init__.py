"""Database layer: the SQLAlchemy schema, engine and sessions, bulk loading and migrations.

The engine is created late (``db.configure(url)`` from the app factory or a command), never at import.
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Iterator

from sqlalchemy import DateTime, Integer, MetaData, String, create_engine, event, make_url
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

# Stable constraint names so that Alembic migrations are the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of every table."""

    metadata = MetaData(naming_convention=NAMING)


class StoredFile:
    """Columns of an uploaded file kept under the instance folder (``security.uploads.store_file``), named by
    its SM3 digest so that ``admin.forms.send_stored`` can refuse an altered one."""

    kind: Mapped[str] = mapped_column(String(8), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    sm3: Mapped[str] = mapped_column(String(64), nullable=False)
    stored_path: Mapped[str] = mapped_column(String(255), nullable=False)
    uploaded_by: Mapped[str] = mapped_column(String(64), nullable=False)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def make_engine(url: str, **kwargs) -> Engine:
    """Create an engine with the per-dialect settings this project relies on."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            # Foreign keys are off by default in SQLite; WAL lets readers run beside one writer.
            cur = dbapi_connection.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()
            # pysqlite's own transaction handling breaks SAVEPOINTs (a released savepoint that opened
            # the transaction commits it): let SQLAlchemy emit BEGIN itself (SQLAlchemy's pysqlite notes).
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            conn.exec_driver_sql("BEGIN")

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    # Statistics group tens of thousands of rows: with the server default of 4 MB they sort on disk (the
    # approvals counts: 200 ms; with 16 MB a hash aggregate in memory, 60 ms). Per connection, not global;
    # added to any ``options`` the URL carries (a connect argument would replace them, e.g. a search_path).
    given = make_url(url).query.get("options", "")
    given = given[-1] if isinstance(given, tuple) else given
    if "work_mem" not in given:
        kwargs.setdefault("connect_args", {"options": f"{given} -c work_mem=16MB".strip()})
    if "poolclass" not in kwargs:
        kwargs.setdefault("pool_size", 5)
        kwargs.setdefault("max_overflow", 10)
    return create_engine(url, **kwargs)


def conflict_insert(bind: Engine | Connection | Session, table):
    """``INSERT`` of ``table`` with ``.on_conflict_do_nothing``/``.on_conflict_do_update`` on the dialects that
    have ``INSERT … ON CONFLICT`` (PostgreSQL and PG-compatible databases, SQLite); None on any other."""
    dialect = (bind.get_bind() if isinstance(bind, Session) else bind).dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:
        return None
    return insert(table)


class Database:
    """Holds the engine and session factory; bound late to a URL."""

    def __init__(self) -> None:
        self._engine: Engine | None = None
        self._sessionmaker: sessionmaker | None = None
        self.url: str | None = None

    def configure(self, url: str, **kwargs) -> "Database":
        """Bind to ``url`` (disposing of any earlier engine)."""
        if self._engine is not None and self.url == normalise_url(url):
            return self
        self.dispose()
        self._engine = make_engine(url, **kwargs)
        self._sessionmaker = sessionmaker(self._engine, expire_on_commit=False)
        self.url = normalise_url(url)
        return self

    @property
    def engine(self) -> Engine:
        """The bound engine; raises if ``configure`` was not called."""
        if self._engine is None:
            raise RuntimeError("database not configured: call db.configure(url) first")
        return self._engine

    @property
    def is_postgres(self) -> bool:
        """True when bound to PostgreSQL (or a PG-compatible database)."""
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on error."""
        if self._sessionmaker is None:
            raise RuntimeError("database not configured: call db.configure(url) first")
        with self._sessionmaker() as session, session.begin():
            yield session

    def dispose(self) -> None:
        """Close every pooled connection."""
        if self._engine is not None:
            self._engine.dispose()
        self._engine = None
        self._sessionmaker = None
        self.url = None


db = Database()


def all_models() -> None:
    """Import every model module of ``db/`` so that ``Base.metadata`` knows every table."""
    import importlib
    import pkgutil

    import db as package

    skip = {"bulk", "migrate", "timing", "migrations", "__main__"}
    for module in sorted(m.name for m in pkgutil.iter_modules(package.__path__)):
        if module not in skip:
            importlib.import_module(f"db.{module}")
