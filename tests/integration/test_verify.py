"""verify catches every kind of tampering and names the file."""
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from scripts.pipeline.generation import manifest_path
from tests.conftest import run_cli


@pytest.fixture
def built(mini):
    assert run_cli("build", "--root", mini)[0] == 0
    return mini


def verify(root):
    code, out, err = run_cli("verify", "--root", root)
    return code, out + err


def _resource(package, path):
    """The resource of a file as the project folder names it (build/data/...); the published
    manifest names it relative to itself (data/...)."""
    return next(r for r in package["resources"] if f"build/{r['path']}" == path)


def test_clean_build_verifies(built):
    code, text = verify(built)
    from scripts.metadata import TABLE_ORDER

    assert code == 0 and f"ok: {2 * len(TABLE_ORDER)} files" in text


def test_edited_csv_is_caught(built):
    path = built / "build/data/places.csv"
    path.write_bytes(path.read_bytes().replace(b"Iraq", b"Irak"))
    code, text = verify(built)
    assert code == 1 and "build/data/places.csv:1: sha256 differs" in text


def test_rewritten_parquet_with_same_size_rows_is_caught(built):
    path = built / "build/data/figures.parquet"
    table = pq.read_table(path)
    table = table.set_column(table.schema.get_field_index("value"), "value", pa.array([9999.0, None]))
    pq.write_table(table, path)
    code, text = verify(built)
    assert code == 1 and "build/data/figures.parquet" in text and "sha256 differs" in text


def test_missing_file_is_named(built):
    (built / "build/data/events.parquet").unlink()
    code, text = verify(built)
    assert code == 1 and "build/data/events.parquet:1: file is missing" in text


def test_row_count_and_constraints_are_checked(built):
    """A consistent forgery (hash and size updated) still fails on the data itself."""
    path = built / "build/data/places.csv"
    path.write_text(path.read_text(encoding="utf-8").replace('"country"', '"planet"'), encoding="utf-8")
    package = json.loads(manifest_path(built).read_text())
    res = next(r for r in package["resources"] if r["path"].endswith("places.csv"))
    import hashlib

    res["hash"] = "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    res["bytes"] = path.stat().st_size
    res["rows"] = 3
    manifest_path(built).write_text(json.dumps(package))
    code, text = verify(built)
    assert code == 1 and "has 2 rows, datapackage.json says 3" in text and "kind outside its vocabulary" in text


def test_parquet_that_differs_from_its_csv_copy_is_caught(built):
    """A consistent forgery of the Parquet copy: its hash, size and rows updated, values still valid."""
    import hashlib

    path = built / "build/data/figures.parquet"
    table = pq.read_table(path)
    values = table.column("value").to_pylist()
    table = table.set_column(table.schema.get_field_index("value"), table.schema.field("value"),
                             pa.array([(v or 0) + 1 for v in values], pa.float64()))
    pq.write_table(table, path)
    package = json.loads(manifest_path(built).read_text())
    res = next(r for r in package["resources"] if r["path"].endswith("figures.parquet"))
    res["hash"] = "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    res["x-bytes"] = path.stat().st_size
    manifest_path(built).write_text(json.dumps(package))
    code, text = verify(built)
    assert code == 1 and "build/data/figures.parquet:1: holds other rows than its CSV copy" in text


def _forge(built, name: str, table: pa.Table):
    """Rewrite a Parquet file and update its hash and size, as a careful forger would."""
    import hashlib

    path = built / f"build/data/{name}.parquet"
    pq.write_table(table, path)
    package = json.loads(manifest_path(built).read_text())
    res = next(r for r in package["resources"] if r["path"].endswith(f"{name}.parquet"))
    res["hash"] = "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    res["x-bytes"] = path.stat().st_size
    manifest_path(built).write_text(json.dumps(package))


def test_repeated_and_unordered_keys_are_caught(built):
    names = pq.read_table(built / "build/data/names.parquet")
    _forge(built, "names", pa.concat_tables([names.slice(0, 1), names]))  # the first row twice
    code, text = verify(built)
    assert code == 1 and "build/data/names.parquet:1: primary key source_id/char_start/char_end has duplicate values" in text
    _forge(built, "names", names.take(list(reversed(range(names.num_rows)))))
    code, text = verify(built)
    assert code == 1 and "rows are not in primary key order (source_id/char_start/char_end)" in text


def _update(built, path, size_key: str):
    import hashlib

    package = json.loads(manifest_path(built).read_text())
    res = _resource(package, path.relative_to(built).as_posix())
    res["hash"] = "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    res[size_key] = path.stat().st_size
    manifest_path(built).write_text(json.dumps(package))


def test_dangling_foreign_key_in_both_copies_is_caught(built):
    """A consistent forgery of both copies of events (hashes and sizes updated, same rows in
    each, every field constraint met): its place_id names a place that is not in places."""
    import pyarrow.compute as pc

    csv = built / "build/data/events.csv"
    text = csv.read_text(encoding="utf-8")
    assert text.count('"ain-al-asad-air-base"') == 2
    csv.write_text(text.replace('"ain-al-asad-air-base"', '"atlantis"'), encoding="utf-8")
    _update(built, csv, "bytes")
    parquet = built / "build/data/events.parquet"
    table = pq.read_table(parquet)
    place = table.schema.get_field_index("place_id")
    table = table.set_column(place, table.schema.field(place),
                             pc.replace_substring(table.column(place), "ain-al-asad-air-base", "atlantis"))
    pq.write_table(table, parquet)
    _update(built, parquet, "x-bytes")
    code, text = verify(built)
    problems = [line for line in text.splitlines() if line.startswith("build/")]
    assert code == 1 and problems == [
        "build/data/events.csv:1: place_id not found in places.place_id (foreign key) in 2 row(s), first at row 1 ('atlantis')"]


def test_minimum_length_is_checked(built):
    """An empty (quoted) summary in a consistent forgery of the CSV copy: verify reads "" as
    an empty string, which minLength 1 refuses (and the Parquet copy no longer agrees)."""
    csv = built / "build/data/events.csv"
    text = csv.read_text(encoding="utf-8")
    assert text.count('"A US convoy leaves."') == 1
    csv.write_text(text.replace('"A US convoy leaves."', '""'), encoding="utf-8")
    _update(built, csv, "bytes")
    code, text = verify(built)
    assert code == 1 and "build/data/events.csv:1: summary_en is shorter than 1 character in 1 row(s), first at row 3 ('')" in text
