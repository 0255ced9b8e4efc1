"""Publishing an output: written aside, then swapped in, so that a reader (or a killed build)
never sees a half-written file or folder. The one helper every step uses to put an output
in place (tables, row cache, database, views.sql, cookbook, docs sources, site, archive).

A file is replaced in one rename. A folder cannot be renamed over a non-empty folder, so
the old one is first moved aside, then the new one renamed in, then the old one removed:
at no moment is there a mixture of old and new files. build/data is more: a symlink to a
content-named folder, switched in one rename (scripts/pipeline/write.py).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path


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
