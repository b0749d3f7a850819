"""Migrations: they create the whole schema, and the models and migrations agree."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from db import Base, all_models, db, make_engine
from db.migrate import current_revision, head_revision, is_current, upgrade


def test_database_is_at_head(app):
    assert current_revision(db.engine) == head_revision()
    assert is_current(db.engine)


def test_models_match_migrations(app):
    """A model changed without a migration shows up as a difference here."""
    all_models()
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_empty_database_is_not_current_until_upgraded(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    engine = make_engine(url)
    assert current_revision(engine) is None and not is_current(engine)
    upgrade(url)
    assert is_current(engine)
    upgrade(url)  # a second upgrade is a no-op
    assert is_current(engine)
    engine.dispose()
