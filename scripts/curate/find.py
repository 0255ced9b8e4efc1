"""Curators' look-ups: where a quote sits in an article (`locate`), and which catalogued
place, actor, event or source a word names (`ids`).

Both read the annotation files and articles as they are now (no build needed). `locate`
matches exact code points, as the build does, and counts occurrences the way `occurrence:`
does: every start offset of the quote, overlapping ones included, even inside a longer
word (العراق occurs inside العراقية). `ids` matches ids, English and Arabic names after the
one Arabic normaliser (scripts/arabic.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scripts import arabic
from scripts.errors import Collector, DataError
from scripts.pipeline.generation import read_file
from scripts.pipeline.load import annotation_files, parse_yaml
from scripts.pipeline.locate import Article, explain_miss, find_all

CONTEXT = 40  # characters shown on each side of a match


@dataclass(frozen=True)
class Match:
    occurrence: int
    start: int
    end: int
    line: int
    before: str
    text: str
    after: str
    inside_word: bool   # the match begins or ends inside a longer word


def read_text(root: Path, rel: str) -> str:
    data = read_file(Path(root) / rel, rel)  # a regular file (a FIFO must not hang locate), or a message
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise DataError([_problem(rel, f"not valid UTF-8 at byte {e.start}")]) from None


def quote_matches(text: str, quote: str) -> list[Match]:
    """Every occurrence of `quote` in `text`, numbered as `occurrence:` counts them."""
    found = []
    for n, start in enumerate(find_all(text, quote), 1):
        end = start + len(quote)
        inside = (start > 0 and text[start - 1].isalnum()) or (end < len(text) and text[end].isalnum())
        found.append(Match(n, start, end, text.count("\n", 0, start) + 1, text[max(0, start - CONTEXT):start],
                           text[start:end], text[end:end + CONTEXT], inside))
    return found


def locate_report(root: Path, article: str, quote: str) -> tuple[str, bool]:
    """What `locate` prints, and whether the quote was found."""
    text = read_text(root, article)
    found = quote_matches(text, quote)
    if not found:
        message, hint = explain_miss(Article(article, text, ""), quote)
        return f"{message}\n    hint: {hint}", False
    lines = [f"{len(found)} occurrence{'s' if len(found) != 1 else ''} in {article}"
             + ("" if len(found) == 1 else "; say which with `occurrence: N`")]
    for m in found:
        where = f"occurrence {m.occurrence}: chars {m.start}-{m.end}, line {m.line}"
        note = "  (inside a longer word)" if m.inside_word else ""
        lines.append(f"  {where}{note}\n    …{_one_line(m.before)}[{_one_line(m.text)}]{_one_line(m.after)}…")
    if len(found) == 1:
        lines.append("  unique: no `occurrence` needed")
    return "\n".join(lines), True


def _one_line(text: str) -> str:
    return text.replace("\n", " ⏎ ")


# ---------------------------------------------------------------------------- ids

SEARCHED = {  # table: (id field, the fields a curator knows it by)
    "places": ("place_id", ("name_en", "name_ar")),
    "actors": ("actor_id", ("name_en", "name_ar", "title_en")),
    "events": ("event_id", ("summary_en", "summary_ar")),
    "sources": ("source_id", ("outlet_en", "outlet_ar", "title_en", "title_ar")),
}


@dataclass(frozen=True)
class Entry:
    table: str
    ident: str
    names: dict
    path: str
    line: int


def catalogue(root: Path) -> list[Entry]:
    """Every place, actor, event and source as the annotation files hold them now. Files are
    only parsed, not checked against the schema: a curator looks ids up while an entry is
    still half written."""
    jobs, problems = annotation_files(root)
    entries = []
    for path, display, kind in jobs:
        doc = parse_yaml(path, display, problems)
        if not isinstance(doc, dict):
            continue
        table = "sources" if kind == "source_file" else Path(display).stem  # places.yaml holds `places:`
        records = [doc.get("source")] if kind == "source_file" else doc.get(table) or []
        records = records if isinstance(records, list) else []
        id_field, fields = SEARCHED[table]
        for record in records:
            if isinstance(record, dict) and isinstance(record.get(id_field), str):
                entries.append(Entry(table, record[id_field], {f: record[f] for f in fields if record.get(f)},
                                     display, record.line))
    problems.raise_if_any()
    return entries


def search(entries: list[Entry], query: str) -> list[tuple[int, Entry]]:
    """Entries whose id or a name matches `query`, best first: exact id, id part, name words."""
    q = query.strip().casefold()
    ranked = []
    for entry in entries:
        if entry.ident == q:
            rank = 0
        elif q and q in entry.ident:
            rank = 1
        elif any(arabic.matches(query, str(v)) for v in entry.names.values()):
            rank = 2
        else:
            continue
        ranked.append((rank, entry))
    return sorted(ranked, key=lambda r: (r[0], r[1].table, r[1].ident))


def duplicate_arabic_names(entries: list[Entry]) -> list[list[Entry]]:
    """Groups of places or actors whose Arabic names are the same once normalised."""
    groups: dict[tuple[str, str], list[Entry]] = {}
    for entry in entries:
        name = entry.names.get("name_ar")
        if entry.table in ("places", "actors") and name:
            groups.setdefault((entry.table, " ".join(arabic.words(name))), []).append(entry)
    return [group for group in groups.values() if len(group) > 1]


def ids_report(root: Path, query: str, limit: int = 30) -> tuple[str, bool]:
    entries = catalogue(root)
    found = search(entries, query)
    lines = [f"{len(found)} match{'es' if len(found) != 1 else ''} for {query!r}"
             + (f" (the first {limit} shown)" if len(found) > limit else "")]
    for _, e in found[:limit]:
        names = "; ".join(f"{k}: {v}" for k, v in e.names.items())
        lines.append(f"  {e.table[:-1]} {e.ident}  ({e.path}:{e.line})\n    {names}")
    for group in duplicate_arabic_names(entries):
        if any(e in [f for _, f in found] for e in group):
            lines.append("warning: these share an Arabic name once normalised; is one a duplicate? "
                         + ", ".join(f"{e.ident} ({e.path}:{e.line})" for e in group))
    return "\n".join(lines), bool(found)


def _problem(path: str, message: str):
    problems = Collector()
    problems.add(path, 1, message)
    return problems.problems[0]
