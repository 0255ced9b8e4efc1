"""bench: build synthetic corpora of several sizes and measure every arrow against the usual tools.

`python -m scripts bench [--sizes 100,1000,10000] [--seed 0] [--out build/bench]`

Per size it generates a corpus with scripts/synth.py, then runs each measured command in its own
subprocess (so peak RSS is that command's own, read from getrusage in the child):

    build        load, locate, tables (per file, in workers), cache, validate, write, package+publish, db:
                 seconds, and peak RSS;
                 then the pyarrow floor: pq.write_table of the same Arrow tables, default options
    verify       scripts.publish.verify on the built datapackage.json (hashes, rows, every constraint, CSV + Parquet);
                 then again with every quote checked against its article (reported beside, not in the ratio)
    frictionless `frictionless validate` of a descriptor holding only the CSV resources (design 7:
                 its Parquet path is slow and wrong); with --frictionless-rows N it validates the first N
                 rows of each CSV and extrapolates each resource linearly by rows (said so in the output)
    views        every DuckDB view of the database, fetched in full to Arrow: best of 3 after a warm-up

At the largest size it also changes one annotation file and rebuilds. It writes OUT/results.json and
OUT/results.md (machine, table, goals) and prints the Markdown. Progress shows on a terminal only.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata as importlib_metadata
from pathlib import Path

from scripts.paths import REPO

ARROWS = ("load", "locate", "tables", "cache", "validate", "write", "package", "db")
BUILD_ARROWS = ARROWS[:-1]  # "full build": YAML -> every table located, validated, written and described
LIBRARIES = ("pyarrow", "duckdb", "pandas", "pandera", "PyYAML", "jsonschema", "edtf", "frictionless", "numpy")
GOALS = {  # name: (goal text, test)
    "build_over_frictionless": ("≤ 0.5", lambda v: v <= 0.5),
    "verify_over_frictionless": ("≤ 0.05", lambda v: v <= 0.05),
    "write_over_floor": ("≤ 3", lambda v: v <= 3),
    "scaling_exponent": ("≤ 1.1", lambda v: v <= 1.1),
    "rebuild_seconds": ("< 2 s", lambda v: v < 2),
    "peak_rss_mib": ("< 1024 MiB", lambda v: v < 1024),
    "slowest_view_ms": ("< 100 ms", lambda v: v < 100),
}


# ------------------------------------------------------------------------------------------------ children

def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _child(argv: list[str]) -> None:
    """Entry of the measured subprocesses: MODE ROOT RESULT_JSON."""
    mode, root, result_path = argv[0], Path(argv[1]), Path(argv[2])
    result = {"mode": mode}
    started = time.perf_counter()
    if mode == "build":
        result.update(_child_build(root))
    elif mode == "db":
        result.update(_child_db(root))
    elif mode == "verify":
        from scripts.publish.verify import verify

        t = time.perf_counter()
        checked, _ = verify(root / "datapackage.json", quotes=False)
        result.update(seconds=time.perf_counter() - t, files=len(checked))
    elif mode == "verify-quotes":
        from scripts.publish.verify import verify

        t = time.perf_counter()
        checked, articles = verify(root / "datapackage.json")
        result.update(seconds=time.perf_counter() - t, files=len(checked), articles=articles)
    elif mode == "views":
        result.update(_child_views(Path(argv[3]), argv[4] if len(argv) > 4 else None))
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    result["peak_rss_mib"] = _rss_mib()
    result["workers_peak_rss_mib"] = kids.ru_maxrss / 1024  # the largest worker process it waited for, if any
    result["cpu_seconds"] = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
    result["child_seconds"] = time.perf_counter() - started
    result_path.write_text(json.dumps(result), encoding="utf-8")


def _child_build(root: Path) -> dict:
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


def _child_db(root: Path) -> dict:
    """The db arrow in its own process, as `python -m scripts db` runs it after `build`."""
    try:
        from scripts.db.build import build_db
    except ImportError:
        return {"db": None}
    t = time.perf_counter()
    db = build_db(root)
    return {"db": str(db), "seconds": time.perf_counter() - t}


def _pyarrow_floor(tables) -> float:
    """Seconds to write the same Arrow tables straight to Parquet with pyarrow's defaults."""
    import pyarrow.parquet as pq

    with tempfile.TemporaryDirectory(prefix="bench-floor-") as tmp:
        t = time.perf_counter()
        for name, table in tables.items():
            pq.write_table(table, Path(tmp) / f"{name}.parquet")
        return time.perf_counter() - t


