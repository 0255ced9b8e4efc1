"""synth: a synthetic corpus in the exact annotation format, for tests and the benchmark.

`python -m scripts synth --articles N --seed S --out DIR` writes

    DIR/articles/<nnnnn>_<sha16>.txt          Arabic text assembled from real sentences
    DIR/annotations/places.yaml actors.yaml events.yaml
    DIR/annotations/sources/<source_id>.yaml  one per article: source, citations, mentions, figures
    DIR/CHANGELOG.md                          a copy of the repository's (the build reads the version)

The sentences come from the repository's articles/*.txt, read at run time (nothing of them is
stored here). Numbers inside sentences are redrawn per article, so figures vary. Every quote is
a word-aligned passage of its generated article; where it occurs more than once the record
carries the right `occurrence`. Some articles repeat a sentence on purpose so that occurrence
is exercised. About 100 mentions + figures per article: 10,000 articles give about a million rows.

Shaped like real news, so that the analysis views meet realistic data: events come in stories
(2-6 events of one place within about six weeks; the catalogue is capped so that events.yaml
stays under the loader's 5 MiB limit); each article covers one story and mentions a few other
events, so a handful of articles share an event. Mentions that date an event agree with it,
unless the article has the date wrong (WRONG_DATE of article-event pairs); a number in the
text is the story's value of the quantity it counts (a value per subject and story, so values
are local in time), stated wrongly now and then (WRONG_NUMBER). Conflicting claims are thus
the exception they are in the real corpus, not the square of the corpus.

Deterministic: the catalogues come from random.Random(seed) and article i from its own
random.Random seeded by (seed, i), so the output is byte-identical for a given seed whatever
the number of worker processes. YAML is written by a small emitter (JSON-style double-quoted
strings, which are valid YAML) because yaml.safe_dump would dominate the run time.

This module writes the corpus (in worker processes for large ones) and is the command line; the
vocabularies are in synth_vocabulary, the shared catalogues and dates in synth_catalogues, one
article and its annotations in synth_article, the YAML emitter in synth_yaml.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

from benchmarks.synth_article import build_article, sentence_pool
from benchmarks.synth_catalogues import Catalogues
from benchmarks.synth_yaml import emit_list, yaml_safe
from scripts.paths import REPO
from scripts.pipeline.coherence import statuses_allowed
from scripts.progress import Quiet, progress

_WORKER: dict = {}


def _write_article(i: int):
    seed, cat, pool, out = _WORKER["args"]
    name, data, yaml_name, yaml_text, unnamed, claims, n_m, n_f, n_c, n_n = build_article(i, seed, cat, pool)
    (out / "articles" / name).write_bytes(data)
    (out / "annotations" / "sources" / yaml_name).write_text(yaml_text, encoding="utf-8")
    return unnamed, claims, n_m, n_f, n_c, n_n


def coherent_events(events: list[dict], modalities: dict[str, set[str]]) -> list[dict]:
    """The catalogue as the methodology allows it, once the articles are written: only events
    some article mentions (an outcome nobody mentions is dropped from its plan), each with a
    status that follows from its mentions (scripts/pipeline/coherence.py): the drawn status if
    it does, else the first that does. An outcome is settled before the plan that points to it
    (outcome chains end: the catalogue draws outcomes among later events).
    An event whose mentions only judge it (assessed, perhaps denied) becomes a statement, the
    one kind of event that such mentions show to have happened."""
    kept = [dict(e) for e in events if e["event_id"] in modalities]
    by_id = {e["event_id"]: e for e in kept}
    for e in kept:
        if e.get("outcome_event_id") not in by_id:
            e["outcome_event_id"] = None
    settled: set[str] = set()

    def settle(e: dict) -> str:
        if e["event_id"] not in settled:
            settled.add(e["event_id"])
            m = modalities[e["event_id"]]
            outcome = settle(by_id[e["outcome_event_id"]]) if e.get("outcome_event_id") else None
            allowed = statuses_allowed(e["event_type"], m, outcome)
            if not allowed:
                e["event_type"] = "statement"
                allowed = statuses_allowed("statement", m, outcome)
            if e["status"] not in allowed:
                e["status"] = allowed[0]
        return e["status"]

    for e in kept:
        settle(e)
    return kept


def _init_worker(args):
    _WORKER["args"] = args


def generate(n_articles: int, seed: int, out: Path, jobs: int = 1, force: bool = False, pool_dir: Path = REPO / "articles",
             show_progress: bool = True) -> dict:
    """Write a synthetic corpus of n_articles into out; returns counts and seconds."""
    started = time.perf_counter()
    out = Path(out)
    if out.resolve() == REPO.resolve():
        raise SystemExit("synth: refusing to write into the repository itself; pick another --out")
    existing = [out / p for p in ("articles", "annotations", "build", "datapackage.json") if (out / p).exists()]
    if existing and not force:
        raise SystemExit(f"synth: {out} already holds a corpus ({existing[0].name}); use --force to replace it")
    for path in existing:
        shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
    (out / "articles").mkdir(parents=True)
    (out / "annotations" / "sources").mkdir(parents=True)
    shutil.copy2(REPO / "CHANGELOG.md", out / "CHANGELOG.md")

    pool = sentence_pool(pool_dir)
    cat = Catalogues(n_articles, seed, pool)
    args = (seed, cat, pool, out)
    unnamed, counts, modalities = [], [0, 0, 0, 0], {}
    jobs = max(1, min(jobs, n_articles // 200 or 1))  # a pool only pays off on larger corpora
    with (progress(n_articles, "synth") if show_progress else Quiet()) as bar:
        if jobs == 1:
            _init_worker(args)
            results = map(_write_article, range(n_articles))
            pool_proc = None
        else:
            import multiprocessing

            pool_proc = multiprocessing.get_context("fork").Pool(jobs, _init_worker, (args,))
            results = pool_proc.imap(_write_article, range(n_articles), chunksize=50)
        try:
            for actors, claims, *n in results:  # in article order, whatever the worker count
                unnamed.extend(actors)
                for event_id, modality in claims:
                    modalities.setdefault(event_id, set()).add(modality)
                counts = [a + b for a, b in zip(counts, n)]
                bar.advance(bar.task)
        finally:
            if pool_proc is not None:
                pool_proc.close()
                pool_proc.join()

    ann = out / "annotations"
    header = f"# Synthetic catalogue (benchmarks/synth.py, {n_articles} articles, seed {seed}).\n"
    (ann / "places.yaml").write_text(yaml_safe(header + emit_list("places", cat.places)), encoding="utf-8")
    (ann / "actors.yaml").write_text(yaml_safe(header + emit_list("actors", cat.named_actors + unnamed)), encoding="utf-8")
    events = coherent_events(cat.events, modalities)
    (ann / "events.yaml").write_text(yaml_safe(header + emit_list("events", events)), encoding="utf-8")
    rows = {"sources": n_articles, "mentions": counts[0], "figures": counts[1], "citations": counts[2], "names": counts[3],
            "places": len(cat.places), "actors": len(cat.named_actors) + len(unnamed), "events": len(events)}
    return {"articles": n_articles, "seed": seed, "rows": rows, "annotation_rows": counts[0] + counts[1],
            "seconds": round(time.perf_counter() - started, 3), "out": str(out)}


def add_arguments(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    p.add_argument("--articles", type=int, required=True, metavar="N", help="number of articles to generate")
    p.add_argument("--seed", type=int, default=0, help="random seed; the same seed gives byte-identical files (default 0)")
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write articles/, annotations/, CHANGELOG.md into")
    p.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                   help="worker processes (default: up to 2); the output does not depend on it")
    p.add_argument("--force", action="store_true", help="replace a corpus already in DIR (articles/, annotations/, build/)")
    return p


def main(args: argparse.Namespace) -> int:
    if args.articles < 1:
        print("synth: --articles must be at least 1", file=sys.stderr)
        return 2
    stats = generate(args.articles, args.seed, args.out, jobs=args.jobs, force=args.force)
    rows = ", ".join(f"{k} {v}" for k, v in stats["rows"].items())
    print(f"wrote {stats['articles']} articles to {stats['out']} in {stats['seconds']:.2f}s: {rows}")
    return 0


if __name__ == "__main__":
    from scripts.cli import run_benchmark_command

    sys.exit(run_benchmark_command("synth", sys.argv[1:]))
