"""verify: every file named by a datapackage.json against its recorded sha256, size,
row count and Table Schema (types, every field constraint on every row, the keys, and the
foreign keys between the tables), with the rules of scripts/constraints.py.

Works on the repository (datapackage.json at the root, data under build/data) and on an
unpacked release archive alike: resource paths are relative to the descriptor.
"""
from __future__ import annotations

import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from scripts.constraints import failures, foreign_keys, keys, missing_references, repeated_rows
from scripts.errors import Collector
from scripts.hashing import sha256_file
from scripts.metadata import Table


def expected_schema(table_schema: dict) -> pa.Schema:
    """The Arrow schema of a resource, from the Table Schema recorded in its descriptor."""
    return Table(table_schema.get("name", ""), table_schema).arrow_schema


def read_table(path: Path, fmt: str, schema: pa.Schema) -> pa.Table:
    if fmt == "parquet":
        return pq.read_table(path)
    options = pacsv.ConvertOptions(column_types=schema, strings_can_be_null=True, quoted_strings_can_be_null=False,
                                   include_columns=schema.names)
    return pacsv.read_csv(path, convert_options=options)


def check_file(base: Path, res: dict, problems: Collector) -> list[str]:
    """A non-tabular resource (an article text): present, right size, right sha256."""
    path = base / res["path"]
    if not path.is_file():
        problems.add(res["path"], 1, "file is missing")
        return []
    if path.stat().st_size != res.get("bytes") or "sha256:" + sha256_file(path) != res.get("hash"):
        problems.add(res["path"], 1, "size or sha256 differs from datapackage.json (file was changed)")
    return [res["path"]]


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _bad_rows(problems: Collector, display: str, what: str, rows: list[int], value=None):
    """One message for every row that breaks one rule: how many, the first, its value."""
    shown = "" if value is None else f" ({_shown(value)})"
    problems.add(display, 1, f"{what} in {len(rows)} row(s), first at row {rows[0] + 1}{shown}")


def check_rows(table: pa.Table, schema: dict, display: str, problems: Collector):
    """Every field rule and key rule of the Table Schema (scripts/constraints.py), vectorised
    over Arrow columns."""
    described = Table(schema.get("name", ""), schema)
    for failure in failures(described, table):
        _bad_rows(problems, display, f"{failure.rule.column} {failure.rule.broken}", failure.rows, failure.values[0])
    for key in keys(described):
        columns = list(key.columns)
        if key.constraint == "primaryKey":
            # The build writes rows in primary-key order, so a repeated key would sit next to its twin.
            if table.num_rows < 2 or in_strict_key_order(table, columns):
                continue
            rows = repeated_rows(table, columns)
            if not rows:
                problems.add(display, 1, f"rows are not in primary key order ({'/'.join(columns)})")
                continue
        else:
            rows = repeated_rows(table, columns)
        if rows:
            value = table.select(columns).slice(rows[0], 1).to_pylist()[0]
            shown = tuple(value.values()) if len(columns) > 1 else value[columns[0]]
            _bad_rows(problems, display, f"{key.label} has duplicate values", rows, shown)


def check_references(tables: dict[str, pa.Table], schemas: dict[str, dict], displays: dict[str, str],
                     problems: Collector):
    """Every foreign key between the tables of the package (each table read once: its first copy)."""
    for name, schema in schemas.items():
        for fk in foreign_keys(Table(name, schema)):
            target = fk.resource.removesuffix("-parquet")
            if name not in tables or target not in tables:
                continue  # a missing or unreadable file is reported already
            values = tables[name].column(fk.column)
            rows = pc.indices_nonzero(missing_references(values, tables[target].column(fk.target))).to_pylist()
            if rows:
                _bad_rows(problems, displays[name], f"{fk.column} not found in {target}.{fk.target} (foreign key)",
                          rows, values[rows[0]].as_py())


def _reference_columns(resources: list[dict]) -> dict[str, set[str]]:
    """Per table, the columns that foreign keys read: its own referencing columns and those others refer to."""
    needed: dict[str, set[str]] = {}
    for res in resources:
        name = res["name"].removesuffix("-parquet")
        for fk in foreign_keys(Table(name, res.get("schema", {}))):
            needed.setdefault(name, set()).add(fk.column)
            needed.setdefault(fk.resource.removesuffix("-parquet"), set()).add(fk.target)
    return needed


def in_strict_key_order(table: pa.Table, key: list[str]) -> bool:
    """Is every row's key greater than the previous row's (so no key repeats)? One vectorised
    comparison of neighbours, column by column (a later column decides where earlier ones tie)."""
    after, tied = None, None
    for name in key:
        column = table.column(name)
        previous, current = column.slice(0, len(column) - 1), column.slice(1)
        greater, equal = pc.greater(current, previous), pc.equal(current, previous)
        after = greater if after is None else pc.or_(after, pc.and_(tied, greater))
        tied = equal if tied is None else pc.and_(tied, equal)
    return bool(pc.all(pc.fill_null(after, False)).as_py())


QUOTE_COLUMNS = ("source_id", "article_path", "article_sha256", "quote", "char_start", "char_end")


