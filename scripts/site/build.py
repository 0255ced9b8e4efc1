"""Arrow 8, docs: tables + database + hand-written pages -> build/site (MkDocs, Material).

    build/data/*.parquet, datapackage.json, build/<name>.duckdb (views), build/cookbook/*.json,
    articles/, CHANGELOG.md, CITATION.cff, docs/*.md
      -> build/docs-src/   generated Markdown (never written into docs/)
      -> build/site/       `mkdocs build --strict`, swapped in only when the build succeeded

The page renderers are in docs_pages (home, timeline, figures, places, actors, downloads,
cite), docs_records (one page per source and per event) and docs_reference (dictionary,
query, cookbook). mkdocs.yml, docs/*.md and docs/stylesheets/ belong to the repository
(like schemas/ and docs/cookbook/); everything else is read from the project root.
"""
from __future__ import annotations

import calendar
import datetime as dt
import json
import logging
import os
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyarrow.parquet as pq
import yaml

from scripts.site.html import BLOCK
from scripts.paths import REPO, VIEW_DIR
from scripts.errors import Collector, DataError
from scripts.faults import checkpoint
from scripts.metadata import Table, load_tables

CONFIG = REPO / "mkdocs.yml"
HANDWRITTEN = REPO / "docs"
ASSET_DIRS = ("stylesheets", "javascripts")


@dataclass
class Page:
    path: str            # inside docs-src, e.g. "events/first-convoy.md"
    title: str           # navigation title (plain text)
    body: str            # Markdown with raw HTML blocks


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
# conflicting_claims grows with the square of the mentions of an event and is summarised.
FULL_VIEWS = ("timeline", "plan_vs_outcome", "figure_claims", "source_overview")
CONFLICTS_SHOWN = 20


@dataclass
class Conflicts:
    """What the pages need of the view conflicting_claims, computed in DuckDB."""

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

    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [r["view_name"] for r in _fetch(con, "SELECT view_name FROM duckdb_views() "
                                                     "WHERE NOT internal AND schema_name = 'main' ORDER BY view_name")]
        counts = {name: con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}
        views = {name: _fetch(con, f'SELECT * FROM "{name}"') for name in FULL_VIEWS if name in names}
        return views, counts, read_conflicts(con) if "conflicting_claims" in names else Conflicts()
    finally:
        con.close()


def read_conflicts(con) -> Conflicts:
    columns = "kind, topic, claim_id_a, source_id_a, claimed_a, claim_id_b, source_id_b, claimed_b, gap, gap_unit, same_source"
    pairs = _fetch(con, f"""
        SELECT {columns} FROM (
            SELECT *, row_number() OVER (PARTITION BY kind, topic ORDER BY claim_id_a, claim_id_b) AS n
            FROM conflicting_claims)
        WHERE n <= {CONFLICTS_SHOWN} ORDER BY kind, topic, claim_id_a, claim_id_b""")
    out = Conflicts()
    for pair in pairs:
        out.pairs.setdefault((pair["kind"], pair["topic"]), []).append(pair)
    for row in _fetch(con, "SELECT kind, topic, count(*) AS n FROM conflicting_claims GROUP BY kind, topic"):
        out.counts[(row["kind"], row["topic"])] = row["n"]
    out.claims = {(r["kind"], r["id"]) for r in _fetch(con, "SELECT kind, claim_id_a AS id FROM conflicting_claims "
                                                             "UNION SELECT kind, claim_id_b FROM conflicting_claims")}
    widest = _fetch(con, f"SELECT {columns} FROM conflicting_claims WHERE kind = 'date' "
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
    descriptor = root / "datapackage.json"
    if not descriptor.is_file():
        problems.add("datapackage.json", 1, "missing: run `python -m scripts build` (make build) first")
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
        root=root, package=json.loads(descriptor.read_text(encoding="utf-8")), schemas=schemas, tables=tables,
        views=views, view_counts=view_counts, conflicts=conflicts, view_sql={p.stem: p.read_text(encoding="utf-8") for p in sorted(VIEW_DIR.glob("*.sql"))},
        cookbook=cookbook, articles=articles, database=db,
        changelog=changelog.read_text(encoding="utf-8") if changelog.is_file() else None,
        citation=citation, citation_text=citation_text,
        handwritten={p.name: p.read_text(encoding="utf-8") for p in sorted(HANDWRITTEN.glob("*.md"))},
    )


