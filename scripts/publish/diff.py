"""diff: what changed between two releases (archives, unpacked archives or a project's build).

Rows are matched by primary key; a schema change that removes or retypes a column, or
changes a primary key, is breaking. Adding a column is not.
"""
from __future__ import annotations

import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from scripts.errors import DataError, Problem
from scripts.pipeline.generation import MANIFEST, generation, manifest, parse_manifest, read_manifest


@dataclass
class TableDiff:
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    changed: list = field(default_factory=list)      # (key, [columns])
    schema: list = field(default_factory=list)       # (message, breaking)


def open_release(path: Path, scratch: Path) -> Path:
    """The datapackage.json of a zip, an unpacked archive folder or a project folder."""
    path = Path(path)
    if path.is_file() and path.suffix == ".zip":
        try:
            with zipfile.ZipFile(path) as archive:
                archive.extractall(scratch)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError) as e:
            raise DataError([Problem(str(path), 1, f"not a readable zip archive: {e}")]) from None
        found = sorted(scratch.rglob("datapackage.json"))
        if not found:
            raise DataError([Problem(str(path), 1, "the archive holds no datapackage.json")])
        return found[0]
    if path.is_dir():  # a project folder's published generation (pipeline/generation.py), or an unpacked archive
        folder = generation(path)
        return folder / MANIFEST if folder is not None else path / "datapackage.json"
    return path


def load_release(descriptor: Path) -> tuple[dict, dict]:
    package = read_manifest(descriptor)
    tables = {}
    for res in package["resources"]:
        if res.get("format") == "parquet" and res.get("type") == "table":
            name = res["name"].removesuffix("-parquet")
            path = descriptor.parent / res["path"]
            try:
                tables[name] = (res["schema"], pq.read_table(path) if path.is_file() else None)
            except (pa.ArrowException, OSError) as e:
                first = str(e).splitlines()[0] if str(e) else type(e).__name__
                raise DataError([Problem(str(path), 1, f"cannot be read as Parquet: {first}")]) from None
    return package, tables


def schema_changes(old: dict, new: dict) -> list[tuple[str, bool]]:
    before = {f["name"]: f["type"] for f in old["fields"]}
    after = {f["name"]: f["type"] for f in new["fields"]}
    changes = [(f"column {c} removed", True) for c in before if c not in after]
    changes += [(f"column {c} added", False) for c in after if c not in before]
    changes += [(f"column {c} retyped {before[c]} -> {after[c]}", True) for c in before if c in after and before[c] != after[c]]
    if old.get("primaryKey") != new.get("primaryKey"):
        changes.append((f"primary key {old.get('primaryKey')} -> {new.get('primaryKey')}", True))
    return changes


def diff_tables(old_tables: dict, new_tables: dict) -> dict[str, TableDiff]:
    result = {}
    for name in sorted(set(old_tables) | set(new_tables)):
        d = result[name] = TableDiff()
        if name not in new_tables:
            d.schema.append(("table removed", True))
            continue
        if name not in old_tables:
            d.schema.append(("table added", False))
            old_schema, old_rows = new_tables[name][0], None
        else:
            old_schema, old_rows = old_tables[name]
        new_schema, new_rows = new_tables[name]
        d.schema += schema_changes(old_schema, new_schema) if name in old_tables else []
        key = new_schema["primaryKey"]
        before = _by_key(old_rows, key)
        after = _by_key(new_rows, key)
        d.added = sorted(k for k in after if k not in before)
        d.removed = sorted(k for k in before if k not in after)
        for k in sorted(set(before) & set(after)):
            columns = [c for c in after[k] if c in before[k] and before[k][c] != after[k][c]]
            if columns:
                d.changed.append((k, columns))
    return result


def _by_key(table, key):
    if table is None:
        return {}
    return {tuple(str(row.get(k)) for k in key): row for row in table.to_pylist()}


def diff(old: Path, new: Path) -> dict[str, TableDiff]:
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        _, old_tables = load_release(open_release(old, Path(a)))
        _, new_tables = load_release(open_release(new, Path(b)))
        return diff_tables(old_tables, new_tables)


def breaking(result: dict[str, TableDiff]) -> list[str]:
    return [f"{name}: {message}" for name, d in result.items() for message, is_breaking in d.schema if is_breaking]


def render(result: dict[str, TableDiff]) -> str:
    lines = []
    for name, d in result.items():
        lines.append(f"{name}: {len(d.added)} added, {len(d.removed)} removed, {len(d.changed)} changed")
        lines += [f"  schema: {m}{' (BREAKING)' if b else ''}" for m, b in d.schema]
        lines += [f"  + {'/'.join(k)}" for k in d.added]
        lines += [f"  - {'/'.join(k)}" for k in d.removed]
        lines += [f"  ~ {'/'.join(k)}: {', '.join(cols)}" for k, cols in d.changed]
    return "\n".join(lines)


def unannounced_breaking_changes(root: Path, previous: Path | None = None) -> list[str]:
    """Breaking changes since the previous release (default: the committed datapackage.json)
    when the newest CHANGELOG entry does not say 'breaking'; empty when all is well."""
    import subprocess

    from scripts.pipeline.describe import changelog_entry

    root = Path(root)
    if "breaking" in changelog_entry(root).lower():
        return []
    if previous is not None:
        return breaking(diff(previous, root))
    shown = subprocess.run(["git", "-C", str(root), "show", "HEAD:datapackage.json"], capture_output=True)
    old = parse_manifest(shown.stdout, "datapackage.json (as committed)") if shown.returncode == 0 \
        else {"resources": []}
    schemas = lambda package: {r["name"].removesuffix("-parquet"): (r["schema"], None)  # noqa: E731
                               for r in package["resources"] if r.get("format") == "parquet"}
    new = manifest(root)
    return breaking(diff_tables(schemas(old), schemas(new)))
