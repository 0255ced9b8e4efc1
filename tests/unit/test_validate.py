"""One rule per constraint (scripts/constraints.py), as validate tells the curator and verify
tells the user of the files: one bad cell gives exactly one message naming that row."""
import datetime as dt
import math
from types import SimpleNamespace

import pyarrow as pa
import pytest

from scripts.constraints import failures, pandera_schema, rules
from scripts.errors import Collector
from scripts.metadata import Table, load_tables
from scripts.pipeline.runner import check
from scripts.pipeline.validate import check_columns, check_foreign_keys, check_unique
from scripts.publish import verify
from tests.conftest import REPO

PATTERN = "^[A-Z]{2}$"
THINGS = Table("things", {
    "name": "things",
    "primaryKey": ["id"],
    "uniqueKeys": [["group", "rank"]],
    "foreignKeys": [{"fields": ["parent_id"], "reference": {"resource": "things", "fields": ["id"]}}],
    "fields": [
        {"name": "id", "type": "string",
         "constraints": {"required": True, "unique": True, "pattern": "^[a-z0-9]+(?:-[a-z0-9]+)*$", "maxLength": 12}},
        {"name": "kind", "type": "string", "constraints": {"required": True},
         "categories": [{"value": "small", "label": "Small"}, {"value": "large", "label": "Large"}]},
        {"name": "label", "type": "string", "constraints": {"required": True, "minLength": 1}},
        {"name": "code", "type": "string", "constraints": {"unique": True, "pattern": PATTERN}},
        {"name": "parent_id", "type": "string"},
        {"name": "group", "type": "string", "constraints": {"required": True}},
        {"name": "rank", "type": "integer", "constraints": {"required": True, "minimum": 1, "maximum": 9}},
        {"name": "share", "type": "number", "constraints": {"minimum": 0, "maximum": 1}},
        {"name": "made", "type": "date"},
    ]})
FILE = "annotations/things.yaml"
LINES = [1, 5, 9]


def things(**changes) -> pa.Table:
    """Three clean rows in primary-key order; changes: {column: (row, value)}."""
    columns = {
        "id": ["a-1", "b-2", "c-3"], "kind": ["small", "large", "small"], "label": ["A", "B", "C"],
        "code": ["AB", None, "CD"], "parent_id": [None, "a-1", "b-2"], "group": ["g1", "g1", "g2"],
        "rank": [1, 2, 1], "share": [0.5, None, 1.0], "made": [dt.date(2025, 8, 18), None, None],
    }
    for column, (row, value) in changes.items():
        columns[column][row] = value
    table = pa.table(columns, schema=pa.schema([pa.field(f.name, f.type) for f in THINGS.arrow_schema]))
    return table.append_column("_path", pa.array([FILE] * 3)).append_column("_line", pa.array(LINES))


@pytest.fixture
def root(tmp_path):
    (tmp_path / "annotations").mkdir()
    (tmp_path / FILE).write_text("note: a stand-in file\n", encoding="utf-8")
    return tmp_path


def curator(table, root) -> list[tuple]:
    problems = Collector()
    check_columns(THINGS, table, root, problems)
    check_unique(THINGS, table, root, problems)
    check_foreign_keys(SimpleNamespace(tables={"things": table}, root=root), {"things": THINGS}, problems)
    return sorted((p.path, p.line, p.message, p.hint) for p in problems.problems)


def published(table) -> list[str]:
    problems = Collector()
    verify.check_rows(table, THINGS.descriptor, "data/things.csv", problems)
    verify.check_references({"things": table}, {"things": THINGS.descriptor}, {"things": "data/things.csv"}, problems)
    assert all((p.path, p.line) == ("data/things.csv", 1) for p in problems.problems)
    return sorted(p.message for p in problems.problems)


