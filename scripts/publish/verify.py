"""verify: every file named by a datapackage.json against its recorded sha256, size,
row count and Table Schema (types, every field constraint on every row, the keys, and the
foreign keys between the tables), with the rules of scripts/constraints.py.

What the package must hold is decided by the schema set this code ships (schemas/, the
contract): for each of its tables a CSV and a Parquet resource whose Table Schema is the one
`build` publishes for it, and no other table. A resource removed from the descriptor, with its
files or without, is caught: a table of the schema set without its resource is reported, and
so is any CSV or Parquet file in the folders of the data that no resource describes (the
`partitioned/` copy is a sub-folder, not a resource). A CSV file's header must be the
schema's field names, in order, with nothing else.

Memory: no table is held whole. Both copies of a table stream past in batches side by side
(publish/verify_rows.py); each batch of the first copy goes through every field rule, the
second copy is compared with it batch by batch, and only key columns, referenced ids and a
bounded cache of article texts are kept.

Works on the repository (datapackage.json at the root, data under build/data) and on an
unpacked release archive alike: resource paths are relative to the descriptor.
"""
from __future__ import annotations

import csv
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from scripts.errors import Collector
from scripts.hashing import sha256_file
from scripts.metadata import Table, load_tables
from scripts.pipeline.generation import read_manifest
from scripts.publish import verify_rows
from scripts.publish.verify_rows import Quotes, References, Rows, rebatched

CSV_BLOCK = 1 << 20  # bytes of CSV parsed per record batch
HEADER_RULE = "the header must be the schema's field names in order"


def expected_schema(table_schema: dict) -> pa.Schema:
    """The Arrow schema of a resource, from the Table Schema recorded in its descriptor."""
    return Table(table_schema.get("name", ""), table_schema).arrow_schema


def _csv_options(schema: pa.Schema) -> pacsv.ConvertOptions:
    return pacsv.ConvertOptions(column_types=schema, strings_can_be_null=True, quoted_strings_can_be_null=False,
                                include_columns=schema.names)


def read_table(path: Path, fmt: str, schema: pa.Schema) -> pa.Table:
    """A whole published file as Arrow, as verify reads it (for tests and users; verify itself streams)."""
    if fmt == "parquet":
        return pq.read_table(path)
    return pacsv.read_csv(path, convert_options=_csv_options(schema))


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
    """Every field rule and key rule of the Table Schema over one whole table."""
    rows = Rows(Table(schema.get("name", ""), schema), display, reread=table.select)
    for batch in rebatched(table.to_batches()):
        rows.add(batch)
    rows.report(problems)


def check_references(tables: dict[str, pa.Table], schemas: dict[str, dict], displays: dict[str, str],
                     problems: Collector):
    """Every foreign key between whole tables, in the order given."""
    refs = References(schemas)
    for name, table in tables.items():
        refs.start(name, displays[name])
        for batch in rebatched(table.to_batches()):
            refs.add(batch)
        refs.finish(complete=True)
    refs.report(problems)


def header_problems(header: list[str], names: list[str]) -> list[str]:
    """What is wrong with a CSV header, against the schema's field names (nothing: [])."""
    if header == names:
        return []
    extra = [h for h in header if h not in names]
    missing = [n for n in names if n not in header]
    repeated = sorted({h for h in header if header.count(h) > 1})
    out = []
    if extra:
        out.append(f"header has columns the schema does not list: {', '.join(extra)} ({HEADER_RULE})")
    if missing:
        out.append(f"header lacks columns of the schema: {', '.join(missing)} ({HEADER_RULE})")
    if repeated:
        out.append(f"header repeats columns: {', '.join(repeated)} ({HEADER_RULE})")
    if not out:
        moved = [i for i, (h, n) in enumerate(zip(header, names)) if h != n]
        out.append(f"header lists the schema's columns in another order: {', '.join(header[i] for i in moved)} where the "
                   f"schema has {', '.join(names[i] for i in moved)} ({HEADER_RULE})")
    return out


