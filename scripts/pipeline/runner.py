"""The build: arrows 1-3 once per annotation file, then arrows 4-7 across files.

    per file, over the available cores    load -> locate -> tables       (rows of that file)
    across files, in this process         validate -> write -> package   (then publish)

A file's rows depend only on the file, its article and the code, so files that did not
change since the last build take their rows from the row cache (scripts/cache.py). The
main process never holds parsed YAML or article texts, only Arrow rows.
"""
from __future__ import annotations

import gc
import hashlib
import os
import sys
import time
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc  # noqa: F401 - pa.ipc

from scripts.errors import Collector, Problem
from scripts.faults import checkpoint
from scripts.metadata import load_tables
from scripts.pipeline import cache
from scripts.pipeline.inputs import InputProblem, read_input
from scripts.pipeline.listing import annotation_files
from scripts.pipeline.load import key_line, load_file
from scripts.pipeline.locate import locate
from scripts.pipeline.tables import (
    in_key_order,
    merged_in_key_order,
    tables,
    to_arrow,
    with_origin,
)
from scripts.progress import progress

PARALLEL_FROM = 64    # files to read; below this, starting worker processes costs more than it saves
BATCH = 64            # files per task of a worker: rows are turned into Arrow once per batch
PER_FILE_ARROWS = ("load", "locate", "tables")
MERGE_UP_TO = 10_000  # rows changed in a table: up to this many, they are merged into the cached order
DELTA_UP_TO = 50_000  # rows changed in all tables: up to this many, the cache saves only them (cache.save)


@dataclass
class FileResult:
    info: cache.FileInfo | None          # None when the file could not be read or parsed
    problems: list[Problem]


@dataclass
class Batch:
    files: list[FileResult]
    tables: dict                         # rows of the batch's files without problems: Arrow IPC bytes from
                                         # a worker, Arrow tables once received (_received)
    seconds: dict[str, float]            # per arrow, summed over the batch


@dataclass
class Built:
    root: Path
    tables: dict[str, pa.Table]          # every row, with its _path/_line origin, in key order
    stats: dict = field(default_factory=dict)
    saving: ThreadPoolExecutor | None = None
    saved: Future | None = None          # the row cache being written (check(save_in_background=True))

    def wait_for_cache(self):
        """Wait for the row cache to be written. Not written (a full disk, say) is only a
        warning: the cache is a memo, and the build itself has succeeded or failed already."""
        if self.saved is None:
            return
        try:
            self.stats["cache_seconds"] += self.saved.result()
        except OSError as e:
            print(f"warning: the row cache (build/cache) was not saved: {e}", file=sys.stderr)
        finally:
            self.saving.shutdown()
            self.saved = self.saving = None


def _timed(func, *args) -> float:
    """Seconds func(*args) took."""
    t = time.perf_counter()
    func(*args)
    return time.perf_counter() - t


def _file(root: Path, path: Path, display: str, kind: str, seconds: dict) -> tuple[FileResult, dict]:
    """Arrows 1-3 for one file: parse and check it, locate its quotes, make its column values."""
    problems = Collector()
    t = time.perf_counter()
    stat = cache.settled_stat(path)  # before reading: what the cache records must be no newer than the bytes
    try:
        data = read_input(root, display, "annotations")
    except InputProblem as e:  # replaced by a link, a FIFO... since it was listed, or unreadable
        problems.add(display, 1, e.reason if e.rel == display else str(e), e.hint)
        return FileResult(None, problems.problems), {}
    doc, found = load_file(path, display, kind, data)
    problems.problems.extend(found)
    seconds["load"] += time.perf_counter() - t
    if doc is None:
        return FileResult(None, problems.problems), {}
    t = time.perf_counter()
    article, spans = None, {}
    info = cache.FileInfo(display, kind, hashlib.sha256(data).hexdigest(), stat)
    if kind == "source_file":
        source = doc["source"]
        article_stat = cache.settled_stat(Path(root) / source["article_path"])
        article, spans = locate(doc, root, problems)
        info = replace(info, article_path=source["article_path"], article_sha256=article.sha256 if article else None,
                       article_stat=article_stat, source_line=source.line)
    seconds["locate"] += time.perf_counter() - t
    t = time.perf_counter()
    columns = {} if problems.problems else tables(doc, kind, display, article, spans, problems)
    seconds["tables"] += time.perf_counter() - t
    return FileResult(info, problems.problems), columns


def rows_of_files(root: Path, jobs) -> Batch:
    """Arrows 1-3 for a batch of files (one task of a worker process)."""
    gc.disable()  # records hold no cycles; the collector would only rescan them (about 2x slower)
    try:
        seconds = dict.fromkeys(PER_FILE_ARROWS, 0.0)
        results, parts = [], {}
        for job in jobs:
            result, columns = _file(root, *job, seconds)
            results.append(result)
            if not result.problems:
                for name, values in columns.items():
                    parts.setdefault(name, []).append(values)
        t = time.perf_counter()
        schemas = load_tables()
        batch = Batch(results, {name: _to_ipc(to_arrow(schemas[name], values)) for name, values in parts.items()}, seconds)
        seconds["tables"] += time.perf_counter() - t
        return batch
    finally:
        gc.enable()


