"""Arrow 3, tables: located records -> one Arrow table per output table.

Columns, order and types come from the Table Schemas. A column marked `x-derived` is
computed here (offsets, date bounds, article length, the owning source); every other
column is copied from the annotation key of the same name.
"""
from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

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
            "events": [(r, None) for r in a.events], "sources": []}
    for doc in a.sources:
        rows["sources"].append((doc.source, doc.source))
        for name, records in doc.sections.items():
            rows.setdefault(name, []).extend((r, doc.source) for r in records)
    return rows


def derive_column(field: dict, records: list[Record], owners: list, located: Located, problems: Collector) -> list:
    """Values of a computed column, one per record (column-wise: fast on a million rows)."""
    rule = field["x-derived"]
    part, origin = rule["part"], rule["from"]
    if part == "source_id":
        return [owner["source_id"] for owner in owners]
    if part in ("char_start", "char_end"):
        side = 0 if part == "char_start" else 1
        return [located.spans[(r.path, r.line)][side] for r in records]
    if part == "chars":
        return [len(located.articles[r["source_id"]].text) for r in records]
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


def build_table(table: Table, pairs, located: Located, problems: Collector):
    records = [record for record, _ in pairs]
    owners = [owner for _, owner in pairs]
    arrays = []
    for f, arrow_field in zip(table.fields, table.arrow_schema):
        if "x-derived" in f:
            values = derive_column(f, records, owners, located, problems)
        else:
            name = f["name"]
            values = [r.get(name) for r in records]
        arrays.append(pa.array(values, type=arrow_field.type))
    built = pa.Table.from_arrays(arrays, schema=table.arrow_schema.with_metadata(None))
    # Primary-key order on the typed, derived values (offsets sort as numbers); UTF-8 byte
    # order is code-point order, as in Python. Stable, so ties keep file order.
    order = pc.sort_indices(built, sort_keys=[(k, "ascending", "at_start") for k in table.primary_key])
    return built.take(order), [records[i] for i in order.to_pylist()]


def tables(located: Located) -> Built:
    problems = Collector()
    schemas = load_tables()
    built, origins = {}, {}
    rows = rows_by_table(located)
    for name in schemas:
        built[name], origins[name] = build_table(schemas[name], rows.get(name, []), located, problems)
        checkpoint("tables")
    problems.raise_if_any()
    return Built(built, origins, located)