class Copy:
    """One file of a table, its CSV or its Parquet copy, read as a stream of batches of BATCH_ROWS rows."""

    def __init__(self, base: Path, res: dict):
        self.res, self.display, self.path = res, res["path"], base / res["path"]
        self.schema = expected_schema(res.get("schema", {"fields": []}))
        self.stream, self.error, self.count, self.differs = None, None, 0, False
        self.checks: Rows | None = None

    def file_problems(self) -> list[str]:
        """Size and sha256 against the descriptor (run in a thread: hashing releases the GIL)."""
        out = []
        recorded = self.res.get("bytes", self.res.get("x-bytes"))
        if self.path.stat().st_size != recorded:
            out.append(f"size is {self.path.stat().st_size} bytes, datapackage.json says {recorded}")
        digest = "sha256:" + sha256_file(self.path)
        if digest != self.res.get("hash"):
            out.append(f"sha256 differs from datapackage.json (file was changed): {digest[7:19]}... != "
                       f"{str(self.res.get('hash'))[7:19]}...")
        return out

    def open(self, problems: Collector) -> bool:
        """Start reading, after the checks of its columns: the CSV header, the Parquet schema."""
        fmt = self.res.get("format")
        try:
            if fmt == "csv":
                with open(self.path, newline="", encoding="utf-8") as f:
                    header = next(csv.reader(f), [])
                wrong = header_problems(header, self.schema.names)
                for message in wrong:
                    problems.add(self.display, 1, message)
                if wrong:
                    return False
                self.stream = rebatched(pacsv.open_csv(self.path, read_options=pacsv.ReadOptions(block_size=CSV_BLOCK),
                                                       convert_options=_csv_options(self.schema)))
            elif fmt == "parquet":
                file = pq.ParquetFile(self.path)
                if [(f.name, f.type) for f in file.schema_arrow] != [(f.name, f.type) for f in self.schema]:
                    problems.add(self.display, 1, "columns or types differ from the schema in datapackage.json")
                    return False
                self.stream = rebatched(file.iter_batches(batch_size=verify_rows.BATCH_ROWS))
            else:
                problems.add(self.display, 1, f"format {fmt!r} is neither csv nor parquet")
                return False
        except (pa.ArrowException, OSError, UnicodeDecodeError, csv.Error) as e:
            self.fail(e)
            problems.add(self.display, 1, self.error)
            return False
        return True

    def read_columns(self, columns: list[str]) -> pa.Table:
        """Some columns of the whole file, read again (only when a key check needs the full column)."""
        if self.res.get("format") == "parquet":
            return pq.read_table(self.path, columns=columns)
        return read_table(self.path, "csv", pa.schema([self.schema.field(c) for c in columns]))

    def fail(self, e: Exception):
        first = str(e).splitlines()[0] if str(e) else type(e).__name__
        self.error = f"cannot be read as {self.res.get('format')} with its schema: {first}"

    def next(self) -> pa.Table | None:
        """The next batch (None at the end or after a read error, which is kept in `error`)."""
        if self.stream is None or self.error:
            return None
        try:
            batch = next(self.stream, None)
        except (pa.ArrowException, OSError) as e:
            self.fail(e)
            return None
        if batch is not None:
            self.count += batch.num_rows
        return batch


def _same_rows(a: pa.Table, b: pa.Table) -> bool:
    return a.num_rows == b.num_rows and all(x.equals(y) for x, y in zip(a.columns, b.columns))


def check_table(name: str, copies: list[Copy], refs: References, quotes: Quotes | None, problems: Collector) -> bool:
    """Stream the table's copies side by side; True if its first copy was read whole.

    The first copy's rows go through every rule, the foreign keys and the quote check; the
    second is compared with it batch by batch and checked by the rules only from the first
    batch that differs (the rows before it are the first copy's, whose findings it inherits).
    """
    opened = [c for c in copies if c.open(problems)]
    if not opened:
        return False
    for c in opened:
        c.checks = Rows(Table(name, c.res["schema"]), c.display, reread=c.read_columns)
    refs.start(name, opened[0].display)
    first, second = _stream(name, opened[0], opened[1] if len(opened) > 1 else None, refs, quotes, problems)
    for c in [first, second] if second else [first]:
        if c.error:
            problems.add(c.display, 1, c.error)
            continue
        if c.count != c.res.get("rows"):
            problems.add(c.display, 1, f"has {c.count} rows, datapackage.json says {c.res.get('rows')}")
        if c is first or c.differs:
            c.checks.report(problems)
        if c is not first and c.differs:
            problems.add(c.display, 1, f"holds other rows than its {first.res['format'].upper()} copy")
    complete = first.error is None
    refs.finish(complete)
    return complete


def _stream(name: str, first: Copy, second: Copy | None, refs: References, quotes: Quotes | None,
            problems: Collector) -> tuple[Copy, Copy | None]:
    """Read both copies to their end; (the copy read first, the other) at the end, which is
    (second, None) if the first could not be read to its end and the second carried on."""
    while True:
        a, b = first.next(), (second.next() if second else None)
        if a is None and first.error and second is not None and not second.error:
            problems.add(first.display, 1, first.error)
            if not second.differs:
                second.checks.inherit(first.checks)
            first, second, a, b = second, None, b, None
            refs.display = first.display
        if a is None and b is None:
            return first, second
        if second is not None and not second.differs and (a is None or b is None or not _same_rows(a, b)):
            second.differs = True
            second.checks.inherit(first.checks)
        if a is not None:
            offset = first.checks.rows
            first.checks.add(a)
            refs.add(a)
            if quotes is not None:
                if name == "sources":
                    quotes.add_sources(a)
                quotes.check(name, a, offset)
        if second is not None and second.differs and b is not None:
            second.checks.add(b)


