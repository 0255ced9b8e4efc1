"""Data tests on the real corpus: the curation rules of the guidelines, checked on every row.

They run twice: on the repository's corpus, and on it plus the sixth article of
tests/fixtures/extra (an article file, its source annotation and the catalogue entries it
adds, in the real format): a correctly annotated new article needs no change to any test.
"""
from __future__ import annotations

import shutil

import pyarrow.parquet as pq
import pytest

from scripts.metadata import TABLE_ORDER
from tests.conftest import REPO, copy_inputs, run_cli

EXTRA = REPO / "tests" / "fixtures" / "extra"


def with_extra_article(root):
    """The corpus at root plus tests/fixtures/extra: files copied, catalogue entries appended."""
    for path in sorted((EXTRA / "articles").iterdir()) + sorted((EXTRA / "annotations" / "sources").iterdir()):
        shutil.copy(path, root / path.relative_to(EXTRA))
    for path in sorted((EXTRA / "annotations").glob("*.yaml")):
        target = root / "annotations" / path.name
        target.write_text(target.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + path.read_text(encoding="utf-8"),
                          encoding="utf-8")
    return root


@pytest.fixture(scope="module", params=["repository", "with-extra-article"])
def real(request, tmp_path_factory):
    if request.param == "repository":
        return request.getfixturevalue("real")
    root = with_extra_article(copy_inputs(tmp_path_factory.mktemp("extra") / "repo"))
    code, out, err = run_cli("build", "--root", root)
    assert code == 0, err
    return root


@pytest.fixture(scope="module")
def t(real):
    return {name: pq.read_table(real / f"build/data/{name}.parquet").to_pylist() for name in TABLE_ORDER}


def test_the_second_corpus_is_the_first_plus_the_extra_article(request, real, t):
    extra = {p.stem for p in (EXTRA / "annotations" / "sources").iterdir()}
    ours = {s["source_id"] for s in t["sources"]}
    repository = {p.stem for p in (REPO / "annotations" / "sources").iterdir()}
    assert extra and not extra & repository
    assert ours == (repository | extra if "extra" in request.node.callspec.id else repository)


def test_every_article_has_a_source_row_and_claims(real, t):
    articles = sorted(p.relative_to(real).as_posix() for p in (real / "articles").glob("*.txt"))
    assert sorted(s["article_path"] for s in t["sources"]) == articles
    for s in t["sources"]:
        assert any(m["source_id"] == s["source_id"] for m in t["mentions"]), s["source_id"]


def test_every_quote_slices_out_of_its_article(real, t):
    texts = {s["source_id"]: (real / s["article_path"]).read_text(encoding="utf-8") for s in t["sources"]}
    count = 0
    for name in ("mentions", "figures", "citations", "names"):
        for row in t[name]:
            assert texts[row["source_id"]][row["char_start"]:row["char_end"]] == row["quote"], (name, row)
            count += 1
    assert count > 100


def test_publication_dates_are_defended(t):
    for s in t["sources"]:
        assert s["published_earliest"] <= s["published_latest"], s["source_id"]
        assert s["published_note"].strip(), s["source_id"]
        if s["published_basis"] == "inferred":
            assert len(s["published_note"]) > 80, f"{s['source_id']}: an inferred date needs its reasoning"
        else:
            assert s["published_precision"] in ("day", "minute"), s["source_id"]


def test_every_event_is_mentioned(t):
    mentioned = {m["event_id"] for m in t["mentions"]}
    assert [e["event_id"] for e in t["events"] if e["event_id"] not in mentioned] == []


def test_every_place_and_actor_is_used(t):
    used_places = {r["place_id"] for name in ("events", "figures", "names") for r in t[name]} | \
                  {p["parent_place_id"] for p in t["places"]}
    used_actors = {r["attributed_to"] for name in ("mentions", "figures") for r in t[name]} | \
                  {r["actor_id"] for name in ("events", "names") for r in t[name]} | \
                  {c["cited_actor_id"] for c in t["citations"]} | {s["outlet_actor_id"] for s in t["sources"]} | \
                  {a["affiliation_actor_id"] for a in t["actors"]}
    assert [p["place_id"] for p in t["places"] if p["place_id"] not in used_places] == []
    assert [a["actor_id"] for a in t["actors"] if a["actor_id"] not in used_actors] == []


