"""Rules every value of an annotation file meets, whatever its field: checked on the parsed
document before the JSON Schema check, by one walk (no recursion).

- nesting: at most MAX_DEPTH mappings and lists inside each other (load.py also checks this
  on the YAML events, before PyYAML builds a node: a value nested 100,000 deep must give a
  message, not a RecursionError);
- numbers: finite (no .nan, .inf), and integers within +-2**53, so that every number is
  exactly a float64 of the tables;
- strings: at most MAX_STRING characters; no control characters (Unicode Cc) and no lone
  surrogates, except a line feed (U+000A) and a tab (U+0009) in free text, where an article
  passage quoted verbatim may hold them (a carriage return never: YAML reads it as a line
  break);
- free text is a field whose Table Schema column has no pattern, no vocabulary and no date
  format (notes, quotes, translations, names, summaries): an id, a date or a vocabulary
  value never spans lines.

Mapping keys are checked as the YAML is read (records.py: a key must be a string). Which
numbers are integers is the schema's business (load.py checks `integer` strictly: 2.0 is
not an integer there).
"""
from __future__ import annotations

import math
import re
import unicodedata
from functools import cache

from scripts.metadata import load_tables
from scripts.pipeline.records import Record

MAX_DEPTH = 10            # the format needs 3: a file, its lists, their records
MAX_STRING = 10_000       # characters; a quote is the shortest passage that carries a claim
MAX_INTEGER = 2**53       # larger integers are not exact as float64
SECTIONS = {"source": "sources"}  # top-level keys whose records are rows of another table's name


@cache
def free_text() -> dict[str, frozenset[str]]:
    """Per table, the string columns that hold free text (may contain line breaks)."""
    out = {}
    for name, table in load_tables().items():
        out[name] = frozenset(
            f["name"] for f in table.fields
            if f.get("type") == "string" and "categories" not in f and "x-format" not in f and "format" not in f
            and "pattern" not in f.get("constraints", {}) and "x-derived" not in f)
    return out


_CONTROL_NAMES = {"\0": "NUL", "\b": "BACKSPACE", "\t": "TAB", "\x0b": "LINE TABULATION", "\x0c": "FORM FEED",
                  "\r": "CARRIAGE RETURN", "\x1b": "ESCAPE", "\x7f": "DELETE", "\x85": "NEXT LINE"}


def _char(ch: str) -> str:
    return f"U+{ord(ch):04X} ({_CONTROL_NAMES.get(ch) or unicodedata.name(ch, 'a control character')})"


# Unicode's control characters (category Cc: U+0000-001F, U+007F-009F) and lone surrogates.
_BAD = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_BAD_IN_FREE_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def _string_problem(text: str, free: bool) -> tuple[str, str] | None:
    if len(text) > MAX_STRING:
        return (f"is {len(text):,} characters long; strings are limited to {MAX_STRING:,}",
                "a quote is the shortest passage that carries the claim; shorten notes")
    found = (_BAD_IN_FREE_TEXT if free else _BAD).search(text)
    if found is None:
        return None
    ch = found.group()
    if ch in "\t\n":
        return (f"contains a {'line break' if ch == chr(10) else 'tab'}; only free text (notes, quotes, names) may",
                "write it on one line, with spaces")
    if "\ud800" <= ch <= "\udfff":
        return (f"contains U+{ord(ch):04X}, half of a surrogate pair, which is not a character",
                "write the character itself instead of a \\u escape")
    return f"contains the control character {_char(ch)}", "remove it (it is invisible in most editors)"


def _number_problem(value) -> tuple[str, str] | None:
    if isinstance(value, float) and not math.isfinite(value):
        return f"{value} is not a finite number", "write the number itself (.nan and .inf are not numbers of the data)"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INTEGER:
        return f"{value} is too large; numbers are limited to {MAX_INTEGER:,}", ""
    return None


def _may_break_a_rule(node, depth: int = 1) -> bool:
    """False when no value under the mapping or list node can break a rule above: the common
    case, decided without the JSON paths and lines a report needs (the full walk costs about a
    quarter of reading a file). Cautious: a tab or line break in any string, allowed in free text
    only, leaves the decision to the full walk."""
    if depth > MAX_DEPTH:
        return True
    for value in node.values() if isinstance(node, dict) else node:
        if isinstance(value, str):
            if len(value) > MAX_STRING or _BAD.search(value):
                return True
        elif isinstance(value, (dict, list)):
            if _may_break_a_rule(value, depth + 1):
                return True
        elif _number_problem(value):
            return True
    return False


def check_values(doc: Record, kind: str) -> list[tuple[tuple, int, str, str]]:
    """(JSON path, line, message, hint) of every value that breaks a rule above (load.py
    names the path as the curator reads it, and leaves those paths out of the schema check:
    one message per problem)."""
    if isinstance(doc, (dict, list)) and not _may_break_a_rule(doc):
        return []
    return _every_problem(doc, kind)


def _every_problem(doc, kind: str) -> list[tuple[tuple, int, str, str]]:
    """check_values' walk over every value, with its path and line."""
    found = []
    texts = free_text()
    catalogue = kind.removesuffix("_file") if kind != "source_file" else None
    # (node, its JSON path, table of its records, line of the key that holds it, depth)
    stack = [(doc, (), catalogue, doc.line if isinstance(doc, Record) else 1, 1)]
    while stack:
        node, path, table, line, depth = stack.pop()
        if isinstance(node, (Record, list)) and depth > MAX_DEPTH:
            found.append((path, line, f"values nest more than {MAX_DEPTH} levels deep",
                          "an annotation file is lists of records of plain values"))
            continue
        if isinstance(node, Record):
            for key, value in node.items():
                sub = table if path else (catalogue or SECTIONS.get(key, key))
                stack.append((value, (*path, key), sub, node.line_of(key), depth + 1))
            continue
        if isinstance(node, list):
            for i, value in enumerate(node):
                stack.append((value, (*path, i), table, value.line if isinstance(value, Record) else line, depth + 1))
            continue
        field = path[-1] if path else ""
        problem = _string_problem(node, field in texts.get(table, ())) if isinstance(node, str) else _number_problem(node)
        if problem:
            found.append((path, line, *problem))
    return sorted(found, key=lambda f: f[1])
