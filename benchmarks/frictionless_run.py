"""frictionless_run: the baseline, `frictionless validate` of the built package's CSV resources.

`run_frictionless(root, sample_rows)` writes a descriptor holding only the CSV resources (design 7:
frictionless's Parquet path is slow and wrong) under ROOT/build/frictionless/, runs the frictionless
command line on it as a user would, measured as a whole process exactly as our commands are
(benchmarks.sampling.run_process: wall, CPU of the process tree, peak PSS), and returns those with
its validity and first errors. With sample_rows it validates only the first rows of the large CSVs
and extrapolates linearly by rows (wall and CPU alike; said so in the report).
"""
from __future__ import annotations

import csv
import json
import shutil
import sys
from pathlib import Path

from benchmarks.sampling import run_process


def frictionless_bin() -> list[str]:
    """The frictionless command of this interpreter's environment (its script, else `python -m frictionless`)."""
    exe = Path(sys.executable).with_name("frictionless")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "frictionless"]


def _csv_head(src: Path, dst: Path, rows: int) -> int:
    """The header and the first `rows` records of a CSV (records may hold quoted newlines)."""
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
    # exit 1 is frictionless's answer for an invalid package: its report is read below
    proc = run_process([*frictionless_bin(), "validate", "--json", "--trusted", str(descriptor)], cwd=folder,
                       label="frictionless validate", ok=(0, 1))
    wall = proc["wall_seconds"]
    try:
        report = json.loads(proc["stdout"])
    except ValueError:
        raise SystemExit(f"bench: frictionless did not run (exit {proc['returncode']}):\n{proc['stderr'][-3000:]}") from None
    tasks = report.get("tasks", [])
    per_task = {t["name"]: t.get("stats", {}).get("seconds", 0.0) for t in tasks}
    errors = sum(t.get("stats", {}).get("errors", 0) for t in tasks) + len(report.get("errors", []))
    first_errors = [str(e.get("message", e)) for e in report.get("errors", [])[:3]]
    first_errors += [f"{t['name']}: {e.get('message', e)}" for t in tasks for e in t.get("errors", [])[:2]][:5]
    seconds = wall
    if scale:
        fixed = max(0.0, wall - sum(per_task.values()))
        seconds = fixed + sum(s * scale.get(name, 1.0) for name, s in per_task.items())
    return {"seconds": seconds, "wall_seconds": seconds, "cpu_seconds": proc["cpu_seconds"] * seconds / wall if wall else None,
            "measured_seconds": wall, "measured_cpu_seconds": proc["cpu_seconds"],
            "tree_peak_pss_mib": proc["tree_peak_pss_mib"], "largest_process_rss_mib": proc["largest_process_rss_mib"],
            "sampled": bool(scale), "sample_rows": sample_rows if scale else None,
            "scaled_resources": {k: round(v, 3) for k, v in scale.items()}, "task_seconds": per_task,
            "rows_validated": sum(r["rows"] for r in resources), "valid": bool(report.get("valid")), "errors": errors,
            "first_errors": first_errors}

