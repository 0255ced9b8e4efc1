"""Arrow 6, db: build/data/*.parquet -> build/<package>.duckdb, a database that explains itself.

Every table is created from its Table Schema (generated DDL: types, NOT NULL, primary,
unique and foreign keys, vocabulary checks) and every table, column and view carries a
COMMENT from schemas/ or scripts/sql/, so `SELECT * FROM duckdb_columns()` is the data
dictionary. The views are scripts/sql/<view>.sql. The same arrow writes build/views.sql
(the tables as views over the Parquet files, plus the analysis views, for users without
the .duckdb file); both hold the Arabic matching macros of db/macros.py. It also runs the
SQL cookbook (docs/cookbook/*.sql) into build/cookbook/.

Nothing is published unless everything worked: the database is written to a temporary
file, the cookbook runs against that file, and only then is each output moved into place.
No annotation string is ever put into SQL text: data moves as Arrow tables, and the only
literals written into SQL are descriptions and vocabularies from schemas/.
"""
from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from scripts.atomic import remove, remove_leftovers, staging_path, swap_in
from scripts.db.codes import codes_statements
from scripts.db.cookbook import read_recipes, run_recipes, write_cookbook
from scripts.db.load import load_tables_from
from scripts.db.macros import macro_statements
from scripts.db.schema import create_tables, database_path, quote_literal
from scripts.db.views import (
    View,
    compare_counts,
    create_views,
    read_views,
    views_sql,
    views_sql_counts,
)
from scripts.errors import DataError, Problem
from scripts.faults import checkpoint
from scripts.metadata import Table, load_tables
from scripts.paths import COOKBOOK_DIR, VIEW_DIR

# DuckDB 2.0 writes storage that 1.x cannot read, so the file is written in storage v1.0.0. The
# oldest client that opens it is DuckDB 1.1.0 (1.0.0 fails: "SerializationException ... field id:
# 103"); tests open it in that release (requirements-duckdb-oldest.txt) and in the newest 1.x.
STORAGE_VERSION = "v1.0.0"
OLDEST_DUCKDB = "1.1.0"
# DuckDB writes the unused tail of an uncompressed string segment (and of index buffers) to
# the file as it finds it in memory. From the process heap that is a leftover of whatever ran
# before, and the file bytes differed from run to run from about a thousand articles on. The
# write therefore takes its blocks from DuckDB's own block allocator, reserved (address space;
# memory only as it is used) at this many times the Parquet data, at least 2 GiB. Nothing else
# may run DuckDB in the process meanwhile: the allocator is shared.
BLOCK_ALLOCATOR_FACTOR = 16
BLOCK_ALLOCATOR_MIN = 2 * 2**30


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
        for statement in macro_statements() + codes_statements(tables):  # ar_norm, ar_norm_words; the codes view
            con.execute(statement)
        create_views(con, views, root)
        con.execute("COMMIT")
        con.execute("USE memory")
        con.execute("DETACH out")  # checkpoints: the file is complete, no WAL left beside it
    finally:
        con.close()


def publish(tmp_db: Path, db: Path, tmp_views: Path, tmp_cookbook: Path, build: Path):
    """Swap the staged outputs into place, each in one step (scripts/atomic.py)."""
    remove(Path(f"{db}.wal"))  # a stale WAL beside the old file must not be replayed onto the new one
    swap_in(tmp_db, db)
    swap_in(tmp_views, build / "views.sql")
    swap_in(tmp_cookbook, build / "cookbook")


def build_db(root: Path, cookbook_dir: Path | None = None, view_dir: Path | None = None) -> Path:
    """build/data/*.parquet -> build/<name>.duckdb, build/views.sql and build/cookbook/; returns the database path."""
    root, cookbook_dir, view_dir = Path(root), cookbook_dir or COOKBOOK_DIR, view_dir or VIEW_DIR
    build = root / "build"
    try:
        data = (build / "data").resolve(strict=True)  # pin one data generation even if a build swaps it meanwhile
    except (OSError, RuntimeError):  # missing, dangling, or a loop of links
        data = None
    if data is None or not data.is_dir():
        raise DataError([Problem("build/data", 1, "no built data; run `python -m scripts build` first")])
    tables, views = load_tables(), read_views(view_dir)
    recipes = read_recipes(cookbook_dir, root)
    db = database_path(root)
    # Staged beside their final places (views.sql beside data/, as it will be); what killed runs left is removed first.
    remove_leftovers(build, f".{db.name}.tmp-*", ".views.sql.tmp-*", ".cookbook.tmp-*", ".cookbook.old-*", ".duckdb-spill-*")
    tmp_db, tmp_views, tmp_cookbook = staging_path(db), staging_path(build / "views.sql"), staging_path(build / "cookbook")
    spill = build / f".duckdb-spill-{os.getpid()}"
    try:
        write_database(tmp_db, tables, views, data, root)
        checkpoint("db")
        tmp_views.write_text(views_sql(tables, views), encoding="utf-8")
        counts = views_sql_counts(tmp_views, views, spill)
        compare_counts(tmp_views, counts, tmp_db, views, spill)
        write_cookbook(tmp_cookbook, recipes, run_recipes(tmp_db, recipes, root, spill))
        publish(tmp_db, db, tmp_views, tmp_cookbook, build)
    except duckdb.IOException as e:  # a full disk or a failing write inside DuckDB: one line, as OSError is
        raise OSError(f"DuckDB could not write the database: {' '.join(str(e).split())[:400]}") from None
    finally:
        for leftover in (tmp_db, Path(f"{tmp_db}.wal"), tmp_views, tmp_cookbook, spill):
            remove(leftover)
    return db
