"""The release archive: complete, deterministic, verifiable, citable, readable by common tools."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.conftest import REPO, run_cli

NAME = "iraq-coalition-withdrawal"


def prepare(root: Path):
    for rel in ("CITATION.cff", "LICENSE-DATA.md"):
        shutil.copy2(REPO / rel, root / rel)
    for command in ("build", "db"):
        code, out, err = run_cli(command, "--root", root)
        assert code == 0, err + out
    return root


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    root = tmp_path_factory.mktemp("rel") / "mini"
    shutil.copytree(REPO / "tests/fixtures/mini", root)
    prepare(root)
    assert run_cli("package", "--root", root)[0] == 0
    zip_path = root / "build/dist" / f"{NAME}-2026.11.23.zip"
    unpacked = root.parent / "unpacked"
    with zipfile.ZipFile(zip_path) as z:
        z.extractall(unpacked)
    return root, zip_path, unpacked / f"{NAME}-2026.11.23"


def test_archive_lists_everything_a_user_needs(released):
    _, zip_path, _ = released
    names = zipfile.ZipFile(zip_path).namelist()
    top = f"{NAME}-2026.11.23/"
    assert all(n.startswith(top) for n in names) and names == sorted(names)
    rel = {n.removeprefix(top) for n in names}
    from scripts.metadata import TABLE_ORDER

    for table in TABLE_ORDER:
        assert {f"data/{table}.csv", f"data/{table}.parquet"} <= rel
    assert {"datapackage.json", f"{NAME}.duckdb", "views.sql", "README.md", "CITATION.cff", "CHANGELOG.md",
            "LICENSE", "LICENSE-DATA.md", "SHA256SUMS", "croissant.json", "articles/a.txt", "articles/b.txt",
            "scripts/publish/verify.py", "schemas/mentions.schema.json"} <= rel
    info = zipfile.ZipFile(zip_path).infolist()
    assert {i.date_time for i in info} == {(2026, 11, 23, 0, 0, 0)} and {i.external_attr >> 16 for i in info} == {0o100644}


def test_sha256sums_match(released):
    _, _, unpacked = released
    lines = (unpacked / "SHA256SUMS").read_text().splitlines()
    assert len(lines) == sum(1 for p in unpacked.rglob("*") if p.is_file()) - 1
    for line in lines:
        digest, rel = line.split("  ", 1)
        assert hashlib.sha256((unpacked / rel).read_bytes()).hexdigest() == digest, rel
    result = subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=unpacked, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_verify_works_on_the_unpacked_archive_and_catches_tampering(released, tmp_path):
    _, _, unpacked = released
    code, out, err = run_cli("verify", unpacked / "datapackage.json")
    assert code == 0 and "every quote matches its article (2 articles)" in out, err
    copy = tmp_path / "copy"
    shutil.copytree(unpacked, copy)
    article = copy / "articles/a.txt"
    article.write_bytes(article.read_bytes().replace("جندي".encode(), "جنود".encode(), 1))
    code, out, err = run_cli("verify", copy / "datapackage.json")
    assert code == 1 and "articles/a.txt:1: size or sha256 differs" in err


# Runs `python -m scripts ARGS` where only the standard library, the archive's own scripts/
# and the distributions named in requirements-verify.txt can be imported: a data user's
# fresh environment, simulated without installing anything.
ONLY_VERIFY_REQUIREMENTS = """
import sys
from importlib.metadata import packages_distributions
wanted = {line.split("==")[0].lower() for line in open("requirements-verify.txt") if "==" in line}
allowed = {"scripts"} | {m for m, dists in packages_distributions().items() if {d.lower() for d in dists} & wanted}
class OnlyThese:
    def find_spec(self, name, path=None, target=None):
        top = name.partition(".")[0]
        if top not in allowed and top not in sys.stdlib_module_names and not top.startswith("_"):
            raise ModuleNotFoundError(f"No module named {name!r} (not in requirements-verify.txt)", name=name)
