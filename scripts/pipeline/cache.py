"""Row cache: the rows each annotation file gave at the last build, reused while it is unchanged.

A file's rows depend only on its bytes, its article's bytes (source files) and the code
and schemas that make rows (version()). build/cache/current/ keeps from the last build:

    files.arrow      per annotation file: sha256, size and time; its article's; the line of
                     its `source:` record; the segment that holds its rows
    base/<t>.arrow   rows of table t, in key order, with their _path/_line origin (written in
                     full now and then)
    delta/<t>.arrow  the rows of the files read since base/ was written

A file is read again when it or its article changed (by its stat when settled, else by
sha256: see SETTLED_NS), or when the code or schemas changed. Only files without problems
are kept, after their row checks passed.

The cache is a memo, not output: deleting build/cache only makes the next build slower,
and a damaged cache is ignored. It is written even when a build fails on a problem
elsewhere, so that fixing one file of many is quick; build/data is untouched either way.
"""
from __future__ import annotations

import hashlib
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import pyarrow as pa
import pyarrow.ipc as ipc

from scripts.atomic import remove_leftovers, staging_path, swap_in
from scripts.metadata import load_tables
from scripts.paths import REPO, SCHEMA_DIR, SCRIPTS
from scripts.pipeline.inputs import hash_input
from scripts.pipeline.tables import with_origin

# The code that decides a file's rows and its row checks (with the schemas and library versions):
# the whole pipeline package and the schema reader.
CODE_FILES = ("pipeline/*.py", "metadata.py")
FILES = pa.schema([("path", pa.string()), ("kind", pa.string()), ("sha256", pa.string()), ("stat", pa.string()),
                   ("article_path", pa.string()), ("article_sha256", pa.string()), ("article_stat", pa.string()),
                   ("source_line", pa.int32()), ("segment", pa.string())])
# A file whose stat is as recorded is taken as unchanged without hashing it, as git's index
# does: size, modification and change times (ns), inode and device. The change time cannot be
# set back by `touch -r` or `cp -p`, and any write, rename or chmod moves it. Only a file
# changed at least this long before it was read gets a stat recorded: an edit within the
# same clock tick as the read would keep its times.
SETTLED_NS = 2 * 10**9


@dataclass(frozen=True)
class FileInfo:
    path: str                    # as shown in messages: annotations/...
    kind: str
    sha256: str
    stat: str | None = None      # "size:mtime:ctime:inode:device" when read, if settled (see SETTLED_NS)
    article_path: str | None = None
    article_sha256: str | None = None
    article_stat: str | None = None
    source_line: int | None = None
    segment: str = "base"        # where its rows are kept: "base" or "delta" (see save)


