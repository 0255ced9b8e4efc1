"""The SQL cookbook: docs/cookbook/NN-slug.sql, each a question and one SELECT, run against the
new database; results written as JSON and Markdown into build/cookbook/."""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from scripts.db.query import QueryRefused, run_select
from scripts.db.render import Result, json_value, to_markdown
from scripts.db.views import (
    SqlFile,
    _sql_problem,
    query_config,
    read_sql_file,
)
from scripts.errors import Collector
from scripts.paths import display_path

# A cookbook page shows at most this many rows, its JSON at most JSON_ROW_LIMIT (both say
# how many there are): the build output stays small whatever the corpus size.
MARKDOWN_ROW_LIMIT = 200
JSON_ROW_LIMIT = 10_000


@dataclass(frozen=True)
class Recipe:
    stem: str
    question: str
    notes: list[str]      # the comment lines after the question
    sql: SqlFile


QUESTION = re.compile(r"^-- Question: (\S.*\?)\s*$")
RECIPE_NAME = re.compile(r"^\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*$")


def read_recipes(cookbook_dir: Path, root: Path) -> list[Recipe]:
    """docs/cookbook/NN-slug.sql: `-- Question: ...?`, optional comment lines, one SELECT."""
    problems = Collector()
    recipes = []
    for path in sorted(cookbook_dir.glob("*.sql")):
        sql = read_sql_file(path)
        match = QUESTION.match(sql.header[0]) if sql.header else None
        if not RECIPE_NAME.match(path.stem):
            problems.add(display_path(path, root), 1, "cookbook files are named NN-slug.sql, e.g. 01-us-troop-figures.sql")
        if not match:
            problems.add(display_path(path, root), 1, "the first line must be `-- Question: ...?`")
            continue
        notes = [line[2:].strip() for line in sql.header[1:] if line.strip()]
        recipes.append(Recipe(path.stem, match.group(1), notes, sql))
    problems.raise_if_any()
    return recipes


def run_recipes(db: Path, recipes: list[Recipe], root: Path, spill: Path | None = None) -> dict[str, Result]:
    """Every recipe against the new database; all failures are reported together."""
    problems = Collector()
    results = {}
    with duckdb.connect(str(db), read_only=True, config={"enable_external_access": False, **query_config(spill)}) as con:
        for recipe in recipes:
            try:
                results[recipe.stem] = run_select(con, recipe.sql.body, keep=JSON_ROW_LIMIT)
            except (duckdb.Error, QueryRefused) as e:
                p = _sql_problem(recipe.sql, root, f"cookbook query failed: {e}", e)
                problems.add(p.path, p.line, p.message)
    problems.raise_if_any()
    return results


def recipe_json(recipe: Recipe, result: Result) -> str:
    doc = {"question": recipe.question, "file": f"docs/cookbook/{recipe.sql.path.name}", "sql": recipe.sql.text,
           "columns": [{"name": c, "type": t} for c, t in zip(result.columns, result.types)],
           "row_count": result.row_count, "rows_truncated": result.row_count > JSON_ROW_LIMIT,
           "rows": [[json_value(v) for v in row] for row in result.rows[:JSON_ROW_LIMIT]]}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def recipe_markdown(recipe: Recipe, result: Result) -> str:
    shown = min(len(result.rows), MARKDOWN_ROW_LIMIT)
    count = f"{result.row_count} row{'s' if result.row_count != 1 else ''}"
    if shown < result.row_count:
        count += f"; the first {shown} are shown; run the query for all of them"
    parts = [f"# {html.escape(recipe.question, quote=False)}", ""]
    notes = " ".join(n for n in recipe.notes if n)
    if notes:
        parts += [html.escape(notes, quote=False), ""]
    parts += ["```sql", recipe.sql.text, "```", "", f"Result ({count}):", ""]
    parts += [to_markdown(result, MARKDOWN_ROW_LIMIT) if result.rows else "*No rows.*", ""]
    return "\n".join(parts)


def write_cookbook(folder: Path, recipes: list[Recipe], results: dict[str, Result]):
    folder.mkdir(parents=True)
    for recipe in recipes:
        result = results[recipe.stem]
        (folder / f"{recipe.stem}.json").write_text(recipe_json(recipe, result), encoding="utf-8")
        (folder / f"{recipe.stem}.md").write_text(recipe_markdown(recipe, result), encoding="utf-8")
