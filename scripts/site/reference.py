"""Reference pages generated from the contract and the database: data dictionary, query, cookbook."""
from __future__ import annotations

import json

from scripts.site.model import Page, Site
from scripts.site.html import a, block, code, esc, fence, md_text, num, plural, table, txt
from scripts.site.links import COOKBOOK, DICTIONARY, QUERY, LegacyLinks, Links, recipe_page
from scripts.metadata import required

RESULT_ROW_LIMIT = 200


# ---------------------------------------------------------------------------- data dictionary

def dictionary_page(site: Site) -> Page:
    links = LegacyLinks(site, DICTIONARY)
    body = ["# Data dictionary", "",
            "Generated from the Table Schemas in `schemas/`, the only place a column is defined. Row counts are those "
            f"of this build (version {md_text(site.version)}). Columns marked *derived* are computed by the build; "
            "every other column is copied from the annotations.", ""]
    body.append(block("<ul>" + "".join(f"<li>{a(links.to(DICTIONARY, name), code(name))} – {esc(t.descriptor.get('title', ''))}, "
                                       f"{plural(len(site.rows(name)), 'row')}</li>" for name, t in site.schemas.items())
                      + "</ul>", "toc-tables"))
    for name, schema in site.schemas.items():
        body += table_section(site, links, name, schema)
    return Page(DICTIONARY, "Data dictionary", "\n".join(body))


def table_section(site: Site, links: Links, name: str, schema) -> list[str]:
    d = schema.descriptor
    fks = [f"{', '.join(map(code, fk['fields']))} → {links.column(fk['reference']['resource'], fk['reference']['fields'][0])}"
           for fk in schema.foreign_keys]
    uniques = [", ".join(map(code, u)) for u in d.get("uniqueKeys", [])]
    facts = [("Rows", num(len(site.rows(name)))), ("Primary key", ", ".join(map(code, schema.primary_key))),
             ("Unique keys", "; ".join(uniques)), ("Foreign keys", "<br>".join(fks)),
             ("Files", f"{code(f'build/data/{name}.csv')}, {code(f'build/data/{name}.parquet')}")]
    facts_html = '<dl class="facts">' + "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in facts if v) + "</dl>"
    rows = [column_row(f, schema) for f in schema.fields]
    return [f"## {md_text(name)} {{#{name}}}", "", f"**{md_text(d.get('title', name))}.** {md_text(d.get('description', ''))}", "",
            block(facts_html, "facts-block"),
            block(table(["column", "type and constraints", "description and values"], rows, "dictionary",
                        [f"{name}-{f['name']}" for f in schema.fields]), "wide")]


def column_row(f: dict, schema) -> list[str]:
    description = txt(f.get("description", ""))
    if "x-derived" in f:
        rule = f["x-derived"]
        description += f' <span class="derived">Derived by the build from {code(rule.get("from"))} ({esc(rule.get("part"))}).</span>'
    if f.get("x-format"):
        description += f" <small>Format: {esc(f['x-format'])}.</small>"
    kind = f"{esc(f['type'])}<br><small>{'required' if required(f) else 'optional'}</small>"
    rules = constraints(f, schema)
    return [code(f["name"]), kind + (f"<br><small>{rules}</small>" if rules else ""), description + vocabulary(f)]


def constraints(f: dict, schema) -> str:
    c = f.get("constraints", {})
    out = []
    if f["name"] in schema.primary_key:
        out.append("primary key" if len(schema.primary_key) == 1 else "part of the primary key")
    elif c.get("unique"):
        out.append("unique")
    for key, words in (("pattern", "matches"), ("minLength", "length ≥"), ("maxLength", "length ≤"),
                       ("minimum", "≥"), ("maximum", "≤")):
        if key in c:
            out.append(f"{words} {code(c[key])}")
    return "<br>".join(out)


def vocabulary(f: dict) -> str:
    items = []
    for c in f.get("categories", []):
        value, label = (c.get("value"), c.get("label", "")) if isinstance(c, dict) else (c, "")
        items.append(f"<li>{code(value)}{' – ' + esc(label) if label else ''}</li>")
    return f'<ul class="vocab">{"".join(items)}</ul>' if items else ""


# ---------------------------------------------------------------------------- query

