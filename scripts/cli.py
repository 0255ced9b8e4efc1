"""Command line: `python -m scripts <command>`; each command chains the arrows it needs.

Exit codes: 0 success, 1 data errors (printed as path:line: message), 2 usage errors.
"""
from __future__ import annotations

import argparse
import importlib
import sys
import time
from dataclasses import replace
from pathlib import Path

from scripts.atomic import Busy, build_lock
from scripts.errors import DataError
from scripts.pipeline.generation import RootManifestNotWritten


def _cmd_check(args):
    from scripts.pipeline.runner import check

    built = check(args.root, use_cache=not args.no_cache, save_cache=False)
    counts = ", ".join(f"{n} {t.num_rows}" for n, t in built.tables.items())
    print(f"ok: {counts}")


def _cmd_build(args):
    from scripts.pipeline.runner import build

    started = time.perf_counter()
    data = build(args.root, args.partition, use_cache=not args.no_cache)
    print(f"built {data} and datapackage.json in {time.perf_counter() - started:.2f}s")


def _cmd_verify(args):
    from scripts.pipeline.generation import manifest_path
    from scripts.publish.verify import verify

    if args.descriptor:
        descriptor = Path(args.descriptor)
        files, articles = verify(descriptor, args.articles)
    else:  # the published generation's manifest: the one that always agrees with build/data
        descriptor = manifest_path(args.root)
        try:
            files, articles = verify(descriptor, args.articles or args.root / "articles")
        except DataError as e:  # name the files as they are seen from the project folder
            raise DataError([replace(p, path=f"build/{p.path}") if p.path.startswith("data/") else p
                             for p in e.problems]) from None
    print(f"ok: {len(files)} files match {descriptor}" + (f"; every quote matches its article ({articles} articles)" if articles else ""))


def _cmd_new_source(args):
    from scripts.curate.scaffold import ScaffoldError, new_source

    try:
        path = new_source(args.root, args.article, args.id)
    except ScaffoldError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"wrote {path}")


def _cmd_locate(args):
    from scripts.curate.find import locate_report

    report, found = locate_report(args.root, args.article, args.quote)
    print(report, file=sys.stdout if found else sys.stderr)
    return 0 if found else 1


def _cmd_ids(args):
    from scripts.curate.find import ids_report

    report, found = ids_report(args.root, args.word, args.limit)
    print(report)
    return 0 if found else 1


def _cmd_agreement(args):
    from scripts.curate.agreement import run

    print(run(args.root, args.a, args.b, args.json, args.details))


def _cmd_preview(args):
    from scripts.curate.preview import PreviewError, describe, preview

    try:
        print(describe(preview(args.root, args.source_id, png=args.png)))
    except PreviewError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2


def _cmd_db(args):
    from scripts.db.build import build_db

    started = time.perf_counter()
    path = build_db(args.root)
    print(f"built {path} in {time.perf_counter() - started:.2f}s")


def _cmd_query(args):
    from scripts.db.query import Limits, QueryLimit, QueryRefused, query

    try:
        print(query(args.root, args.sql, args.output, Limits(args.max_rows, args.timeout, args.memory_limit)))
    except QueryRefused as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except QueryLimit as e:
        print(f"error: {e}", file=sys.stderr)
        return 1


def _cmd_docs(args):
    from scripts.site.build import build_docs

    started = time.perf_counter()
    site = build_docs(args.root)
    print(f"built {site} in {time.perf_counter() - started:.2f}s")


def _cmd_package(args):
    from scripts.publish.archive import release

    print(f"wrote {release(args.root, texts=not args.no_texts)}")


def _cmd_cite(args):
    from scripts.publish.cite import write_citation_files

    changed = write_citation_files(args.root)
    print("wrote " + ", ".join(p.name for p in changed) if changed else "CITATION.cff and .zenodo.json are up to date")


def _cmd_diff(args):
    from scripts.publish.diff import diff, render

    print(render(diff(Path(args.old), Path(args.new))))


