"""Property-based fuzzing of the build (issue 16): Hypothesis mutates the repository's real
annotation files (their structure, the kinds and values of scalars, their encoding and line
breaks) and the kind of file where an annotation file or an article belongs (a symbolic
link, a FIFO, a folder, an empty or unreadable file), then runs `build` on the result.

The contract, for every case: no traceback and no hang; exit 0 with a dataset `verify`
accepts, or exit 1 with messages that each name a file of the project and a line, and
build/ and datapackage.json unchanged byte for byte. A mutation that keeps the file from
loading (broken YAML, a wrong kind of value, a file that is not a regular file) must be
reported in that file, and in no other.

A third property is sharper: a field's value replaced by one of a wrong kind gives exactly
one message, in that file, at that line.

Bounded for `make test` (the default profile: the same 30 examples per test each run, about
15 s in all); `make fuzz` runs the long profile (HYPOTHESIS_PROFILE=long: 1,000 new examples
per test). No example database is kept (nothing is written outside the temporary folders).
"""
from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.conftest import copy_inputs, run_cli, snapshot

COMMON = {"deadline": None, "database": None, "print_blob": True,
          "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}
settings.register_profile("fuzz-default", max_examples=30, derandomize=True, **COMMON)
settings.register_profile("fuzz-long", max_examples=1000, **COMMON)
PROFILE = settings.get_profile("fuzz-long" if os.environ.get("HYPOTHESIS_PROFILE") == "long" else "fuzz-default")
TIMEOUT = 60  # seconds per build: more is a hang

# YAML's tricky tokens and values of every kind a scalar can be read as.
TOKENS = [" ", "  ", "\n", ":", ": ", "- ", "#", " #", '"', "'", "\\", "&a ", "*a", "!!str ", "!!binary ", "!!python/none ",
          "[", "]", "{", "}", "|", ">", "?", "%", "@", "`", "---\n", "...\n", "<<: ", "\t", "\r", "\r\n", "\x85", "\u2028",
          "\x00", "\x07", "\ufeff", "é", "ي"]
VALUES = ["yes", "no", "on", "null", "~", "true", "1e3", "0x1F", "012", "1_000", "2.0", "-1", "+1", ".inf", "-.inf", ".nan",
          "1" + "0" * 40, "2025-08-19", '"٢٠٢٥-٠٨-١٩"', '"2999-01-01"', '"\\u0007"', '"a\\nb"', '"\\t"', '""', "[]", "{}",
          "[" * 50 + "]" * 50, "- - - - - - - - - - - - x", "{a: 1}", "? [a, b]\n: c", '"' + "ب" * 20_000 + '"',
          '"../../etc/passwd"', '"articles/../annotations/places.yaml"', '"/etc/passwd"', "!!float 1", "*a", "&a x"]
# A scalar as YAML text: a tricky token, a number of any size or kind, or any string, quoted.
scalars = (st.sampled_from(VALUES)
           | st.integers(-2**70, 2**70).map(str)
           | st.floats(allow_nan=True, allow_infinity=True).map(lambda x: {"nan": ".nan", "inf": ".inf", "-inf": "-.inf"}.get(repr(x), repr(x)))
           | st.text(max_size=30).map(lambda t: json.dumps(t, ensure_ascii=False)))
KINDS = ["symlink-inside", "symlink-outside", "symlink-dangling", "fifo", "folder", "empty", "unreadable"]


@dataclass
class Mutation:
    target: str        # the file changed, relative to the project folder
    loads: bool        # False: the mutation keeps the file from loading (reported there, nowhere else)
    describe: str


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The repository's inputs, built once (the row cache and build/data are then copied)."""
    root = copy_inputs(tmp_path_factory.mktemp("fuzz") / "repo")
    code, out, err = run_cli("build", "--root", root)
    assert code == 0, err
    return root


def annotation_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in (root / "annotations").rglob("*.yaml"))


