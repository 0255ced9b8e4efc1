"""tracebacks: the exhaustive search for a traceback reachable from the command line (issue 16).

`python -m benchmarks.tracebacks [--out build/tracebacks] [--only arguments|files|kinds]`

It runs `python -m scripts` in this process (scripts.cli.main, as tests/conftest.run_cli does)
on the fixture corpus (tests/fixtures/mini), built with its database, over these cases:

  arguments  every command with an unknown option and surplus arguments; every command that
             takes --root with a root that is missing, a file or empty, with a bad --format,
             and with build/ missing, build/data dangling, a loop, a file or an old folder, the
             database missing or garbage, the root and the published datapackage.json garbage
             or of the wrong JSON kind, CHANGELOG.md missing or not UTF-8; verify with odd
             descriptors and --articles; locate and new-source with odd articles and names;
             ids, preview, query with odd words, ids, statements and limits; diff and release
             --previous with odd releases (missing, a file, a folder, a FIFO, broken zips)
  files      each input file (places, actors, events, a source file, an article, CHANGELOG.md)
             empty, binary, not UTF-8, with NUL, huge, deeply nested, a lone scalar or list,
             duplicate keys, aliases, tags, several documents, tabs, non-string keys, BOM,
             CRLF, lone CR, no final newline, U+2028; missing, a folder, a link out and in,
             dangling, a FIFO, unreadable; the input folders missing, a file, a link, empty;
             odd extra files in annotations/sources
  kinds      a value of each of 18 kinds (null, integers, floats incl. NaN/inf, booleans,
             strings incl. empty, 20,000 characters and control characters, lists, mappings,
             a date, deep nesting) at every node of each annotation file kind, and a key of
             four non-string kinds in every mapping

Each result is classed like tests/integration/test_no_traceback.py does: a traceback or a
hang (60 s) is a failure; exit 0 is listed (many cases are valid input); an exit 1 or 2 must
come with `path:line: message` lines or one error line. The counts go to OUT/results.json and
are printed. tests/integration/test_no_traceback.py keeps a sample of every class in `make test`.

Longer than 400 lines because the module is mostly tables of cases, one per class of input;
split over several files the search would be harder to read as one list.
"""
from __future__ import annotations

import argparse
import contextlib
import copy
import datetime as dt
import io
import json
import os
import re
import shutil
import signal
import sys
import traceback
import zipfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MINI = REPO / "tests" / "fixtures" / "mini"
LOCATED = re.compile(r"^[^\s:][^:\n]*:\d+: \S")
SQL_CONTEXT = re.compile(r"^LINE \d+: ")
COMMANDS = ["check", "build", "verify", "new-source", "locate", "ids", "preview", "db", "query", "docs", "package",
            "release", "diff", "synth", "bench", "agreement", "cite"]
NEEDS = {"ids": ["iraq"], "preview": ["outlet-a-2025-08-19"], "query": ["SELECT 1"], "locate": ["articles/a.txt", "15"],
         "new-source": ["articles/a.txt"]}
ROOTED = ["cite", "check", "build", "verify", "db", "docs", "package", "release", "ids", "preview", "query", "locate", "new-source"]
SOURCE = "annotations/sources/outlet-a-2025-08-19.yaml"
FILES = ["annotations/places.yaml", "annotations/actors.yaml", "annotations/events.yaml", SOURCE, "articles/a.txt",
         "CHANGELOG.md"]


