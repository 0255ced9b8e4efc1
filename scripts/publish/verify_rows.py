"""verify's row checks, fed one batch of rows at a time so that no table is ever held whole.

A table's copies stream past in batches of BATCH_ROWS rows (`rebatched`). Per batch, every field
rule of scripts/constraints.py runs on it (`Rows`); what a rule across rows needs is kept small:
the key columns for the key rules, the sets of referenced values for the foreign keys
(`References`) and, for the quote check, a bounded cache of article texts (`Quotes`). Each
failing rule gives one message: how many rows, the first one, its value.
"""
from __future__ import annotations

import copy
import hashlib
import os
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from scripts.constraints import failures, foreign_keys, keys, missing_references, repeated_rows
from scripts.errors import Collector
from scripts.metadata import Table

BATCH_ROWS = 1 << 14
TEXT_BUDGET = 1 << 23  # characters of article text kept between batches (rows come grouped by source)


def rebatched(batches: Iterable[pa.RecordBatch], rows: int | None = None) -> Iterator[pa.Table]:
    """Tables of exactly `rows` rows (default BATCH_ROWS; the last one shorter) from record
    batches of any size, so that the n-th table of the CSV and of the Parquet copy hold the same rows."""
    rows = rows or BATCH_ROWS
    pending: list[pa.RecordBatch] = []
    count = 0
    for batch in batches:
        if not batch.num_rows:
            continue
        pending.append(batch)
        count += batch.num_rows
        while count >= rows:
            table = pa.Table.from_batches(pending)
            yield table.slice(0, rows)
            rest = table.slice(rows)
            pending, count = rest.to_batches(), rest.num_rows
    if count:
        yield pa.Table.from_batches(pending)


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def bad_rows(problems: Collector, display: str, what: str, count: int, first: int, value=None):
    """One message for every row that breaks one rule: how many, the first (0-based here), its value."""
    shown = "" if value is None else f" ({_shown(value)})"
    problems.add(display, 1, f"{what} in {count} row(s), first at row {first + 1}{shown}")


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


def _compact(table: pa.Table) -> pa.Table:
    """Key columns as kept between batches: text dictionary-encoded (ids repeat across rows)."""
    return pa.table({name: pc.dictionary_encode(column) if pa.types.is_string(column.type) else column
                     for name, column in zip(table.column_names, table.columns)})


def _comparable(kept: pa.Table) -> pa.Table:
    """The kept columns with each dictionary column replaced by its indices into one shared
    dictionary: equal indices are equal values, which is all a search for repeats needs."""
    columns = {}
    for name, column in zip(kept.column_names, kept.columns):
        if pa.types.is_dictionary(column.type):
            column = column.unify_dictionaries()
            column = pa.chunked_array([chunk.indices for chunk in column.chunks], column.type.index_type)
        columns[name] = column
    return pa.table(columns)


