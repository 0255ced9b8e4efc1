"""Arrow 7, package: the datapackage.json manifest (Data Package v2) of the written files.

Package-level metadata is hand-written in schemas/package.json; the version comes from
the newest CHANGELOG.md entry; every resource carries its Table Schema, sha256, size and
row count, so a user can verify every file.
"""
from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import zipfile
from pathlib import Path

from scripts.errors import Collector
from scripts.metadata import SCHEMA_DIR, TABLE_ORDER, load_tables, package_name
from scripts.pipeline.write import Staged

FORMATS = {"csv": ("text/csv", ""), "parquet": ("application/vnd.apache.parquet", "-parquet")}
VERSION_LINE = re.compile(r"^## \[?(\d{4}\.\d{2}\.\d{2})\]?")


def version(root: Path) -> str:
    """CalVer of the newest CHANGELOG.md entry (the first '## YYYY.MM.DD' heading)."""
    path = Path(root) / "CHANGELOG.md"
    problems = Collector()
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            match = VERSION_LINE.match(line)
            if match:
                return match.group(1)
    problems.add("CHANGELOG.md", 1, "no release heading like '## 2026.11.23' found")
    problems.raise_if_any()


def changelog_entry(root: Path) -> str:
    """Text of the newest CHANGELOG.md entry (from its heading to the next one)."""
    text = (Path(root) / "CHANGELOG.md").read_text(encoding="utf-8")
    parts = re.split(r"^## ", text, flags=re.M)
    return next((p for p in parts[1:] if VERSION_LINE.match("## " + p)), "")


def table_schema(name: str, fmt: str) -> dict:
    """The published Table Schema: our x- annotations removed, references to the same format."""
    schema = copy.deepcopy(load_tables()[name].descriptor)
    schema.pop("$schema", None)
    for field in schema["fields"]:
        for key in [k for k in field if k.startswith("x-")]:
            field.pop(key)
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


