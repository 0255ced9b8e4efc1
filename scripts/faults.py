"""Fault injection for the atomicity tests, at named points of the code:
SCRIPTS_KILL_AT=<point> makes the process SIGKILL itself there, exactly as a crash or an OOM
kill would; SCRIPTS_ENOSPC_AT=<point> raises the OSError a full disk would raise there.
SCRIPTS_TRACE=<file> appends "<point> <unix time>" to the file at every point reached, so that
a process killed from outside (benchmarks/torture.py) can be placed in the steps it had passed."""
import errno
import os
import signal
import time


def checkpoint(point: str, path=None) -> None:
    trace = os.environ.get("SCRIPTS_TRACE")
    if trace:
        with open(trace, "a", encoding="ascii") as f:
            f.write(f"{point} {time.time():.6f}\n")
    if os.environ.get("SCRIPTS_KILL_AT") == point:
        os.kill(os.getpid(), signal.SIGKILL)
    if os.environ.get("SCRIPTS_ENOSPC_AT") == point:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path or point))