@st.composite
def text_mutation(draw, root: Path) -> tuple[str, bytes, Mutation]:
    """A file and its new bytes: tokens spliced in, spans cut, lines re-indented or
    duplicated, a value replaced, the encoding or the line breaks changed."""
    rel = draw(st.sampled_from(annotation_files(root)))
    text = (root / rel).read_text(encoding="utf-8")
    steps = draw(st.sampled_from([1, 1, 1, 2, 3]))
    done = []
    for _ in range(steps):
        lines = text.split("\n")
        op = draw(st.sampled_from(["value"] * 4 + ["token"] * 3 + ["cut", "indent", "duplicate", "swap"]))
        j = draw(st.integers(0, len(lines) - 1))
        if op == "token":
            at = draw(st.integers(0, len(text)))
            token = draw(st.sampled_from(TOKENS + VALUES))
            text = text[:at] + token + text[at:]
        elif op == "cut":
            at = draw(st.integers(0, len(text)))
            text = text[:at] + text[at + draw(st.integers(1, 40)):]
        elif op == "indent":
            lines[j] = " " * draw(st.integers(0, 7)) + lines[j].lstrip(" ")
            text = "\n".join(lines)
        elif op == "value":
            keyed = [k for k, line in enumerate(lines) if ": " in line]
            k = draw(st.sampled_from(keyed))
            key = lines[k].split(": ", 1)[0]
            lines[k] = f"{key}: {draw(scalars)}"
            text = "\n".join(lines)
        elif op == "duplicate":
            lines.insert(j, lines[j])
            text = "\n".join(lines)
        elif op == "swap":
            k = draw(st.integers(0, len(lines) - 1))
            lines[j], lines[k] = lines[k], lines[j]
            text = "\n".join(lines)
        done.append(op)
    encoding = draw(st.sampled_from(["utf-8"] * 6 + ["utf-16", "cp1256", "bom", "cr", "crlf", "bad-byte"]))
    if encoding == "utf-16":
        data = text.encode("utf-16")
    elif encoding == "cp1256":  # the Windows Arabic code page: every file has Arabic, which is then not UTF-8
        data = text.encode("cp1256", errors="replace")
    elif encoding == "bom":
        data = b"\xef\xbb\xbf" + text.encode("utf-8")
    elif encoding == "cr":
        data = text.replace("\n", "\r").encode("utf-8")
    elif encoding == "crlf":
        data = text.replace("\n", "\r\n").encode("utf-8")
    elif encoding == "bad-byte":
        at = draw(st.integers(0, len(text)))
        data = text[:at].encode("utf-8") + b"\xc3\x28" + text[at:].encode("utf-8")
    else:
        data = text.encode("utf-8")
    # Only the encodings are sure to keep a file from loading; an edit may be harmless (a comment).
    breaks = encoding in ("utf-16", "cp1256", "bom", "cr", "bad-byte")
    return rel, data, Mutation(rel, not breaks, f"{rel}: {', '.join(done)}; {encoding}")


@st.composite
def kind_mutation(draw, root: Path) -> tuple[str, str, Mutation]:
    """An annotation file or an article replaced by something that is not a regular file."""
    articles = sorted(p.relative_to(root).as_posix() for p in (root / "articles").glob("*.txt"))
    rel = draw(st.sampled_from(annotation_files(root) + articles))
    kind = draw(st.sampled_from(KINDS))
    # The message names the annotation file, or the source file whose article it is.
    return rel, kind, Mutation(rel, False, f"{rel} -> {kind}")


@contextmanager
def unreadable(name: str):
    """`name` cannot be opened (EACCES), as for another user (the tests may run as root)."""
    real_open = os.open

    def open_(path, flags, mode=0o777, *, dir_fd=None):
        if dir_fd is not None and os.fspath(path) == name:
            raise PermissionError(errno.EACCES, "Permission denied", path)
        return real_open(path, flags, mode, dir_fd=dir_fd)

    with mock.patch.object(os, "open", open_):
        yield


def replace_kind(root: Path, rel: str, kind: str, outside: Path):
    path = root / rel
    if kind == "unreadable":
        return
    path.unlink()
    if kind == "symlink-inside":
        other = next(p for p in sorted((root / "annotations").rglob("*.yaml")) if p != path)
        os.symlink(other, path)
    elif kind == "symlink-outside":
        os.symlink(outside, path)
    elif kind == "symlink-dangling":
        os.symlink(root / "nowhere", path)
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    elif kind == "empty":
        path.write_bytes(b"")


class Hung(Exception):
    pass