def _read_resource(base: Path, res: dict) -> tuple[pa.Table | None, list[str]]:
    """(the table, problems of the file itself) of a table resource: size, sha256, readable."""
    if res.get("type") != "table":
        return None, []
    path = base / res["path"]
    if not path.is_file():
        return None, ["file is missing"]
    out = []
    recorded = res.get("bytes", res.get("x-bytes"))
    if path.stat().st_size != recorded:
        out.append(f"size is {path.stat().st_size} bytes, datapackage.json says {recorded}")
    digest = "sha256:" + sha256_file(path)
    if digest != res.get("hash"):
        out.append(f"sha256 differs from datapackage.json (file was changed): {digest[7:19]}... != {str(res.get('hash'))[7:19]}...")
    try:
        return read_table(path, res["format"], expected_schema(res["schema"])), out
    except (pa.ArrowInvalid, OSError) as e:
        return None, out + [f"cannot be read as {res['format']} with its schema: {str(e).splitlines()[0]}"]


def _one_ahead(func, items):
    """(item, func(item)) in order, computing the next item's result in a thread meanwhile
    (reading and hashing release the GIL, so the next file is read while this one is checked)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(func, items[0]) if items else None
        for i, item in enumerate(items):
            result = pending.result()
            pending = pool.submit(func, items[i + 1]) if i + 1 < len(items) else None
            yield item, result


def verify(descriptor_path: Path, articles: Path | None = None, quotes: bool = True) -> tuple[list[str], int]:
    """Check every resource; raise DataError naming each tampered or missing file.

    With the article texts (ARTICLES, or an articles/ folder beside the descriptor), also
    check each article's sha256 and that every quote sits at its recorded offsets (quotes=False: not).
    """
    descriptor_path = Path(descriptor_path)
    base = descriptor_path.parent
    problems = Collector()
    try:
        package = json.loads(descriptor_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        problems.add(str(descriptor_path), 1, f"cannot read the descriptor: {e}")
        problems.raise_if_any()
    checked, tables = [], {}
    # Both copies of a table one after the other, so that the first is let go once compared.
    resources = package.get("resources", [])
    pairs = list(dict.fromkeys(r["name"].removesuffix("-parquet") for r in resources if r.get("type") == "table"))
    resources = sorted(resources, key=lambda r: pairs.index(r["name"].removesuffix("-parquet"))
                       if r.get("type") == "table" else len(pairs))
    needed = _reference_columns([r for r in resources if r.get("type") == "table"])
    references, reference_schemas, displays = {}, {}, {}
    for res, read in _one_ahead(lambda r: _read_resource(base, r), resources):
        if res.get("type") != "table":
            checked += check_file(base, res, problems)
            continue
        display = res["path"]
        table, read_problems = read
        for message in read_problems:
            problems.add(display, 1, message)
        if table is None:
            continue
        if table.num_rows != res.get("rows"):
            problems.add(display, 1, f"has {table.num_rows} rows, datapackage.json says {res.get('rows')}")
        schema = expected_schema(res["schema"])
        if [(f.name, f.type) for f in table.schema] != [(f.name, f.type) for f in schema]:
            problems.add(display, 1, "columns or types differ from the schema in datapackage.json")
            continue
        # The CSV and Parquet copies of a table are checked row by row once; the second
        # copy must then hold exactly the same rows, which is much faster to compare.
        twin = tables.get(res["name"].removesuffix("-parquet"))
        if twin is None or not all(a.equals(b) for a, b in zip(twin.columns, table.columns)):
            check_rows(table, res["schema"], display, problems)
            if twin is not None:
                problems.add(display, 1, "holds other rows than its CSV copy")
        checked.append(display)
        name = res["name"].removesuffix("-parquet")
        if twin is None:
            tables[name] = table
            if name in needed:  # the first copy of each table: its rows were checked
                references[name] = table.select(sorted(needed[name] & set(table.column_names)))
                reference_schemas[name], displays[name] = res["schema"], display
        else:  # both copies seen: keep only what the quote check reads
            tables[name] = twin.select([c for c in QUOTE_COLUMNS if c in twin.column_names] if quotes else [])
    check_references(references, reference_schemas, displays, problems)
    del references
    articles = Path(articles) if articles else base / "articles"
    checked_articles = 0
    if quotes and articles.is_dir() and "sources" in tables:
        checked_articles = check_quotes(tables, articles, problems)
    problems.raise_if_any()
    return checked, checked_articles


def check_quotes(tables: dict, articles: Path, problems: Collector) -> int:
    """Every article's sha256 and every quote against article[char_start:char_end]."""
    texts = {}
    for source in tables["sources"].select(["source_id", "article_path", "article_sha256"]).to_pylist():
        path = articles / Path(source["article_path"]).name
        if not path.is_file():
            continue  # the user may hold only some of the articles
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != source["article_sha256"]:
            problems.add(str(path), 1, f"sha256 differs from sources.article_sha256 of {source['source_id']}")
            continue
        texts[source["source_id"]] = data.decode("utf-8")
    for name in [n for n, table in tables.items() if "quote" in table.column_names]:
        table = tables[name]
        sources, starts, ends = (table.column(c).to_pylist() for c in ("source_id", "char_start", "char_end"))
        # The slices go back to Arrow and are compared there: no Python string per stored quote.
        sliced = pa.array([texts[s][a:b] if s in texts else None for s, a, b in zip(sources, starts, ends)], pa.string())
        differs = pc.fill_null(pc.not_equal(sliced, table.column("quote")), False)
        for i in pc.indices_nonzero(differs).to_pylist():
            problems.add(f"data/{name}", i + 2, f"quote does not match article {sources[i]} at {starts[i]}-{ends[i]}")
    return len(texts)
