"""What the archive says about itself: the data card (README.md), with its citation from publish/cite.py."""
from __future__ import annotations

from pathlib import Path

from scripts.metadata import package_name
from scripts.paths import REPO
from scripts.publish import reliability
from scripts.publish.cite import citation


def data_card(root: Path, descriptor: dict, texts: bool) -> str:
    """README.md of the archive: what, scope, how built, limitations, how to query and cite."""
    rows = {r["name"]: r["rows"] for r in descriptor["resources"] if r.get("format") == "csv"}
    sources = descriptor["sources"]
    limits = REPO / "docs" / "limitations.md"
    cite = citation(root)
    lines = [f"# {descriptor['title']}", "", f"Version {descriptor['version']}.", "", descriptor["description"], "",
             "## Contents", "", "| table | rows | what one row is |", "|---|---|---|"]
    lines += [f"| `{r['name']}` | {r['rows']} | {r['description']} |" for r in descriptor["resources"] if r.get("format") == "csv"]
    lines += ["", "Every column, code (in English and Arabic) and view is explained in `codebook.md` and "
              "`codebook.html`, with how to open the files in DuckDB, pandas and spreadsheets.", "",
              "Each table is in `data/` as CSV and Parquet (same rows, same order). "
              f"`{package_name()}.duckdb` holds the same tables with column comments and the analysis views; "
              "`views.sql` creates them over the Parquet files for any DuckDB.", "",
              "## Sources", ""]
    lines += [f"- {s['title']}" for s in sources]
    lines += ["", f"{len(sources)} articles; {rows.get('mentions', 0)} claims about {rows.get('events', 0)} events, "
              f"{rows.get('figures', 0)} numeric claims.", ""]
    rel = reliability.read(root)
    if rel is not None:
        lines += ["## Reliability", "", reliability.summary(rel), ""]
    if limits.is_file():
        lines += [limits.read_text(encoding="utf-8").strip(), ""]
    lines += ["## Verify", "", "```sh", "sha256sum -c SHA256SUMS", "python -m pip install -r requirements-verify.txt",
              "python -m scripts verify datapackage.json"
              + (" --articles articles" if texts else ""), "```", "",
              "## Query", "", "```sql", f"ATTACH '{package_name()}.duckdb' AS d (READ_ONLY); USE d;",
              "SELECT * FROM timeline;", "```", "", "Or, with only the Parquet files: `SET file_search_path = '.';` "
              "then run `views.sql`. Or, after `python -m pip install -r requirements-verify.txt`: "
              "`python -m scripts query \"SELECT * FROM timeline\"`.", "",
              "## Cite", "", cite.apa(), "", "BibTeX:", "", "```bibtex", cite.bibtex(package_name()), "```", "",
              "See `CITATION.cff`.", "",
              "## Licences", "", "Tables, annotations and translations: CC-BY-4.0. Code: MIT. "
              + ("Article texts in `articles/`: copyright of their publishers, included only for verification. "
                 if texts else "This archive leaves out the article texts; quotes, offsets and sha256 let you verify "
                 "every row against copies you obtain yourself. ") + "See `LICENSE-DATA.md`.", ""]
    return "\n".join(lines)
