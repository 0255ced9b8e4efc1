"""Reference pages generated from the contract and the database: data dictionary, query, cookbook.

The pages are templates/dictionary.md, query.md, cookbook.md and recipe.md; this module
gathers what they show.
"""
from __future__ import annotations

import json

from scripts.metadata import required
from scripts.site import links as paths
from scripts.site.html import num, plural, render_template
from scripts.site.links import COOKBOOK, DICTIONARY, QUERY, Links, recipe_page
from scripts.site.model import Page, Site

RESULT_ROW_LIMIT = 200


# ---------------------------------------------------------------------------- data dictionary

def dictionary_page(site: Site) -> Page:
    tables = [{"name": name, "schema": schema, "rows": len(site.rows(name)),
               "columns": [column(f, schema) for f in schema.fields]} for name, schema in site.schemas.items()]
    return Page(DICTIONARY, "Data dictionary", render_template(
        "dictionary.md", links=Links(site, DICTIONARY), paths=paths, version=site.version, tables=tables))


def column(f: dict, schema) -> dict:
    vocabulary = [(c.get("value"), c.get("label", "")) if isinstance(c, dict) else (c, "")
                  for c in f.get("categories", [])]
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


# ---------------------------------------------------------------------------- cookbook

def cookbook_pages(site: Site) -> list[Page]:
    index = Page(COOKBOOK, "Cookbook", render_template("cookbook.md", links=Links(site, COOKBOOK),
                                                       recipes=site.cookbook, recipe_page=recipe_page))
    return [index] + [recipe(r) for r in site.cookbook]


def recipe(r: dict) -> Page:
    rows = r.get("rows", [])
    shown = rows[:RESULT_ROW_LIMIT]
    count = plural(len(rows), "row") + (f"; the first {len(shown)} are shown" if len(shown) < len(rows) else "")
    return Page(recipe_page(r["stem"]), r["stem"], render_template(
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
