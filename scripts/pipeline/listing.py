"""The annotation files of a project: every file below annotations/, named and checked for
what it is before anything is read (links are reported, not followed; so are FIFOs,
devices and unreadable folders)."""
from __future__ import annotations

import os
from pathlib import Path

from scripts.errors import Collector
from scripts.pipeline.inputs import kind_of, not_regular

CATALOGUES = {"places.yaml": "places_file", "actors.yaml": "actors_file", "events.yaml": "events_file"}


def file_kind(rel: str) -> str | None:
    """The kind of an annotation file from its posix path below annotations/."""
    parts = rel.split("/")
    if len(parts) == 2 and parts[0] == "sources" and parts[1].endswith(".yaml") and parts[1] != ".yaml":
        return "source_file"
    if len(parts) == 1 and parts[0] in CATALOGUES:
        return CATALOGUES[parts[0]]
    return None


def annotation_files(root: Path) -> tuple[list[tuple[Path, str, str]], Collector]:
    """(path, path as shown in messages, kind) of every annotation file, in path order,
    and the problems of the folder itself (missing, unreadable, unexpected files, files
    that are links, FIFOs or devices, missing catalogues, no source files)."""
    root = Path(root)
    base = root / "annotations"
    problems = Collector()
    if not base.is_dir():
        problems.add("annotations", 1, "folder annotations/ is missing")
        return [], problems
    jobs, kinds = [], set()
    for rel, kind_name in sorted(_entries_below(base, problems)):
        display = f"annotations/{rel}"
        kind = file_kind(rel)
        if kind is None:
            problems.add(display, 1, "unexpected file in annotations/",
                         "catalogues are places.yaml, actors.yaml, events.yaml; articles go in sources/<source_id>.yaml")
            continue
        kinds.add(rel if kind != "source_file" else kind)
        if kind_name is not None:  # not read, not followed: checked before a byte is read
            problem = not_regular(display, kind_name)
            problems.add(display, 1, problem.reason, problem.hint)
        else:
            jobs.append((base / rel, display, kind))
    for name in CATALOGUES:
        if name not in kinds:
            problems.add(f"annotations/{name}", 1, "catalogue file is missing")
    if "source_file" not in kinds and not any(p.path == "annotations/sources" for p in problems.problems):
        # One message, not a dangling reference for every source the catalogues name.
        problems.add("annotations/sources", 1, "no source files: annotations/sources/ is empty or missing",
                     "every article needs annotations/sources/<source_id>.yaml (python -m scripts new-source ARTICLE)")
    return jobs, problems


def _entries_below(folder: Path, problems: Collector, prefix: str = ""):
    """(posix path relative to folder, None for a regular file or else what it is) of
    everything below a folder but the folders themselves (not followed through symbolic
    links; a folder named like an annotation file is listed, as a folder); an unreadable
    folder is a problem. os.scandir and strings, not rglob and Paths:
    a tenth of the time on 10,000 files (no stat call per file)."""
    try:
        entries = list(os.scandir(folder))
    except OSError as e:
        shown = f"annotations/{prefix}".rstrip("/")
        problems.add(shown, 1, f"folder cannot be read: {e.strerror or e}", "give the folder read and search permission")
        return
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False) and file_kind(prefix + entry.name) is None:
                yield from _entries_below(entry.path, problems, f"{prefix}{entry.name}/")
            elif entry.is_file(follow_symlinks=False):
                yield prefix + entry.name, None
            else:
                yield prefix + entry.name, kind_of(entry.stat(follow_symlinks=False).st_mode) or "not a regular file"
        except OSError as e:  # gone meanwhile, or not even stat-able
            problems.add(f"annotations/{prefix}{entry.name}", 1, f"cannot be read: {e.strerror or e}")
