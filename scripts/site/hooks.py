"""MkDocs hooks (mkdocs.yml `hooks:`), run inside `mkdocs build`.

on_page_content: generated pages keep their HTML blocks in <page>.blocks.json beside the
Markdown (see build.write_sources); they are put back here, after Markdown has run. Every
run of Arabic text that is not already inside an element with
`lang="ar"` (hand-written pages quote Arabic inline) is wrapped in
`<span dir="rtl" lang="ar">`, so Arabic is always isolated and right-to-left. Only text
between tags is touched, never attributes, scripts or styles.

on_post_build: opened from disk (file://), Material for MkDocs asks for
search/search_index.js instead of the JSON index; without it every page logs a failed
request. Material's `offline` plugin writes that file but also adds a polyfill script from
unpkg.com, which would fetch from the internet, so we write the file ourselves. (Search
itself still needs the site served over http: browsers do not run the search worker from
file://.)
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from scripts.site.html import ARABIC_RUN

TAG = re.compile(r"(<!--.*?-->|<[^>]*>)", re.S)
TAG_NAME = re.compile(r"</?\s*([a-zA-Z][a-zA-Z0-9-]*)")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
RAW = {"script", "style", "textarea"}


def wrap_arabic(html: str) -> str:
    """Wrap Arabic runs of text nodes outside any lang="ar" element (and outside script/style)."""
    out, stack = [], []
    for piece in TAG.split(html):
        if piece.startswith("<"):
            out.append(piece)
            _track(piece, stack)
        elif piece and not any(arabic or name in RAW for name, arabic in stack):
            out.append(ARABIC_RUN.sub(lambda m: f'<span dir="rtl" lang="ar">{m.group(0)}</span>', piece))
        else:
            out.append(piece)
    return "".join(out)


def _track(tag: str, stack: list[tuple[str, bool]]):
    match = TAG_NAME.match(tag)
    if not match or tag.startswith("<!"):
        return
    name = match.group(1).lower()
    if tag.startswith("</"):
        for i in range(len(stack) - 1, -1, -1):
            if stack[i][0] == name:
                del stack[i:]
                break
    elif name not in VOID and not tag.endswith("/>"):
        stack.append((name, re.search(r"""\slang\s*=\s*["']?ar\b""", tag) is not None))


PLACEHOLDER = re.compile(r'<div class="docs-block" data-block="(\d+)"></div>')


def on_page_content(html, page, **kwargs):
    """Wrap Arabic runs of the Markdown's HTML, then put the generated blocks back in."""
    html = wrap_arabic(html)
    path = Path(page.file.abs_src_path).with_suffix(".blocks.json")
    if path.is_file():
        blocks = json.loads(path.read_text(encoding="utf-8"))
        html = PLACEHOLDER.sub(lambda m: blocks[int(m.group(1))], html)
    return html


def on_post_build(config, **kwargs):
    index = Path(config.site_dir) / "search" / "search_index.json"
    if index.is_file():
        (index.parent / "search_index.js").write_text("var __index = " + index.read_text(encoding="utf-8"),
                                                      encoding="utf-8")
