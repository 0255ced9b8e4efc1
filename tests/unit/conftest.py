"""Fixtures shared by the unit tests."""
from __future__ import annotations

import duckdb
import pytest

from scripts.db import schema, views
from scripts.metadata import load_tables


@pytest.fixture(scope="session")
def empty_database():
    """An in-memory database with the generated tables and the analysis views, no rows (made
    once: creating them takes about 0.15 s, which dozens of tests would each pay)."""
    connection = duckdb.connect()
    schema.create_tables(connection, load_tables())
    views.create_views(connection, views.read_views())
    yield connection
    connection.close()


@pytest.fixture
def con(empty_database):
    """The empty database inside a transaction that is rolled back after the test, so that no
    test sees another's rows, tables or settings."""
    empty_database.begin()
    yield empty_database
    empty_database.rollback()
