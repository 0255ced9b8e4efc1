"""The manifest of the written files: datapackage.json (Data Package v2), written by `build`.

Package-level metadata is hand-written in schemas/package.json; the version comes from
the newest CHANGELOG.md entry; every resource carries its Table Schema, sha256, size and
row count, so a user can verify every file.
"""
from __future__ import annotations

import copy
import datetime as dt
import json
import re
from pathlib import Path

from scripts.errors import Collector, DataError, Problem
from scripts.faults import checkpoint
from scripts.metadata import TABLE_ORDER, load_tables
from scripts.paths import SCHEMA_DIR
from scripts.pipeline.generation import MANIFEST, json_bytes, read_file
from scripts.pipeline.write import Staged

FORMATS = {"csv": ("text/csv", ""), "parquet": ("application/vnd.apache.parquet", "-parquet")}
VERSION_LINE = re.compile(r"^## \[?(\d{4}\.\d{2}\.\d{2})\]?")


def version(root: Path) -> str:
    """CalVer of the newest CHANGELOG.md entry (the first '## YYYY.MM.DD' heading)."""
    path = Path(root) / "CHANGELOG.md"
    problems = Collector()
    if path.is_file():
        for line in changelog_text(root).splitlines():
            match = VERSION_LINE.match(line)
            if match:
                return match.group(1)
    problems.add("CHANGELOG.md", 1, "no release heading like '## 2026.11.23' found")
    problems.raise_if_any()


def release_date(root: Path) -> dt.date | None:
    """The release date (the version, from CHANGELOG.md), None if there is no release heading."""
    try:
        return dt.date(*map(int, version(root).split(".")))
    except (DataError, ValueError, OSError):
        return None


def changelog_text(root: Path) -> str:
    """CHANGELOG.md as text (the version and the release notes come from it); DataError when
    it is missing, not a regular file or not UTF-8."""
    data = read_file(Path(root) / "CHANGELOG.md", "CHANGELOG.md")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise DataError([Problem("CHANGELOG.md", data.count(b"\n", 0, e.start) + 1,
                                 f"not valid UTF-8 at byte {e.start}")]) from None


def changelog_entry(root: Path) -> str:
    """Text of the newest CHANGELOG.md entry (from its heading to the next one)."""
    text = changelog_text(root)
    parts = re.split(r"^## ", text, flags=re.M)
    return next((p for p in parts[1:] if VERSION_LINE.match("## " + p)), "")


def table_schema(name: str, fmt: str) -> dict:
    """The published Table Schema: our x- annotations removed, references to the same format."""
    schema = copy.deepcopy(load_tables()[name].descriptor)
    schema.pop("$schema", None)
    for field in schema["fields"]:
        for key in [k for k in field if k.startswith("x-")]:
            field.pop(key)
        for category in field.get("categories", []):  # x-label-ar: the codebook's and the codes table's
            if isinstance(category, dict):
                for key in [k for k in category if k.startswith("x-")]:
                    category.pop(key)
    for fk in schema.get("foreignKeys", []):
        fk["reference"]["resource"] += FORMATS[fmt][1]
    return schema


def resource(name: str, fmt: str, path: Path, rel: str, rows: int, sha256: str) -> dict:
    mediatype, suffix = FORMATS[fmt]
    table = load_tables()[name].descriptor
    res = {"name": name + suffix, "type": "table", "title": table["title"], "description": table["description"],
           "path": rel, "scheme": "file", "format": fmt, "mediatype": mediatype}
    if fmt == "csv":
        res["encoding"] = "utf-8"
        res["dialect"] = {"$schema": "https://datapackage.org/profiles/2.0/tabledialect.json",
                          "header": True, "delimiter": ",", "quoteChar": "\"", "doubleQuote": True, "lineTerminator": "\n"}
    res["hash"] = "sha256:" + sha256  # hashed by write, as it wrote the file
    # frictionless 5.21 cannot measure a Parquet file's size and reports every `bytes`
    # as wrong, so Parquet sizes go in x-bytes; `verify` checks both.
    res["bytes" if fmt == "csv" else "x-bytes"] = path.stat().st_size
    res["rows"] = rows
    res["schema"] = table_schema(name, fmt)
    return res


def describe(staged: Staged, data_prefix: str = "data") -> Staged:
    """Write datapackage.json for the staged data into the staging folder, beside data/ (paths
    data/...: the layout of a generation and of a release archive; generation.py)."""
    base = json.loads((SCHEMA_DIR / "package.json").read_text(encoding="utf-8"))
    base["version"] = version(staged.root)
    sources = staged.tables["sources"].select(["outlet_en", "article_path"]).to_pylist()
    base["sources"] = [{"title": f"{s['outlet_en']} ({s['article_path']})", "path": s["article_path"]} for s in sources]
    base["resources"] = [
        resource(name, fmt, staged.folder / "data" / f"{name}.{fmt}", f"{data_prefix}/{name}.{fmt}",
                 staged.tables[name].num_rows, staged.sha256[f"{name}.{fmt}"])
        for fmt in FORMATS for name in TABLE_ORDER
    ]
    checkpoint("describe", staged.folder / MANIFEST)
    (staged.folder / MANIFEST).write_bytes(json_bytes(base))
    return staged
