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

from scripts.arabic import fold_char
from scripts.errors import Collector
from scripts.pipeline.inputs import InputProblem, read_input
from scripts.pipeline.records import Record


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
    """The article a source names: a regular file inside articles/ (inputs.py), checked
    before a byte of it is read."""
    try:
        data = read_input(root, rel, "articles")
    except InputProblem as e:
        problems.add(record.path, record.line_of("article_path"), f"article file {e}",
                     e.hint or "article_path is relative to the project root, e.g. articles/004_885af484abd95487.txt")
        return None
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


def line_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line of an article: lines end at a newline, and the empty "line"
    after a final newline is not one. The site numbers lines the same way (site/article.py)."""
    bounds, start = [], 0
    lines = text.split("\n")
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    for line in lines:
        bounds.append((start, start + len(line)))
        start += len(line) + 1
    return bounds


def furniture_numbers(value: str) -> list[int]:
    """The line numbers of a furniture_lines value ("1,3,35-49"; its form is checked by the
    annotation schema), or ValueError if its ranges do not ascend."""
    numbers: list[int] = []
    for part in value.split(","):
        first, _, last = part.partition("-")
        low, high = int(first), int(last or first)
        if high < low or (numbers and low <= numbers[-1]):
            raise ValueError(f"'{part}' does not follow the lines before it in ascending order")
        numbers.extend(range(low, high + 1))
    return numbers


def check_furniture(doc: Record, article: Article, spans: dict[int, tuple[int, int]], problems: Collector):
    """furniture_lines name lines of the article, and no claim (mention, figure) is quoted from them:
    page furniture is not content. Names and citations may point into it (a breadcrumb names the outlet)."""
    source = doc["source"]
    line = source.line_of("furniture_lines")
    try:
        numbers = furniture_numbers(source["furniture_lines"])
    except ValueError as e:
        problems.add(source.path, line, f"furniture_lines: {e}", "write line numbers and ranges in order, e.g. \"1,3,35-49\"")
        return
    bounds = line_bounds(article.text)
    beyond = [n for n in numbers if n > len(bounds)]
    if beyond:
        problems.add(source.path, line, f"furniture_lines: line {beyond[0]} is past the end of {article.path} "
                     f"({len(bounds)} lines)")
        return
    furniture = [bounds[n - 1] for n in numbers]
    for section in ("mentions", "figures"):
        for record in doc.get(section) or []:
            span = spans.get(id(record))
            hit = span and next((n for n, (a, b) in zip(numbers, furniture) if span[0] <= b and a < span[1]), None)
            if hit:
                problems.add(record.path, record.line_of("quote"), f"the quote lies in line {hit}, which furniture_lines "
                             "marks as page furniture: a claim is quoted from the article's text",
                             "quote the claim where the article's text states it, or correct furniture_lines")


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
        if isinstance(source.get("furniture_lines"), str):
            check_furniture(doc, article, spans, problems)
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
        shown = ", ".join(map(str, starts[:10])) + (", ..." if len(starts) > 10 else "")
        problems.add(record.path, line, f"quote occurs {len(starts)} times in {article.path} (at chars {shown})",
                     f"add 'occurrence: N' (1 to {len(starts)}) to say which one is meant")
        return None
    if occurrence is not None and occurrence > len(starts):
        problems.add(record.path, record.line_of("occurrence"),
                     f"occurrence {occurrence} asked for, but the quote occurs only {len(starts)} time(s) in {article.path}",
                     f"use a number from 1 to {len(starts)}")
        return None
    start = starts[(occurrence or 1) - 1]
    return start, start + len(quote)


def _fold(text: str):
    """Folded text (scripts/arabic.py, spaces collapsed) and, for each folded character, its
    offset in the original. Used only to explain a miss, never to match: the article and the
    quote are compared on exact code points."""
    out, where = [], []
    previous_space = False
    for i, ch in enumerate(text):
        ch = fold_char(ch)
        if ch == "":
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


# difflib compares in quadratic time: a quote is explained from at most this many characters
# (a 10,000-character miss took minutes), and a message shows at most EXCERPT of a passage.
EXPLAIN_CHARS = 300
EXCERPT = 120


def visible(text: str) -> str:
    """Control characters as escapes (a line break as \\n), so that a message stays on its line."""
    return "".join(repr(c)[1:-1] if unicodedata.category(c) == "Cc" else c for c in text)


def excerpt(text: str) -> str:
    """A passage as a message shows it: whole when short, else its start and end."""
    if len(text) <= EXCERPT:
        return visible(text)
    half = EXCERPT // 2
    return f"{visible(text[:half])} … {visible(text[-half:])} ({len(text):,} characters)"


def _describe(ch: str, most: int = 5) -> str:
    if not ch:
        return "nothing"
    shown = ", ".join(f"'{visible(c)}' (U+{ord(c):04X} {unicodedata.name(c, 'a control character')})" for c in ch[:most])
    return shown + (f" and {len(ch) - most} more characters" if len(ch) > most else "")


def differences(quote: str, passage: str, limit: int = 4) -> list[str]:
    """What differs between a quote and a passage: the common start and end are skipped
    (cheaply), and at most EXPLAIN_CHARS of what is left is compared."""
    head = 0
    while head < min(len(quote), len(passage)) and quote[head] == passage[head]:
        head += 1
    tail = 0
    while tail < min(len(quote), len(passage)) - head and quote[-1 - tail] == passage[-1 - tail]:
        tail += 1
    q, p = quote[head:len(quote) - tail], passage[head:len(passage) - tail]
    cut = max(len(q), len(p)) > EXPLAIN_CHARS
    ops = difflib.SequenceMatcher(None, q[:EXPLAIN_CHARS], p[:EXPLAIN_CHARS], autojunk=False).get_opcodes()
    diffs = [f"quote has {_describe(q[a:b])} where the article has {_describe(p[c:d])}"
             for tag, a, b, c, d in ops if tag != "equal"]
    more = [f"... and {len(diffs) - limit} more"] if len(diffs) > limit else []
    return diffs[:limit] + more + ([f"(only {EXPLAIN_CHARS} characters compared)"] if cut else [])


def explain_miss(article: Article, quote: str) -> tuple[str, str]:
    """Message and hint for a quote that is not in the article."""
    folded_text, where = _fold(article.text)
    folded_quote, _ = _fold(quote)
    at = folded_text.find(folded_quote) if folded_quote else -1
    if at != -1:
        start, end = where[at], where[at + len(folded_quote) - 1] + 1
        passage = article.text[start:end]
        return (f"quote not found exactly in {article.path}; a near match is at chars {start}-{end}: «{excerpt(passage)}»",
                "; ".join(differences(quote, passage)) + " - copy the passage from the article file")
    # The closest passage to the start of the quote (a long quote is placed by its first characters).
    head = folded_quote[:EXPLAIN_CHARS]
    matcher = difflib.SequenceMatcher(None, folded_text, head, autojunk=False)
    block = matcher.find_longest_match(0, len(folded_text), 0, len(head))
    lo = max(0, block.a - block.b)
    hi = min(len(folded_text), lo + len(folded_quote))
    if block.size < 3 or hi <= lo:
        return f"quote not found in {article.path}, nor anything like it", "check that the quote belongs to this article"
    start, end = where[lo], where[hi - 1] + 1
    passage = article.text[start:end]
    ratio = difflib.SequenceMatcher(None, quote[:EXPLAIN_CHARS], passage[:EXPLAIN_CHARS], autojunk=False).ratio()
    return (f"quote not found in {article.path}; closest passage ({ratio:.0%} similar) at chars {start}-{end}: «{excerpt(passage)}»",
            "; ".join(differences(quote, passage, limit=3)))
