"""Arrow decides, pandera explains: the quick row check must agree with the pandera schemas."""
import pandas as pd
import pyarrow as pa
import pytest

from scripts.metadata import categories, load_tables, pandera_schema
from scripts.pipeline import check
from scripts.validate import meets_constraints


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
