"""Arrow 4, validate: every rule the Table Schemas and the data model state, all errors at once.

Per-column rules (types, vocabularies, patterns, ranges, required) run as pandera
schemas generated from schemas/; keys and cross-table rules run over Arrow columns.
Each failing cell is traced back to the file and line it was written on.
"""
from __future__ import annotations

import difflib

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from scripts.errors import Collector
from scripts.metadata import categories, load_tables, pandera_schema
from scripts.tables import Built


def validate(built: Built) -> Built:
    problems = Collector()
    schemas = load_tables()
    for name, table in built.tables.items():
        origins = built.origins[name]
        check_columns(schemas[name], table, origins, problems)
        check_unique(schemas[name], table, origins, problems)
    check_foreign_keys(built, schemas, problems)
    check_cross_table(built, problems)
    problems.raise_if_any()
    return built


def _report(problems, origin, column, message, hint=""):
    problems.add(origin.path, origin.line_of(column), message, hint)


def check_columns(schema, table: pa.Table, origins, problems: Collector):
    """Run the generated pandera schema and map each failure case back to its record."""
    import pandera.errors

    frame = table.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)  # nullable integers stay integers
    try:
        pandera_schema(schema).validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as errors:
        for case in errors.failure_cases.itertuples():
            column = case.column if isinstance(case.column, str) else None
            index = case.index
            if column is None or index is None or index != index:
                problems.add(f"schemas/{schema.name}.schema.json", 1, f"{schema.name}: {case.check}: {case.failure_case}")
                continue
            origin = origins[int(index)]
            field = schema.field(column)
            hint = ""
            if categories(field):
                close = difflib.get_close_matches(str(case.failure_case), categories(field), n=1)
                hint = (f"did you mean '{close[0]}'? " if close else "") + f"allowed: {', '.join(categories(field))}"
            value = "no value" if case.failure_case is None or case.failure_case != case.failure_case else repr(case.failure_case)
            if case.check == "not_nullable":
                message = f"{column} is required"
            else:
                message = f"{column} {value}: {case.check}"
            _report(problems, origin, _key(field), f"{schema.name}.{message}", hint)


def _key(field):
    """Annotation key a curator edits to change this column."""
    return field["x-derived"]["from"] if "x-derived" in field else field["name"]


def check_unique(schema, table: pa.Table, origins, problems: Collector):
    keys = [schema.primary_key] + [[f["name"]] for f in schema.fields if f.get("constraints", {}).get("unique")]
    keys += schema.descriptor.get("uniqueKeys", [])
    seen_keys = set()
    for key in keys:
        if tuple(key) in seen_keys:
            continue
        seen_keys.add(tuple(key))
        columns = [table.column(k).to_pylist() for k in key]
        first = {}
        for i, value in enumerate(zip(*columns)):
            if any(v is None for v in value):
                continue
            if value in first:
                o = origins[first[value]]
                shown = value[0] if len(value) == 1 else value
                _report(problems, origins[i], _key(schema.field(key[0])),
                        f"duplicate {'/'.join(key)} {shown!r} in {schema.name} (first at {o.path}:{o.line})",
                        "ids must be unique across all files" if len(key) == 1 else "")
            else:
                first[value] = i


def check_foreign_keys(built: Built, schemas, problems: Collector):
    for name, schema in schemas.items():
        table = built.tables[name]
        for fk in schema.foreign_keys:
            (column,), target, (target_column,) = fk["fields"], fk["reference"]["resource"], fk["reference"]["fields"]
            known = built.tables[target].column(target_column)
            values = table.column(column)
            missing = pc.and_(pc.invert(pc.is_in(values, value_set=known)), pc.is_valid(values))
            known_list = None
            for i in pc.indices_nonzero(missing).to_pylist():
                known_list = known_list or [str(k) for k in known.to_pylist()]
                value = values[i].as_py()
                close = difflib.get_close_matches(value, known_list, n=1)
                _report(problems, built.origins[name][i], _key(schema.field(column)),
                        f"{column} '{value}' does not exist in {target}",
                        f"did you mean '{close[0]}'?" if close else f"add it to {target} first")


def _columns(table: pa.Table, *names):
    return [table.column(n).to_pylist() for n in names]


