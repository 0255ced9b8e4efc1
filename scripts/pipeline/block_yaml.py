"""A line reader for the block-YAML subset the annotation files use: block mappings and
sequences with one-line scalars. It gives exactly what PyYAML with the records loader gives,
several times faster; anything it is not sure of (flow style, anchors, tags, block
scalars, a duplicate key, odd line breaks) makes it give up, and the file goes to PyYAML,
so every error message and every corner of YAML stays PyYAML's. Tests compare the two on
every real file and on thousands of damaged ones (tests/unit/test_load.py)."""
from __future__ import annotations

import re
from functools import lru_cache
from json.decoder import scanstring as _json_string

import yaml
from yaml.constructor import SafeConstructor

from scripts.pipeline.records import _Loader, new_record
from scripts.pipeline.values import MAX_DEPTH

# The part of a line before its first colon, when the line is `key: value` or `- key: value`
# (the value a one-line scalar, or empty when a nested block follows); anything the reader is
# not sure of raises _NotBlock. Lines are cut at the colon by str.partition and the few
# distinct heads (indent, dash, key) are looked up in _HEADS: cheaper than a regex per line.
_HEAD = re.compile(r"( *)(- +)?([A-Za-z_][A-Za-z0-9_]*)")
_HEADS: dict[str, tuple | None] = {}
# Tabs, line breaks other than \n (YAML 1.1 also breaks at \r, NEL, LS, PS), BOMs and every
# character PyYAML's reader refuses (Reader.NON_PRINTABLE): such files go to PyYAML for its
# message. One class of the characters allowed, which is searched several times faster than
# the two classes it replaces (tests/unit/test_load.py compares them on every code point).
_ODD = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_JSON_ESCAPE = re.compile(r'\\(?:[\\"/bfnrt]|u(?![dD][89abAB])[0-9a-fA-F]{4})')
_PLAIN_BAD_START = set("-?:,[]{}#&*!|>'\"%@`")
_LONE_QUOTE = re.compile(r"(?<!')'(?!')")
_STR = "tag:yaml.org,2002:str"
_resolver = _Loader("")            # only its resolve() is used: our resolvers, no timestamps
_constructor = SafeConstructor()


class _NotBlock(Exception):
    """The file uses YAML beyond the simple block subset: PyYAML reads it."""


@lru_cache(maxsize=4096)
def _string_key(key: str) -> bool:
    """Does PyYAML read this key as a string? (`null`, `true`, `yes`, `on`... it does not.)"""
    return _resolver.resolve(yaml.ScalarNode, key, (True, False)) == _STR


@lru_cache(maxsize=65536)
def _plain(value: str):
    """A plain (unquoted) scalar as PyYAML reads it: str, int, float, bool or None."""
    if value[0] in _PLAIN_BAD_START and not (value[0] == "-" and len(value) > 1 and value[1] != " "):
        raise _NotBlock
    if ": " in value or value.endswith(":") or " #" in value:
        raise _NotBlock
    tag = _resolver.resolve(yaml.ScalarNode, value, (True, False))
    if tag == _STR:
        return value
    return _constructor.construct_object(yaml.ScalarNode(tag, value), deep=True)


def _scalar(text: str):
    text = text.rstrip(" ")
    first = text[:1]
    if first == '"' and len(text) > 1 and text[-1] == '"' and '"' not in text[1:-1] and "\\" not in text:
        return text[1:-1]  # the common case: nothing escaped, nothing after the closing quote
    if first == '"':
        end = text.rfind('"')
        rest = text[end + 1:].strip()
        if end == 0 or (rest and not rest.startswith("#")):
            raise _NotBlock
        body = text[:end + 1]
        if "\\" in body and "\\" in _JSON_ESCAPE.sub("", body):
            raise _NotBlock  # escapes only YAML has (\x41, \_, ...), or surrogates
        try:  # a JSON string is a YAML double-quoted scalar (control characters were ruled out)
            value, at = _json_string(body, 1)
        except ValueError:
            raise _NotBlock from None
        if at != len(body):
            raise _NotBlock
        return value
    if first == "'":
        end = text.rfind("'")
        rest = text[end + 1:].strip()
        inner = text[1:end]
        if end == 0 or (rest and not rest.startswith("#")) or _LONE_QUOTE.search(inner.replace("''", "")):
            raise _NotBlock
        return inner.replace("''", "'")
    if " #" in text:
        text = text[:text.index(" #")].rstrip(" ")
    if text == "[]":
        return []
    return _plain(text)


def _read_block(text: str, path: str = ""):
    """The document as Records, exactly as PyYAML with _Loader reads it; None if the
    file needs PyYAML (see the module docstring)."""
    try:
        return _read_block_or_raise(text, path)
    except _NotBlock:
        return None


