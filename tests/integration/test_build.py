"""End-to-end builds: the real corpus from a temp copy of the repo, and the fixture corpus."""
from __future__ import annotations

import json
import shutil

import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from tests.conftest import REPO, build_subprocess, copy_inputs, run_cli, snapshot


def test_every_article_is_claimed_once_and_matches_its_recorded_sha256():
    """The articles are kept byte for byte as captured: each file's sha256 is the one its
    source annotation records (read here with plain YAML, not through the build)."""
    import hashlib

    import yaml

    claims = {}
    for path in sorted((REPO / "annotations" / "sources").glob("*.yaml")):
        source = yaml.safe_load(path.read_text(encoding="utf-8"))["source"]
        claims.setdefault(source["article_path"], []).append((path.name, source["article_sha256"]))
    articles = sorted(f"articles/{p.name}" for p in (REPO / "articles").iterdir())
    assert articles and sorted(claims) == articles
    for article, claimed in claims.items():
        assert len(claimed) == 1, f"{article} is annotated by {claimed}"
        assert hashlib.sha256((REPO / article).read_bytes()).hexdigest() == claimed[0][1], article


def test_every_table_has_rows_and_csv_equals_parquet(real):
    package = json.loads((real / "datapackage.json").read_text(encoding="utf-8"))
    csvs = [r for r in package["resources"] if r["format"] == "csv"]
    assert {r["name"] for r in csvs} >= {"sources", "events", "mentions", "figures", "places", "actors"}
    for res in csvs:
        parquet = pq.read_table(real / res["path"].replace(".csv", ".parquet"))
        from scripts.publish.verify import expected_schema, read_table

        csv = read_table(real / res["path"], "csv", expected_schema(res["schema"]))
        assert parquet.num_rows == csv.num_rows == res["rows"] > 0, res["name"]
        assert parquet.to_pylist() == csv.to_pylist(), res["name"]
        key = res["schema"]["primaryKey"]
        keys = [tuple(row[k] for k in key) for row in parquet.select(key).to_pylist()]
        assert keys == sorted(keys) and len(set(keys)) == len(keys), f"{res['name']} is not sorted by its primary key"


def test_committed_datapackage_matches_the_build(real):
    """No drift: the committed manifest is exactly what the build produces."""
    assert (REPO / "datapackage.json").read_text(encoding="utf-8") == (real / "datapackage.json").read_text(encoding="utf-8"), \
        "datapackage.json is stale: run `make` and commit it"


def test_frictionless_validates_the_package(real):
    from frictionless import Package

    report = Package(str(real / "datapackage.json"), basepath=str(real)).validate()
    errors = [e.message for task in report.tasks for e in task.errors] + [e.message for e in report.errors]
    assert report.valid and errors == [], errors[:5]


def test_parquet_is_zstd_without_pandas_metadata(real):
    meta = pq.ParquetFile(real / "build/data/mentions.parquet").metadata
    assert meta.row_group(0).column(0).compression == "ZSTD"
    assert b"pandas" not in (meta.metadata or {})


def test_csv_is_utf8_lf(real):
    data = (real / "build/data/mentions.csv").read_bytes()
    assert b"\r\n" not in data and data.decode("utf-8")
    header = pacsv.read_csv(real / "build/data/mentions.csv").schema.names
    from scripts.metadata import load_tables

    assert header == load_tables()["mentions"].field_names


def test_two_releases_in_different_places_and_environments_are_identical(tmp_path):
    """CSV, Parquet, datapackage.json, the DuckDB file and the release zip, byte for byte,
    built in two folders with a different time zone, locale and hash seed: one in this test's
    process, one in fresh interpreters with odd settings."""
    from scripts.metadata import TABLE_ORDER

    first, second = copy_inputs(tmp_path / "a"), copy_inputs(tmp_path / "elsewhere" / "b")
    odd = {"TZ": "Pacific/Kiritimati", "LC_ALL": "C", "LANG": "C", "PYTHONHASHSEED": "12345"}
    for root in (first, second):
        for rel in ("CITATION.cff", "LICENSE-DATA.md"):
            shutil.copy2(REPO / rel, root / rel)
    for command in ("build", "db", "package"):
        code, _, err = run_cli(command, "--root", first)
        assert code == 0, err
        result = build_subprocess(second, odd, command)
        assert result.returncode == 0, result.stderr
    a, b = snapshot(first), snapshot(second)
    a = {k: v for k, v in a.items() if not k.startswith("build/.data-")}
    b = {k: v for k, v in b.items() if not k.startswith("build/.data-")}
    assert a == b
    names = set(a)
    assert len([n for n in names if n.startswith("build/data/")]) == 2 * len(TABLE_ORDER)
    assert {"datapackage.json", "build/iraq-coalition-withdrawal.duckdb", "build/views.sql"} <= names
    assert any(n.startswith("build/dist/") and n.endswith(".zip") for n in names)


def test_rebuild_with_nothing_changed_is_identical(mini):
    assert run_cli("build", "--root", mini)[0] == 0
    before = snapshot(mini)
    assert run_cli("build", "--root", mini)[0] == 0
    assert snapshot(mini) == before


def test_check_writes_nothing(mini):
    code, out, _ = run_cli("check", "--root", mini)
    assert code == 0 and "mentions 4" in out
    assert not (mini / "build").exists() and not (mini / "datapackage.json").exists()


def test_usage_error_exits_2(mini):
    assert run_cli("build", "--no-such-flag")[0] == 2
    assert run_cli("frobnicate")[0] == 2


def test_partitioned_copy_holds_the_same_rows(mini):
    import duckdb

    code, _, err = run_cli("build", "--root", mini, "--partition", "year")
    assert code == 0, err
    folder = mini / "build/data/partitioned"
    assert sorted(p.name for p in (folder / "mentions").iterdir()) == ["year=2025", "year=2026"]
    for name in ("mentions", "figures", "names", "citations", "sources"):
        whole = pq.read_table(mini / f"build/data/{name}.parquet")
        parts = duckdb.sql(f"SELECT * EXCLUDE (year) FROM read_parquet('{folder / name}/*/*.parquet', "
                           "hive_partitioning=true) ORDER BY ALL").arrow().read_all()
        assert sorted(map(str, parts.to_pylist())) == sorted(map(str, whole.to_pylist())), name
    assert run_cli("verify", "--root", mini)[0] == 0


def test_rows_follow_the_primary_key_even_when_it_is_computed(mini):
    """names is keyed by (source_id, char_start, char_end), offsets the build computes;
    the fixture lists them out of text order."""
    assert run_cli("build", "--root", mini)[0] == 0
    rows = pq.read_table(mini / "build/data/names.parquet").select(["source_id", "char_start", "char_end"]).to_pylist()
    keys = [(r["source_id"], r["char_start"], r["char_end"]) for r in rows]
    assert keys == sorted(keys) and keys[0][1] == 0
