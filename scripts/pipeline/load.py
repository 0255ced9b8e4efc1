"""Arrow 1, load: annotation YAML -> plain records that remember their file and line.

YAML is read safely: no tags beyond plain data, no aliases, no duplicate keys, keys that
are strings, a size limit, strict UTF-8 without a byte-order mark, line breaks that every
editor counts alike, a bounded nesting depth (checked on the YAML events, before a node is
built). Every value then meets the rules of values.py (finite numbers, bounded strings
without control characters) and each file its part of schemas/annotation.schema.json, with
`integer` meaning an integer (2.0 is not one). Every problem in every file is collected.

The unit is one file: scripts/pipeline/runner.py runs load -> locate -> tables per file,
over the available cores. Most files are read by the line reader of block_yaml.py, the
others by PyYAML with the loader of records.py; both give the same Records.
"""
from __future__ import annotations

import difflib
import json
from functools import cache, lru_cache
from pathlib import Path

import fastjsonschema
import jsonschema
import yaml
from jsonschema import Draft202012Validator

from scripts.errors import Collector
from scripts.metadata import annotation_schema
from scripts.pipeline.block_yaml import _read_block
from scripts.pipeline.inputs import InputProblem, read_input
from scripts.pipeline.listing import CATALOGUES, annotation_files, file_kind  # noqa: F401 - callers import them from here
from scripts.pipeline.records import Record, _AliasUsed, _DuplicateKey, _KeyNotString, _Loader
from scripts.pipeline.values import MAX_DEPTH, check_values
from scripts.pipeline.yaml_text import document_marker_before, odd_line_break, too_deep, unclosed_before

MAX_FILE_BYTES = 5 * 1024 * 1024
# A catalogue holds every place, actor or event of the corpus and grows with it (events.yaml
# is about 15 MB at 50,000 articles), so it has a limit of its own.
MAX_CATALOGUE_BYTES = 64 * 1024 * 1024


def parse_yaml(path: Path, display: str, problems: Collector, data: bytes | None = None):
    """Parse one file; on any problem record it and return None."""
    data = path.read_bytes() if data is None else data
    catalogue = Path(display).name in CATALOGUES and Path(display).parent.name == "annotations"
    limit = MAX_CATALOGUE_BYTES if catalogue else MAX_FILE_BYTES
    if len(data) > limit:
        what = "catalogues" if catalogue else "annotation files"
        problems.add(display, 1, f"file is {len(data) / 1e6:.1f} MB; {what} are limited to {limit // 2**20} MB",
                     "split the file or check that it is really an annotation file")
        return None
    if not data.strip():
        problems.add(display, 1, "file is empty", "an annotation file needs at least its top-level key")
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        problems.add(display, 1, "file starts with a UTF-8 byte-order mark (BOM)", "save the file as UTF-8 without BOM")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        problems.add(display, line, f"bytes are not valid UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start})",
                     "save the file as UTF-8")
        return None
    if odd_line_break(text, display, problems):
        return None
    block = _read_block(text, display)
    if block is not None:
        return block
    deep = too_deep(text)
    if deep is not None:
        problems.add(display, deep, f"values nest more than {MAX_DEPTH} levels deep",
                     "an annotation file is lists of records of plain values")
        return None
    try:
        return _stamp(yaml.load(text, Loader=_Loader), display)  # noqa: S506 - _Loader is a SafeLoader subclass
    except _DuplicateKey as e:
        problems.add(display, e.line, f"duplicate key '{e.key}' (first at line {e.first_line})",
                     "YAML keeps only the last value of a repeated key; remove one of them")
    except _KeyNotString as e:
        problems.add(display, e.line, f"mapping key {e.shown} is not a string",
                     "keys are field names such as place_id; YAML reads 1, true or null as a number, boolean or null")
    except _AliasUsed as e:
        problems.add(display, _alias_line(text, e.mark.line + 1), "YAML aliases and merge keys (*name, <<) are not allowed",
                     "write the value out in full")
    except yaml.constructor.ConstructorError as e:
        mark = e.problem_mark or e.context_mark
        tag = (e.problem or "").split("tag")[-1].strip(" '") if e.problem else ""
        message = f"YAML tag {tag or ''} is not allowed: annotations are plain data".replace("  ", " ")
        problems.add(display, mark.line + 1 if mark else 1, message, "remove the !!tag")
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        lines = text.splitlines()
        tab = "tab" in (e.problem or "") or (mark is not None and mark.line < len(lines) and "\t" in lines[mark.line])
        hint = "the line contains a tab: YAML indentation must use spaces, not tabs" if tab else ""
        line = mark.line + 1 if mark else 1
        opened = unclosed_before(text, line) or (
            document_marker_before(text, line) if "document start" in (e.problem or "") else None)
        if opened is not None:  # the parser noticed it later: blame the line that opened it
            what, at = opened
            hint = (f"{what} that starts here is not closed on its line" if what.startswith("the ") else what) + \
                f" (YAML found the problem on line {line})"
            line = at
        problems.add(display, line, f"YAML syntax error: {e.problem or e.context}", hint)
    except yaml.YAMLError as e:  # a character YAML does not allow (NUL...), or an error without a mark
        problems.add(display, *_unmarked_error(e, text))
    return None


