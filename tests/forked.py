"""`python -m scripts ARGS` in a process of its own, forked from a server that imported the code
once (multiprocessing's forkserver), for the tests that kill a build, hold its lock or wait on a
blocked read. A kill or a lock acts on the child as on a fresh interpreter; the fork saves the
import of pyarrow, DuckDB and the pipeline, about 0.7 s of CPU of every such process (most of a
build of the fixture corpus).

The server is a fresh interpreter that has only imported, and each child starts from that state,
not from the test's process. What needs a new interpreter of its own (another hash seed, time
zone or locale) still runs one: conftest.build_subprocess.
"""
from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# What the commands run in a child import, loaded once in the server (pandas: pyarrow imports it
# when it makes its first array).
PRELOAD = ["pandas", "scripts.cli", "scripts.pipeline.runner", "scripts.pipeline.describe", "scripts.pipeline.write",
           "scripts.db.build", "tests.forked"]

_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(PRELOAD)


def _child(args: list[str], env: dict[str, str], out: Path, err: Path):
    """The body of `python -m scripts ARGS`, run in REPO with env, its output in out and err."""
    os.environ.clear()
    os.environ.update(env)
    os.chdir(REPO)
    for stream, path in ((sys.stdout, out), (sys.stderr, err)):
        stream.flush()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(fd, stream.fileno())
        os.close(fd)
    from scripts.cli import main

    sys.exit(main(args))


class Forked:
    """A started `python -m scripts ARGS`, with extra environment variables; wait() gives its
    exit code (negative: the signal that killed it) and output, as subprocess.run would."""

    def __init__(self, *args, env: dict[str, str] | None = None):
        self.args = [str(a) for a in args]
        self._folder = tempfile.TemporaryDirectory(prefix="forked-")
        self._out, self._err = Path(self._folder.name, "out"), Path(self._folder.name, "err")
        self._process = _CONTEXT.Process(target=_child, args=(self.args, {**os.environ, **(env or {})},
                                                              self._out, self._err))
        self._process.start()

    def wait(self, timeout: float = 300) -> subprocess.CompletedProcess:
        self._process.join(timeout)
        if self._process.exitcode is None:
            self._process.kill()
            self._process.join()
            self._folder.cleanup()
            raise subprocess.TimeoutExpired(["python", "-m", "scripts", *self.args], timeout)
        with self._folder:
            return subprocess.CompletedProcess(["python", "-m", "scripts", *self.args], self._process.exitcode,
                                               self._out.read_text(encoding="utf-8"),
                                               self._err.read_text(encoding="utf-8"))


def run_forked(*args, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    return Forked(*args, env=env).wait(timeout)
