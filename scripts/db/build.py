"""Arrow 6, db: build/data/*.parquet -> build/<package>.duckdb, a database that explains itself.

Every table is created from its Table Schema (generated DDL: types, NOT NULL, primary,
unique and foreign keys, vocabulary checks) and every table, column and view carries a
COMMENT from schemas/ or scripts/sql/, so `SELECT * FROM duckdb_columns()` is the data
dictionary. The views are scripts/sql/<view>.sql. The same arrow writes build/views.sql
(the tables as views over the Parquet files, plus the analysis views, for users without
the .duckdb file) and runs the SQL cookbook (docs/cookbook/*.sql) into build/cookbook/.

Nothing is published unless everything worked: the database is written to a temporary
file, the cookbook runs against that file, and only then is each output moved into place.
No annotation string is ever put into SQL text: data moves as Arrow tables, and the only
literals written into SQL are descriptions and vocabularies from schemas/.
"""
from __future__ import annotations

import csv
import datetime as dt
import decimal
import html
import io
import json
import math
import os
import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from scripts.paths import COOKBOOK_DIR, REPO, VIEW_DIR
from scripts.errors import Collector, DataError, Problem
from scripts.faults import checkpoint
from scripts.metadata import TABLE_ORDER, Table, categories, load_tables, package_name, required

DUCKDB_TYPES = {"string": "VARCHAR", "number": "DOUBLE", "integer": "BIGINT", "date": "DATE"}
# DuckDB 2.0 writes storage that 1.x cannot read; v1.0.0 opens in every 1.x release we know of.
STORAGE_VERSION = "v1.0.0"
# A cookbook page shows at most this many rows, its JSON at most JSON_ROW_LIMIT (both say
# how many there are): the build output stays small whatever the corpus size.
MARKDOWN_ROW_LIMIT = 200
JSON_ROW_LIMIT = 10_000
COUNT_CHUNK = 10_000
# The build's queries (checking views.sql, running the cookbook) stay within this much memory;
# DuckDB spills to a temporary folder beside the staged outputs rather than growing.
MEMORY_LIMIT = "1GB"
# DuckDB writes the unused tail of an uncompressed string segment (and of index buffers) to
# the file as it finds it in memory. From the process heap that is a leftover of whatever ran
# before, and the file bytes differed from run to run from about a thousand articles on. The
# write therefore takes its blocks from DuckDB's own block allocator, reserved (address space;
# memory only as it is used) at this many times the Parquet data, at least 2 GiB. Nothing else
# may run DuckDB in the process meanwhile: the allocator is shared.
BLOCK_ALLOCATOR_FACTOR = 16
BLOCK_ALLOCATOR_MIN = 2 * 2**30
# What `query` (and the cookbook) may run: reads only. DESCRIBE/SHOW/SUMMARIZE parse as SELECT.
READ_STATEMENTS = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}


class QueryRefused(Exception):
    """`query` did not run the statement (it writes, or there is no database); exit code 2."""


class QueryFailed(QueryRefused):
    """DuckDB could not run a read-only statement (syntax, unknown table...); exit code 2 too."""


# ---------------------------------------------------------------------------- names and paths

def database_path(root: Path) -> Path:
    return Path(root) / "build" / f"{package_name()}.duckdb"


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    # Only text from schemas/ and scripts/sql/ is ever quoted here, never annotation data.
    return "'" + text.replace("'", "''") + "'"


def _display(path: Path, root: Path) -> str:
    """A path as the curator knows it: relative to the project or the repository."""
    for base in (Path(root).resolve(), REPO):
        try:
            return Path(path).resolve().relative_to(base).as_posix()
        except ValueError:
            continue
    return str(path)


# ---------------------------------------------------------------------------- DDL from schemas

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


# ---------------------------------------------------------------------------- loading

