"""Fixtures shared by the unit tests."""
from __future__ import annotations

import duckdb
import pytest

from scripts.db import build as db
from scripts.metadata import load_tables


@pytest.fixture
def con():
    """An in-memory database with the generated tables and the analysis views, no rows."""
    connection = duckdb.connect()
    db.create_tables(connection, load_tables())
    db.create_views(connection, db.read_views())
    yield connection
    connection.close()
