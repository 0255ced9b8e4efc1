"""The Table Schemas in schemas/ are the only definition of a column.

Everything typed elsewhere (pyarrow schemas, DuckDB DDL, datapackage resources, the docs
dictionary) is generated here from them; their constraints become rules (and pandera
schemas) in scripts/constraints.py.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import pyarrow as pa

from scripts.paths import SCHEMA_DIR

# Dependency order: a table only references tables before it (self-references aside),
# so loading in this order satisfies every foreign key. Sources and actors reference
# each other, which is why DuckDB foreign keys are declared only along this order.
TABLE_ORDER = ("places", "sources", "actors", "citations", "events", "mentions", "figures", "names")

ARROW_TYPES = {"string": pa.string(), "number": pa.float64(), "integer": pa.int64(), "date": pa.date32()}


@dataclass(frozen=True)
class Table:
    name: str
    descriptor: dict

    @property
    def fields(self) -> list[dict]:
        return self.descriptor["fields"]

    @property
    def field_names(self) -> list[str]:
        return [f["name"] for f in self.fields]

    @property
    def primary_key(self) -> list[str]:
        return self.descriptor["primaryKey"]

    @property
    def foreign_keys(self) -> list[dict]:
        return self.descriptor.get("foreignKeys", [])

    @cached_property
    def arrow_schema(self) -> pa.Schema:
        return pa.schema(
            [pa.field(f["name"], ARROW_TYPES[f["type"]], nullable=not required(f)) for f in self.fields]
        )

    def field(self, name: str) -> dict:
        return next(f for f in self.fields if f["name"] == name)


def source_sections(tables: dict[str, Table]) -> list[str]:
    """Tables written inside each article's annotation file (their source_id comes from it)."""
    return [name for name, t in tables.items()
            if any(f.get("x-derived", {}).get("part") == "source_id" for f in t.fields)]


def package_name(schema_dir: Path = SCHEMA_DIR) -> str:
    """The package's name (schemas/package.json): names the DuckDB file and the release."""
    return json.loads((schema_dir / "package.json").read_text(encoding="utf-8"))["name"]


def required(field: dict) -> bool:
    return bool(field.get("constraints", {}).get("required"))


def categories(field: dict) -> list[str]:
    return [c["value"] if isinstance(c, dict) else c for c in field.get("categories", [])]


@dataclass(frozen=True)
class Code:
    """One value of one controlled vocabulary, with its labels (the schema's `label`, `x-label-ar`)."""
    table: str
    column: str
    code: str
    label_en: str
    label_ar: str


def codes(tables: dict[str, Table] | None = None) -> list[Code]:
    """Every code of every categorical column, in table, column and vocabulary order."""
    out = []
    for name, table in (tables or load_tables()).items():
        for f in table.fields:
            for c in f.get("categories", []):
                c = c if isinstance(c, dict) else {"value": c}
                out.append(Code(name, f["name"], c["value"], c.get("label", ""), c.get("x-label-ar", "")))
    return out


@cache
def load_tables(schema_dir: Path = SCHEMA_DIR) -> dict[str, Table]:
    """The Table Schemas by name, in TABLE_ORDER (read once; treat as read-only)."""
    tables = {}
    for name in TABLE_ORDER:
        descriptor = json.loads((schema_dir / f"{name}.schema.json").read_text(encoding="utf-8"))
        tables[name] = Table(name, descriptor)
    return tables


def annotation_schema(schema_dir: Path = SCHEMA_DIR) -> dict:
    return json.loads((schema_dir / "annotation.schema.json").read_text(encoding="utf-8"))