def _to_ipc(table: pa.Table) -> bytes:
    """One contiguous buffer per table: it crosses from a worker as one bytes object, and
    is freed at once when its rows are no longer needed (many small pickled buffers would
    fragment this process's heap)."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _from_ipc(data: bytes) -> pa.Table:
    """The rows, copied into Arrow's memory pool. Left in the bytes object, freed rows would
    return to the C heap, which the sort's Arrow allocations cannot reuse: the peak memory
    of a large build was a third higher."""
    buffer = pa.allocate_buffer(len(data))
    memoryview(buffer).cast("B")[:] = data
    return pa.ipc.open_stream(buffer).read_all()


def _received(batch: Batch) -> Batch:
    batch.tables = {name: _from_ipc(data) for name, data in batch.tables.items()}
    return batch


def _batches(root: Path, jobs) -> list[Batch]:
    """Batches of files over the available cores; a few files stay in this process."""
    if len(jobs) < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
        return [_received(rows_of_files(root, jobs))]
    chunks = [jobs[i:i + BATCH] for i in range(0, len(jobs), BATCH)]
    batches = []
    with ProcessPoolExecutor(max_workers=os.cpu_count()) as pool, progress(len(jobs), "build: files") as bar:
        for batch in pool.map(rows_of_files, [root] * len(chunks), chunks):
            batches.append(_received(batch))
            bar.advance(bar.task, len(batch.files))
    return batches


def _claims(root: Path, infos: list[cache.FileInfo], problems: Collector) -> set[str]:
    """Each article belongs to one source file: later claimants (in path order) are refused."""
    claimed, refused = {}, set()
    for info in sorted(infos, key=lambda i: i.path):
        if info.article_path is None:
            continue
        if info.article_path in claimed:
            problems.add(info.path, key_line(root, info.path, info.source_line, "article_path"),
                         f"article {info.article_path} is already claimed by {claimed[info.article_path]}",
                         "each article has exactly one source file")
            refused.add(info.path)
        else:
            claimed[info.article_path] = info.path
    return refused


def _concat(name: str, pieces: list[pa.Table]) -> pa.Table:
    schema = with_origin(load_tables()[name])
    return pa.concat_tables([schema.empty_table(), *pieces]) if pieces else schema.empty_table()


@dataclass
class Parts:
    """One table's rows before they are put in key order."""
    base: pa.Table | None     # cached rows in key order (memory-mapped), or None
    drop: list[int]           # rows of base that no longer hold (their file changed, went or is refused)
    new: pa.Table             # rows of the cache's delta still valid, and the rows read in this build

    def changed(self) -> int:
        return len(self.drop) + self.new.num_rows

    def in_order(self, schema) -> pa.Table:
        if self.base is None:
            return in_key_order(schema, self.new)
        if self.changed() <= MERGE_UP_TO:
            return merged_in_key_order(schema, self.base, self.drop, self.new)
        keep = pa.array(np.isin(np.arange(self.base.num_rows), self.drop, invert=True))
        return in_key_order(schema, pa.concat_tables([self.base, self.new]),
                            pa.chunked_array([keep, pa.array(np.ones(self.new.num_rows, bool))], pa.bool_()))


def _table_parts(names, cached: cache.Cached, valid: dict, new_rows: dict) -> dict[str, Parts]:
    """Per table: the cached rows in key order (memory-mapped), the rows among them that no
    longer hold (files changed, removed or refused since), and the new rows (the cache's
    delta rows still valid, and the rows read in this build)."""
    in_base = pa.array(sorted(p for p, i in valid.items() if i.segment == "base"), pa.string())
    in_delta = [p for p, i in valid.items() if i.segment == "delta"]
    parts = {}
    for name in names:
        base, delta = cached.base.get(name), cached.delta.get(name)
        drop = [] if base is None else pc.indices_nonzero(pc.invert(pc.is_in(base.column("_path"), value_set=in_base))).to_pylist()
        pieces = ([_only(delta, in_delta)] if delta is not None and in_delta else []) + [new_rows[name]]
        parts[name] = Parts(base, drop, _concat(name, pieces))
    return parts


def _small_change(parts: dict[str, Parts]) -> bool:
    """Are the changed rows few enough to be saved as the cache's delta, beside its base?"""
    return all(p.base is not None for p in parts.values()) and sum(p.changed() for p in parts.values()) <= DELTA_UP_TO


def _cache_saver(root: Path, parts: dict[str, Parts], keep: list, valid: dict, failed: set, as_delta: bool):
    """A function that writes the row cache of the files `keep`, given the tables in key
    order (or None: it sorts them itself), and returns the seconds it took. as_delta: only
    the changed rows are written (the delta), beside the old base."""
    if as_delta:
        infos = [i if i.path in valid and i.segment == "base" else replace(i, segment="delta") for i in keep]
        in_delta = [i.path for i in infos if i.segment == "delta"]
        return lambda tables: _timed(cache.save, root, infos, {n: _only(p.new, in_delta) for n, p in parts.items()}, None)
    infos = [replace(i, segment="base") for i in keep]
    schemas = load_tables()

    def save_in_full(tables):
        tables = tables or {name: part.in_order(schemas[name]) for name, part in parts.items()}
        if failed:  # rows of files whose row checks failed are not kept
            tables = {name: _only(table, [i.path for i in keep]) for name, table in tables.items()}
        return _timed(cache.save, root, infos, {}, tables)
    return save_in_full


