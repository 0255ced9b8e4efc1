"""The Table Schemas are the single definition of a column; check what is generated from them."""
import pyarrow as pa

from scripts.constraints import pandera_schema
from scripts.metadata import TABLE_ORDER, annotation_schema, categories, load_tables


def test_every_field_is_described_and_typed():
    for table in load_tables().values():
        assert table.descriptor["title"] and table.descriptor["description"]
        for f in table.fields:
            assert f.get("description"), f"{table.name}.{f['name']} has no description"
            assert f["type"] in ("string", "number", "integer", "date")
        assert set(table.primary_key) <= set(table.field_names)


def test_arrow_schema_follows_the_table_schema():
    mentions = load_tables()["mentions"]
    schema = mentions.arrow_schema
    assert schema.names == mentions.field_names
    assert schema.field("char_start").type == pa.int64() and not schema.field("char_start").nullable
    assert schema.field("claimed_start").type == pa.date32() and schema.field("claimed_start").nullable


def test_pandera_schema_has_a_vocabulary_check():
    schema = pandera_schema(load_tables()["events"])
    checks = schema.columns["status"].checks
    assert any("superseded" in str(c.error) for c in checks)


def test_annotation_schema_matches_the_table_schemas():
    """Every hand-written annotation key is a column, and every non-derived column a key."""
    defs = annotation_schema()["$defs"]
    items = {"places": defs["places_file"]["properties"]["places"]["items"],
             "actors": defs["actors_file"]["properties"]["actors"]["items"],
             "events": defs["events_file"]["properties"]["events"]["items"],
             "sources": defs["source_file"]["properties"]["source"]}
    for name in ("citations", "mentions", "figures", "names"):
        items[name] = defs["source_file"]["properties"][name]["items"]
    tables = load_tables()
    assert set(items) == set(TABLE_ORDER)
    for name, item in items.items():
        written = {f["name"] for f in tables[name].fields if "x-derived" not in f}
        keys = set(item["properties"]) - {"occurrence"}
        assert keys == written, name
        required = {f["name"] for f in tables[name].fields if f.get("constraints", {}).get("required") and "x-derived" not in f}
        assert set(item["required"]) == required, name


def test_categories_have_definitions():
    for table in load_tables().values():
        for f in table.fields:
            for c in f.get("categories", []):
                assert c["value"] and len(c["label"]) >= 3, (table.name, f["name"], c)
            assert len(categories(f)) == len(set(categories(f)))


def test_no_nullable_number_has_bounds():
    """frictionless 5.21 reads Parquet nulls as NaN and then fails minimum/maximum on them,
    so bounds on optional numbers are checked by validate.py instead of the schema."""
    for table in load_tables().values():
        for f in table.fields:
            c = f.get("constraints", {})
            if f["type"] in ("number", "integer") and not c.get("required"):
                assert "minimum" not in c and "maximum" not in c, (table.name, f["name"])
