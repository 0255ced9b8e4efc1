"""An article's text as HTML, one element per line, every annotated quote highlighted.

Quotes may nest or cross each other. The text is cut at every start and end offset; in
each piece the open elements are the lines and quotes that cover it, in a fixed order
(line first, then earlier start, longer span, kind, id). Between pieces only the elements
that differ are closed and reopened, so the HTML is always well nested: a quote that
crosses another (or a line break) is split into fragments. The first fragment carries the
quote's id (`q-<id>`); every fragment carries `data-ann="<kind>:<id>"`, so a quote counts
once however it is split. After a quote's last fragment a small reference (`M1`, `F1`,
`C1`) links to its row below the article. The writer emits tokens (open, close, text,
reference); templates/article.html turns them into HTML.

A character that is not text (a control character or a private-use code point, such as an
icon-font glyph captured with the page) would show as an empty box: it is shown as a small
marker with its code point (token "nontext") and explained above the article. The article
file and the offsets are untouched: the marker is only how the page shows that character.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from scripts.pipeline.locate import furniture_numbers, line_bounds
from scripts.site.html import fragment

KIND_ORDER = {"line": 0, "mention": 1, "figure": 2, "citation": 3}
# Controls other than tab and newline, and the private-use areas: no font draws them as text.
NONTEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ue000-\uf8ff\U000f0000-\U0010ffff]")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str            # line, mention, figure or citation
    ident: str           # row id (line: the line number)
    label: str = ""      # reference shown after the quote, e.g. M3
    title: str = ""      # tooltip: the English translation

    @property
    def key(self):
        return (self.kind != "line", self.start, -self.end, KIND_ORDER[self.kind], self.ident)


def line_spans(text: str) -> list[Span]:
    """One span per line, numbered as the build numbers them (locate.line_bounds)."""
    return [Span(start, end, "line", str(number)) for number, (start, end) in enumerate(line_bounds(text), start=1)]


def article_html(text: str, quotes: list[Span], furniture_lines: str | None = None):
    """The article as `<div class="article">` of line spans with nested <mark> highlights; the
    lines the curator marked as page furniture carry the class `furniture`."""
    writer = _Writer(text, line_spans(text), sorted(quotes, key=lambda s: s.key))
    furniture = {str(n) for n in furniture_numbers(furniture_lines)} if furniture_lines else set()
    return fragment("article.html", tokens=mark_nontext(writer.tokens()), furniture=furniture)


def nontext(text: str) -> list[str]:
    """The code points (U+XXXX) of the characters of `text` that are not text, in order, once each."""
    return list(dict.fromkeys(code_point(ch) for ch in NONTEXT.findall(text)))


def code_point(ch: str) -> str:
    return f"U+{ord(ch):04X}"


def mark_nontext(tokens: list[tuple[str, Span | str]]) -> list[tuple[str, Span | str]]:
    """Text tokens cut around each character that is not text, which becomes a "nontext" token."""
    out: list[tuple[str, Span | str]] = []
    for kind, value in tokens:
        if kind != "text" or not NONTEXT.search(value):
            out.append((kind, value))
            continue
        last = 0
        for match in NONTEXT.finditer(value):
            if match.start() > last:
                out.append(("text", value[last:match.start()]))
            out.append(("nontext", code_point(match.group(0))))
            last = match.end()
        if last < len(value):
            out.append(("text", value[last:]))
    return out


class _Writer:
    def __init__(self, text: str, lines: list[Span], quotes: list[Span]):
        self.text, self.lines, self.quotes = text, lines, quotes
        self.spans = lines + quotes
        self.out: list[tuple[str, Span | str]] = []   # (what, span or text), see article.html
        self.stack: list[Span] = []
        self.started: set[Span] = set()
        self.referenced: set[Span] = set()
        self.pending: list[Span] = []     # ended where no element was open (at a line break)
        self.ends_at: dict[int, list[Span]] = {}
        self.starts_at: dict[int, list[Span]] = {}
        self.blank_lines: dict[int, list[Span]] = {}
        for span in quotes:
            self.ends_at.setdefault(span.end, []).append(span)
        for span in self.spans:
            if span.start == span.end:
                self.blank_lines.setdefault(span.start, []).append(span)
            else:
                self.starts_at.setdefault(span.start, []).append(span)
        self.alive: set[Span] = set()     # spans covering the current piece of text

    def tokens(self) -> list[tuple[str, Span | str]]:
        cuts = sorted({0, len(self.text)} | {s.start for s in self.spans} | {s.end for s in self.spans})
        for i, cut in enumerate(cuts):
            after = cuts[i + 1] if i + 1 < len(cuts) else None
            active = self._active(cut, after)
            self._move_to(active, cut)
            self.pending += [s for s in self.ends_at.get(cut, []) if s not in self.referenced]
            if not active:
                self.out.extend(("blank", s) for s in self.blank_lines.get(cut, []))
            else:
                self._flush_references()
                self.out.append(("text", self.text[cut:after]))
        self._flush_references()
        return self.out

    def _active(self, cut: int, after: int | None) -> list[Span]:
        self.alive = {s for s in self.alive if s.end > cut} | set(self.starts_at.get(cut, []))
        if after is None:
            return []
        active = list(self.alive)
        # The newline between two lines belongs to no line: nothing is open over it.
        return sorted(active, key=lambda s: s.key) if any(s.kind == "line" for s in active) else []

    def _move_to(self, active: list[Span], cut: int):
        keep = 0
        while keep < min(len(active), len(self.stack)) and active[keep] == self.stack[keep]:
            keep += 1
        while len(self.stack) > keep:
            span = self.stack.pop()
            self.out.append(("end line" if span.kind == "line" else "end mark", span))
            if span.kind != "line" and span.end <= cut:
                self._reference(span)
        for span in active[keep:]:
            self.out.append(self._open(span))
            self.stack.append(span)

    def _open(self, span: Span) -> tuple[str, Span]:
        if span.kind == "line":
            return "line", span
        first = span not in self.started  # only a quote's first fragment carries its id
        self.started.add(span)
        return ("first mark" if first else "mark"), span

    def _reference(self, span: Span):
        if span in self.referenced:
            return
        self.referenced.add(span)
        self.out.append(("ref", span))

    def _flush_references(self):
        """References of quotes that ended where no element was open (at a line break)."""
        for span in self.pending:
            if span in self.started:
                self._reference(span)
        self.pending = [s for s in self.pending if s not in self.referenced]

