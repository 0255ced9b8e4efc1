"""Read-only statements: the guard that lets only reads through, and running one statement
with bounded memory (`python -m scripts query`, the cookbook, the views check)."""
from __future__ import annotations

from pathlib import Path

import duckdb

from scripts.db.render import RENDERERS, Result
from scripts.db.schema import database_path

# What `query` (and the cookbook) may run: reads only. DESCRIBE/SHOW/SUMMARIZE parse as SELECT.
READ_STATEMENTS = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}
COUNT_CHUNK = 10_000


class QueryRefused(Exception):
    """`query` did not run the statement (it writes, or there is no database); exit code 2."""


class QueryFailed(QueryRefused):
    """DuckDB could not run a read-only statement (syntax, unknown table...); exit code 2 too."""


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
