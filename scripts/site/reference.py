"""Reference pages generated from the contract and the database: data dictionary, query, cookbook.

The pages are templates/dictionary.md, query.md, cookbook.md and recipe.md; this module
gathers what they show.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from scripts.metadata import codes, required
from scripts.site import links as paths
from scripts.site.html import num, plural, render_template
from scripts.site.links import CONSOLE, COOKBOOK, DICTIONARY, QUERY, Links, recipe_page
from scripts.site.model import Page, Site

RESULT_ROW_LIMIT = 200


# ---------------------------------------------------------------------------- data dictionary

def dictionary_page(site: Site) -> Page:
    vocabularies: dict[tuple[str, str], list] = {}
    for c in codes(site.schemas):
        vocabularies.setdefault((c.table, c.column), []).append((c.code, c.label_en, c.label_ar))
    tables = [{"name": name, "schema": schema, "rows": len(site.rows(name)),
               "columns": [column(f, schema, vocabularies.get((name, f["name"]), [])) for f in schema.fields]}
              for name, schema in site.schemas.items()]
    return Page(DICTIONARY, "Data dictionary", render_template(
        "dictionary.md", links=Links(site, DICTIONARY), paths=paths, version=site.version, tables=tables))


def column(f: dict, schema, vocabulary: list[tuple[str, str, str]]) -> dict:
    """A column of the dictionary; `vocabulary`: its codes with their English and Arabic labels."""
    return {"field": f, "required": required(f), "rules": constraints(f, schema), "vocabulary": vocabulary}


def constraints(f: dict, schema) -> list[tuple[str, object]]:
    """(words, value shown as code or None) for each constraint of a column."""
    c = f.get("constraints", {})
    out = []
    if f["name"] in schema.primary_key:
        out.append(("primary key" if len(schema.primary_key) == 1 else "part of the primary key", None))
    elif c.get("unique"):
        out.append(("unique", None))
    for key, words in (("pattern", "matches"), ("minLength", "length ≥"), ("maxLength", "length ≤"),
                       ("minimum", "≥"), ("maximum", "≤")):
        if key in c:
            out.append((words, c[key]))
    return out


# ---------------------------------------------------------------------------- query

def query_page(site: Site) -> Page:
    db = site.database.name
    views = [{"name": name, "sql": sql, "question": question(sql), "rows": site.view_counts.get(name)}
             for name, sql in site.view_sql.items()]
    return Page(QUERY, "Query with SQL", render_template(
        "query.md", links=Links(site, QUERY), paths=paths, database=db, views=views, recipes=len(site.cookbook),
        tables=[{"name": n, "schema": t, "rows": len(site.rows(n))} for n, t in site.schemas.items()],
        open_cli=f"duckdb -readonly build/{db}\nD SELECT event_id, date, status FROM timeline LIMIT 5;",
        open_python=f"import duckdb\ncon = duckdb.connect(\"build/{db}\", read_only=True)\n"
                    "con.sql(\"SELECT * FROM plan_vs_outcome\").show()"))


def question(sql: str) -> str:
    first = next((line for line in sql.splitlines() if line.startswith("--")), "")
    return first.lstrip("- ").removeprefix("Question:").strip()


# ---------------------------------------------------------------------------- console

READ_PARQUET = re.compile(r"read_parquet\('data/([a-z_]+)\.parquet'\)")
CONSOLE_EXAMPLE = "SELECT event_id, date, status, summary_en\nFROM timeline\nORDER BY date_start\nLIMIT 20"
FILE_MESSAGE = ("This page was opened from disk (file://), where browsers do not run DuckDB-Wasm's worker. "
                "Serve the site folder over http and open the page there: "
                "python3 -m http.server --directory build/site 8000, then http://localhost:8000/console.html")


def console_page(site: Site, files: dict[str, Path | bytes]) -> Page:
    """The SQL console: the tables as Arrow IPC streams, the SQL that makes them views (views.sql
    with each read_parquet replaced by its table), the recipes, the vendored DuckDB-Wasm.

    DuckDB-Wasm reads Parquet only through its parquet extension, which it downloads from
    DuckDB's extension server at run time (no npm package ships it); Arrow IPC it reads
    itself. So each Parquet file that views.sql reads is written beside the console as an
    Arrow IPC stream (console/<table>.arrow: the same Arrow table, uncompressed)."""
    from scripts.errors import Collector
    from scripts.site import vendor

    problems = Collector()
    views = site.root / "build" / "views.sql"
    if not views.is_file():
        problems.add("build/views.sql", 1, "missing: run `python -m scripts db` (make db) first")
    problems.raise_if_any()
    sql = views.read_text(encoding="utf-8")
    files["views.sql"] = views
    tables = sorted(set(READ_PARQUET.findall(sql)))
    for name in tables:
        parquet = site.root / "build" / "data" / f"{name}.parquet"
        if not parquet.is_file():
            problems.add("build/views.sql", 1, f"reads data/{name}.parquet, which is not a file of build/data")
            continue
        files[f"console/{name}.arrow"] = arrow_stream(parquet)
    problems.raise_if_any()
    links = Links(site, CONSOLE)
    wasm = "vendor/duckdb-wasm/"
    config = {"tables": [{"file": links.to(f"console/{n}.arrow"), "table": f"arrow_{n}"} for n in tables],
              "setup": READ_PARQUET.sub(lambda m: f'"arrow_{m.group(1)}"', sql),
              "limit": RESULT_ROW_LIMIT, "file_message": FILE_MESSAGE,
              "worker": links.to(wasm + "duckdb-browser-eh.worker.js"), "wasm": links.to(wasm + "duckdb-eh.wasm"),
              "recipes": [{"stem": r["stem"], "sql": r.get("sql", "")} for r in site.cookbook]}
    shim = links.to("javascripts/arrow-shim.js")  # an import map wants ./ or ../ before a relative path
    importmap = {"imports": {"apache-arrow": shim if shim.startswith("../") else "./" + shim}}
    return Page(CONSOLE, "Query in your browser", render_template(
        "console.md", links=links, config=config, importmap=importmap, limit=RESULT_ROW_LIMIT,
        example=CONSOLE_EXAMPLE, duckdb_version=vendor.pins().get("@duckdb/duckdb-wasm", ""),
        files=[f"data/{n}.parquet" for n in tables],
        recipes=[{"stem": r["stem"], "question": r.get("question", r["stem"])} for r in site.cookbook]))


def arrow_stream(parquet: Path) -> bytes:
    """A Parquet file's table as an Arrow IPC stream (deterministic bytes)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(parquet)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


# ---------------------------------------------------------------------------- cookbook

def cookbook_pages(site: Site) -> list[Page]:
    index = Page(COOKBOOK, "Cookbook", render_template("cookbook.md", links=Links(site, COOKBOOK),
                                                       recipes=site.cookbook, recipe_page=recipe_page))
    return [index] + [recipe(r) for r in site.cookbook]


def recipe(r: dict) -> Page:
    rows = r.get("rows", [])
    shown = rows[:RESULT_ROW_LIMIT]
    count = plural(len(rows), "row") + (f"; the first {len(shown)} are shown" if len(shown) < len(rows) else "")
    return Page(recipe_page(r["stem"]), r.get("question", r["stem"]), render_template(
        "recipe.md", recipe=r, count=count, rows=rows, columns=[c["name"] for c in r.get("columns", [])],
        shown=[[cell(v) for v in row] for row in shown]))


def cell(value) -> tuple[str | None, bool]:
    """A result value as text (None for NULL) and whether it is long enough to wrap."""
    if value is None:
        return None, False
    if isinstance(value, bool):
        return ("true" if value else "false"), False
    if isinstance(value, (int, float)):
        return num(value), False
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    return text, len(text) > 60