def describe(staged: Staged, data_prefix: str = "build/data") -> Staged:
    """Write datapackage.json for the staged data into the staging folder."""
    base = json.loads((SCHEMA_DIR / "package.json").read_text(encoding="utf-8"))
    base["version"] = version(staged.root)
    sources = staged.tables["sources"].select(["outlet_en", "article_path"]).to_pylist()
    base["sources"] = [{"title": f"{s['outlet_en']} ({s['article_path']})", "path": s["article_path"]} for s in sources]
    base["resources"] = [
        resource(name, fmt, staged.folder / "data" / f"{name}.{fmt}", f"{data_prefix}/{name}.{fmt}",
                 staged.tables[name].num_rows, staged.sha256[f"{name}.{fmt}"])
        for fmt in FORMATS for name in TABLE_ORDER
    ]
    (staged.folder / "datapackage.json").write_text(json.dumps(base, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return staged


# --- release archive -------------------------------------------------------------------

CODE_FILES = ("requirements.txt", "LICENSE")
DOC_FILES = ("CITATION.cff", "CHANGELOG.md", "LICENSE-DATA.md")
ARTICLE_LICENSE = {"name": "publisher-copyright", "title": "Article texts: copyright of their publishers; included "
                   "only to verify quotes, not covered by the package licence"}


def archive_descriptor(root: Path, texts: bool) -> dict:
    """The repository's datapackage.json with paths relative to the archive, plus the article texts."""
    package = json.loads((Path(root) / "datapackage.json").read_text(encoding="utf-8"))
    for res in package["resources"]:
        res["path"] = res["path"].removeprefix("build/")
    if texts:
        sources = json.loads((Path(root) / "datapackage.json").read_text(encoding="utf-8"))["sources"]
        for s in sources:
            data = (Path(root) / s["path"]).read_bytes()
            package["resources"].append({
                "name": "article-" + Path(s["path"]).stem.replace("_", "-").lower(), "type": "file",
                "title": s["title"], "path": s["path"], "scheme": "file", "format": "txt", "mediatype": "text/plain",
                "encoding": "utf-8", "hash": "sha256:" + hashlib.sha256(data).hexdigest(), "bytes": len(data),
                "licenses": [ARTICLE_LICENSE]})
    return package


def release(root: Path, texts: bool = True) -> Path:
    """build/dist/<name>-<version>[-notexts].zip: deterministic, verifiable, citable."""
    from scripts.db.build import database_path

    root = Path(root)
    name, ver = package_name(), version(root)
    problems = Collector()
    database = database_path(root)
    for needed in (root / "build" / "data", database, root / "build" / "views.sql", root / "datapackage.json",
                   root / "CITATION.cff"):
        if not needed.exists():
            problems.add(needed.relative_to(root).as_posix(), 1, "missing: run `make db` before `make package`"
                         if "build" in needed.parts else "missing: the release needs it")
    problems.raise_if_any()
    top = f"{name}-{ver}"
    descriptor = archive_descriptor(root, texts)
    files: dict[str, bytes] = {"datapackage.json": _json_bytes(descriptor)}
    for res in descriptor["resources"]:
        source = root / ("build/" + res["path"] if res["path"].startswith("data/") else res["path"])
        files[res["path"]] = source.read_bytes()
    files[f"{name}.duckdb"] = database.read_bytes()
    files["views.sql"] = (root / "build" / "views.sql").read_bytes()
    for rel in (*DOC_FILES, *CODE_FILES):
        files[rel] = (root / rel).read_bytes()
    for path in sorted((SCHEMA_DIR.parent / "scripts").rglob("*")) + sorted(SCHEMA_DIR.glob("*.json")):
        if path.is_file() and "__pycache__" not in path.parts:
            files[path.relative_to(SCHEMA_DIR.parent).as_posix()] = path.read_bytes()
    files["croissant.json"] = _json_bytes(croissant(descriptor, root))
    files["README.md"] = data_card(root, descriptor, texts).encode("utf-8")
    files["SHA256SUMS"] = "".join(f"{hashlib.sha256(data).hexdigest()}  {rel}\n"
                                  for rel, data in sorted(files.items())).encode("utf-8")
    target = root / "build" / "dist" / f"{top}{'' if texts else '-notexts'}.zip"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".tmp-{os.getpid()}")
    write_zip(tmp, top, files, ver)
    os.replace(tmp, target)
    return target


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


CROISSANT_TYPES = {"string": "TEXT", "number": "FLOAT", "integer": "INTEGER", "date": "DATE"}


def croissant(descriptor: dict, root: Path) -> dict:
    """ML Commons Croissant 1.0 JSON-LD generated from the datapackage descriptor.

    Record sets read the CSV files; every file, Parquet included, is a FileObject with sha256.
    """
    import mlcroissant as mlc

    objects, record_sets = [], []
    for res in descriptor["resources"]:
        if res.get("type") != "table":
            continue
        objects.append(mlc.FileObject(id=res["path"], name=res["path"], content_url=res["path"],
                                      encoding_formats=[res["mediatype"]], sha256=res["hash"].removeprefix("sha256:"),
                                      content_size=f"{res.get('bytes', res.get('x-bytes'))} B", description=res["description"]))
        if res["format"] != "csv":
            continue
        fields = [mlc.Field(id=f"{res['name']}/{f['name']}", name=f["name"], description=f["description"],
                            data_types=[getattr(mlc.DataType, CROISSANT_TYPES[f["type"]])],
                            source=mlc.Source(file_object=res["path"], extract=mlc.Extract(column=f["name"])))
                  for f in res["schema"]["fields"]]
        record_sets.append(mlc.RecordSet(id=res["name"], name=res["name"], description=res["description"],
                                         fields=fields, key=[f"{res['name']}/{k}" for k in res["schema"]["primaryKey"]]))
    cite = citation(root) if (Path(root) / "CITATION.cff").is_file() else None
    metadata = mlc.Metadata(
        name=descriptor["name"], description=descriptor["description"], version=descriptor["version"],
        license=[lic.get("path", lic["name"]) for lic in descriptor["licenses"]],
        keywords=descriptor.get("keywords"), date_published=descriptor["version"].replace(".", "-"),
        cite_as=cite["text"] if cite else None, distribution=objects, record_sets=record_sets)
    return metadata.to_json()


def citation(root: Path) -> dict:
    """Title, authors, version and a one-line citation from CITATION.cff."""
    import yaml

    cff = yaml.safe_load((Path(root) / "CITATION.cff").read_text(encoding="utf-8"))
    authors = "; ".join(a.get("name") or f"{a.get('family-names')}, {a.get('given-names')}" for a in cff["authors"])
    text = f"{authors} ({cff['date-released'][:4]}). {cff['title']} (Version {cff['version']}) [Data set]."
    return {"cff": cff, "authors": authors, "text": text}


def data_card(root: Path, descriptor: dict, texts: bool) -> str:
    """README.md of the archive: what, scope, how built, limitations, how to query and cite."""
    rows = {r["name"]: r["rows"] for r in descriptor["resources"] if r.get("format") == "csv"}
    sources = descriptor["sources"]
    limits = (SCHEMA_DIR.parent / "docs" / "limitations.md")
    cite = citation(root)
    lines = [f"# {descriptor['title']}", "", f"Version {descriptor['version']}.", "", descriptor["description"], "",
             "## Contents", "", "| table | rows | what one row is |", "|---|---|---|"]
    lines += [f"| `{r['name']}` | {r['rows']} | {r['description']} |" for r in descriptor["resources"] if r.get("format") == "csv"]
    lines += ["", "Each table is in `data/` as CSV and Parquet (same rows, same order). "
              f"`{package_name()}.duckdb` holds the same tables with column comments and the analysis views; "
              "`views.sql` creates them over the Parquet files for any DuckDB.", "",
              "## Sources", ""]
    lines += [f"- {s['title']}" for s in sources]
    lines += ["", f"{len(sources)} articles; {rows.get('mentions', 0)} claims about {rows.get('events', 0)} events, "
              f"{rows.get('figures', 0)} numeric claims.", ""]
    if limits.is_file():
        lines += [limits.read_text(encoding="utf-8").strip(), ""]
    lines += ["## Verify", "", "```sh", "sha256sum -c SHA256SUMS", "python -m scripts verify datapackage.json"
              + (" --articles articles" if texts else ""), "```", "",
              "## Query", "", "```sql", f"ATTACH '{package_name()}.duckdb' AS d (READ_ONLY); USE d;",
              "SELECT * FROM timeline;", "```", "", "Or, with only the Parquet files: `SET file_search_path = '.';` "
              "then run `views.sql`.", "",
              "## Cite", "", cite["text"], "", "See `CITATION.cff`.", "",
              "## Licences", "", "Tables, annotations and translations: CC-BY-4.0. Code: MIT. "
              + ("Article texts in `articles/`: copyright of their publishers, included only for verification. "
                 if texts else "This archive leaves out the article texts; quotes, offsets and sha256 let you verify "
                 "every row against copies you obtain yourself. ") + "See `LICENSE-DATA.md`.", ""]
    return "\n".join(lines)
