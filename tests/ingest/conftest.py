"""Fixtures of the importer tests: the app's database, emptied of test tickets before and after a test."""
from __future__ import annotations

import pytest

from tests.ingest.files import cleanup


@pytest.fixture()
def clean(app):
    """No ``T-TEST-…`` tickets before the test, none left after it (other suites count tickets)."""
    cleanup()
    yield
    cleanup()
