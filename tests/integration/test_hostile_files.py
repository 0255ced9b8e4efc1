"""Inputs that are not plain files, or that a single text edit cannot make (issue 16): links,
FIFOs, folders and unreadable files where a file belongs, an empty sources/ folder, cycles
across files. Each case: exit 1, one message naming the right file and line, no traceback,
build/ and datapackage.json unchanged byte for byte."""
from __future__ import annotations

import errno
import json
import os
import shutil
import signal

import pytest

from tests.conftest import MINI, REPO, run_cli, snapshot
from tests.forked import run_forked

A = "annotations/sources/outlet-a-2025-08-19.yaml"
B = "annotations/sources/outlet-b-2026-01-19.yaml"
P = "annotations/places.yaml"


@pytest.fixture(scope="module")
def built_mini(tmp_path_factory):
    root = tmp_path_factory.mktemp("built") / "mini"
    shutil.copytree(MINI, root)
    code, _, err = run_cli("build", "--root", root)
    assert code == 0, err
    return root


@pytest.fixture
def root(built_mini, tmp_path):
    copy = tmp_path / "mini"
    shutil.copytree(built_mini, copy, symlinks=True)
    return copy


class Hung(Exception):
    pass


def build_json(root, *extra, timeout=60):
    """`build --format json` in this process; a hang is a failure (SIGALRM), not a stuck test run."""
    def hung(signum, frame):
        raise Hung(f"the build did not finish in {timeout} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(timeout)
    try:
        code, out, err = run_cli("build", "--root", root, "--format", "json", *extra)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    return code, json.loads(out) if out.strip() else [], err


def build_json_subprocess(root, timeout=60):
    """The same in a process of its own, for what could block a thread for ever (a FIFO)."""
    result = run_forked("build", "--root", root, "--format", "json", timeout=timeout)
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, json.loads(result.stdout) if result.stdout.strip() else [], result.stderr


def one_problem(root, before, *extra, run=build_json):
    code, problems, err = run(root, *extra)
    assert code == 1, err
    assert len(problems) == 1, problems
    assert snapshot(root) == before
    return problems[0]


def test_a_linked_annotation_file_is_reported_not_followed(root, tmp_path):
    outside = tmp_path / "system-file"
    outside.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    before = snapshot(root)
    (root / P).unlink()
    os.symlink(outside, root / P)
    p = one_problem(root, before)
    assert (p["path"], p["line"], p["message"]) == (P, 1, "is a symbolic link, not a regular file")


def test_a_linked_article_is_reported_even_with_the_same_bytes(root, tmp_path):
    copy = tmp_path / "a.txt"
    shutil.copy2(root / "articles/a.txt", copy)
    before = snapshot(root)
    (root / "articles/a.txt").unlink()
    os.symlink(copy, root / "articles/a.txt")
    p = one_problem(root, before)
    assert (p["path"], p["line"]) == (A, 11)
    assert p["message"] == "article file articles/a.txt is a symbolic link, not a regular file"


@pytest.mark.parametrize("where", ["articles/a.txt", A])
def test_a_fifo_never_blocks_the_build(root, where):
    """The row cache hashes unchanged files before anything reads them: a FIFO there used to
    block the build for ever."""
    before = snapshot(root)
    (root / where).unlink()
    os.mkfifo(root / where)
    p = one_problem(root, before, run=build_json_subprocess)
    if where == A:
        assert (p["path"], p["line"], p["message"]) == (A, 1, "is a FIFO (named pipe), not a regular file")
    else:
        assert (p["path"], p["line"], p["message"]) == (A, 11, "article file articles/a.txt is a FIFO (named pipe), not a regular file")


def test_a_folder_where_the_article_belongs(root):
    before = snapshot(root)
    (root / "articles/a.txt").unlink()
    (root / "articles/a.txt").mkdir()
    p = one_problem(root, before)
    assert (p["path"], p["line"], p["message"]) == (A, 11, "article file articles/a.txt is a folder, not a regular file")


def _deny(monkeypatch, name: str):
    """Make `name` unreadable: chmod where that works; as root (who reads anything) the open
    that inputs.py makes fails with EACCES as it would for another user."""
    real_open = os.open

    def open_(path, flags, mode=0o777, *, dir_fd=None):
        if dir_fd is not None and os.fspath(path) == name:
            raise PermissionError(errno.EACCES, "Permission denied", path)
        return real_open(path, flags, mode, dir_fd=dir_fd)

    monkeypatch.setattr(os, "open", open_)


def test_an_unreadable_annotation_file_is_a_message_with_its_path(root, monkeypatch):
    before = snapshot(root)
    _deny(monkeypatch, "outlet-b-2026-01-19.yaml")
    code, out, err = run_cli("build", "--root", root, "--no-cache", "--format", "json")
    assert code == 1, err
    [p] = json.loads(out)
    assert (p["path"], p["line"], p["message"]) == (B, 1, "cannot be read: permission denied")
    assert snapshot(root) == before


def test_an_unreadable_article_is_a_message_with_its_path(root, monkeypatch):
    before = snapshot(root)
    _deny(monkeypatch, "b.txt")
    code, out, err = run_cli("build", "--root", root, "--no-cache", "--format", "json")
    assert code == 1, err
    [p] = json.loads(out)
    assert (p["path"], p["message"]) == (B, "article file articles/b.txt cannot be read: permission denied")
    assert snapshot(root) == before


def test_an_unreadable_folder_is_a_message_with_its_path(root, monkeypatch):
    before = snapshot(root)
    real_scandir = os.scandir

    def scandir(path="."):
        if not isinstance(path, int) and os.fspath(path).endswith("annotations/sources"):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    code, out, err = run_cli("build", "--root", root, "--format", "json")
    assert code == 1, err
    [p] = json.loads(out)
    assert (p["path"], p["line"], p["message"]) == ("annotations/sources", 1, "folder cannot be read: Permission denied")
    assert snapshot(root) == before


def test_an_empty_sources_folder_is_one_message(root):
    before = snapshot(root)
    for path in (root / "annotations/sources").iterdir():
        path.unlink()
    p = one_problem(root, before)
    assert (p["path"], p["line"]) == ("annotations/sources", 1)
    assert p["message"] == "no source files: annotations/sources/ is empty or missing"


def test_a_derived_from_cycle_across_two_files(root):
    before = snapshot(root)
    for path, other in ((A, "outlet-b-2026-01-19"), (B, "outlet-a-2025-08-19")):
        text = (root / path).read_text(encoding="utf-8")
        (root / path).write_text(text.replace("  language: ar\n", f"  language: ar\n  derived_from: {other}\n"), encoding="utf-8")
    p = one_problem(root, before)
    assert (p["path"], p["line"]) == (A, 8)
    assert p["message"] == "derived_from makes a cycle: outlet-a-2025-08-19 -> outlet-b-2026-01-19 -> outlet-a-2025-08-19"


def test_a_self_derivation_is_one_message(root):
    before = snapshot(root)
    text = (root / A).read_text(encoding="utf-8")
    (root / A).write_text(text.replace("  language: ar\n", "  language: ar\n  derived_from: outlet-a-2025-08-19\n"), encoding="utf-8")
    p = one_problem(root, before)
    assert (p["path"], p["line"], p["message"]) == (A, 8, "a source cannot derive from itself")


def test_a_long_quote_that_is_not_found_is_explained_quickly_and_briefly(root):
    """A 10,000-character quote (the longest allowed) that is nowhere in a 25,000-character
    article: the explanation compares a bounded part of it (it took minutes), and the message
    shows an excerpt, not the passage."""
    import hashlib
    import time

    path = root / "articles/a.txt"
    longer = path.read_text(encoding="utf-8") + (REPO / "articles/003_8179eba3ceb881ee.txt").read_text(encoding="utf-8") * 3
    path.write_text(longer, encoding="utf-8")
    quote = longer[200:10_200].replace("ر", "ز")
    text = (root / A).read_text(encoding="utf-8")
    old = "    quote: آخر جندي سيغادر قاعدة عين الأسد يوم 15 أيلول 2025\n"
    text = text.replace(old, f"    quote: {json.dumps(quote, ensure_ascii=False)}\n")
    text = text.replace("6a37e99d03a747c0366d8585a172063724b0fd53ce579b62e83f7423a682986c", hashlib.sha256(path.read_bytes()).hexdigest())
    (root / A).write_text(text, encoding="utf-8")
    started = time.perf_counter()
    code, out, err = run_cli("check", "--root", root, "--format", "json")
    assert time.perf_counter() - started < 10
    assert code == 1
    messages = [p for p in json.loads(out) if p["path"] == A and p["line"] == 16]
    assert len(messages) == 1 and "quote not found" in messages[0]["message"], out
    assert len(messages[0]["message"]) < 400 and len(messages[0]["hint"]) < 2000


def test_a_folder_where_a_source_file_belongs(root):
    """Walked into, it made the source vanish: its article and the references to it then gave
    messages in other files."""
    before = snapshot(root)
    (root / A).unlink()
    (root / A).mkdir()
    p = one_problem(root, before)
    assert (p["path"], p["line"], p["message"]) == (A, 1, "is a folder, not a regular file")