def add_arguments(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    p.add_argument("--out", type=Path, default=REPO / "build" / "tracebacks", help="work folder (default build/tracebacks)")
    p.add_argument("--only", choices=["arguments", "files", "kinds"], help="run one group of cases")
    return p


class Hung(Exception):
    pass


def verdict(code, err: str, failure: str | None) -> str:
    if failure:
        return failure
    if code == 0:
        return "exit 0"
    if code not in (1, 2):
        return f"exit {code}"
    lines = [line for line in err.splitlines() if line.strip()]
    if not lines:
        return "no message"
    if any(LOCATED.match(line) for line in lines):
        ok = lines[-1].endswith("nothing was written.") and all(
            LOCATED.match(line) or line.startswith("    hint: ") for line in lines[:-1])
        return "path:line messages" if ok else "located, with other lines"
    errors = [line for line in lines if not line.startswith(("usage: ", " ")) and not SQL_CONTEXT.match(line)]
    return "one error line" if len(errors) == 1 and "error: " in errors[0] else "unlocated message"


class Search:
    def __init__(self, out: Path):
        from scripts.cli import main

        self.main, self.out, self.results = main, out, []
        if out.exists():
            shutil.rmtree(out)
        self.built = out / "_built"
        shutil.copytree(MINI, self.built)
        for command in ("build", "db"):
            assert main([command, "--root", str(self.built)]) == 0

    def fresh(self, name: str) -> Path:
        root = self.out / "work" / name
        if root.exists():
            shutil.rmtree(root)
        shutil.copytree(self.built, root, symlinks=True)
        return root

    def run(self, group: str, name: str, argv: list, timeout: int = 60):
        out, err, failure = io.StringIO(), io.StringIO(), None

        def hung(signum, frame):
            raise Hung()

        previous = signal.signal(signal.SIGALRM, hung)
        signal.alarm(timeout)
        code = None
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    code = self.main([str(a) for a in argv])
                except SystemExit as e:
                    code = e.code
        except Hung:
            failure = "hang"
        except BaseException as e:  # noqa: B036 - the point is to catch everything
            failure = "traceback: " + "".join(traceback.format_exception_only(e)).strip()[:300]
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
        v = verdict(code, err.getvalue(), failure)
        self.results.append({"group": group, "case": name, "code": code, "verdict": v,
                             "stderr": err.getvalue()[:400] + ("..." if len(err.getvalue()) > 400 else "")})
        if v.startswith(("traceback", "hang", "located,", "unlocated", "no message", "exit ")) and v != "exit 0":
            print(f"{v}: {group} {name}", flush=True)


# ---- arguments ---------------------------------------------------------------------------------

def argument_cases(s: Search):
    work = s.out / "work"
    work.mkdir(parents=True, exist_ok=True)
    (work / "empty").mkdir(exist_ok=True)
    (work / "a-file.txt").write_text("x")
    s.run("arguments", "nothing", [])
    s.run("arguments", "unknown command", ["frobnicate"])
    for c in COMMANDS:
        s.run("arguments", f"{c} --bogus", [c, "--bogus"])
        s.run("arguments", f"{c} surplus", [c, "a", "b", "c", "d"])
    for c in ROOTED:
        roots(s, c, NEEDS.get(c, []), work)
        build_states(s, c, NEEDS.get(c, []))
    descriptors(s, work)
    curator_tools(s)
    queries(s)
    releases(s, work)


def roots(s: Search, c: str, extra: list, work: Path):
    s.run("arguments", f"{c} root missing", [c, *extra, "--root", work / "nope"])
    s.run("arguments", f"{c} root a file", [c, *extra, "--root", work / "a-file.txt"])
    s.run("arguments", f"{c} root empty", [c, *extra, "--root", work / "empty"])
    s.run("arguments", f"{c} --format xml", [c, *extra, "--format", "xml"])


BUILD_STATES = ["no build", "data dangling", "data a file", "data an old folder", "data a loop", "no database",
                "garbage database", "garbage root datapackage", "no changelog", "changelog not UTF-8",
                *(f"manifest {k}" for k in ("garbage", "list", "number", "resources of wrong kinds", "empty", "binary"))]
MANIFESTS = {"garbage": b"{x", "list": b"[]", "number": b"3", "resources of wrong kinds": b'{"resources": [1, "x", {"path": 3}]}',
             "empty": b"", "binary": b"\x00\xff"}


def damage(root: Path, state: str):
    build, data = root / "build", root / "build" / "data"
    if state == "no build":
        shutil.rmtree(build)
    elif state.startswith("data "):
        data.unlink()
        if state == "data dangling":
            os.symlink(".data-0000/data", data)
        elif state == "data a file":
            data.write_text("x")
        elif state == "data an old folder":
            data.mkdir()
            (data / "events.csv").write_text("a\n")
        else:
            os.symlink("data", data)
    elif state in ("no database", "garbage database"):
        for db in build.glob("*.duckdb"):
            db.unlink() if state == "no database" else db.write_bytes(b"garbage" * 100)
    elif state == "garbage root datapackage":
        (root / "datapackage.json").write_text("{not json")
    elif state == "no changelog":
        (root / "CHANGELOG.md").unlink()
    elif state == "changelog not UTF-8":
        (root / "CHANGELOG.md").write_bytes(b"\xff\xfe garbage\n## [x]\n")
    else:
        data.resolve().parent.joinpath("datapackage.json").write_bytes(MANIFESTS[state.removeprefix("manifest ")])


def build_states(s: Search, c: str, extra: list):
    for state in BUILD_STATES:
        root = s.fresh(f"{c}-{state}".replace(" ", "-"))
        damage(root, state)
        s.run("arguments", f"{c} with {state}", [c, *extra, "--root", root])


DESCRIPTORS = {"garbage": "{x", "list": "[]", "number": "3", "resources of wrong kinds": '{"resources": [1, "x", {"path": 3}]}',
               "absolute path": '{"resources": [{"path": "/etc/passwd", "name": "x"}]}',
               "path out": '{"resources": [{"path": "../../etc/passwd", "name": "x", "format": "csv"}]}',
               "empty": "", "binary": "\x00\xff",
               "schema a number": '{"resources": [{"path": "data/events.csv", "name": "events", "format": "csv", "schema": 3}]}',
               "fields of wrong kinds": '{"resources": [{"path": "data/events.csv", "name": "events", "format": "csv", '
                                        '"schema": {"fields": [1, {"name": 2}]}}]}'}


def descriptors(s: Search, work: Path):
    root = s.fresh("verify")
    for kind, text in DESCRIPTORS.items():
        d = work / f"descriptor-{kind.replace(' ', '-')}.json"
        d.write_text(text, encoding="latin-1")
        s.run("arguments", f"verify descriptor {kind}", ["verify", d, "--root", root])
    fifo = work / "fifo"
    if not fifo.exists():
        os.mkfifo(fifo)
    for name, path in (("missing", work / "nope.json"), ("a folder", work / "empty"), ("a FIFO", fifo)):
        s.run("arguments", f"verify descriptor {name}", ["verify", path, "--root", root], timeout=20)
    for name, path in (("missing", work / "nope"), ("a file", work / "a-file.txt"), ("empty", work / "empty")):
        s.run("arguments", f"verify --articles {name}", ["verify", "--articles", path, "--root", root])


ARTICLES = {"missing": None, "a folder": "dir", "binary": b"\x00\xff\xfe", "latin-1": "caf\xe9".encode("latin-1"),
            "empty": b"", "a FIFO": "fifo", "a link out": "link"}


def curator_tools(s: Search):
    for kind, setup in ARTICLES.items():
        root = s.fresh(f"article-{kind.replace(' ', '-')}")
        path = root / "articles/z.txt"
        if setup == "dir":
            path.mkdir()
        elif setup == "fifo":
            os.mkfifo(path)
        elif setup == "link":
            os.symlink("/etc/passwd", path)
        elif setup is not None:
            path.write_bytes(setup)
        s.run("arguments", f"locate article {kind}", ["locate", "articles/z.txt", "x", "--root", root], timeout=20)
        s.run("arguments", f"new-source article {kind}", ["new-source", "articles/z.txt", "--root", root], timeout=20)
    root = s.fresh("curate")
    for name, argv in {
        "locate outside": ["locate", "/etc/passwd", "root"], "locate up": ["locate", "../../../../etc/passwd", "root"],
        "locate empty quote": ["locate", "articles/a.txt", ""], "locate NUL quote": ["locate", "articles/a.txt", "a\x00b"],
        "locate huge quote": ["locate", "articles/a.txt", "ق" * 200_000],
        "locate not UTF-8": ["locate", "articles/a.txt", "\udcff"],
        "new-source bad id": ["new-source", "articles/a.txt", "--id", "../x"], "new-source outside": ["new-source", "/etc/passwd"],
        "new-source existing": ["new-source", "articles/a.txt", "--id", "outlet-a-2025-08-19"],
        "ids empty": ["ids", ""], "ids NUL": ["ids", "\x00"], "ids not UTF-8": ["ids", "\udcff"],
        "ids --limit -1": ["ids", "iraq", "--limit", "-1"], "ids --limit 0": ["ids", "iraq", "--limit", "0"],
        "ids --limit x": ["ids", "iraq", "--limit", "x"], "ids --limit huge": ["ids", "iraq", "--limit", "9" * 20],
        "preview unknown": ["preview", "nope"], "preview path": ["preview", "../../etc/passwd"], "preview empty": ["preview", ""],
    }.items():
        s.run("arguments", name, [*argv, "--root", root])


SQL = ["", " ", ";", "SELEC 1", "SELECT * FROM nope", "DROP TABLE events", "COPY events TO '/tmp/x.csv'", "ATTACH '/tmp/x.db'",
       "INSTALL httpfs", "LOAD httpfs", "UPDATE EXTENSIONS", "PRAGMA version", "SET memory_limit='1GB'", "SELECT 1; SELECT 2",
       "SELECT 1; DROP TABLE events", "CALL pragma_version()", "SELECT read_text('/etc/passwd')",
       "SELECT * FROM read_csv('/etc/passwd')", "SELECT 1/0", "SELECT 'a'::INT", "SELECT \x00", "SELECT '\udcff'",
       "EXPLAIN SELECT 1", "VACUUM", "CHECKPOINT", "EXPORT DATABASE '/tmp/x'", "SELECT * FROM range(3000000000)",
       "SELECT getenv('HOME')", "SUMMARIZE events", "DESCRIBE events", "SHOW TABLES", "USE memory", "DETACH DATABASE x",
       "BEGIN", "ROLLBACK", "SELECT * FROM glob('/etc/*')", "SELECT list(range) FROM range(100000000)"]
QUERY_FLAGS = [["--max-rows", "-1"], ["--max-rows", "x"], ["--timeout", "-1"], ["--timeout", "0"], ["--timeout", "nan"],
               ["--timeout", "inf"], ["--timeout", "1e309"], ["--memory-limit", "garbage"], ["--memory-limit", "-5GB"],
               ["--memory-limit", ""], ["--memory-limit", "1B"], ["--memory-limit", "1KB"], ["--output", "xml"]]


def queries(s: Search):
    root = s.fresh("query")
    for sql in SQL:
        s.run("arguments", f"query {sql[:40]!r}", ["query", sql, "--root", root, "--timeout", "10"])
    for flags in QUERY_FLAGS:
        s.run("arguments", f"query {' '.join(flags)}", ["query", "SELECT 1", "--root", root, *flags])
    for output in ("table", "csv", "json", "markdown"):
        s.run("arguments", f"query --output {output} of a blob and a lone surrogate",
              ["query", "SELECT '\\xff'::BLOB AS b", "--root", root, "--output", output])


def releases(s: Search, work: Path):
    root = s.fresh("diff")
    (work / "garbage.zip").write_bytes(b"PK\x03\x04garbage")
    zipfile.ZipFile(work / "empty.zip", "w").close()
    with zipfile.ZipFile(work / "bad-manifest.zip", "w") as z:
        z.writestr("x/datapackage.json", "{x")
    with zipfile.ZipFile(work / "path-out.zip", "w") as z:
        z.writestr("datapackage.json", '{"resources": [{"path": "../../etc/passwd", "name": "events", "format": "csv"}]}')
    odd = [work / "nope", work / "a-file.txt", work / "empty", work / "garbage.zip", work / "empty.zip",
           work / "bad-manifest.zip", work / "path-out.zip", work / "fifo"]
    for path in odd:
        s.run("arguments", f"diff old={path.name}", ["diff", path, root], timeout=20)
        s.run("arguments", f"diff new={path.name}", ["diff", root, path], timeout=20)
    for path in odd[:4]:
        s.run("arguments", f"release --previous {path.name}", ["release", "--previous", path, "--root", s.fresh("release")])
    for argv in (["synth", "--articles", "-5"], ["synth", "--articles", "x"], ["bench", "--sizes", "x"], ["bench", "--sizes", "-1"]):
        s.run("arguments", " ".join(argv), argv)


# ---- files ---------------------------------------------------------------------------------------

CONTENT = {"empty": b"", "binary": bytes(range(256)) * 4, "latin-1": "caf\xe9: x\n".encode("latin-1"), "NUL": b"a: \x00\n",
           "huge": b"# " + b"x" * (30 << 20) + b"\n", "deep list": b"a: " + b"[" * 5000 + b"]" * 5000 + b"\n",
           "deep mapping": b"".join(b"  " * i + b"k:\n" for i in range(3000)), "only a comment": b"# nothing\n",
           "a scalar": b"42\n", "a list": b"- 1\n- 2\n", "duplicate key": b"a: 1\na: 2\n", "alias": b"a: &x [1]\nb: *x\n",
           "tag": b"a: !!python/object:os.system x\n", "two documents": b"a: 1\n---\nb: 2\n", "tab": b"a:\n\t- 1\n",
           "integer key": b"1: x\n", "null key": b"~: x\n", "complex key": b"? [1, 2]\n: x\n"}
EDITS = {"BOM": lambda b: b"\xef\xbb\xbf" + b, "CRLF": lambda b: b.replace(b"\n", b"\r\n"),
         "lone CR": lambda b: b.replace(b"\n", b"\r"), "no final newline": lambda b: b.rstrip(b"\n"),
         "U+2028": lambda b: b.replace(b"\n", "\u2028".encode(), 3)}
PLACES = ["missing", "a folder", "a link out", "a link in", "dangling", "a FIFO", "unreadable"]
TOOLS = {"check": [], "build": [], "preview": ["outlet-a-2025-08-19"], "ids": ["iraq"]}


def file_cases(s: Search):
    for f in FILES:
        for kind, content in CONTENT.items():
            root = s.fresh("file")
            (root / f).write_bytes(content)
            s.run("files", f"{f} {kind}", ["check", "--root", root], timeout=120)
        for kind, edit in EDITS.items():
            root = s.fresh("file")
            (root / f).write_bytes(edit((root / f).read_bytes()))
            s.run("files", f"{f} {kind}", ["check", "--root", root])
        for kind in PLACES:
            root = s.fresh("file")
            replace_file(root / f, kind, MINI / f)
            for tool, extra in TOOLS.items():
                s.run("files", f"{tool}: {f} {kind}", [tool, *extra, "--root", root])
    folder_cases(s)


def replace_file(p: Path, kind: str, original: Path):
    p.unlink()
    if kind == "a folder":
        p.mkdir()
    elif kind == "a link out":
        os.symlink("/etc/hostname", p)
    elif kind == "a link in":
        os.symlink(original, p)
    elif kind == "dangling":
        os.symlink("/nonexistent", p)
    elif kind == "a FIFO":
        os.mkfifo(p)
    elif kind == "unreadable":
        p.write_text("x")
        os.chmod(p, 0)


def folder_cases(s: Search):
    for d in ["annotations", "annotations/sources", "articles"]:
        for kind in ["missing", "a file", "a link", "empty"]:
            root = s.fresh("folder")
            shutil.rmtree(root / d)
            if kind == "a file":
                (root / d).write_text("x")
            elif kind == "a link":
                os.symlink(MINI / d, root / d)
            elif kind == "empty":
                (root / d).mkdir()
            for tool, extra in TOOLS.items():
                s.run("files", f"{tool}: folder {d} {kind}", [tool, *extra, "--root", root])
    for name in ["x.yml", "x.txt", ".hidden.yaml", "sub/x.yaml", "UPPER.yaml", "with space.yaml", "\udcff.yaml"]:
        root = s.fresh("extra")
        path = root / "annotations/sources" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"source: {}\n")
        s.run("files", f"extra file annotations/sources/{name!r}", ["check", "--root", root])