def _cmd_release(args):
    """package, but refuse a breaking schema change that the CHANGELOG does not announce."""
    from scripts.publish.archive import release
    from scripts.publish.diff import unannounced_breaking_changes

    changes = unannounced_breaking_changes(args.root, Path(args.previous) if args.previous else None)
    if changes:
        print("error: breaking schema changes, but the newest CHANGELOG.md entry does not say 'breaking':\n  "
              + "\n  ".join(changes), file=sys.stderr)
        return 1
    print(f"wrote {release(args.root, texts=not args.no_texts)}")


# Development tools outside the product code (benchmarks/): imported only when asked for,
# and they parse their own options (`python -m scripts bench --help`).
BENCHMARK_COMMANDS = {
    "synth": "generate a synthetic corpus in our annotation format",
    "bench": "build synthetic corpora of several sizes and measure every arrow against frictionless and pyarrow",
}


def run_benchmark_command(name: str, argv: list[str]) -> int:
    try:
        module = importlib.import_module(f"benchmarks.{name}")
    except ModuleNotFoundError:  # e.g. in an unpacked release, which ships no benchmark code
        print(f"error: `{name}` is a development tool of the repository (benchmarks/), not part of this copy",
              file=sys.stderr)
        return 2
    own = argparse.ArgumentParser(prog=f"python -m scripts {name}", description=BENCHMARK_COMMANDS[name])
    return module.main(module.add_arguments(own).parse_args(argv))


def count(text: str) -> int:
    """An argument that is a whole number, 0 or more."""
    value = int(text)
    if value < 0:
        raise ValueError(text)
    return value


def seconds(text: str) -> float:
    """An argument that is a finite number of seconds, more than 0."""
    value = float(text)
    if not 0 < value < 1e6:
        raise ValueError(text)
    return value


