"""Checks of an annotation file's text that the YAML parser cannot make or reports at the
wrong line: line breaks that editors count differently, nesting too deep to build, and where
an unclosed quote, bracket or document marker really is."""
from __future__ import annotations

import re

import yaml

from scripts.errors import Collector
from scripts.pipeline.records import _Loader
from scripts.pipeline.values import MAX_DEPTH

# Line breaks YAML knows and most editors do not (or not alike): with them, YAML's line numbers
# would not be the editor's, and a break inside a quoted value would change the value.
_ODD_BREAK = re.compile("\r(?!\n)|[\x85\u2028\u2029]")
_BREAK_NAMES = {"\r": "a carriage return (CR) without a line feed", "\x85": "U+0085 NEXT LINE",
                "\u2028": "U+2028 LINE SEPARATOR", "\u2029": "U+2029 PARAGRAPH SEPARATOR"}
_NEST = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_UNNEST = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def odd_line_break(text: str, display: str, problems: Collector) -> bool:
    """Report the first line break other than LF and CRLF (with how many there are)."""
    found = _ODD_BREAK.search(text)
    if found is None:
        return False
    count = len(_ODD_BREAK.findall(text))
    more = f" ({count - 1} more in the file)" if count > 1 else ""
    problems.add(display, text.count("\n", 0, found.start()) + 1,
                 f"line ends with {_BREAK_NAMES[found.group()]}{more}",
                 "YAML counts it as a line break and most editors do not, so lines would be numbered differently: "
                 "save the file with LF (or CRLF) line endings")
    return True


def too_deep(text: str) -> int | None:
    """Line of the first mapping or list nested deeper than MAX_DEPTH, from the parser's
    events (no nodes built: PyYAML builds them recursively); None if none or unparseable."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, _NEST):
                depth += 1
                if depth > MAX_DEPTH:
                    return event.start_mark.line + 1
            elif isinstance(event, _UNNEST):
                depth -= 1
    except yaml.YAMLError:
        return None  # yaml.load below reports it
    return None


def unclosed_before(text: str, line: int) -> tuple[str, int] | None:
    """(what, its line) of a quoted value or a [ or { that spans lines and starts before
    `line`, where YAML found an error: a missing closing quote or bracket, which the parser
    only notices lines later. Annotation values are one-line scalars."""
    opened, found = [], None
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if token.start_mark.line + 1 >= line:
                break
            if (isinstance(token, yaml.ScalarToken) and token.style in ('"', "'")
                    and token.start_mark.line < token.end_mark.line and token.end_mark.line + 2 >= line):
                found = ("the quoted value", token.start_mark.line + 1)
            elif isinstance(token, (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken)):
                opened.append(("the [" if isinstance(token, yaml.FlowSequenceStartToken) else "the {", token.start_mark.line + 1))
            elif isinstance(token, (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)) and opened:
                opened.pop()
    except yaml.YAMLError as e:  # the scanner's own error: an unclosed quote running to the end
        if "quoted scalar" in (e.context or "") and e.context_mark is not None and e.context_mark.line + 1 < line:
            return "the quoted value", e.context_mark.line + 1
    if opened and opened[0][1] < line:
        return opened[0]
    return found


def document_marker_before(text: str, line: int) -> tuple[str, int] | None:
    """A document end (...) or directive (%) line before `line`: YAML reports it at the next token."""
    ends = [n for n, text_line in enumerate(text.split("\n")[:line - 1], 1) if text_line.startswith(("...", "%"))]
    return ("a document end (...) or directive (%) line: an annotation file is one YAML document", ends[-1]) if ends else None
