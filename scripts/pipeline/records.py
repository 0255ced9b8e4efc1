"""Records: YAML mappings that remember their file, the line they start on and the line of
each key; and the safe PyYAML loader that builds them (plain data only, dates kept as
strings, no aliases or merge keys, no duplicate keys, every key a string)."""
from __future__ import annotations

import yaml


class Record(dict):
    """A YAML mapping with the line it starts on and the line of each key."""

    path: str = ""
    line: int = 1
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


def new_record(line: int, path: str = "") -> Record:
    record = Record()
    record.path = path
    record.line = line
    record.key_lines = {}
    return record


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


class _KeyNotString(yaml.YAMLError):
    def __init__(self, shown, line):
        self.shown, self.line = shown, line


def _construct_record(loader, node):
    record = new_record(node.start_mark.line + 1)
    for key_node, value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            raise _AliasUsed(key_node.start_mark)
        line = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode):  # a list or mapping as a key: not even hashable
            raise _KeyNotString("a list" if isinstance(key_node, yaml.SequenceNode) else "a mapping", line)
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):  # 1, true, null, 2.5 as keys: YAML reads them as numbers, booleans, null
            raise _KeyNotString(f"{key_node.value[:40] or 'null'} (read as {type(key).__name__})", line)
        if key in record.key_lines:
            raise _DuplicateKey(key, line, record.key_lines[key])
        record[key] = loader.construct_object(value_node, deep=True)
        record.key_lines[key] = line
    return record


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_record)
