"""benchmarks/synth.py (synthetic corpus) and a smoke test of benchmarks/bench.py on tiny sizes.

The tests that run the benchmark or generate more than a few articles are marked slow."""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
from pathlib import Path

import pytest
import yaml

from benchmarks import bench, synth
from scripts.errors import Collector
from scripts.pipeline.load import parse_yaml
from scripts.pipeline.locate import find_all
from tests.conftest import run_cli


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def load_yaml(path: Path):
    """A generated file, read as the build reads it (its reader takes a quarter of PyYAML's time
    on these files; a test compares the two readers on mutated files)."""
    problems = Collector()
    doc = parse_yaml(path, path.relative_to(path.parents[1]).as_posix(), problems)
    problems.raise_if_any()
    return doc


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("synth") / "corpus"
    synth.generate(3, 7, root, show_progress=False)
    return root


def test_synthetic_corpus_builds_and_verifies(corpus):
    code, out, err = run_cli("build", "--root", corpus)
    assert code == 0, err
    package = json.loads((corpus / "datapackage.json").read_text(encoding="utf-8"))
    rows = {r["name"]: r["rows"] for r in package["resources"] if r["format"] == "csv"}
    assert rows["sources"] == 3
    assert 3 * 80 <= rows["mentions"] + rows["figures"] <= 3 * 120
    assert rows["figures"] > 0 and rows["events"] > 0 and rows["places"] > 0 and rows["actors"] > 0
    code, out, err = run_cli("verify", "--root", corpus)
    assert code == 0, err


def test_layout_and_changelog(corpus):
    names = {p.name for p in (corpus / "annotations").iterdir()}
    assert names == {"places.yaml", "actors.yaml", "events.yaml", "sources"}
    assert len(list((corpus / "articles").glob("*.txt"))) == len(list((corpus / "annotations" / "sources").glob("*.yaml"))) == 3
    assert (corpus / "CHANGELOG.md").read_bytes() == (synth.REPO / "CHANGELOG.md").read_bytes()


def test_same_seed_gives_identical_files_whatever_the_workers(tmp_path):
    synth.generate(3, 11, tmp_path / "a", show_progress=False)
    synth.generate(3, 11, tmp_path / "b", jobs=2, show_progress=False)
    synth.generate(3, 12, tmp_path / "c", show_progress=False)
    a, b, c = tree(tmp_path / "a"), tree(tmp_path / "b"), tree(tmp_path / "c")
    assert a == b
    assert set(a) != set(c)  # file names carry the article hash and the source_id


@pytest.mark.slow
def test_every_quote_occurs_and_occurrence_picks_a_repeat(tmp_path):
    root = tmp_path / "c"
    synth.generate(20, 5, root, show_progress=False)
    articles = {}
    with_occurrence = 0
    for path in sorted((root / "annotations" / "sources").glob("*.yaml")):
        doc = load_yaml(path)
        text = (root / doc["source"]["article_path"]).read_text(encoding="utf-8")
        articles[doc["source"]["source_id"]] = text
        for record in doc.get("citations", []) + doc["mentions"] + doc["figures"]:
            count = len(find_all(text, record["quote"]))
            assert count >= 1, record["quote"]
            if "occurrence" in record:
                with_occurrence += 1
                assert count > 1 and 1 <= record["occurrence"] <= count
            else:
                assert count == 1, record["quote"]
    assert with_occurrence > 0
    assert len(articles) == 20


def test_yaml_strings_survive_every_awkward_character():
    awkward = ["key: value", "# not a comment", "- item", "'single' \"double\"", "back\\slash", "tab\there", "line\nbreak",
               "\x85 \u2028 \u2029 \x7f \ufeff", "", " padded ", "null", "yes", "2025-09-15", "1e3", "ملاحظة: «نص» #1"]
    text = synth.yaml_safe(synth.emit_list("x", [{"s": s, "f": f} for s, f in zip(awkward, [1e-7, 33.5, 1e20, -2.0] * 4)]))
    data = yaml.load(text, Loader=yaml.CSafeLoader)
    assert [r["s"] for r in data["x"]] == awkward
    assert [r["f"] for r in data["x"]] == ([1e-7, 33.5, 1e20, -2.0] * 4)[:len(awkward)]


def test_refuses_to_overwrite_without_force(tmp_path):
    synth.generate(1, 0, tmp_path / "d", show_progress=False)
    with pytest.raises(SystemExit):
        synth.generate(1, 0, tmp_path / "d", show_progress=False)
    synth.generate(2, 0, tmp_path / "d", force=True, show_progress=False)
    assert len(list((tmp_path / "d" / "articles").iterdir())) == 2


