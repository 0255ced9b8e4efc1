"""Fault injection for the atomicity tests, at named points of the code:
SCRIPTS_KILL_AT=<point> makes the process SIGKILL itself there, exactly as a crash or an OOM
kill would; SCRIPTS_ENOSPC_AT=<point> raises the OSError a full disk would raise there."""
import errno
import os
import signal


def checkpoint(point: str, path=None) -> None:
    if os.environ.get("SCRIPTS_KILL_AT") == point:
        os.kill(os.getpid(), signal.SIGKILL)
    if os.environ.get("SCRIPTS_ENOSPC_AT") == point:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path or point))
