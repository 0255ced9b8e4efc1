"""`preview SOURCE_ID`: one source's page as the site will show it (the article with every
quote highlighted, its mentions, figures and citations), built in a second or two.

It runs every check of `build` in memory (nothing is published; build/data stays as it is),
renders the source page with the site's own templates (scripts/site/records.py), turns its
Markdown into HTML with the site's Markdown extensions, and writes one self-contained file,
build/preview/<source_id>.html, beside a copy of the site's stylesheet. Links to other pages
of the site do not resolve there; `make docs` builds the whole site. With `--png`, Debian's
Chromium takes a full-page screenshot of it.
"""
from __future__ import annotations

import difflib
import json
import shutil
import subprocess
from pathlib import Path

import markdown

from scripts.atomic import staging_path, swap_in
from scripts.metadata import load_tables
from scripts.paths import REPO
from scripts.pipeline.runner import check
from scripts.site.build import split_blocks
from scripts.site.hooks import PLACEHOLDER, wrap_arabic
from scripts.site.html import esc
from scripts.site.model import Conflicts, Site
from scripts.site.records import source_detail

STYLESHEET = REPO / "docs" / "stylesheets" / "extra.css"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars"]


class PreviewError(Exception):
    """The preview cannot be made (unknown source, no Chromium for --png); exit code 2."""


def markdown_options() -> tuple[list[str], dict]:
    """The Markdown extensions of mkdocs.yml and their options (read, not repeated here)."""
    import yaml

    names, options = [], {}
    for entry in yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))["markdown_extensions"]:
        name = next(iter(entry)) if isinstance(entry, dict) else entry
        names.append(name)
        if isinstance(entry, dict):
            options[name] = entry[name] or {}
    return names, options


def page_html(body: str, title: str) -> str:
    """A generated page's Markdown and HTML blocks as one HTML document."""
    text, blocks = split_blocks(body)
    extensions, options = markdown_options()
    html = wrap_arabic(markdown.markdown(text, extensions=extensions, extension_configs=options))
    html = PLACEHOLDER.sub(lambda m: blocks[int(m.group(1))], html)
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>'
            f'<link rel="stylesheet" href="extra.css"></head>\n<body><main class="md-content">\n{html}\n</main></body></html>\n')


def preview(root: Path, source_id: str, png: bool = False) -> list[Path]:
    """Write build/preview/<source_id>.html (and .png); returns the files written."""
    root = Path(root)
    built = check(root, save_cache=False)
    tables = {name: table.to_pylist() for name, table in built.tables.items()}
    sources = {s["source_id"]: s for s in tables["sources"]}
    if source_id not in sources:
        close = difflib.get_close_matches(source_id, sorted(sources), n=1)
        raise PreviewError(f"no source {source_id!r}" + (f"; did you mean {close[0]!r}?" if close else ""))
    source = sources[source_id]
    site = Site(root=root, package={}, schemas=load_tables(), tables=tables, views={}, view_counts={},
                conflicts=Conflicts(), view_sql={}, cookbook=[], database=Path(),
                articles={source_id: (root / source["article_path"]).read_text(encoding="utf-8")})
    page = source_detail(site, source)
    folder = root / "build" / "preview"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{source_id}.html"
    staged = staging_path(target)
    staged.write_text(page_html(page.body, f"Preview: {source_id}"), encoding="utf-8")
    written = [swap_in(staged, target)]
    shutil.copyfile(STYLESHEET, folder / "extra.css")
    if png:
        written.append(screenshot(target))
    return written


def screenshot(page: Path) -> Path:
    chromium = shutil.which("chromium")
    if chromium is None:
        raise PreviewError("--png needs Debian's Chromium: sudo apt-get install -y chromium")
    out = page.with_suffix(".png")
    profile = page.parent / ".chromium-profile"
    subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--screenshot={out}",
                    "--window-size=1200,6000", page.resolve().as_uri()], check=False, capture_output=True, timeout=120)
    shutil.rmtree(profile, ignore_errors=True)
    if not out.is_file():
        raise PreviewError(f"Chromium did not write {out}")
    return out


def describe(paths: list[Path]) -> str:
    return "\n".join(f"wrote {p}" for p in paths) + "\nopen it in a browser: " + json.dumps(paths[0].resolve().as_uri())
