import os
from pathlib import Path

import pytest

from scripts.errors import DataError
from scripts.pipeline.load import load_file
from scripts.pipeline.runner import check


def write(root: Path, rel: str, text: str | bytes):
    path = root / "annotations" / rel
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))


def problems_of(root):
    with pytest.raises(DataError) as e:
        check(root)
    return e.value.problems


def loaded(root, rel, kind):
    doc, problems = load_file(root / "annotations" / rel, f"annotations/{rel}", kind)
    assert problems == []
    return doc


def test_records_remember_file_and_line(mini):
    iraq = loaded(mini, "places.yaml", "places_file")["places"][0]
    assert (iraq.path, iraq.line, iraq.line_of("kind")) == ("annotations/places.yaml", 2, 5)
    doc = loaded(mini, "sources/outlet-a-2025-08-19.yaml", "source_file")
    assert [m["mention_id"] for m in doc["mentions"]] == ["outlet-a-2025-08-19-m01", "outlet-a-2025-08-19-m02"]
    assert doc["mentions"][1].line == 22


def test_dates_stay_strings(mini):
    assert loaded(mini, "events.yaml", "events_file")["events"][0]["date"] == "2025-09-15"


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
    from scripts.pipeline.load import _validators, file_kind, parse_yaml
    from tests.conftest import MINI, REPO

    for base in (REPO / "annotations", MINI / "annotations"):
        for path in sorted(base.rglob("*.yaml")):
            doc = parse_yaml(path, str(path), Collector())
            fast, full = _validators()[file_kind(path.relative_to(base).as_posix())]
            fast(doc)
            assert list(full.iter_errors(doc)) == []
            broken = dict(doc)
            broken["extra"] = 1
            with pytest.raises(fastjsonschema.JsonSchemaException):
                fast(broken)
            assert list(full.iter_errors(broken))


def _same(a, b) -> bool:
    """Equal values, types, record lines and key lines."""
    from scripts.pipeline.records import Record

    if isinstance(a, Record) or isinstance(b, Record):
        return (isinstance(a, Record) and isinstance(b, Record) and (a.line, a.key_lines, list(a)) == (b.line, b.key_lines, list(b))
                and all(_same(a[k], b[k]) for k in a))
    if isinstance(a, list) or isinstance(b, list):
        return isinstance(a, list) and isinstance(b, list) and len(a) == len(b) and all(map(_same, a, b))
    return type(a) is type(b) and a == b


def _corpus_texts():
    from tests.conftest import MINI, REPO

    return [p.read_text(encoding="utf-8") for base in (REPO / "annotations", MINI / "annotations")
            for p in sorted(base.rglob("*.yaml"))]


def test_line_reader_reads_every_real_file_as_pyyaml_does():
    import yaml

    from scripts.pipeline.block_yaml import _read_block
    from scripts.pipeline.records import _Loader

    for text in _corpus_texts():
        block = _read_block(text)
        assert block is not None, "the curated files use only the block subset"
        assert _same(block, yaml.load(text, Loader=_Loader))  # noqa: S506 - a SafeLoader


@pytest.mark.slow
def test_line_reader_agrees_with_pyyaml_on_mutated_files():
    """Random edits of real files (YAML's tricky tokens, deletions, re-indents): whenever
    the line reader accepts a text, PyYAML must read the same value; else PyYAML decides."""
    import random

    import yaml

    from scripts.pipeline.block_yaml import _read_block
    from scripts.pipeline.records import _Loader

    rng = random.Random(7)
    seeds = _corpus_texts()
    tokens = [" ", "  ", "\n", ":", ": ", "- ", "#", " #", '"', "'", "\\", "\\n", "\\x41", "&a", "*a", "!!str ", "[", "]",
              "{", "}", "|", ">", "yes", "no", "null", "~", "1e3", "0x1F", "012", "1_000", "2025-08-19", "\t", "---", "...",
              "?", "%", "@", "`", "1.5", ".5", "-1", "+1", ".inf", "<<: ", "\u2028", "\x85", "on", "NULL", "0o17", "1:30", "é"]
    accepted = 0
    # 1,000 files in `make test`; `make fuzz` (HYPOTHESIS_PROFILE=long) tries 20,000
    for _ in range(20_000 if os.environ.get("HYPOTHESIS_PROFILE") == "long" else 1_000):
        text = rng.choice(seeds)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(text) + 1)
            op = rng.random()
            if op < 0.6:
                text = text[:at] + rng.choice(tokens) + text[at:]
            elif op < 0.8:
                text = text[:at] + text[at + rng.randint(1, 5):]
            else:
                lines = text.split("\n")
                j = rng.randrange(len(lines))
                lines[j] = " " * rng.randint(0, 6) + lines[j].lstrip()
                text = "\n".join(lines)
        block = _read_block(text)
        if block is None:
            continue
        accepted += 1
        assert _same(block, yaml.load(text, Loader=_Loader)), text  # noqa: S506 - a SafeLoader
    assert accepted > 250, accepted  # the comparison really ran on many texts


def test_key_line_finds_a_key_of_a_record_by_its_line(mini):
    from scripts.pipeline.load import key_line

    assert key_line(mini, "annotations/places.yaml", 2, "kind") == 5
    assert key_line(mini, "annotations/places.yaml", 2, "no-such-key") == 2


