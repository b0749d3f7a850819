"""The engine's per-dialect settings: on PostgreSQL, work_mem for the statistics, added to (never replacing)
the options the URL carries — the test run's own search_path among them."""
from __future__ import annotations

import pytest
from sqlalchemy import text


def test_work_mem_is_added_to_the_url_options(app, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only (run with --database-url postgresql://…)")
    from db import db

    with db.engine.connect() as conn:
        assert conn.execute(text("SHOW work_mem")).scalar() == "16MB"
        schema = conn.execute(text("SELECT current_schema()")).scalar()
    assert schema.startswith("lvrong_test_") and schema in database_url  # the run's schema, not public
