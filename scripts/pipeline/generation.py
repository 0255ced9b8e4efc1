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
from pathlib import Path

from scripts.atomic import remove, remove_leftovers, staging_path, swap_in
from scripts.errors import DataError, Problem
from scripts.faults import checkpoint

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
    return as_root(json.loads(manifest_path(root).read_text(encoding="utf-8")))


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
