"""What the docs site is made from: the pages (`Page`) and every input read once (`Site`).

`load_site(root)` reads build/data/*.parquet, datapackage.json, the views of the DuckDB file,
build/cookbook/*.json, the articles, CHANGELOG.md, CITATION.cff and docs/*.md; all missing
prerequisites are reported together. The page modules (pages, records, reference, story)
take a `Site` and return `Page`s; build.py writes them out and runs MkDocs.
"""
from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyarrow.parquet as pq
import yaml

from scripts.errors import Collector, DataError, Problem
from scripts.metadata import Table, load_tables
from scripts.paths import REPO, VIEW_DIR
from scripts.pipeline.describe import changelog_text
from scripts.pipeline.generation import manifest

HANDWRITTEN = REPO / "docs"


@dataclass
class Page:
    path: str            # inside docs-src, e.g. "events/first-convoy.md"
    title: str           # navigation title (plain text)
    body: str            # Markdown with raw HTML blocks
    boost: float | None = None   # search ranking: above 1 data pages, below 1 cookbook pages


@dataclass
class Site:
    """Everything the pages are made from, read once."""

    root: Path
    package: dict
    schemas: dict[str, Table]
    tables: dict[str, list[dict]]
    views: dict[str, list[dict]]
    view_counts: dict[str, int]
    conflicts: Conflicts
    view_sql: dict[str, str]
    cookbook: list[dict]
    articles: dict[str, str]
    database: Path
    changelog: str | None = None
    citation: dict | None = None
    citation_text: str | None = None
    handwritten: dict[str, str] = field(default_factory=dict)
    _groups: dict = field(default_factory=dict, repr=False)

    def rows(self, table: str) -> list[dict]:
        return self.tables.get(table, [])

    @cached_property
    def index(self) -> dict[str, dict[str, dict]]:
        """table -> id -> row, for the tables with a one-column primary key."""
        out = {}
        for name, schema in self.schemas.items():
            if len(schema.primary_key) == 1:
                key = schema.primary_key[0]
                out[name] = {r[key]: r for r in self.rows(name)}
        return out

    def by(self, table: str, column: str) -> dict[str, list[dict]]:
        """Rows of a table grouped by one column's value (computed once per table and column)."""
        key = (table, column)
        if key not in self._groups:
            groups = defaultdict(list)
            for row in self.rows(table):
                if row.get(column) is not None:
                    groups[row[column]].append(row)
            self._groups[key] = dict(groups)
        return self._groups[key]

    def view_by(self, view: str, column: str, **where) -> dict[str, list[dict]]:
        """Rows of an analysis view grouped by one column, optionally filtered on equal values."""
        key = (view, column, tuple(sorted(where.items())))
        if key not in self._groups:
            groups = defaultdict(list)
            for row in self.views.get(view, []):
                if all(row.get(k) == v for k, v in where.items()):
                    groups[row.get(column)].append(row)
            self._groups[key] = dict(groups)
        return self._groups[key]

    def label(self, table: str, column: str, value) -> str:
        """The definition of a vocabulary value, from the Table Schema."""
        for c in self.schemas[table].field(column).get("categories", []):
            if isinstance(c, dict) and c.get("value") == value:
                return c.get("label", "")
        return ""

    def name(self, table: str, column: str, value) -> str:
        """A code as a reader would name it: for figure subjects their label ("US troops deployed
        in Iraq"), for other codes their words ("base_closure" -> "Base closure")."""
        if value is None:
            return ""
        label = self.label(table, column, value) if (table, column) == ("figures", "subject") else ""
        text = label or str(value).replace("_", " ")
        return text[:1].upper() + text[1:]

    @cached_property
    def unit_words(self) -> dict[str, str]:
        """unit code -> the word for more than one, the first word of its label ("people", "years");
        worked out once per site, not per page or figure."""
        return {value: (self.label("figures", "unit", value).split(" (")[0].split() or [value])[0]
                for value in self.values("figures", "unit")}

    def values(self, table: str, column: str) -> list[str]:
        return [c["value"] if isinstance(c, dict) else c for c in self.schemas[table].field(column).get("categories", [])]

    @property
    def version(self) -> str:
        return self.package.get("version", "")

    @property
    def version_date(self) -> dt.date | None:
        try:
            return dt.date(*map(int, self.version.split(".")))
        except (TypeError, ValueError):
            return None

    def published_order(self, source_id: str):
        s = self.index["sources"].get(source_id, {})
        return (s.get("published_earliest") or dt.date.max, source_id)


# ---------------------------------------------------------------------------- reading the inputs

def read_tables(root: Path, schemas: dict[str, Table], problems: Collector) -> dict[str, list[dict]]:
    tables = {}
    for name in schemas:
        path = root / "build" / "data" / f"{name}.parquet"
        if not path.is_file():
            problems.add(f"build/data/{name}.parquet", 1, "missing: run `python -m scripts build` (make build) first")
            continue
        tables[name] = pq.read_table(path).to_pylist()
    return tables


# Views read whole: one row per source, event, plan or figure, so they grow with the corpus.
# conflicting_claim_pairs grows with the square of the mentions of an event and is summarised.
FULL_VIEWS = ("timeline", "plan_vs_outcome", "figure_claims", "source_overview")
CONFLICTS_SHOWN = 20


