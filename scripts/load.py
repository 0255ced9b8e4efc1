"""Arrow 1, load: annotation YAML -> plain records that remember their file and line.

YAML is read safely: no tags beyond plain data, no aliases, no duplicate keys, a size
limit, strict UTF-8 without a byte-order mark. Each file is checked against
schemas/annotation.schema.json. Every problem in every file is collected.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator

from scripts.errors import Collector, DataError
from scripts.metadata import annotation_schema, load_tables, source_sections

MAX_FILE_BYTES = 5 * 1024 * 1024
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


def _schema_problems(doc, validator, schema, display, problems: Collector):
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


def load(root: Path) -> Annotations:
    """Read and check every annotation file under root/annotations."""
    root = Path(root)
    base = root / "annotations"
    problems = Collector()
    schema = annotation_schema()
    validators = {name: Draft202012Validator({**schema, "$ref": f"#/$defs/{name}"}) for name in schema["$defs"]}
    docs = {}
    if not base.is_dir():
        problems.add("annotations", 1, "folder annotations/ is missing")
        problems.raise_if_any()
    files = sorted(p for p in base.rglob("*") if p.is_file())
    for path in files:
        display = path.relative_to(root).as_posix()
        rel = path.relative_to(base)
        if rel.parts[0] == "sources" and len(rel.parts) == 2 and path.suffix == ".yaml":
            kind = "source_file"
        elif len(rel.parts) == 1 and rel.name in CATALOGUES:
            kind = CATALOGUES[rel.name]
        else:
            problems.add(display, 1, "unexpected file in annotations/",
                         "catalogues are places.yaml, actors.yaml, events.yaml; articles go in sources/<source_id>.yaml")
            continue
        doc = parse_yaml(path, display, problems)
        if doc is None:
            continue
        if not isinstance(doc, Record):
            problems.add(display, 1, "the file must hold a mapping at the top level")
            continue
        before = len(problems.problems)
        _schema_problems(doc, validators[kind], schema, display, problems)
        if len(problems.problems) == before:
            _stamp(doc, display)
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