# ---------------------------------------------------------------------------- writing docs-src

def write_sources(site: Site, pages: list[Page], files: dict[str, Path | bytes]) -> Path:
    """Write the pages and files into a fresh build/docs-src (replaced as a whole)."""
    build = site.root / "build"
    stage = build / f".docs-src-{os.getpid()}"
    if stage.exists():
        shutil.rmtree(stage)
    for name in ASSET_DIRS:
        if (HANDWRITTEN / name).is_dir():
            shutil.copytree(HANDWRITTEN / name, stage / name)
    stage.mkdir(parents=True, exist_ok=True)
    for page in sorted(pages, key=lambda p: p.path):
        target = stage / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        markdown, blocks = split_blocks(page.body)
        target.write_text(markdown.rstrip() + "\n", encoding="utf-8")
        if blocks:
            blocks_file(target).write_text(json.dumps(blocks, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    for rel, content in sorted(files.items()):
        target = stage / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Path):
            shutil.copyfile(content, target)
        else:
            target.write_bytes(content)
    final = build / "docs-src"
    _swap(stage, final)
    return final


def split_blocks(body: str) -> tuple[str, list[str]]:
    """Move the generated HTML blocks out of a page's Markdown, leaving numbered placeholders."""
    blocks: list[str] = []

    def placeholder(match):
        blocks.append(match.group(1))
        return f'\n\n<div class="docs-block" data-block="{len(blocks) - 1}"></div>\n\n'

    return BLOCK.sub(placeholder, body), blocks


def blocks_file(page: Path) -> Path:
    """Where a page's HTML blocks wait for the mkdocs hook (excluded from the site)."""
    return page.with_suffix(".blocks.json")


def _swap(new: Path, final: Path):
    """Put `new` at `final` in one rename; the old folder is moved aside first, then removed."""
    old = final.parent / f".{final.name}-old-{os.getpid()}"
    if old.exists():
        shutil.rmtree(old)
    if final.exists():
        os.replace(final, old)
    os.replace(new, final)
    shutil.rmtree(old, ignore_errors=True)


# ---------------------------------------------------------------------------- mkdocs

class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def source_date_epoch(site: Site) -> int:
    """The release date (from the version) as the build time, so sitemap.xml.gz is reproducible."""
    day = site.version_date or dt.date(1970, 1, 1)
    return calendar.timegm(day.timetuple())


def run_mkdocs(site: Site, src: Path, out: Path, nav: list, not_in_nav: list[str]):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    collect = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collect)
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(source_date_epoch(site))
    try:
        config = load_config(str(CONFIG), docs_dir=str(src), site_dir=str(out), nav=nav, strict=True,
                             not_in_nav="\n".join(not_in_nav) or None)
        build(config)
    except MkDocsException as e:
        problems = Collector()
        for message in collect.messages or [str(e)]:
            problems.add("build/docs-src", 1, f"mkdocs: {message}")
        problems.raise_if_any()
    finally:
        logger.removeHandler(collect)
        if saved is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved


def build_docs(root: Path) -> Path:
    """Generate the pages and build the site; returns build/site. The old site stays on failure."""
    from scripts.site.pages import render

    site = load_site(root)
    rendered = render(site)
    src = write_sources(site, rendered.pages, rendered.files)
    build = site.root / "build"
    for stale in build.glob(".site-*"):  # left by a build that was killed
        shutil.rmtree(stale, ignore_errors=True)
    tmp = build / f".site-{os.getpid()}"
    try:
        run_mkdocs(site, src, tmp, rendered.nav, rendered.not_in_nav)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    checkpoint("docs")
    final = build / "site"
    _swap(tmp, final)
    return final