def _child_views(db: Path, only: str | None = None) -> dict:
    """Every view's name (only=None), or the timing of one view."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    con.execute(f"SET file_search_path = '{str(db.parent).replace(chr(39), chr(39) * 2)}'")
    names = [r[0] for r in con.execute(
        "SELECT view_name FROM duckdb_views() WHERE NOT internal AND schema_name = 'main' ORDER BY view_name").fetchall()]
    if only is None:
        con.close()
        return {"names": names}
    views = {}
    for name in [only]:
        sql = f'SELECT * FROM "{name}"'
        rows = con.sql(sql).to_arrow_table().num_rows  # warm-up (sql(), not execute(): no extra copy of the rows)
        times = []
        for _ in range(3):
            t = time.perf_counter()
            con.sql(sql).to_arrow_table()
            times.append(time.perf_counter() - t)
        views[name] = {"ms": min(times) * 1000, "median_ms": statistics.median(times) * 1000, "rows": rows}
    con.close()
    return {"views": views}


def _tree_rss_mib(pid: int) -> float:
    """Memory of a process and all its descendants (Linux /proc), in MiB: the sum of their
    proportional set sizes (PSS), where a page shared by n processes counts 1/n in each.
    Summing plain RSS would count the pages that forked workers share with their parent
    once per worker. Falls back to RSS where smaps_rollup is not readable."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            total += _pss_kib(p)
            with open(f"/proc/{p}/task/{p}/children") as f:
                stack.extend(int(c) for c in f.read().split())
        except (OSError, ValueError):
            continue
    return total / 1024


def _pss_kib(pid: int) -> int:
    for name, field in ((f"/proc/{pid}/smaps_rollup", "Pss:"), (f"/proc/{pid}/status", "VmRSS:")):
        try:
            with open(name) as f:
                for line in f:
                    if line.startswith(field):
                        return int(line.split()[1])
        except OSError:
            continue
    return 0


class ChildFailed(Exception):
    """A measured command failed, or was stopped for using more memory than --max-rss allows."""


MAX_RSS_MIB = [0.0]  # set by run(); 0 = no limit


def _run_child(mode: str, root: Path, *extra: str) -> dict:
    """Run one measured command in a fresh interpreter; sample the memory of its whole process tree.

    The tree is stopped (SIGKILL to its process group) if it passes the --max-rss limit, so that a
    runaway build fails this benchmark instead of making the kernel pick a victim on a shared machine.
    """
    with tempfile.NamedTemporaryFile(prefix=f"bench-{mode}-", suffix=".json", delete=False) as f:
        result_path = Path(f.name)
    code = "import sys; from benchmarks.bench import _child; _child(sys.argv[1:])"
    tree_peak, stopped = 0.0, None
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", code, mode, str(root), str(result_path), *extra], cwd=REPO,
                                stdout=out, stderr=err, stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            while proc.poll() is None:
                tree_peak = max(tree_peak, _tree_rss_mib(proc.pid))
                if MAX_RSS_MIB[0] and tree_peak > MAX_RSS_MIB[0] and stopped is None:
                    stopped = f"stopped at {tree_peak:,.0f} MiB resident (limit --max-rss {MAX_RSS_MIB[0] / 1024:g} GiB)"
                    os.killpg(proc.pid, 9)
                time.sleep(0.1)
        except BaseException:
            os.killpg(proc.pid, 9)
            proc.wait()
            raise
        wall = time.perf_counter() - t
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    try:
        if stopped or proc.returncode != 0:
            reason = stopped or (f"killed by signal {-proc.returncode}" if proc.returncode < 0 else f"exit {proc.returncode}")
            tail = "\n".join(line for line in (stderr + stdout).splitlines() if "\u2595" not in line)[-3000:]  # no progress bars
            raise ChildFailed(f"{mode} of {root} failed after {wall:.0f} s ({reason}; peak {tree_peak:,.0f} MiB)"
                              + (f":\n{tail}" if tail.strip() else ""))
        result = json.loads(result_path.read_text(encoding="utf-8"))
    finally:
        result_path.unlink(missing_ok=True)
    result["wall_seconds"] = wall
    result["tree_peak_rss_mib"] = max(tree_peak, result.get("peak_rss_mib", 0))  # sampled every 0.1 s
    return result


