"""Arrow 3, tables: located records -> one Arrow table per output table.

Columns, order and types come from the Table Schemas. A column marked `x-derived` is
computed here (offsets, date bounds, article length, the owning source); every other
column is copied from the annotation key of the same name.
"""
from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from scripts.dates import DateProblem, bounds
from scripts.errors import Collector
from scripts.faults import checkpoint
from scripts.load import Record
from scripts.locate import Located
from scripts.metadata import Table, load_tables


@dataclass
class Built:
    tables: dict[str, pa.Table]
    origins: dict[str, list[Record]]   # per table, the record each row came from, in row order
    located: Located


def rows_by_table(located: Located) -> dict[str, list[tuple[Record, Record | None]]]:
    """(record, owning source record) pairs per table."""
    a = located.annotations
    rows = {"places": [(r, None) for r in a.places], "actors": [(r, None) for r in a.actors],
            "events": [(r, None) for r in a.events], "sources": [], "citations": [], "mentions": [], "figures": []}
    for doc in a.sources:
        rows["sources"].append((doc.source, doc.source))
        for name in ("citations", "mentions", "figures"):
            rows[name].extend((r, doc.source) for r in getattr(doc, name))
    return rows


def derive(field: dict, record: Record, source: Record | None, located: Located, problems: Collector):
    rule = field["x-derived"]
    part, origin = rule["part"], rule["from"]
    if part == "source_id":
        return source["source_id"]
    if part in ("char_start", "char_end"):
        span = located.spans[(record.path, record.line)]
        return span[0] if part == "char_start" else span[1]
    if part == "chars":
        return len(located.articles[record["source_id"]].text)
    value = record.get(origin)
    if value is None:
        return None
    try:
        start, end, precision = bounds(value)
    except DateProblem as e:
        if part == "start":  # report once per value, not once per derived column
            problems.add(record.path, record.line_of(origin), f"{origin}: {e}")
        return None
    return {"start": start, "end": end, "precision": precision}[part]


def build_table(table: Table, pairs, located: Located, problems: Collector):
    order = sorted(range(len(pairs)), key=lambda i: _sort_key(table, pairs[i], located))
    columns = {name: [] for name in table.field_names}
    origins = []
    for i in order:
        record, source = pairs[i]
        origins.append(record)
        for f in table.fields:
            value = derive(f, record, source, located, problems) if "x-derived" in f else record.get(f["name"])
            columns[f["name"]].append(value)
    arrays = [pa.array(columns[f.name], type=f.type) for f in table.arrow_schema]
    return pa.Table.from_arrays(arrays, schema=table.arrow_schema.with_metadata(None)), origins


def _sort_key(table: Table, pair, located: Located):
    record, source = pair
    key = []
    for name in table.primary_key:
        value = source["source_id"] if name == "source_id" and "source_id" not in record else record.get(name)
        key.append("" if value is None else str(value))
    return key


def tables(located: Located) -> Built:
    problems = Collector()
    schemas = load_tables()
    built, origins = {}, {}
    for name, pairs in rows_by_table(located).items():
        built[name], origins[name] = build_table(schemas[name], pairs, located, problems)
        checkpoint("tables")
    problems.raise_if_any()
    return Built(built, origins, located)
