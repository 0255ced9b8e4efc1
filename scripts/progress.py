"""Progress bars for long commands (synth, build, bench): on a terminal only, quiet in CI and logs."""
from __future__ import annotations

import sys


def progress(total: int, label: str):
    """A rich progress bar on a terminal; a no-op in CI and logs. Use as a context manager
    and call bar.advance(bar.task, n)."""
    if not sys.stderr.isatty():
        return Quiet()
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=True)
    bar.task = bar.add_task(label, total=total)
    return bar


class Quiet:
    task = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def advance(self, task, n=1):
        pass
