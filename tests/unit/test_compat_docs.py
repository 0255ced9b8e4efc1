"""The docs name exactly the oldest DuckDB that the tests open the file in (scripts/db/build.py OLDEST_DUCKDB)."""
from __future__ import annotations

import re

from scripts.db.build import OLDEST_DUCKDB
from tests.conftest import REPO

NAMING = ["docs/architecture.md", "scripts/site/templates/downloads.md", "scripts/site/templates/query.md"]
# (the codebook says it from OLDEST_DUCKDB itself: tests/integration/test_release.py)


def test_the_docs_name_the_oldest_tested_duckdb():
    assert (REPO / "requirements-duckdb-oldest.txt").read_text().split() == [f"duckdb=={OLDEST_DUCKDB}"]
    for rel in NAMING:
        text = (REPO / rel).read_text(encoding="utf-8")
        assert f"DuckDB {OLDEST_DUCKDB}" in text, rel


def test_no_page_claims_every_1x_release():
    wrong = re.compile(r"DuckDB 1\.x (?:clients|and later)|every DuckDB 1\.x|1\.x clients open")
    for path in [*REPO.glob("docs/*.md"), *REPO.glob("scripts/**/*.md"), REPO / "README.md", *REPO.glob("scripts/**/*.html")]:
        assert not wrong.search(path.read_text(encoding="utf-8")), path