def settled_stat(path: Path) -> str | None:
    """The stat of a file that says it is unchanged, taken before reading it; None if it may
    still be changing (modified or changed less than SETTLED_NS ago) or is missing. A link
    is not followed: its own stat never matches the regular file recorded."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    if max(st.st_mtime_ns, st.st_ctime_ns) >= time.time_ns() - SETTLED_NS:
        return None
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}:{st.st_dev}"


@lru_cache(maxsize=1)
def version() -> str:
    digest = hashlib.sha256(f"{sys.version}|{pa.__version__}".encode())
    code = sorted(path for pattern in CODE_FILES for path in SCRIPTS.glob(pattern))
    for path in [*code, *sorted(SCHEMA_DIR.glob("*.json"))]:
        digest.update(path.relative_to(REPO).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _sha256_all(root: Path, files: list[tuple[str, str]]) -> list[str | None]:
    """sha256 of many input files (path, its folder), in threads (hashlib releases the GIL), a
    few hundred per task; None for one that is not a regular file of its folder or cannot be
    read (inputs.py: checked before it is opened for reading, so a FIFO never blocks): it is
    then read again, and the reading reports it."""
    chunks = [files[i:i + 256] for i in range(0, len(files), 256)]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return [digest for chunk in pool.map(lambda c: [hash_input(root, *f) for f in c], chunks) for digest in chunk]


def cache_dir(root: Path) -> Path:
    """The live cache. Everything the cache writes stays under build/cache/."""
    return Path(root) / "build" / "cache" / "current"


def _read(path: Path, schema: pa.Schema) -> pa.Table:
    with pa.memory_map(str(path)) as source:
        table = ipc.open_file(source).read_all()
    if not table.schema.equals(schema) or (table.schema.metadata or {}).get(b"version") != version().encode():
        raise ValueError(f"{path} is from another version")
    return table


@dataclass
class Cached:
    files: dict[str, FileInfo] = field(default_factory=dict)   # by path
    base: dict[str, pa.Table] = field(default_factory=dict)    # per table, in key order (memory-mapped)
    delta: dict[str, pa.Table] = field(default_factory=dict)   # per table, rows of the files in segment "delta"


def open_cache(root: Path) -> Cached:
    """The cache of the last build; empty if absent or unusable."""
    folder = cache_dir(root)
    meta = {"version": version()}
    try:
        files = _read(folder / "files.arrow", FILES.with_metadata(meta))
        cached = Cached({r["path"]: FileInfo(**r) for r in files.to_pylist()})
        for name, t in load_tables().items():
            schema = with_origin(t).with_metadata(meta)
            cached.base[name] = _read(folder / "base" / f"{name}.arrow", schema)
            cached.delta[name] = _read(folder / "delta" / f"{name}.arrow", schema)
    except (OSError, ValueError, pa.ArrowInvalid):
        return Cached()
    return cached


def unchanged(root: Path, jobs, known: dict[str, FileInfo]) -> dict[str, FileInfo]:
    """The files among jobs (path, display, kind) whose cached rows still hold: the file and
    its article have the recorded size and time (settled), or else the recorded sha256."""
    candidates = [(path, known[display]) for path, display, kind in jobs
                  if display in known and known[display].kind == kind]
    recorded = {info.article_path: info for _, info in candidates if info.article_path is not None}
    names = sorted(recorded)
    article = dict(zip(names, _same_content(root, [(a, "articles", recorded[a].article_sha256, recorded[a].article_stat)
                                                   for a in names])))
    hits = {}
    for (_, info), (same, stat) in zip(candidates, _same_content(root, [(i.path, "annotations", i.sha256, i.stat)
                                                                        for _, i in candidates])):
        if same and (info.article_path is None or article[info.article_path][0]):
            article_stat = article[info.article_path][1] if info.article_path else None
            if (stat, article_stat) != (info.stat, info.article_stat):  # settled since: remember the new stat
                info = replace(info, stat=stat, article_stat=article_stat)
            hits[info.path] = info
    return hits


def _same_content(root: Path, files: list[tuple[str, str, str, str | None]]) -> list[tuple[bool, str | None]]:
    """Per (path, its folder, recorded sha256, recorded stat): (is the file the same, its
    settled stat now). By its stat where one was recorded and still matches; by hashing it
    otherwise."""
    out = []
    base = str(root)
    for rel, _, _, stat in files:
        now = settled_stat(os.path.join(base, rel))
        out.append((stat is not None and now == stat, now))
    rest = [i for i, (same, _) in enumerate(out) if not same]
    for i, digest in zip(rest, _sha256_all(root, [files[i][:2] for i in rest])):
        out[i] = (digest is not None and digest == files[i][2], out[i][1])
    return out


def save(root: Path, files: list[FileInfo], delta: dict[str, pa.Table], base: dict[str, pa.Table] | None):
    """Replace the cache (written aside, then swapped in). `files` say which segment holds
    their rows. With base=None the base tables of the current cache are kept as they are
    (hard links, nothing rewritten) and only the delta (the rows of files read since) is
    written: after a small edit, the cache costs as much to save as the edit."""
    folder = cache_dir(root)
    remove_leftovers(folder.parent, ".*.tmp-*", ".*.old-*")  # left by a killed build
    staging = staging_path(folder)
    (staging / "delta").mkdir(parents=True)
    meta = {"version": version()}
    columns = {name: [getattr(f, name) for f in files] for name in FILES.names}
    _write(staging / "files.arrow", pa.table(columns, schema=FILES).replace_schema_metadata(meta))
    if base is None:
        os.mkdir(staging / "base")
        for name in load_tables():
            os.link(folder / "base" / f"{name}.arrow", staging / "base" / f"{name}.arrow")
    else:
        _write_tables(staging / "base", base, meta)
    _write_tables(staging / "delta", delta, meta)
    swap_in(staging, folder)


def _write_tables(folder: Path, tables: dict[str, pa.Table], meta: dict):
    folder.mkdir(exist_ok=True)
    for name, table in load_tables().items():
        rows = tables.get(name, with_origin(table).empty_table())
        _write(folder / f"{name}.arrow", rows.cast(with_origin(table)).replace_schema_metadata(meta))


def _write(path: Path, table: pa.Table):
    with ipc.new_file(str(path), table.schema) as writer:
        writer.write_table(table)
