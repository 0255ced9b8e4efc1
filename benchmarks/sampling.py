"""sampling: run one measured command as a whole process and measure it as a user would see it.

`run_process(argv)` starts a command in a new session and, until it exits, reads the memory of
the process and all its descendants from /proc every SAMPLE_SECONDS: the sum of their
proportional set sizes (PSS), so that pages forked workers share with their parent count once.
When it exits, `os.wait4` gives the CPU seconds (user + system) of the process and of every
descendant it waited for (the build's worker processes), and the largest resident size any one
of them reached (the kernel's ru_maxrss). The wall time runs from just before the start to the
exit, so interpreter start-up and imports are in it. Every side of every ratio is measured by
this one function: our commands and `frictionless validate` alike.

`run_child(mode, root, ...)` runs benchmarks.children (a product command, with timings of its
arrows) that way. A command that passes the --max-rss limit (`set_max_rss`) is stopped with its
whole process group and reported as `ChildFailed`, as is one that exits non-zero.
"""
from __future__ import annotations

import glob
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scripts.paths import REPO

# The child's entry point (benchmarks.children.main), imported from the repository as working directory.
_ENTRY = "import sys; from benchmarks.children import main; main(sys.argv[1:])"
_MAX_RSS_MIB = [0.0]  # 0 = no limit
SAMPLE_SECONDS = 0.05


class ChildFailed(Exception):
    """A measured command failed, or was stopped for using more memory than --max-rss allows."""


def set_max_rss(gib: float) -> None:
    """The memory a measured command's processes may use together before it is stopped (0: no limit)."""
    _MAX_RSS_MIB[0] = gib * 1024


def _children(pid: int) -> list[int]:
    """Child processes of every thread of `pid` (a process started from a thread is that thread's child)."""
    out = []
    for name in glob.glob(f"/proc/{pid}/task/*/children"):
        try:
            with open(name) as f:
                out += [int(c) for c in f.read().split()]
        except (OSError, ValueError):
            continue
    return out


def tree_pss_mib(pid: int) -> float:
    """Memory of a process and all its descendants (Linux /proc), in MiB: the sum of their
    proportional set sizes (PSS), where a page shared by n processes counts 1/n in each.
    Summing plain RSS would count the pages that forked workers share with their parent
    once per worker. Falls back to RSS where smaps_rollup is not readable."""
    total, stack, seen = 0, [pid], set()
    while stack:
        p = stack.pop()
        if p in seen:
            continue
        seen.add(p)
        total += _pss_kib(p)
        stack.extend(_children(p))
    return total / 1024


def _pss_kib(pid: int) -> int:
    for name, field in ((f"/proc/{pid}/smaps_rollup", "Pss:"), (f"/proc/{pid}/status", "VmRSS:")):
        try:
            with open(name) as f:
                for line in f:
                    if line.startswith(field):
                        return int(line.split()[1])
        except OSError:
            continue
    return 0


def run_process(argv: list[str], cwd: Path | str | None = None, label: str = "", ok: tuple[int, ...] = (0,)) -> dict:
    """Run argv to its end; its wall and CPU seconds, the peak PSS of its process tree, the
    largest RSS of one of its processes, exit code, stdout and stderr. An exit code outside `ok` fails.

    The tree is stopped (SIGKILL to its process group) if it passes the --max-rss limit, so that a
    runaway build fails this benchmark instead of making the kernel pick a victim on a shared machine.
    """
    limit = _MAX_RSS_MIB[0]
    tree_peak, stopped = 0.0, None
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            while True:
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                tree_peak = max(tree_peak, tree_pss_mib(proc.pid))
                if limit and tree_peak > limit and stopped is None:
                    stopped = f"stopped at {tree_peak:,.0f} MiB of PSS (limit --max-rss {limit / 1024:g} GiB)"
                    os.killpg(proc.pid, 9)
                time.sleep(SAMPLE_SECONDS)
        except BaseException:
            os.killpg(proc.pid, 9)
            proc.wait()
            raise
        wall = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4: tell Popen
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    result = {"wall_seconds": wall, "cpu_seconds": usage.ru_utime + usage.ru_stime, "user_seconds": usage.ru_utime,
              "system_seconds": usage.ru_stime, "tree_peak_pss_mib": tree_peak,
              "largest_process_rss_mib": usage.ru_maxrss / 1024, "returncode": proc.returncode,
              "stdout": stdout, "stderr": stderr}
    if stopped or proc.returncode not in ok:
        reason = stopped or (f"killed by signal {-proc.returncode}" if proc.returncode < 0 else f"exit {proc.returncode}")
        tail = "\n".join(line for line in (stderr + stdout).splitlines() if "\u2595" not in line)[-3000:]  # no progress bars
        raise ChildFailed(f"{label or argv[0]} failed after {wall:.0f} s ({reason}; peak {tree_peak:,.0f} MiB)"
                          + (f":\n{tail}" if tail.strip() else ""))
    return result


def run_child(mode: str, root: Path, *extra: str) -> dict:
    """One product command (benchmarks.children MODE) as a whole process: its own JSON result
    (timings of its arrows) with the process measures of run_process added."""
    with tempfile.NamedTemporaryFile(prefix=f"bench-{mode}-", suffix=".json", delete=False) as f:
        result_path = Path(f.name)
    try:
        measured = run_process([sys.executable, "-c", _ENTRY, mode, str(root), str(result_path), *extra], cwd=REPO,
                               label=f"{mode} of {root}")
        result = json.loads(result_path.read_text(encoding="utf-8"))
    finally:
        result_path.unlink(missing_ok=True)
    measured.pop("stdout")
    measured.pop("stderr")
    return {**result, **measured}
