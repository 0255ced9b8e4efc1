"""The `codes` view: every value of every controlled vocabulary with its English and Arabic label.

Generated from the schemas' `categories` (scripts/metadata.py `codes`), so it lists exactly
the values the tables may hold; written into the database file and views.sql like the
analysis views. Its literals come from schemas/ only.
"""
from __future__ import annotations

from scripts.db.schema import quote_ident, quote_literal
from scripts.metadata import Table, codes

NAME = "codes"
QUESTION = "What does each code of a categorical column mean, in English and in Arabic?"
COLUMNS = {
    "table_name": "The table that has the column.",
    "column_name": "The categorical column.",
    "code": "A value the column may hold.",
    "label_en": "What the value means, in English (the schema's label).",
    "label_ar": "What the value means, in Arabic.",
}


def codes_statements(tables: dict[str, Table], replace: bool = False) -> list[str]:
    rows = ",\n    ".join("(" + ", ".join(quote_literal(v) for v in (c.table, c.column, c.code, c.label_en, c.label_ar)) + ")"
                          for c in codes(tables))
    create = "CREATE OR REPLACE VIEW" if replace else "CREATE VIEW"
    out = [f"{create} {quote_ident(NAME)} AS\nSELECT * FROM (VALUES\n    {rows}\n) AS t({', '.join(COLUMNS)})",
           f"COMMENT ON VIEW {quote_ident(NAME)} IS {quote_literal(QUESTION)}"]
    out += [f"COMMENT ON COLUMN {quote_ident(NAME)}.{quote_ident(c)} IS {quote_literal(d)}" for c, d in COLUMNS.items()]
    return out