# ---- kinds ---------------------------------------------------------------------------------------

KINDS = {"null": None, "int": 7, "float": 7.5, "nan": float("nan"), "inf": float("inf"), "bool": True, "str": "text",
         "empty str": "", "list": [], "list of 1": [1], "mapping": {}, "mapping of 1": {"k": 1}, "date": dt.date(2025, 1, 1),
         "big int": 10**30, "negative int": -1, "20,000 characters": "x" * 20_000, "control character": "a\x07b",
         "deep": [[[[{"a": [1]}]]]]}


def paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from paths(v, prefix + (i,))


def replaced(node, path, value):
    if not path:
        return value
    node = copy.deepcopy(node)
    cur = node
    for k in path[:-1]:
        cur = cur[k]
    cur[path[-1]] = value
    return node


def kind_cases(s: Search):
    import yaml

    root = s.fresh("kinds")
    for f in FILES[:4]:
        original = (MINI / f).read_bytes()
        doc = yaml.safe_load(original.decode("utf-8"))
        for path in paths(doc):
            where = "/".join(map(str, path)) or "(top)"
            for kind, value in KINDS.items():
                (root / f).write_text(yaml.safe_dump(replaced(doc, path, value), allow_unicode=True, sort_keys=False), encoding="utf-8")
                s.run("kinds", f"{f} {where} = {kind}", ["check", "--root", root])
            target = doc
            for k in path:
                target = target[k]
            if isinstance(target, dict):
                for key in (1, None, True, 1.5):
                    changed = copy.deepcopy(doc)
                    at = changed
                    for k in path:
                        at = at[k]
                    at[key] = "x"
                    (root / f).write_text(yaml.safe_dump(changed, allow_unicode=True, sort_keys=False), encoding="utf-8")
                    s.run("kinds", f"{f} {where} + key {key!r}", ["check", "--root", root])
        (root / f).write_bytes(original)


def main(args) -> int:
    search = Search(args.out)
    groups = {"arguments": argument_cases, "files": file_cases, "kinds": kind_cases}
    for name, cases in groups.items():
        if args.only in (None, name):
            cases(search)
    summary = {g: dict(Counter(r["verdict"] for r in search.results if r["group"] == g)) for g in groups}
    failures = [r for r in search.results if r["verdict"].startswith(("traceback", "hang"))]
    (args.out / "results.json").write_text(json.dumps({"summary": summary, "results": search.results}, indent=1) + "\n")
    print(json.dumps(summary, indent=2))
    print(f"tracebacks: {len(search.results)} cases, {len(failures)} traceback(s) or hang(s); {args.out / 'results.json'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(add_arguments(argparse.ArgumentParser(prog="python -m benchmarks.tracebacks",
                                                        description=__doc__.splitlines()[0])).parse_args()))
