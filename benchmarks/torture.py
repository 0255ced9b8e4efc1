"""torture: SIGKILL builds at random moments and run builds in pairs, checking the published
dataset after every one (issue 16's "100 random kills, 20 concurrent pairs").

`python -m benchmarks.torture [--kills 100] [--pairs 20] [--seed 0] [--out build/torture]`
(`make torture`). Not part of `make test`: it takes minutes.

It works on a copy of the repository's inputs (articles/, annotations/, schemas/, CHANGELOG.md)
in OUT/repo, with two variants of the input: A (as committed) and B (one event summary
edited). Both are built once without faults; builds are byte-identical, so these two datasets
are the only ones any build may publish.

Kills: each round sets the input to a variant and starts `python -m scripts build`, then
SIGKILLs it after a random delay. Rounds alternate between an *unchanged* rebuild (the
input is what is published) and a *changed* one (the input is the other variant). Half the
delays are drawn from the start over the length of a whole build, half from the moment
the build passes its `tables` checkpoint over the rest of a build (the writing and
publishing steps, where there is more to break). The builds run with
SCRIPTS_TRACE (scripts/faults.py), so each kill is placed after the last step it passed.
A build that finishes before its delay is checked the same way but is not counted as a
kill: rounds go on until there have been N kills, half of each kind.

Pairs: two builds started at once (the second after a random 0-0.5 s) in one folder, again
alternating unchanged and changed input. Each pair must end with one build succeeding and
the other either stopped by the build lock ("another build is running ... (pid N)", N the
other build's pid) or succeeding after it.

After every round: build/data resolves to a generation (not dangling), `python -m scripts
verify` exits 0, and the published dataset is the old one or the new one, byte for byte
(for an unchanged rebuild: the old one). At the end, one build without faults must succeed,
leave the root datapackage.json equal to the published manifest and no scratch behind.
The numbers go to OUT/results.json and are printed; the exit code is 1 if any round failed.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
INPUTS = ("articles", "annotations", "schemas", "CHANGELOG.md")
EDITED = "annotations/events.yaml"
# The steps of a build, in order, as scripts/faults.py names them (+ the edges).
PHASES = ("startup", "locked", "tables", "write", "describe", "publish", "swap", "manifest", "cleanup", "exited")


def add_arguments(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    p.add_argument("--kills", type=int, default=100, help="killed builds (default 100)")
    p.add_argument("--pairs", type=int, default=20, help="pairs of concurrent builds (default 20)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--out", type=Path, default=REPO / "build" / "torture", help="work folder (default build/torture)")
    return p


class Corpus:
    """The work copy, its two input variants and the dataset each one builds."""

    def __init__(self, folder: Path):
        self.root = folder / "repo"
        if folder.exists():
            shutil.rmtree(folder)
        self.root.mkdir(parents=True)
        for name in INPUTS:
            src = REPO / name
            (shutil.copytree if src.is_dir() else shutil.copy2)(src, self.root / name)
        text = (self.root / EDITED).read_text(encoding="utf-8")
        first = text.index("summary_en: ") + len("summary_en: ")
        self.variants = {"A": text, "B": text[:first] + '"(torture edit) ' + text[first:].lstrip('"')}
        if text[first] != '"':
            raise SystemExit(f"torture: expected a quoted summary_en in {EDITED}")
        self.trace = folder / "trace.txt"
        self.datasets: dict[str, dict] = {}
        self.roots: dict[str, bytes] = {}
        self.durations: dict[str, dict[str, float]] = {}
        # Cold builds of both, then the two kinds of rebuild the rounds kill, timed (with the row cache).
        for variant, mode in (("A", None), ("B", None), ("A", "changed"), ("A", "unchanged")):
            self.set_input(variant)
            started, result = time.time(), self.build()
            if result.returncode != 0:
                raise SystemExit(f"torture: the build of variant {variant} failed:\n{result.stderr}")
            if mode:
                self.durations[mode] = {p: t - started for p, t in self.passed()} | {"exited": time.time() - started}
            self.datasets[variant] = published(self.root)
            self.roots[variant] = (self.root / "datapackage.json").read_bytes()
        if self.datasets["A"] == self.datasets["B"]:
            raise SystemExit("torture: the two variants build the same dataset")
        self.input = "A"

    def set_input(self, variant: str):
        (self.root / EDITED).write_text(self.variants[variant], encoding="utf-8")
        self.input = variant

    def command(self, name: str = "build"):
        return [sys.executable, "-m", "scripts", name, "--root", str(self.root)]

    def env(self):
        return {**os.environ, "SCRIPTS_TRACE": str(self.trace)}

    def build(self):
        self.trace.unlink(missing_ok=True)
        return subprocess.run(self.command(), cwd=REPO, env=self.env(), capture_output=True, text=True, timeout=600)

    def passed(self) -> list[tuple[str, float]]:
        """The checkpoints the last traced build(s) passed, with their times."""
        if not self.trace.exists():
            return []
        return [(line.split()[0], float(line.split()[1])) for line in self.trace.read_text().splitlines()]

    def which(self) -> str | None:
        """Which variant's dataset build/data publishes (None: neither, or it does not resolve)."""
        files = published(self.root)
        return next((v for v, d in self.datasets.items() if d == files), None)


