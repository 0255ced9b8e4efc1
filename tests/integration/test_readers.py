"""Every table reads the same in pyarrow, polars, pandas, DuckDB and frictionless."""
import datetime as dt
import decimal
import json

import pyarrow.parquet as pq
import pytest

from tests.conftest import built_copy


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return built_copy(tmp_path_factory.mktemp("readers") / "mini", "build")


def tables(root):
    package = json.loads((root / "datapackage.json").read_text())
    return [r for r in package["resources"] if r["format"] == "csv"]


def normalise(rows):
    """Readers differ only in container types; compare plain Python values."""
    out = []
    for row in rows:
        clean = {}
        for k, v in row.items():
            if hasattr(v, "item"):
                v = v.item()
            if v != v:  # NaN from pandas
                v = None
            if isinstance(v, dt.datetime):
                v = v.date()
            clean[k] = v
        out.append(clean)
    return out


def test_parquet_reads_identically_everywhere(built):
    import duckdb
    import pandas as pd
    import polars as pl

    for res in tables(built):
        path = built / res["path"].replace(".csv", ".parquet")
        reference = pq.read_table(path).to_pylist()
        assert normalise(pl.read_parquet(path).to_dicts()) == reference, res["name"]
        frame = pd.read_parquet(path, dtype_backend="pyarrow")
        assert normalise(frame.to_dict("records")) == reference, res["name"]
        assert duckdb.sql(f"SELECT * FROM read_parquet('{path}')").arrow().read_all().to_pylist() == reference


def test_types_survive(built):
    import polars as pl

    path = built / "build/data/events.parquet"
    schema = pl.read_parquet(path).schema
    assert schema["date_start"] == pl.Date and schema["event_id"] == pl.String
    figures = pl.read_parquet(built / "build/data/figures.parquet")
    assert figures.schema["char_start"] == pl.Int64 and figures["value"].null_count() == 1


def test_csv_reads_identically_with_duckdb_and_frictionless(built):
    import duckdb
    from frictionless import Package

    for res in tables(built):
        reference = pq.read_table(built / res["path"].replace(".csv", ".parquet")).to_pylist()
        columns = {f["name"]: {"string": "VARCHAR", "number": "DOUBLE", "integer": "BIGINT", "date": "DATE"}[f["type"]]
                   for f in res["schema"]["fields"]}
        rel = duckdb.sql(f"SELECT * FROM read_csv('{built / res['path']}', header=true, columns={columns!r})")
        assert rel.arrow().read_all().to_pylist() == reference, res["name"]
        package = Package(str(built / "datapackage.json"), basepath=str(built))
        rows = [dict(r) for r in package.get_resource(res["name"]).read_rows()]
        for row in rows:
            for k, v in row.items():
                if isinstance(v, decimal.Decimal):  # frictionless reads numbers as Decimal
                    row[k] = float(v)
        assert rows == reference, res["name"]


def _pandas_csv(path):
    import pandas as pd

    return pd.read_csv(path, keep_default_na=False, na_values=[""])  # as pandera_schema's docstring says


def test_csv_read_with_pandas_passes_the_pandera_schemas(built):
    from scripts.constraints import pandera_schema
    from scripts.metadata import Table

    for res in tables(built):
        frame = _pandas_csv(built / res["path"])
        checked = pandera_schema(Table(res["name"], res["schema"])).validate(frame, lazy=True)
        assert len(checked) == res["rows"], res["name"]


def test_a_corrupted_frame_fails_pandera_on_the_rules_it_breaks(built):
    """One broken cell per rule; pandera names each by the rule's constraint and message."""
    import pandera.errors

    from scripts.constraints import pandera_schema, rules
    from scripts.metadata import load_tables

    schema = load_tables()["places"]
    frame = _pandas_csv(built / "build/data/places.csv")
    assert len(frame) >= 2
    frame.loc[0, "kind"] = "planet"
    frame.loc[0, "latitude"] = 91.0
    frame.loc[1, "name_en"] = None
    frame.loc[1, "place_id"] = "Not An Id"
    frame.loc[1, "name_ar"] = ""
    with pytest.raises(pandera.errors.SchemaErrors) as caught:
        pandera_schema(schema).validate(frame, lazy=True)
    found = {(e.schema.name, e.check.name) for e in caught.value.schema_errors}
    assert found == {("kind", "categories"), ("latitude", "maximum"), ("name_en", "required"),
                     ("place_id", "pattern"), ("name_ar", "minLength")}
    messages = {(r.column, r.constraint): r.message for r in rules(schema)}
    cases = caught.value.failure_cases
    assert sorted(zip(cases["column"], cases["check"], cases["index"])) == sorted([
        ("kind", messages["kind", "categories"], 0), ("latitude", messages["latitude", "maximum"], 0),
        ("name_en", messages["name_en", "required"], 1), ("place_id", messages["place_id", "pattern"], 1),
        ("name_ar", messages["name_ar", "minLength"], 1)])


EXPECTED = {"integer": ("int64", "BIGINT", "int64"), "number": ("double", "DOUBLE", "float64")}


@pytest.mark.parametrize("corpus", ["mini", "real"])
def test_csv_readers_infer_the_parquet_type_of_every_numeric_column(corpus, built, request):
    """Without a schema, DuckDB and pandas read every integer column of the CSV as the Parquet
    file's int64 and every number column as its double, even where every value is whole."""
    import duckdb
    import pandas as pd

    root = built if corpus == "mini" else request.getfixturevalue("real")
    checked = []
    for res in tables(root):
        path = root / res["path"]
        parquet = pq.read_schema(path.with_suffix(".parquet"))
        sniffed = dict(duckdb.sql(f"DESCRIBE SELECT * FROM read_csv('{path}')").fetchall()[i][:2]
                       for i in range(len(res["schema"]["fields"])))
        frame = pd.read_csv(path)
        for field in res["schema"]["fields"]:
            if field["type"] not in EXPECTED or frame[field["name"]].isna().all():
                continue
            arrow, duck, pandas = EXPECTED[field["type"]]
            if field["type"] == "integer" and frame[field["name"]].isna().any():
                pandas = "float64"  # pandas has no missing value for int64; the column allows none here
            got = (str(parquet.field(field["name"]).type), sniffed[field["name"]], str(frame[field["name"]].dtype))
            assert got == (arrow, duck, pandas), (res["name"], field["name"], got)
            checked.append(field["type"])
    assert {"integer", "number"} <= set(checked)
