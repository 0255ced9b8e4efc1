"""new-source: scaffold annotations/sources/<source_id>.yaml for a new article.

The scaffold is written from schemas/annotation.schema.json, so it lists exactly the
fields the build accepts: every required field with a quoted "TODO" placeholder (the build
names each one that is left), every optional field as a comment with its description, and a
first line that lets editors with the YAML language server validate the file while typing.
The article's file name must follow the rule of docs/methodology.md (section 14).
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from scripts.metadata import annotation_schema

# articles/NNN_<16 hex>.txt: a three-digit number unique in articles/, then 16 lowercase hex digits.
ARTICLE_NAME = re.compile(r"^(\d{3})_[0-9a-f]{16}\.txt$")
ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
FIRST_SENTENCE = re.compile(r"(.*?)(?:(?<!e\.g)(?<!i\.e)\.(?:\s|$)|$)", re.S)
SCHEMA_LINE = "# yaml-language-server: $schema=../../schemas/editor/source-file.schema.json"
FILLED = {"language": "ar"}   # values the scaffold can fill in itself, besides those from the file


class ScaffoldError(Exception):
    pass


def suggested_name(articles: Path, data: bytes) -> str:
    """The name the rule gives a new article: the next free number and the start of its sha256."""
    taken = {int(m.group(1)) for p in articles.glob("*.txt") if (m := ARTICLE_NAME.match(p.name))}
    return f"{max(taken, default=-1) + 1:03d}_{hashlib.sha256(data).hexdigest()[:16]}.txt"


def check_article_name(articles: Path, path: Path, data: bytes):
    match = ARTICLE_NAME.match(path.name)
    if not match:
        raise ScaffoldError(f"articles/{path.name}: article files are named NNN_<16 hex digits>.txt "
                            f"(docs/methodology.md, section 14); rename it to articles/{suggested_name(articles, data)}")
    same = [p.name for p in articles.glob(f"{match.group(1)}_*.txt") if p.name != path.name]
    if same:
        raise ScaffoldError(f"articles/{path.name}: number {match.group(1)} is taken by articles/{same[0]}; "
                            f"rename it to articles/{suggested_name(articles, data)}")


def _quoted(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _field_lines(properties: dict, required: list[str], known: dict, indent: str) -> list[str]:
    lines = []
    for name, spec in properties.items():
        about = FIRST_SENTENCE.match(spec.get("description", "")).group(1)
        if name in known:
            lines.append(f"{indent}{name}: {_quoted(known[name])}")
        elif name in required:
            lines.append(f"{indent}{name}: \"TODO\"    # {about}")
        else:
            lines.append(f"{indent}# {name}: ...    # optional: {about}")
    return lines


def scaffold_text(article: str, text: str, data: bytes, source_id: str) -> str:
    sections = annotation_schema()["$defs"]["source_file"]["properties"]
    source = sections["source"]
    known = {"source_id": source_id, "article_path": article, "article_sha256": hashlib.sha256(data).hexdigest(), **FILLED}
    lines = [SCHEMA_LINE,
             f"# Annotation of {article} ({len(text)} characters). See docs/methodology.md.",
             "# Replace every \"TODO\" (`make check` lists those left) and uncomment the optional fields that apply.",
             *(["# source_id is a placeholder: rename it and this file together once you know the outlet and the date."]
               if source_id.startswith("new-") else []),
             "source:", *_field_lines(source["properties"], source.get("required", []), known, "  ")]
    for name, spec in sections.items():
        if name == "source":
            continue
        item = spec["items"]
        lines += ["", f"{name}: []" + ("    # at least one" if spec.get("minItems") else ""),
                  f"# each item of {name}:", *_field_lines(item["properties"], item.get("required", []), {}, "#   ")]
    return "\n".join(lines) + "\n"


def new_source(root: Path, article: str, source_id: str | None = None) -> Path:
    root = Path(root)
    path = (root / article).resolve()
    articles = (root / "articles").resolve()
    try:
        rel = path.relative_to(articles)
    except ValueError:
        raise ScaffoldError(f"{article}: articles must live in articles/") from None
    if not path.is_file():
        raise ScaffoldError(f"{article}: no such file")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ScaffoldError(f"{article}: not valid UTF-8 at byte {e.start}") from None
    source_id = source_id or "new-" + re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
    if not ID.fullmatch(source_id):
        raise ScaffoldError(f"source id '{source_id}' is not lowercase kebab-case")
    target = root / "annotations" / "sources" / f"{source_id}.yaml"
    if target.exists():
        raise ScaffoldError(f"{target.relative_to(root)} already exists; refusing to overwrite it")
    for other in (root / "annotations" / "sources").glob("*.yaml"):
        if f"articles/{rel.as_posix()}" in other.read_text(encoding="utf-8", errors="replace"):
            raise ScaffoldError(f"{other.relative_to(root)} already annotates articles/{rel.as_posix()}")
    check_article_name(articles, path, data)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(scaffold_text(f"articles/{rel.as_posix()}", text, data, source_id), encoding="utf-8")
    return target