def test_a_folder_or_link_where_a_file_belongs_is_reported_not_read(mini):
    import os

    from scripts.pipeline.load import annotation_files

    (mini / "annotations/sources/nested").mkdir()
    (mini / "annotations/sources/nested/c.yaml").write_text("source: {}\n", encoding="utf-8")
    os.symlink(mini / "annotations/sources", mini / "annotations/sources/loop.yaml")
    jobs, problems = annotation_files(mini)
    assert len(jobs) == 5
    assert sorted((p.path, p.message) for p in problems.problems) == [
        ("annotations/sources/loop.yaml", "is a symbolic link, not a regular file"),
        ("annotations/sources/nested/c.yaml", "unexpected file in annotations/")]


def test_messages_count_list_items_from_one_and_name_them_by_id(mini):
    from tests.conftest import run_cli

    path = mini / "annotations/sources/outlet-a-2025-08-19.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    modality: reported\n", "    modality: 7\n", 1), encoding="utf-8")
    code, _, err = run_cli("check", "--root", mini)
    assert code == 1 and "mentions[2] (outlet-a-2025-08-19-m02).modality: 7 is not of type 'string'" in err
    assert "mentions.1" not in err


def test_odd_characters_are_those_pyyaml_refuses_or_breaks_lines_at():
    """The line reader's one character class gives up on exactly the characters of the two
    classes it replaces: tabs, YAML 1.1's other line breaks, BOMs, and what PyYAML's reader refuses."""
    import re

    import yaml

    from scripts.pipeline.block_yaml import _ODD

    reference = re.compile("[\t\r\x85\u2028\u2029\ufeff]|" + yaml.reader.Reader.NON_PRINTABLE.pattern)
    text = "".join(map(chr, range(0x110000)))
    assert [m.start() for m in _ODD.finditer(text)] == [m.start() for m in reference.finditer(text)]


def test_catalogues_have_a_larger_size_limit_than_source_files(tmp_path):
    """A catalogue grows with the corpus (every actor, place and event); a source file does not."""
    from scripts.errors import Collector
    from scripts.pipeline.load import MAX_CATALOGUE_BYTES, MAX_FILE_BYTES, parse_yaml

    padded = ("events:\n  - event_id: \"x\"\n" + "#" + "x" * (MAX_FILE_BYTES + 10) + "\n").encode()
    problems = Collector()
    assert parse_yaml(tmp_path / "events.yaml", "annotations/events.yaml", problems, padded) == {"events": [{"event_id": "x"}]}
    assert not problems.problems
    assert parse_yaml(tmp_path / "a.yaml", "annotations/sources/events.yaml", problems, padded) is None
    assert [p.message for p in problems.problems] == [f"file is {len(padded) / 1e6:.1f} MB; annotation files are limited to 5 MB"]
    problems = Collector()
    huge = b"events: []\n#" + b"x" * MAX_CATALOGUE_BYTES + b"\n"
    assert parse_yaml(tmp_path / "events.yaml", "annotations/events.yaml", problems, huge) is None
    assert [p.message for p in problems.problems] == [f"file is {len(huge) / 1e6:.1f} MB; catalogues are limited to 64 MB"]


def test_the_quick_value_check_passes_nothing_the_full_walk_faults():
    """check_values and placeholders answer at once for a document of ordinary values; they
    must never do so for one the full walk faults. The corpus's files, each with odd values put
    at random places (odd strings, numbers, nesting and placeholders)."""
    import copy
    import random

    from scripts.errors import Collector
    from scripts.pipeline.block_yaml import _read_block
    from scripts.pipeline.load import annotation_files, placeholders
    from scripts.pipeline.values import MAX_DEPTH, MAX_STRING, _every_problem, check_values
    from tests.conftest import REPO

    rng = random.Random(5)
    deep: list = ["x"]
    for _ in range(MAX_DEPTH):
        deep = [deep]
    odd = ["\x00", "a\tb", "a\nb", "x" * (MAX_STRING + 1), "\ud800", "\x85", float("nan"), float("-inf"), 2**60,
           -(2**60), deep, " todo: the date", "TODO"]
    faulted = 0
    for path, display, kind in annotation_files(REPO)[0]:
        doc = _read_block(path.read_text(encoding="utf-8"))
        assert check_values(doc, kind) == _every_problem(doc, kind) == []
        for _ in range(40):
            mutated = copy.deepcopy(doc)
            node = mutated
            while True:  # down to a random mapping or list, then one of its values replaced
                keys = list(node) if isinstance(node, dict) else list(range(len(node)))
                key = rng.choice(keys)
                if isinstance(node[key], (dict, list)) and node[key] and rng.random() < 0.7:
                    node = node[key]
                    continue
                node[key] = copy.deepcopy(rng.choice(odd))
                break
            full = _every_problem(mutated, kind)
            assert check_values(mutated, kind) == full
            faulted += bool(full)
            collector = Collector()
            has = placeholders(mutated, display, collector)
            assert has == bool(collector.problems) == any(str(v).strip().upper().startswith("TODO") for v in _strings(mutated))
    assert faulted > 50  # the odd values did reach the full walk


def _strings(node):
    if isinstance(node, dict):
        node = list(node.values())
    if isinstance(node, list):
        for value in node:
            yield from _strings(value)
    elif isinstance(node, str):
        yield node
