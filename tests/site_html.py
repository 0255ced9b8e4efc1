"""The generated site's HTML read without a browser: what the tests need of one page (ids,
links, highlights, Arabic text outside a right-to-left element), the internal links of a whole
site, and the highlights each source page should have. Used by tests/integration/test_docs_build.py
and tests/browser/test_site.py."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pyarrow.parquet as pq

ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")


class Page(HTMLParser):
    """ids, hrefs, data-ann values, Arabic text outside dir="rtl" lang="ar", and the longest
    run of text without a space (what may push a page sideways on a phone) of one HTML page."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.ids, self.hrefs, self.anns, self.stray_arabic, self.stack = set(), [], [], [], []
        self.longest_word = 0
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])
        if tag == "mark" and a.get("data-ann"):
            self.anns.append(a["data-ann"])
        if tag not in self.VOID:
            self.stack.append((tag, a.get("lang") == "ar" and a.get("dir") == "rtl", a.get("class", "")))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        in_content = any("md-content__inner" in cls for _, _, cls in self.stack)
        if not in_content or any(tag in ("script", "style") for tag, _, _ in self.stack):
            return
        if ARABIC.search(data) and not any(rtl for _, rtl, _ in self.stack):
            self.stray_arabic.append(data.strip()[:60])
        self.longest_word = max([self.longest_word, *map(len, data.split())])


def html_pages(site: Path, with_404: bool = True) -> list[Path]:
    """The site's pages; 404.html is the server's not-found page and links from the site root (/)."""
    return sorted(p for p in site.rglob("*.html") if with_404 or p.name != "404.html")


def read_page(path: Path) -> Page:
    return Page(path.read_text(encoding="utf-8"))


def read_pages(site: Path) -> dict[Path, Page]:
    """Every page of the site (html_pages), read once for the checks that need them all."""
    return {path: read_page(path) for path in html_pages(site)}


def broken_links(site: Path, pages: dict[Path, Page] | None = None) -> list[str]:
    """Every link between the site's pages (read_pages, unless given) whose target file, or the
    element its #fragment names, does not exist."""
    pages = read_pages(site) if pages is None else pages
    broken = []
    for path, page in pages.items():
        if path.name == "404.html":  # links from the server root (/): see html_pages
            continue
        for href in page.hrefs:
            parts = urlsplit(href)
            if parts.scheme or href.startswith("//"):
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if not target.exists():
                broken.append(f"{path.relative_to(site)} -> {href}")
            elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in pages[target].ids:
                broken.append(f"{path.relative_to(site)} -> {href} (no such id)")
    return broken


def claims_by_source(root: Path) -> dict[str, set[str]]:
    """The data-ann value of every mention and figure of the built tables under root, by source:
    what each source page highlights (besides its citations)."""
    claims = {sid: set() for sid in pq.read_table(root / "build" / "data" / "sources.parquet").column("source_id").to_pylist()}
    for table in ("mentions", "figures"):
        kind = table.removesuffix("s")
        rows = pq.read_table(root / "build" / "data" / f"{table}.parquet", columns=["source_id", f"{kind}_id"]).to_pylist()
        for row in rows:
            claims[row["source_id"]].add(f"{kind}:{row[f'{kind}_id']}")
    return claims
