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
