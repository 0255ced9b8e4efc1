"""Arrow 2, locate: every quote -> (char_start, char_end) in its article.

Offsets are Unicode code points into the article decoded as UTF-8; nothing is normalised.
Runs per source file (scripts/pipeline.py): each article is read once, by the worker that
handles its annotation file, and all its quotes are found in one pass (Aho-Corasick).
A quote that is not found gets the closest passage and the characters that differ; a
quote found more than once needs `occurrence`.
"""
from __future__ import annotations

import difflib
import hashlib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import ahocorasick

from scripts.errors import Collector
from scripts.pipeline.records import Record

# Characters a curator's copy most often differs by. Used only to explain a miss,
# never to match: the article and the quote are compared on exact code points.
_FOLD = {"\u06cc": "\u064a", "\u06a9": "\u0643", "\u0649": "\u064a", "\u0623": "\u0627", "\u0625": "\u0627",
         "\u0622": "\u0627", "\u0640": "", "\u200c": "", "\u200d": "", "\u200f": "", "\u200e": ""}
_HARAKAT = {chr(c) for c in range(0x064B, 0x0653)}


@dataclass(frozen=True)
class Article:
    path: str
    text: str
    sha256: str


def quoted_records(doc: Record) -> list[Record]:
    """Records of a source file that carry a quote (citations, mentions, figures, names)."""
    return [record for section in doc.values() if isinstance(section, list)
            for record in section if isinstance(record, Record) and "quote" in record]


def read_article(root: Path, rel: str, record: Record, problems: Collector) -> Article | None:
    path = Path(root) / rel
    if not path.is_file():
        problems.add(record.path, record.line_of("article_path"), f"article file {rel} does not exist",
                     "article_path is relative to the project root, e.g. articles/004_885af484abd95487.txt")
        return None
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != record.get("article_sha256"):
        problems.add(record.path, record.line_of("article_sha256"),
                     f"article_sha256 does not match {rel} (file has {digest})",
                     "the article changed or the checksum was mistyped; articles are never edited")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        problems.add(record.path, record.line_of("article_path"), f"{rel} is not valid UTF-8 at byte {e.start}")
        return None
    return Article(rel, text, digest)


def find_all(text: str, quote: str) -> list[int]:
    """Every start offset of quote in text, overlapping matches included."""
    return occurrences(text, [quote])[quote]


def occurrences(text: str, quotes: list[str]) -> dict[str, list[int]]:
    """Every start offset of every quote in text, overlapping matches included, in one pass
    over the text: an Aho-Corasick automaton of the quotes, so the cost grows with the
    article plus the matches, not with the article times the number of quotes."""
    found = {quote: [] for quote in quotes}
    automaton = ahocorasick.Automaton()
    for quote in found:
        if quote:
            automaton.add_word(quote, quote)
    if len(automaton):
        automaton.make_automaton()
        for end, quote in automaton.iter(text):
            found[quote].append(end - len(quote) + 1)
    return found


def locate(doc: Record, root: Path, problems: Collector) -> tuple[Article | None, dict[int, tuple[int, int]]]:
    """The article of one source file, and the (start, end) of each quote by id() of its record
    (not by line: flow-style YAML can put two records on one line)."""
    source = doc["source"]
    article = read_article(root, source["article_path"], source, problems)
    spans = {}
    if article is not None:
        records = quoted_records(doc)
        found = occurrences(article.text, [r["quote"] for r in records if isinstance(r["quote"], str)])
        for record in records:
            quote = record["quote"]
            starts = found.get(quote)
            if starts is not None and len(starts) == 1 and "occurrence" not in record and not quote.isspace():
                spans[id(record)] = (starts[0], starts[0] + len(quote))  # found once: what locate_quote gives
                continue
            span = locate_quote(article, record, problems, starts)
            if span:
                spans[id(record)] = span
    return article, spans


def locate_quote(article: Article, record: Record, problems: Collector, starts: list[int] | None = None):
    """(start, end) of the record's quote; `starts`: its occurrences, if already found."""
    quote = record["quote"]
    line = record.line_of("quote")
    if not quote.strip():
        problems.add(record.path, line, "quote is empty", "copy the passage that carries the claim from the article")
        return None
    starts = find_all(article.text, quote) if starts is None else starts
    occurrence = record.get("occurrence")
    if not starts:
        message, hint = explain_miss(article, quote)
        problems.add(record.path, line, message, hint)
        return None
    if occurrence is None and len(starts) > 1:
        problems.add(record.path, line, f"quote occurs {len(starts)} times in {article.path} (at chars "
                     f"{', '.join(map(str, starts))})", f"add 'occurrence: N' (1 to {len(starts)}) to say which one is meant")
        return None
    if occurrence is not None and occurrence > len(starts):
        problems.add(record.path, record.line_of("occurrence"),
                     f"occurrence {occurrence} asked for, but the quote occurs only {len(starts)} time(s) in {article.path}",
                     f"use a number from 1 to {len(starts)}")
        return None
    start = starts[(occurrence or 1) - 1]
    return start, start + len(quote)


def _fold(text: str):
    """Folded text and, for each folded character, its offset in the original."""
    out, where = [], []
    previous_space = False
    for i, ch in enumerate(text):
        ch = _FOLD.get(ch, ch)
        if ch in _HARAKAT or ch == "":
            continue
        if ch.isspace():
            if previous_space:
                continue
            ch, previous_space = " ", True
        else:
            previous_space = False
        out.append(ch)
        where.append(i)
    return "".join(out), where


def _describe(ch: str) -> str:
    if not ch:
        return "nothing"
    return ", ".join(f"'{c}' (U+{ord(c):04X} {unicodedata.name(c, 'UNNAMED')})" for c in ch)


def differences(quote: str, passage: str, limit: int = 4) -> list[str]:
    ops = difflib.SequenceMatcher(None, quote, passage, autojunk=False).get_opcodes()
    diffs = [f"quote has {_describe(quote[a:b])} where the article has {_describe(passage[c:d])}"
             for tag, a, b, c, d in ops if tag != "equal"]
    return diffs[:limit] + ([f"... and {len(diffs) - limit} more"] if len(diffs) > limit else [])


def explain_miss(article: Article, quote: str) -> tuple[str, str]:
    """Message and hint for a quote that is not in the article."""
    folded_text, where = _fold(article.text)
    folded_quote, _ = _fold(quote)
    at = folded_text.find(folded_quote) if folded_quote else -1
    if at != -1:
        start, end = where[at], where[at + len(folded_quote) - 1] + 1
        passage = article.text[start:end]
        return (f"quote not found exactly in {article.path}; a near match is at chars {start}-{end}: «{passage}»",
                "; ".join(differences(quote, passage)) + " - copy the passage from the article file")
    matcher = difflib.SequenceMatcher(None, folded_text, folded_quote, autojunk=False)
    block = matcher.find_longest_match(0, len(folded_text), 0, len(folded_quote))
    lo = max(0, block.a - block.b)
    hi = min(len(folded_text), lo + len(folded_quote))
    if block.size < 3 or hi <= lo:
        return f"quote not found in {article.path}, nor anything like it", "check that the quote belongs to this article"
    start, end = where[lo], where[hi - 1] + 1
    passage = article.text[start:end]
    ratio = difflib.SequenceMatcher(None, quote, passage, autojunk=False).ratio()
    return (f"quote not found in {article.path}; closest passage ({ratio:.0%} similar) at chars {start}-{end}: «{passage}»",
            "; ".join(differences(quote, passage, limit=3)))
