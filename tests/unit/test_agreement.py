"""`agreement A B` (scripts/curate/agreement.py) on small annotation sets whose right numbers
are worked out by hand below, and Cohen's kappa on a textbook case."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from scripts.curate.agreement import agreement, cohen_kappa
from tests.conftest import run_cli

TEXT = "انسحبت القوات من القاعدة. وستغادر بقية القوات في أيلول 2025. وقال مسؤول إن 300 جندي بقوا."
ARTICLE = "articles/000_test.txt"


def mention(mid, event, quote, modality="reported", attribution="outlet_statement", date=None, **extra):
    row = {"mention_id": mid, "event_id": event, "quote": quote, "quote_en": "q", "modality": modality,
           "attributed_to": "outlet", "attribution": attribution, **extra}
    if date:
        row["claimed_date"] = date
    return row


def figure(fid, quote, value, qualifier="exact", as_of="2025-08"):
    return {"figure_id": fid, "subject": "advisers_remaining", "value": value, "qualifier": qualifier, "unit": "person",
            "as_of": as_of, "quote": quote, "quote_en": "q", "attributed_to": "outlet", "attribution": "outlet_statement"}


def write_set(folder: Path, source_id: str, mentions: list, figures: list):
    (folder / "sources").mkdir(parents=True)
    doc = {"source": {"source_id": source_id, "article_path": ARTICLE}, "mentions": mentions, "figures": figures}
    (folder / "sources" / f"{source_id}.yaml").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


@pytest.fixture
def sets(tmp_path):
    (tmp_path / "articles").mkdir()
    (tmp_path / ARTICLE).write_text(TEXT, encoding="utf-8")
    write_set(tmp_path / "a", "s-a", [
        mention("a-m01", "withdrawal", "انسحبت القوات من القاعدة"),
        mention("a-m02", "departure-plan", "وستغادر بقية القوات في أيلول 2025", modality="planned", date="2025-09"),
        mention("a-m03", "statement", "وقال مسؤول"),
    ], [figure("a-f01", "300 جندي", 300)])
    write_set(tmp_path / "b", "s-b", [
        mention("b-m01", "pullout", "القوات من القاعدة", attribution="paraphrase"),       # overlaps a-m01
        mention("b-m02", "plan", "بقية القوات في أيلول 2025", modality="expected", date="2025-09-15"),  # overlaps a-m02
        mention("b-m03", "other", "بقوا"),                                              # overlaps no mention of A
    ], [figure("b-f01", "300", 300, qualifier="approx")])                               # inside a-f01
    return tmp_path


def test_kappa_of_the_textbook_two_by_two_table():
    # 50 items: both yes 20, A yes B no 5, A no B yes 10, both no 15.
    # po = 35/50 = 0.7; A says yes 25/50, B 30/50: pe = 0.5*0.6 + 0.5*0.4 = 0.5; kappa = 0.2/0.5 = 0.4
    pairs = [("yes", "yes")] * 20 + [("yes", "no")] * 5 + [("no", "yes")] * 10 + [("no", "no")] * 15
    assert cohen_kappa(pairs) == pytest.approx(0.4)
    assert cohen_kappa([("x", "x"), ("y", "y")]) == pytest.approx(1.0)
    assert cohen_kappa([("x", "y"), ("y", "x")]) == pytest.approx(-1.0)   # po 0, pe 0.5


def test_kappa_is_undefined_when_both_use_one_value_and_zero_when_chance_explains_all():
    assert cohen_kappa([]) is None
    assert cohen_kappa([("a", "a")] * 4) is None                   # pe = 1
    assert cohen_kappa([("a", "a"), ("a", "b")]) == pytest.approx(0.0)  # po 0.5, pe 1 x 0.5


def test_counts_and_kappas_worked_out_by_hand(sets):
    r = agreement(sets, sets / "a", sets / "b")
    c = r["overall"]["counts"]
    # claims: A 4 (3 mentions, 1 figure), B 4; matched a-m01/b-m01, a-m02/b-m02, a-f01/b-f01
    assert c["claim"] == {"a": 4, "b": 4, "matched": 3, "recall": 0.75, "precision": 0.75, "f1": 0.75}
    assert c["mention"]["f1"] == pytest.approx(2 * 2 / 6)
    assert c["figure"]["f1"] == 1.0
    assert r["event_map"] == {"plan": "departure-plan", "pullout": "withdrawal"}  # "other" has no matched mention
    k = {name: m["kappa"] for name, m in r["overall"]["measures"].items()}
    assert k["event"] == pytest.approx(1.0)           # po 1, pe 2 x 0.25
    # modality: (reported, reported), (planned, expected): po 0.5, pe 0.5 x 0.5 = 0.25 -> 0.25 / 0.75
    assert k["modality"] == pytest.approx(1 / 3)
    # attribution over three pairs: (outlet, paraphrase), (outlet, outlet), figure (outlet, outlet):
    # po 2/3; A always outlet_statement, B 2/3 of the time: pe 2/3 -> kappa 0
    assert k["attribution"] == pytest.approx(0.0)
    assert k["date_exact"] == pytest.approx(1 / 3)     # (none, none), (2025-09, 2025-09-15)
    assert k["date_overlap"] == pytest.approx(1.0)     # 2025-09-15 lies in 2025-09: counted as agreeing
    assert k["qualifier"] == pytest.approx(0.0)        # one pair (exact, approx): po 0, pe 0
    assert k["value"] is None                          # one pair, both 300: pe 1
    assert r["overall"]["measures"]["value"] == {"n": 1, "agree": 1, "kappa": None}
    items = {(d["item"], d["field"]) for d in r["articles"][0]["disagreements"]}
    assert items == {("a-m03", "mention"), ("b-m03", "mention"), ("a-m01 ~ b-m01", "attribution"),
                     ("a-m02 ~ b-m02", "modality"), ("a-m02 ~ b-m02", "date_exact"), ("a-f01 ~ b-f01", "qualifier")}


def test_one_quote_carrying_two_events_pairs_the_claims_of_the_same_event(tmp_path):
    # A and B both link the same sentence to two events; the second matching pass pairs them by event
    (tmp_path / "articles").mkdir()
    (tmp_path / ARTICLE).write_text(TEXT, encoding="utf-8")
    quote = "انسحبت القوات من القاعدة"
    write_set(tmp_path / "a", "s-a", [mention("a-m01", "base", quote), mention("a-m02", "zzz-troops", quote),
                                      mention("a-m03", "base", "وقال مسؤول")], [])
    write_set(tmp_path / "b", "s-b", [mention("b-m01", "troops", quote), mention("b-m02", "a-base", quote),
                                      mention("b-m03", "a-base", "وقال مسؤول")], [])
    r = agreement(tmp_path, tmp_path / "a", tmp_path / "b")
    assert r["event_map"] == {"a-base": "base", "troops": "zzz-troops"}
    assert r["overall"]["measures"]["event"]["agree"] == 3


def test_the_matching_pairs_as_many_claims_as_possible_then_the_largest_overlap(tmp_path):
    # B's long quote covers A's two claims; B's short one lies inside A's first. Pairing the
    # largest overlap first (a1 with the long quote, 24 characters) would leave two claims
    # unmatched; the assignment pairs a1 with the short quote and a2 with the long one.
    (tmp_path / "articles").mkdir()
    (tmp_path / ARTICLE).write_text(TEXT, encoding="utf-8")
    write_set(tmp_path / "a", "s-a", [mention("a1", "e", "انسحبت القوات من القاعدة"), mention("a2", "e", "وستغادر")], [])
    write_set(tmp_path / "b", "s-b", [mention("b-long", "e", "انسحبت القوات من القاعدة. وستغادر"),
                                      mention("b-short", "e", "القاعدة")], [])
    r = agreement(tmp_path, tmp_path / "a", tmp_path / "b")
    assert r["overall"]["counts"]["claim"]["matched"] == 2
    assert r["articles"][0]["disagreements"] == []


def test_the_command_prints_the_table_and_writes_json(sets):
    out_json = sets / "agreement.json"
    code, out, err = run_cli("agreement", sets / "a", sets / "b", "--root", sets, "--json", out_json, "--details")
    assert code == 0, err
    assert "| overall | 4 | 4 | 3 | 75.0% | 75.0% | 75.0% | 1.000 | 0.333 | 0.000 |" in out
    assert "- a-m03 [mention]: A وقال مسؤول | B (none)" in out
    assert json.loads(out_json.read_text(encoding="utf-8"))["overall"]["counts"]["claim"]["matched"] == 3


def test_an_article_annotated_in_one_set_only_is_an_error(sets):
    (sets / "b" / "sources" / "s-b.yaml").unlink()
    (sets / "b" / "sources" / "other.yaml").write_text(json.dumps(
        {"source": {"source_id": "o", "article_path": "articles/other.txt"}, "mentions": []}), encoding="utf-8")
    code, _, err = run_cli("agreement", str(sets / "a"), str(sets / "b"), "--root", sets)
    assert code == 1
    assert "articles/000_test.txt is annotated in one set only" in err


def test_an_article_outside_articles_is_refused(sets):
    for side in ("a", "b"):
        path = sets / side / "sources" / f"s-{side}.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace(ARTICLE, "annotations/../x.txt"), encoding="utf-8")
    (sets / "x.txt").write_text(TEXT, encoding="utf-8")
    code, _, err = run_cli("agreement", str(sets / "a"), str(sets / "b"), "--root", sets)
    assert code == 1
    assert "article annotations/../x.txt" in err