def _open_or_close(stack: list, pending, dash, indent: int, number: int, path: str):
    """Open or close blocks for a line that does not continue the current mapping.

    Returns (the mapping the line's key goes in, the indent of its keys), or
    (None, 0) for the first line of the document (the caller makes the root).
    """
    if dash:
        if pending is not None:  # the first item of the pending key's sequence
            parent, parent_key, parent_indent = pending
            if indent < parent_indent:
                raise _NotBlock
            parent[parent_key] = sequence = []
            stack.append([indent, sequence, "seq"])
        while stack and not (stack[-1][2] == "seq" and stack[-1][0] == indent) and stack[-1][0] >= indent:
            stack.pop()
        if not stack or stack[-1][2] != "seq" or stack[-1][0] != indent:
            raise _NotBlock
        record = new_record(number, path)
        stack[-1][1].append(record)
        stack.append([indent + len(dash), record, "map"])
        return record, indent + len(dash)
    if pending is not None:  # the first key of the pending key's mapping
        parent, parent_key, parent_indent = pending
        if indent <= parent_indent:
            raise _NotBlock  # `key:` with an empty value: PyYAML decides
        parent[parent_key] = record = new_record(number, path)
        stack.append([indent, record, "map"])
        return record, indent
    if not stack:
        if indent:
            raise _NotBlock
        return None, 0
    while stack and (stack[-1][0] > indent or (stack[-1][2] == "seq" and stack[-1][0] >= indent)):
        stack.pop()
    if not stack or stack[-1][2] != "map" or stack[-1][0] != indent:
        raise _NotBlock
    return stack[-1][1], indent


def _head(head: str):
    """(indent, dash, key) of a line's part before its colon, or None if it is not a key's."""
    found = _HEADS.get(head, False)
    if found is False:
        match = _HEAD.fullmatch(head)
        found = (len(match.group(1)), match.group(2) or "", match.group(3)) if match else None
        if len(_HEADS) > 4096:  # a bound for hostile input; real files have a few dozen heads
            _HEADS.clear()
        _HEADS[head] = found
    return found


def _read_block_or_raise(text: str, path: str):
    if text.startswith(("---", "%")) or _ODD.search(text):
        raise _NotBlock
    root = None
    stack: list[list] = []   # [indent of the keys, container, "map" | "seq"], innermost last
    pending = None           # (mapping, key, key indent): a `key:` whose block may follow
    current, current_indent = None, -1  # the innermost mapping (the top of the stack) and its keys' indent
    heads = _HEADS
    for number, line in enumerate(text.split("\n"), 1):
        head, colon, tail = line.partition(":")
        found = heads.get(head, False)
        if found is False:
            found = _head(head)
        if found is None or not colon or (tail and tail[0] != " "):
            stripped = line.lstrip(" ")
            if not stripped or stripped[0] == "#":
                continue  # blank line or comment
            raise _NotBlock
        indent, dash, key = found
        if not dash and pending is None and indent == current_indent:
            mapping = current  # the next key of the current mapping: most lines
        elif dash and pending is None and len(stack) > 1 and stack[-2][2] == "seq" and stack[-2][0] == indent \
                and stack[-1][0] >= indent:
            # the next item of the current sequence: _open_or_close would close the item's mapping and open one
            mapping = new_record(number, path)
            stack[-2][1].append(mapping)
            stack[-1] = [indent + len(dash), mapping, "map"]
            current, current_indent = mapping, indent + len(dash)
        else:
            mapping, _ = _open_or_close(stack, pending, dash, indent, number, path)
            pending = None
            if mapping is None:
                root = mapping = new_record(number, path)
                stack.append([0, root, "map"])
            current, current_indent = stack[-1][1], stack[-1][0]  # always a mapping after _open_or_close
        lines = mapping.key_lines
        if key in lines or not _string_key(key) or len(stack) > MAX_DEPTH:
            raise _NotBlock  # a duplicate or non-string key, or deep nesting: PyYAML's path reports it
        lines[key] = number
        if tail.startswith(' "') and tail.find('"', 2) == len(tail) - 1 > 1 and "\\" not in tail:
            mapping[key] = tail[2:-1]  # the common case: one space, a double-quoted string with nothing escaped
            continue
        value = tail.lstrip(" ")
        if not value or value[0] == "#":
            mapping[key] = None  # stays None (YAML null) unless a nested block follows
            pending = (mapping, key, indent + len(dash) if dash else indent)
        elif value[0] == '"' and value.find('"', 1) == len(value) - 1 > 0 and "\\" not in value:
            mapping[key] = value[1:-1]  # the common case: a double-quoted string with nothing escaped
        else:
            mapping[key] = _scalar(value)
    return root
