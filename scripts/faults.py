"""Fault injection for the atomicity tests: SCRIPTS_KILL_AT=<point> makes the process
SIGKILL itself when it reaches that named point, exactly as a crash or an OOM kill would."""
import os
import signal


def checkpoint(point: str) -> None:
    if os.environ.get("SCRIPTS_KILL_AT") == point:
        os.kill(os.getpid(), signal.SIGKILL)
