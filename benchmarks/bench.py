"""bench: build synthetic corpora of several sizes and measure every arrow against the usual tools.

`python -m scripts bench [--sizes 100,1000,10000] [--seed 0] [--out build/bench]`

Per size it generates a corpus with benchmarks/synth.py, then runs each measured command in its own
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

This module is the driver (the steps per size, the rebuild, the goals) and the command line. The
other jobs have modules of their own: children (the measured commands, inside the subprocesses),
sampling (starting a child, its process tree's memory, the --max-rss stop), frictionless_run (the
baseline), machine (what it ran on) and report (the Markdown).
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

from benchmarks.children import ARROWS, BUILD_ARROWS
from benchmarks.frictionless_run import run_frictionless
from benchmarks.machine import machine, mem_gib
from benchmarks.report import docs_page, markdown
from benchmarks.sampling import ChildFailed, run_child, set_max_rss

GOALS = {  # name: (goal text, test)
    "build_over_frictionless": ("≤ 0.5", lambda v: v <= 0.5),
    "verify_over_frictionless": ("≤ 0.05", lambda v: v <= 0.05),
    "write_over_floor": ("≤ 3", lambda v: v <= 3),
    "scaling_exponent": ("≤ 1.1", lambda v: v <= 1.1),
    "rebuild_seconds": ("< 2 s", lambda v: v < 2),
    "peak_rss_mib": ("< 1024 MiB", lambda v: v < 1024),
    "slowest_view_ms": ("< 100 ms", lambda v: v < 100),
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

    build = attempt("build", run_child, "build", root)
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
    verify = attempt("verify", run_child, "verify", root)
    if verify:
        run.update(verify_seconds=verify["seconds"], verify_wall_seconds=verify["wall_seconds"],
                   verify_peak_rss_mib=verify["tree_peak_rss_mib"])
    quoted = attempt("verify with quotes", run_child, "verify-quotes", root)
    if quoted:
        run.update(verify_quotes_wall_seconds=quoted["wall_seconds"])
    db = attempt("db", run_child, "db", root)
    if db and db.get("db"):
        arrows["db"] = db["seconds"]
        run["db_peak_rss_mib"] = db["tree_peak_rss_mib"]
    run["arrows"] = {a: arrows.get(a) for a in ARROWS}
    step(f"{n}: frictionless")
    fl = run_frictionless(root, sample_rows if n * 100 > sample_rows else 0)
    run.update(frictionless=fl, frictionless_seconds=fl["seconds"], build_over_frictionless=_ratio(build_seconds, fl["seconds"]),
               verify_over_frictionless=_ratio(run.get("verify_wall_seconds"), fl["seconds"]))
    if db and db.get("db"):  # each view in its own process: one runaway view does not hide the others
        listed = attempt("views", run_child, "views", root, db["db"])
        run["views"] = {}
        for name in (listed or {}).get("names", []):
            timed = attempt(f"view {name}", run_child, "views", root, db["db"], name)
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
        build = run_child("build", root)
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
            rebuild_failed = name == "rebuild_seconds" and rebuild.get("failed")
            entry["note"] = "not measured (the rebuild failed; see the notes)" if rebuild_failed else failed
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


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(s) for s in text.split(",") if s.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"sizes are comma-separated integers, e.g. 100,1000,10000 (got {text!r})") from None
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
    p.add_argument("--max-rss", type=float, default=round(mem_gib() * 0.6, 1), metavar="GIB",
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
    from scripts.cli import run_benchmark_command

    sys.exit(run_benchmark_command("bench", sys.argv[1:]))
