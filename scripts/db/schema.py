"""DuckDB tables from the Table Schemas: the generated DDL (types, NOT NULL, keys, vocabulary
checks) and the COMMENT texts, so that `duckdb_columns()` is the data dictionary."""
from __future__ import annotations

from pathlib import Path

import duckdb

from scripts.metadata import TABLE_ORDER, Table, categories, package_name, required

DUCKDB_TYPES = {"string": "VARCHAR", "number": "DOUBLE", "integer": "BIGINT", "date": "DATE"}


def database_path(root: Path) -> Path:
    return Path(root) / "build" / f"{package_name()}.duckdb"


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    # Only text from schemas/ and scripts/sql/ is ever quoted here, never annotation data.
    return "'" + text.replace("'", "''") + "'"


def declared_foreign_keys(table: Table, tables: dict[str, Table]) -> list[dict]:
    """The foreign keys DuckDB can hold for this table.

    DuckDB needs the referenced table to exist at CREATE TABLE time and cannot add a
    foreign key later (no ALTER TABLE ... ADD FOREIGN KEY), so a reference to a table later
    in TABLE_ORDER cannot be declared: that is sources.outlet_actor_id -> actors, the one
    edge of the sources <-> actors cycle (actors.scope_source_id -> sources is declared).
    Self-references (places.parent_place_id, sources.derived_from, actors.affiliation_actor_id,
    events.outcome_event_id) are declared: DuckDB enforces them, provided a row's parent is
    inserted by an earlier statement, which load_table() does. It also needs the referenced
    columns to be a primary key or unique. Every undeclared reference is still checked by
    the validate arrow and named in the column's comment.
    """
    earlier = TABLE_ORDER[: TABLE_ORDER.index(table.name) + 1]
    return [fk for fk in table.foreign_keys
            if fk["reference"]["resource"] in earlier and _is_key(tables[fk["reference"]["resource"]], fk["reference"]["fields"])]


def _is_key(table: Table, fields: list[str]) -> bool:
    return list(fields) == table.primary_key or (
        len(fields) == 1 and table.field(fields[0]).get("constraints", {}).get("unique", False))


def column_ddl(field: dict, table: Table) -> str:
    parts = [quote_ident(field["name"]), DUCKDB_TYPES[field["type"]]]
    if required(field):
        parts.append("NOT NULL")
    if field.get("constraints", {}).get("unique") and table.primary_key != [field["name"]]:
        parts.append("UNIQUE")
    if categories(field):  # the vocabulary is part of the column's meaning; DuckDB can hold it
        parts.append(f"CHECK ({quote_ident(field['name'])} IN ({', '.join(map(quote_literal, categories(field)))}))")
    return " ".join(parts)


def table_ddl(table: Table, tables: dict[str, Table]) -> str:
    lines = [column_ddl(f, table) for f in table.fields]
    lines.append(f"PRIMARY KEY ({', '.join(map(quote_ident, table.primary_key))})")
    for fk in declared_foreign_keys(table, tables):
        ref = fk["reference"]
        lines.append(f"FOREIGN KEY ({', '.join(map(quote_ident, fk['fields']))}) "
                     f"REFERENCES {quote_ident(ref['resource'])} ({', '.join(map(quote_ident, ref['fields']))})")
    return f"CREATE TABLE {quote_ident(table.name)} (\n    " + ",\n    ".join(lines) + "\n)"


def table_comment(table: Table) -> str:
    return f"{table.descriptor['title']}: {table.descriptor['description']}"


def column_comment(field: dict, table: Table, tables: dict[str, Table]) -> str:
    """The field's description, its vocabulary with labels, and what it references."""
    text = field["description"]
    if field.get("categories"):
        values = [f"{c['value']} = {c['label']}" if isinstance(c, dict) and c.get("label") else
                  (c["value"] if isinstance(c, dict) else c) for c in field["categories"]]
        text += " Values: " + "; ".join(values) + "."
    declared = declared_foreign_keys(table, tables)
    for fk in table.foreign_keys:
        if fk["fields"] == [field["name"]]:
            ref = fk["reference"]
            target = f"{ref['resource']}.{', '.join(ref['fields'])}"
            if fk in declared:
                text += f" References {target}."
            elif TABLE_ORDER.index(ref["resource"]) > TABLE_ORDER.index(table.name):
                text += (f" References {target} (checked by the build; not a DuckDB foreign key because "
                         f"{ref['resource']} is loaded after {table.name}).")
            else:
                text += f" References {target} (checked by the build; not a DuckDB foreign key: not a key there)."
    return text


def create_tables(con: duckdb.DuckDBPyConnection, tables: dict[str, Table]):
    """CREATE TABLE + COMMENT ON for every table, in dependency order."""
    for name in TABLE_ORDER:
        table = tables[name]
        con.execute(table_ddl(table, tables))
        con.execute(f"COMMENT ON TABLE {quote_ident(name)} IS {quote_literal(table_comment(table))}")
        for f in table.fields:
            con.execute(f"COMMENT ON COLUMN {quote_ident(name)}.{quote_ident(f['name'])} "
                        f"IS {quote_literal(column_comment(f, table, tables))}")
