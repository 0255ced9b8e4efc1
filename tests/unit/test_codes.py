"""The codes view: every categorical column's values with English and Arabic labels, from the schemas."""
from __future__ import annotations

import re

import duckdb

from scripts.db.codes import codes_statements
from scripts.metadata import categories, codes, load_tables
from scripts.pipeline.describe import table_schema

ARABIC_LETTER = re.compile("[\u0621-\u064a]")


def test_every_categorical_column_has_every_code_labelled_in_both_languages():
    tables = load_tables()
    listed = {(c.table, c.column, c.code) for c in codes(tables)}
    expected = {(t, f["name"], v) for t, table in tables.items() for f in table.fields for v in categories(f)}
    assert listed == expected and expected
    unlabelled = [c for c in codes(tables) if not c.label_en.strip() or not ARABIC_LETTER.search(c.label_ar)]
    assert unlabelled == []


def test_the_view_holds_the_same_rows():
    con = duckdb.connect()
    for statement in codes_statements(load_tables()):
        con.execute(statement)
    rows = con.execute("SELECT table_name, column_name, code, label_en, label_ar FROM codes").fetchall()
    assert rows == [(c.table, c.column, c.code, c.label_en, c.label_ar) for c in codes()]


def test_the_arabic_labels_stay_out_of_the_published_schemas():
    for name in load_tables():
        published = table_schema(name, "csv")
        assert "x-label-ar" not in str(published), name


def test_the_methodology_lists_every_side():
    from tests.conftest import REPO

    text = (REPO / "docs/methodology.md").read_text(encoding="utf-8")
    section = text[text.index("### actors.side and actors.side_basis"):]
    for value in categories(load_tables()["actors"].field("side")):
        assert f"| `{value}` |" in section, value
