"""Publishing an output: written aside, then swapped in, so that a reader (or a killed build)
never sees a half-written file or folder. The one helper every step uses to put an output
in place (tables, row cache, database, views.sql, cookbook, docs sources, site, archive).

A file is replaced in one rename. A folder cannot be renamed over a non-empty folder, so
the old one is first moved aside, then the new one renamed in, then the old one removed:
at no moment is there a mixture of old and new files. build/data is more: a symlink to a
content-named folder, switched in one rename (scripts/pipeline/write.py).
"""
from __future__ import annotations

import fcntl
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

from scripts.faults import checkpoint

LOCK = ".lock"


class Busy(Exception):
    """Another process holds the project's build lock."""


def staging_path(final: Path, tag: str = "tmp") -> Path:
    """A sibling of `final` to write into (same file system, so the swap is a rename), emptied."""
    path = final.with_name(f".{final.name}.{tag}-{os.getpid()}")
    remove(path)
    return path


def swap_in(new: Path, final: Path) -> Path:
    """Put `new` (a file or a folder) at `final`; returns `final`."""
    if new.is_dir() and not new.is_symlink():
        old = final.with_name(f".{final.name}.old-{os.getpid()}")
        remove(old)
        if final.exists() or final.is_symlink():
            os.replace(final, old)
        os.replace(new, final)
        remove(old)
    else:
        os.replace(new, final)
    return final


def remove(path: Path):
    """Remove a file, symlink or folder if it is there."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def remove_leftovers(folder: Path, *patterns: str):
    """Remove what killed runs left in `folder` (staging and old copies matching the patterns)."""
    if folder.is_dir():
        for pattern in patterns:
            for stale in folder.glob(pattern):
                remove(stale)


@contextmanager
def build_lock(build: Path):
    """Hold build/.lock while a command writes into build/: a second writer stops at once,
    saying which process holds it (the kernel drops the lock when its holder dies, even by
    SIGKILL, so a killed build never leaves a stale lock behind)."""
    build.mkdir(parents=True, exist_ok=True)
    fd = os.open(build / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise Busy(f"another build is running in {build} (pid {holder}); wait for it to finish") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        checkpoint("locked")
        yield
    finally:
        os.close(fd)
