"""The release archive: build/dist/<name>-<version>[-notexts].zip, deterministic and verifiable.

It holds the data (CSV + Parquet), the DuckDB file, views.sql, datapackage.json with paths
relative to the archive, croissant.json, a data card (README.md), the codebook (codebook.md
and codebook.html, publish/codebook.py), the citation (CITATION.cff, .zenodo.json) and licences,
the article texts (unless --no-texts), the schemas and the code that verifies the package,
and SHA256SUMS over all of it.
"""
from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

from scripts.atomic import staging_path, swap_in
from scripts.db.schema import database_path
from scripts.errors import Collector, DataError, Problem
from scripts.metadata import package_name
from scripts.paths import REPO, SCHEMA_DIR, SCRIPTS
from scripts.pipeline.describe import version
from scripts.pipeline.generation import manifest, manifest_path
from scripts.pipeline.inputs import InputProblem, read_input
from scripts.publish.card import data_card
from scripts.publish.cite import generated_files
from scripts.publish.codebook import codebook
from scripts.publish.croissant import croissant

# The archive's code verifies the package with requirements-verify.txt alone (build and test requirements stay out).
CODE_FILES = ("requirements-verify.txt", "LICENSE")
DOC_FILES = ("CHANGELOG.md", "LICENSE-DATA.md")
ARTICLE_LICENSE = {"name": "publisher-copyright", "title": "Article texts: copyright of their publishers; included "
                   "only to verify quotes, not covered by the package licence"}


def archive_descriptor(root: Path, texts: bool) -> dict:
    """The published manifest (pipeline/generation.py) with paths relative to the archive, plus the article texts."""
    package = manifest(root)
    for res in package["resources"]:
        res["path"] = res["path"].removeprefix("build/")
    if texts:
        for s in package.get("sources", []):
            data = article_bytes(root, s)
            package["resources"].append({
                "name": "article-" + Path(s["path"]).stem.replace("_", "-").lower(), "type": "file",
                "title": s["title"], "path": s["path"], "scheme": "file", "format": "txt", "mediatype": "text/plain",
                "encoding": "utf-8", "hash": "sha256:" + hashlib.sha256(data).hexdigest(), "bytes": len(data),
                "licenses": [ARTICLE_LICENSE]})
    return package


def article_bytes(root: Path, source: dict) -> bytes:
    """An article text the manifest lists: a regular file inside articles/, or one message."""
    path = source.get("path") if isinstance(source, dict) else None
    try:
        return read_input(Path(root), path, "articles")
    except InputProblem as e:
        raise DataError([Problem(e.rel, 1, e.reason, e.hint)]) from None


def release(root: Path, texts: bool = True) -> Path:
    """build/dist/<name>-<version>[-notexts].zip: deterministic, verifiable, citable."""
    root = Path(root)
    name, ver = package_name(), version(root)
    problems = Collector()
    database = database_path(root)
    for needed in (root / "build" / "data", database, root / "build" / "views.sql", *(root / f for f in DOC_FILES)):
        if not needed.exists():
            problems.add(needed.relative_to(root).as_posix(), 1, "missing: run `make db` before `make package`"
                         if "build" in needed.parts else "missing: the release needs it")
    problems.raise_if_any()
    manifest_path(root)  # built data with its manifest, or a message saying to build
    top = f"{name}-{ver}"
    descriptor = archive_descriptor(root, texts)
    files: dict[str, bytes] = {"datapackage.json": _json_bytes(descriptor)}
    for res in descriptor["resources"]:
        source = root / ("build/" + res["path"] if res["path"].startswith("data/") else res["path"])
        files[res["path"]] = source.read_bytes()
    files[f"{name}.duckdb"] = database.read_bytes()
    files["views.sql"] = (root / "build" / "views.sql").read_bytes()
    for rel in DOC_FILES:
        files[rel] = (root / rel).read_bytes()
    files.update({rel: text.encode("utf-8") for rel, text in generated_files(root).items()})  # CITATION.cff, .zenodo.json
    # The code that verifies the package, with its licence and requirements, comes from this repository.
    for path in [*(REPO / rel for rel in CODE_FILES), *sorted(SCRIPTS.rglob("*")), *sorted(SCHEMA_DIR.glob("*.json"))]:
        if path.is_file() and "__pycache__" not in path.parts:
            files[path.relative_to(REPO).as_posix()] = path.read_bytes()
    files["croissant.json"] = _json_bytes(croissant(descriptor, root))
    files["README.md"] = data_card(root, descriptor, texts).encode("utf-8")
    files.update({rel: text.encode("utf-8") for rel, text in codebook(root, descriptor, texts).items()})
    files["SHA256SUMS"] = "".join(f"{hashlib.sha256(data).hexdigest()}  {rel}\n"
                                  for rel, data in sorted(files.items())).encode("utf-8")
    target = root / "build" / "dist" / f"{top}{'' if texts else '-notexts'}.zip"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = staging_path(target)
    write_zip(tmp, top, files, ver)
    return swap_in(tmp, target)


def _json_bytes(value) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_zip(path: Path, top: str, files: dict[str, bytes], ver: str):
    """Sorted entries, a fixed timestamp (the release date), fixed permissions."""
    stamp = tuple(int(p) for p in ver.split(".")) + (0, 0, 0)
    with zipfile.ZipFile(path, "w") as archive:
        for rel in sorted(files):
            info = zipfile.ZipInfo(f"{top}/{rel}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            archive.writestr(info, files[rel], compresslevel=9)
