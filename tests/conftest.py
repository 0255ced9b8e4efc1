"""Shared fixtures: a fresh copy of the small fixture corpus per test."""
from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
MINI = REPO / "tests" / "fixtures" / "mini"


@pytest.fixture
def mini(tmp_path) -> Path:
    """A writable copy of tests/fixtures/mini (2 articles, every table non-empty)."""
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    return root


def snapshot(root: Path) -> dict[str, str]:
    """sha256 of every file under build/ (following the data symlink) and of datapackage.json.

    Not build/cache (the row cache is a memo that a failed build may update, scripts/pipeline/cache.py)
    and not build/.lock (it names the last process that held it, scripts/atomic.py).
    """
    files = {}
    for path in sorted((root / "build").rglob("*")) if (root / "build").exists() else []:
        rel = path.relative_to(root).as_posix()
        if path.is_file() and not rel.startswith("build/cache/") and rel != "build/.lock":
            files[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    data = root / "build" / "data"
    if data.exists():
        for path in sorted(p for p in data.rglob("*") if p.is_file()):
            files["build/data/" + path.relative_to(data).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    dp = root / "datapackage.json"
    if dp.exists():
        files["datapackage.json"] = hashlib.sha256(dp.read_bytes()).hexdigest()
    return files


def run_cli(*args) -> tuple[int, str, str]:
    """Run `python -m scripts ARGS` in-process; returns (exit code, stdout, stderr)."""
    import contextlib
    import io

    from scripts.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as e:  # argparse usage errors
            code = e.code
    return code, out.getvalue(), err.getvalue()


INPUTS = ("articles", "annotations", "schemas", "CHANGELOG.md")


def copy_inputs(target: Path) -> Path:
    target.mkdir(parents=True)
    for name in INPUTS:
        src = REPO / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, target / name)
    return target


def build_subprocess(root: Path, env_extra=None, command: str = "build"):
    """Run `python -m scripts COMMAND --root ROOT` in a fresh interpreter."""
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "scripts", command, "--root", str(root)], cwd=REPO, env=env,
                          capture_output=True, text=True)


def shared_folder(tmp_path_factory, name: str, make) -> Path:
    """A folder made once per test run by make(folder) and shared by every pytest-xdist worker:
    the first to take the lock makes it, the others wait and reuse it. Tests only read it."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's folder, shared by its workers
    root, done = base / f"shared-{name}", base / f"shared-{name}.made"
    with open(base / f"shared-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(root, ignore_errors=True)  # a worker that died half-way
            make(root)
            done.touch()
    return root


@pytest.fixture(scope="session")
def real(tmp_path_factory) -> Path:
    """The repository's corpus built in a copy, once per test run (read only)."""
    def make(root):
        copy_inputs(root)
        code, out, err = run_cli("build", "--root", root)
        assert code == 0, err

    return shared_folder(tmp_path_factory, "real", make)


_RUN: list = []  # the session's tmp_path_factory, for the built templates shared by the workers


@pytest.fixture(scope="session", autouse=True)
def _remember_the_runs_folder(tmp_path_factory):
    _RUN[:] = [tmp_path_factory]


def mini_built_with(*commands: str) -> Path:
    """The fixture corpus with each `python -m scripts` command run on it in order, made once per
    test run and shared by the workers (read only). Each stage starts from a copy of the one
    before it (links kept: build/data is a relative symlink), so `build` runs once in all."""
    def make(root: Path):
        shutil.copytree(mini_built_with(*commands[:-1]) if commands else MINI, root, symlinks=True)
        if commands:
            code, out, err = run_cli(commands[-1], "--root", root)
            assert code == 0, f"{commands[-1]}: {err}{out}"

    return shared_folder(_RUN[0], "-".join(("mini",) + commands), make)


HOSTILE_EN = "<img src=x onerror=alert(1)>"
HOSTILE_SUMMARY = "<script>alert('summary')</script> & friends"


def hostile_built() -> Path:
    """The fixture corpus with a translation and an event summary that would run script if they
    reached a page as HTML, built with build, db and docs once per test run (read only)."""
    def make(root: Path):
        shutil.copytree(MINI, root)
        edits = {"annotations/sources/outlet-a-2025-08-19.yaml": (
                     "quote_en: the last soldier will leave Ain al-Asad base on 15 September 2025",
                     f"quote_en: '{HOSTILE_EN}'"),
                 "annotations/events.yaml": ("summary_en: A US convoy leaves.", f'summary_en: "{HOSTILE_SUMMARY}"')}
        for name, (original, hostile) in edits.items():
            text = (root / name).read_text(encoding="utf-8")
            assert original in text, name
            (root / name).write_text(text.replace(original, hostile), encoding="utf-8")
        for command in ("build", "db", "docs"):
            code, out, err = run_cli(command, "--root", root)
            assert code == 0, f"{command}: {err}{out}"

    return shared_folder(_RUN[0], "hostile", make)


def built_copy(target: Path, *commands: str) -> Path:
    """A copy of the fixture corpus at target with each command run on it (mini_built_with): a
    test that changes its copy changes nothing else."""
    shutil.copytree(mini_built_with(*commands), target, symlinks=True)
    return target