@pytest.mark.slow
def test_bench_smoke_on_a_tiny_size(tmp_path, monkeypatch):
    """Every step of `make bench` on one tiny corpus, as processes (the scaling between two sizes
    is checked on this run's numbers in the next test, without a second corpus)."""
    monkeypatch.chdir(tmp_path)  # a relative --out, as `make bench` passes it
    args = bench.add_arguments(argparse.ArgumentParser()).parse_args(["--sizes", "3", "--seed", "1", "--out", "b",
                                                                     "--docs", "page.md"])
    with contextlib.redirect_stdout(io.StringIO()) as out:
        assert bench.main(args) == 0
    assert "| measure |" in out.getvalue()
    results = json.loads((tmp_path / "b" / "results.json").read_text(encoding="utf-8"))
    assert (tmp_path / "b" / "results.md").read_text(encoding="utf-8").startswith("# Benchmark")
    assert set(results["runs"]) == {"3"}
    assert {"nproc", "memory_gib", "cpu", "python", "libraries"} <= set(results["machine"])
    run = results["runs"]["3"]
    for arrow in ("load", "locate", "tables", "validate", "write", "package"):
        assert run["arrows"][arrow] >= 0
    for measured in ("build", "verify", "db", "frictionless", "rebuild"):  # every side measured the same way
        for key in ("wall_seconds", "cpu_seconds", "tree_peak_pss_mib"):
            assert isinstance(run[measured][key], float) and run[measured][key] > 0, (measured, key)
    for key in ("rows_per_second", "floor_seconds", "write_over_floor"):
        assert isinstance(run[key], (int, float)) and run[key] > 0, key
    for ratio in ("build_wall", "build_cpu", "verify_wall", "verify_cpu"):
        assert run["ratios"][ratio] > 0, ratio
    assert run["ratios"]["build_cpu"] == run["build"]["cpu_seconds"] / run["frictionless"]["cpu_seconds"]
    assert run["frictionless"]["valid"] and run["frictionless"]["errors"] == 0, run["frictionless"]["first_errors"]
    assert run["frictionless"]["rows_validated"] == run["rows_total"]
    assert not run["failures"]
    assert run["rows"]["sources"] == run["articles"]
    assert run["rebuild"]["files_read"] == 1
    assert set(run["views"]) >= {"figure_claims", "conflicting_claims"} and all(0 < v["copy_ms"] and v["ms"] > 0 for v in run["views"].values())
    assert set(results["goals"]) == set(bench.GOALS)
    assert all(g["met"] is None and "not run" in g["note"] for g in results["goals"].values())  # no 10k or 50k run
    assert not (tmp_path / "b" / "corpus-3").exists()  # removed unless --keep
    page = (tmp_path / "page.md").read_text(encoding="utf-8")
    assert page.startswith("# Benchmark\n") and results["finished"] in page
    assert "| rebuild after one edit, process wall s |" in page and "| **build ÷ frictionless, CPU** |" in page
    assert page.count("\n# ") == 0  # one title: the run's own heading is left out


def test_scaling_exponents_and_goals_between_sizes():
    """summarise() on two sizes: the exponent of each measure, and each goal judged at its size."""
    def run_at(cpu, peak, ratio):
        return {"build": {"cpu_seconds": cpu, "wall_seconds": cpu, "tree_peak_pss_mib": peak},
                "ratios": {"build_cpu": ratio}, "arrows": {}}

    results = {"runs": {"10000": run_at(10.0, 400.0, 0.6), "50000": run_at(50.0, 800.0, 0.4)}}
    bench.summarise(results)
    assert results["scaling"]["build CPU"]["10000-50000"] == pytest.approx(1.0)
    assert results["scaling"]["build peak memory"]["10000-50000"] == pytest.approx(math.log(2) / math.log(5))
    assert results["scaling"]["verify CPU"]["10000-50000"] is None  # not measured: no exponent, no error
    goals = results["goals"]
    assert goals["build CPU ÷ frictionless CPU"]["value"] == 0.6 and goals["build CPU ÷ frictionless CPU"]["met"] is False
    assert goals["build CPU exponent 10k → 50k"]["met"] is True          # 1.0 ≤ 1.05
    assert goals["build memory exponent 10k → 50k"]["met"] is True       # 0.43 < 1
    assert goals["build peak memory, MiB"]["met"] is True                # 800 < 1024
    assert goals["verify peak memory, MiB"]["met"] is None and "a step failed" in goals["verify peak memory, MiB"]["note"]


@pytest.mark.slow
def test_claims_agree_as_in_real_news(tmp_path):
    """Events belong to stories that a handful of articles share; dated mentions of an event
    agree with its date and figures of a quantity with each other, but for rare genuine
    disagreements, so the conflicts stay a small fraction of the claims."""
    from scripts.pipeline.dates import bounds

    root = tmp_path / "n"
    synth.generate(300, 3, root, show_progress=False)
    events = {e["event_id"]: e for e in load_yaml(root / "annotations" / "events.yaml")["events"]}
    assert 0.8 * (30 + 300 * 4 // 5) <= len(events) <= 30 + 300 * 4 // 5  # drawn, less those no article mentions
    sources_per_event: dict[str, set] = {}
    dated = agreeing = 0
    values: dict[tuple, list] = {}
    for path in sorted((root / "annotations" / "sources").glob("*.yaml")):
        doc = load_yaml(path)
        sid = doc["source"]["source_id"]
        for m in doc["mentions"]:
            sources_per_event.setdefault(m["event_id"], set()).add(sid)
            event_date = events[m["event_id"]].get("date")
            if m.get("claimed_date") and event_date:
                dated += 1
                first, last, _ = bounds(m["claimed_date"])
                anchor = bounds(event_date)[0]
                agreeing += first <= anchor <= last
        for f in doc["figures"]:
            if f["qualifier"] == "exact" and f.get("event_id"):
                values.setdefault((f["subject"], f["event_id"]), []).append(f["value"])
    assert set(sources_per_event) == set(events)  # every event of the catalogue has a mention, and only those
    shared = sorted(len(s) for s in sources_per_event.values())
    assert 2 <= shared[len(shared) // 2] <= 12       # the median event: a handful of articles
    assert shared[-1] <= 40
    assert dated > 1000 and 0.97 <= agreeing / dated < 1.0  # mostly agree; some genuine disagreement
    groups = [v for v in values.values() if len(v) > 1]
    unanimous = sum(len(set(v)) == 1 for v in groups)
    assert len(groups) > 100 and 0.8 <= unanimous / len(groups) < 1.0