def insertion_levels(rows: pa.Table, table: Table) -> list[int]:
    """Per row, how deep it sits in its table's self-references (0 = refers to no row).

    DuckDB checks a self-referencing foreign key against rows already inserted, so a row
    can only be inserted by a statement after the one that inserted its parent.
    """
    self_fks = self_references(table)
    if not self_fks or rows.num_rows == 0:
        return [0] * rows.num_rows
    needed = {*table.primary_key, *(c for fk in self_fks for c in [*fk["fields"], *fk["reference"]["fields"]])}
    columns = {name: rows.column(name).to_pylist() for name in rows.column_names if name in needed}
    index = {}
    for fk in self_fks:
        keys = zip(*(columns[c] for c in fk["reference"]["fields"]))
        index[id(fk)] = {k: i for i, k in enumerate(keys)}
    parents = [[index[id(fk)].get(tuple(columns[c][i] for c in fk["fields"])) for fk in self_fks]
               for i in range(rows.num_rows)]
    levels: dict[int, int] = {}

    def level(i: int, path: tuple[int, ...]) -> int:
        if i in path:
            ids = [str(columns[table.primary_key[0]][j]) for j in path[path.index(i):]]
            raise DataError([_problem(table, f"rows of {table.name} refer to each other in a cycle: {' -> '.join(ids + ids[:1])}")])
        if i not in levels:
            levels[i] = 1 + max((level(p, path + (i,)) for p in parents[i] if p is not None), default=-1)
        return levels[i]

    return [level(i, ()) for i in range(rows.num_rows)]


def self_references(table: Table) -> list[dict]:
    return [fk for fk in table.foreign_keys if fk["reference"]["resource"] == table.name]


def _problem(table: Table, message: str) -> Problem:
    return Problem(f"build/data/{table.name}.parquet", 1, message)


def load_table(con: duckdb.DuckDBPyConnection, table: Table, path: Path):
    """Insert the Parquet rows, parents before children, by column name.

    A table without self-references (mentions, figures, names: the big ones) is streamed
    by DuckDB from the file in one statement, in file order; only a table whose rows refer
    to each other is read into Arrow, to insert it level by level.
    """
    names = pq.read_schema(path).names
    missing = [c for c in table.field_names if c not in names]
    if missing:
        raise DataError([_problem(table, f"columns missing from the Parquet file: {', '.join(missing)}; run the build again")])
    columns = ", ".join(map(quote_ident, table.field_names))
    if not self_references(table):
        con.execute(f"INSERT INTO {quote_ident(table.name)} ({columns}) SELECT {columns} FROM read_parquet(?)", [str(path)])
        return
    rows = pq.ParquetFile(path).read(columns=table.field_names)  # not pq.read_table: that imports pyarrow.dataset and pandas
    levels = insertion_levels(rows, table)
    staged = rows.select(table.field_names).append_column("__level", pa.array(levels, pa.int64()))
    con.register("__rows", staged)
    try:
        for level in range(max(levels, default=-1) + 1):
            con.execute(f"INSERT INTO {quote_ident(table.name)} ({columns}) SELECT {columns} FROM __rows WHERE __level = ?",
                        [level])
    finally:
        con.unregister("__rows")


def load_tables_from(con: duckdb.DuckDBPyConnection, tables: dict[str, Table], data: Path):
    problems = Collector()
    for name in TABLE_ORDER:
        if not (data / f"{name}.parquet").is_file():
            problems.add(f"build/data/{name}.parquet", 1, "file missing; run `python -m scripts build` first")
    problems.raise_if_any()
    for name in TABLE_ORDER:
        try:
            load_table(con, tables[name], data / f"{name}.parquet")
        except duckdb.Error as e:  # e.g. a key the validate arrow should have caught
            raise DataError([_problem(tables[name], f"cannot load into DuckDB: {e}")]) from None


# ---------------------------------------------------------------------------- views

@dataclass(frozen=True)
class SqlFile:
    """A .sql file split into its leading comment block and the one statement after it.

    DuckDB strips leading comments before binding and then misplaces (or drops) the
    "LINE n:" of binder errors, so the statement runs without them and error lines are
    mapped back by adding `first_line`.
    """
    path: Path
    header: list[str]     # the leading `--` and blank lines
    body: str             # the statement, without a trailing semicolon
    first_line: int       # file line (1-based) where `body` starts

    @property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8").strip()