# (id, {column: (row, value)}, constraint, validate's message, its hint, verify's message)
CELLS = [
    ("required", {"label": (1, None)}, "required", "things.label is required", "",
     "label is empty in 1 row(s), first at row 2"),
    ("required-category", {"kind": (1, None)}, "required", "things.kind is required", "allowed: small, large",
     "kind is empty in 1 row(s), first at row 2"),
    ("categories", {"kind": (1, "larg")}, "categories", "things.kind 'larg': must be one of: small, large",
     "did you mean 'large'? allowed: small, large", "kind outside its vocabulary in 1 row(s), first at row 2 ('larg')"),
    ("pattern", {"code": (1, "ab")}, "pattern", f"things.code 'ab': must match {PATTERN}", "",
     f"code does not match {PATTERN} in 1 row(s), first at row 2 ('ab')"),
    ("pattern-trailing-newline", {"code": (1, "XY\n")}, "pattern", f"things.code 'XY\\n': must match {PATTERN}", "",
     f"code does not match {PATTERN} in 1 row(s), first at row 2 ('XY\\n')"),
    ("pattern-leading-newline", {"code": (1, "\nXY")}, "pattern", f"things.code '\\nXY': must match {PATTERN}", "",
     f"code does not match {PATTERN} in 1 row(s), first at row 2 ('\\nXY')"),
    ("minLength", {"label": (1, "")}, "minLength", "things.label '': must not be empty", "",
     "label is shorter than 1 character in 1 row(s), first at row 2 ('')"),
    ("maxLength", {"id": (2, "c-3-abcdefghij")}, "maxLength", "things.id 'c-3-abcdefghij': must be at most 12 characters", "",
     "id is longer than 12 characters in 1 row(s), first at row 3 ('c-3-abcdefghij')"),
    ("minimum", {"rank": (1, 0)}, "minimum", "things.rank 0: must be >= 1", "", "rank below 1 in 1 row(s), first at row 2 (0)"),
    ("maximum", {"share": (1, 1.5)}, "maximum", "things.share 1.5: must be <= 1", "",
     "share above 1 in 1 row(s), first at row 2 (1.5)"),
]


def test_a_clean_table_breaks_no_rule(root):
    assert failures(THINGS, things()) == []
    assert curator(things(), root) == [] and published(things()) == []


@pytest.mark.parametrize("cell", CELLS, ids=[c[0] for c in CELLS])
def test_one_bad_cell_is_one_failure_of_its_rule(cell):
    _, changes, constraint, *_ = cell
    [failure] = failures(THINGS, things(**changes))
    (column, (row, value)), = changes.items()
    assert (failure.rule.column, failure.rule.constraint, failure.rows, failure.values) == (column, constraint, [row], [value])


@pytest.mark.parametrize("cell", CELLS, ids=[c[0] for c in CELLS])
def test_validate_names_the_cell(cell, root):
    _, changes, _, message, hint, _ = cell
    (row, _), = changes.values()
    assert curator(things(**changes), root) == [(FILE, LINES[row], message, hint)]


@pytest.mark.parametrize("cell", CELLS, ids=[c[0] for c in CELLS])
def test_verify_names_the_rule_and_row(cell):
    _, changes, *_, message = cell
    assert published(things(**changes)) == [message]


@pytest.mark.parametrize("cell", CELLS, ids=[c[0] for c in CELLS])
def test_pandera_fails_on_the_same_rule(cell):
    import pandera.errors

    _, changes, constraint, *_ = cell
    frame = things(**changes).drop_columns(["_path", "_line"]).to_pandas()
    with pytest.raises(pandera.errors.SchemaErrors) as caught:
        pandera_schema(THINGS).validate(frame, lazy=True)
    assert [(e.schema.name, e.check.name) for e in caught.value.schema_errors] == [(next(iter(changes)), constraint)]
    assert list(caught.value.failure_cases["index"]) == [row for row, _ in changes.values()]


def test_pandera_passes_a_clean_frame():
    frame = things().drop_columns(["_path", "_line"]).to_pandas()
    assert len(pandera_schema(THINGS).validate(frame, lazy=True)) == 3


def test_an_empty_optional_value_meets_every_constraint(root):
    table = things(code=(0, None), share=(0, None), parent_id=(1, None))
    assert failures(THINGS, table) == [] and curator(table, root) == [] and published(table) == []


def test_nan_meets_no_bound(root):
    table = things(share=(1, math.nan))
    assert [(f.rule.constraint, f.rows) for f in failures(THINGS, table)] == [("minimum", [1]), ("maximum", [1])]
    assert [p[2] for p in curator(table, root)] == ["things.share nan: must be <= 1", "things.share nan: must be >= 0"]


def test_several_bad_rows_are_each_named_and_counted_once(root):
    table = things(code=(0, "x"), label=(2, ""))
    table = table.set_column(table.schema.get_field_index("code"), "code", pa.array(["x", "yy", "ZZ"]))
    assert [(f.rule.constraint, f.rows) for f in failures(THINGS, table)] == [("minLength", [2]), ("pattern", [0, 1])]
    assert [p[:2] for p in curator(table, root)] == [(FILE, 1), (FILE, 5), (FILE, 9)]
    assert published(table) == ["code does not match ^[A-Z]{2}$ in 2 row(s), first at row 1 ('x')",
                                "label is shorter than 1 character in 1 row(s), first at row 3 ('')"]