def check_cross_table(built: Built, problems: Collector):
    t, o = built.tables, built.origins
    texts = {sid: a.text for sid, a in built.located.articles.items()}
    for name in [n for n, table in t.items() if "quote" in table.column_names]:
        sources, starts, ends, quotes = _columns(t[name], "source_id", "char_start", "char_end", "quote")
        for i, (sid, start, end, quote) in enumerate(zip(sources, starts, ends, quotes)):
            if texts[sid][start:end] != quote:
                _report(problems, o[name][i], "quote", "offsets do not slice out the quote (internal error)")
        if "quote_en" in t[name].column_names:
            for i, (quote, english) in enumerate(zip(quotes, t[name].column("quote_en").to_pylist())):
                if english is not None and english.strip() == quote.strip():
                    _report(problems, o[name][i], "quote_en", "quote_en is the same as the Arabic quote",
                            "write our English translation of the quote")
    check_figure_ranges(t["figures"], o["figures"], problems)
    for i, (place, actor) in enumerate(zip(*_columns(t["names"], "place_id", "actor_id"))):
        if (place is None) == (actor is None):
            _report(problems, o["names"][i], "quote", "a name row needs exactly one of place_id and actor_id")
    check_attribution(t, o, problems)
    for i, (sid, derived) in enumerate(zip(*_columns(t["sources"], "source_id", "derived_from"))):
        if derived == sid:
            _report(problems, o["sources"][i], "derived_from", "a source cannot derive from itself")
    for i, (eid, outcome) in enumerate(zip(*_columns(t["events"], "event_id", "outcome_event_id"))):
        if outcome == eid:
            _report(problems, o["events"][i], "outcome_event_id", "an event cannot be its own outcome")
    check_cycles(t["places"], o["places"], "place_id", "parent_place_id", problems)
    check_cycles(t["actors"], o["actors"], "actor_id", "affiliation_actor_id", problems)


def check_figure_ranges(figures: pa.Table, origins, problems: Collector):
    columns = _columns(figures, "value_low", "value", "value_high", "qualifier")
    for i, (low, value, high, qualifier) in enumerate(zip(*columns)):
        origin = origins[i]
        for column, number in (("value_low", low), ("value", value), ("value_high", high)):
            if number is not None and number < 0:  # not a schema minimum: see test_metadata
                _report(problems, origin, column, f"{column} {number:g} is negative: figures count or measure things",
                        "write the number as the article gives it; a decrease is a separate figure")
        if low is not None and high is not None and low > high:
            _report(problems, origin, "value_low", f"value_low {low:g} is greater than value_high {high:g}")
        if value is not None and low is not None and value < low:
            _report(problems, origin, "value", f"value {value:g} is below value_low {low:g}")
        if value is not None and high is not None and value > high:
            _report(problems, origin, "value", f"value {value:g} is above value_high {high:g}")
        if value is None and low is None and high is None:
            _report(problems, origin, "qualifier", "a figure needs value, value_low or value_high")
        if qualifier == "range" and (low is None or high is None):
            _report(problems, origin, "qualifier", "qualifier 'range' needs both value_low and value_high")


def check_attribution(t, o, problems: Collector):
    """Unnamed sources are scoped to one article and may speak only there."""
    actor_ids, kinds, scopes = _columns(t["actors"], "actor_id", "kind", "scope_source_id")
    scope_of = {a: s for a, k, s in zip(actor_ids, kinds, scopes) if k == "unnamed_source"}
    for i, (kind, scope) in enumerate(zip(kinds, scopes)):
        if kind == "unnamed_source" and scope is None:
            _report(problems, o["actors"][i], "kind", "an unnamed_source actor needs scope_source_id (the article it appears in)")
    for name in ("mentions", "figures"):
        for i, (sid, actor) in enumerate(zip(*_columns(t[name], "source_id", "attributed_to"))):
            scope = scope_of.get(actor)
            if scope is not None and scope != sid:
                _report(problems, o[name][i], "attributed_to", f"unnamed source '{actor}' belongs to {scope}, not {sid}",
                        "unnamed sources are scoped to one article: add one for this article")


def check_cycles(table: pa.Table, origins, id_column, parent_column, problems: Collector):
    parent = dict(zip(table.column(id_column).to_pylist(), table.column(parent_column).to_pylist()))
    reported = set()
    for i, start in enumerate(table.column(id_column).to_pylist()):
        seen, node = [start], parent.get(start)
        while node is not None and node not in seen:
            seen.append(node)
            node = parent.get(node)
        if node == start and frozenset(seen) not in reported:  # one message per cycle
            reported.add(frozenset(seen))
            _report(problems, origins[i], parent_column,
                    f"{parent_column} makes a cycle: {' -> '.join(seen + [start])}")
