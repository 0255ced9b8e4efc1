"""MkDocs hooks (mkdocs.yml `hooks:`), run inside `mkdocs build`.

on_page_content: generated pages keep their HTML blocks in <page>.blocks.json beside the
Markdown (see build.write_sources); they are put back here, after Markdown has run. Every
run of Arabic text that is not already inside an element with
`lang="ar"` (hand-written pages quote Arabic inline) is wrapped in
`<span dir="rtl" lang="ar">`, so Arabic is always isolated and right-to-left. Only text
between tags is touched, never attributes, scripts or styles.

on_post_build: every entry of the search index gets a field `variants` (declared in
mkdocs.yml, not shown in results): the other spellings of its Arabic words, so that
"عين الاسد" and "عين الأسد", or أمريكي, أميركي and امريكي, find the same pages. A word's
spellings are the words of the whole site that scripts/arabic.py folds to the same form
(without a leading ال), with and without their ال, and the folded forms; the text shown in
results stays as written. Material's `offline` plugin (mkdocs.yml) then inlines the index into
search/search_index.js for file://, and search runs there through the iframe-worker shim
that the site serves itself (vendor/, from npm), so nothing is fetched from a CDN.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from scripts.arabic import ARABIC_LETTERS, ARABIC_RUN, fold, without_article

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


ARABIC_WORD = re.compile(f"(?:(?![،؛؟])[{ARABIC_LETTERS}])+")  # Arabic punctuation ends a word


def spelling_variants(docs: list[dict]) -> list[str]:
    """For each search entry, the other spellings of its Arabic words, space-separated and sorted.

    Two words are spellings of one another when scripts/arabic.py folds them, without a leading
    ال, to the same form; a word's spellings are every such word of the whole site, with and
    without its ال, and the folded forms themselves."""
    texts = [f"{d.get('title', '')} {d.get('text', '')}" for d in docs]
    per_doc = [set(ARABIC_WORD.findall(text)) for text in texts]
    spellings: dict[str, set[str]] = {}
    for found in per_doc:
        for word in found:
            folded = fold(word)
            key = without_article(folded)
            spellings.setdefault(key, {key}).update({word, without_article(word), folded})
    out = []
    for found in per_doc:
        extra = set().union(*(spellings[without_article(fold(word))] for word in found)) if found else set()
        out.append(" ".join(sorted(extra - found)))
    return out


def on_post_build(config, **kwargs):
    path = Path(config.site_dir) / "search" / "search_index.json"
    if not path.is_file():
        return
    index = json.loads(path.read_text(encoding="utf-8"))
    for doc, variants in zip(index["docs"], spelling_variants(index["docs"])):
        if variants:
            doc["variants"] = variants
    path.write_text(json.dumps(index, separators=(",", ":"), ensure_ascii=False), encoding="utf-8")
