"""No traceback from the command line, for any input (issue 16). Every command with bad
arguments; a missing, linked, FIFO, empty, binary, non-UTF-8, BOM, CRLF, lone-CR, huge or
deeply nested file where each kind of input belongs; a value of the wrong YAML kind at every
level of each kind of annotation file, and a key that is not a string; build/ missing,
dangling, looping or damaged for the commands that read it; a read-only build/; a full disk.

The contract, for every case: exit 1 or 2, no 'Traceback', and either `path:line: message`
lines (data errors) or one line that says what is wrong (usage and other errors). These are
a sample of the exhaustive search the architecture page describes (section "Faults"), kept
small enough to run in seconds; each class of that search has cases here.
"""
from __future__ import annotations

import errno
import os
import shutil
import signal
import zipfile
from pathlib import Path

import pytest
import yaml

from benchmarks.tracebacks import COMMANDS, LOCATED, SQL_CONTEXT, replaced  # the search this samples
from tests.conftest import MINI, REPO, run_cli, snapshot

A = "annotations/sources/outlet-a-2025-08-19.yaml"
INPUTS = {"places": "annotations/places.yaml", "actors": "annotations/actors.yaml", "events": "annotations/events.yaml",
          "source": A, "article": "articles/a.txt", "changelog": "CHANGELOG.md"}
# (a warning line may come before: e.g. that the row cache could not be saved either)


def assert_clean(code, out, err):
    """Exit 1 or 2, no traceback, and a message: located lines, or one line of error."""
    assert code in (1, 2), (code, out[-500:], err[-2000:])
    assert "Traceback" not in err and "Traceback" not in out, err[-3000:]
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines, f"exit {code} without a message (stdout: {out[-300:]!r})"
    if any(LOCATED.match(line) for line in lines):
        assert lines[-1].endswith("nothing was written."), lines
        assert all(LOCATED.match(line) or line.startswith("    hint: ") for line in lines[:-1]), lines
    else:  # argparse prints its usage (and indented continuations) before its one error line;
        # DuckDB's message for a query ends with where it stopped ("LINE 1: ..." and a caret line)
        errors = [line for line in lines if not line.startswith(("usage: ", " ", "warning: ")) and not SQL_CONTEXT.match(line)]
        assert len(errors) == 1 and "error: " in errors[0], lines


class Hung(Exception):
    pass


