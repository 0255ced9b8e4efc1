"""Arrow 1, load: annotation YAML -> plain records that remember their file and line.

YAML is read safely: no tags beyond plain data, no aliases, no duplicate keys, a size
limit, strict UTF-8 without a byte-order mark. Each file is checked against
schemas/annotation.schema.json. Every problem in every file is collected.
"""
from __future__ import annotations

import difflib
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import fastjsonschema
import yaml
from jsonschema import Draft202012Validator

from scripts.errors import Collector
from scripts.metadata import annotation_schema, load_tables, source_sections

MAX_FILE_BYTES = 5 * 1024 * 1024
PARALLEL_FROM = 64   # files; below this, starting worker processes costs more than it saves
CATALOGUES = {"places.yaml": "places_file", "actors.yaml": "actors_file", "events.yaml": "events_file"}


class Record(dict):
    """A YAML mapping with the line it starts on and the line of each key."""

    path: str = ""
    line: int = 1
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


@dataclass
class SourceDoc:
    path: str
    source: Record
    sections: dict[str, list[Record]] = field(default_factory=dict)   # citations, mentions, figures, names


@dataclass
class Annotations:
    places: list[Record]
    actors: list[Record]
    events: list[Record]
    sources: list[SourceDoc]


class _AliasUsed(yaml.YAMLError):
    def __init__(self, mark):
        self.mark = mark


_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):
    """Safe loader that keeps dates as strings (they are EDTF) and refuses aliases."""

    def construct_object(self, node, deep=False):
        if node in self.constructed_objects or node in self.recursive_objects:
            raise _AliasUsed(node.start_mark)
        return super().construct_object(node, deep=deep)


# Dates stay strings: "2025-09" and "2025-08-19" are both EDTF and must be treated alike.
_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _DuplicateKey(yaml.YAMLError):
    def __init__(self, key, line, first_line):
        self.key, self.line, self.first_line = key, line, first_line


def _construct_record(loader, node):
    record = Record()
    record.line = node.start_mark.line + 1
    record.key_lines = {}
    for key_node, value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            raise _AliasUsed(key_node.start_mark)
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if key in record.key_lines:
            raise _DuplicateKey(key, line, record.key_lines[key])
        record[key] = loader.construct_object(value_node, deep=True)
        record.key_lines[key] = line
    return record


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_record)


def parse_yaml(path: Path, display: str, problems: Collector):
    """Parse one file; on any problem record it and return None."""
    data = path.read_bytes()
    if len(data) > MAX_FILE_BYTES:
        problems.add(display, 1, f"file is {len(data) / 1e6:.1f} MB; annotation files are limited to {MAX_FILE_BYTES // 2**20} MB",
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
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader subclass
    except _DuplicateKey as e:
        problems.add(display, e.line, f"duplicate key '{e.key}' (first at line {e.first_line})",
                     "YAML keeps only the last value of a repeated key; remove one of them")
    except _AliasUsed as e:
        problems.add(display, _alias_line(text, e.mark.line + 1), "YAML aliases and merge keys (*name, <<) are not allowed",
                     "write the value out in full")
    except yaml.constructor.ConstructorError as e:
        mark = e.problem_mark or e.context_mark
        tag = (e.problem or "").split("tag")[-1].strip(" '") if e.problem else ""
        problems.add(display, mark.line + 1 if mark else 1, f"YAML tag {tag or ''} is not allowed: annotations are plain data".replace("  ", " "),
                     "remove the !!tag")
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        hint = "YAML indentation must use spaces, not tabs" if "tab" in (e.problem or "") else ""
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
        where = ".".join(str(p) for p in path) or "(top level)"
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


@lru_cache(maxsize=None)
def _validators():
    """Per file kind: a compiled fast check, and jsonschema for the messages.

    fastjsonschema accepts or rejects a file about six times faster than jsonschema;
    only a file it rejects is walked again by jsonschema, which names every problem
    with its path. tests/unit/test_load.py checks that the two agree on the corpus.
    """
    schema = annotation_schema()
    fast_schema = {k: v for k, v in schema.items() if k != "$schema"}  # draft-07 reading of the same rules
    return {kind: (fastjsonschema.compile({**fast_schema, "$ref": f"#/$defs/{kind}"}),
                   Draft202012Validator({**schema, "$ref": f"#/$defs/{kind}"}))
            for kind in schema["$defs"] if kind.endswith("_file")}


def load_file(path: Path, display: str, kind: str) -> tuple[Record | None, list]:
    """Parse and check one annotation file: (the document, or None; its problems)."""
    problems = Collector()
    doc = parse_yaml(path, display, problems)
    if doc is None:
        return None, problems.problems
    if not isinstance(doc, Record):
        problems.add(display, 1, "the file must hold a mapping at the top level")
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
    _stamp(doc, display)
    return doc, []


def _load_many(jobs: list[tuple[Path, str, str]]) -> list[tuple[Record | None, list]]:
    """Per-file work over the available cores; small inputs stay in this process."""
    if len(jobs) < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
        return [load_file(*job) for job in jobs]
    with ProcessPoolExecutor(max_workers=os.cpu_count()) as pool:
        return list(pool.map(load_file, *zip(*jobs), chunksize=64))


def file_kind(rel: Path) -> str | None:
    if rel.parts[0] == "sources" and len(rel.parts) == 2 and rel.suffix == ".yaml":
        return "source_file"
    if len(rel.parts) == 1 and rel.name in CATALOGUES:
        return CATALOGUES[rel.name]
    return None


def load(root: Path) -> Annotations:
    """Read and check every annotation file under root/annotations."""
    root = Path(root)
    base = root / "annotations"
    problems = Collector()
    if not base.is_dir():
        problems.add("annotations", 1, "folder annotations/ is missing")
        problems.raise_if_any()
    jobs = []
    for path in sorted(p for p in base.rglob("*") if p.is_file()):
        display = path.relative_to(root).as_posix()
        kind = file_kind(path.relative_to(base))
        if kind is None:
            problems.add(display, 1, "unexpected file in annotations/",
                         "catalogues are places.yaml, actors.yaml, events.yaml; articles go in sources/<source_id>.yaml")
        else:
            jobs.append((path, display, kind))
    docs = {}
    for (path, display, kind), (doc, found) in zip(jobs, _load_many(jobs)):
        problems.problems.extend(found)
        if doc is not None:
            docs[display] = (kind, doc)
    for name in CATALOGUES:
        if f"annotations/{name}" not in docs and not any(p.path == f"annotations/{name}" for p in problems.problems):
            problems.add(f"annotations/{name}", 1, "catalogue file is missing")
    problems.raise_if_any()

    def catalogue(name, key):
        return list(docs[f"annotations/{name}"][1][key])

    sections = source_sections(load_tables())
    sources = [SourceDoc(display, doc["source"], {name: list(doc.get(name, [])) for name in sections})
               for display, (kind, doc) in docs.items() if kind == "source_file"]
    return Annotations(catalogue("places.yaml", "places"), catalogue("actors.yaml", "actors"),
                       catalogue("events.yaml", "events"), sources)


def _stamp(node, display):
    """Tell every record which file it came from."""
    if isinstance(node, Record):
        node.path = display
        for value in node.values():
            _stamp(value, display)
    elif isinstance(node, list):
        for value in node:
            _stamp(value, display)