def _unmarked_error(e: yaml.YAMLError, text: str) -> tuple[int, str]:
    """(line, message) of a YAML error without a mark: one line, at the character's line if known."""
    position = getattr(e, "position", None)  # yaml.reader.ReaderError: the offending character's index
    line = text.count("\n", 0, position) + 1 if isinstance(position, int) else 1
    return line, f"YAML error: {str(e).splitlines()[0] if str(e) else type(e).__name__}"


def _alias_line(text: str, fallback: int) -> int:
    """Line of the first alias (*name) in the text; the composer only knows the anchor."""
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if isinstance(token, yaml.AliasToken):
                return token.start_mark.line + 1
    except yaml.YAMLError:
        pass
    return fallback


def _locate(instance, path) -> int:
    """Line of the deepest key or list item on a JSON path."""
    line, node = 1, instance
    for step in path:
        if isinstance(node, Record) and step in node:
            line = node.line_of(step)
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, Record) and isinstance(step, int):
            line = node.line
    return line


PLACEHOLDER = "TODO"


def _is_placeholder(value) -> bool:
    return isinstance(value, str) and value.strip().upper().startswith(PLACEHOLDER)


def _has_placeholder(node) -> bool:
    """Whether any string under node holds the placeholder (the quick answer, without paths)."""
    for value in node.values() if isinstance(node, dict) else node if isinstance(node, list) else ():
        if isinstance(value, str):
            if _is_placeholder(value):
                return True
        elif _has_placeholder(value):
            return True
    return False


def placeholders(doc, display: str, problems: Collector) -> bool:
    """Report every value still holding the scaffold's placeholder; True if there was one."""
    if not _has_placeholder(doc):
        return False
    found = False

    def walk(node, path):
        nonlocal found
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in items:
            if _is_placeholder(value):
                found = True
                problems.add(display, _locate(doc, [*path, key]), f"{where_in(doc, [*path, key])} is still {value!r}",
                             "fill it in from the article (see docs/methodology.md), or remove the field if it is optional")
            else:
                walk(value, [*path, key])

    walk(doc, [])
    return found


def where_in(doc, path) -> str:
    """A JSON path as the curator reads it: list items counted from 1 and named by their id,
    e.g. mentions[8] (shafaq-2025-08-19-m08).quote."""
    parts, node = [], doc
    for step in path:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            node = None
        if isinstance(step, int):
            section = parts[-1] if parts else ""
            own = f"{section.removesuffix('s')}_id"  # mentions -> mention_id; else the first id the item names
            ids = {k: v for k, v in node.items() if k.endswith("_id") and isinstance(v, str)} if isinstance(node, dict) else {}
            ident = ids.get(own) or next(iter(ids.values()), None)
            if ident and (len(ident) > 80 or not ident.isprintable()):  # an id that is itself the mistake
                ident = _shown(ident)
            parts[-1:] = [f"{section}[{step + 1}]" + (f" ({ident})" if ident else "")]
        else:
            parts.append(str(step))
    return ".".join(parts) or "(top level)"


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 80 else f"{text[:60]}... ({len(text):,} characters)"


def _schema_problems(doc, validator, display, problems: Collector, reported: set = frozenset()):
    """jsonschema's errors as messages, but none on a value values.py has reported already."""
    for error in validator.iter_errors(doc):
        path = list(error.absolute_path)
        if any(tuple(path[:n]) in reported for n in range(len(path) + 1)):
            continue
        if error.validator == "additionalProperties" and isinstance(error.instance, Record):
            allowed = list(error.schema.get("properties", {}))
            for key in error.instance:
                if key not in allowed:
                    close = difflib.get_close_matches(str(key), allowed, n=1)
                    hint = f"did you mean '{close[0]}'?" if close else f"allowed keys: {', '.join(allowed)}"
                    problems.add(display, error.instance.line_of(key), f"unknown field '{key}'", hint)
            continue
        where = where_in(doc, path)
        message = error.message
        if len(message) > 200:  # jsonschema repeats the whole value: a long string or list is cut
            message = message.replace(repr(error.instance), _shown(error.instance))
        if error.validator == "required":
            line = error.instance.line if isinstance(error.instance, Record) else _locate(doc, path)
            problems.add(display, line, f"{where}: {message}")
            continue
        if error.validator == "type" and error.validator_value == "string" and not isinstance(error.instance, (dict, list)):
            hint = "quote the value: dates and ids are strings, e.g. \"2025\"" if error.instance is not None else \
                "leave the field out instead of writing it empty"
        elif error.validator == "pattern" and str(path[-1] if path else "").endswith("_lines"):
            hint = error.schema.get("description", "")  # a field of its own form says it in its description
        elif error.validator == "pattern":
            hint = "ids are lowercase kebab-case: a-z, 0-9 and single hyphens (no spaces, '/', '..' or capitals)"
        elif error.validator == "type" and error.validator_value == "integer" and isinstance(error.instance, float):
            hint = "write a whole number without a decimal point"
        else:
            hint = ""
        problems.add(display, _locate(doc, path), f"{where}: {message}", hint)


