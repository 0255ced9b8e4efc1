"""The bad-input corpus: one curator mistake per case, each applied to a fresh copy of
the small fixture corpus that has already been built once.

Every case asserts: exit code 1, exactly one message, the right file and line, words a
curator understands, and build/ + datapackage.json unchanged byte for byte.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import MINI, run_cli, snapshot

A = "annotations/sources/outlet-a-2025-08-19.yaml"
B = "annotations/sources/outlet-b-2026-01-19.yaml"
P, AC, E = "annotations/places.yaml", "annotations/actors.yaml", "annotations/events.yaml"
SHA_A = "6a37e99d03a747c0366d8585a172063724b0fd53ce579b62e83f7423a682986c"


@dataclass
class Case:
    id: str
    file: str
    old: str | None          # text to replace (None: replace the whole file with new)
    new: str | bytes
    message: str             # fragment the message must contain
    line: int | None = None  # expected line; default: the line where `new` starts
    path: str | None = None  # file the message names, if not `file`


CASES = [
    # syntax
    Case("broken-yaml", E, "    summary_en: A US convoy leaves.", "    summary_en: A US: convoy: leaves.", "YAML syntax error"),
    Case("tab-indent", E, "    status: occurred\n    summary_en: A US", "\tstatus: occurred\n    summary_en: A US", "tabs"),
    Case("duplicate-key", A, "  language: ar\n", "  language: ar\n  language: en\n", "duplicate key 'language' (first at line 7)", 8),
    Case("non-utf8", AC, "    name_en: Outlet B\n", b"    name_en: Outlet \xe9\n", "not valid UTF-8"),
    Case("bom", P, None, b"\xef\xbb\xbf" + (MINI / P).read_bytes(), "byte-order mark", 1),
    Case("empty-file", E, None, "", "file is empty", 1),
    Case("huge-file", B, None, (MINI / B).read_text(encoding="utf-8") + "#" + "x" * (20 * 2**20) + "\n", "limited to 5 MB", 1),
    Case("alias-bomb", P, None, "a: &a [x, x]\nb: &b [*a, *a]\nplaces: [*b, *b]\n", "aliases", 2),
    Case("python-tag", P, None, "places: !!python/object/apply:os.system ['echo hi']\n", "is not allowed: annotations are plain data", 1),
    # structure
    Case("unknown-field", E, "    date: \"2025-08-18\"\n", "    date: \"2025-08-18\"\n    weather: sunny\n", "unknown field 'weather'"),
    Case("unknown-section", A, "figures:\n", "figurez:\n", "unknown field 'figurez'"),
    Case("missing-field", P, "    name_ar: العراق\n", "", "'name_ar' is a required property", 2),
    Case("url-not-http", A, "  language: ar\n", "  language: ar\n  url: \"javascript:alert(1)\"\n", "does not match"),
    Case("retrieved-not-a-day", A, "  language: ar\n", "  language: ar\n  retrieved: \"last week\"\n", "does not match"),
    Case("wrong-type", P, "    latitude: 33.0\n", "    latitude: north\n", "'north' is not of type 'number'"),
    Case("date-not-quoted", E, "    date: \"2025-08-18\"", "    date: 2025", "is not of type 'string'"),
    Case("vocabulary", A, "    modality: reported\n    attributed_to: outlet-a", "    modality: reportd\n    attributed_to: outlet-a", "mentions.modality 'reportd'"),
    Case("id-uppercase", P, "  - place_id: iraq\n", "  - place_id: Iraq\n", "does not match"),
    Case("id-space", AC, "  - actor_id: b-official\n", "  - actor_id: b official\n", "does not match"),
    Case("id-slash", E, "  - event_id: first-convoy\n", "  - event_id: first/convoy\n", "does not match"),
    Case("id-dotdot", A, "  source_id: outlet-a-2025-08-19\n", "  source_id: ../outlet-a\n", "does not match"),
    Case("empty-translation", A, "    quote_en: a US convoy set off yesterday\n", "    quote_en: \"\"\n", "quote_en"),
    # references
    Case("dangling-event", A, "    event_id: first-convoy\n", "    event_id: first-convoi\n", "event_id 'first-convoi' does not exist in events"),
    Case("dangling-place", E, "    date: \"2025-08-18\"\n", "    date: \"2025-08-18\"\n    place_id: mosul\n", "place_id 'mosul' does not exist in places"),
    Case("dangling-actor", B, "    attributed_to: b-official\n", "    attributed_to: b-officia\n", "did you mean"),
    Case("dangling-source", B, "  language: ar\n", "  language: ar\n  derived_from: outlet-c-2025\n", "derived_from 'outlet-c-2025' does not exist in sources"),
    Case("place-parent-cycle", P, "    kind: country\n", "    kind: country\n    parent_place_id: ain-al-asad-air-base\n", "makes a cycle", 14),
    Case("two-sources-one-article", B, "  article_path: articles/b.txt\n  article_sha256: e33cad4b12712fa98ee4a816e897642cf7bf9c25e12fc73b737de2841d882dc5\n",
         f"  article_path: articles/a.txt\n  article_sha256: {SHA_A}\n", "already claimed by"),
    Case("missing-article", B, "  article_path: articles/b.txt\n", "  article_path: articles/zz.txt\n", "does not exist"),
    Case("sha256-mismatch", B, "  article_sha256: e33c", "  article_sha256: f33c", "article_sha256 does not match articles/b.txt"),
    Case("unnamed-source-out-of-scope", A, "    attributed_to: a-security-source\n", "    attributed_to: b-official\n", "unnamed sources are scoped"),
    Case("unnamed-source-without-scope", AC, "    scope_source_id: outlet-a-2025-08-19\n", "", "needs scope_source_id", 13),
    Case("unexpected-file", "annotations/notes.txt", None, "todo\n", "unexpected file in annotations/", 1),
    # text
    Case("quote-not-found", A, "    quote: انطلق رتل أمريكي أمس\n", "    quote: انطلق رتل بريطاني أمس\n", "closest passage"),
    Case("quote-twice", B, "    occurrence: 2\n", "", "occurs 2 times", 43),
    Case("occurrence-out-of-range", B, "    occurrence: 2\n", "    occurrence: 3\n", "occurs only 2 time(s)"),
    Case("occurrence-zero", B, "    occurrence: 2\n", "    occurrence: 0\n", "less than the minimum of 1"),
    Case("empty-quote", A, "    quote: انطلق رتل أمريكي أمس\n", "    quote: \" \"\n", "quote is empty"),
    Case("persian-yeh", A, "    quote: انطلق رتل أمريكي أمس\n", "    quote: انطلق رتل أمریكي أمس\n", "U+06CC ARABIC LETTER FARSI YEH"),
    Case("persian-kaf", A, "    quote: انطلق رتل أمريكي أمس\n", "    quote: انطلق رتل أمريکي أمس\n", "U+06A9 ARABIC LETTER KEHEH"),
    Case("whitespace-only", A, "    quote: انطلق رتل أمريكي أمس\n", "    quote: انطلق رتل  أمريكي أمس\n", "near match"),
    Case("tatweel-only", A, "    quote: انطلق رتل أمريكي أمس\n", "    quote: انطلق رتـل أمريكي أمس\n", "U+0640 ARABIC TATWEEL"),
    Case("translation-equals-quote", A, "    quote_en: a US convoy set off yesterday\n", "    quote_en: انطلق رتل أمريكي أمس\n", "quote_en is the same as the Arabic quote"),
    # dates and numbers
    Case("invalid-edtf", E, "    date: \"2025-08-18\"", "    date: \"2025-13\"", "not a valid EDTF date"),
    Case("february-30", E, "    date: \"2025-08-18\"", "    date: \"2025-02-30\"", "day is out of range for month"),
    Case("end-before-start", E, "    date: \"2025-08-18\"", "    date: \"2025-08-18/2025-08-01\"", "ends (2025-08-01) before it starts"),
    Case("publication-range-inverted", B, "  published: \"2026-01-17/2026-01-19\"", "  published: \"2026-01-19/2026-01-17\"", "published: '2026-01-19/2026-01-17' ends"),
    Case("low-above-high", B, "    value_low: 250\n", "    value_low: 450\n", "value_low 450 is greater than value_high 350"),
    Case("value-above-high", B, "    value_low: 250\n", "    value_low: 250\n    value: 400\n", "value 400 is above value_high 350"),
    Case("latitude-200", P, "    latitude: 33.0\n", "    latitude: 200\n", "must be <= 90"),
    Case("negative-troop-count", A, "    value: 2500\n", "    value: -5\n", "value -5 is negative"),
    Case("range-without-bounds", B, "    value_high: 350\n", "", "needs both value_low and value_high", 38),
    # values of the wrong kind (issue 16): each used to pass the schema and fail later, or be published
    Case("nan-figure", B, "    value_low: 250\n", "    value_low: .nan\n", "nan is not a finite number"),
    Case("inf-latitude", P, "    latitude: 33.0\n", "    latitude: .inf\n", "inf is not a finite number"),
    Case("float-occurrence", B, "    occurrence: 2\n", "    occurrence: 2.0\n", "2.0 is not of type 'integer'"),
    Case("huge-integer", A, "    value: 2500\n", "    value: 1" + "0" * 30 + "\n", "is too large"),
    Case("null-key", P, "    kind: country\n", "    kind: country\n    null: x\n", "mapping key null (read as NoneType) is not a string"),
    Case("list-key", P, "    kind: country\n", "    kind: country\n    ? [a, b]\n    : x\n", "mapping key a list is not a string"),
    Case("deep-flow-nesting", E, "    summary_en: A US convoy leaves.\n", "    summary_en: " + "[" * 100_000 + "]" * 100_000 + "\n",
         "values nest more than 10 levels deep"),
    Case("deep-block-nesting", P, None, "places:\n  " + "- " * 100_000 + "x\n", "values nest more than 10 levels deep", 2),
    # the line that opened what the parser found unclosed later (YAML reports the later line)
    Case("unclosed-double-quote", E, "    summary_en: A US convoy leaves.\n", '    summary_en: "A US convoy leaves.\n', "is not closed on its line"),
    Case("unclosed-single-quote", E, "    summary_en: A US convoy leaves.\n", "    summary_en: 'A US convoy leaves.\n", "is not closed on its line"),
    Case("unclosed-bracket", E, "    summary_en: A US convoy leaves.\n", "    summary_en: [A US convoy leaves.\n", "the [ that starts here"),
    Case("document-end-marker", E, "    summary_en: A US convoy leaves.\n", "...\n    summary_en: A US convoy leaves.\n", "document end"),
    # characters
    Case("control-character", E, "    summary_en: A US convoy leaves.\n", '    summary_en: "A US convoy\\a leaves."\n', "control character U+0007"),
    Case("line-break-in-id", E, "  - event_id: first-convoy\n", '  - event_id: "first\\nconvoy"\n', "contains a line break"),
    Case("lone-carriage-return", E, "    status: occurred\n    summary_en: A US", "    status: occurred\r    summary_en: A US",
         "carriage return (CR) without a line feed"),
    Case("long-quote", A, "    quote: آخر جندي سيغادر قاعدة عين الأسد يوم 15 أيلول 2025\n", "    quote: " + "ب" * 100_000 + "\n",
         "is 100,000 characters long"),
    # dates
    Case("arabic-indic-digits", E, '    date: "2025-08-18"', '    date: "٢٠٢٥-٠٨-١٨"', "ASCII, with the digits 0-9"),
    Case("published-after-release", A, '  published: "2025-08-19"', '  published: "2027-08-19"', "after the release date 2026-11-23"),
    # files and ids
    Case("source-named-unlike-its-id", A, "  source_id: outlet-a-2025-08-19\n", "  source_id: outlet-a-2025-08-20\n",
         "does not match the file name outlet-a-2025-08-19.yaml"),
    Case("article-outside-articles", B, "  article_path: articles/b.txt\n", "  article_path: articles/../annotations/places.yaml\n",
         "is not a path inside articles/"),
    Case("unclaimed-article", "articles/c.txt", None, "نص\n", "no source file claims this article", 1),
    # the methodology's rules between events and claims (scripts/pipeline/coherence.py)
    Case("status-not-from-mentions", E, "    status: occurred\n    summary_en: A US convoy leaves.", "    status: planned\n    summary_en: A US convoy leaves.",
         "status 'planned' of event 'first-convoy' does not follow from its mentions (modalities: reported)"),
    Case("superseded-without-outcome", E, "    outcome_event_id: ain-al-asad-withdrawal-completed\n", "",
         "status 'superseded' of event 'ain-al-asad-closure-plan' does not follow from its mentions (modalities: planned, reported): "
         "it needs an outcome_event_id", 4),
    Case("event-without-mention", E, "  - event_id: first-convoy\n", "  - event_id: unquoted\n    event_type: other\n    status: ongoing\n"
         "    summary_en: Nobody says so.\n    summary_ar: لا أحد.\n  - event_id: first-convoy\n", "event 'unquoted' has no mention in any article"),
    Case("figure-without-as-of", A, '    as_of: "2025-08-19"\n', "", "figure 'outlet-a-2025-08-19-f01' (us_troops_in_iraq) has no as_of", 31),
    Case("contradicts-itself", E, '    date: "2025-08-18"\n', '    date: "2025-08-18"\n    contradicts_event_id: first-convoy\n',
         "an event cannot contradict itself"),
    Case("contradicts-both-ways", E, '    date: "2026-01-16"\n    place_id: ain-al-asad-air-base\n  - event_id: first-convoy\n',
         '    date: "2026-01-16"\n    contradicts_event_id: first-convoy\n    place_id: ain-al-asad-air-base\n'
         '  - event_id: first-convoy\n    contradicts_event_id: ain-al-asad-withdrawal-completed\n',
         "contradicts_event_id makes a cycle: ain-al-asad-withdrawal-completed -> first-convoy -> ain-al-asad-withdrawal-completed", 16),
    Case("outcome-cycle", E, '    date: "2026-01-16"\n', '    date: "2026-01-16"\n    outcome_event_id: ain-al-asad-closure-plan\n',
         "outcome_event_id makes a cycle: ain-al-asad-closure-plan -> ain-al-asad-withdrawal-completed -> ain-al-asad-closure-plan", 9),
]


@pytest.fixture(scope="module")
def built_mini(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("built") / "mini"
    shutil.copytree(MINI, root)
    code, _, err = run_cli("build", "--root", root)
    assert code == 0, err
    return root


def apply(case: Case, root: Path):
    path = root / case.file
    if case.old is None:
        data = case.new if isinstance(case.new, bytes) else case.new.encode("utf-8")
    else:
        text = path.read_bytes()
        old = case.old.encode("utf-8")
        assert text.count(old) == 1, f"{case.id}: the text to replace must occur exactly once"
        data = text.replace(old, case.new if isinstance(case.new, bytes) else case.new.encode("utf-8"))
    path.write_bytes(data)
    if case.line is not None:
        return case.line
    marker = case.new if isinstance(case.new, bytes) else case.new.encode("utf-8")
    return data[: data.index(marker)].count(b"\n") + 1 + _lead(case)


def _lead(case: Case) -> int:
    """Lines of `new` before the changed one, when new repeats the unchanged start of old."""
    if case.old is None or isinstance(case.new, bytes):
        return 0
    common = 0
    for a, b in zip(case.old.split("\n"), case.new.split("\n")):
        if a != b:
            break
        common += 1
    return common


def test_corpus_is_large_and_distinct():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids)) and len(ids) >= 40


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, built_mini, tmp_path):
    root = tmp_path / "mini"
    shutil.copytree(built_mini, root, symlinks=True)
    before = snapshot(root)
    line = apply(case, root)
    code, out, err = run_cli("build", "--root", root, "--format", "json")
    assert code == 1, err
    import json

    problems = json.loads(out)
    assert len(problems) == 1, problems
    [p] = problems
    assert (p["path"], p["line"]) == (case.path or case.file, line), p
    assert case.message in p["message"] + " " + p["hint"], p
    assert snapshot(root) == before


def test_an_id_taken_from_another_source_is_a_duplicate_and_misnumbered(built_mini, tmp_path):
    """Mention ids carry their source's id (methodology, section 1): one copied from another
    file is named as a duplicate, as not this source's, and as out of order."""
    root = tmp_path / "mini"
    shutil.copytree(built_mini, root, symlinks=True)
    path = root / B
    path.write_text(path.read_text(encoding="utf-8").replace("  - mention_id: outlet-b-2026-01-19-m02\n",
                                                             "  - mention_id: outlet-a-2025-08-19-m01\n"), encoding="utf-8")
    code, out, err = run_cli("build", "--root", root)
    assert code == 1
    assert f"duplicate mention_id 'outlet-a-2025-08-19-m01' in mentions (first at {A}:" in err
    assert "mention_id 'outlet-a-2025-08-19-m01' should be 'outlet-b-2026-01-19-mNN'" in err
    assert f"{B}:" in err and err.count("\n    hint:") >= 2