def cli(*args, timeout=60):
    """run_cli with a deadline: a hang fails the test instead of stalling the run."""
    def hung(signum, frame):
        raise Hung(f"{args[:2]} did not finish in {timeout} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(timeout)
    try:
        return run_cli(*args)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The fixture corpus, built with its database; tests that change it work on a copy."""
    root = tmp_path_factory.mktemp("built") / "mini"
    shutil.copytree(MINI, root)
    for command in ("build", "db"):
        code, out, err = run_cli(command, "--root", root)
        assert code == 0, err
    return root


@pytest.fixture
def copy_of_built(built, tmp_path):
    """Makes a copy of the built corpus (without its row cache) when called."""
    def make():
        root = tmp_path / "mini"
        shutil.copytree(built, root, symlinks=True, ignore=shutil.ignore_patterns("cache"))
        return root
    return make


@pytest.fixture
def copy(copy_of_built):
    return copy_of_built()


# ---- every command with bad arguments ------------------------------------------------------

BAD_ARGUMENTS = [
    [], ["frobnicate"], ["check", "--format", "xml"], ["build", "--partition", "month"],
    ["query", "SELECT 1", "--max-rows", "-1"], ["query", "SELECT 1", "--timeout", "0"],
    ["query", "SELECT 1", "--timeout", "inf"], ["query", "SELECT 1", "--timeout", "nan"],
    ["query", "SELECT 1", "--memory-limit", "lots"], ["query", "SELECT 1", "--memory-limit", "1B"], ["query", "SELECT 1", "--output", "xml"],
    ["ids", "iraq", "--limit", "-1"], ["ids", "iraq", "--limit", "x"], ["synth", "--articles", "x"],
    ["bench", "--sizes", "x"],
    ["agreement", "no-such-a", "no-such-b"], ["agreement", "tests", "tests/fixtures"], ["cite", "--root", "no-such-folder"],
    *[[c, "--no-such-option"] for c in COMMANDS],
]


@pytest.mark.parametrize("argv", BAD_ARGUMENTS, ids=lambda a: " ".join(a) or "(nothing)")
def test_bad_arguments(argv, built):
    assert_clean(*cli(*argv, *(["--root", built] if argv and argv[0] in COMMANDS[:13] else [])))


BAD_SQL = ["", "SELEC 1", "SELECT * FROM nope", "DROP TABLE events", "SELECT 1; SELECT 2", "UPDATE EXTENSIONS", "COPY events TO 'x.csv'",
           "SELECT '\udcff'", "SELECT * FROM range(3000000000)", "SELECT * FROM read_csv('/etc/hostname')"]


@pytest.mark.parametrize("sql", BAD_SQL)
def test_bad_queries(sql, built):
    assert_clean(*cli("query", sql, "--root", built))


# ---- files named on the command line -------------------------------------------------------

def odd_file(folder: Path, kind: str) -> Path:
    path = folder / f"odd-{kind}.json"
    contents = {"garbage": b"{not json", "list": b"[]", "number": b"3", "empty": b"", "latin1": b"{\"a\": \"caf\xe9\"}",
                "resources": b'{"resources": [1, "x", {"path": 3}]}',
                "escape": b'{"resources": [{"name": "x", "path": "../../etc/hostname"}]}',
                "zip": b"PK\x03\x04garbage"}
    if kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "emptyzip":
        path = path.with_suffix(".zip")
        zipfile.ZipFile(path, "w").close()
    elif kind == "zip":
        path = path.with_suffix(".zip")
        path.write_bytes(contents[kind])
    elif kind != "missing":
        path.write_bytes(contents[kind])
    return path


DESCRIPTORS = ["missing", "folder", "fifo", "garbage", "list", "number", "empty", "latin1", "resources", "escape"]


@pytest.mark.parametrize("kind", DESCRIPTORS)
def test_verify_with_an_odd_descriptor(kind, built, tmp_path):
    assert_clean(*cli("verify", odd_file(tmp_path, kind), "--root", built))


@pytest.mark.parametrize("kind", ["missing", "folder", "fifo", "garbage", "list", "zip", "emptyzip"])
def test_diff_with_an_odd_release(kind, built, tmp_path):
    assert_clean(*cli("diff", odd_file(tmp_path, kind), built))
    (tmp_path / "new").mkdir()
    assert_clean(*cli("diff", built, odd_file(tmp_path / "new", kind)))


@pytest.mark.parametrize("kind", ["missing", "folder", "fifo", "latin1"])
def test_locate_and_new_source_with_an_odd_article(kind, copy):
    rel = odd_file(copy / "articles", kind).relative_to(copy).as_posix()
    assert_clean(*cli("locate", rel, "x", "--root", copy))
    assert_clean(*cli("new-source", rel, "--root", copy))


@pytest.mark.parametrize("argv", [["new-source", "articles/a.txt", "--id", "../x"],
                                  ["new-source", "articles/a.txt", "--id", "outlet-a-2025-08-19"],
                                  ["new-source", "/etc/hostname"], ["preview", "no-such-source"],
                                  ["preview", "../../etc"]], ids=lambda a: " ".join(a))
def test_curator_tools_with_bad_names(argv, copy):
    assert_clean(*cli(*argv, "--root", copy))


# ---- odd files where each kind of input belongs ----------------------------------------------

def _huge(data: bytes) -> bytes:
    return data + b"huge: " + b"x" * (8 << 20) + b"\n"


CONTENTS = {
    "empty": lambda data: b"",
    "binary": lambda data: bytes(range(256)) * 8,
    "latin1": lambda data: data.decode("utf-8").replace("\n", " caf\xe9\n", 1).encode("latin-1", "replace"),
    "nul": lambda data: data.replace(b"\n", b"\x00\n", 1),
    "bom": lambda data: b"\xef\xbb\xbf" + data,
    "crlf": lambda data: data.replace(b"\n", b"\r\n"),
    "lone-cr": lambda data: data.replace(b"\n", b"\r"),
    "huge": _huge,
    "deep": lambda data: data + b"deep: " + b"[" * 20_000 + b"]" * 20_000 + b"\n",
}
FILE_KINDS = ["missing", "folder", "symlink", "dangling-symlink", "fifo"]


def make_odd(root: Path, rel: str, kind: str):
    path = root / rel
    data = path.read_bytes()
    if kind in CONTENTS:
        path.write_bytes(CONTENTS[kind](data))
        return
    path.unlink()
    if kind == "folder":
        path.mkdir()
    elif kind == "symlink":
        (root / "elsewhere").write_bytes(data)
        os.symlink(root / "elsewhere", path)
    elif kind == "dangling-symlink":
        os.symlink(root / "nowhere", path)
    elif kind == "fifo":
        os.mkfifo(path)


# Contents that may still be good input for a kind of file: YAML allows a BOM and CRLF line
# ends; an article is bytes as published (its sha256 in the source file then differs, which
# is a message); a CHANGELOG is prose. Those cases may build, or fail with a clean message.
MAY_BUILD = {*((w, k) for w in ("places", "actors", "events", "source") for k in ("bom", "crlf")),
             *(("changelog", k) for k in ("bom", "crlf", "lone-cr", "huge", "deep", "nul", "symlink"))}


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """One copy for the `check` cases: each changes one input and puts it back (check writes nothing)."""
    root = tmp_path_factory.mktemp("checked") / "mini"
    shutil.copytree(MINI, root)
    return root


def restore(root: Path, rel: str, original: bytes):
    path = root / rel
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
    path.write_bytes(original)
    (root / "elsewhere").unlink(missing_ok=True)


@pytest.mark.parametrize("kind", [*FILE_KINDS, *CONTENTS])
@pytest.mark.parametrize("what", list(INPUTS))
def test_an_odd_file_where_an_input_belongs(what, kind, checked, copy_of_built):
    """`check` for the annotations and articles; `build` for CHANGELOG.md (only the release reads it),
    which must then leave build/ as it was."""
    rel = INPUTS[what]
    root = copy_of_built() if what == "changelog" else checked
    before = snapshot(root)
    original = (root / rel).read_bytes()
    try:
        make_odd(root, rel, kind)
        code, out, err = cli("build" if what == "changelog" else "check", "--root", root, timeout=120)
    finally:
        restore(root, rel, original)
    if (what, kind) in MAY_BUILD and code == 0:
        assert "Traceback" not in err, err[-2000:]
        return
    assert_clean(code, out, err)
    assert snapshot(root) == before


@pytest.mark.parametrize("folder", ["annotations", "annotations/sources", "articles"])
@pytest.mark.parametrize("kind", ["missing", "file", "empty"])
def test_an_odd_input_folder(folder, kind, copy):
    path = copy / folder
    shutil.rmtree(path)
    if kind == "file":
        path.write_text("x\n")
    elif kind == "empty":
        path.mkdir()
    assert_clean(*cli("check", "--root", copy))


# ---- a value of the wrong YAML kind at every level of each kind of annotation file -------------

NON_STRING_KEY = object()  # marks the case "a key 7 added to the mapping at this level"
WRONG_KINDS = {"null": None, "integer": 7, "float": 7.5, "string": "text", "list": [1], "mapping": {"k": 1}}


def levels(doc) -> list[tuple]:
    """One path per depth of the document: the first child at each level, down to a leaf."""
    out, path, node = [()], (), doc
    while isinstance(node, (dict, list)) and node:
        key = next(iter(node)) if isinstance(node, dict) else 0
        path, node = path + (key,), node[key]
        out.append(path)
    if isinstance(doc, dict) and "mentions" in doc:  # a source file: the records' level too
        out += [("mentions", 0), ("mentions", 0, "quote")]
    return out


def _at(doc, path: tuple):
    for key in path:
        doc = doc[key]
    return doc


KIND_CASES = []
for _what, _rel in list(INPUTS.items())[:4]:
    _doc = yaml.safe_load((MINI / _rel).read_text(encoding="utf-8"))
    for _path in levels(_doc):
        _where = f"{_what}:{'/'.join(map(str, _path)) or '(top)'}"
        for _kind, _value in WRONG_KINDS.items():
            if type(_value) is not type(_at(_doc, _path)):  # the same kind is no mistake
                KIND_CASES.append(pytest.param(_rel, _path, _value, id=f"{_where}={_kind}"))
        if isinstance(_at(_doc, _path), dict):
            KIND_CASES.append(pytest.param(_rel, _path, NON_STRING_KEY, id=f"{_where}+integer-key"))


@pytest.mark.parametrize("rel, path, value", KIND_CASES)
def test_a_value_of_the_wrong_kind_at_every_level(rel, path, value, checked):
    original = (checked / rel).read_bytes()
    doc = yaml.safe_load(original.decode("utf-8"))
    if value is NON_STRING_KEY:
        _at(doc, path)[7] = "x"
        new = doc
    else:
        new = replaced(doc, path, value)
    try:
        (checked / rel).write_text(yaml.safe_dump(new, allow_unicode=True, sort_keys=False), encoding="utf-8")
        assert_clean(*cli("check", "--root", checked))
    finally:
        (checked / rel).write_bytes(original)


def test_a_huge_id_is_not_echoed(checked):
    """A 20,000-character id: the message names the record by a shortened id, not the whole value."""
    rel = INPUTS["places"]
    original = (checked / rel).read_bytes()
    try:
        (checked / rel).write_bytes(original.replace(b"place_id: iraq\n", b"place_id: " + b"x" * 20_000 + b"\n", 1))
        code, out, err = cli("check", "--root", checked)
    finally:
        (checked / rel).write_bytes(original)
    assert_clean(code, out, err)
    assert "20,000 characters long" in err and max(len(line) for line in err.splitlines()) < 400, err[:1000]


def test_a_closest_passage_across_a_line_break_stays_on_its_line(checked):
    """The closest passage to a quote that is not found can span a line break of the article:
    the message shows it as \\n, so every line of the output is still path:line: or a hint."""
    original = (checked / A).read_bytes()
    quote = "    quote: آخر جندي سيغادر قاعدة عين الأسد يوم 15 أيلول 2025\n".encode()
    assert quote in original
    try:
        (checked / A).write_bytes(original.replace(quote, b'    quote: "2025-01-01"\n', 1))
        code, out, err = cli("check", "--root", checked)
    finally:
        (checked / A).write_bytes(original)
    assert_clean(code, out, err)
    assert "quote not found in articles/a.txt" in err and "\\n" in err, err


# ---- build/ missing or damaged, for the commands that read it -------------------------------------

READERS = {"db": [], "query": ["SELECT 1"], "docs": [], "package": [], "verify": [], "diff": ["{root}", "{root}"]}
# What each reader reads: db the Parquet files, query the database, diff a project's generation
# or else its root datapackage.json (so a missing build/ is no error for it), the others the
# published generation with its manifest.
STATES = {"db": ["no-build", "dangling", "loop", "file"], "query": ["no-build", "garbage-database"],
          "docs": ["no-build", "dangling", "loop", "file", "garbage-manifest", "garbage-database"],
          "package": ["no-build", "dangling", "loop", "file", "garbage-manifest"],
          "verify": ["no-build", "dangling", "loop", "file", "garbage-manifest"], "diff": ["garbage-manifest"]}


def damage(root: Path, state: str):
    build = root / "build"
    data = build / "data"
    if state == "no-build":
        shutil.rmtree(build)
    elif state == "dangling":
        data.unlink()
        os.symlink(".data-0000/data", data)
    elif state == "loop":
        data.unlink()
        os.symlink("data", data)
    elif state == "file":
        data.unlink()
        data.write_text("x\n")
    elif state == "garbage-manifest":
        data.resolve().parent.joinpath("datapackage.json").write_bytes(b"[\x00\xff")
    elif state == "garbage-database":
        for db in build.glob("*.duckdb"):
            db.write_bytes(b"not a database" * 100)


DAMAGED = [(c, s) for c in READERS for s in STATES[c]]


@pytest.mark.parametrize("command, state", DAMAGED, ids=[f"{c}-{s}" for c, s in DAMAGED])
def test_a_command_that_reads_build_when_it_is_missing_or_damaged(command, state, copy):
    damage(copy, state)
    argv = [a.format(root=copy) for a in READERS[command]]
    code, out, err = cli(command, *argv, *([] if command == "diff" else ["--root", copy]))
    assert_clean(code, out, err)


def test_the_manifest_is_read_with_a_relative_root(built, monkeypatch):
    """`make` runs the commands with --root . (a relative root beside an absolute generation)."""
    from scripts.pipeline.generation import manifest

    monkeypatch.chdir(built)
    paths = [r["path"] for r in manifest(Path("."))["resources"]]
    assert paths and all(p.startswith("build/data/") for p in paths), paths


@pytest.mark.parametrize("command, argv", [("locate", ["articles/a.txt", "15"]), ("ids", ["iraq"]),
                                           ("preview", ["outlet-a-2025-08-19"])])
def test_curator_tools_need_no_build(command, argv, copy):
    """locate, ids and preview read the inputs, not build/: without it they still work."""
    shutil.rmtree(copy / "build")
    code, out, err = cli(command, *argv, "--root", copy)
    assert code == 0 and "Traceback" not in err, err


# ---- a read-only build/ and a full disk ------------------------------------------------------------

def _failing_writes(monkeypatch, folder: Path, code: int):
    """Every write inside `folder` fails with OSError `code` (EROFS: a read-only build/; ENOSPC:
    a full disk): Python's opens for writing, os.open with O_CREAT or for writing, mkdir, and
    DuckDB's own writes (its IOException). Injected, because root writes through a folder's mode;
    the real read-only mount and full tmpfs were checked by hand (docs/architecture.md)."""
    import builtins
    import io

    import duckdb

    inside = str(folder)
    real_io_open, real_os_open, real_mkdir = io.open, os.open, os.mkdir

    def fail(path):
        raise OSError(code, os.strerror(code), os.fspath(path))

    def io_open(file, mode="r", *args, **kwargs):
        if any(m in mode for m in "wax+") and not isinstance(file, int) and os.fspath(file).startswith(inside):
            fail(file)
        return real_io_open(file, mode, *args, **kwargs)

    def os_open(path, flags, *args, dir_fd=None, **kwargs):
        # a read-only file system refuses every open for writing; a full disk only what needs
        # new space (opening build/.lock, which exists, still works)
        writes = flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT) if code == errno.EROFS else \
            flags & os.O_CREAT and not os.path.exists(path)
        if writes and dir_fd is None and os.fspath(path).startswith(inside):
            fail(path)
        return real_os_open(path, flags, *args, dir_fd=dir_fd, **kwargs)

    def mkdir(path, *args, **kwargs):
        if os.fspath(path).startswith(inside):
            fail(path)
        return real_mkdir(path, *args, **kwargs)

    def database(*args, **kwargs):
        raise duckdb.IOException(f'IO Error: Could not write file "{inside}/x.duckdb.tmp": {os.strerror(code)}')

    monkeypatch.setattr(io, "open", io_open)
    monkeypatch.setattr(builtins, "open", io_open)
    monkeypatch.setattr(os, "open", os_open)
    monkeypatch.setattr(os, "mkdir", mkdir)
    monkeypatch.setattr("scripts.db.build.write_database", database)


WRITERS = [["build"], ["db"], ["docs"], ["package", "--no-texts"], ["preview", "outlet-a-2025-08-19"]]


@pytest.mark.parametrize("argv", WRITERS, ids=lambda a: a[0])
@pytest.mark.parametrize("code", [errno.EROFS, errno.ENOSPC], ids=["read-only", "full"])
def test_a_read_only_or_full_build_folder_is_one_line(argv, code, copy, monkeypatch):
    for name in ("CITATION.cff", "LICENSE-DATA.md"):  # what the release archive needs besides the fixture
        shutil.copy(REPO / name, copy / name)
    before = snapshot(copy)
    _failing_writes(monkeypatch, copy / "build", code)
    result = cli(*argv, "--root", copy, timeout=120)
    monkeypatch.undo()
    assert_clean(*result)
    assert os.strerror(code) in result[2]
    assert snapshot(copy) == before


def test_a_full_disk_when_new_source_writes(copy, monkeypatch):
    (copy / A).unlink()  # a.txt is then an article without its source file, as new-source expects
    _failing_writes(monkeypatch, copy / "annotations", errno.ENOSPC)
    result = cli("new-source", "articles/a.txt", "--id", "outlet-a-2025-08-19", "--root", copy)
    monkeypatch.undo()
    assert_clean(*result)
    assert not (copy / A).exists()


def test_the_search_covers_every_command():
    """Each command of `python -m scripts --help` has bad-argument cases here."""
    from scripts.cli import parser

    listed = set(parser()._subparsers._group_actions[0].choices)
    assert listed == set(COMMANDS)
