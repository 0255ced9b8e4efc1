"""The reliability record (review/): what the data card and the Reliability page say of it,
and that the committed record is whole: the figures before adjudication are what `agreement`
computes from the two committed sets, and the log decides every disagreement they list."""
from __future__ import annotations

import csv
import json
from types import SimpleNamespace

import pytest

from scripts.curate.agreement import agreement
from scripts.publish import reliability
from scripts.site.reliability import reliability_pages
from tests.conftest import REPO

COUNTS = {"a": 4, "b": 5, "matched": 3, "recall": 0.75, "precision": 0.6, "f1": 6 / 9}
MEASURES = {m: {"n": 3, "agree": 2, "kappa": 0.5} for m in ("event", "modality", "attribution", "date_exact", "date_overlap")}
MEASURES.update({m: {"n": 1, "agree": 1, "kappa": None} for m in ("subject", "qualifier", "value", "as_of")})
LOG = [
    {"origin": "agreement", "source_id": "s", "item": "a-m01", "field": "mention", "a_says": "(none)",
     "b_says": "انسحبت القوات", "decision": "B", "kind": "evaluative commentary not annotated", "reason": "'انسحبت' judged"},
    {"origin": "agreement", "source_id": "s", "item": "a-m02 ~ b-m02", "field": "modality", "a_says": "planned",
     "b_says": "expected", "decision": "A", "kind": "event reading (B)", "reason": "kept"},
    {"origin": "check", "source_id": "events", "item": "e", "field": "status", "a_says": "occurred",
     "b_says": "(not compared)", "decision": "corrected", "kind": "status not following from the mentions", "reason": "fixed"},
]


def write_review(root):
    folder = root / "review"
    folder.mkdir()
    report = {"overall": {"counts": {"claim": COUNTS, "mention": COUNTS, "figure": COUNTS}, "measures": MEASURES},
              "articles": [{"source_a": "s", "counts": {"claim": COUNTS}, "measures": MEASURES, "disagreements": []}]}
    (folder / "agreement-before.json").write_text(json.dumps(report), encoding="utf-8")
    with (folder / "adjudication.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(LOG[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(LOG)


def test_the_summary_names_the_figures_and_the_decisions(tmp_path):
    write_review(tmp_path)
    rel = reliability.read(tmp_path)
    assert rel.decisions() == {"B": 1, "A": 1}   # the check row is not a disagreement of the comparison
    text = reliability.summary(rel)
    assert "matched 3 of 4 claims of the first and 5 of the second" in text
    assert "claim F1 66.7 % (recall 75.0 %, precision 60.0 %)" in text
    assert "event linking 0.50; modality 0.50" in text and "figure value n/a" in text
    assert "Each of the 2 disagreements was adjudicated (second annotation adopted 1, first kept 1, both right 0)" in text


def test_no_review_folder_no_record_and_no_page(tmp_path):
    assert reliability.read(tmp_path) is None
    assert reliability_pages(SimpleNamespace(root=tmp_path)) == []


def test_the_page_shows_the_figures_the_kinds_and_the_log_with_arabic_marked(tmp_path):
    write_review(tmp_path)
    site = SimpleNamespace(root=tmp_path, rows=lambda table: [{}] * {"mentions": 7, "figures": 2, "events": 3}[table])
    [page] = reliability_pages(site)
    assert page.path == "reliability.md" and page.title == "Reliability"
    body = page.body
    assert "<td>all claims</td><td>4</td><td>5</td><td>3</td><td>75.0 %</td><td>60.0 %</td><td>66.7 %</td>" in body
    assert "<td>modality</td><td>3</td><td>2</td><td>0.500</td>" in body
    assert "<td>status not following from the mentions</td><td>corrected (found by check or review) 1</td>" in body
    assert '<span dir="rtl" lang="ar">انسحبت القوات</span>' in body
    assert "hold 7 mentions, 2 figures and 3 events" in body


def test_the_committed_record_is_reproducible_and_decides_every_disagreement():
    review = REPO / "review"
    if not (review / "agreement-before.json").is_file():
        pytest.fail("review/agreement-before.json is missing: the double annotation is part of the corpus")
    committed = json.loads((review / "agreement-before.json").read_text(encoding="utf-8"))
    fresh = json.loads(json.dumps(agreement(REPO, review / "first" / "annotations", review / "blind" / "annotations")))
    fresh["a"], fresh["b"] = committed["a"], committed["b"]   # the folders as they were named on the command line
    assert fresh == committed
    rel = reliability.read(REPO)
    listed = {(a["source_a"], d["item"], d["field"]) for a in committed["articles"] for d in a["disagreements"]}
    logged = [(r["source_id"], r["item"], r["field"]) for r in rel.compared()]
    assert sorted(logged) == sorted(listed)            # every disagreement once, nothing else
    assert all(r["decision"] in {"A", "B", "both", "corrected"} and r["reason"] and r["kind"] for r in rel.log)


def test_the_data_card_has_a_reliability_section_when_there_is_a_record(tmp_path):
    import shutil

    from scripts.publish.card import data_card

    shutil.copy(REPO / "CHANGELOG.md", tmp_path / "CHANGELOG.md")  # the card's citation takes its version from it
    descriptor = {"title": "T", "version": "1", "description": "D", "sources": [], "resources": []}
    assert "## Reliability" not in data_card(tmp_path, descriptor, texts=False)
    write_review(tmp_path)
    card = data_card(tmp_path, descriptor, texts=False)
    assert "## Reliability\n\nEvery article was annotated twice" in card and "claim F1 66.7 %" in card