def build(root: Path) -> tuple[int, str, str]:
    def hung(signum, frame):
        raise Hung(f"build did not finish in {TIMEOUT} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(TIMEOUT)
    try:
        return run_cli("build", "--root", root, "--format", "json")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def source_of(root: Path, article: str) -> str:
    """The source file that names an article (the message about the article is there)."""
    for path in sorted((root / "annotations/sources").glob("*.yaml")):
        if f'article_path: "{article}"' in path.read_text(encoding="utf-8") or f"article_path: {article}\n" in path.read_text(encoding="utf-8"):
            return path.relative_to(root).as_posix()
    raise AssertionError(f"no source names {article}")


def check_contract(root: Path, before: dict, mutation: Mutation, expected_file: str):
    code, out, err = build(root)
    event(f"exit {code}")
    assert "Traceback" not in out + err, (mutation.describe, err)
    assert code in (0, 1), (mutation.describe, code, err)
    if code == 0:
        assert mutation.loads, f"{mutation.describe}: accepted"
        code, out, err = run_cli("verify", "--root", root)
        assert code == 0, (mutation.describe, err)
        return
    assert out.strip(), (mutation.describe, "exit 1 without messages", err)
    problems = json.loads(out)
    assert problems, mutation.describe
    for p in problems:
        assert p["path"] and p["line"] >= 1 and p["message"], (mutation.describe, p)
        assert p["path"].split("/")[0] in ("annotations", "articles"), (mutation.describe, p)
    if not mutation.loads:
        assert {p["path"] for p in problems} == {expected_file}, (mutation.describe, problems)
    assert snapshot(root) == before, mutation.describe


@contextmanager
def project_copy(corpus: Path):
    scratch = Path(tempfile.mkdtemp(prefix="fuzz-"))
    try:
        root = scratch / "repo"
        shutil.copytree(corpus, root, symlinks=True)
        yield root, scratch
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


@pytest.mark.slow
@settings(PROFILE)
@given(data=st.data())
def test_mutated_annotation_files_meet_the_contract(corpus, data):
    with project_copy(corpus) as (root, _):
        before = snapshot(root)
        rel, new, mutation = data.draw(text_mutation(corpus), label="mutation")
        (root / rel).write_bytes(new)
        check_contract(root, before, mutation, rel)


@pytest.mark.slow
@settings(PROFILE)
@given(data=st.data())
def test_inputs_that_are_not_regular_files_meet_the_contract(corpus, data):
    with project_copy(corpus) as (root, scratch):
        before = snapshot(root)
        rel, kind, mutation = data.draw(kind_mutation(corpus), label="mutation")
        outside = scratch / "system-file"
        outside.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
        expected = rel if rel.startswith("annotations/") else source_of(root, rel)
        replace_kind(root, rel, kind, outside)
        if kind == "unreadable":
            with unreadable(Path(rel).name):
                # the row cache knows the file by its stat: a changed stat makes the build open it
                os.utime(root / rel, ns=(0, 0))
                check_contract(root, before, mutation, expected)
        else:
            check_contract(root, before, mutation, expected)


def key_types() -> dict[str, str]:
    """Every key of the annotation schema and its JSON type (ids are strings)."""
    from scripts.metadata import annotation_schema

    types = {}

    def walk(node):
        if isinstance(node, dict):
            for key, sub in node.get("properties", {}).items():
                if isinstance(sub, dict) and ("type" in sub or "$ref" in sub):
                    types.setdefault(key, sub.get("type", "string"))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(annotation_schema())
    return types


# Values of a wrong kind for each JSON type, as YAML text.
WRONG = {
    "string": ["12", "1.5", "true", "~", "[a]", "{a: 1}", '"a\\u0007b"', ".nan"],
    "number": ['"12"', "true", "~", "[1]", ".nan", ".inf", "-.inf", "1" + "0" * 30, "north"],
    "integer": ["2.0", '"2"', "true", "~", "0", "-1", ".inf", "1e3"],
}


@pytest.mark.slow
@settings(PROFILE)
@given(data=st.data())
def test_a_value_of_the_wrong_kind_is_one_message_at_its_line(corpus, data):
    """A field's value replaced by one of a wrong kind: exactly one message, in that file, at
    that line (not at the next field's, nor at the record's)."""
    types = key_types()
    with project_copy(corpus) as (root, _):
        before = snapshot(root)
        rel = data.draw(st.sampled_from(annotation_files(root)), label="file")
        lines = (root / rel).read_text(encoding="utf-8").split("\n")
        candidates = [k for k, line in enumerate(lines)
                      if ": " in line and types.get(line.split(": ", 1)[0].strip(" -")) in WRONG and line.split(": ", 1)[1].strip()]
        k = data.draw(st.sampled_from(candidates), label="line")
        key = lines[k].split(": ", 1)[0]
        value = data.draw(st.sampled_from(WRONG[types[key.strip(" -")]]), label="value")
        lines[k] = f"{key}: {value}"
        (root / rel).write_text("\n".join(lines), encoding="utf-8")
        code, out, err = build(root)
        assert code == 1 and "Traceback" not in err, (rel, k + 1, value, err)
        problems = json.loads(out)
        assert [(p["path"], p["line"]) for p in problems] == [(rel, k + 1)], (value, problems)
        assert snapshot(root) == before