# ------------------------------------------------------------------------------------------------ frictionless

def frictionless_bin() -> list[str]:
    exe = Path(sys.executable).with_name("frictionless")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "frictionless"]


def _csv_head(src: Path, dst: Path, rows: int) -> int:
    """The header and the first `rows` records of a CSV (records may hold quoted newlines)."""
    import csv

    with open(src, newline="", encoding="utf-8") as fin, open(dst, "w", newline="", encoding="utf-8") as fout:
        reader, n = csv.reader(fin), 0
        writer = csv.writer(fout, lineterminator="\n")
        writer.writerow(next(reader))
        for record in reader:
            if n == rows:
                break
            writer.writerow(record)
            n += 1
    return n


def run_frictionless(root: Path, sample_rows: int = 0) -> dict:
    """`frictionless validate` of the CSV resources of ROOT/datapackage.json, timed as a user runs it.

    With sample_rows > 0, every CSV longer than that is cut to its first sample_rows records
    (referenced tables stay whole, so foreign keys still resolve); each resource's time is then
    scaled by its full/sampled row ratio and the fixed cost (start-up, package checks) added once.
    """
    root = Path(root).resolve()
    package = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    resources = [r for r in package["resources"] if r.get("format") == "csv"]
    referenced = {fk["reference"]["resource"] for r in resources for fk in r["schema"].get("foreignKeys", [])}
    folder = root / "build" / "frictionless"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    scale = {}
    for res in resources:
        res["path"] = str((root / res["path"]).resolve())
        if sample_rows and res["rows"] > sample_rows and res["name"] not in referenced:
            cut = folder / f"{res['name']}.csv"
            n = _csv_head(Path(res["path"]), cut, sample_rows)
            scale[res["name"]] = res["rows"] / n
            res["path"] = str(cut)
            res["rows"] = n
            for key in ("hash", "bytes"):  # they describe the whole file
                res.pop(key, None)
    descriptor = folder / "datapackage.json"
    descriptor.write_text(json.dumps({**package, "resources": resources}, ensure_ascii=False, indent=1), encoding="utf-8")
    t = time.perf_counter()
    proc = subprocess.run([*frictionless_bin(), "validate", "--json", "--trusted", str(descriptor)], cwd=folder,
                          capture_output=True, text=True)
    wall = time.perf_counter() - t
    try:
        report = json.loads(proc.stdout)
    except ValueError:
        raise SystemExit(f"bench: frictionless did not run (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    tasks = report.get("tasks", [])
    per_task = {t["name"]: t.get("stats", {}).get("seconds", 0.0) for t in tasks}
    errors = sum(t.get("stats", {}).get("errors", 0) for t in tasks) + len(report.get("errors", []))
    first_errors = [str(e.get("message", e)) for e in report.get("errors", [])[:3]]
    first_errors += [f"{t['name']}: {e.get('message', e)}" for t in tasks for e in t.get("errors", [])[:2]][:5]
    seconds = wall
    if scale:
        fixed = max(0.0, wall - sum(per_task.values()))
        seconds = fixed + sum(s * scale.get(name, 1.0) for name, s in per_task.items())
    return {"seconds": seconds, "measured_seconds": wall, "sampled": bool(scale), "sample_rows": sample_rows if scale else None,
            "scaled_resources": {k: round(v, 3) for k, v in scale.items()}, "task_seconds": per_task,
            "rows_validated": sum(r["rows"] for r in resources), "valid": bool(report.get("valid")), "errors": errors,
            "first_errors": first_errors}


# ------------------------------------------------------------------------------------------------ machine

def _mem_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return 0.0


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    mem = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    versions = {}
    for lib in LIBRARIES:
        try:
            versions[lib] = importlib_metadata.version(lib)
        except importlib_metadata.PackageNotFoundError:
            versions[lib] = None
    return {"nproc": os.cpu_count(), "memory_gib": round(mem / 2**30, 1), "cpu": cpu or platform.machine(),
            "python": platform.python_version(), "load_average": list(os.getloadavg()), "system": f"{platform.system()} {platform.release()}", "libraries": versions}


# ------------------------------------------------------------------------------------------------ driver

class Steps:
    """One progress bar over every measured step, on a terminal only."""

    def __init__(self, total: int):
        from scripts.progress import progress

        self.bar = progress(total, "bench")

    def __enter__(self):
        self.bar.__enter__()
        return self

    def __exit__(self, *exc):
        return self.bar.__exit__(*exc)

    def __call__(self, label: str):
        if self.bar.task is not None:
            self.bar.update(self.bar.task, description=label)
            self.bar.advance(self.bar.task)


def _exponent(t1, t2, n1, n2):
    if not (t1 and t2) or n1 == n2:
        return None
    return math.log(t2 / t1) / math.log(n2 / n1)


def _ratio(a, b):
    return a / b if a is not None and b else None


def measure_size(n: int, seed: int, out: Path, jobs: int, sample_rows: int, step) -> dict:
    """Every measure at one corpus size; a failed step is recorded in `failures` and the rest go on where they can."""
    from benchmarks.synth import generate

    root = out / f"corpus-{n}"
    run = {"articles": n, "root": str(root), "failures": {}}
    step(f"{n}: synth")
    synth = generate(n, seed, root, jobs=jobs, force=True, show_progress=False)
    run.update(synth_seconds=synth["seconds"], annotation_rows=synth["annotation_rows"], synth_rows=synth["rows"])

    def attempt(name, func, *args):
        step(f"{n}: {name}")
        try:
            return func(*args)
        except ChildFailed as e:
            run["failures"][name] = str(e)
            return None

    build = attempt("build", _run_child, "build", root)
    if build is None:
        return run
    arrows = dict(build["seconds"])
    build_seconds = sum(arrows[a] for a in BUILD_ARROWS)
    rows_total = sum(build["rows"].values())
    run.update(rows=build["rows"], rows_total=rows_total, build_seconds=build_seconds, build_wall_seconds=build["wall_seconds"],
               imports_seconds=build["imports_seconds"], rows_per_second=rows_total / build_seconds if build_seconds else None,
               peak_rss_mib=build["tree_peak_rss_mib"], process_peak_rss_mib=build["peak_rss_mib"],
               workers_peak_rss_mib=build.get("workers_peak_rss_mib"), rss_after_mib=build["rss_mib"],
               build_process_cpu_seconds=build.get("cpu_seconds"), pyarrow_floor_seconds=build["floor_seconds"],
               write_over_floor=_ratio(arrows["write"], build["floor_seconds"]))
    # verify reads what build wrote, so it runs next
    verify = attempt("verify", _run_child, "verify", root)
    if verify:
        run.update(verify_seconds=verify["seconds"], verify_wall_seconds=verify["wall_seconds"],
                   verify_peak_rss_mib=verify["tree_peak_rss_mib"])
    quoted = attempt("verify with quotes", _run_child, "verify-quotes", root)
    if quoted:
        run.update(verify_quotes_wall_seconds=quoted["wall_seconds"])
    db = attempt("db", _run_child, "db", root)
    if db and db.get("db"):
        arrows["db"] = db["seconds"]
        run["db_peak_rss_mib"] = db["tree_peak_rss_mib"]
    run["arrows"] = {a: arrows.get(a) for a in ARROWS}
    step(f"{n}: frictionless")
    fl = run_frictionless(root, sample_rows if n * 100 > sample_rows else 0)
    run.update(frictionless=fl, frictionless_seconds=fl["seconds"], build_over_frictionless=_ratio(build_seconds, fl["seconds"]),
               verify_over_frictionless=_ratio(run.get("verify_wall_seconds"), fl["seconds"]))
    if db and db.get("db"):  # each view in its own process: one runaway view does not hide the others
        listed = attempt("views", _run_child, "views", root, db["db"])
        run["views"] = {}
        for name in (listed or {}).get("names", []):
            timed = attempt(f"view {name}", _run_child, "views", root, db["db"], name)
            run["views"][name] = timed["views"][name] if timed else {"failed": run["failures"][f"view {name}"].splitlines()[0]}
        times = [v["ms"] for v in run["views"].values() if "ms" in v]
        if times and len(times) == len(run["views"]):
            run["slowest_view_ms"] = max(times)
    return run


def rebuild(run: dict) -> dict:
    """Change one annotation (a translation) in one source file and build again."""
    root = Path(run["root"])
    path = sorted((root / "annotations" / "sources").glob("*.yaml"))[0]
    text = path.read_text(encoding="utf-8")
    at = text.index("quote_en: \"") + len("quote_en: \"")
    path.write_text(text[:at] + "(edited) " + text[at:], encoding="utf-8")
    out = {"articles": run["articles"], "changed": path.relative_to(root).as_posix()}
    try:
        build = _run_child("build", root)
    except ChildFailed as e:
        return {**out, "failed": str(e)}
    seconds = sum(build["seconds"][a] for a in BUILD_ARROWS)
    return {**out, "seconds": seconds, "wall_seconds": build["wall_seconds"], "arrows": build["seconds"],
            "peak_rss_mib": build["tree_peak_rss_mib"]}


def summarise(results: dict) -> dict:
    """Scaling exponent between the smallest and largest sizes that built; goals at the largest size asked for."""
    runs = results["runs"]
    sizes = sorted(int(n) for n in runs)
    built = [n for n in sizes if runs[str(n)].get("build_seconds")]
    scaling = {"from": None, "to": None, "build": None, "per_arrow": {}}
    if len(built) >= 2:
        small, big = runs[str(built[0])], runs[str(built[-1])]
        scaling = {"from": built[0], "to": built[-1],
                   "build": _exponent(small["build_seconds"], big["build_seconds"], built[0], built[-1]),
                   "per_arrow": {a: _exponent(small["arrows"][a], big["arrows"][a], built[0], built[-1])
                                 for a in ARROWS if small["arrows"].get(a) and big["arrows"].get(a)}}
    results["scaling_exponent"] = scaling
    large = runs[str(sizes[-1])]
    rebuild = results.get("rebuild", {})
    values = {"build_over_frictionless": large.get("build_over_frictionless"),
              "verify_over_frictionless": large.get("verify_over_frictionless"),
              "write_over_floor": large.get("write_over_floor"),
              "scaling_exponent": scaling["build"] if scaling["to"] == sizes[-1] else None,
              "rebuild_seconds": rebuild.get("seconds"), "peak_rss_mib": large.get("peak_rss_mib"),
              "slowest_view_ms": large.get("slowest_view_ms")}
    failed = ", ".join(large.get("failures", {}))
    failed = f"not measured ({failed} failed at {sizes[-1]:,} articles; see the notes)" if failed else ""
    results["goals"] = {}
    for name, (goal, test) in GOALS.items():
        value = values[name]
        entry = {"value": value, "goal": goal, "met": None if value is None else bool(test(value)), "at_articles": sizes[-1]}
        if value is None and (failed or rebuild.get("failed")):
            entry["met"] = False
            entry["note"] = "not measured (the rebuild failed; see the notes)" if name == "rebuild_seconds" and rebuild.get("failed") else failed
        results["goals"][name] = entry
    return results


def _fmt(value, digits=2):
    if value is None:
        return "–"
    if isinstance(value, float):
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.{digits}f}" if abs(value) >= 0.01 or value == 0 else f"{value:.4f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def markdown(results: dict) -> str:
    m, runs = results["machine"], results["runs"]
    sizes = sorted(runs, key=int)
    libs = ", ".join(f"{k} {v}" for k, v in m["libraries"].items() if v)
    lines = [f"# Benchmark ({results['finished']})", "",
             f"Machine: {m['nproc']} cores ({m['cpu']}), {m['memory_gib']} GiB, {m['system']}, Python {m['python']}; {libs}.",
             f"Load average (1/5/15 min) at start {' '.join(f'{x:.1f}' for x in m['load_average'])}, at end "
             f"{' '.join(f'{x:.1f}' for x in m.get('load_average_end', []))}: wall times include any other work on the machine.",
             f"Synthetic corpora from `scripts/synth.py`, seed {results['seed']}; times in seconds unless marked.", "",
             "| measure | " + " | ".join(f"{int(n):,} articles" for n in sizes) + " |",
             "|---|" + "---:|" * len(sizes)]

    def row(label, get, digits=2):
        def cell(run):
            try:
                return _fmt(get(run), digits)
            except (KeyError, TypeError):
                return "failed" if run.get("failures") else "–"
        lines.append(f"| {label} | " + " | ".join(cell(runs[n]) for n in sizes) + " |")

    row("annotation rows (mentions + figures)", lambda r: r["annotation_rows"])
    row("rows, all tables", lambda r: r["rows_total"])
    row("synth", lambda r: r["synth_seconds"])
    for a in ARROWS:
        row(f"{a}", lambda r, a=a: r["arrows"].get(a))
    row("**full build** (load → package)", lambda r: r["build_seconds"])
    row("build process wall (with imports)", lambda r: r["build_wall_seconds"])
    row("rows per second (full build)", lambda r: r["rows_per_second"], 0)
    row("peak memory of the build, MiB (PSS of process + workers, sampled every 0.1 s)", lambda r: r["peak_rss_mib"], 0)
    row("peak RSS of the build's main process, MiB", lambda r: r["process_peak_rss_mib"], 0)
    row("CPU seconds of the build process (+ workers and floor)", lambda r: r["build_process_cpu_seconds"])
    row("peak RSS of db, MiB (own process)", lambda r: r["db_peak_rss_mib"], 0)
    row("pyarrow floor (pq.write_table)", lambda r: r["pyarrow_floor_seconds"])
    row("verify (process wall: hashes, rows, every constraint, CSV and Parquet)", lambda r: r["verify_wall_seconds"])
    row("verify + every quote against its article (process wall)", lambda r: r.get("verify_quotes_wall_seconds"))
    row("frictionless validate (CSV)", lambda r: r["frictionless_seconds"])
    row("build ÷ frictionless (goal ≤ 0.5)", lambda r: r["build_over_frictionless"])
    row("verify ÷ frictionless (goal ≤ 0.05)", lambda r: r["verify_over_frictionless"], 3)
    row("write ÷ pyarrow floor (goal ≤ 3)", lambda r: r["write_over_floor"])
    row("slowest view, ms (goal < 100)", lambda r: r["slowest_view_ms"], 1)
    notes = []
    for n in sizes:
        fl = runs[n].get("frictionless")
        for step_name, message in runs[n].get("failures", {}).items():
            notes.append(f"- {int(n):,} articles: **{step_name} failed**: {message.splitlines()[0]}")
        if fl and fl["sampled"]:
            notes.append(f"- {int(n):,} articles: frictionless validated the first {fl['sample_rows']:,} rows of "
                         f"{', '.join(fl['scaled_resources'])} (referenced tables whole) in {fl['measured_seconds']:.1f} s; "
                         f"the figure above extrapolates each of those resources linearly by rows.")
        if fl and not fl["valid"]:
            notes.append(f"- {int(n):,} articles: frictionless reported {fl['errors']} error(s), e.g. {'; '.join(fl['first_errors'][:2])}")
    large = runs[sizes[-1]]
    if large.get("views"):
        lines += ["", f"DuckDB views over the {int(sizes[-1]):,}-article database (full result to Arrow, best of 3):", "",
                  "| view | rows | ms |", "|---|---:|---:|"]
        lines += [f"| {name} | {v['rows']:,} | {v['ms']:.1f} |" if "ms" in v else f"| {name} | – | failed: {v['failed']} |"
                  for name, v in large["views"].items()]
    sc = results["scaling_exponent"]
    if sc["build"] is not None:
        lines += ["", f"Scaling exponent {sc['from']:,} → {sc['to']:,} articles (log t₂/t₁ ÷ log n₂/n₁): full build "
                  f"{_fmt(sc['build'])}; " + ", ".join(f"{a} {_fmt(v)}" for a, v in sc["per_arrow"].items()) + "."]
    rb = results.get("rebuild")
    if rb and "seconds" in rb:
        lines.append(f"Rebuild after changing one annotation file ({rb['changed']}) at {rb['articles']:,} articles: "
                     f"{rb['seconds']:.2f} s (" + ", ".join(f"{a} {v:.2f}" for a, v in rb["arrows"].items()) + ").")
    elif rb:
        lines.append(f"Rebuild after changing {rb['changed']} at {rb['articles']:,} articles failed: {rb['failed'].splitlines()[0]}")
    lines += ["", "| goal | value | target | met |", "|---|---:|---|---|"]
    for name, g in results["goals"].items():
        lines.append(f"| {name.replace('_', ' ')} | {_fmt(g['value']) if g['value'] is not None else g.get('note', '–')} | "
                     f"{g['goal']} | {'yes' if g['met'] else ('–' if g['met'] is None else 'no')} |")
    if notes:
        lines += ["", "Notes:", *notes]
    return "\n".join(lines) + "\n"


def run(sizes: list[int], seed: int, out: Path, jobs: int = 2, sample_rows: int = 0, keep: bool = False,
        max_rss_gib: float = 0.0) -> dict:
    out = Path(out).resolve()  # the measured commands run in other working directories
    MAX_RSS_MIB[0] = max_rss_gib * 1024
    out.mkdir(parents=True, exist_ok=True)
    sizes = sorted(set(sizes))
    results = {"started": time.strftime("%Y-%m-%d %H:%M:%S"), "seed": seed, "sizes": sizes, "machine": machine(),
               "frictionless_sample_rows": sample_rows or None, "max_rss_gib": max_rss_gib or None, "runs": {}}
    t0 = time.perf_counter()
    with Steps(6 * len(sizes) + 1) as step:
        for n in sizes:
            results["runs"][str(n)] = measure_size(n, seed, out, jobs, sample_rows, step)
            if n != sizes[-1] and not keep:
                shutil.rmtree(out / f"corpus-{n}", ignore_errors=True)
        step(f"{sizes[-1]}: rebuild")
        if "build" not in results["runs"][str(sizes[-1])]["failures"]:
            results["rebuild"] = rebuild(results["runs"][str(sizes[-1])])
        if not keep:
            shutil.rmtree(out / f"corpus-{sizes[-1]}", ignore_errors=True)
    results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
    results["machine"]["load_average_end"] = list(os.getloadavg())
    results["bench_seconds"] = time.perf_counter() - t0
    summarise(results)
    (out / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / "results.md").write_text(markdown(results), encoding="utf-8")
    return results


def docs_page(results: dict) -> str:
    """The docs site's benchmark page: the latest run's Markdown under a heading of its own."""
    body = markdown(results).split("\n", 1)[1]  # without its "# Benchmark (date)" heading
    return (f"# Benchmark\n\nThe latest run of `make bench` ({results['finished']}), which writes this page "
            "(`docs/benchmark.md`) and `build/bench/results.json`. How the build is made fast is in "
            "[Architecture](architecture.md); how the files are read at scale is in [At scale](at-scale.md).\n"
            + body)


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(s) for s in text.split(",") if s.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"sizes are comma-separated integers, e.g. 100,1000,10000 (got {text!r})")
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes must be positive")
    return sizes