sys.meta_path.insert(0, OnlyThese())
from scripts.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_the_archive_verifies_itself_with_requirements_verify_only(released):
    _, _, unpacked = released
    names = (unpacked / "requirements-verify.txt").read_text(encoding="utf-8").split()
    assert names and all("==" in n for n in names)
    assert not (unpacked / "requirements.txt").exists() and not (unpacked / "benchmarks").exists()
    assert not [p for p in (unpacked / "scripts").rglob("*.py") if p.stem in ("bench", "synth")]
    run = subprocess.run([sys.executable, "-c", ONLY_VERIFY_REQUIREMENTS, "verify", "datapackage.json", "--articles",
                          "articles"], cwd=unpacked, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "every quote matches its article" in run.stdout
    blocked = subprocess.run([sys.executable, "-c", ONLY_VERIFY_REQUIREMENTS.replace("wanted = ", "wanted = set() and "),
                              "verify", "datapackage.json"], cwd=unpacked, capture_output=True, text=True)
    assert blocked.returncode != 0 and "not in requirements-verify.txt" in blocked.stderr  # with no requirement allowed, it fails
    bench = subprocess.run([sys.executable, "-m", "scripts", "bench", "--help"], cwd=unpacked, capture_output=True, text=True)
    assert bench.returncode == 2 and "not part of this copy" in bench.stderr and "Traceback" not in bench.stderr


def test_archive_without_texts_still_verifies_quotes_given_the_articles(released, tmp_path):
    root, _, _ = released
    assert run_cli("package", "--root", root, "--no-texts")[0] == 0
    zip_path = root / "build/dist" / f"{NAME}-2026.11.23-notexts.zip"
    names = zipfile.ZipFile(zip_path).namelist()
    assert not any("/articles/" in n for n in names)
    zipfile.ZipFile(zip_path).extractall(tmp_path)
    descriptor = tmp_path / f"{NAME}-2026.11.23" / "datapackage.json"
    assert all(r["type"] == "table" for r in json.loads(descriptor.read_text())["resources"])
    code, out, _ = run_cli("verify", descriptor, "--articles", root / "articles")
    assert code == 0 and "(2 articles)" in out


def test_zip_is_byte_identical_across_builds(released, tmp_path):
    _, zip_path, _ = released
    other = tmp_path / "mini"
    shutil.copytree(REPO / "tests/fixtures/mini", other)
    prepare(other)
    assert run_cli("package", "--root", other)[0] == 0
    assert (other / "build/dist" / zip_path.name).read_bytes() == zip_path.read_bytes()


def test_frictionless_validates_the_archive(released):
    from frictionless import Package

    _, _, unpacked = released
    report = Package(str(unpacked / "datapackage.json"), basepath=str(unpacked)).validate()
    assert report.valid, [e.message for t in report.tasks for e in t.errors][:5]


def test_article_texts_carry_their_own_licence(released):
    _, _, unpacked = released
    package = json.loads((unpacked / "datapackage.json").read_text())
    articles = [r for r in package["resources"] if r["path"].startswith("articles/")]
    assert len(articles) == 2 and all(r["licenses"][0]["name"] == "publisher-copyright" for r in articles)
    assert package["licenses"][0]["name"] == "CC-BY-4.0"


def test_croissant_records_equal_the_parquet_rows(released):
    import mlcroissant as mlc

    _, _, unpacked = released
    dataset = mlc.Dataset(jsonld=str(unpacked / "croissant.json"))
    assert not dataset.metadata.issues.errors
    for table in [r.name for r in dataset.metadata.record_sets]:
        parquet = pq.read_table(unpacked / f"data/{table}.parquet").to_pylist()
        records = list(dataset.records(record_set=table))
        assert len(records) == len(parquet)
        for record, row in zip(records, parquet):
            for column, value in row.items():
                got = record[f"{table}/{column}"]
                got = got.decode() if isinstance(got, bytes) else got
                if value is None:
                    assert got is None or got != got or got == "", (table, column, got)
                elif isinstance(value, float):
                    assert float(got) == value
                elif isinstance(value, dt.date):
                    assert str(got)[:10] == value.isoformat(), (table, column, got, value)
                else:
                    assert str(got) == str(value), (table, column, got, value)


def test_data_card_says_what_how_and_cite(released):
    _, _, unpacked = released
    card = (unpacked / "README.md").read_text()
    for words in ("## Contents", "| `mentions` | 4 |", "## Known limitations", "## Cite", "sha256sum -c SHA256SUMS",
                  "iraq-coalition-withdrawal project team. (2026)", "```bibtex"):
        assert words in card, words


def test_the_codebook_describes_every_table_column_code_and_view(released):
    from scripts.db.views import read_views
    from scripts.metadata import codes, load_tables

    _, _, unpacked = released
    md = (unpacked / "codebook.md").read_text(encoding="utf-8")
    page = (unpacked / "codebook.html").read_text(encoding="utf-8")
    import html as htmllib

    text = htmllib.unescape(page)
    for name, table in load_tables().items():
        for doc in (md, text):
            assert f"data/{name}.csv" in doc and f"data/{name}.parquet" in doc, name
            assert all(f"`{f['name']}`" in doc or f"<code>{f['name']}</code>" in doc for f in table.fields), name
    for c in codes():
        assert f"| `{c.code}` | {c.label_en.replace('|', chr(92) + '|')} | {c.label_ar} |" in md, c
        assert f'<td dir="rtl" lang="ar">{htmllib.escape(c.label_ar)}</td>' in page, c
    for view in ["codes", *(v.name for v in read_views())]:
        assert f"### `{view}`" in md and f'id="view-{view}"' in page
    assert "## Which table do I use?" in md and "conflicting_claims" in md and "ar_norm(" in md
    assert "<script" not in page and '<html lang="en">' in page
    from scripts.db.build import OLDEST_DUCKDB

    assert f"opens in DuckDB {OLDEST_DUCKDB} and every later release" in md and f"DuckDB {OLDEST_DUCKDB}" in page


def test_every_doc_in_the_archive_gives_paths_as_seen_from_the_unzipped_folder(released):
    _, _, unpacked = released
    for rel in ("README.md", "codebook.md", "codebook.html"):
        text = (unpacked / rel).read_text(encoding="utf-8")
        assert "build/" not in text and "make " not in text, rel
        assert "data/mentions.csv" in text or rel == "README.md", rel
    assert (unpacked / "data/mentions.csv").is_file() and (unpacked / "views.sql").is_file()


def test_the_codebook_pandas_snippet_types_every_column(released, tmp_path):
    """The loader in codebook.md, run as written from the unzipped folder: an all-empty text
    column is text, integers are Int64, numbers Float64, dates datetimes."""
    import re

    import pandas as pd

    from scripts.metadata import load_tables

    _, _, unpacked = released
    md = (unpacked / "codebook.md").read_text(encoding="utf-8")
    snippet = re.search(r"### pandas\n.*?```python\n(.*?)```", md, re.S).group(1)
    probe = snippet + "\nimport json as _j\nprint(_j.dumps({n: {c: str(t) for c, t in read_table(n).dtypes.items()} for n in NAMES}))\n"
    names = list(load_tables())
    run = subprocess.run([sys.executable, "-c", f"NAMES = {names!r}\n" + probe], cwd=unpacked, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    dtypes = json.loads(run.stdout.splitlines()[-1])
    expected = {"string": "string", "integer": "Int64", "number": "Float64", "date": "datetime64"}
    for name, table in load_tables().items():
        for f in table.fields:
            assert dtypes[name][f["name"]].startswith(expected[f["type"]]), (name, f["name"], dtypes[name][f["name"]])
    empty = [c for c in pd.read_csv(unpacked / "data/sources.csv").columns if pd.read_csv(unpacked / "data/sources.csv")[c].isna().all()]
    assert all(dtypes["sources"][c] == "string" for c in empty)


def test_query_runs_from_the_unpacked_archive_with_requirements_verify_only(released):
    _, _, unpacked = released
    run = subprocess.run([sys.executable, "-c", ONLY_VERIFY_REQUIREMENTS, "query", "--output", "json",
                          "SELECT count(*) AS n FROM timeline WHERE ar_norm(summary_ar) IS NOT NULL OR true"],
                         cwd=unpacked, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)[0]["n"] > 0


def test_the_downloads_page_offers_the_archive_views_croissant_and_citation(released):
    from types import SimpleNamespace

    from scripts.site.pages import release_files

    root, zip_path, _ = released
    files: dict = {}
    rows = release_files(SimpleNamespace(root=root, package={"name": NAME}, version="2026.11.23"), files)
    assert [r["path"] for r in rows] == [f"dist/{zip_path.name}", "views.sql", "croissant.json", "CITATION.cff"]
    assert rows[0]["sha256"] == hashlib.sha256(zip_path.read_bytes()).hexdigest() and set(files) == {r["path"] for r in rows}
    assert json.loads(files["croissant.json"])["name"] == NAME
