"""Arrow 5, write: validated tables -> CSV + Parquet in a staging folder, then swapped in.

The staging folder becomes a content-named generation (build/.data-<digest>/, holding data/
and its datapackage.json) and build/data a symlink into it, replaced in one atomic rename
(scripts/pipeline/generation.py). A failed or killed build never touches the published one,
and nothing build/data points to is ever deleted.
"""
from __future__ import annotations

import hashlib
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from scripts.atomic import remove, remove_leftovers, staging_path, swap_in
from scripts.faults import checkpoint
from scripts.hashing import sha256_file
from scripts.metadata import load_tables
from scripts.pipeline.generation import MANIFEST, write_root_manifest


@dataclass
class Staged:
    folder: Path                 # build/.stage-*/ holding data/ and (after describe) datapackage.json
    tables: dict[str, pa.Table]
    root: Path
    sha256: dict[str, str]       # file name in data/ -> sha256 of its bytes


def write_csv(table: pa.Table, path: Path):
    pacsv.write_csv(with_decimal_points(table), path, pacsv.WriteOptions(include_header=True, quoting_style="needed"))


def with_decimal_points(table: pa.Table) -> pa.Table:
    """`number` columns as text that always shows it is a decimal (250.0, not 250), so a CSV reader
    infers the floating-point type the Parquet file has even when every value is whole; `integer`
    columns stay bare integers. (The text is quoted, as every string is; readers take it as a number.)"""
    for i, field in enumerate(table.schema):
        if pa.types.is_floating(field.type):
            text = pc.cast(table.column(i), pa.string())
            decimal = pc.if_else(pc.match_substring_regex(text, "[.eEna]"), text, pc.binary_join_element_wise(text, ".0", ""))
            table = table.set_column(i, field.name, decimal)
    return table


def write_parquet(table: pa.Table, path: Path):
    # zstd's default level 3: level 9 saved 10 % of the bytes at twice the write time.
    pq.write_table(table, path, compression="zstd", compression_level=3, use_dictionary=True,
                   write_statistics=True, store_schema=True, row_group_size=1 << 20)


WRITERS = {"csv": write_csv, "parquet": write_parquet}


def write(built, root: Path, partition: str | None = None) -> Staged:
    """Write every table into a fresh staging folder under build/.

    partition="year" also writes a Hive-partitioned copy of the per-article tables
    (data/partitioned/<table>/year=YYYY/part-0.parquet, by the source's earliest
    publication year) for engines that prune partitions; see docs/at-scale.md.
    """
    root = Path(root)
    build = root / "build"
    build.mkdir(exist_ok=True)
    stage = build / f".stage-{os.getpid()}"
    if stage.exists():
        shutil.rmtree(stage)
    (stage / "data").mkdir(parents=True)
    schemas = load_tables()
    out = {name: table.select(schemas[name].field_names).cast(schemas[name].arrow_schema)  # origin columns stay behind
           for name, table in built.tables.items()}
    files = sorted(((name, fmt) for name in out for fmt in WRITERS), key=lambda f: -out[f[0]].nbytes)

    def write_one(name: str, fmt: str) -> tuple[str, str]:
        path = stage / "data" / f"{name}.{fmt}"
        checkpoint("write", path)
        WRITERS[fmt](out[name] if fmt == "csv" else contiguous(out[name]), path)
        return path.name, sha256_file(path)  # hashed here, while the file is in the page cache

    try:
        # pyarrow and hashlib release the GIL: the files are written side by side on the available cores.
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            digests = dict(pool.map(lambda f: write_one(*f), files))
        if partition == "year":
            write_partitioned(out, stage / "data" / "partitioned")
    except BaseException:  # a full disk, say: the half-written folder does not stay behind
        remove(stage)
        raise
    return Staged(stage, out, root, digests)


def contiguous(table: pa.Table) -> pa.Table:
    """One chunk per column. Parquet's bytes depend on how a table is chunked (CSV's do not),
    and rows merged into the cached order come in many chunks: so the files never depend on
    what the cache held. Done per file, so that only the tables being written are copied."""
    return table.combine_chunks()