def query_page(site: Site) -> Page:
    links = LegacyLinks(site, QUERY)
    db = site.database.name
    body = ["# Query with SQL", "",
            "The tables are published as Parquet and CSV files and as one DuckDB database with the analysis views. "
            "Every query on this site was run when the site was built.", "",
            "## Open the DuckDB file", "",
            f"After `make db` the database is `build/{md_text(db)}`. It is written in DuckDB's v1.0.0 storage format, "
            "so DuckDB 1.x clients open it too. Open it read-only:", "",
            fence(f"duckdb -readonly build/{db}\nD SELECT event_id, date, status FROM timeline LIMIT 5;", "sql"), "",
            fence(f"import duckdb\ncon = duckdb.connect(\"build/{db}\", read_only=True)\n"
                  "con.sql(\"SELECT * FROM plan_vs_outcome\").show()", "python"), "",
            "Every table and column carries its description as a comment:", "",
            fence("SELECT table_name, column_name, comment FROM duckdb_columns() WHERE NOT internal;", "sql"), "",
            "## Read the Parquet files", "",
            "Without the database, query the Parquet files directly (paths relative to the working directory):", "",
            fence("SELECT source_id, quote_en FROM 'build/data/mentions.parquet' WHERE modality = 'planned';", "sql"), "",
            fence("import pandas as pd\nmentions = pd.read_parquet(\"build/data/mentions.parquet\")", "python"), "",
            "`make db` also writes `build/views.sql`: the tables as views over the Parquet files plus the analysis "
            "views, for `duckdb -init build/views.sql`.", "",
            "## Tables", "",
            block(table(["table", "rows", "one row is"],
                        [[links.column(n), num(len(site.rows(n))), txt(t.descriptor.get("description", ""))]
                         for n, t in site.schemas.items()]), "wide"),
            "## Views", "",
            "Each view is one file in `scripts/sql/`; its header says what it answers and what each column means.", ""]
    for name, sql in site.view_sql.items():
        rows = site.view_counts.get(name)
        count = f"{plural(rows, 'row')} in this build." if rows is not None else "Not in the database."
        body += [f"### {md_text(name)} {{#view-{name}}}", "", md_text(question(sql)), "", count, "", fence(sql, "sql"), ""]
    body += ["## Cookbook", "",
             f"{plural(len(site.cookbook), 'question')} answered in SQL, each with its result as executed at build time "
             f"(`docs/cookbook/*.sql`): see the {a(links.to(COOKBOOK), 'cookbook')}.", ""]
    return Page(QUERY, "Query with SQL", "\n".join(body))


def question(sql: str) -> str:
    first = next((line for line in sql.splitlines() if line.startswith("--")), "")
    return first.lstrip("- ").removeprefix("Question:").strip()


# ---------------------------------------------------------------------------- cookbook

def cookbook_pages(site: Site) -> list[Page]:
    links = LegacyLinks(site, COOKBOOK)
    rows = [[a(links.to(recipe_page(r["stem"])), esc(r.get("question", r["stem"]))), num(len(r.get("rows", [])))]
            for r in site.cookbook]
    body = ["# Cookbook", "",
            "Questions answered with SQL against the database. Each page shows the query and its result as executed "
            "when this site was built.", "",
            block(table(["question", "rows"], rows), "wide") if rows else "No cookbook queries yet."]
    return [Page(COOKBOOK, "Cookbook", "\n".join(body))] + [recipe(site, r) for r in site.cookbook]


def recipe(site: Site, r: dict) -> Page:
    columns = [c["name"] for c in r.get("columns", [])]
    rows = r.get("rows", [])
    shown = rows[:RESULT_ROW_LIMIT]
    count = plural(len(rows), "row") + (f"; the first {len(shown)} are shown" if len(shown) < len(rows) else "")
    body = [f"# {md_text(r.get('question', r['stem']))}", "",
            f"From {code(r.get('file', ''))}, run against the database of this build.", "",
            fence(r.get("sql", ""), "sql"), "",
            f"Result ({count}):", "",
            block(table(columns, [[cell(v) for v in row] for row in shown], "result"), "wide") if rows else "*No rows.*"]
    return Page(recipe_page(r["stem"]), r["stem"], "\n".join(body))


def cell(value) -> str | tuple[str, str]:
    if value is None:
        return '<span class="null">NULL</span>'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return num(value)
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    return (txt(text), 'class="long"') if len(text) > 60 else txt(text)