# An integer is an int, never a float such as 2.0 (which JSON Schema calls an integer): a
# float would reach a list index or an integer column and fail there, far from its line.
_STRICT = jsonschema.validators.extend(Draft202012Validator, type_checker=Draft202012Validator.TYPE_CHECKER.redefine(
    "integer", lambda checker, value: isinstance(value, int) and not isinstance(value, bool)))
# fastjsonschema reads `integer` the same way in its draft-04 code (the schema uses nothing
# that draft 4 reads otherwise).
_FAST_DRAFT = "http://json-schema.org/draft-04/schema#"


@cache
def _validators():
    """Per file kind: a compiled fast check, and jsonschema for the messages.

    fastjsonschema accepts or rejects a file about six times faster than jsonschema;
    only a file it rejects is walked again by jsonschema, which names every problem
    with its path. tests/unit/test_load.py checks that the two agree on the corpus.
    """
    schema = annotation_schema()
    fast_schema = _inline_leaves({k: v for k, v in schema.items() if k != "$schema"}, schema["$defs"])
    return {kind: (fastjsonschema.compile({**fast_schema, "$schema": _FAST_DRAFT, "$ref": f"#/$defs/{kind}"}),
                   _STRICT({**schema, "$ref": f"#/$defs/{kind}"}))
            for kind in schema["$defs"] if kind.endswith("_file")}


def _inline_leaves(node, defs):
    """The schema with each reference to a definition that has no references itself (an
    id) written out in place: fastjsonschema makes every reference a function call that
    formats its JSON path, a third of its time on a large corpus."""
    if isinstance(node, list):
        return [_inline_leaves(item, defs) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref", "")
    target = defs.get(ref.removeprefix("#/$defs/")) if ref.startswith("#/$defs/") else None
    if target is not None and "$ref" not in json.dumps(target):
        return {**{k: v for k, v in node.items() if k != "$ref"}, **target}
    return {k: _inline_leaves(v, defs) for k, v in node.items()}


def load_file(path: Path, display: str, kind: str, data: bytes | None = None) -> tuple[Record | None, list]:
    """Parse and check one annotation file: (the document, or None; its problems)."""
    problems = Collector()
    doc = parse_yaml(path, display, problems, data)
    if doc is None:
        return None, problems.problems
    if not isinstance(doc, Record):
        problems.add(display, 1, "the file must hold a mapping at the top level")
        return None, problems.problems
    if placeholders(doc, display, problems):  # an unfilled scaffold: say every placeholder, nothing else
        return None, problems.problems
    reported = set()
    for path, line, message, hint in check_values(doc, kind):
        problems.add(display, line, f"{where_in(doc, list(path))}: {message}", hint)
        reported.add(path)
    fast, full = _validators()[kind]
    try:
        if reported:
            raise fastjsonschema.JsonSchemaException("values.py found problems")
        fast(doc)
    except fastjsonschema.JsonSchemaException:
        _schema_problems(doc, full, display, problems, reported)
        if not problems.problems:  # the two validators disagree: trust jsonschema, but say so
            problems.add(display, 1, "internal: fast schema check rejected a file jsonschema accepts")
    if not problems.problems and kind == "source_file":
        _check_file_name(doc["source"], display, problems)
    if problems.problems:
        return None, problems.problems
    return doc, []


def _check_file_name(source: Record, display: str, problems: Collector):
    """A source file is named after its source_id: annotations/sources/<source_id>.yaml."""
    name = display.rsplit("/", 1)[-1]
    if name != f"{source['source_id']}.yaml":
        problems.add(display, source.line_of("source_id"), f"source_id '{source['source_id']}' does not match the file name {name}",
                     f"a source file is named after its source_id: rename the file to annotations/sources/{source['source_id']}.yaml")


@lru_cache(maxsize=32)
def _records_by_line(root: Path, display: str) -> dict[int, Record]:
    try:
        data = read_input(root, display, "annotations")
    except InputProblem:
        return {}
    doc = parse_yaml(root / display, display, Collector(), data)
    found = {}

    def walk(node):
        if isinstance(node, Record):
            found.setdefault(node.line, node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(doc)
    return found


def key_line(root: Path, display: str, line: int, key: str) -> int:
    """Line of `key` in the record that starts at `line` of a file.

    Rows remember only their record's line; the line of one key is looked up when a
    message needs it, by reading that file again (messages are few, rows are many).
    """
    record = _records_by_line(Path(root), display).get(line)
    return record.line_of(key) if record is not None else line


def _stamp(node, display):
    """Tell every record which file it came from; returns the node."""
    if isinstance(node, Record):
        node.path = display
        for value in node.values():
            _stamp(value, display)
    elif isinstance(node, list):
        for value in node:
            _stamp(value, display)
    return node
