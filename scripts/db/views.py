"""The analysis views (scripts/sql/<view>.sql, one statement each) and the portable views.sql.

A view file starts with a `-- ` line saying what question it answers and documents its
columns in a `-- Columns:` block; views.sql recreates the tables as views over the Parquet
files, for users without the .duckdb file."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from scripts.db.codes import NAME as CODES
from scripts.db.codes import QUESTION as CODES_QUESTION
from scripts.db.codes import codes_statements
from scripts.db.macros import macro_statements
from scripts.db.query import QueryRefused, check_read_only
from scripts.db.schema import column_comment, quote_ident, quote_literal, table_comment
from scripts.errors import DataError, Problem
from scripts.metadata import TABLE_ORDER, Table, package_name
from scripts.paths import REPO, VIEW_DIR, display_path

# The build's queries (checking views.sql, running the cookbook) stay within this much memory;
# DuckDB spills to a temporary folder beside the staged outputs rather than growing.
MEMORY_LIMIT = "1GB"


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
        raise DataError([Problem(display_path(path, REPO), 1, "a view file must start with a `-- ` line saying what question it answers")])
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
    # Views are created in name order: a view may use another whose name sorts before it
    # (conflicting_claims reads conflicting_claim_pairs).
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
            raise DataError([Problem(display_path(view.sql.path, root), 1, f"view {view.name}: columns not described "
                                     f"in the `-- Columns:` block: {', '.join(undocumented)}")])


def _sql_problem(sql: SqlFile, root: Path, message: str, error: Exception, offset: int = 0) -> Problem:
    """A problem at the file line DuckDB's "LINE n:" points at (counted from the statement)."""
    match = re.search(r"LINE (\d+):", str(error))
    line = sql.first_line + int(match.group(1)) - 1 + offset if match else sql.first_line
    return Problem(display_path(sql.path, root), max(line, 1), message)


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
        "-- Arabic matching, as scripts/arabic.py folds text: ar_norm(text), ar_norm_words(text).",
        *(s + ";" for s in macro_statements(replace=True)),
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
    out.append(f"-- {CODES}: {CODES_QUESTION}")
    out += [s + ";" for s in codes_statements(tables, replace=True)]
    out.append("")
    for view in views:
        out.append(f"-- {view.name}: {view.question}")
        out += [s + ";" for s in view_statements(view, replace=True)]
        out.append("")
    return "\n".join(out)


class OutOfMemory(OSError):
    """A check that needs more than MEMORY_LIMIT (some operators, such as list aggregates,
    cannot spill): one line naming what was counted, as other OSErrors are, not a traceback."""


def without_final_order(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    """sql without its outermost ORDER BY, taken off by DuckDB's own parser (the statement as
    it is when DuckDB cannot serialise it)."""
    tree = json.loads(con.execute("SELECT json_serialize_sql(?)", [sql]).fetchone()[0])
    if tree.get("error"):
        return sql
    node = tree["statements"][0]["node"]
    node["modifiers"] = [m for m in node.get("modifiers", []) if m["type"] != "ORDER_MODIFIER"]
    return con.execute("SELECT json_deserialize_sql(?::JSON)", [json.dumps(tree)]).fetchone()[0]


def row_counts(con: duckdb.DuckDBPyConnection, names: list[str], views: list[View]) -> dict[str, int]:
    """Rows of each table or view. A view is counted over its statement without the final
    ORDER BY, which cannot change the count: at 50,000 synthetic articles, sorting the 1.3
    million rows of conflicting_claim_pairs, quotes and all, needed more than MEMORY_LIMIT."""
    bodies = {v.name: v.body for v in views}
    counts = {}
    for name in names:
        counted = f"({without_final_order(con, bodies[name])})" if name in bodies else quote_ident(name)
        try:
            counts[name] = con.execute(f"SELECT count(*) FROM {counted}").fetchone()[0]
        except duckdb.OutOfMemoryException as e:
            reason = str(e).splitlines()[0]
            raise OutOfMemory(f"counting the rows of {name} needed more than the {MEMORY_LIMIT} of memory the "
                              f"build's checks may use ({reason})") from None
    return counts


def query_config(spill: Path | None) -> dict:
    return {"memory_limit": MEMORY_LIMIT, **({"temp_directory": str(spill)} if spill else {})}


def counting_config(spill: Path | None) -> dict:
    """query_config for counting rows: their order does not matter, and keeping it costs memory."""
    return {**query_config(spill), "preserve_insertion_order": False}


def views_sql_counts(path: Path, views: list[View], spill: Path | None = None) -> dict[str, int]:
    """Run views.sql in a fresh in-memory database against the Parquet files beside it and
    count every table's and view's rows (each runs to the end); needs no database file."""
    con = duckdb.connect(config=counting_config(spill))
    try:
        con.execute("SET file_search_path = ?", [str(path.parent)])
        con.execute(path.read_text(encoding="utf-8"))
        return row_counts(con, [*TABLE_ORDER, CODES, *(v.name for v in views)], views)
    except duckdb.Error as e:
        raise DataError([Problem(display_path(path, path.parent.parent), 1, f"the generated views.sql does not run: {e}")]) from None
    finally:
        con.close()


def compare_counts(path: Path, portable: dict[str, int], db: Path, views: list[View], spill: Path | None = None):
    """views.sql must give every table and view as many rows as the database file does."""
    with duckdb.connect(str(db), read_only=True, config=counting_config(spill)) as con:
        built = row_counts(con, list(portable), views)
    wrong = [f"{n} has {portable[n]} rows over the Parquet files but {built[n]} in the database" for n in portable
             if portable[n] != built[n]]
    if wrong:
        raise DataError([Problem(display_path(path, path.parent.parent), 1, f"the generated views.sql disagrees: {'; '.join(wrong)}")])


def check_views_sql(path: Path, views: list[View], db: Path | None = None, spill: Path | None = None):
    """views_sql_counts, then, if `db` is given, compare_counts against it."""
    portable = views_sql_counts(path, views, spill)
    if db is not None:
        compare_counts(path, portable, db, views, spill)
