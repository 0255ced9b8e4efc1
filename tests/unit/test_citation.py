"""One source for every citation: CITATION.cff, .zenodo.json, datapackage.json, APA and BibTeX agree."""
from __future__ import annotations

import json
import shutil

import jsonschema
import pytest
import yaml

from scripts.pipeline.describe import version
from scripts.publish.cite import citation, generated_files, write_citation_files
from tests.conftest import REPO

ZENODO_SCHEMA = json.loads((REPO / "tests/fixtures/zenodo-deposit.schema.json").read_text(encoding="utf-8"))


def test_the_committed_files_are_the_generated_ones():
    for rel, text in generated_files(REPO).items():
        assert (REPO / rel).read_text(encoding="utf-8") == text, f"{rel} is stale: run `python -m scripts cite`"


def test_cff_zenodo_and_datapackage_agree_on_authors_version_and_date():
    cff = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    zen = json.loads((REPO / ".zenodo.json").read_text(encoding="utf-8"))
    package = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    ver = version(REPO)
    assert cff["version"] == zen["version"] == package["version"] == ver
    assert cff["date-released"] == zen["publication_date"] == ver.replace(".", "-")
    creators = [c["title"] for c in package["contributors"] if "creator" in c["roles"]]
    assert [a["name"] for a in cff["authors"]] == [c["name"] for c in zen["creators"]] == creators
    # organisations only: no person's name fields anywhere
    assert all(set(a) == {"name"} for a in cff["authors"]) and all(set(c) == {"name"} for c in zen["creators"])
    assert cff["title"] == zen["title"] == package["title"] and cff["license"] == package["licenses"][0]["name"]


def test_zenodo_metadata_meets_the_deposit_schema():
    zen = json.loads((REPO / ".zenodo.json").read_text(encoding="utf-8"))
    jsonschema.validate(zen, ZENODO_SCHEMA, format_checker=jsonschema.FormatChecker())
    for broken in ({**zen, "upload_type": "data set"}, {**zen, "creators": []}, {**zen, "publication_date": "2026.12.02"},
                   {**zen, "licence": "cc-by-4.0"}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, ZENODO_SCHEMA, format_checker=jsonschema.FormatChecker())


def test_apa_and_bibtex_come_from_the_same_metadata():
    c = citation(REPO)
    author = c.authors[0]
    assert c.apa() == f"{author}. ({c.version[:4]}). {c.title} (Version {c.version}) [Data set]."
    bib = c.bibtex("iraq-coalition-withdrawal")
    assert bib.startswith("@misc{iraq-coalition-withdrawal-" + c.version.replace(".", "-") + ",\n")
    assert f"author = {{{{{author}}}}}" in bib and f"version = {{{c.version}}}" in bib and bib.endswith("\n}")


def test_a_new_release_heading_changes_every_citation(tmp_path):
    shutil.copy2(REPO / "CHANGELOG.md", tmp_path / "CHANGELOG.md")
    text = (tmp_path / "CHANGELOG.md").read_text(encoding="utf-8")
    (tmp_path / "CHANGELOG.md").write_text(text.replace("\n## ", "\n## 2031.02.03\n\n- next\n\n## ", 1), encoding="utf-8")
    changed = {p.name for p in write_citation_files(tmp_path)}
    assert changed == {"CITATION.cff", ".zenodo.json"}
    cff = yaml.safe_load((tmp_path / "CITATION.cff").read_text(encoding="utf-8"))
    assert (cff["version"], cff["date-released"]) == ("2031.02.03", "2031-02-03")
    assert json.loads((tmp_path / ".zenodo.json").read_text())["publication_date"] == "2031-02-03"
    assert "(2031). " in citation(tmp_path).apa() and write_citation_files(tmp_path) == []


def test_the_cite_page_shows_apa_bibtex_and_the_file():
    from types import SimpleNamespace

    from scripts.site.pages import cite

    c = citation(REPO)
    text = (REPO / "CITATION.cff").read_text(encoding="utf-8")
    site = SimpleNamespace(root=REPO, citation=yaml.safe_load(text), citation_text=text, version=c.version,
                           package={"name": "iraq-coalition-withdrawal"})
    page = cite(site)
    body = page.body
    assert "## BibTeX" in body and c.bibtex("iraq-coalition-withdrawal") in body
    assert c.apa().split(" (Version")[0] in body and "date-released:" in body
