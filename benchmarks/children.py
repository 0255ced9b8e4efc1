"""children: the measured commands, as they run inside the fresh interpreters the benchmark starts.

benchmarks.sampling starts `python -c "... children.main(...)" MODE ROOT RESULT_JSON [...]` with the
repository as working directory; `main` runs one command (build, db, verify, verify-quotes, views),
times it, reads this process's own peak RSS and CPU time from getrusage and writes them as JSON to
RESULT_JSON. Only the standard library is imported at module level: the product code is imported
inside the command, so that its import time is part of what the child measures.
"""
from __future__ import annotations

import json
import resource
import statistics
import tempfile
import time
from pathlib import Path

ARROWS = ("load", "locate", "tables", "cache", "validate", "write", "package", "db")
BUILD_ARROWS = ARROWS[:-1]  # "full build": YAML -> every table located, validated, written and described


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def main(argv: list[str]) -> None:
    """Entry of the measured subprocesses: MODE ROOT RESULT_JSON [DB [VIEW]]."""
    mode, root, result_path = argv[0], Path(argv[1]), Path(argv[2])
    result = {"mode": mode}
    started = time.perf_counter()
    if mode == "build":
        result.update(_build(root))
    elif mode == "db":
        result.update(_db(root))
    elif mode == "verify":
        result.update(_verify(root, quotes=False))
    elif mode == "verify-quotes":
        result.update(_verify(root, quotes=True))
    elif mode == "views":
        result.update(_views(Path(argv[3]), argv[4] if len(argv) > 4 else None))
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    result["peak_rss_mib"] = _rss_mib()
    result["workers_peak_rss_mib"] = kids.ru_maxrss / 1024  # the largest worker process it waited for, if any
    result["cpu_seconds"] = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
    result["child_seconds"] = time.perf_counter() - started
    result_path.write_text(json.dumps(result), encoding="utf-8")


def _build(root: Path) -> dict:
    """`python -m scripts build`, timed per arrow. Load, locate and tables run per file in
    worker processes, interleaved; their wall time is split by the CPU seconds the workers
    spent in each. `cache` is checking the row cache and saving it."""
    t0 = time.perf_counter()
    from scripts.pipeline.describe import describe
    from scripts.pipeline.runner import check
    from scripts.pipeline.write import publish, write

    imports = time.perf_counter() - t0
    seconds, rss = {}, {}
    t = time.perf_counter()
    built = check(root, save_in_background=True)  # as `build` runs it: the cache is saved while write runs
    stats = built.stats
    spent = stats["per_file_seconds"]
    total = sum(spent.values()) or 1.0
    for arrow in spent:
        seconds[arrow] = stats["per_file_wall_seconds"] * spent[arrow] / total
    seconds["cache"] = stats["cache_seconds"]
    seconds["validate"] = stats["validate_seconds"]
    seconds["tables"] += (time.perf_counter() - t) - sum(seconds.values())  # concatenating and sorting across files
    rss["validate"] = _rss_mib()
    t = time.perf_counter()
    staged = write(built, root)
    seconds["write"] = time.perf_counter() - t
    rss["write"] = _rss_mib()
    t = time.perf_counter()
    built.wait_for_cache()
    seconds["cache"] += time.perf_counter() - t  # only what the save took beyond write
    del built
    t = time.perf_counter()
    publish(describe(staged))
    seconds["package"] = time.perf_counter() - t
    rss["package"] = _rss_mib()
    out = {"imports_seconds": imports, "seconds": seconds, "rss_mib": rss, "files_read": stats["files_read"],
           "files_from_cache": stats["files_from_cache"], "rows": {name: table.num_rows for name, table in staged.tables.items()}}
    out["floor_seconds"] = _pyarrow_floor(staged.tables)
    return out


def _db(root: Path) -> dict:
    """The db arrow in its own process, as `python -m scripts db` runs it after `build`."""
    try:
        from scripts.db.build import build_db
    except ImportError:
        return {"db": None}
    t = time.perf_counter()
    db = build_db(root)
    return {"db": str(db), "seconds": time.perf_counter() - t}


def _verify(root: Path, quotes: bool) -> dict:
    """scripts.publish.verify on the built package; with quotes, every quote is checked against its article too."""
    from scripts.publish.verify import verify

    t = time.perf_counter()
    checked, articles = verify(root / "datapackage.json", quotes=quotes)
    result = {"seconds": time.perf_counter() - t, "files": len(checked)}
    if quotes:
        result["articles"] = articles
    return result


def _pyarrow_floor(tables) -> float:
    """Seconds to write the same Arrow tables straight to Parquet with pyarrow's defaults."""
    import pyarrow.parquet as pq

    with tempfile.TemporaryDirectory(prefix="bench-floor-") as tmp:
        t = time.perf_counter()
        for name, table in tables.items():
            pq.write_table(table, Path(tmp) / f"{name}.parquet")
        return time.perf_counter() - t


def _views(db: Path, only: str | None = None) -> dict:
    """Every view's name (only=None), or the timing of one view."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    con.execute(f"SET file_search_path = '{str(db.parent).replace(chr(39), chr(39) * 2)}'")
    names = [r[0] for r in con.execute(
        "SELECT view_name FROM duckdb_views() WHERE NOT internal AND schema_name = 'main' ORDER BY view_name").fetchall()]
    if only is None:
        con.close()
        return {"names": names}
    sql = f'SELECT * FROM "{only}"'
    rows = con.sql(sql).to_arrow_table().num_rows  # warm-up (sql(), not execute(): no extra copy of the rows)
    times = []
    for _ in range(3):
        t = time.perf_counter()
        con.sql(sql).to_arrow_table()
        times.append(time.perf_counter() - t)
    con.close()
    return {"views": {only: {"ms": min(times) * 1000, "median_ms": statistics.median(times) * 1000, "rows": rows}}}
