"""Arrow 4, validate: every rule the Table Schemas and the data model state, all errors at once.

Two kinds of rule. Row checks look at one row at a time (vocabularies, patterns, lengths,
ranges, required; a figure's bounds; a name's target): the Table Schema's constraints are
the Arrow rules of scripts/constraints.py, the data model's are Arrow masks here; they run
on the rows read in this build only, since a cached row passed them when its file was read.
Keys and cross-table rules (unique ids, foreign keys, attribution scopes, id chains without
cycles, publication dates no later than the release, every article claimed, and the
methodology's rules between events and claims in coherence.py) run over every row, as Arrow
comparisons of neighbours in key order, set lookups and joins. Each problem is traced back
to the file and line it was written on.
"""
from __future__ import annotations

import difflib
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from scripts.constraints import failures, foreign_keys, keys, missing_references, repeated_rows
from scripts.errors import Collector, Problem
from scripts.metadata import categories, load_tables
from scripts.pipeline import coherence
from scripts.pipeline.describe import release_date
from scripts.pipeline.load import key_line


def check_rows(tables: dict[str, pa.Table], root: Path) -> list[Problem]:
    """The row checks, for rows just read (with their origin columns)."""
    problems = Collector()
    schemas = load_tables()
    for name, table in tables.items():
        check_columns(schemas[name], table, root, problems)
    for name in [n for n, table in tables.items() if "quote_en" in table.column_names]:
        table = tables[name]
        same = pc.equal(pc.utf8_trim_whitespace(table.column("quote_en")), pc.utf8_trim_whitespace(table.column("quote")))
        for i in _true(same):
            _report(problems, root, table, i, "quote_en", "quote_en is the same as the Arabic quote",
                    "write our English translation of the quote")
    check_figure_ranges(tables["figures"], root, problems)
    for name, column, letter in (("mentions", "mention_id", "m"), ("figures", "figure_id", "f")):
        check_claim_ids(tables[name], column, letter, root, problems)
    names = tables["names"]
    for i in _true(pc.equal(names.column("place_id").is_null(), names.column("actor_id").is_null())):
        _report(problems, root, names, i, "quote", "a name row needs exactly one of place_id and actor_id")
    for table, column, other, message in (
            (tables["sources"], "derived_from", "source_id", "a source cannot derive from itself"),
            (tables["events"], "outcome_event_id", "event_id", "an event cannot be its own outcome")):
        for i in _true(pc.equal(table.column(column), table.column(other))):
            _report(problems, root, table, i, column, message)
    actors = tables["actors"]
    for i in _true(pc.and_(pc.equal(actors.column("kind"), "unnamed_source"), actors.column("scope_source_id").is_null())):
        _report(problems, root, actors, i, "kind", "an unnamed_source actor needs scope_source_id (the article it appears in)")
    return problems.problems


def validate(built, rows_valid: bool = True) -> list[Problem]:
    """The key and cross-table rules over every row of built.tables. The rules between events
    and claims (coherence.py) come last and only when every other rule held, including the row
    checks (rows_valid): they read modalities, statuses and references that must be right first,
    and one mistake gives one message."""
    problems = Collector()
    schemas = load_tables()
    for name, table in built.tables.items():
        check_unique(schemas[name], table, built.root, problems)
    check_foreign_keys(built, schemas, problems)
    check_attribution(built.tables, built.root, problems)
    for name, id_column, parent_column in CHAINS:
        check_cycles(built.tables[name], built.root, id_column, parent_column, problems)
    check_publication_dates(built, problems)
    check_articles_claimed(built, problems)
    if rows_valid and not problems.problems:
        for name, i, column, message, hint in coherence.problems(built.tables):
            _report(problems, built.root, built.tables[name], i, column, message, hint)
    return problems.problems


def check_claim_ids(table: pa.Table, column: str, letter: str, root, problems: Collector):
    """Mention and figure ids are <source_id>-mNN / -fNN, numbered in the order in which their
    quotes appear in the article (docs/methodology.md, section 1). All rows of a source file
    are read together, so its numbering is complete here."""
    ids, source = table.column(column), table.column("source_id")
    number = pc.struct_field(pc.extract_regex(ids, rf"-{letter}(?P<n>\d{{2,}})$"), "n")
    expected = pc.binary_join_element_wise(source, number, f"-{letter}")
    for i in _true(pc.invert(pc.fill_null(pc.equal(expected, ids), False))):
        _report(problems, root, table, i, column, f"{column} '{ids[i].as_py()}' should be "
                f"'{source[i].as_py()}-{letter}NN': its source's id, then -{letter} and a two-digit number",
                f"number the {column.split('_')[0]}s of an article 01, 02, ... in the order of their quotes")
    order = pc.sort_indices(table, [("source_id", "ascending"), ("char_start", "ascending"), ("char_end", "ascending")])
    if len(order) < 2:
        return
    n, src = pc.cast(number, pa.int64()).take(order), source.take(order)
    same_source = pc.equal(src.slice(1), src.slice(0, len(src) - 1))
    backwards = pc.and_(same_source, pc.less_equal(n.slice(1), n.slice(0, len(n) - 1)))
    for j in _true(backwards):
        i, before = order[j + 1].as_py(), order[j].as_py()
        _report(problems, root, table, i, column, f"{column} '{ids[i].as_py()}' is out of order: its quote comes after "
                f"that of '{ids[before].as_py()}' in the article, so one of the two is misnumbered",
                f"number the {column.split('_')[0]}s in the order of their quotes")