class Rows:
    """Every field rule and key rule of one copy of a table, over its batches in order.

    The primary key is checked as the rows pass: the build writes them in key order, so each
    key must be greater than the one before it (across batch boundaries too); only if one is
    not are the key columns read again to tell a repeat from a row out of order. The other
    keys (unique columns, uniqueKeys) keep their columns, text dictionary-encoded.
    """

    def __init__(self, described: Table, display: str, reread=None):
        self.described, self.display, self.reread = described, display, reread
        all_keys = keys(described)
        self.primary = next((k for k in all_keys if k.constraint == "primaryKey"), None)
        self.others = [k for k in all_keys if k is not self.primary]
        self.kept_columns = list(dict.fromkeys(c for key in self.others for c in key.columns))
        self.rows = 0
        self.failed: dict[str, list] = {}  # "column broken" -> [rows, first row, first value]
        self.kept: list[pa.Table] = []     # the other keys' columns of every batch, compact
        self.last: pa.Table | None = None  # the primary key of the last row so far
        self.unordered = False

    def add(self, batch: pa.Table):
        for failure in failures(self.described, batch):
            what = f"{failure.rule.column} {failure.rule.broken}"
            entry = self.failed.setdefault(what, [0, self.rows + failure.rows[0], failure.values[0]])
            entry[0] += len(failure.rows)
        if self.primary is not None and not self.unordered and batch.num_rows:
            columns = list(self.primary.columns)
            key = batch.select(columns)
            key = key.cast(pa.schema([f.with_nullable(True) for f in key.schema]))  # the copies differ in nullability
            probe = key if self.last is None else pa.concat_tables([self.last, key])
            self.unordered = probe.num_rows > 1 and not in_strict_key_order(probe, columns)
            self.last = key.take([key.num_rows - 1])
        if self.kept_columns:
            self.kept.append(_compact(batch.select(self.kept_columns)))
        self.rows += batch.num_rows

    def inherit(self, other: Rows):
        """Take over what `other` found so far: the batches up to here were the same rows in both copies."""
        self.rows, self.last, self.unordered = other.rows, other.last, other.unordered
        self.failed = copy.deepcopy(other.failed)
        self.kept = list(other.kept)

    def report(self, problems: Collector):
        for what, (count, first, value) in self.failed.items():
            bad_rows(problems, self.display, what, count, first, value)
        if self.unordered:
            columns = list(self.primary.columns)
            table = self.reread(columns)
            rows = repeated_rows(table, columns)
            if rows:
                self._repeated(problems, self.primary, table, rows)
            else:
                problems.add(self.display, 1, f"rows are not in primary key order ({'/'.join(columns)})")
        if self.kept:
            kept = pa.concat_tables(self.kept)
            comparable = _comparable(kept)
            for key in self.others:
                rows = repeated_rows(comparable, key.columns)
                if rows:
                    self._repeated(problems, key, kept, rows)
        self.kept = []

    def _repeated(self, problems: Collector, key, table: pa.Table, rows: list[int]):
        columns = list(key.columns)
        value = table.select(columns).slice(rows[0], 1).to_pylist()[0]
        shown = tuple(value.values()) if len(columns) > 1 else value[columns[0]]
        bad_rows(problems, self.display, f"{key.label} has duplicate values", len(rows), rows[0], shown)


class References:
    """Every foreign key between the tables of the package, over the first copy of each table.

    A referenced column is kept as the set of its values once its table has been read whole; a
    referencing batch is checked at once when its target is known, and otherwise (a reference to
    itself or to a later table: only catalogues here) its column is kept until the target is read.
    """

    def __init__(self, schemas: dict[str, dict]):
        self.fks = {name: foreign_keys(Table(name, schema)) for name, schema in schemas.items()}
        self.wanted = {(fk.resource.removesuffix("-parquet"), fk.target) for fks in self.fks.values() for fk in fks}
        self.known: dict[tuple[str, str], pa.Array] = {}
        self.gathering: dict[tuple[str, str], list] = {}
        self.waiting: list[tuple[str, str, object, list]] = []  # (table, display, fk, chunks of its column)
        self.failed: dict[tuple[str, str], list] = {}           # (display, what) -> [rows, first row, first value]

    def start(self, name: str, display: str):
        self.name, self.display, self.rows = name, display, 0
        self.gathering = {key: [] for key in self.wanted if key[0] == name}
        self.pending = {id(fk): (name, display, fk, []) for fk in self.fks.get(name, [])
                        if (fk.resource.removesuffix("-parquet"), fk.target) not in self.known}

    def add(self, batch: pa.Table):
        for (_, column), chunks in self.gathering.items():
            chunks.append(batch.column(column))
        for fk in self.fks.get(self.name, []):
            if id(fk) in self.pending:
                self.pending[id(fk)][3].append(batch.column(fk.column))
            else:
                self._check(self.display, fk, batch.column(fk.column), self.rows)
        self.rows += batch.num_rows

    def finish(self, complete: bool):
        """The table has been read (complete=False: not whole, so no reference to it can be judged)."""
        if complete:
            for key, chunks in self.gathering.items():
                self.known[key] = pc.unique(pa.chunked_array(chunks)) if chunks else pa.array([], pa.string())
            self.waiting += self.pending.values()
        self.gathering, self.pending = {}, {}
        still = []
        for name, display, fk, chunks in self.waiting:
            if (fk.resource.removesuffix("-parquet"), fk.target) not in self.known:
                still.append((name, display, fk, chunks))
                continue
            offset = 0
            for chunk in chunks:
                self._check(display, fk, chunk, offset)
                offset += len(chunk)
        self.waiting = still

    def _check(self, display: str, fk, values, offset: int):
        target = fk.resource.removesuffix("-parquet")
        mask = missing_references(values, self.known[(target, fk.target)])
        if not pc.any(mask).as_py():
            return
        rows = pc.indices_nonzero(mask)
        what = f"{fk.column} not found in {target}.{fk.target} (foreign key)"
        entry = self.failed.setdefault((display, what), [0, offset + rows[0].as_py(), values[rows[0].as_py()].as_py()])
        entry[0] += len(rows)

    def report(self, problems: Collector):
        """References still waiting name a table that is missing or unreadable, which is reported already."""
        for (display, what), (count, first, value) in self.failed.items():
            bad_rows(problems, display, what, count, first, value)