def test_every_place_and_actor_is_named_in_some_article(real, t):
    """Only an outlet that its own article never prints (identified from furniture) may lack a
    naming: every outlet named in its own article has a naming row."""
    named = {r["place_id"] for r in t["names"]} | {r["actor_id"] for r in t["names"]}
    assert [p["place_id"] for p in t["places"] if p["place_id"] not in named] == []
    unnamed = {a["actor_id"]: a for a in t["actors"] if a["actor_id"] not in named}
    own = {}
    for s in t["sources"]:
        own.setdefault(s["outlet_actor_id"], []).append((real / s["article_path"]).read_text(encoding="utf-8"))
    for actor_id, actor in unnamed.items():
        assert actor_id in own and actor["kind"] == "news_outlet" and actor["note"], actor_id
        assert not any(actor["name_ar"] in text for text in own[actor_id]), f"{actor_id} is printed in its article: name it"


def test_translations_are_ours(t):
    for name in ("mentions", "figures"):
        for row in t[name]:
            assert row["quote_en"].strip() and row["quote_en"].strip() != row["quote"].strip(), row
            assert not any("\u0600" <= ch <= "\u06ff" for ch in row["quote_en"]), f"Arabic left in {row}"


def test_one_article_derives_from_another_and_disagrees_on_the_year(t):
    derived = [s for s in t["sources"] if s["derived_from"]]
    assert len(derived) == 1 and derived[0]["derivation_note"]
    copy, original = derived[0]["source_id"], derived[0]["derived_from"]
    dates = {}
    for m in t["mentions"]:
        if m["source_id"] in (copy, original) and m["claimed_start"]:
            dates.setdefault((m["event_id"], m["source_id"]), set()).add(m["claimed_start"].year)
    conflicts = [e for (e, s), years in dates.items() if s == copy and 2024 in years
                 and any(2025 in y for (e2, s2), y in dates.items() if e2 == e and s2 == original)]
    assert conflicts, "the copy's 2024 against the original's 2025 must be visible as a conflicting claim"


def test_a_plan_is_linked_to_its_outcome(t):
    events = {e["event_id"]: e for e in t["events"]}
    plans = [e for e in t["events"] if e["outcome_event_id"]]
    assert plans
    for plan in plans:
        outcome = events[plan["outcome_event_id"]]
        assert outcome["status"] == "occurred" or outcome["status"] in ("ongoing", "planned"), plan


def test_fewer_than_is_not_the_number(t):
    for f in t["figures"]:
        if f["qualifier"] == "less_than":
            assert f["value"] is not None or f["value_high"] is not None, f
        if f["qualifier"] == "range":
            assert f["value_low"] < f["value_high"], f


def test_every_source_says_where_it_came_from(t):
    """An original address where one was found; otherwise a note saying what was searched."""
    for s in t["sources"]:
        assert s["url"] or (s["provenance_note"] and "not found" in s["provenance_note"].lower()), s["source_id"]
        if s["url"]:
            assert s["provenance_note"], f"{s['source_id']}: say how the address was found"


def test_corpus_is_substantial(t):
    """Every article carries claims: at least ten rows of mentions and figures each, on average."""
    claims = len(t["mentions"]) + len(t["figures"])
    assert t["sources"] and claims >= 10 * len(t["sources"])


def test_every_actor_has_the_side_it_acts_for_and_how_we_know(t):
    """Filled for every actor (the methodology's rule); side_basis is empty exactly when the side is unknown."""
    missing = [a["actor_id"] for a in t["actors"] if not a["side"]]
    assert missing == []
    assert [a["actor_id"] for a in t["actors"] if (a["side_basis"] is None) != (a["side"] == "unknown")] == []
    # an actor that belongs to or speaks for a body acts for that body's side
    by_id = {a["actor_id"]: a for a in t["actors"]}
    differ = [a["actor_id"] for a in t["actors"] if a["affiliation_actor_id"]
              and by_id[a["affiliation_actor_id"]]["side"] != a["side"]]
    assert differ == []
    # the US side against the Iraqi side needs no recursive query: both have claims attributed
    attributed = {m["attributed_to"] for m in t["mentions"]} | {f["attributed_to"] for f in t["figures"]}
    assert {"united_states", "iraq"} <= {by_id[a]["side"] for a in attributed}