def read_sql_file(path: Path) -> SqlFile:
    lines = path.read_text(encoding="utf-8").splitlines()
    n = next((i for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("--")), len(lines))
    body = "\n".join(lines[n:]).strip().rstrip(";").rstrip()
    return SqlFile(path, lines[:n], body, n + 1)


@dataclass(frozen=True)
class View:
    name: str
    question: str
    columns: dict[str, str]   # column -> description, from the file's "-- Columns:" block
    sql: SqlFile

    @property
    def body(self) -> str:
        return self.sql.body


COLUMN_DOC = re.compile(r"^--\s+([A-Za-z_][A-Za-z0-9_]*):\s+(\S.*)$")


def parse_view(path: Path) -> View:
    """scripts/sql/<name>.sql: a first `-- question` line, a `-- Columns:` block, one SELECT."""
    sql = read_sql_file(path)
    first = sql.header[0] if sql.header else ""
    if not first.startswith("-- ") or len(first) < 5:
        raise DataError([Problem(_display(path, REPO), 1, "a view file must start with a `-- ` line saying what question it answers")])
    columns, in_block = {}, False
    for line in sql.header:
        if line.strip() == "-- Columns:":
            in_block = True
        elif in_block and (m := COLUMN_DOC.match(line)):
            columns[m.group(1)] = m.group(2).strip()
        elif in_block:
            in_block = False
    return View(path.stem, first[3:].strip(), columns, sql)


def read_views(view_dir: Path = VIEW_DIR) -> list[View]:
    # Views are independent of each other, so name order is a valid creation order.
    return [parse_view(p) for p in sorted(view_dir.glob("*.sql"))]


def view_statements(view: View, replace: bool = False) -> list[str]:
    """CREATE VIEW plus its comments (COMMENT ON must follow: CREATE OR REPLACE drops it)."""
    create = "CREATE OR REPLACE VIEW" if replace else "CREATE VIEW"
    statements = [f"{create} {quote_ident(view.name)} AS\n{view.body}",
                  f"COMMENT ON VIEW {quote_ident(view.name)} IS {quote_literal(view.question)}"]
    statements += [f"COMMENT ON COLUMN {quote_ident(view.name)}.{quote_ident(c)} IS {quote_literal(d)}"
                   for c, d in view.columns.items()]
    return statements


def create_views(con: duckdb.DuckDBPyConnection, views: list[View], root: Path = REPO):
    for view in views:
        try:
            check_read_only(view.body)
        except QueryRefused as e:
            raise DataError([_sql_problem(view.sql, root, f"view {view.name}: {e}", e)]) from None
        statements = view_statements(view)
        try:
            con.execute(statements[0])
        except duckdb.Error as e:  # "CREATE VIEW ... AS" is one line above the body
            raise DataError([_sql_problem(view.sql, root, f"view {view.name} failed: {e}", e, offset=-1)]) from None
        for statement in statements[1:]:
            con.execute(statement)
        actual = [r[0] for r in con.execute(f"DESCRIBE {quote_ident(view.name)}").fetchall()]
        undocumented = [c for c in actual if c not in view.columns]
        if undocumented:
            raise DataError([Problem(_display(view.sql.path, root), 1, f"view {view.name}: columns not described "
                                     f"in the `-- Columns:` block: {', '.join(undocumented)}")])


def _sql_problem(sql: SqlFile, root: Path, message: str, error: Exception, offset: int = 0) -> Problem:
    """A problem at the file line DuckDB's "LINE n:" points at (counted from the statement)."""
    match = re.search(r"LINE (\d+):", str(error))
    line = sql.first_line + int(match.group(1)) - 1 + offset if match else sql.first_line
    return Problem(_display(sql.path, root), max(line, 1), message)


# ---------------------------------------------------------------------------- portable views.sql

