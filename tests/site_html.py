"""The generated site's HTML read without a browser: what the tests need of one page (ids,
links, highlights, Arabic text outside a right-to-left element), and the internal links of a
whole site. Used by tests/integration/test_docs_build.py and tests/browser/test_site.py."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

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


def broken_links(site: Path) -> list[str]:
    """Every link between the site's pages whose target file, or the element its #fragment
    names, does not exist."""
    pages = {p: Page(p.read_text(encoding="utf-8")) for p in html_pages(site)}
    broken = []
    for path in html_pages(site, with_404=False):
        for href in pages[path].hrefs:
            parts = urlsplit(href)
            if parts.scheme or href.startswith("//"):
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if not target.exists():
                broken.append(f"{path.relative_to(site)} -> {href}")
            elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in pages[target].ids:
                broken.append(f"{path.relative_to(site)} -> {href} (no such id)")
    return broken