def test_mentions_numbered_against_the_order_of_their_quotes_are_named(built_mini, tmp_path):
    root = tmp_path / "mini"
    shutil.copytree(built_mini, root, symlinks=True)
    path = root / B
    text = path.read_text(encoding="utf-8").replace("outlet-b-2026-01-19-m01", "X").replace("outlet-b-2026-01-19-m02",
                                                                                          "outlet-b-2026-01-19-m01")
    path.write_text(text.replace("X", "outlet-b-2026-01-19-m02"), encoding="utf-8")
    code, out, err = run_cli("build", "--root", root)
    assert code == 1 and "is out of order: its quote comes after that of" in err and err.count("out of order") == 1


def test_three_mistakes_give_three_sorted_messages(built_mini, tmp_path):
    root = tmp_path / "mini"
    shutil.copytree(built_mini, root, symlinks=True)
    path = root / B
    text = path.read_text(encoding="utf-8")
    text = text.replace("    event_id: ain-al-asad-withdrawal-completed\n", "    event_id: nowhere\n")
    text = text.replace("    modality: reported\n    attributed_to: outlet-b\n", "    modality: rumoured\n    attributed_to: outlet-b\n")
    text = text.replace("    value_low: 250\n", "    value_low: 450\n")
    path.write_text(text, encoding="utf-8")
    code, out, err = run_cli("check", "--root", root)
    lines = [line for line in err.splitlines() if line.startswith(B)]
    assert code == 1 and len(lines) == 3, err
    assert [int(line.split(":")[1]) for line in lines] == sorted(int(line.split(":")[1]) for line in lines)
    assert "event_id 'nowhere' does not exist in events" in err and "'rumoured'" in err and "value_low 450" in err
    assert "allowed: reported, planned, expected, denied, assessed" in err
    assert err.strip().endswith("3 problem(s); nothing was written.")