def write_partitioned(tables: dict[str, pa.Table], folder: Path):
    sources = tables["sources"]
    year_of = dict(zip(sources.column("source_id").to_pylist(),
                       (d.year for d in sources.column("published_earliest").to_pylist())))
    for name, table in tables.items():
        if "source_id" not in table.column_names:
            continue
        years = pa.array([year_of[s] for s in table.column("source_id").to_pylist()], pa.int32())
        for year in sorted(set(years.to_pylist())):
            part = folder / name / f"year={year}"
            part.mkdir(parents=True)
            write_parquet(contiguous(table.filter(pc.equal(years, year))), part / "part-0.parquet")


def _live(build: Path) -> str | None:
    """Name of the folder in build/ that build/data points into, if it is a symlink."""
    try:
        return os.readlink(build / "data").split("/")[0]
    except OSError:
        return None


def _files(folder: Path) -> dict[str, Path] | None:
    """Every file below a folder by posix path; None if anything there is not a regular file
    or folder (a link, say)."""
    out = {}
    for top, dirs, names in os.walk(folder):
        for name in [*dirs, *names]:
            path = Path(top) / name
            if path.is_symlink() or not (path.is_dir() or path.is_file()):
                return None
            if path.is_file():
                out[path.relative_to(folder).as_posix()] = path
    return out


def _intact(live: Path, staged: Staged, digests: dict[str, str]) -> bool:
    """Does the live generation hold exactly the staged files (same names, same bytes)?"""
    mine, theirs = _files(staged.folder), _files(live)
    if mine is None or theirs is None or mine.keys() != theirs.keys():
        return False
    if (staged.folder / MANIFEST).read_bytes() != (live / MANIFEST).read_bytes():
        return False
    return all(sha256_file(theirs[rel]) == (digests.get(rel) or sha256_file(path))
               for rel, path in mine.items() if rel != MANIFEST)


def publish(staged: Staged) -> Path:
    """Make the staged folder (data/ + datapackage.json) the published generation; returns build/data.

    Steps (each a checkpoint of the fault tests): the staged folder is renamed to its
    generation name (publish), build/data is switched to it in one rename (swap: the commit
    point), the root datapackage.json is rewritten from it (manifest), older generations are
    removed (cleanup). The folder build/data points to is never removed or replaced: when
    the data is the same as published (the same digest), the live generation is kept if its
    files are intact, and else replaced by one under the digest's second name.
    """
    build = staged.root / "build"
    # Named by content: datapackage.json already holds the sha256 of every table file.
    digest = hashlib.sha256((staged.folder / MANIFEST).read_bytes())
    digests = {f"data/{name}": sha for name, sha in staged.sha256.items()}
    for path in sorted(p for p in (staged.folder / "data" / "partitioned").rglob("*") if p.is_file()):
        rel = path.relative_to(staged.folder).as_posix()
        digests[rel] = sha256_file(path)
        digest.update(rel.encode() + b"\0" + digests[rel].encode())
    names = (f".data-{digest.hexdigest()[:16]}", f".data-{digest.hexdigest()[:16]}-b")
    live, link = _live(build), build / "data"
    if live in names and _intact(build / live, staged, digests):
        generation = build / live  # already published, byte for byte: nothing to swap
        remove(staged.folder)
    else:
        generation = build / next(n for n in names if n != live)
        remove(generation)  # what a killed build left under this name; never the live folder
        checkpoint("publish", generation)
        os.replace(staged.folder, generation)
        try:
            checkpoint("swap", link)
            if link.exists() and not link.is_symlink():  # a real folder from elsewhere: keep it until the swap
                os.replace(link, build / ".data-previous")
            new_link = staging_path(link)
            os.symlink(f"{generation.name}/data", new_link)
            swap_in(new_link, link)  # a symlink is replaced in one rename: readers see the old data or the new
        except BaseException:  # not published: the new generation and the link being made do not stay behind
            if _live(build) != generation.name:
                remove(generation)
            remove_leftovers(build, ".data.tmp-*")
            raise
    write_root_manifest(staged.root, generation)  # checkpoint "manifest" inside
    checkpoint("cleanup")
    for stale in [*build.glob(".data-*"), *build.glob(".data.tmp-*"), *build.glob(".stage-*")]:
        if stale != generation:
            remove(stale)
    return link