def published(root: Path) -> dict[str, bytes] | None:
    """The generation build/data points into, file by file; None if build/data does not resolve."""
    data = root / "build" / "data"
    try:
        folder = data.resolve(strict=True).parent
    except (OSError, RuntimeError):
        return None
    if not (folder / "datapackage.json").is_file():
        return None
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def verify(corpus: Corpus) -> tuple[bool, str]:
    result = subprocess.run(corpus.command("verify"), cwd=REPO, capture_output=True, text=True, timeout=600)
    return result.returncode == 0, (result.stdout + result.stderr).strip().splitlines()[-1:]


def check_round(corpus: Corpus, allowed: set[str]) -> dict:
    """What a round left: does build/data resolve, does verify accept it, is it an allowed dataset."""
    variant = corpus.which()
    ok_verify, last = verify(corpus)
    resolves = published(corpus.root) is not None
    return {"resolves": resolves, "verified": ok_verify, "dataset": variant,
            "ok": resolves and ok_verify and variant in allowed, "verify_says": last}


def kill_rounds(corpus: Corpus, n: int, rng: random.Random, log) -> list[dict]:
    rounds, killed = [], {False: 0, True: 0}
    i = 0
    while min(killed.values()) < n // 2 or sum(killed.values()) < n:  # until n kills, half of each kind
        changed = killed[True] < killed[False] or (killed[True] == killed[False] and i % 2 == 1)
        old = corpus.which()
        corpus.set_input(("B" if old == "A" else "A") if changed else old)
        timing = corpus.durations["changed" if changed else "unchanged"]
        # Half the delays from the start over a whole build, half from the moment the build
        # passes `tables` over the rest of it (timed from that step, whatever the machine's load).
        anchor = None if i % 4 < 2 else "tables"
        delay = rng.uniform(0, timing["exited"] - (timing[anchor] if anchor else 0))
        corpus.trace.unlink(missing_ok=True)
        proc = subprocess.Popen(corpus.command(), cwd=REPO, env=corpus.env(),
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        while anchor and proc.poll() is None and anchor not in (p for p, _ in corpus.passed()):
            time.sleep(0.002)
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
        code = proc.wait()
        stderr = proc.stderr.read()
        proc.stderr.close()
        passed = [p for p, _ in corpus.passed()]
        phase = "exited" if code >= 0 else (passed[-1] if passed else "startup")
        r = {"round": i, "mode": "changed" if changed else "unchanged", "delay": round(delay, 3), "from": anchor or "start",
             "code": code, "phase": phase, "passed": passed, "old": old, "new": corpus.input}
        r.update(check_round(corpus, {old, corpus.input}))
        if code > 0:
            r["ok"], r["stderr"] = False, stderr.strip()[-2000:]
        rounds.append(r)
        killed[changed] += code < 0
        i += 1
        log(f"round {i} (kills {sum(killed.values())}/{n}) {r['mode']:9} {delay:5.2f}s after {anchor or 'start':6} in {phase:9} "
            f"-> {r['dataset']} {'ok' if r['ok'] else 'FAILED ' + str(r.get('verify_says'))}")
    return rounds


def pair_rounds(corpus: Corpus, n: int, rng: random.Random, log) -> list[dict]:
    rounds = []
    for i in range(n):
        changed = i % 2 == 1
        old = corpus.which()
        corpus.set_input(("B" if old == "A" else "A") if changed else old)
        corpus.trace.unlink(missing_ok=True)
        gap = rng.uniform(0, 0.5)
        first = subprocess.Popen(corpus.command(), cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(gap)
        second = subprocess.Popen(corpus.command(), cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        runs = []
        for proc, other in ((first, second), (second, first)):
            code, err = proc.wait(), proc.stderr.read().strip()
            proc.stderr.close()
            if code == 0:
                outcome = "succeeded"
            elif code == 1 and "another build is running" in err and f"(pid {other.pid})" in err and len(err.splitlines()) == 1:
                outcome = "stopped by the lock, naming the other's pid"
            else:
                outcome = f"failed ({code}): {err[-500:]}"
            runs.append(outcome)
        r = {"pair": i, "mode": "changed" if changed else "unchanged", "gap": round(gap, 3), "outcomes": runs,
             "old": old, "new": corpus.input}
        r.update(check_round(corpus, {corpus.input}))
        r["ok"] = r["ok"] and "succeeded" in runs and all(not o.startswith("failed") for o in runs)
        rounds.append(r)
        log(f"pair {i + 1}/{n} {r['mode']:9} gap {gap:4.2f}s: {' / '.join(runs)} -> {r['dataset']} "
            f"{'ok' if r['ok'] else 'FAILED ' + str(r.get('verify_says'))}")
    return rounds


def final_repair(corpus: Corpus) -> dict:
    """One build without faults after all that: it succeeds and leaves everything tidy."""
    result = corpus.build()
    build = corpus.root / "build"
    folder = (build / "data").resolve().parent
    scratch = sorted(p.name for p in build.iterdir()
                     if p.name.startswith((".stage-", ".data")) and p != folder or ".tmp-" in p.name or ".old-" in p.name)
    scratch += sorted(p.name for p in corpus.root.glob(".datapackage.json.tmp-*"))
    root_ok = (corpus.root / "datapackage.json").read_bytes() == corpus.roots[corpus.input]
    ok_verify, _ = verify(corpus)
    return {"code": result.returncode, "dataset": corpus.which(), "root_manifest_current": root_ok,
            "scratch_left": scratch, "verified": ok_verify,
            "ok": result.returncode == 0 and corpus.which() == corpus.input and root_ok and not scratch and ok_verify}


def summary(kills: list[dict], pairs: list[dict], repair: dict) -> dict:
    def by(rounds, key):
        return dict(sorted(Counter(r[key] for r in rounds).items(), key=lambda kv: PHASES.index(kv[0])
                           if kv[0] in PHASES else 0))
    return {
        "kills": {mode: {"rounds": sum(r["mode"] == mode for r in kills),
                         "killed": sum(r["mode"] == mode and r["code"] < 0 for r in kills),
                         "by_phase": by([r for r in kills if r["mode"] == mode], "phase"),
                         "verified": sum(r["mode"] == mode and r["verified"] for r in kills),
                         "resolves": sum(r["mode"] == mode and r["resolves"] for r in kills),
                         "ok": sum(r["mode"] == mode and r["ok"] for r in kills),
                         "published_new": sum(r["mode"] == mode and r["dataset"] == r["new"] != r["old"] for r in kills)}
                  for mode in ("unchanged", "changed")},
        "pairs": {mode: {"pairs": sum(p["mode"] == mode for p in pairs),
                         "outcomes": dict(Counter(" / ".join(sorted(p["outcomes"])) for p in pairs if p["mode"] == mode)),
                         "verified": sum(p["mode"] == mode and p["verified"] for p in pairs),
                         "ok": sum(p["mode"] == mode and p["ok"] for p in pairs)}
                  for mode in ("unchanged", "changed")},
        "final_build": repair,
    }


def main(args) -> int:
    rng = random.Random(args.seed)
    started = time.time()

    def log(text):
        print(f"[{time.time() - started:7.1f}s] {text}", flush=True)

    corpus = Corpus(args.out)
    log("reference rebuilds: " + ", ".join(f"{m}: {d['exited']:.2f}s (tables at {d.get('tables', 0):.2f}s)"
                                           for m, d in corpus.durations.items()))
    kills = kill_rounds(corpus, args.kills, rng, log)
    pairs = pair_rounds(corpus, args.pairs, rng, log)
    repair = final_repair(corpus)
    result = {"seed": args.seed, "seconds": round(time.time() - started, 1), "load": os.getloadavg(),
              "reference_rebuild_seconds": {m: {p: round(t, 2) for p, t in d.items()} for m, d in corpus.durations.items()},
              "summary": summary(kills, pairs, repair), "kills": kills, "pairs": pairs}
    (args.out / "results.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result["summary"], indent=2))
    failed = [r for r in kills + pairs if not r["ok"]] + ([] if repair["ok"] else [repair])
    print(f"torture: {len(failed)} failure(s) in {len(kills)} kills, {len(pairs)} pairs and the final build "
          f"({result['seconds']} s); details in {args.out / 'results.json'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(add_arguments(argparse.ArgumentParser(prog="python -m benchmarks.torture",
                                                        description=__doc__.splitlines()[0])).parse_args()))
