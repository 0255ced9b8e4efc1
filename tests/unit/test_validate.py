"""Arrow decides, pandera explains: the quick row check must agree with the pandera schemas."""
import pandas as pd
import pyarrow as pa
import pytest

from scripts.metadata import categories, load_tables, pandera_schema
from scripts.pipeline.runner import check
from scripts.pipeline.validate import meets_constraints


def _pandera_accepts(schema, table: pa.Table) -> bool:
    import pandera.errors

    frame = table.select(schema.field_names).to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
    try:
        pandera_schema(schema).validate(frame, lazy=True)
    except pandera.errors.SchemaErrors:
        return False
    return True


def _bad_values(field):
    """Values that break one constraint of a field each."""
    c = field.get("constraints", {})
    out = []
    if c.get("required"):
        out.append(None)
    if categories(field):
        out.append("not-a-category")
    if "pattern" in c:
        out += ["Has Capitals and spaces!", "ok\n"]
    if "minLength" in c:
        out.append("")
    if "maxLength" in c:
        out.append("x" * (c["maxLength"] + 1))
    if "minimum" in c:
        out.append(c["minimum"] - 1)
    return out


@pytest.fixture(scope="module")
def real_tables(real):
    return check(real, use_cache=False, save_cache=False).tables


def test_the_real_tables_pass_both(real_tables):
    for name, schema in load_tables().items():
        assert meets_constraints(schema, real_tables[name]) and _pandera_accepts(schema, real_tables[name]), name


def test_every_broken_constraint_is_caught_by_arrow_and_explained_by_pandera(real_tables):
    tried = 0
    for name, schema in load_tables().items():
        table = real_tables[name].slice(0, 3)
        for i, field in enumerate(schema.fields):
            for bad in _bad_values(field):
                if bad == "ok\n" and "pattern" not in field.get("constraints", {}):
                    continue
                column = pa.array([bad] + table.column(i).to_pylist()[1:], table.schema.field(i).type)
                broken = table.set_column(i, table.schema.field(i), column)
                arrow_ok = meets_constraints(schema, broken)
                assert not arrow_ok, (name, field["name"], bad)
                assert not _pandera_accepts(schema, broken), (name, field["name"], bad)
                tried += 1
    assert tried > 50


def test_repeats_of_every_key_are_found_and_named_in_file_order(real_tables, tmp_path):
    """Three rows share a mention_id, two others share the 4-column unique key of mentions."""
    from scripts.errors import Collector
    from scripts.pipeline.tables import in_key_order
    from scripts.pipeline.validate import check_unique

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
