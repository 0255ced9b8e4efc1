"""Arrow 8, docs: tables + database + hand-written pages -> build/site (MkDocs, Material).

    build/data/*.parquet, datapackage.json, build/<name>.duckdb (views), build/cookbook/*.json,
    articles/, CHANGELOG.md, CITATION.cff, docs/*.md
      -> build/docs-src/   generated Markdown (never written into docs/)
      -> build/site/       `mkdocs build --strict`, swapped in only when the build succeeded

The inputs are read into a `Site` by model.py; the pages are rendered by pages (home,
timeline, figures, places, actors, downloads, cite), records (one page per source and per
event) and reference (dictionary, query, cookbook) from the templates in templates/. This
module writes docs-src, runs MkDocs and swaps the site in. mkdocs.yml, docs/*.md and
docs/stylesheets/ belong to the repository (like schemas/ and docs/cookbook/); everything
else is read from the project root.
"""
from __future__ import annotations

import calendar
import datetime as dt
import json
import logging
import os
import shutil
from pathlib import Path

from scripts.errors import Collector
from scripts.faults import checkpoint
from scripts.paths import REPO
from scripts.site import pages
from scripts.site.html import BLOCK, macros
from scripts.site.model import HANDWRITTEN, Page, Site, load_site

CONFIG = REPO / "mkdocs.yml"
ASSET_DIRS = ("stylesheets", "javascripts")


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
        target.write_text(front_matter(page, markdown).rstrip() + "\n", encoding="utf-8")
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


def front_matter(page: Page, markdown: str) -> str:
    """The page's Markdown with its search boost in the YAML front matter (Material reads it)."""
    if page.boost is None:
        return markdown
    boost = f"search:\n  boost: {page.boost}\n"
    if markdown.startswith("---\n"):
        return "---\n" + boost + markdown[4:]
    return f"---\n{boost}---\n\n{markdown}"


def split_blocks(body: str) -> tuple[str, list[str]]:
    """Move the generated HTML blocks out of a page's Markdown, leaving numbered placeholders."""
    blocks: list[str] = []

    def placeholder(match):
        blocks.append(match.group(1))
        return f"\n\n{macros().placeholder(len(blocks) - 1)}\n\n"

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
    site = load_site(root)
    rendered = pages.render(site)  # looked up at call time, so a test may replace it
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