# (id, {column: (row, value)}, validate's (line, message, hint), verify's message)
KEYS = [
    ("primaryKey", {"id": (1, "a-1"), "parent_id": (2, "a-1")},
     (5, "duplicate id 'a-1' in things (first at annotations/things.yaml:1)", "ids must be unique across all files"),
     "primary key id has duplicate values in 2 row(s), first at row 1 ('a-1')"),
    ("unique", {"code": (2, "AB")},
     (9, "duplicate code 'AB' in things (first at annotations/things.yaml:1)", "ids must be unique across all files"),
     "code has duplicate values in 2 row(s), first at row 1 ('AB')"),
    ("uniqueKeys", {"rank": (1, 1)},
     (5, "duplicate group/rank ('g1', 1) in things (first at annotations/things.yaml:1)", ""),
     "unique key group/rank has duplicate values in 2 row(s), first at row 1 (('g1', 1))"),
    ("foreignKey", {"parent_id": (2, "b-22")},
     (9, "parent_id 'b-22' does not exist in things", "did you mean 'b-2'?"),
     "parent_id not found in things.id (foreign key) in 1 row(s), first at row 3 ('b-22')"),
]


@pytest.mark.parametrize("case", KEYS, ids=[c[0] for c in KEYS])
def test_a_broken_key_is_named_by_both(case, root):
    _, changes, (line, message, hint), verified = case
    table = things(**changes)
    assert failures(THINGS, table) == []
    assert curator(table, root) == [(FILE, line, message, hint)]
    assert published(table) == [verified]


def test_pandera_checks_the_keys_by_their_rule_names():
    import pandera.errors

    for name, changes in [("primaryKey", {"id": (1, "a-1")}), ("unique", {"code": (2, "AB")}), ("uniqueKeys", {"rank": (1, 1)})]:
        frame = things(**changes).drop_columns(["_path", "_line"]).to_pandas()
        with pytest.raises(pandera.errors.SchemaErrors) as caught:
            pandera_schema(THINGS).validate(frame, lazy=True)
        assert [e.check.name for e in caught.value.schema_errors] == [name]


def test_every_constraint_of_the_real_schemas_has_a_rule():
    kinds = {"required", "pattern", "minLength", "maxLength", "minimum", "maximum"}
    for table in load_tables().values():
        found = {(r.column, r.constraint) for r in rules(table)}
        for f in table.fields:
            stated = {k for k, v in f.get("constraints", {}).items() if k in kinds and v is not False}
            stated |= {"categories"} if f.get("categories") else set()
            assert {c for col, c in found if col == f["name"]} == stated, (table.name, f["name"])


@pytest.fixture(scope="module")
def real_tables():
    return check(REPO, use_cache=False, save_cache=False).tables  # reads the corpus, writes nothing


def test_the_real_tables_break_no_rule(real_tables):
    for name, schema in load_tables().items():
        assert failures(schema, real_tables[name]) == [], name


def test_repeats_of_every_key_are_found_and_named_in_file_order(real_tables, tmp_path):
    """Three rows share a mention_id, two others share the 4-column unique key of mentions."""
    from scripts.pipeline.tables import in_key_order

    schema = load_tables()["mentions"]
    rows = real_tables["mentions"].slice(0, 6).to_pylist()
    for i, row in enumerate(rows):
        row["_path"], row["_line"] = f"annotations/sources/f{i % 2}.yaml", 10 + i
    rows[1]["mention_id"] = rows[3]["mention_id"] = rows[5]["mention_id"]
    rows[4].update({k: rows[2][k] for k in ("source_id", "char_start", "char_end", "event_id")})
    table = in_key_order(schema, pa.Table.from_pylist(rows, schema=real_tables["mentions"].schema))
    (tmp_path / "annotations/sources").mkdir(parents=True)
    for i in range(2):
        (tmp_path / f"annotations/sources/f{i}.yaml").write_text("note: a stand-in file\n", encoding="utf-8")
    problems = Collector()
    check_unique(schema, table, tmp_path, problems)
    found = sorted((p.path, p.line, p.message.split(" in mentions")[0]) for p in problems.problems)
    twin = rows[5]["mention_id"]
    span = tuple(rows[2][k] for k in ("source_id", "char_start", "char_end", "event_id"))
    assert found == sorted([
        ("annotations/sources/f1.yaml", 13, f"duplicate mention_id '{twin}'"),
        ("annotations/sources/f1.yaml", 15, f"duplicate mention_id '{twin}'"),
        ("annotations/sources/f0.yaml", 14, f"duplicate source_id/char_start/char_end/event_id {span!r}"),
    ])


def test_a_pattern_matches_the_whole_value():
    """Table Schema patterns are implicitly anchored at both ends, around the whole alternation;
    a trailing newline is not the end of the value (Python's `$` would accept it, RE2's does not)."""
    from scripts.constraints import field_rules

    for pattern in ("[a-z]+|[0-9]+", "^[a-z]+|[0-9]+$"):
        [rule] = field_rules({"name": "x", "type": "string", "constraints": {"pattern": pattern}})
        values = pa.array(["ab", "12", "ab12", "12ab", "ab\n", "\n12", "", None])
        assert rule.fails(values).to_pylist() == [False, False, True, True, True, True, True, False], pattern
