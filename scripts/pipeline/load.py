"""Arrow 1, load: annotation YAML -> plain records that remember their file and line.

YAML is read safely: no tags beyond plain data, no aliases, no duplicate keys, a size
limit, strict UTF-8 without a byte-order mark. Each file is checked against
schemas/annotation.schema.json. Every problem in every file is collected.

The unit is one file: scripts/pipeline/runner.py runs load -> locate -> tables per file,
over the available cores. Most files are read by the line reader of block_yaml.py, the
others by PyYAML with the loader of records.py; both give the same Records.
"""
from __future__ import annotations

import difflib
import json
import os
from functools import cache, lru_cache
from pathlib import Path

import fastjsonschema
import yaml
from jsonschema import Draft202012Validator

from scripts.errors import Collector
from scripts.metadata import annotation_schema
from scripts.pipeline.block_yaml import _read_block
from scripts.pipeline.records import Record, _AliasUsed, _DuplicateKey, _Loader

MAX_FILE_BYTES = 5 * 1024 * 1024
CATALOGUES = {"places.yaml": "places_file", "actors.yaml": "actors_file", "events.yaml": "events_file"}
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
    block = _read_block(text, display)
    if block is not None:
        return block
    try:
        return _stamp(yaml.load(text, Loader=_Loader), display)  # noqa: S506 - _Loader is a SafeLoader subclass
    except _DuplicateKey as e:
        problems.add(display, e.line, f"duplicate key '{e.key}' (first at line {e.first_line})",
                     "YAML keeps only the last value of a repeated key; remove one of them")
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
        problems.add(display, mark.line + 1 if mark else 1, f"YAML syntax error: {e.problem or e.context}", hint)
    except yaml.YAMLError as e:  # pragma: no cover - other libyaml errors carry no mark
        problems.add(display, 1, f"YAML error: {e}")
    return None


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


def placeholders(doc, display: str, problems: Collector) -> bool:
    """Report every value still holding the scaffold's placeholder; True if there was one."""
    found = False

    def walk(node, path):
        nonlocal found
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in items:
            if isinstance(value, str) and value.strip().upper().startswith(PLACEHOLDER):
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
            parts[-1:] = [f"{section}[{step + 1}]" + (f" ({ident})" if ident else "")]
        else:
            parts.append(str(step))
    return ".".join(parts) or "(top level)"


def _schema_problems(doc, validator, display, problems: Collector):
    for error in validator.iter_errors(doc):
        path = list(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, Record):
            allowed = list(error.schema.get("properties", {}))
            for key in error.instance:
                if key not in allowed:
                    close = difflib.get_close_matches(str(key), allowed, n=1)
                    hint = f"did you mean '{close[0]}'?" if close else f"allowed keys: {', '.join(allowed)}"
                    problems.add(display, error.instance.line_of(key), f"unknown field '{key}'", hint)
            continue
        where = where_in(doc, path)
        if error.validator == "required":
            line = error.instance.line if isinstance(error.instance, Record) else _locate(doc, path)
            problems.add(display, line, f"{where}: {error.message}")
            continue
        if error.validator == "type" and error.validator_value == "string" and not isinstance(error.instance, (dict, list)):
            hint = "quote the value: dates and ids are strings, e.g. \"2025\"" if error.instance is not None else \
                "leave the field out instead of writing it empty"
        elif error.validator == "pattern":
            hint = "ids are lowercase kebab-case: a-z, 0-9 and single hyphens (no spaces, '/', '..' or capitals)"
        else:
            hint = ""
        problems.add(display, _locate(doc, path), f"{where}: {error.message}", hint)


@cache
def _validators():
    """Per file kind: a compiled fast check, and jsonschema for the messages.

    fastjsonschema accepts or rejects a file about six times faster than jsonschema;
    only a file it rejects is walked again by jsonschema, which names every problem
    with its path. tests/unit/test_load.py checks that the two agree on the corpus.
    """
    schema = annotation_schema()
    fast_schema = _inline_leaves({k: v for k, v in schema.items() if k != "$schema"}, schema["$defs"])  # draft-07 reading
    return {kind: (fastjsonschema.compile({**fast_schema, "$ref": f"#/$defs/{kind}"}),
                   Draft202012Validator({**schema, "$ref": f"#/$defs/{kind}"}))
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
    fast, full = _validators()[kind]
    try:
        fast(doc)
    except fastjsonschema.JsonSchemaException:
        _schema_problems(doc, full, display, problems)
        if not problems.problems:  # the two validators disagree: trust jsonschema, but say so
            problems.add(display, 1, "internal: fast schema check rejected a file jsonschema accepts")
    if problems.problems:
        return None, problems.problems
    return doc, []


def file_kind(rel: str) -> str | None:
    """The kind of an annotation file from its posix path below annotations/."""
    parts = rel.split("/")
    if len(parts) == 2 and parts[0] == "sources" and parts[1].endswith(".yaml") and parts[1] != ".yaml":
        return "source_file"
    if len(parts) == 1 and parts[0] in CATALOGUES:
        return CATALOGUES[parts[0]]
    return None


def annotation_files(root: Path) -> tuple[list[tuple[Path, str, str]], Collector]:
    """(path, path as shown in messages, kind) of every annotation file, in path order,
    and the problems of the folder itself (missing, unexpected files, missing catalogues)."""
    root = Path(root)
    base = root / "annotations"
    problems = Collector()
    if not base.is_dir():
        problems.add("annotations", 1, "folder annotations/ is missing")
        return [], problems
    jobs = []
    for rel, is_file in sorted(_entries_below(base)):
        display = f"annotations/{rel}"
        kind = file_kind(rel) if is_file else None
        if kind is None:
            problems.add(display, 1, "unexpected file in annotations/",
                         "catalogues are places.yaml, actors.yaml, events.yaml; articles go in sources/<source_id>.yaml")
        else:
            jobs.append((base / rel, display, kind))
    for name in CATALOGUES:
        if not (base / name).is_file():
            problems.add(f"annotations/{name}", 1, "catalogue file is missing")
    return jobs, problems


def _entries_below(folder: Path, prefix: str = ""):
    """(posix path relative to folder, is a regular file) of everything below a folder but
    the folders themselves (not followed through symbolic links). os.scandir and strings,
    not rglob and Paths: a tenth of the time on 10,000 files (no stat call per file)."""
    for entry in os.scandir(folder):
        if entry.is_dir(follow_symlinks=False):
            yield from _entries_below(entry.path, f"{prefix}{entry.name}/")
        else:
            yield prefix + entry.name, entry.is_file()


@lru_cache(maxsize=32)
def _records_by_line(root: Path, display: str) -> dict[int, Record]:
    doc = parse_yaml(root / display, display, Collector())
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
