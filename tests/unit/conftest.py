"""Fixtures shared by the unit tests."""
from __future__ import annotations

import duckdb
import pytest

from scripts.db import schema, views
from scripts.metadata import load_tables


@pytest.fixture
def con():
    """An in-memory database with the generated tables and the analysis views, no rows."""
    connection = duckdb.connect()
    schema.create_tables(connection, load_tables())
    views.create_views(connection, views.read_views())
    yield connection
    connection.close()
