"""report: the benchmark's results as Markdown.

`markdown(results)` gives results.md and what `bench` prints: the machine and its load, how every
measure was taken, one table of every measure by corpus size (wall time with CPU seconds beside
it, a CPU ratio beside every wall ratio), the DuckDB views, the scaling exponents between sizes,
the goals table and notes on failed or sampled steps. `docs_page(results)` is the same under the
docs site's own heading (docs/benchmark.md, written by `make bench`).
"""
from __future__ import annotations

from benchmarks.children import ARROWS


def _fmt(value, digits=2):
    """A cell: thousands separated, small values with more decimals, None as a dash."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.{digits}f}" if abs(value) >= 0.01 or value == 0 else f"{value:.4f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _get(*path):
    def get(run):
        value = run
        for key in path:
            value = value[key]
        return value
    return get


def _process_rows(label: str, key: str, memory: bool = True) -> list[tuple]:
    rows = [(f"{label}: wall s", _get(key, "wall_seconds"), 2), (f"{label}: CPU s (process tree)", _get(key, "cpu_seconds"), 2)]
    if memory:
        rows.append((f"{label}: peak memory MiB (PSS of the process tree)", _get(key, "tree_peak_pss_mib"), 0))
    return rows


# The rows of the measures table: label, how to read the value from one size's run, decimals.
MEASURES = [
    ("annotation rows (mentions + figures)", _get("annotation_rows"), 2),
    ("rows, all tables", _get("rows_total"), 2),
    ("load average (1 min) before this size", lambda r: r["load_average_before"][0], 1),
    *_process_rows("**build**", "build"),
    ("build: largest single process RSS MiB (ru_maxrss)", _get("build", "largest_process_rss_mib"), 0),
    *[(f"build arrow {a} (in-process wall s)", lambda r, a=a: r["arrows"].get(a), 2) for a in ARROWS],
    ("rows per second (build wall)", _get("rows_per_second"), 0),
    *_process_rows("**verify** (default: every quote too)", "verify"),
    *_process_rows("db", "db"),
    *_process_rows("**frictionless validate** (CSV)", "frictionless"),
    ("**build ÷ frictionless, wall**", _get("ratios", "build_wall"), 3),
    ("**build ÷ frictionless, CPU**", _get("ratios", "build_cpu"), 3),
    ("verify ÷ frictionless, wall", _get("ratios", "verify_wall"), 3),
    ("verify ÷ frictionless, CPU", _get("ratios", "verify_cpu"), 3),
    ("pyarrow floor (pq.write_table, in-process s)", _get("floor_seconds"), 2),
    ("write arrow ÷ pyarrow floor", _get("write_over_floor"), 2),
    *_process_rows("rebuild after one edit", "rebuild", memory=False),
    ("slowest view materialised, ms", _get("slowest_view_ms"), 1),
]


def markdown(results: dict) -> str:
    """The whole report: machine, method, measures by size, views, scaling, goals, notes."""
    runs = results["runs"]
    sizes = sorted(runs, key=int)
    lines = _header(results) + _measures_table(runs, sizes) + _views_table(runs, sizes)
    lines += _scaling_table(results, sizes) + _rebuilds(runs, sizes) + _goals_table(results["goals"])
    notes = _notes(runs, sizes)
    if notes:
        lines += ["", "Notes:", *notes]
    return "\n".join(lines) + "\n"


def _header(results: dict) -> list[str]:
    m = results["machine"]
    libs = ", ".join(f"{k} {v}" for k, v in m["libraries"].items() if v)
    load = " ".join(f"{x:.2f}" for x in m["load_average"])
    load_end = " ".join(f"{x:.2f}" for x in m.get("load_average_end", []))
    return [f"# Benchmark ({results['finished']})", "",
            f"Machine: **{m['nproc']} cores** ({m['cpu']}), {m['memory_gib']} GiB, {m['system']}, Python {m['python']}; {libs}.",
            f"**Load average** (1/5/15 min) at start {load}, at end {load_end}: wall times include any other work on "
            "the machine; CPU seconds are the measured processes' own.",
            f"Synthetic corpora from `benchmarks/synth.py`, seed {results['seed']}; the whole run took "
            f"{results.get('bench_seconds', 0) / 60:.0f} minutes.", "",
            "How: every command is a whole process started as a user starts it (`python -m scripts build`, "
            "`frictionless validate`, ...), so interpreter start-up and imports are in every time, on both sides of "
            "every ratio. Wall time runs from the start to the exit; CPU seconds are user + system of the process "
            "and every process it waited for (its workers), from `wait4`; peak memory is the largest sum of the "
            "proportional set sizes (PSS) of the process and all its descendants, sampled every 0.05 s (a peak "
            "shorter than that can be missed). The arrows of the build are timed inside the same process.", ""]


def _cell(run, get, digits):
    try:
        return _fmt(get(run), digits)
    except (KeyError, TypeError):
        return "failed" if run.get("failures") else "–"


def _measures_table(runs: dict, sizes: list[str]) -> list[str]:
    """One row per measure, one column per size; a value a failed run lacks reads "failed"."""
    lines = ["| measure | " + " | ".join(f"{int(n):,} articles" for n in sizes) + " |", "|---|" + "---:|" * len(sizes)]
    for label, get, digits in MEASURES:
        lines.append(f"| {label} | " + " | ".join(_cell(runs[n], get, digits) for n in sizes) + " |")
    return lines


def _views_table(runs: dict, sizes: list[str]) -> list[str]:
    names = sorted({v for n in sizes for v in runs[n].get("views", {})})
    if not names:
        return []
    lines = ["", "DuckDB views materialised inside DuckDB (`CREATE TEMP TABLE t AS SELECT * FROM view`), ms, best of 3 "
             "after a warm-up; in brackets, the rows and the ms of copying those rows from a table that holds them "
             "(about the least any statement giving those rows can take):", "",
             "| view | " + " | ".join(f"{int(n):,} articles" for n in sizes) + " |", "|---|" + "---:|" * len(sizes)]
    for name in names:
        cells = []
        for n in sizes:
            v = runs[n].get("views", {}).get(name)
            cells.append("–" if v is None else (f"{v['ms']:.1f} ({v['rows']:,}; {v['copy_ms']:.1f})" if "ms" in v
                                                 else f"failed: {v['failed']}"))
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def _scaling_table(results: dict, sizes: list[str]) -> list[str]:
    pairs = [f"{a}-{b}" for a, b in zip(sizes, sizes[1:])]
    if not pairs:
        return []
    lines = ["", "Scaling exponents (log(v₂/v₁) ÷ log(n₂/n₁): 1 is linear):", "",
             "| measure | " + " | ".join(f"{int(p.split('-')[0]):,} → {int(p.split('-')[1]):,}" for p in pairs) + " |",
             "|---|" + "---:|" * len(pairs)]
    for name, by_pair in results["scaling"].items():
        lines.append(f"| {name} | " + " | ".join(_fmt(by_pair.get(p)) for p in pairs) + " |")
    return lines


def _rebuilds(runs: dict, sizes: list[str]) -> list[str]:
    lines = []
    for n in sizes:
        rb = runs[n].get("rebuild")
        if rb and "wall_seconds" in rb:
            lines.append(f"- {int(n):,} articles: changed {rb['changed']}; {rb['files_read']} file(s) read again; process "
                         f"wall {rb['wall_seconds']:.2f} s, CPU {rb['cpu_seconds']:.2f} s (in-process: "
                         + ", ".join(f"{a} {v:.2f}" for a, v in rb["arrows"].items()) + ").")
        elif rb:
            lines.append(f"- {int(n):,} articles: the rebuild after changing {rb['changed']} failed: {rb['failed'].splitlines()[0]}")
    return ["", "Rebuild after changing one annotation file (`python -m scripts build` again, from the row cache):", "",
            *lines] if lines else []


def _goals_table(goals: dict) -> list[str]:
    lines = ["", "| goal (issue 17) | at articles | value | target | met |", "|---|---|---:|---|---|"]
    for name, g in goals.items():
        at = " → ".join(f"{n:,}" for n in g["at"])
        value = _fmt(g["value"]) if g["value"] is not None else g.get("note", "–")
        met = "yes" if g["met"] else ("–" if g["met"] is None else "**no**")
        lines.append(f"| {name} | {at} | {value} | {g['goal']} | {met} |")
    return lines


def _notes(runs: dict, sizes: list[str]) -> list[str]:
    """Failed steps, frictionless runs that were sampled, and frictionless's own errors, by size."""
    notes = []
    for n in sizes:
        fl = runs[n].get("frictionless")
        for step_name, message in runs[n].get("failures", {}).items():
            notes.append(f"- {int(n):,} articles: **{step_name} failed**: {message.splitlines()[0]}")
        if fl and fl["sampled"]:
            notes.append(f"- {int(n):,} articles: frictionless validated the first {fl['sample_rows']:,} rows of "
                         f"{', '.join(fl['scaled_resources'])} (referenced tables whole) in {fl['measured_seconds']:.1f} s; "
                         f"the figures above extrapolate each of those resources linearly by rows (CPU in proportion).")
        if fl and not fl["valid"]:
            notes.append(f"- {int(n):,} articles: frictionless reported {fl['errors']} error(s), e.g. {'; '.join(fl['first_errors'][:2])}")
    return notes


def docs_page(results: dict) -> str:
    """The docs site's benchmark page: the latest run's Markdown under a heading of its own."""
    body = markdown(results).split("\n", 1)[1]  # without its "# Benchmark (date)" heading
    return (f"# Benchmark\n\nThe latest run of `make bench` ({results['finished']}), which writes this page "
            "(`docs/benchmark.md`) and `build/bench/results.json`. How the build is made fast is in "
            "[Architecture](architecture.md); how the files are read at scale is in [At scale](at-scale.md).\n"
            + body)
