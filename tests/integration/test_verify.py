"""verify catches every kind of tampering and names the file."""
import json
import re
import shutil

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from scripts.pipeline.generation import manifest_path
from tests.conftest import MINI, run_cli


@pytest.fixture(scope="module")
def built_once(tmp_path_factory):
    root = tmp_path_factory.mktemp("built") / "mini"
    shutil.copytree(MINI, root)
    assert run_cli("build", "--root", root)[0] == 0
    return root


@pytest.fixture(params=[None, 1], ids=["batches", "row-by-row"])
def built(built_once, tmp_path, request, monkeypatch):
    """A copy of the fixture built once; verify reads its tables in batches of the default size
    (every table whole) and of one row (so that every rule also meets rows on both sides of a
    batch boundary, at every row; a third mode, three-row batches, added no class of check)."""
    if request.param:
        from scripts.publish import verify_rows

        monkeypatch.setattr(verify_rows, "BATCH_ROWS", request.param)
    root = tmp_path / "mini"
    shutil.copytree(built_once, root, symlinks=True)
    return root


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


# Consistent forgeries of both copies. Each test rewrites a table's CSV and Parquet copies with the
# build's own writers, then updates their sha256, size and row count in datapackage.json, as a
# careful forger would: only the rules themselves can catch what is left.

def _forge_both(built, name: str, change):
    """Rewrite both copies of table NAME with change(table) and update hash, size and rows of each."""
    import hashlib

    from scripts.pipeline.write import write_csv, write_parquet

    table = change(pq.read_table(built / f"build/data/{name}.parquet"))
    write_csv(table, built / f"build/data/{name}.csv")
    write_parquet(table, built / f"build/data/{name}.parquet")
    package = json.loads(manifest_path(built).read_text())
    for res in package["resources"]:
        if res["name"] in (name, f"{name}-parquet"):
            path = built / "build" / res["path"]  # the published manifest names data/... from build/
            res["hash"] = "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
            res["bytes" if res["format"] == "csv" else "x-bytes"] = path.stat().st_size
            res["rows"] = table.num_rows
    manifest_path(built).write_text(json.dumps(package))
    return table


def _set(table: pa.Table, column: str, row: int, value) -> pa.Table:
    values = table.column(column).to_pylist()
    values[row] = value
    i = table.schema.get_field_index(column)
    return table.set_column(i, table.schema.field(i), pa.array(values, table.schema.field(i).type))


def _problems(built) -> list[str]:
    code, text = verify(built)
    assert code == 1, text
    return [line for line in text.splitlines() if not line.startswith("    hint") and not re.match(r"\d+ problem\(s\)", line)]


def _both(problems, name, message):
    """The message is given for the first copy (CSV) and the Parquet copy holds the same rows."""
    assert f"build/data/{name}.csv:1: {message}" in problems, problems
    assert not [p for p in problems if p.startswith(f"build/data/{name}.parquet")], problems


def test_forged_dangling_reference_across_tables(built):
    _forge_both(built, "mentions", lambda t: _set(t, "event_id", 1, "no-such-event"))
    _both(_problems(built), "mentions",
          "event_id not found in events.event_id (foreign key) in 1 row(s), first at row 2 ('no-such-event')")


def test_forged_dangling_reference_within_a_table(built):
    _forge_both(built, "events", lambda t: _set(t, "outcome_event_id", 0, "no-such-event"))
    _both(_problems(built), "events",
          "outcome_event_id not found in events.event_id (foreign key) in 1 row(s), first at row 1 ('no-such-event')")


def test_forged_deletion_of_a_referenced_row(built):
    """events loses the row that a mention and an event's outcome refer to: the references dangle."""
    import pyarrow.compute as pc

    _forge_both(built, "events", lambda t: t.filter(pc.not_equal(t.column("event_id"), "ain-al-asad-withdrawal-completed")))
    problems = _problems(built)
    assert ("build/data/mentions.csv:1: event_id not found in events.event_id (foreign key) in 1 row(s), first at row 3 "
            "('ain-al-asad-withdrawal-completed')") in problems
    assert ("build/data/events.csv:1: outcome_event_id not found in events.event_id (foreign key) in 1 row(s), "
            "first at row 1 ('ain-al-asad-withdrawal-completed')") in problems


def test_forged_minimum_length(built):
    _forge_both(built, "mentions", lambda t: _set(t, "quote_en", 2, ""))
    _both(_problems(built), "mentions", "quote_en is shorter than 1 character in 1 row(s), first at row 3 ('')")


def test_forged_maximum_length(built):
    long_id = "b-m2-" + "x" * 120  # still the last id in key order, still matching the id pattern
    _forge_both(built, "mentions", lambda t: _set(t, "mention_id", 3, long_id))
    shown = repr(long_id)[:57] + "..."  # a long value is cut short in the message
    _both(_problems(built), "mentions", f"mention_id is longer than 120 characters in 1 row(s), first at row 4 ({shown})")


def test_forged_unique_key_tuple(built):
    """A second mention of the same event at the same offsets of the same source, under a new id."""
    def duplicate_last(t):
        return pa.concat_tables([t, _set(t.slice(3, 1), "mention_id", 0, "b-m3")])

    _forge_both(built, "mentions", duplicate_last)
    shown = repr(("outlet-b-2026-01-19", 190, 235, "ain-al-asad-closure-plan"))[:57] + "..."
    _both(_problems(built), "mentions",
          f"unique key source_id/char_start/char_end/event_id has duplicate values in 2 row(s), first at row 4 ({shown})")