def _true(mask) -> list[int]:
    """Row numbers where a boolean mask is true (nulls count as false)."""
    return pc.indices_nonzero(pc.fill_null(mask, False)).to_pylist()


def _origin(table: pa.Table, i: int) -> tuple[str, int]:
    return table.column("_path")[i].as_py(), table.column("_line")[i].as_py()


def _report(problems, root, table, i, column, message, hint=""):
    path, line = _origin(table, i)
    problems.add(path, key_line(root, path, line, column), message, hint)


def check_columns(schema, table: pa.Table, root, problems: Collector):
    """Every field rule of the Table Schema (scripts/constraints.py); each failing cell is
    named with its file, line and, for a vocabulary, the closest allowed value."""
    for failure in failures(schema, table):
        rule = failure.rule
        field = schema.field(rule.column)
        allowed = categories(field)
        for i, value in zip(failure.rows, failure.values):
            hint = ""
            if rule.constraint == "required":
                message = f"{rule.column} is required"
            else:
                message = f"{rule.column} {value!r}: {rule.message}"
                close = difflib.get_close_matches(str(value), allowed, n=1) if allowed else []
                hint = f"did you mean '{close[0]}'? " if close else ""
            if allowed:
                hint += f"allowed: {', '.join(allowed)}"
            _report(problems, root, table, i, _key(field), f"{schema.name}.{message}", hint)


def _key(field):
    """Annotation key a curator edits to change this column."""
    return field["x-derived"]["from"] if "x-derived" in field else field["name"]


def check_unique(schema, table: pa.Table, root, problems: Collector):
    """Primary key, unique columns and uniqueKeys (constraints.repeated_rows: neighbours in
    key order; the rows come sorted by primary key, other keys are sorted first). Only
    repeated rows go to Python, to name the first definition."""
    for key in keys(schema):
        columns = list(key.columns)
        rows = repeated_rows(table, columns, in_key_order=columns == schema.primary_key)
        if not rows:
            continue
        found = table.select([*columns, "_path", "_line"]).take(pa.array(rows)).to_pylist()
        first = {}
        for i, row in sorted(zip(rows, found), key=lambda x: (x[1]["_path"], x[1]["_line"])):
            value = tuple(row[k] for k in columns)
            if value not in first:
                first[value] = row
                continue
            shown = value[0] if len(value) == 1 else value
            o = first[value]
            _report(problems, root, table, i, _key(schema.field(columns[0])),
                    f"duplicate {'/'.join(columns)} {shown!r} in {schema.name} (first at {o['_path']}:{o['_line']})",
                    "ids must be unique across all files" if len(columns) == 1 else "")


def check_foreign_keys(built, schemas, problems: Collector):
    for name, schema in schemas.items():
        table = built.tables[name]
        for fk in foreign_keys(schema):
            known = built.tables[fk.resource].column(fk.target)
            values = table.column(fk.column)
            known_list = None
            for i in _true(missing_references(values, known)):
                known_list = known_list or [str(k) for k in known.to_pylist()]
                value = values[i].as_py()
                close = difflib.get_close_matches(value, known_list, n=1)
                _report(problems, built.root, table, i, _key(schema.field(fk.column)),
                        f"{fk.column} '{value}' does not exist in {fk.resource}",
                        f"did you mean '{close[0]}'?" if close else f"add it to {fk.resource} first")


def check_figure_ranges(figures: pa.Table, root, problems: Collector):
    low, value, high = (figures.column(c) for c in ("value_low", "value", "value_high"))
    qualifier = figures.column("qualifier")
    rules = [(pc.less(number, 0), column, lambda r, c=column: (
                f"{c} {r[c]:g} is negative: figures count or measure things",  # not a schema minimum: see test_metadata
                "write the number as the article gives it; a decrease is a separate figure"))
             for column, number in (("value_low", low), ("value", value), ("value_high", high))]
    rules += [
        (pc.greater(low, high), "value_low",
         lambda r: (f"value_low {r['value_low']:g} is greater than value_high {r['value_high']:g}", "")),
        (pc.less(value, low), "value", lambda r: (f"value {r['value']:g} is below value_low {r['value_low']:g}", "")),
        (pc.greater(value, high), "value", lambda r: (f"value {r['value']:g} is above value_high {r['value_high']:g}", "")),
        (pc.and_(pc.and_(value.is_null(), low.is_null()), high.is_null()), "qualifier",
         lambda r: ("a figure needs value, value_low or value_high", "")),
        (pc.and_(pc.equal(qualifier, "range"), pc.or_(low.is_null(), high.is_null())), "qualifier",
         lambda r: ("qualifier 'range' needs both value_low and value_high", "")),
    ]
    for mask, column, say in rules:
        for i in _true(mask):
            message, hint = say(figures.slice(i, 1).to_pylist()[0])
            _report(problems, root, figures, i, column, message, hint)