def views_sql(tables: dict[str, Table], views: list[View]) -> str:
    """Tables as views over data/<table>.parquet (relative: resolved by file_search_path), then the analysis views."""
    out = [
        f"-- {package_name()}: the tables and analysis views over the Parquet files, for DuckDB.",
        "-- Generated by `python -m scripts db` from schemas/ and scripts/sql/; do not edit.",
        "-- From any working directory, in the DuckDB CLI:",
        "--   SET file_search_path = '/path/to/the/folder/holding/this/file';",
        "--   .read /path/to/the/folder/holding/this/file/views.sql",
        "-- Paths below are relative to that folder (data/ sits beside this file).",
        "",
    ]
    for name in TABLE_ORDER:
        table = tables[name]
        columns = ",\n    ".join(map(quote_ident, table.field_names))
        out.append(f"CREATE OR REPLACE VIEW {quote_ident(name)} AS\nSELECT\n    {columns}\n"
                   f"FROM read_parquet({quote_literal(f'data/{name}.parquet')});")
        out.append(f"COMMENT ON VIEW {quote_ident(name)} IS {quote_literal(table_comment(table))};")
        out += [f"COMMENT ON COLUMN {quote_ident(name)}.{quote_ident(f['name'])} IS "
                f"{quote_literal(column_comment(f, table, tables))};" for f in table.fields]
        out.append("")
    for view in views:
        out.append(f"-- {view.name}: {view.question}")
        out += [s + ";" for s in view_statements(view, replace=True)]
        out.append("")
    return "\n".join(out)


def row_counts(con: duckdb.DuckDBPyConnection, names: list[str]) -> dict[str, int]:
    return {name: con.execute(f"SELECT count(*) FROM {quote_ident(name)}").fetchone()[0] for name in names}


def query_config(spill: Path | None) -> dict:
    return {"memory_limit": MEMORY_LIMIT, **({"temp_directory": str(spill)} if spill else {})}


def views_sql_counts(path: Path, views: list[View], spill: Path | None = None) -> dict[str, int]:
    """Run views.sql in a fresh in-memory database against the Parquet files beside it and
    count every table's and view's rows (each runs to the end); needs no database file."""
    con = duckdb.connect(config=query_config(spill))
    try:
        con.execute("SET file_search_path = ?", [str(path.parent)])
        con.execute(path.read_text(encoding="utf-8"))
        return row_counts(con, [*TABLE_ORDER, *(v.name for v in views)])
    except duckdb.Error as e:
        raise DataError([Problem(_display(path, path.parent.parent), 1, f"the generated views.sql does not run: {e}")]) from None
    finally:
        con.close()


def compare_counts(path: Path, portable: dict[str, int], db: Path, spill: Path | None = None):
    """views.sql must give every table and view as many rows as the database file does."""
    with duckdb.connect(str(db), read_only=True, config=query_config(spill)) as con:
        built = row_counts(con, list(portable))
    wrong = [f"{n} has {portable[n]} rows over the Parquet files but {built[n]} in the database" for n in portable
             if portable[n] != built[n]]
    if wrong:
        raise DataError([Problem(_display(path, path.parent.parent), 1, f"the generated views.sql disagrees: {'; '.join(wrong)}")])


def check_views_sql(path: Path, views: list[View], db: Path | None = None, spill: Path | None = None):
    """views_sql_counts, then, if `db` is given, compare_counts against it."""
    portable = views_sql_counts(path, views, spill)
    if db is not None:
        compare_counts(path, portable, db, spill)


# ---------------------------------------------------------------------------- read-only statements