class Quotes:
    """Every quote against article[char_start:char_end], and every article's sha256 against sources.

    Texts are read when a batch first needs them, checked against their sha256 once, and kept in
    a bounded cache: the rows of a table come grouped by source, so each is read about once per table.
    """

    COLUMNS = ("source_id", "char_start", "char_end", "quote")

    def __init__(self, folder: Path, problems: Collector):
        self.folder, self.problems = Path(folder), problems
        self.articles: dict[str, tuple[str, str]] = {}  # source_id -> (article_path, article_sha256)
        self.status: dict[str, bool] = {}                # source_id -> its article is present and matches
        self.cache: OrderedDict[str, str] = OrderedDict()
        self.cached = 0

    def add_sources(self, batch: pa.Table):
        for source in batch.select(["source_id", "article_path", "article_sha256"]).to_pylist():
            self.articles[source["source_id"]] = (source["article_path"], source["article_sha256"])

    def _read(self, source_id: str) -> str | None:
        """The article's text if it is present and its sha256 matches (checked and reported once)."""
        if self.status.get(source_id) is False or source_id not in self.articles:
            return None
        article_path, digest = self.articles[source_id]
        path = os.path.join(self.folder, os.path.basename(article_path))  # os.path: read for every table, pathlib is slow
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError:
            self.status[source_id] = False  # the user may hold only some of the articles
            return None
        if source_id not in self.status:
            self.status[source_id] = hashlib.sha256(data).hexdigest() == digest
            if not self.status[source_id]:
                self.problems.add(str(path), 1, f"sha256 differs from sources.article_sha256 of {source_id}")
                return None
        return data.decode("utf-8")

    def text(self, source_id: str) -> str | None:
        if source_id in self.cache:
            self.cache.move_to_end(source_id)
            return self.cache[source_id]
        text = self._read(source_id)
        if text is not None:
            self.cache[source_id] = text
            self.cached += len(text)
            while self.cached > TEXT_BUDGET and len(self.cache) > 1:
                self.cached -= len(self.cache.popitem(last=False)[1])
        return text

    def check(self, name: str, batch: pa.Table, offset: int):
        if not set(self.COLUMNS) <= set(batch.column_names):
            return
        sources, starts, ends = (batch.column(c).to_pylist() for c in self.COLUMNS[:3])
        texts, last, text = [], None, None
        for s in sources:
            if s != last:
                last, text = s, self.text(s)
            texts.append(text)
        # The slices go back to Arrow and are compared there: no Python string per stored quote.
        sliced = pa.array([t[a:b] if t is not None else None for t, a, b in zip(texts, starts, ends)], pa.string())
        differs = pc.fill_null(pc.not_equal(sliced, batch.column("quote")), False)
        for i in pc.indices_nonzero(differs).to_pylist():
            self.problems.add(f"data/{name}", offset + i + 2, f"quote does not match article {sources[i]} at {starts[i]}-{ends[i]}")

    def finish(self) -> int:
        """Check the sha256 of the articles no quote needed; how many articles are present and match."""
        for source_id in self.articles:
            if source_id not in self.status:
                self._read(source_id)
        return sum(self.status.values())
