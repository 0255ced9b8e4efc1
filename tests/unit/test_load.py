from pathlib import Path

import pytest

from scripts.errors import DataError
from scripts.load import load


def write(root: Path, rel: str, text: str | bytes):
    path = root / "annotations" / rel
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))


def problems_of(root):
    with pytest.raises(DataError) as e:
        load(root)
    return e.value.problems


def test_records_remember_file_and_line(mini):
    ann = load(mini)
    iraq = ann.places[0]
    assert (iraq.path, iraq.line, iraq.line_of("kind")) == ("annotations/places.yaml", 2, 5)
    doc = next(d for d in ann.sources if d.source["source_id"] == "outlet-a-2025-08-19")
    assert [m["mention_id"] for m in doc.sections["mentions"]] == ["a-m1", "a-m2"]
    assert doc.sections["mentions"][1].line == 22


def test_dates_stay_strings(mini):
    ann = load(mini)
    assert ann.events[0]["date"] == "2025-09-15"


def test_duplicate_key_is_an_error(mini):
    write(mini, "places.yaml", "places:\n  - place_id: iraq\n    name_en: Iraq\n    name_en: Iraq again\n")
    [p] = problems_of(mini)
    assert (p.path, p.line) == ("annotations/places.yaml", 4)
    assert "duplicate key 'name_en' (first at line 3)" in p.message


def test_yaml_syntax_error_names_line(mini):
    write(mini, "events.yaml", "events:\n  - event_id: x\n   bad: [unclosed\n")
    [p] = problems_of(mini)
    assert p.path == "annotations/events.yaml" and p.line == 3 and "YAML syntax error" in p.message


def test_unknown_field_suggests_the_right_one(mini):
    text = (mini / "annotations/places.yaml").read_text(encoding="utf-8").replace("    geo_precision: country", "    geo_precison: country")
    write(mini, "places.yaml", text)
    [p] = problems_of(mini)
    assert (p.line, p.message, p.hint) == (8, "unknown field 'geo_precison'", "did you mean 'geo_precision'?")


def test_missing_field(mini):
    text = (mini / "annotations/places.yaml").read_text(encoding="utf-8").replace("    name_ar: العراق\n", "")
    write(mini, "places.yaml", text)
    [p] = problems_of(mini)
    assert p.line == 2 and "'name_ar' is a required property" in p.message


def test_alias_and_python_tag_are_refused(mini):
    write(mini, "places.yaml", "places:\n  - &a {place_id: x}\n  - *a\n")
    write(mini, "events.yaml", "events: !!python/object:os.system {}\n")
    problems = problems_of(mini)
    assert [(p.path, p.line) for p in problems] == [("annotations/events.yaml", 1), ("annotations/places.yaml", 3)]
    assert "not allowed" in problems[0].message and "aliases" in problems[1].message


def test_three_mistakes_in_one_file_give_three_messages(mini):
    text = (mini / "annotations/places.yaml").read_text(encoding="utf-8")
    text = text.replace("place_id: iraq\n", "place_id: Iraq\n", 1).replace("latitude: 33.0", "latitude: north")
    text = text.replace("kind: air_base", "kind: air_base\n    colour: blue")
    write(mini, "places.yaml", text)
    problems = problems_of(mini)
    assert [p.line for p in problems] == [2, 6, 13]


def test_bom_and_bad_utf8(mini):
    write(mini, "places.yaml", b"\xef\xbb\xbfplaces: []\n")
    write(mini, "events.yaml", b"events:\n  - event_id: x\n    note: \xff\n")
    problems = problems_of(mini)
    assert [(p.path, p.line) for p in problems] == [("annotations/events.yaml", 3), ("annotations/places.yaml", 1)]


def test_fast_and_full_schema_checks_agree():
    """fastjsonschema decides; jsonschema explains. They must agree on every real file."""
    import fastjsonschema

    from scripts.errors import Collector
    from scripts.load import _validators, file_kind, parse_yaml
    from tests.conftest import MINI, REPO

    for base in (REPO / "annotations", MINI / "annotations"):
        for path in sorted(base.rglob("*.yaml")):
            doc = parse_yaml(path, str(path), Collector())
            fast, full = _validators()[file_kind(path.relative_to(base))]
            fast(doc)
            assert list(full.iter_errors(doc)) == []
            broken = dict(doc)
            broken["extra"] = 1
            with pytest.raises(fastjsonschema.JsonSchemaException):
                fast(broken)
            assert list(full.iter_errors(broken))


def test_many_files_load_in_parallel_with_the_same_result(mini):
    import shutil

    from scripts.load import PARALLEL_FROM

    template = (mini / "annotations/sources/outlet-a-2025-08-19.yaml").read_text(encoding="utf-8")
    serial = load(mini)
    for i in range(PARALLEL_FROM):
        shutil.copy(mini / "articles/a.txt", mini / f"articles/copy{i}.txt")
        (mini / f"annotations/sources/copy-{i}.yaml").write_text(
            template.replace("outlet-a-2025-08-19", f"copy-{i}").replace("articles/a.txt", f"articles/copy{i}.txt")
            .replace("a-m", f"c{i}-m").replace("a-f1", f"c{i}-f1"), encoding="utf-8")
    parallel = load(mini)
    assert len(parallel.sources) == PARALLEL_FROM + 2
    first = next(d for d in parallel.sources if d.path.endswith("outlet-a-2025-08-19.yaml"))
    same = next(d for d in serial.sources if d.path.endswith("outlet-a-2025-08-19.yaml"))
    assert first.sections == same.sections
    assert [(m.path, m.line, m.key_lines) for m in first.sections["mentions"]] == \
        [(m.path, m.line, m.key_lines) for m in same.sections["mentions"]]
