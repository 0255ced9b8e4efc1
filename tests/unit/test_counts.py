"""No page or metadata file states how many articles, outlets or sources the corpus has:
those numbers come from the data (the sources table, datapackage.json, the site's home page)."""
from __future__ import annotations

import re

from tests.conftest import REPO

NUMBER = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a dozen|\d[\d,]*)"
COUNT = re.compile(rf"\b{NUMBER}\s+(?:arabic\s+)?(?:news\s+)?(?:articles|outlets|sources)\b", re.I)
# Files that describe the corpus as a whole. The CHANGELOG records past releases as they were;
# the benchmark pages describe synthetic corpora of stated sizes.
DESCRIBING = ["README.md", "CITATION.cff", "schemas/package.json", "docs/limitations.md", "docs/at-scale.md",
              "docs/index.md", *(p.relative_to(REPO).as_posix() for p in (REPO / "scripts/site/templates").iterdir())]


def test_no_file_that_describes_the_corpus_counts_it():
    found = []
    for rel in DESCRIBING:
        path = REPO / rel
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            found += [f"{rel}: {m.group(0)!r}" for m in COUNT.finditer(text) if "synthetic" not in
                      text[max(0, m.start() - 200):m.start()].lower()]
    assert found == []


def test_the_pattern_finds_a_count():
    assert COUNT.search("built from five Arabic news articles") and COUNT.search("12 outlets")
    assert not COUNT.search("the articles of the corpus")