def _only(table: pa.Table, paths) -> pa.Table:
    """The rows of a table that come from the given files."""
    return table.filter(pc.is_in(table.column("_path"), value_set=pa.array(sorted(paths), pa.string())))


def check(root: Path, use_cache: bool = True, save_cache: bool = True, save_in_background: bool = False) -> Built:
    """Arrows 1-4: every file's rows (from the cache where unchanged), all of them validated.

    save_in_background: the row cache is written in a thread while the caller goes on
    (writing the tables); the caller then calls built.wait_for_cache().

    Problems of single files (YAML, schema, quotes, dates) stop the build before the
    cross-file rules run, since a missing file would make them report ghosts; a failed
    row check does not, so that a file's wrong values and dangling ids come out together.
    """
    from scripts.pipeline.validate import check_rows, validate

    root = Path(root)
    started = time.perf_counter()
    jobs, problems = annotation_files(root)
    cached = cache.open_cache(root) if use_cache else cache.Cached()
    known = cached.files
    hits = cache.unchanged(root, jobs, known)
    fresh = [job for job in jobs if job[1] not in hits]
    t = time.perf_counter()
    batches = _batches(root, fresh)
    checkpoint("tables")
    stats = {"files": len(jobs), "files_read": len(fresh), "files_from_cache": len(hits),
             "cache_seconds": t - started, "per_file_wall_seconds": time.perf_counter() - t,
             "per_file_seconds": {a: sum(b.seconds[a] for b in batches) for a in PER_FILE_ARROWS}}

    results = [r for b in batches for r in b.files]
    refused = _claims(root, [*hits.values(), *(r.info for r in results if r.info)], problems)
    for r in results:
        if r.info is None or r.info.path not in refused:
            problems.problems.extend(r.problems)
    good = {r.info.path: r.info for r in results if r.info and not r.problems and r.info.path not in refused}
    t = time.perf_counter()
    schemas = load_tables()
    names = list(schemas)
    new_rows = {name: _concat(name, [b.tables[name] for b in batches if name in b.tables]) for name in names}
    del batches, results
    if refused:
        new_rows = {name: _only(table, good) for name, table in new_rows.items()}
    row_problems = check_rows(new_rows, root)
    pa.default_memory_pool().release_unused()
    stats["row_checks_seconds"] = time.perf_counter() - t

    valid = {path: info for path, info in hits.items() if path not in refused}
    parts = _table_parts(names, cached, valid, new_rows)
    del cached, new_rows
    failed = {p.path for p in row_problems}
    keep = sorted([*valid.values(), *(i for i in good.values() if i.path not in failed)], key=lambda i: i.path)
    as_delta = _small_change(parts)
    save = _cache_saver(root, parts, keep, valid, failed, as_delta) if use_cache and save_cache else None

    if problems.problems:
        if save:  # keep every file that passed its own checks: fixing one of many stays quick
            stats["cache_seconds"] += save(None)
        problems.raise_if_any()

    t = time.perf_counter()
    built = Built(root, {}, stats)
    for name in names:  # one table at a time, so that only one unsorted table is held alongside the sorted ones
        built.tables[name] = parts[name].in_order(schemas[name])
        if not as_delta:
            parts[name].new = None  # only a delta save reads the new rows again
        pa.default_memory_pool().release_unused()  # hand the unsorted copy back before the next sort
    stats["sort_seconds"] = time.perf_counter() - t
    if save:
        built.saving = ThreadPoolExecutor(max_workers=1)
        built.saved = built.saving.submit(save, built.tables)
        if not save_in_background:
            built.wait_for_cache()
    t = time.perf_counter()
    problems.problems.extend(row_problems)
    problems.problems.extend(validate(built, rows_valid=not row_problems))
    stats["validate_seconds"] = time.perf_counter() - t + stats["row_checks_seconds"]
    stats["check_seconds"] = time.perf_counter() - started
    if problems.problems:
        built.wait_for_cache()  # a failed build still leaves a whole cache behind, not a half-written one
        problems.raise_if_any()
    return built


def build(root: Path, partition: str | None = None, use_cache: bool = True) -> Path:
    """check, then write the tables and datapackage.json and swap them into build/data."""
    from scripts.atomic import remove
    from scripts.pipeline.describe import describe
    from scripts.pipeline.write import publish, write

    built = check(root, use_cache, save_in_background=True)
    try:  # the row cache is written meanwhile, from the same (read-only) tables
        staged = write(built, root, partition)
        try:
            return publish(describe(staged))
        except BaseException:  # a failed describe or publish leaves no scratch behind (once renamed, it is gone)
            remove(staged.folder)
            raise
    finally:
        built.wait_for_cache()
