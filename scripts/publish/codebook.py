"""The codebook of a release: codebook.md and codebook.html, generated from the schemas.

Every table with its rows, keys and columns (type, required, description, the pandas dtype
to read it with), every code of every categorical column with its English and Arabic label,
the analysis views and the `codes` view with their columns, the Arabic matching macros, a
"which table do I use?" guide (README.md's, the one copy), how to open the files from the
unzipped folder (DuckDB, views.sql, pandas, Excel) and how to verify and cite them. Paths are
as seen from the unzipped folder (`data/...`). One model, two Jinja2 templates
(publish/templates/): Markdown, and HTML with autoescape and Arabic in dir="rtl" lang="ar".
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import jinja2

from scripts.arabic import arabic_runs
from scripts.db import codes as codes_view
from scripts.db.build import OLDEST_DUCKDB
from scripts.db.macros import MACROS
from scripts.db.views import read_views
from scripts.metadata import codes, load_tables, package_name, required
from scripts.paths import REPO
from scripts.publish.cite import citation

TEMPLATES = Path(__file__).with_name("templates")
# How pandas should read each Table Schema type from the CSV (nullable dtypes: an empty cell is
# <NA>, and a column that is empty in every row is still text, not float).
PANDAS_DTYPES = {"string": "string", "integer": "Int64", "number": "Float64", "boolean": "boolean", "date": "parse_dates"}
GUIDE_HEADING = "## Which table do I use?"


def guide(readme: Path = REPO / "README.md") -> list[tuple[str, str]]:
    """The (question, table or view) rows of README.md's "Which table do I use?" table."""
    lines = readme.read_text(encoding="utf-8").splitlines()
    start = lines.index(GUIDE_HEADING)
    rows = []
    for line in lines[start + 1:]:
        if line.startswith("## "):
            break
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]] if line.startswith("|") else []
        if len(cells) == 2 and not set(cells[0]) <= set("-: ") and cells[0] != "question":
            rows.append((cells[0], cells[1]))
    return rows


def model(root: Path, descriptor: dict, texts: bool) -> dict:
    tables = load_tables()
    rows = {r["name"]: r["rows"] for r in descriptor["resources"] if r.get("format") == "csv"}
    by_column: dict[tuple[str, str], list] = {}
    for c in codes(tables):
        by_column.setdefault((c.table, c.column), []).append(c)
    out_tables = []
    for name, table in tables.items():
        d = table.descriptor
        fields = [{"name": f["name"], "type": f["type"], "required": required(f), "description": f["description"],
                   "pandas": PANDAS_DTYPES[f["type"]], "codes": by_column.get((name, f["name"]), [])}
                  for f in table.fields]
        keys = [f"{', '.join(fk['fields'])} -> {fk['reference']['resource']}.{', '.join(fk['reference']['fields'])}"
                for fk in d.get("foreignKeys", [])]
        out_tables.append({"name": name, "title": d["title"], "description": d["description"], "rows": rows.get(name),
                           "primary_key": ", ".join(d["primaryKey"]), "foreign_keys": keys, "fields": fields})
    views = [{"name": codes_view.NAME, "question": codes_view.QUESTION, "columns": codes_view.COLUMNS}]
    views += [{"name": v.name, "question": v.question, "columns": v.columns} for v in read_views()]
    cite = citation(root)
    name = package_name()
    return {"title": descriptor["title"], "version": descriptor["version"], "description": descriptor["description"],
            "name": name, "database": f"{name}.duckdb", "oldest_duckdb": OLDEST_DUCKDB, "texts": texts,
            "tables": out_tables, "views": views, "guide": guide(),
            "macros": [{"name": n, "arg": arg, "comment": comment} for n, (arg, _, comment) in MACROS.items()],
            "apa": cite.apa(), "bibtex": cite.bibtex(name),
            "pandas_dtypes_literal": json.dumps({k: v for k, v in PANDAS_DTYPES.items() if v != "parse_dates"})}


def md_cell(value) -> str:
    """Text for one Markdown table cell: pipes escaped, line breaks as spaces."""
    return re.sub(r"\s*\n\s*", " ", str(value if value is not None else "")).replace("|", "\\|")


def code_spans(value) -> jinja2.utils.Markup:
    """Escaped text with its `code` spans as <code> and its Arabic runs in dir="rtl" lang="ar"."""
    from markupsafe import Markup, escape

    out = []
    for i, part in enumerate(re.split(r"`([^`]*)`", str(value))):
        html = Markup("").join(escape(plain) + (Markup('<span dir="rtl" lang="ar">{}</span>').format(ar) if ar else "")
                               for plain, ar in arabic_runs(part))
        out.append(Markup("<code>{}</code>").format(html) if i % 2 else html)
    return Markup("").join(out)


def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), undefined=jinja2.StrictUndefined,
                             autoescape=jinja2.select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True)
    env.filters["cell"] = md_cell
    env.filters["rich"] = code_spans
    return env


def codebook(root: Path, descriptor: dict, texts: bool) -> dict[str, str]:
    """{"codebook.md": ..., "codebook.html": ...} for the archive."""
    env, data = environment(), model(root, descriptor, texts)
    return {"codebook.md": env.get_template("codebook.md").render(**data),
            "codebook.html": env.get_template("codebook.html").render(**data)}