def check_attribution(t: dict[str, pa.Table], root, problems: Collector):
    """Unnamed sources are scoped to one article and may speak only there."""
    actors = t["actors"]
    unnamed = actors.filter(pc.equal(actors.column("kind"), "unnamed_source")).select(["actor_id", "scope_source_id"])
    for name in ("mentions", "figures"):
        table = t[name]
        rows = pc.indices_nonzero(pc.is_in(table.column("attributed_to"), value_set=unnamed.column("actor_id")))
        claims = table.select(["source_id", "attributed_to"]).take(rows).append_column("_row", rows)
        joined = claims.join(unnamed, keys="attributed_to", right_keys="actor_id", join_type="inner")
        wrong = joined.filter(pc.not_equal(joined.column("scope_source_id"), joined.column("source_id")))
        for row in wrong.to_pylist():
            _report(problems, root, table, row["_row"], "attributed_to",
                    f"unnamed source '{row['attributed_to']}' belongs to {row['scope_source_id']}, not {row['source_id']}",
                    "unnamed sources are scoped to one article: add one for this article")


# Id chains that must end: each row names its parent (or outcome, or original) in its own table.
CHAINS = (("places", "place_id", "parent_place_id"), ("actors", "actor_id", "affiliation_actor_id"),
          ("sources", "source_id", "derived_from"), ("events", "event_id", "outcome_event_id"),
          ("events", "event_id", "contradicts_event_id"))  # written on one of the two events, not on both
# check_rows says "cannot derive from itself" for these, coherence.py "cannot contradict itself"
SELF_CHECKED = {"derived_from", "outcome_event_id", "contradicts_event_id"}


def check_cycles(table: pa.Table, root, id_column, parent_column, problems: Collector):
    """Every chain id -> parent -> ... ends: one message per cycle, at the row of its member
    that comes first in key order. Linear: each id is walked once."""
    ids = table.column(id_column).to_pylist()
    parent = dict(zip(ids, table.column(parent_column).to_pylist()))
    row = {}
    for i, node in enumerate(ids):
        row.setdefault(node, i)
    done, cycles = set(), []
    for start in ids:
        walk, on_walk, node = [], {}, start
        while node is not None and node not in done and node not in on_walk:
            on_walk[node] = len(walk)
            walk.append(node)
            node = parent.get(node)
        if node in on_walk:  # the walk came back to itself
            cycles.append(walk[on_walk[node]:])
        done.update(walk)
    for cycle in cycles:
        if len(cycle) == 1 and parent_column in SELF_CHECKED:
            continue
        first = min(range(len(cycle)), key=lambda k: row[cycle[k]])
        order = cycle[first:] + cycle[:first]
        _report(problems, root, table, row[order[0]], parent_column,
                f"{parent_column} makes a cycle: {' -> '.join([*order, order[0]])}")


def check_articles_claimed(built, problems: Collector):
    """Every file in articles/ is the article of a source file (hidden files aside)."""
    claimed = set(built.tables["sources"].column("article_path").to_pylist())
    if not claimed:
        return  # no source file at all: the listing of annotations/ says so, once
    try:
        entries = sorted(os.scandir(Path(built.root) / "articles"), key=lambda e: e.name)
    except FileNotFoundError:
        return  # every source names a missing article already
    except OSError as e:
        problems.add("articles", 1, f"folder cannot be read: {e.strerror or e}")
        return
    for entry in entries:
        rel = f"articles/{entry.name}"
        if entry.name.startswith(".") or rel in claimed:
            continue
        if entry.is_dir(follow_symlinks=False):
            problems.add(rel, 1, "a folder in articles/, which holds only the article files", "move it elsewhere")
        else:
            problems.add(rel, 1, "no source file claims this article",
                         f"add annotations/sources/<source_id>.yaml with article_path: {rel} "
                         f"(python -m scripts new-source {rel}), or remove the file")


def check_publication_dates(built, problems: Collector):
    """No article is published after the release that holds it: the reference date is the
    release's (the newest CHANGELOG.md heading), so the check does not depend on the day of
    the build."""
    reference = release_date(built.root)
    if reference is None:
        return  # no release heading: describe reports it when the build writes datapackage.json
    sources = built.tables["sources"]
    for i in _true(pc.greater(sources.column("published_earliest"), pa.scalar(reference, pa.date32()))):
        _report(problems, built.root, sources, i, "published",
                f"published '{sources.column('published')[i].as_py()}' is after the release date {reference} (CHANGELOG.md)",
                "an article cannot be published after the release that holds it: check the year")
