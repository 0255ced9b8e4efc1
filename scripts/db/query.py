"""Read-only statements: the guard that lets only reads through, and running one statement
with bounded memory (`python -m scripts query`, the cookbook, the views check).

`query` also bounds what one statement may cost: its rows, its time and DuckDB's memory
(`Limits`); passing one ends the statement with a one-line message (exit code 1).
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb

from scripts.db.render import RENDERERS, Result
from scripts.db.schema import database_path

# What `query` (and the cookbook) may run: reads only. DESCRIBE/SHOW/SUMMARIZE parse as SELECT.
READ_KINDS = {duckdb.StatementType.SELECT.name, duckdb.StatementType.EXPLAIN.name}
COUNT_CHUNK = 10_000


class QueryRefused(Exception):
    """`query` did not run the statement (it writes, or there is no database); exit code 2."""


class QueryFailed(QueryRefused):
    """DuckDB could not run a read-only statement (syntax, unknown table...); exit code 2 too."""


class QueryLimit(Exception):
    """The statement ran but passed one of `query`'s limits (rows, time, memory); exit code 1."""


@dataclass(frozen=True)
class Limits:
    max_rows: int = 10_000       # rows printed; a larger result is refused rather than cut silently
    seconds: float = 60.0        # wall time of the statement and the fetch
    memory: str = "2GB"          # DuckDB's memory_limit for the statement


def one_line(e: Exception) -> str:
    """DuckDB's message on one line (its suggestions and advice joined to it), followed by its
    "LINE n:" excerpt with the caret under the place it stopped, when it gives one."""
    lines = [line for line in str(e).splitlines() if line.strip()]
    at = next((i for i, line in enumerate(lines) if re.match(r"LINE \d+: ", line)), len(lines))
    text = " ".join(line.strip() for line in lines[:at])
    text = text if len(text) <= 300 else text[:300] + "..."
    return "\n".join([text, *lines[at:at + 2]])


def check_read_only(sql: str) -> str:
    """The one statement in `sql`, if it only reads; else QueryRefused saying why."""
    try:
        sql.encode("utf-8")
    except UnicodeEncodeError as e:  # bytes from the shell that are not UTF-8 (surrogate escapes)
        raise QueryRefused(f"the statement is not valid UTF-8 (at character {e.start})") from None
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as e:
        raise QueryFailed(f"the query does not parse: {one_line(e)}") from None
    if len(statements) != 1:
        raise QueryRefused(f"give exactly one statement (got {len(statements)})")
    try:
        kind = statements[0].type.name
    except ValueError:  # a statement type newer than the Python enum (UPDATE EXTENSIONS in DuckDB 2.0)
        kind = "these"
    if kind not in READ_KINDS:
        raise QueryRefused(f"refused: {kind} statements are not allowed; the database is read-only and "
                           "`query` runs only SELECT (or DESCRIBE, SHOW, SUMMARIZE, EXPLAIN)")
    return sql


def connect_read_only(path: Path, memory: str | None = None) -> duckdb.DuckDBPyConnection:
    # Read-only stops writes to the database; no external access stops COPY TO, ATTACH and
    # reading other files, whatever the statement-type check might miss.
    config = {"enable_external_access": False, **({"memory_limit": memory} if memory else {})}
    return duckdb.connect(str(path), read_only=True, config=config)


def run_select(con: duckdb.DuckDBPyConnection, sql: str, keep: int | None = None, count: bool = True) -> Result:
    """Run one read-only statement; with `keep`, hold only its first `keep` rows in Python
    and (with `count`) count the others in chunks (memory stays bounded whatever the result size)."""
    # execute() (not sql()) so that errors carry the "LINE n:" of the failing clause
    cursor = con.execute(check_read_only(sql))
    description = cursor.description or []
    columns, types = [d[0] for d in description], [str(d[1]) for d in description]
    if keep is None:
        return Result(columns, types, cursor.fetchall())
    rows = cursor.fetchmany(keep)
    if len(rows) < keep or not count:
        return Result(columns, types, rows)
    try:  # DuckDB counts without ORDER BY and unused columns; far cheaper than fetching the rest
        total = con.cursor().execute(f"SELECT count(*) FROM (\n{sql.strip().rstrip(';')}\n)").fetchone()[0]
    except duckdb.Error:  # a statement that is not a subquery (EXPLAIN, SHOW...): count what is left
        total = len(rows)
        while chunk := cursor.fetchmany(COUNT_CHUNK):
            total += len(chunk)
    return Result(columns, types, rows, total)


def query(root: Path, sql: str, output: str = "table", limits: Limits = Limits()) -> str:
    """Run one read-only statement against build/<name>.duckdb (in an unpacked release: <name>.duckdb
    beside datapackage.json) within `limits` and render the result."""
    db = database_path(root)
    if not db.is_file() and (Path(root) / db.name).is_file():
        db = Path(root) / db.name
    if not db.is_file():
        raise QueryRefused(f"no database at {db}; run `make db` (python -m scripts db) first")
    check_read_only(sql)
    timed_out = threading.Event()
    try:
        con = connect_read_only(db, limits.memory)
    except duckdb.Error as e:  # e.g. a memory limit DuckDB cannot read
        raise QueryFailed(f"cannot open the database: {one_line(e)}") from None
    timer = threading.Timer(limits.seconds, lambda: (timed_out.set(), con.interrupt()))
    timer.start()
    try:
        result = run_select(con, sql, keep=limits.max_rows + 1 if limits.max_rows else None, count=False)
    except duckdb.OutOfMemoryException:
        raise QueryLimit(f"the query needs more than {limits.memory} of memory (--memory-limit)") from None
    except duckdb.InterruptException:
        if timed_out.is_set():
            raise QueryLimit(f"the query ran longer than {limits.seconds:g} s and was stopped (--timeout)") from None
        raise
    except duckdb.Error as e:
        raise QueryFailed(f"the query failed: {one_line(e)}") from None
    finally:
        timer.cancel()
        con.close()
    if limits.max_rows and len(result.rows) > limits.max_rows:
        raise QueryLimit(f"the result has more than {limits.max_rows:,} rows: add a LIMIT, or raise --max-rows")
    return RENDERERS[output](result)
