"""sampling: run one measured command in a fresh interpreter and sample its process tree's memory.

`run_child(mode, root, ...)` starts benchmarks.children in a new session, reads the memory of the
child and all its descendants from /proc every 0.1 s (proportional set size, so pages that forked
workers share with their parent count once), and returns the child's own JSON result with the
wall time and the sampled peak added. A child that passes the --max-rss limit (`set_max_rss`) is
stopped with its whole process group and reported as `ChildFailed`, as is one that exits non-zero.
"""
from __future__ import annotations

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


class ChildFailed(Exception):
    """A measured command failed, or was stopped for using more memory than --max-rss allows."""


def set_max_rss(gib: float) -> None:
    """The memory a measured command's processes may use together before it is stopped (0: no limit)."""
    _MAX_RSS_MIB[0] = gib * 1024


def tree_pss_mib(pid: int) -> float:
    """Memory of a process and all its descendants (Linux /proc), in MiB: the sum of their
    proportional set sizes (PSS), where a page shared by n processes counts 1/n in each.
    Summing plain RSS would count the pages that forked workers share with their parent
    once per worker. Falls back to RSS where smaps_rollup is not readable."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            total += _pss_kib(p)
            with open(f"/proc/{p}/task/{p}/children") as f:
                stack.extend(int(c) for c in f.read().split())
        except (OSError, ValueError):
            continue
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


def run_child(mode: str, root: Path, *extra: str) -> dict:
    """Run one measured command in a fresh interpreter; sample the memory of its whole process tree.

    The tree is stopped (SIGKILL to its process group) if it passes the --max-rss limit, so that a
    runaway build fails this benchmark instead of making the kernel pick a victim on a shared machine.
    """
    with tempfile.NamedTemporaryFile(prefix=f"bench-{mode}-", suffix=".json", delete=False) as f:
        result_path = Path(f.name)
    limit = _MAX_RSS_MIB[0]
    tree_peak, stopped = 0.0, None
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", _ENTRY, mode, str(root), str(result_path), *extra], cwd=REPO,
                                stdout=out, stderr=err, stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            while proc.poll() is None:
                tree_peak = max(tree_peak, tree_pss_mib(proc.pid))
                if limit and tree_peak > limit and stopped is None:
                    stopped = f"stopped at {tree_peak:,.0f} MiB resident (limit --max-rss {limit / 1024:g} GiB)"
                    os.killpg(proc.pid, 9)
                time.sleep(0.1)
        except BaseException:
            os.killpg(proc.pid, 9)
            proc.wait()
            raise
        wall = time.perf_counter() - t
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    try:
        if stopped or proc.returncode != 0:
            reason = stopped or (f"killed by signal {-proc.returncode}" if proc.returncode < 0 else f"exit {proc.returncode}")
            tail = "\n".join(line for line in (stderr + stdout).splitlines() if "\u2595" not in line)[-3000:]  # no progress bars
            raise ChildFailed(f"{mode} of {root} failed after {wall:.0f} s ({reason}; peak {tree_peak:,.0f} MiB)"
                              + (f":\n{tail}" if tail.strip() else ""))
        result = json.loads(result_path.read_text(encoding="utf-8"))
    finally:
        result_path.unlink(missing_ok=True)
    result["wall_seconds"] = wall
    result["tree_peak_rss_mib"] = max(tree_peak, result.get("peak_rss_mib", 0))  # sampled every 0.1 s
    return result