def add_arguments(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    p.add_argument("--sizes", type=_sizes, default=[100, 1000, 10000], help="corpus sizes in articles (default 100,1000,10000)")
    p.add_argument("--seed", type=int, default=0, help="seed of the synthetic corpora (default 0)")
    p.add_argument("--out", type=Path, default=Path("build/bench"), help="folder for corpora and results (default build/bench)")
    p.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="worker processes for synth (default: up to 2)")
    p.add_argument("--frictionless-rows", type=int, default=0, metavar="N",
                   help="validate only the first N rows of each large CSV with frictionless and extrapolate (default 0: all rows)")
    p.add_argument("--keep", action="store_true", help="keep the generated corpora and their builds")
    p.add_argument("--docs", type=Path, metavar="PAGE", help="also write the results as this page of the docs site "
                                                             "(make bench: docs/benchmark.md, committed with the code)")
    p.add_argument("--max-rss", type=float, default=round(_mem_gib() * 0.6, 1), metavar="GIB",
                   help="stop a measured command whose processes together pass this resident memory and record it as "
                        "failed (default: 60%% of this machine's memory; 0 = no limit)")
    return p


def main(args: argparse.Namespace) -> int:
    results = run(args.sizes, args.seed, args.out, jobs=args.jobs, sample_rows=args.frictionless_rows, keep=args.keep,
                  max_rss_gib=args.max_rss)
    failed = any(r.get("failures") for r in results["runs"].values()) or "failed" in results.get("rebuild", {})
    print(markdown(results), end="")
    if args.docs:
        args.docs.write_text(docs_page(results), encoding="utf-8")
    print(f"wrote {Path(args.out) / 'results.json'} and results.md{f' and {args.docs}' if args.docs else ''} "
          f"in {results['bench_seconds']:.0f}s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(add_arguments(argparse.ArgumentParser(prog="python -m benchmarks.bench", description=__doc__.splitlines()[0])).parse_args()))
