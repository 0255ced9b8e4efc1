"""Arrow 3, tables: the located records of one annotation file -> its rows of each table.

Columns, order and types come from the Table Schemas. A column marked `x-derived` is
computed here (offsets, date bounds, article length, the owning source); every other
column is copied from the annotation key of the same name. Each row also carries where
it was written (ORIGIN columns: file and line of its record), which validate uses to
name the line of a problem and write leaves out.
"""
from __future__ import annotations

import bisect

import pyarrow as pa
import pyarrow.compute as pc

from scripts.errors import Collector
from scripts.metadata import Table, load_tables, source_sections
from scripts.pipeline.dates import DateProblem, bounds
from scripts.pipeline.listing import CATALOGUES
from scripts.pipeline.locate import Article
from scripts.pipeline.records import Record

ORIGIN = pa.schema([pa.field("_path", pa.string(), nullable=False), pa.field("_line", pa.int32(), nullable=False)])
CATALOGUE_TABLES = {kind: name.removesuffix(".yaml") for name, kind in CATALOGUES.items()}


def with_origin(table: Table) -> pa.Schema:
    """The table's Arrow schema plus the origin columns."""
    return pa.schema(list(table.arrow_schema) + list(ORIGIN))


def records_by_table(doc: Record, kind: str) -> dict[str, list[Record]]:
    """The records of one file, per output table."""
    if kind in CATALOGUE_TABLES:
        name = CATALOGUE_TABLES[kind]
        return {name: list(doc[name])}
    rows = {"sources": [doc["source"]]}
    for name in source_sections(load_tables()):
        rows[name] = list(doc.get(name, []))
    return rows


def derive_column(field: dict, records: list[Record], owner: Record | None, article: Article | None,
                  spans: dict[int, tuple[int, int]], problems: Collector) -> list:
    """Values of a computed column, one per record."""
    rule = field["x-derived"]
    part, origin = rule["part"], rule["from"]
    if part == "source_id":
        return [owner["source_id"]] * len(records)
    if part in ("char_start", "char_end"):
        side = 0 if part == "char_start" else 1
        return [spans[id(r)][side] for r in records]
    if part == "chars":
        return [len(article.text)] * len(records)
    index = {"start": 0, "end": 1, "precision": 2}[part]
    out = []
    for record in records:
        value = record.get(origin)
        if value is None:
            out.append(None)
            continue
        try:
            out.append(bounds(value)[index])
        except DateProblem as e:
            if part == "start":  # report once per value, not once per derived column
                problems.add(record.path, record.line_of(origin), f"{origin}: {e}")
            out.append(None)
    return out


def file_columns(table: Table, records: list[Record], display: str, owner, article, spans,
                 problems: Collector) -> dict[str, list | tuple]:
    """The values of each column (origin columns included) for the records of one file."""
    columns = {}
    copied = [f["name"] for f in table.fields if "x-derived" not in f]
    # Row by row with map() and transposed by zip(): the loops run in C, not per cell in Python.
    for name, values in zip(copied, zip(*[list(map(r.get, copied)) for r in records]) if records else [()] * len(copied)):
        columns[name] = values
    for f in table.fields:
        if "x-derived" in f:
            columns[f["name"]] = derive_column(f, records, owner, article, spans, problems)
    if "char_start" in columns:  # an internal check of the offsets made above
        for record, start, end in zip(records, columns["char_start"], columns["char_end"]):
            if article.text[start:end] != record["quote"]:
                problems.add(record.path, record.line_of("quote"), "offsets do not slice out the quote (internal error)")
    columns["_path"] = [display] * len(records)
    columns["_line"] = [r.line for r in records]
    return columns


def tables(doc: Record, kind: str, display: str, article: Article | None, spans, problems: Collector) -> dict[str, dict]:
    """Column values of one annotation file, per table it writes to."""
    schemas = load_tables()
    owner = doc["source"] if kind == "source_file" else None
    return {name: file_columns(schemas[name], records, display, owner, article, spans, problems)
            for name, records in records_by_table(doc, kind).items()}


def to_arrow(table: Table, parts: list[dict[str, list]]) -> pa.Table:
    """One Arrow table from the column values of several files (built once per batch of
    files: a million tiny Arrow arrays would cost more than the rows they hold)."""
    schema = with_origin(table)
    arrays = []
    for f in schema:
        values = []
        for part in parts:
            values.extend(part[f.name])
        arrays.append(pa.array(values, type=f.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def in_key_order(table: Table, rows: pa.Table, keep=None) -> pa.Table:
    """Rows sorted by primary key; with `keep` (a boolean per row), only the rows it marks.

    On the typed, derived values: offsets sort as numbers; UTF-8 byte order is code-point order.
    Rows with the same key are an error that validate reports in file order, so ties need
    no order of their own here.
    """
    keys = [(k, "ascending", "at_start") for k in table.primary_key]
    order = pc.sort_indices(rows, sort_keys=keys)
    if keep is not None:
        order = order.filter(keep.take(order))
    return rows.take(order)


class _Keys:
    """The primary keys of a sorted table as a sequence bisect can search (read row by row:
    a search touches about twenty rows). Empty parts sort first, as in in_key_order."""

    def __init__(self, table: Table, rows: pa.Table):
        self.columns = [rows.column(k) for k in table.primary_key]
        self.length = rows.num_rows

    def __len__(self):
        return self.length

    def __getitem__(self, i):
        return _key_of(c[i].as_py() for c in self.columns)


def _key_of(values) -> tuple:
    return tuple((v is not None, v) for v in values)


def merged_in_key_order(table: Table, cached: pa.Table, drop: list[int], new: pa.Table) -> pa.Table:
    """in_key_order of (cached rows without the rows `drop`) + new rows, where cached is
    already in key order and the changes are few: each new row is placed by binary search
    and the result is slices of the cached table around them, so nothing large is copied.
    The result has many chunks; write makes each table contiguous, so files do not depend on it."""
    new = in_key_order(table, new)
    keys = _Keys(table, cached)
    new_keys = [_key_of(values) for values in zip(*(new.column(k).to_pylist() for k in table.primary_key))]
    events = sorted([(bisect.bisect_right(keys, key), 0, j) for j, key in enumerate(new_keys)] +
                    [(i, 1, None) for i in drop])
    pieces, at = [], 0
    for position, kind, j in events:
        pieces.append(cached.slice(at, position - at))
        if kind == 0:      # a new row goes before cached row `position`
            pieces.append(new.slice(j, 1))
            at = position
        else:              # cached row `position` is left out
            at = position + 1
    pieces.append(cached.slice(at))
    return pa.concat_tables([p for p in pieces if p.num_rows] or [cached.slice(0, 0)])
