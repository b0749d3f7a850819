"""Every read the UI makes: SQLAlchemy selects returning DataFrames, memoised by data version."""
from __future__ import annotations

import functools
from typing import Callable

import pandas as pd
from sqlalchemy import select
from sqlalchemy.sql import Executable

from db import db
from db.meta import DataVersion
from extensions import cache


def read_df(stmt: Executable) -> pd.DataFrame:
    """Run a select and return its rows as a DataFrame (column names from the select)."""
    with db.engine.connect() as conn:
        result = conn.execute(stmt)
        columns = list(result.keys())
        # Plain tuples: pandas probes each SQLAlchemy Row for named-tuple fields, which costs ~7 µs a row.
        return pd.DataFrame.from_records(list(map(tuple, result.fetchall())), columns=columns, coerce_float=False)


def data_version(dataset: str) -> int:
    """The current version of ``dataset`` (0 before its first build or import)."""
    return data_versions(dataset)[0]


def data_versions(*datasets: str) -> tuple[int, ...]:
    """The current versions of ``datasets``, in order, read in one statement (0 before a dataset's first
    build or import)."""
    if not datasets:
        return ()
    with db.engine.connect() as conn:
        found = dict(conn.execute(select(DataVersion.dataset, DataVersion.version)
                                  .where(DataVersion.dataset.in_(datasets))).all())
    return tuple(found.get(d) or 0 for d in datasets)


def versioned(*datasets: str) -> Callable:
    """Memoise a query function, keyed by its arguments and the versions of ``datasets``.

    An import bumps its dataset's version, so exactly the queries that read it miss the cache on
    the next call; nothing else is invalidated, and no restart is needed.
    """

    def decorate(fn: Callable) -> Callable:
        def cached(_versions: tuple, *args, **kwargs):
            return fn(*args, **kwargs)

        # flask-caching keys memoised functions by module and qualified name: keep the original's.
        cached.__module__, cached.__qualname__, cached.__name__ = fn.__module__, fn.__qualname__, fn.__name__
        memo = cache.memoize()(cached)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            return memo(data_versions(*datasets), *args, **kwargs)

        wrapper.uncached = fn
        return wrapper

    return decorate