def check_read_only(sql: str) -> str:
    """The one statement in `sql`, if it only reads; else QueryRefused saying why."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as e:
        raise QueryFailed(f"the query does not parse: {e}") from None
    if len(statements) != 1:
        raise QueryRefused(f"give exactly one statement (got {len(statements)})")
    kind = statements[0].type
    if kind not in READ_STATEMENTS:
        raise QueryRefused(f"refused: {kind.name} statements are not allowed; the database is read-only and "
                           "`query` runs only SELECT (or DESCRIBE, SHOW, SUMMARIZE, EXPLAIN)")
    return sql


def connect_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    # Read-only stops writes to the database; no external access stops COPY TO, ATTACH and
    # reading other files, whatever the statement-type check might miss.
    return duckdb.connect(str(path), read_only=True, config={"enable_external_access": False})


@dataclass
class Result:
    columns: list[str]
    types: list[str]
    rows: list[tuple]
    total: int | None = None  # rows the statement returned, when `rows` holds only the first of them

    @property
    def row_count(self) -> int:
        return len(self.rows) if self.total is None else self.total


def run_select(con: duckdb.DuckDBPyConnection, sql: str, keep: int | None = None) -> Result:
    """Run one read-only statement; with `keep`, hold only its first `keep` rows in Python
    and count the others in chunks (memory stays bounded whatever the result size)."""
    # execute() (not sql()) so that errors carry the "LINE n:" of the failing clause
    cursor = con.execute(check_read_only(sql))
    description = cursor.description or []
    columns, types = [d[0] for d in description], [str(d[1]) for d in description]
    if keep is None:
        return Result(columns, types, cursor.fetchall())
    rows = cursor.fetchmany(keep)
    if len(rows) < keep:
        return Result(columns, types, rows)
    try:  # DuckDB counts without ORDER BY and unused columns; far cheaper than fetching the rest
        total = con.cursor().execute(f"SELECT count(*) FROM (\n{sql.strip().rstrip(';')}\n)").fetchone()[0]
    except duckdb.Error:  # a statement that is not a subquery (EXPLAIN, SHOW...): count what is left
        total = len(rows)
        while chunk := cursor.fetchmany(COUNT_CHUNK):
            total += len(chunk)
    return Result(columns, types, rows, total)


# ---------------------------------------------------------------------------- rendering results

def json_value(value):
    """A DuckDB value as plain JSON: dates as ISO strings, decimals as numbers."""
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    return str(value)  # intervals, UUIDs, ...: their DuckDB text form is what a reader expects


def text_value(value, null: str = "") -> str:
    if value is None:
        return null
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    value = json_value(value)
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def markdown_cell(value) -> str:
    # Cells reach HTML through MkDocs: escape HTML, and the Markdown that would change meaning.
    # Underscores inside a word (us_troops_in_iraq) are literal in Python-Markdown and GFM.
    text = html.escape(text_value(value), quote=False)
    text = re.sub(r"([\\`*\[\]|])|(?<!\w)_|_(?!\w)", lambda m: "\\" + m.group(0), text)
    return text.replace("\r\n", "<br>").replace("\n", "<br>")


def to_markdown(result: Result, limit: int | None = None) -> str:
    rows = result.rows if limit is None else result.rows[:limit]
    lines = ["| " + " | ".join(markdown_cell(c) for c in result.columns) + " |",
             "|" + "|".join("---" for _ in result.columns) + "|"]
    lines += ["| " + " | ".join(markdown_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def to_csv(result: Result) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(result.columns)
    writer.writerows([text_value(v) for v in row] for row in result.rows)
    return buffer.getvalue().rstrip("\n")


def to_json(result: Result) -> str:
    records = [{c: json_value(v) for c, v in zip(result.columns, row)} for row in result.rows]
    return json.dumps(records, ensure_ascii=False, indent=2)


def _width(text: str) -> int:
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def to_table(result: Result) -> str:
    """Aligned plain text, NULL spelled out, one line per row."""
    cells = [[text_value(v, "NULL").replace("\n", "\\n") for v in row] for row in result.rows]
    widths = [max([_width(c)] + [_width(r[i]) for r in cells]) for i, c in enumerate(result.columns)]

    def line(values):
        return " | ".join(v + " " * (w - _width(v)) for v, w in zip(values, widths)).rstrip()

    out = [line(result.columns), "-+-".join("-" * w for w in widths)] + [line(r) for r in cells]
    out.append(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})")
    return "\n".join(out)


RENDERERS = {"table": to_table, "csv": to_csv, "json": to_json, "markdown": to_markdown}


# ---------------------------------------------------------------------------- cookbook

@dataclass(frozen=True)
class Recipe:
    stem: str
    question: str
    notes: list[str]      # the comment lines after the question
    sql: SqlFile


QUESTION = re.compile(r"^-- Question: (\S.*\?)\s*$")
RECIPE_NAME = re.compile(r"^\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*$")


def read_recipes(cookbook_dir: Path, root: Path) -> list[Recipe]:
    """docs/cookbook/NN-slug.sql: `-- Question: ...?`, optional comment lines, one SELECT."""
    problems = Collector()
    recipes = []
    for path in sorted(cookbook_dir.glob("*.sql")):
        sql = read_sql_file(path)
        match = QUESTION.match(sql.header[0]) if sql.header else None
        if not RECIPE_NAME.match(path.stem):
            problems.add(_display(path, root), 1, "cookbook files are named NN-slug.sql, e.g. 01-us-troop-figures.sql")
        if not match:
            problems.add(_display(path, root), 1, "the first line must be `-- Question: ...?`")
            continue
        notes = [line[2:].strip() for line in sql.header[1:] if line.strip()]
        recipes.append(Recipe(path.stem, match.group(1), notes, sql))
    problems.raise_if_any()
    return recipes


def run_recipes(db: Path, recipes: list[Recipe], root: Path, spill: Path | None = None) -> dict[str, Result]:
    """Every recipe against the new database; all failures are reported together."""
    problems = Collector()
    results = {}
    with duckdb.connect(str(db), read_only=True, config={"enable_external_access": False, **query_config(spill)}) as con:
        for recipe in recipes:
            try:
                results[recipe.stem] = run_select(con, recipe.sql.body, keep=JSON_ROW_LIMIT)
            except (duckdb.Error, QueryRefused) as e:
                p = _sql_problem(recipe.sql, root, f"cookbook query failed: {e}", e)
                problems.add(p.path, p.line, p.message)
    problems.raise_if_any()
    return results


def recipe_json(recipe: Recipe, result: Result) -> str:
    doc = {"question": recipe.question, "file": f"docs/cookbook/{recipe.sql.path.name}", "sql": recipe.sql.text,
           "columns": [{"name": c, "type": t} for c, t in zip(result.columns, result.types)],
           "row_count": result.row_count, "rows_truncated": result.row_count > JSON_ROW_LIMIT,
           "rows": [[json_value(v) for v in row] for row in result.rows[:JSON_ROW_LIMIT]]}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def recipe_markdown(recipe: Recipe, result: Result) -> str:
    shown = min(len(result.rows), MARKDOWN_ROW_LIMIT)
    count = f"{result.row_count} row{'s' if result.row_count != 1 else ''}"
    if shown < result.row_count:
        count += f"; the first {shown} are shown; run the query for all of them"
    parts = [f"# {html.escape(recipe.question, quote=False)}", ""]
    notes = " ".join(n for n in recipe.notes if n)
    if notes:
        parts += [html.escape(notes, quote=False), ""]
    parts += ["```sql", recipe.sql.text, "```", "", f"Result ({count}):", ""]
    parts += [to_markdown(result, MARKDOWN_ROW_LIMIT) if result.rows else "*No rows.*", ""]
    return "\n".join(parts)


def write_cookbook(folder: Path, recipes: list[Recipe], results: dict[str, Result]):
    folder.mkdir(parents=True)
    for recipe in recipes:
        result = results[recipe.stem]
        (folder / f"{recipe.stem}.json").write_text(recipe_json(recipe, result), encoding="utf-8")
        (folder / f"{recipe.stem}.md").write_text(recipe_markdown(recipe, result), encoding="utf-8")


# ---------------------------------------------------------------------------- the arrow

def block_allocator_bytes(data: Path) -> int:
    """Room for every block of the database write (see BLOCK_ALLOCATOR_FACTOR)."""
    size = 0
    for path in sorted(data.glob("*.parquet")):
        meta = pq.ParquetFile(path).metadata
        size += sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    return max(BLOCK_ALLOCATOR_MIN, BLOCK_ALLOCATOR_FACTOR * size)


def write_database(tmp: Path, tables: dict[str, Table], views: list[View], data: Path, root: Path):
    """Create, load, comment and add views to a fresh database file in 1.x-readable storage."""
    con = duckdb.connect(config={"threads": 1, "block_allocator_memory": f"{block_allocator_bytes(data)}B"})
    try:
        # Same inputs, same file bytes (the release zip must be reproducible): DuckDB's
        # compressed segments (FSST strings, dates with NULLs) differ from run to run; the
        # data is small, so store it uncompressed, written by one thread.
        con.execute("SET force_compression = 'uncompressed'")
        con.execute(f"ATTACH {quote_literal(str(tmp))} AS out (STORAGE_VERSION {quote_literal(STORAGE_VERSION)})")
        con.execute("USE out")  # unqualified names in the views then bind to this database
        con.execute("BEGIN TRANSACTION")  # one commit instead of one per COMMENT statement
        create_tables(con, tables)
        load_tables_from(con, tables, data)
        create_views(con, views, root)
        con.execute("COMMIT")
        con.execute("USE memory")
        con.execute("DETACH out")  # checkpoints: the file is complete, no WAL left beside it
    finally:
        con.close()


def _remove(path: Path):
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def publish(tmp_db: Path, db: Path, tmp_views: Path, tmp_cookbook: Path, build: Path):
    """Move the staged outputs into place: each is replaced in one rename."""
    _remove(Path(f"{db}.wal"))  # a stale WAL beside the old file must not be replayed onto the new one
    os.replace(tmp_db, db)
    os.replace(tmp_views, build / "views.sql")
    cookbook, old = build / "cookbook", build / f".cookbook-old-{os.getpid()}"
    if cookbook.exists():
        os.replace(cookbook, old)
    os.replace(tmp_cookbook, cookbook)
    _remove(old)


def build_db(root: Path, cookbook_dir: Path | None = None, view_dir: Path | None = None) -> Path:
    """build/data/*.parquet -> build/<name>.duckdb, build/views.sql and build/cookbook/; returns the database path."""
    root, cookbook_dir, view_dir = Path(root), cookbook_dir or COOKBOOK_DIR, view_dir or VIEW_DIR
    build = root / "build"
    data = (build / "data").resolve()  # pin one data generation even if a build swaps it meanwhile
    if not data.is_dir():
        raise DataError([Problem("build/data", 1, "no built data; run `python -m scripts build` first")])
    tables, views = load_tables(), read_views(view_dir)
    recipes = read_recipes(cookbook_dir, root)
    db = database_path(root)
    tag = os.getpid()
    tmp_db, tmp_views, tmp_cookbook = build / f".{db.name}.tmp-{tag}", build / f".views.sql.tmp-{tag}", build / f".cookbook-{tag}"
    spill = build / f".duckdb-spill-{tag}"
    try:
        for pattern in (f".{db.name}.tmp-*", ".views.sql.tmp-*", ".cookbook-*", ".duckdb-spill-*"):  # also those of killed builds
            for stale in build.glob(pattern):
                _remove(stale)
        write_database(tmp_db, tables, views, data, root)
        checkpoint("db")
        tmp_views.write_text(views_sql(tables, views), encoding="utf-8")  # staged in build/, beside data/, as views.sql will be
        counts = views_sql_counts(tmp_views, views, spill)
        compare_counts(tmp_views, counts, tmp_db, spill)
        write_cookbook(tmp_cookbook, recipes, run_recipes(tmp_db, recipes, root, spill))
        publish(tmp_db, db, tmp_views, tmp_cookbook, build)
    finally:
        for leftover in (tmp_db, Path(f"{tmp_db}.wal"), tmp_views, tmp_cookbook, spill):
            _remove(leftover)
    return db


def query(root: Path, sql: str, output: str = "table") -> str:
    """Run one read-only statement against build/<name>.duckdb and render the result."""
    db = database_path(root)
    if not db.is_file():
        raise QueryRefused(f"no database at {db}; run `make db` (python -m scripts db) first")
    check_read_only(sql)
    try:
        with connect_read_only(db) as con:
            result = run_select(con, sql)
    except duckdb.Error as e:
        raise QueryFailed(f"the query failed: {e}") from None
    return RENDERERS[output](result)