def test_forged_repeated_primary_key(built):
    _forge_both(built, "places", lambda t: pa.concat_tables([t.slice(0, 1), t]))
    _both(_problems(built), "places", "primary key place_id has duplicate values in 2 row(s), first at row 1 ('ain-al-asad-air-base')")


def test_forged_required_value(built):
    _forge_both(built, "events", lambda t: _set(t.cast(pa.schema([f.with_nullable(True) for f in t.schema])),
                                                "summary_en", 1, None))
    _both(_problems(built), "events", "summary_en is empty in 1 row(s), first at row 2")


def test_forged_vocabulary(built):
    _forge_both(built, "places", lambda t: _set(t, "kind", 1, "planet"))
    _both(_problems(built), "places", "kind outside its vocabulary in 1 row(s), first at row 2 ('planet')")


def test_forged_pattern(built):
    _forge_both(built, "mentions", lambda t: _set(t, "mention_id", 3, "b-m2_"))
    _both(_problems(built), "mentions", "mention_id does not match ^[a-z0-9]+(?:-[a-z0-9]+)*$ in 1 row(s), first at row 4 ('b-m2_')")


def test_forged_bounds(built):
    _forge_both(built, "places", lambda t: _set(_set(t, "latitude", 0, -91.0), "longitude", 1, 181.0))
    problems = _problems(built)
    _both(problems, "places", "latitude below -90 in 1 row(s), first at row 1 (-91.0)")
    _both(problems, "places", "longitude above 180 in 1 row(s), first at row 2 (181.0)")


def test_forged_type_in_the_csv(built):
    """A number column holding text: the CSV cannot be read with its schema."""
    path = built / "build/data/places.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(',"33.7856",', ',"north",'), encoding="utf-8")
    _update(built, path, "bytes")
    problems = _problems(built)
    assert [p for p in problems if p.startswith("build/data/places.csv:1: cannot be read as csv with its schema")], problems


def test_forged_extra_column(built):
    _forge_both(built, "places", lambda t: t.append_column("secret", pa.array(["x"] * t.num_rows)))
    problems = _problems(built)
    assert ("build/data/places.csv:1: header has columns the schema does not list: secret "
            "(the header must be the schema's field names in order)") in problems


def test_forged_swapped_columns(built):
    """name_en and name_ar change places in both copies: every value still meets every rule of its column."""
    def swap(t):
        names = t.column_names
        i, j = names.index("name_en"), names.index("name_ar")
        names[i], names[j] = names[j], names[i]
        return t.select(names)

    _forge_both(built, "places", swap)
    problems = _problems(built)
    assert ("build/data/places.csv:1: header lists the schema's columns in another order: name_ar, name_en where the schema "
            "has name_en, name_ar (the header must be the schema's field names in order)") in problems
    assert "build/data/places.parquet:1: columns or types differ from the schema in datapackage.json" in problems


def test_forged_missing_column(built):
    _forge_both(built, "places", lambda t: t.drop_columns(["note"]))
    problems = _problems(built)
    assert ("build/data/places.csv:1: header lacks columns of the schema: note "
            "(the header must be the schema's field names in order)") in problems


def _drop_resources(built, name: str, files: bool):
    package = json.loads(manifest_path(built).read_text())
    package["resources"] = [r for r in package["resources"] if r["name"] not in (name, f"{name}-parquet")]
    manifest_path(built).write_text(json.dumps(package))
    if files:
        for fmt in ("csv", "parquet"):
            (built / f"build/data/{name}.{fmt}").unlink()


def test_table_removed_with_its_files(built):
    """names is referenced by no other table: only the schema set says the package must have it."""
    _drop_resources(built, "names", files=True)
    problems = _problems(built)
    assert problems == [
        "datapackage.json:1: no resource for table names (schemas/names.schema.json), CSV copy: the package lacks a table",
        "datapackage.json:1: no resource for table names (schemas/names.schema.json), Parquet copy: the package lacks a table"]


def test_table_removed_but_its_files_kept(built):
    _drop_resources(built, "names", files=False)
    problems = _problems(built)
    assert "build/data/names.csv:1: a data file that datapackage.json does not describe" in problems
    assert "build/data/names.parquet:1: a data file that datapackage.json does not describe" in problems


def test_one_copy_removed_with_its_file(built):
    package = json.loads(manifest_path(built).read_text())
    package["resources"] = [r for r in package["resources"] if r["name"] != "events-parquet"]
    manifest_path(built).write_text(json.dumps(package))
    (built / "build/data/events.parquet").unlink()
    assert _problems(built) == [
        "datapackage.json:1: no resource for table events (schemas/events.schema.json), Parquet copy: the package lacks a table"]


def test_weakened_schema_in_the_descriptor(built):
    """A forger who drops a foreign key from the descriptor's schemas to hide a dangling reference."""
    _forge_both(built, "mentions", lambda t: _set(t, "event_id", 1, "no-such-event"))
    package = json.loads(manifest_path(built).read_text())
    for res in package["resources"]:
        if res["name"].startswith("mentions"):
            res["schema"]["foreignKeys"] = [fk for fk in res["schema"]["foreignKeys"] if fk["fields"] != ["event_id"]]
    manifest_path(built).write_text(json.dumps(package))
    problems = _problems(built)
    assert ("build/data/mentions.csv:1: its schema in datapackage.json differs from schemas/mentions.schema.json "
            "(foreignKeys)") in problems
    assert ("build/data/mentions.parquet:1: its schema in datapackage.json differs from schemas/mentions.schema.json "
            "(foreignKeys)") in problems
