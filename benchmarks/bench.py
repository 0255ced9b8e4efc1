"""bench: build synthetic corpora of several sizes and measure every command against the usual tools.

`python -m scripts bench [--sizes 1000,10000,50000] [--seed 0] [--out build/bench]`

Per size it generates a corpus with benchmarks/synth.py, then runs each measured command as a whole
process, exactly as a user runs it, and measures every one the same way (benchmarks.sampling):
wall time from start to exit (interpreter start-up and imports included), CPU seconds (user +
system) of the whole process tree, and peak memory as the sum of PSS over the process tree.

    build        `python -m scripts build` (cold: a fresh corpus), with its arrows timed inside
    verify       `python -m scripts verify`, the default: hashes, rows, headers, every constraint,
                 keys and foreign keys of CSV and Parquet, and every quote against its article
    db           `python -m scripts db`
    frictionless `frictionless validate` of a descriptor holding only the CSV resources (design 7:
                 its Parquet path is slow and wrong); with --frictionless-rows N it validates the first N
                 rows of each CSV and extrapolates each resource linearly by rows (said so in the output)
    floor        pq.write_table of the built tables with pyarrow's defaults (the floor of the write arrow)
    views        every DuckDB view materialised inside DuckDB (CREATE TEMP TABLE AS SELECT *): best of 3;
                 beside it, copying its rows from a table (the floor of any statement giving them)
    rebuild      one annotation file changed, then `python -m scripts build` again (from the row cache)

It writes OUT/results.json and OUT/results.md (machine, load, tables, scaling, goals) and prints the
Markdown. Progress shows on a terminal only.

This module is the driver (the steps per size, the goals) and the command line. The other jobs have
modules of their own: children (the measured commands, inside the subprocesses), sampling (running
a process and measuring it, the --max-rss stop), frictionless_run (the baseline), machine (what it
ran on) and report (the Markdown).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sys
import time
from pathlib import Path

from benchmarks.children import ARROWS
from benchmarks.frictionless_run import run_frictionless
from benchmarks.machine import machine, mem_gib
from benchmarks.report import docs_page, markdown
from benchmarks.sampling import ChildFailed, run_child, set_max_rss

DEFAULT_SIZES = [1000, 10_000, 50_000]


def _at(n, *path):
    """A value of the run at n articles, following keys (None where anything is missing)."""
    def get(runs, scaling=None):
        value = runs.get(str(n))
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        return value
    return get


def _exponent_of(measure, n1, n2):
    return lambda runs, scaling: scaling.get(measure, {}).get(f"{n1}-{n2}")


# The goals of issue 17, each at the corpus sizes it names: name -> (sizes, value, target text, test).
GOALS = {
    "build CPU ÷ frictionless CPU": ((10_000,), _at(10_000, "ratios", "build_cpu"), "≤ 0.5", lambda v: v <= 0.5),
    "build wall ÷ frictionless wall": ((10_000,), _at(10_000, "ratios", "build_wall"), "≤ 0.35", lambda v: v <= 0.35),
    "build peak memory, MiB": ((50_000,), _at(50_000, "build", "tree_peak_pss_mib"), "< 1024", lambda v: v < 1024),
    "build memory exponent 10k → 50k": ((10_000, 50_000), _exponent_of("build peak memory", 10_000, 50_000),
                                        "< 1 (sub-linear)", lambda v: v < 1),
    "build CPU exponent 10k → 50k": ((10_000, 50_000), _exponent_of("build CPU", 10_000, 50_000), "≤ 1.05",
                                     lambda v: v <= 1.05),
    "rebuild after one edit, process wall s": ((10_000,), _at(10_000, "rebuild", "wall_seconds"), "≤ 1", lambda v: v <= 1),
    "slowest view materialised, ms": ((10_000,), _at(10_000, "slowest_view_ms"), "< 100", lambda v: v < 100),
    "verify peak memory, MiB": ((10_000,), _at(10_000, "verify", "tree_peak_pss_mib"), "< 512", lambda v: v < 512),
    "verify wall ÷ frictionless wall (earlier goal)": ((10_000,), _at(10_000, "ratios", "verify_wall"), "≤ 0.05",
                                                       lambda v: v <= 0.05),
    "write ÷ pyarrow floor (earlier goal)": ((10_000,), _at(10_000, "write_over_floor"), "≤ 3", lambda v: v <= 3),
}

# The measures whose growth is reported: name -> where its value sits in a size's run.
SCALED = {
    "build wall": ("build", "wall_seconds"), "build CPU": ("build", "cpu_seconds"),
    "build peak memory": ("build", "tree_peak_pss_mib"),
    "verify wall": ("verify", "wall_seconds"), "verify CPU": ("verify", "cpu_seconds"),
    "verify peak memory": ("verify", "tree_peak_pss_mib"),
    "frictionless wall": ("frictionless", "seconds"), "frictionless CPU": ("frictionless", "cpu_seconds"),
}


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


def _process(measured: dict) -> dict:
    """The process measures of one command, as results.json keeps them."""
    keys = ("wall_seconds", "cpu_seconds", "user_seconds", "system_seconds", "tree_peak_pss_mib", "largest_process_rss_mib")
    return {k: measured.get(k) for k in keys}


def measure_size(n: int, seed: int, out: Path, jobs: int, sample_rows: int, step) -> dict:
    """Every measure at one corpus size; a failed step is recorded in `failures` and the rest go on where they can."""
    from benchmarks.synth import generate

    root = out / f"corpus-{n}"
    run = {"articles": n, "root": str(root), "failures": {}, "load_average_before": list(os.getloadavg())}
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

    build = attempt("build", run_child, "build", root)
    if build is None:
        return run
    run["build"] = _process(build)
    run.update(rows=build["rows"], rows_total=sum(build["rows"].values()), arrows=build["arrows"],
               arrows_seconds=sum(build["arrows"].values()))
    run["rows_per_second"] = _ratio(run["rows_total"], run["build"]["wall_seconds"])
    for name in ("verify", "db"):  # verify reads what build wrote, db too
        measured = attempt(name, run_child, name, root)
        if measured:
            run[name] = _process(measured)
    floor = attempt("floor", run_child, "floor", root)
    if floor:
        run["floor_seconds"] = floor["floor_seconds"]
        run["write_over_floor"] = _ratio(run["arrows"]["write"], floor["floor_seconds"])
    step(f"{n}: frictionless")
    fl = run_frictionless(root, sample_rows if n * 100 > sample_rows else 0)
    run["frictionless"] = fl
    run["ratios"] = {"build_wall": _ratio(run["build"]["wall_seconds"], fl["seconds"]),
                     "build_cpu": _ratio(run["build"]["cpu_seconds"], fl["cpu_seconds"]),
                     "verify_wall": _ratio(run.get("verify", {}).get("wall_seconds"), fl["seconds"]),
                     "verify_cpu": _ratio(run.get("verify", {}).get("cpu_seconds"), fl["cpu_seconds"])}
    if "db" in run:  # each view in its own process: one runaway view does not hide the others
        db = root / "build" / f"{json.loads((root / 'datapackage.json').read_text(encoding='utf-8'))['name']}.duckdb"
        listed = attempt("views", run_child, "views", root, str(db))
        run["views"] = {}
        for name in (listed or {}).get("names", []):
            timed = attempt(f"view {name}", run_child, "views", root, str(db), name)
            run["views"][name] = timed["views"][name] if timed else {"failed": run["failures"][f"view {name}"].splitlines()[0]}
        times = [v["ms"] for v in run["views"].values() if "ms" in v]
        if times and len(times) == len(run["views"]):
            run["slowest_view_ms"] = max(times)
    step(f"{n}: rebuild")
    run["rebuild"] = rebuild(root)
    return run


def rebuild(root: Path) -> dict:
    """Change one annotation (a translation) in one source file and build again, as a whole process."""
    path = sorted((root / "annotations" / "sources").glob("*.yaml"))[0]
    text = path.read_text(encoding="utf-8")
    at = text.index("quote_en: \"") + len("quote_en: \"")
    path.write_text(text[:at] + "(edited) " + text[at:], encoding="utf-8")
    out = {"changed": path.relative_to(root).as_posix()}
    try:
        build = run_child("build", root)
    except ChildFailed as e:
        return {**out, "failed": str(e)}
    return {**out, **_process(build), "arrows": build["arrows"], "files_read": build["files_read"]}


def summarise(results: dict) -> dict:
    """Scaling exponents between consecutive sizes; each goal at the size it names."""
    runs = results["runs"]
    sizes = sorted(int(n) for n in runs)
    scaling = {}
    for name, path in SCALED.items():
        scaling[name] = {}
        for n1, n2 in zip(sizes, sizes[1:]):
            v1, v2 = _at(n1, *path)(runs), _at(n2, *path)(runs)
            scaling[name][f"{n1}-{n2}"] = _exponent(v1, v2, n1, n2)
    for arrow in ARROWS:
        scaling[f"arrow {arrow}"] = {f"{n1}-{n2}": _exponent(_at(n1, "arrows", arrow)(runs), _at(n2, "arrows", arrow)(runs), n1, n2)
                                     for n1, n2 in zip(sizes, sizes[1:])}
    results["scaling"] = scaling
    results["goals"] = {}
    for name, (at, get, goal, test) in GOALS.items():
        value = get(runs, scaling)
        entry = {"at": list(at), "value": value, "goal": goal, "met": None if value is None else bool(test(value))}
        if value is None:
            ran = all(str(n) in runs for n in at)
            entry["note"] = "not measured (" + ("a step failed; see the notes" if ran else "that size was not run") + ")"
        results["goals"][name] = entry
    return results


def run(sizes: list[int], seed: int, out: Path, jobs: int = 2, sample_rows: int = 0, keep: bool = False,
        max_rss_gib: float = 0.0) -> dict:
    out = Path(out).resolve()  # the measured commands run in other working directories
    set_max_rss(max_rss_gib)
    out.mkdir(parents=True, exist_ok=True)
    sizes = sorted(set(sizes))
    results = {"started": time.strftime("%Y-%m-%d %H:%M:%S"), "seed": seed, "sizes": sizes, "machine": machine(),
               "frictionless_sample_rows": sample_rows or None, "max_rss_gib": max_rss_gib or None, "runs": {}}
    t0 = time.perf_counter()
    with Steps(9 * len(sizes)) as step:
        for n in sizes:
            results["runs"][str(n)] = measure_size(n, seed, out, jobs, sample_rows, step)
            if not keep:
                shutil.rmtree(out / f"corpus-{n}", ignore_errors=True)
    results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
    results["machine"]["load_average_end"] = list(os.getloadavg())
    results["bench_seconds"] = time.perf_counter() - t0
    summarise(results)
    (out / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / "results.md").write_text(markdown(results), encoding="utf-8")
    return results


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(s) for s in text.split(",") if s.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"sizes are comma-separated integers, e.g. 1000,10000,50000 (got {text!r})") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes must be positive")
    return sizes


def add_arguments(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    p.add_argument("--sizes", type=_sizes, default=DEFAULT_SIZES,
                   help="corpus sizes in articles (default 1000,10000,50000: the goals are set at 10,000 and 50,000)")
    p.add_argument("--seed", type=int, default=0, help="seed of the synthetic corpora (default 0)")
    p.add_argument("--out", type=Path, default=Path("build/bench"), help="folder for corpora and results (default build/bench)")
    p.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="worker processes for synth (default: up to 2)")
    p.add_argument("--frictionless-rows", type=int, default=0, metavar="N",
                   help="validate only the first N rows of each large CSV with frictionless and extrapolate (default 0: all rows)")
    p.add_argument("--keep", action="store_true", help="keep the generated corpora and their builds")
    p.add_argument("--docs", type=Path, metavar="PAGE", help="also write the results as this page of the docs site "
                                                             "(make bench: docs/benchmark.md, committed with the code)")
    p.add_argument("--max-rss", type=float, default=round(mem_gib() * 0.6, 1), metavar="GIB",
                   help="stop a measured command whose processes together pass this resident memory and record it as "
                        "failed (default: 60%% of this machine's memory; 0 = no limit)")
    return p


def main(args: argparse.Namespace) -> int:
    results = run(args.sizes, args.seed, args.out, jobs=args.jobs, sample_rows=args.frictionless_rows, keep=args.keep,
                  max_rss_gib=args.max_rss)
    failed = any(r.get("failures") or "failed" in r.get("rebuild", {}) for r in results["runs"].values())
    print(markdown(results), end="")
    if args.docs:
        args.docs.write_text(docs_page(results), encoding="utf-8")
    print(f"wrote {Path(args.out) / 'results.json'} and results.md{f' and {args.docs}' if args.docs else ''} "
          f"in {results['bench_seconds']:.0f}s")
    return 1 if failed else 0


if __name__ == "__main__":
    from scripts.cli import run_benchmark_command

    sys.exit(run_benchmark_command("bench", sys.argv[1:]))