count.__name__, seconds.__name__ = "count (0 or more)", "number of seconds (more than 0, finite)"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m scripts", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name, func, help_text):
        c = sub.add_parser(name, help=help_text, description=help_text)
        c.add_argument("--root", type=Path, default=Path("."), help="project folder (default: current directory)")
        c.add_argument("--format", choices=["text", "json"], default="text", help="how to print data errors")
        c.set_defaults(func=func)
        return c

    c = command("check", _cmd_check, "validate annotations and articles, writing nothing")
    c.add_argument("--no-cache", action="store_true", help="read every annotation file again (see scripts/cache.py)")
    b = command("build", _cmd_build, "annotations -> validated build/data/*.csv|parquet + datapackage.json (atomic)")
    b.add_argument("--partition", choices=["year"], help="also write a Hive-partitioned Parquet copy of the per-article "
                                                         "tables under build/data/partitioned/ (by publication year)")
    b.add_argument("--no-cache", action="store_true", help="read every annotation file again, ignoring build/cache "
                                                           "(rows of unchanged files; see scripts/cache.py)")
    v = command("verify", _cmd_verify, "check every file against datapackage.json (sha256, bytes, rows, schema)")
    v.add_argument("descriptor", nargs="?", help="datapackage.json to check (default: ROOT/datapackage.json); "
                                                  "works on an unpacked release archive")
    v.add_argument("--articles", type=Path, help="folder of article texts: also check every quote and offset against them")
    n = command("new-source", _cmd_new_source, "scaffold annotations/sources/<id>.yaml for an article")
    n.add_argument("article", help="path of the article, e.g. articles/005_x.txt")
    n.add_argument("--id", help="source_id (outlet and date); default: derived from the file name")
    lo = command("locate", _cmd_locate, "where a quote occurs in an article: every match with its context and the "
                                        "`occurrence` to use, or the closest passage")
    lo.add_argument("article", help="path of the article, e.g. articles/004_885af484abd95487.txt")
    lo.add_argument("quote", help="the passage, exactly as it would be written in the annotation")
    i = command("ids", _cmd_ids, "find places, actors, events and sources by id, English or Arabic name "
                                 "(Arabic spelling variants folded)")
    i.add_argument("word", help="an id, or words of a name or summary, in English or Arabic")
    i.add_argument("--limit", type=count, default=30, help="show at most this many matches (default 30)")
    pv = command("preview", _cmd_preview, "build one source's page (the article with its highlights, mentions and "
                                          "figures) into build/preview/ without publishing anything")
    pv.add_argument("source_id", help="the source to show, e.g. shafaq-2025-08-19")
    pv.add_argument("--png", action="store_true", help="also a full-page screenshot, with Debian's Chromium")
    ag = command("agreement", _cmd_agreement, "inter-annotator agreement of two annotation folders of the same articles: "
                                              "claim recall/precision/F1 and Cohen's kappa per article and overall")
    ag.add_argument("a", type=Path, help="reference annotation folder (places.yaml, actors.yaml, events.yaml, sources/)")
    ag.add_argument("b", type=Path, help="second annotation folder, with its own catalogues")
    ag.add_argument("--json", type=Path, metavar="FILE", help="also write every figure and disagreement as JSON")
    ag.add_argument("--details", action="store_true", help="also list every unmatched claim and every disagreeing pair")
    command("db", _cmd_db, "build/<name>.duckdb: tables, comments, views; runs the SQL cookbook")
    q = command("query", _cmd_query, "run a read-only SQL query against the DuckDB file and print the result")
    q.add_argument("sql", help="the SQL statement")
    q.add_argument("--output", choices=["table", "csv", "json", "markdown"], default="table", help="output format")
    q.add_argument("--max-rows", type=count, default=10_000, metavar="N", help="refuse a result of more rows (default 10000; 0: no limit)")
    q.add_argument("--timeout", type=seconds, default=60.0, metavar="SECONDS", help="stop the query after this long (default 60)")
    q.add_argument("--memory-limit", default="2GB", metavar="SIZE", help="DuckDB's memory limit for the query (default 2GB)")
    command("cite", _cmd_cite, "write CITATION.cff and .zenodo.json from schemas/package.json and CHANGELOG.md")
    command("docs", _cmd_docs, "generate the docs pages and run mkdocs build --strict into build/site")
    k = command("package", _cmd_package, "build/dist/<name>-<version>.zip: data, database, docs files, SHA256SUMS")
    k.add_argument("--no-texts", action="store_true", help="leave the article texts out of the archive")
    r = command("release", _cmd_release, "package, refusing breaking schema changes the CHANGELOG does not announce")
    r.add_argument("--no-texts", action="store_true", help="leave the article texts out of the archive")
    r.add_argument("--previous", help="previous release (zip or folder); default: the committed datapackage.json")
    for name, help_text in BENCHMARK_COMMANDS.items():
        sub.add_parser(name, help=help_text)  # listed here; main() hands their arguments over
    d = command("diff", _cmd_diff, "rows added/removed/changed and schema changes between two releases")
    d.add_argument("old", help="older release: zip, unpacked folder or project folder")
    d.add_argument("new", help="newer release: zip, unpacked folder or project folder")
    return p


# Commands that write into build/: one at a time per project (build/.lock).
WRITERS = {"build", "db", "docs", "package", "release"}


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in BENCHMARK_COMMANDS:
        return run_benchmark_command(argv[0], argv[1:])
    args = parser().parse_args(argv)
    try:
        if args.command not in WRITERS:
            return args.func(args) or 0
        with build_lock(Path(args.root) / "build"):
            return args.func(args) or 0
    except DataError as e:
        print(e.render(args.format), file=sys.stderr if args.format == "text" else sys.stdout)
        return 1
    except (Busy, RootManifestNotWritten) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except OSError as e:  # a full disk, a folder that cannot be written...: one line, not a traceback
        where = f": {e.filename}" if e.filename else ""
        print(f"error: {e.strerror or e}{where}; nothing was published", file=sys.stderr)
        return 1
