"""The constraints of the Table Schemas, each defined once as a rule that decides and explains.

A field rule is (column, constraint, message, fails): `fails` is a vectorised Arrow
function giving the mask of the rows that break the constraint, and the message says what
a value must be. Nulls follow Table Schema: an empty optional value meets every
constraint, and only `required` fails on it. Key rules (primaryKey, unique, uniqueKeys)
and foreign keys work on whole tables.

Three readers share these rules: validate.py names each failing cell to the curator,
verify.py checks the published files, and pandera_schema() offers the same rules to pandas
users. Nothing else implements a constraint.

Only pyarrow is imported here at load time: pandas and pandera are imported inside
pandera_schema(), so verify still runs with requirements-verify.txt alone.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from scripts.metadata import Table, categories, required


@dataclass(frozen=True)
class Rule:
    column: str
    constraint: str   # the Table Schema's word: required, categories, pattern, minLength, ...
    message: str      # what a value must be ("must match ^[a-z]+$"): validate's and pandera's wording
    broken: str       # what a failing value is ("does not match ^[a-z]+$"): verify's wording
    fails: Callable[[pa.Array | pa.ChunkedArray], pa.Array | pa.ChunkedArray]  # failing rows; never null


@dataclass(frozen=True)
class Failure:
    rule: Rule
    rows: list[int]   # row numbers (0-based), ascending
    values: list      # the failing values, one per row


@dataclass(frozen=True)
class Key:
    columns: tuple[str, ...]
    constraint: str   # primaryKey, unique or uniqueKeys

    @property
    def label(self) -> str:
        joined = "/".join(self.columns)
        return {"primaryKey": f"primary key {joined}", "uniqueKeys": f"unique key {joined}"}.get(self.constraint, joined)


@dataclass(frozen=True)
class ForeignKey:
    column: str
    resource: str     # the referenced table, as the descriptor names it
    target: str       # the referenced column


def anchored(pattern: str) -> str:
    """A Table Schema pattern as an RE2 regex (Arrow's) for the whole value. RE2's `$`
    without the multiline flag is the end of the text, so "ok\\n" does not match `^ok$`
    (in Python `$` would also match before that final newline)."""
    return f"^(?:{pattern.removeprefix('^').removesuffix('$')})$"


def _present(bad):
    """A rule's raw test with nulls counted as passing (an empty optional value meets it)."""
    return lambda column: pc.fill_null(bad(column), False)


def field_rules(field: dict) -> list[Rule]:
    """The rules of one field, in the order the Table Schema lists constraints."""
    name, c = field["name"], field.get("constraints", {})
    rules = []
    if required(field):
        rules.append(Rule(name, "required", "is required", "is empty", pc.is_null))
    allowed = categories(field)
    if allowed:
        values = pa.array(allowed, pa.string())
        rules.append(Rule(name, "categories", f"must be one of: {', '.join(allowed)}", "outside its vocabulary",
                          lambda column, v=values: pc.and_(pc.is_valid(column), pc.invert(pc.is_in(column, value_set=v)))))
    if "pattern" in c:
        regex = anchored(c["pattern"])
        rules.append(Rule(name, "pattern", f"must match {c['pattern']}", f"does not match {c['pattern']}",
                          _present(lambda column, r=regex: pc.invert(pc.match_substring_regex(column, r)))))
    if "minLength" in c:
        n = c["minLength"]
        rules.append(Rule(name, "minLength", "must not be empty" if n == 1 else f"must have at least {n} characters",
                          f"is shorter than {n} character{'s' if n != 1 else ''}",
                          _present(lambda column, n=n: pc.less(pc.utf8_length(column), n))))
    if "maxLength" in c:
        n = c["maxLength"]
        rules.append(Rule(name, "maxLength", f"must be at most {n} characters", f"is longer than {n} characters",
                          _present(lambda column, n=n: pc.greater(pc.utf8_length(column), n))))
    # "not (x >= minimum)" rather than "x < minimum": NaN meets no bound.
    if "minimum" in c:
        m = c["minimum"]
        rules.append(Rule(name, "minimum", f"must be >= {m}", f"below {m}",
                          _present(lambda column, m=m: pc.invert(pc.greater_equal(column, m)))))
    if "maximum" in c:
        m = c["maximum"]
        rules.append(Rule(name, "maximum", f"must be <= {m}", f"above {m}",
                          _present(lambda column, m=m: pc.invert(pc.less_equal(column, m)))))
    return rules


def rules(table: Table) -> list[Rule]:
    """Every field rule of a table, field by field."""
    return [rule for field in table.fields for rule in field_rules(field)]


def failures(table: Table, data: pa.Table) -> list[Failure]:
    """Every field rule of `table` over `data`; the rules that some row breaks, with those rows.

    One vectorised mask per rule and an any(); rows reach Python only where a rule fails.
    """
    out = []
    for rule in rules(table):
        column = data.column(rule.column)
        mask = rule.fails(column)
        if not pc.any(mask).as_py():
            continue
        rows = pc.indices_nonzero(mask)
        out.append(Failure(rule, rows.to_pylist(), column.take(rows).to_pylist()))
    return out


def keys(table: Table) -> list[Key]:
    """The primary key, each unique column and each uniqueKeys tuple; a key stated twice
    counts once, under its first name."""
    found = {tuple(table.primary_key): "primaryKey"}
    for f in table.fields:
        if f.get("constraints", {}).get("unique"):
            found.setdefault((f["name"],), "unique")
    for key in table.descriptor.get("uniqueKeys", []):
        found.setdefault(tuple(key), "uniqueKeys")
    return [Key(columns, constraint) for columns, constraint in found.items()]


def repeated_rows(data: pa.Table, columns, in_key_order: bool = False) -> list[int]:
    """Row numbers (ascending) of every row whose key another row shares.

    In key order a repeat sits next to its twin, so one vectorised comparison of neighbours
    finds them all (in_key_order: the rows are sorted by these columns already, skip the
    sort). A key with an empty part equals nothing, as in SQL: null == x is null.
    """
    columns = list(columns)
    if data.num_rows < 2:
        return []
    order = None if in_key_order else pc.sort_indices(data, [(k, "ascending") for k in columns])
    repeat = None
    for name in columns:
        column = data.column(name) if order is None else data.column(name).take(order)
        same = pc.equal(column.slice(1), column.slice(0, len(column) - 1))
        repeat = same if repeat is None else pc.and_(repeat, same)
    at = pc.indices_nonzero(pc.fill_null(repeat, False)).cast(pa.int64())
    if not len(at):
        return []
    positions = pc.unique(pa.concat_arrays([at, pc.add(at, 1)]))
    rows = positions if order is None else order.take(positions)
    return sorted(rows.to_pylist())


def foreign_keys(table: Table) -> list[ForeignKey]:
    """The table's foreign keys (each on one column, as in every schema of this package)."""
    out = []
    for fk in table.foreign_keys:
        (column,), (target,) = fk["fields"], fk["reference"]["fields"]
        out.append(ForeignKey(column, fk["reference"]["resource"], target))
    return out


def missing_references(values: pa.Array | pa.ChunkedArray, known: pa.Array | pa.ChunkedArray):
    """Mask of the values that are present but not among `known` (an empty reference is allowed)."""
    return pc.and_(pc.is_valid(values), pc.invert(pc.is_in(values, value_set=known)))


PANDAS_TYPES = {"string": "str", "number": "float64", "integer": "Int64", "date": "datetime64[ns]"}


def _on_series(fails):
    """A rule's Arrow function as a pandera check: the Series goes to Arrow and back."""
    def check(series):
        import pandas as pd

        column = pa.array(series, from_pandas=True)
        if pa.types.is_large_string(column.type):
            column = column.cast(pa.string())
        return pd.Series(pc.invert(fails(column)).to_numpy(zero_copy_only=False), index=series.index)
    return check


def _key_check(columns):
    """A key rule as a dataframe-wide pandera check: False in the key's cells of each row
    whose key is repeated (True elsewhere), so that the failure cases name just those cells."""
    def check(frame):
        import numpy as np
        import pandas as pd

        data = pa.Table.from_pandas(frame[list(columns)], preserve_index=False)
        ok = np.ones(len(frame), dtype=bool)
        ok[repeated_rows(data, columns)] = False
        return pd.DataFrame({name: ok if name in columns else True for name in frame.columns}, index=frame.index)
    return check


def pandera_schema(table: Table):
    """A pandera DataFrameSchema built from the same rules, for pandas users of the CSV files.

    Each pandera Check wraps one rule's Arrow function (named by its constraint, with the
    rule's message as its error); the keys are dataframe-wide checks named primaryKey,
    unique and uniqueKeys. Foreign keys span tables: use missing_references() for them.
    Types are coerced, so a plain read passes::

        import pandas as pd
        frame = pd.read_csv("build/data/events.csv", keep_default_na=False, na_values=[""])
        pandera_schema(load_tables()["events"]).validate(frame, lazy=True)

    (keep_default_na=False: only an empty cell is missing; "NA" or "null" stay text.)
    """
    import pandera.pandas as pdx

    columns = {}
    for f in table.fields:
        checks = [pdx.Check(_on_series(rule.fails), name=rule.constraint, error=rule.message, ignore_na=False)
                  for rule in field_rules(f)]
        columns[f["name"]] = pdx.Column(PANDAS_TYPES[f["type"]], checks=checks, nullable=True, coerce=True)
    key_checks = [pdx.Check(_key_check(key.columns), name=key.constraint, error=f"{key.label} must be unique",
                            ignore_na=False) for key in keys(table)]
    return pdx.DataFrameSchema(columns, checks=key_checks, strict=True, ordered=True, name=table.name)
