"""The data-build framework: deterministic, complete, versioned, recorded."""
from __future__ import annotations

import json

import pandas as pd
from sqlalchemy import select

from datagen.core import build, plugins, table_counts
from db import db, make_engine
from db.meta import DataBuild, DataVersion
from db.migrate import upgrade
from db.reference import District, Street


def test_reference_counts(app):
    counts = table_counts(db.engine, [District.__table__, Street.__table__])
    assert counts["district"] == 16
    assert 200 <= counts["street"] <= 260


def test_build_is_deterministic_and_bumps_versions(tmp_path):
    url = f"sqlite:///{tmp_path / 'det.sqlite'}"
    upgrade(url)
    engine = make_engine(url)
    first = build(engine, scale="demo", seed=11, progress=False)
    snap1 = pd.read_sql(select(Street).order_by(Street.code), engine)
    second = build(engine, scale="demo", seed=11, progress=False)
    snap2 = pd.read_sql(select(Street).order_by(Street.code), engine)
    first.pop("_seconds"), second.pop("_seconds")
    assert first == second
    pd.testing.assert_frame_equal(snap1, snap2)
    with engine.connect() as conn:
        versions = dict(conn.execute(select(DataVersion.dataset, DataVersion.version)).all())
        builds = conn.execute(select(DataBuild.scale, DataBuild.row_counts)).all()
    assert versions["reference"] == 2  # one bump per build
    assert len(builds) == 2 and json.loads(builds[-1].row_counts)["district"] == 16
    engine.dispose()


def test_every_plugin_declares_tables_and_datasets():
    for p in plugins():
        assert p.tables and p.datasets, p.name
        assert p.estimate("demo") > 0 and p.estimate("city") >= p.estimate("demo")


def test_unknown_scale_refused(tmp_path):
    import pytest

    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite'}")
    with pytest.raises(ValueError, match="unknown scale"):
        build(engine, scale="planet", progress=False)
