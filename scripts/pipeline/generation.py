"""The published data: one generation folder, switched by one symlink.

    build/.data-<digest>/datapackage.json   the manifest (paths data/<table>.<format>), as in a release archive
    build/.data-<digest>/data/              the tables
    build/data -> .data-<digest>/data       the symlink: replacing it is the one commit point

A generation is complete before the symlink points to it, and the manifest sits inside it,
so the data and its manifest are swapped together: a build killed at any instant leaves
build/data resolvable, beside the manifest that describes it. Every reader of the built
data (verify's default, db, docs, package, diff) reads this manifest, through manifest().

The committed datapackage.json at the project root is the same manifest with paths
build/data/..., written from the generation's after the swap (root_manifest); a build killed
between the two leaves it stale until the next build, which always rewrites it.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from scripts.atomic import remove, remove_leftovers, staging_path, swap_in
from scripts.errors import DataError, Problem
from scripts.faults import checkpoint
from scripts.pipeline.inputs import kind_of

MANIFEST = "datapackage.json"
ROOT_PREFIX = "build/"   # the root manifest's paths: build/data/... instead of data/...


def json_bytes(value) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def generation(root: Path) -> Path | None:
    """The generation folder build/data points into, resolved once (None if there is none:
    no build yet, or a build/data of another layout)."""
    data = Path(root) / "build" / "data"
    try:
        target = data.resolve(strict=True)
    except (OSError, RuntimeError):  # missing, dangling or a loop
        return None
    folder = target.parent
    if target.name != "data" or not folder.name.startswith(".data-") or not (folder / MANIFEST).is_file():
        return None
    return folder


def manifest_path(root: Path) -> Path:
    """The published generation's datapackage.json; DataError when nothing is built."""
    folder = generation(root)
    if folder is None:
        raise DataError([Problem("build/data", 1, "no built data (or built before manifests moved into build/): "
                                 "run `python -m scripts build` (make build) first")])
    return folder / MANIFEST


def as_root(package: dict) -> dict:
    """A generation's manifest with the paths of the root datapackage.json (build/data/...)."""
    package = json.loads(json.dumps(package))
    for res in package.get("resources", []):
        res["path"] = ROOT_PREFIX + res["path"]
    return package


def manifest(root: Path) -> dict:
    """The published manifest, with paths relative to the project folder (build/data/...):
    exactly what the root datapackage.json holds when it is not stale."""
    path = manifest_path(root)
    return as_root(read_manifest(path, f"build/{path.parent.name}/{MANIFEST}"))


def read_file(path: Path, shown: str) -> bytes:
    """The bytes of a file named on the command line or found in build/: a regular file,
    opened without blocking (a FIFO there must not hang the command); DataError otherwise."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise DataError([Problem(shown, 1, "no such file")]) from None
    except OSError as e:
        raise DataError([Problem(shown, 1, f"cannot be read: {e.strerror or e}")]) from None
    try:
        kind = kind_of(os.fstat(fd).st_mode)
        if kind:
            raise DataError([Problem(shown, 1, f"is {kind}, not a regular file")])
        with os.fdopen(fd, "rb", closefd=False) as f:
            return f.read()
    except OSError as e:
        raise DataError([Problem(shown, 1, f"cannot be read: {e.strerror or e}")]) from None
    finally:
        os.close(fd)


def read_manifest(path: Path, shown: str | None = None) -> dict:
    """A datapackage.json (a generation's, a release's, the committed one), checked for the
    shape every reader relies on; DataError (`shown`:line: what is wrong) otherwise."""
    shown = shown or str(path)
    return parse_manifest(read_file(path, shown), shown)


def parse_manifest(data: bytes, shown: str) -> dict:
    try:
        package = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise DataError([Problem(shown, data.count(b"\n", 0, e.start) + 1, f"not valid UTF-8 at byte {e.start}")]) from None
    except ValueError as e:  # json.JSONDecodeError, or a number too long to convert
        raise DataError([Problem(shown, getattr(e, "lineno", 1), f"not valid JSON: {getattr(e, 'msg', e)}")]) from None
    wrong = _shape_problem(package)
    if wrong:
        raise DataError([Problem(shown, 1, f"not a data package this code can read: {wrong}")])
    return package


def _shape_problem(package) -> str | None:
    """What keeps a parsed datapackage.json from having the shape readers index into (None: nothing)."""
    if not isinstance(package, dict):
        return "the top level must be a JSON object"
    resources = package.get("resources")
    if not isinstance(resources, list):
        return "'resources' must be a list"
    for i, res in enumerate(resources):
        where = f"resources[{i}]"
        if not isinstance(res, dict):
            return f"{where} must be an object"
        for key in ("name", "path"):
            if not isinstance(res.get(key), str) or not res[key]:
                return f"{where}.{key} must be a non-empty string"
        parts = res["path"].split("/")
        if res["path"].startswith("/") or "\\" in res["path"] or any(p in ("", ".", "..") for p in parts):
            return f"{where}.path must be a relative path inside the package, without '..'"
        for key in ("format", "type", "hash"):
            if key in res and not isinstance(res[key], str):
                return f"{where}.{key} must be a string"
        for key in ("bytes", "rows"):
            if key in res and (not isinstance(res[key], int) or isinstance(res[key], bool)):
                return f"{where}.{key} must be an integer"
        if res.get("type") == "table":
            schema = res.get("schema")
            fields = schema.get("fields") if isinstance(schema, dict) else None
            if not isinstance(fields, list) or not all(
                    isinstance(f, dict) and isinstance(f.get("name"), str) and isinstance(f.get("type"), str) for f in fields):
                return f"{where}.schema must be an object whose 'fields' are objects with a string name and type"
            key = schema.get("primaryKey", [])
            if not isinstance(key, list) or not all(isinstance(k, str) for k in key):
                return f"{where}.schema.primaryKey must be a list of field names"
    return None


class RootManifestNotWritten(Exception):
    """build/data was published, but the root datapackage.json could not be rewritten."""

    def __init__(self, error: OSError):
        self.error = error
        super().__init__(f"{error.strerror or error}: datapackage.json; build/data was published, but the "
                         "datapackage.json at the project root is stale: run the build again")


def write_root_manifest(root: Path, folder: Path):
    """Rewrite the root datapackage.json from the generation's manifest (written aside, then
    renamed: never half-written); unchanged bytes are left alone."""
    target = Path(root) / MANIFEST
    data = json_bytes(as_root(json.loads((folder / MANIFEST).read_text(encoding="utf-8"))))
    remove_leftovers(Path(root), f".{MANIFEST}.tmp-*")  # of a build killed here (the build lock is ours)
    tmp = staging_path(target)
    try:
        if target.is_file() and not target.is_symlink() and target.read_bytes() == data:
            return
        checkpoint("manifest", target)
        tmp.write_bytes(data)
        swap_in(tmp, target)
    except OSError as e:
        remove(tmp)
        raise RootManifestNotWritten(e) from None
