"""verify: every file named by a datapackage.json against its recorded sha256, size,
row count and Table Schema (types and every constraint on every row).

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

from scripts.errors import Collector
from scripts.hashing import sha256_file
from scripts.metadata import Table, categories, required


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


def check_rows(table: pa.Table, schema: dict, display: str, problems: Collector):
    """Every constraint of the Table Schema, vectorised over Arrow columns."""
    def bad(mask, message):
        count = pc.sum(pc.cast(mask, pa.int64())).as_py() or 0
        if count:
            first = pc.indices_nonzero(mask)[0].as_py()
            problems.add(display, 1, f"{message} in {count} row(s), first at row {first + 1}")

    for f in schema["fields"]:
        col, c, name = table.column(f["name"]), f.get("constraints", {}), f["name"]
        if required(f):
            bad(pc.is_null(col), f"{name} is empty")
        if categories(f):
            bad(pc.and_(pc.is_valid(col), pc.invert(pc.is_in(col, value_set=pa.array(categories(f))))), f"{name} outside its vocabulary")
        if "pattern" in c:
            bad(pc.invert(pc.fill_null(pc.match_substring_regex(col, c["pattern"]), True)), f"{name} does not match {c['pattern']}")
        if "minimum" in c:
            bad(pc.fill_null(pc.less(col, c["minimum"]), False), f"{name} below {c['minimum']}")
        if "maximum" in c:
            bad(pc.fill_null(pc.greater(col, c["maximum"]), False), f"{name} above {c['maximum']}")
        if c.get("unique"):
            present = pc.drop_null(col)
            if len(pc.unique(present)) != len(present):  # unique(): a fifth of count_distinct's time on strings
                problems.add(display, 1, f"{name} has duplicate values")
    key = schema["primaryKey"]
    if table.num_rows > 1 and not in_strict_key_order(table, key):
        # The build writes rows in primary-key order, so a repeated key would sit next to its twin.
        repeated = table.group_by(key).aggregate([]).num_rows != table.num_rows
        problems.add(display, 1, f"primary key {'/'.join(key)} has duplicate values" if repeated
                     else f"rows are not in primary key order ({'/'.join(key)})")


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
        else:  # both copies seen: keep only what the quote check reads
            tables[name] = twin.select([c for c in QUOTE_COLUMNS if c in twin.column_names] if quotes else [])
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