@dataclass
class Conflicts:
    """What the pages need of the view conflicting_claim_pairs, computed in DuckDB."""

    pairs: dict[tuple[str, str], list[dict]] = field(default_factory=dict)  # (kind, topic) -> first pairs
    counts: dict[tuple[str, str], int] = field(default_factory=dict)       # (kind, topic) -> all pairs
    claims: set[tuple[str, str]] = field(default_factory=set)              # (kind, claim id) in any pair
    widest: dict | None = None                                             # the story's date conflict


def _fetch(con, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def read_views(db: Path) -> tuple[dict[str, list[dict]], dict[str, int], Conflicts]:
    import duckdb

    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error as e:  # not a DuckDB file (or one of another version)
        first = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise DataError([Problem(f"build/{db.name}", 1, f"cannot be opened: {first}; run `python -m scripts db` "
                                                        "(make db) again")]) from None
    try:
        names = [r["view_name"] for r in _fetch(con, "SELECT view_name FROM duckdb_views() "
                                                     "WHERE NOT internal AND schema_name = 'main' ORDER BY view_name")]
        counts = {name: con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}
        views = {name: _fetch(con, f'SELECT * FROM "{name}"') for name in FULL_VIEWS if name in names}
        return views, counts, read_conflicts(con) if "conflicting_claim_pairs" in names else Conflicts()
    finally:
        con.close()


def read_conflicts(con) -> Conflicts:
    columns = "kind, topic, claim_id_a, source_id_a, claimed_a, claim_id_b, source_id_b, claimed_b, gap, gap_unit, same_source"
    pairs = _fetch(con, f"""
        SELECT {columns} FROM (
            SELECT *, row_number() OVER (PARTITION BY kind, topic ORDER BY claim_id_a, claim_id_b) AS n
            FROM conflicting_claim_pairs)
        WHERE n <= {CONFLICTS_SHOWN} ORDER BY kind, topic, claim_id_a, claim_id_b""")
    out = Conflicts()
    for pair in pairs:
        out.pairs.setdefault((pair["kind"], pair["topic"]), []).append(pair)
    for row in _fetch(con, "SELECT kind, topic, count(*) AS n FROM conflicting_claim_pairs GROUP BY kind, topic"):
        out.counts[(row["kind"], row["topic"])] = row["n"]
    out.claims = {(r["kind"], r["id"]) for r in _fetch(con, "SELECT kind, claim_id_a AS id FROM conflicting_claim_pairs "
                                                             "UNION SELECT kind, claim_id_b FROM conflicting_claim_pairs")}
    widest = _fetch(con, f"SELECT {columns} FROM conflicting_claim_pairs WHERE kind = 'date' "
                         "ORDER BY same_source, gap DESC, topic, claim_id_a, claim_id_b LIMIT 1")
    out.widest = widest[0] if widest else None
    return out


def read_cookbook(root: Path, problems: Collector) -> list[dict]:
    folder = root / "build" / "cookbook"
    if not folder.is_dir():
        problems.add("build/cookbook", 1, "missing: run `python -m scripts db` (make db) first; it runs the SQL cookbook")
        return []
    recipes = []
    for path in sorted(folder.glob("*.json")):
        recipe = json.loads(path.read_text(encoding="utf-8"))
        recipe["stem"] = path.stem
        recipes.append(recipe)
    return recipes


def read_articles(root: Path, sources: list[dict], problems: Collector) -> dict[str, str]:
    articles = {}
    for s in sources:
        path = root / s["article_path"]
        if not path.is_file():
            problems.add(s["article_path"], 1, f"article of {s['source_id']} is missing")
            continue
        articles[s["source_id"]] = path.read_text(encoding="utf-8")
    return articles


def read_citation(root: Path) -> tuple[dict | None, str | None]:
    path = root / "CITATION.cff"
    if not path.is_file():
        return None, None
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise DataError([_problem("CITATION.cff", f"cannot be read as YAML: {e}")]) from None
    return (data if isinstance(data, dict) else None), text


def _problem(path: str, message: str):
    from scripts.errors import Problem

    return Problem(path, 1, message)


def load_site(root: Path) -> Site:
    """Read every input of the docs arrow; all missing prerequisites are reported together."""
    root = Path(root)
    problems = Collector()
    schemas = load_tables()
    try:  # the published generation's manifest, which always agrees with build/data (pipeline/generation.py)
        package = manifest(root)
    except DataError as e:  # not built, or a manifest that is not one
        package = None
        problems.problems.extend(e.problems)
    tables = read_tables(root, schemas, problems)
    from scripts.db.schema import database_path

    db = database_path(root)
    if not db.is_file():
        problems.add(f"build/{db.name}", 1, "missing: run `python -m scripts db` (make db) first")
    cookbook = read_cookbook(root, problems)
    articles = read_articles(root, tables.get("sources", []), problems)
    problems.raise_if_any()
    citation, citation_text = read_citation(root)
    changelog = root / "CHANGELOG.md"
    views, view_counts, conflicts = read_views(db)
    return Site(
        root=root, package=package, schemas=schemas, tables=tables,
        views=views, view_counts=view_counts, conflicts=conflicts,
        view_sql={p.stem: p.read_text(encoding="utf-8") for p in sorted(VIEW_DIR.glob("*.sql"))},
        cookbook=cookbook, articles=articles, database=db,
        changelog=changelog_text(root) if changelog.is_file() else None,
        citation=citation, citation_text=citation_text,
        handwritten={p.name: p.read_text(encoding="utf-8") for p in sorted(HANDWRITTEN.glob("*.md"))},
    )