def check_resource_set(package: dict, base: Path, label: str, problems: Collector):
    """The package's tables against the schema set, and the data files present against the resources."""
    from scripts.pipeline.describe import FORMATS, table_schema

    resources = package.get("resources", [])
    tables = {r.get("name"): r for r in resources if r.get("type") == "table"}
    expected = set()
    for name in load_tables():
        for fmt, (_, suffix) in FORMATS.items():
            copy_name = "CSV" if fmt == "csv" else "Parquet"
            expected.add(name + suffix)
            res = tables.get(name + suffix)
            if res is None:
                problems.add(label, 1, f"no resource for table {name} (schemas/{name}.schema.json), {copy_name} copy: "
                                       "the package lacks a table")
                continue
            if res.get("format") != fmt:
                problems.add(res["path"], 1, f"format is {res.get('format')!r}: the {copy_name} copy of {name} is {fmt!r}")
            published, found = table_schema(name, fmt), res.get("schema", {})
            differs = [k for k in sorted(set(published) | set(found)) if published.get(k) != found.get(k)]
            if differs:
                problems.add(res["path"], 1, f"its schema in datapackage.json differs from schemas/{name}.schema.json "
                                             f"({', '.join(differs)})")
    for res_name, res in tables.items():
        if res_name not in expected:
            problems.add(res.get("path", label), 1, f"resource {res_name} is not a table of this package's schemas "
                                                    "(schemas/*.schema.json)")
    described = {(base / r["path"]).resolve() for r in resources if r.get("path")}
    for folder in sorted({(base / r["path"]).parent for r in tables.values() if r.get("path")}):
        for path in sorted(folder.iterdir()) if folder.is_dir() else []:
            if path.suffix in (".csv", ".parquet") and path.is_file() and path.resolve() not in described:
                problems.add(path.relative_to(base).as_posix(), 1, "a data file that datapackage.json does not describe")


def contract_tables(resources: list[dict]) -> list[dict]:
    """The table resources whose rows verify reads, each with the Table Schema of the contract
    (schemas/): a schema in the descriptor that differs is reported by check_resource_set, and
    rows are never read with it; a table outside the schema set is reported there too, not read."""
    from scripts.pipeline.describe import FORMATS, table_schema

    wanted = {name + suffix: (name, fmt) for name in load_tables() for fmt, (_, suffix) in FORMATS.items()}
    out = []
    for res in resources:
        if res.get("type") == "table" and res["name"] in wanted and res.get("format") == wanted[res["name"]][1]:
            out.append({**res, "schema": table_schema(*wanted[res["name"]])})
    return out


def verify(descriptor_path: Path, articles: Path | None = None, quotes: bool = True) -> tuple[list[str], int]:
    """Check every resource; raise DataError naming each tampered or missing file.

    With the article texts (ARTICLES, or an articles/ folder beside the descriptor), also
    check each article's sha256 and that every quote sits at its recorded offsets (quotes=False: not).
    """
    descriptor_path = Path(descriptor_path)
    base = descriptor_path.parent
    problems = Collector()
    package = read_manifest(descriptor_path)  # the shape every step below relies on, or one message
    check_resource_set(package, base, descriptor_path.name, problems)
    resources = package.get("resources", [])
    checked = []
    for res in resources:
        if res.get("type") != "table":
            checked += check_file(base, res, problems)
    # The tables in the schema set's order, so that referenced tables (and sources, for the
    # quotes) are read before the tables that refer to them; both copies of a table together.
    order = list(load_tables())
    tables = contract_tables(resources)
    names = sorted(dict.fromkeys(r["name"].removesuffix("-parquet") for r in tables),
                   key=lambda n: order.index(n) if n in order else len(order))
    schemas: dict[str, dict] = {}  # per table, the schema of the copy read first (CSV, else Parquet)
    for r in sorted(tables, key=lambda r: r.get("format") != "csv"):
        schemas.setdefault(r["name"].removesuffix("-parquet"), r.get("schema", {}))
    refs = References(schemas)
    articles = Path(articles) if articles else base / "articles"
    quote_check = Quotes(articles, problems) if quotes and articles.is_dir() else None
    with ThreadPoolExecutor(max_workers=2) as pool:
        for name in names:
            copies = [Copy(base, r) for r in sorted((r for r in tables if r["name"].removesuffix("-parquet") == name),
                                                   key=lambda r: r.get("format") != "csv")]
            present = [c for c in copies if c.path.is_file()]
            for c in copies:
                if c not in present:
                    problems.add(c.display, 1, "file is missing")
            hashed = [pool.submit(c.file_problems) for c in present]
            complete = check_table(name, present, refs, quote_check, problems)
            if name == "sources" and not complete:
                quote_check = None  # without every source, a quote cannot be placed
            for c, future in zip(present, hashed):
                for message in future.result():
                    problems.add(c.display, 1, message)
            checked += [c.display for c in present if c.checks is not None]
    refs.report(problems)
    checked_articles = quote_check.finish() if quote_check is not None and "sources" in names else 0
    problems.raise_if_any()
    return checked, checked_articles
