"""A query's result and its renderings: an aligned table, CSV, JSON or Markdown (for the cookbook pages)."""
from __future__ import annotations

import csv
import datetime as dt
import decimal
import html
import io
import json
import math
import re
import unicodedata
from dataclasses import dataclass


@dataclass
class Result:
    columns: list[str]
    types: list[str]
    rows: list[tuple]
    total: int | None = None  # rows the statement returned, when `rows` holds only the first of them

    @property
    def row_count(self) -> int:
        return len(self.rows) if self.total is None else self.total


def json_value(value):
    """A DuckDB value as plain JSON: dates as ISO strings, decimals as numbers."""
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    return str(value)  # intervals, UUIDs, ...: their DuckDB text form is what a reader expects


def text_value(value, null: str = "") -> str:
    if value is None:
        return null
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    value = json_value(value)
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def markdown_cell(value) -> str:
    # Cells reach HTML through MkDocs: escape HTML, and the Markdown that would change meaning.
    # Underscores inside a word (us_troops_in_iraq) are literal in Python-Markdown and GFM.
    text = html.escape(text_value(value), quote=False)
    text = re.sub(r"([\\`*\[\]|])|(?<!\w)_|_(?!\w)", lambda m: "\\" + m.group(0), text)
    return text.replace("\r\n", "<br>").replace("\n", "<br>")


def to_markdown(result: Result, limit: int | None = None) -> str:
    rows = result.rows if limit is None else result.rows[:limit]
    lines = ["| " + " | ".join(markdown_cell(c) for c in result.columns) + " |",
             "|" + "|".join("---" for _ in result.columns) + "|"]
    lines += ["| " + " | ".join(markdown_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def to_csv(result: Result) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(result.columns)
    writer.writerows([text_value(v) for v in row] for row in result.rows)
    return buffer.getvalue().rstrip("\n")


def to_json(result: Result) -> str:
    records = [{c: json_value(v) for c, v in zip(result.columns, row)} for row in result.rows]
    return json.dumps(records, ensure_ascii=False, indent=2)


def _width(text: str) -> int:
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def to_table(result: Result) -> str:
    """Aligned plain text, NULL spelled out, one line per row."""
    cells = [[text_value(v, "NULL").replace("\n", "\\n") for v in row] for row in result.rows]
    widths = [max([_width(c)] + [_width(r[i]) for r in cells]) for i, c in enumerate(result.columns)]

    def line(values):
        return " | ".join(v + " " * (w - _width(v)) for v, w in zip(values, widths)).rstrip()

    out = [line(result.columns), "-+-".join("-" * w for w in widths)] + [line(r) for r in cells]
    out.append(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})")
    return "\n".join(out)


RENDERERS = {"table": to_table, "csv": to_csv, "json": to_json, "markdown": to_markdown}
