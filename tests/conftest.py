"""Shared fixtures: a fresh copy of the small fixture corpus per test."""
from __future__ import annotations

import hashlib
import shutil
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
    """sha256 of every file under build/ (following the data symlink) and of datapackage.json."""
    files = {}
    for path in sorted((root / "build").rglob("*")) if (root / "build").exists() else []:
        if path.is_file():
            files[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    data = root / "build" / "data"
    if data.exists():
        for path in sorted(data.iterdir()):
            files["build/data/" + path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
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
