"""Loading the Parquet tables into DuckDB, parents before children."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from scripts.db.schema import quote_ident
from scripts.errors import Collector, DataError, Problem
from scripts.metadata import TABLE_ORDER, Table


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
