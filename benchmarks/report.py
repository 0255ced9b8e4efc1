"""report: the benchmark's results as Markdown.

`markdown(results)` gives results.md and what `bench` prints: the machine, one table of every
measure by corpus size, the DuckDB views at the largest size, the scaling exponent, the rebuild,
the goals table and notes on failed or sampled steps. `docs_page(results)` is the same under the
docs site's own heading (docs/benchmark.md, written by `make bench`).
"""
from __future__ import annotations

from benchmarks.children import ARROWS


def _fmt(value, digits=2):
    """A cell: thousands separated, small values with more decimals, None as a dash."""
    if value is None:
        return "–"
    if isinstance(value, float):
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.{digits}f}" if abs(value) >= 0.01 or value == 0 else f"{value:.4f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


# The rows of the measures table: label, how to read the value from one size's run, decimals.
MEASURES = [
    ("annotation rows (mentions + figures)", lambda r: r["annotation_rows"], 2),
    ("rows, all tables", lambda r: r["rows_total"], 2),
    ("synth", lambda r: r["synth_seconds"], 2),
    *[(a, lambda r, a=a: r["arrows"].get(a), 2) for a in ARROWS],
    ("**full build** (load → package)", lambda r: r["build_seconds"], 2),
    ("build process wall (with imports)", lambda r: r["build_wall_seconds"], 2),
    ("rows per second (full build)", lambda r: r["rows_per_second"], 0),
    ("peak memory of the build, MiB (PSS of process + workers, sampled every 0.1 s)", lambda r: r["peak_rss_mib"], 0),
    ("peak RSS of the build's main process, MiB", lambda r: r["process_peak_rss_mib"], 0),
    ("CPU seconds of the build process (+ workers and floor)", lambda r: r["build_process_cpu_seconds"], 2),
    ("peak RSS of db, MiB (own process)", lambda r: r["db_peak_rss_mib"], 0),
    ("pyarrow floor (pq.write_table)", lambda r: r["pyarrow_floor_seconds"], 2),
    ("verify (process wall: hashes, rows, every constraint, CSV and Parquet)", lambda r: r["verify_wall_seconds"], 2),
    ("verify + every quote against its article (process wall)", lambda r: r.get("verify_quotes_wall_seconds"), 2),
    ("frictionless validate (CSV)", lambda r: r["frictionless_seconds"], 2),
    ("build ÷ frictionless (goal ≤ 0.5)", lambda r: r["build_over_frictionless"], 2),
    ("verify ÷ frictionless (goal ≤ 0.05)", lambda r: r["verify_over_frictionless"], 3),
    ("write ÷ pyarrow floor (goal ≤ 3)", lambda r: r["write_over_floor"], 2),
    ("slowest view, ms (goal < 100)", lambda r: r["slowest_view_ms"], 1),
]


def markdown(results: dict) -> str:
    """The whole report: machine, measures by size, views, scaling, rebuild, goals, notes."""
    runs = results["runs"]
    sizes = sorted(runs, key=int)
    lines = _header(results, sizes) + _measures_table(runs, sizes) + _views_table(runs[sizes[-1]], sizes[-1])
    lines += _scaling_and_rebuild(results) + _goals_table(results["goals"])
    notes = _notes(runs, sizes)
    if notes:
        lines += ["", "Notes:", *notes]
    return "\n".join(lines) + "\n"


def _header(results: dict, sizes: list[str]) -> list[str]:
    m = results["machine"]
    libs = ", ".join(f"{k} {v}" for k, v in m["libraries"].items() if v)
    return [f"# Benchmark ({results['finished']})", "",
            f"Machine: {m['nproc']} cores ({m['cpu']}), {m['memory_gib']} GiB, {m['system']}, Python {m['python']}; {libs}.",
            f"Load average (1/5/15 min) at start {' '.join(f'{x:.1f}' for x in m['load_average'])}, at end "
            f"{' '.join(f'{x:.1f}' for x in m.get('load_average_end', []))}: wall times include any other work on the machine.",
            f"Synthetic corpora from `benchmarks/synth.py`, seed {results['seed']}; times in seconds unless marked.", ""]


def _measures_table(runs: dict, sizes: list[str]) -> list[str]:
    """One row per measure, one column per size; a value a failed run lacks reads "failed"."""
    def cell(run, get, digits):
        try:
            return _fmt(get(run), digits)
        except (KeyError, TypeError):
            return "failed" if run.get("failures") else "–"

    lines = ["| measure | " + " | ".join(f"{int(n):,} articles" for n in sizes) + " |", "|---|" + "---:|" * len(sizes)]
    for label, get, digits in MEASURES:
        lines.append(f"| {label} | " + " | ".join(cell(runs[n], get, digits) for n in sizes) + " |")
    return lines


def _views_table(large: dict, articles: str) -> list[str]:
    if not large.get("views"):
        return []
    lines = ["", f"DuckDB views over the {int(articles):,}-article database (full result to Arrow, best of 3):", "",
             "| view | rows | ms |", "|---|---:|---:|"]
    return lines + [f"| {name} | {v['rows']:,} | {v['ms']:.1f} |" if "ms" in v else f"| {name} | – | failed: {v['failed']} |"
                    for name, v in large["views"].items()]


def _scaling_and_rebuild(results: dict) -> list[str]:
    lines = []
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
    return lines


def _goals_table(goals: dict) -> list[str]:
    lines = ["", "| goal | value | target | met |", "|---|---:|---|---|"]
    for name, g in goals.items():
        lines.append(f"| {name.replace('_', ' ')} | {_fmt(g['value']) if g['value'] is not None else g.get('note', '–')} | "
                     f"{g['goal']} | {'yes' if g['met'] else ('–' if g['met'] is None else 'no')} |")
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
                         f"the figure above extrapolates each of those resources linearly by rows.")
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
