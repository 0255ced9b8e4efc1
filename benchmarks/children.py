"""children: the measured commands, as they run inside the fresh interpreters the benchmark starts.

benchmarks.sampling starts `python -c "... children.main(...)" MODE ROOT RESULT_JSON [...]` with the
repository as working directory and measures that whole process (wall, CPU of the process tree,
memory). `main` runs one command and writes what only the inside can see as JSON to RESULT_JSON:

    build    `python -m scripts build --root ROOT` (scripts.cli.main, the same code path: lock,
             cache, workers, messages), with the arrows timed by wrapping the functions it calls
    verify   `python -m scripts verify --root ROOT`, the default: every quote checked too
    db       `python -m scripts db --root ROOT`
    floor    each built table read from its Parquet file and written again by pq.write_table with
             pyarrow's defaults, timed around the write only (the floor for the write arrow)
    views    the analysis views' names, or one view materialised inside DuckDB
             (CREATE TEMP TABLE AS SELECT * FROM view): best of 3 after a warm-up, and the same
             for a copy of its rows from the table that holds them (the floor of any such view)

Only the standard library is imported at module level: the product code is imported inside the
command, so that its import time is part of what is measured.
"""
from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path

ARROWS = ("load", "locate", "tables", "cache", "validate", "write", "package")


def main(argv: list[str]) -> None:
    """Entry of the measured subprocesses: MODE ROOT RESULT_JSON [DB [VIEW]]."""
    mode, root, result_path = argv[0], Path(argv[1]), Path(argv[2])
    started = time.perf_counter()
    if mode == "build":
        result = _build(root)
    elif mode in ("verify", "db"):
        result = {"exit": _cli(mode, root)}
    elif mode == "floor":
        result = _floor(root)
    elif mode == "views":
        result = _views(Path(argv[3]), argv[4] if len(argv) > 4 else None)
    else:
        raise SystemExit(f"unknown mode {mode}")
    result["command_seconds"] = time.perf_counter() - started
    result_path.write_text(json.dumps(result), encoding="utf-8")
    if result.get("exit"):
        raise SystemExit(result["exit"])


def _cli(command: str, root: Path) -> int:
    from scripts.cli import main as cli

    return cli([command, "--root", str(root)])


def _build(root: Path) -> dict:
    """`build` through the command line, its arrows timed from the outside of the functions it calls.

    Load, locate and tables run per file in worker processes, interleaved: their wall time is
    split by the CPU seconds the workers spent in each. `tables` also holds concatenating and
    sorting across files; `cache` is checking the row cache and saving it (beyond write)."""
    from scripts.pipeline import describe, runner, write

    spent: dict[str, float] = {}
    seen: dict = {}

    def timed(name, func, keep=None):
        def wrapper(*args, **kwargs):
            t = time.perf_counter()
            try:
                value = func(*args, **kwargs)
                if keep:
                    keep(value)
                return value
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - t
        return wrapper

    def remember(built):
        seen["stats"], seen["cache"] = built.stats, built.stats["cache_seconds"]  # checking the cache, before saving it
        built.wait_for_cache = timed("wait", built.wait_for_cache)  # the saving time beyond write and package

    def rows(staged):
        seen["rows"] = {name: table.num_rows for name, table in staged.tables.items()}

    runner.check = timed("check", runner.check, remember)
    write.write = timed("write", write.write, rows)
    describe.describe = timed("describe", describe.describe)
    write.publish = timed("publish", write.publish)
    exit_code = _cli("build", root)
    if exit_code:
        return {"exit": exit_code}
    stats = seen["stats"]
    per_file = stats["per_file_seconds"]
    total = sum(per_file.values()) or 1.0
    seconds = {arrow: stats["per_file_wall_seconds"] * per_file[arrow] / total for arrow in per_file}
    seconds["validate"] = stats["validate_seconds"]
    # concatenating and sorting across files: the rest of check
    seconds["tables"] += spent["check"] - seen["cache"] - stats["per_file_wall_seconds"] - stats["validate_seconds"]
    seconds["cache"] = seen["cache"] + spent.get("wait", 0.0)
    seconds["write"] = spent["write"]
    seconds["package"] = spent["describe"] + spent["publish"]
    return {"exit": 0, "arrows": seconds, "rows": seen["rows"], "files_read": stats["files_read"],
            "files_from_cache": stats["files_from_cache"]}


def _floor(root: Path) -> dict:
    """Seconds to write each built table straight to Parquet with pyarrow's defaults (one table held at a time)."""
    import pyarrow.parquet as pq

    seconds = 0.0
    with tempfile.TemporaryDirectory(prefix="bench-floor-") as tmp:
        for path in sorted((root / "build" / "data").glob("*.parquet")):
            table = pq.read_table(path)
            t = time.perf_counter()
            pq.write_table(table, Path(tmp) / path.name)
            seconds += time.perf_counter() - t
            del table
    return {"floor_seconds": seconds}


def _views(db: Path, only: str | None = None) -> dict:
    """Every view's name (only=None), or the time to materialise one view inside DuckDB."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    con.execute(f"SET file_search_path = '{str(db.parent).replace(chr(39), chr(39) * 2)}'")
    names = [r[0] for r in con.execute(
        "SELECT view_name FROM duckdb_views() WHERE NOT internal AND schema_name = 'main' ORDER BY view_name").fetchall()]
    if only is None:
        con.close()
        return {"names": names}
    view = f'SELECT * FROM "{only}"'
    con.execute(f"CREATE TEMP TABLE bench_view AS {view}")  # warm-up
    rows = con.execute("SELECT count(*) FROM bench_view").fetchone()[0]
    times = _best_of_3(con, "bench_view", view)
    # The floor of any statement that gives these rows: copying them from a table that holds them.
    copies = _best_of_3(con, "bench_copy", "SELECT * FROM bench_view")
    con.close()
    return {"views": {only: {"ms": min(times) * 1000, "median_ms": statistics.median(times) * 1000, "rows": rows,
                             "copy_ms": min(copies) * 1000}}}


def _best_of_3(con, table: str, select: str) -> list[float]:
    """Seconds of three runs of CREATE TEMP TABLE table AS select (the table dropped before each,
    outside the time)."""
    times = []
    for _ in range(3):
        con.execute(f"DROP TABLE IF EXISTS {table}")
        t = time.perf_counter()
        con.execute(f"CREATE TEMP TABLE {table} AS {select}")
        times.append(time.perf_counter() - t)
    return times
