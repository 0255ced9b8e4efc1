"""`agreement A B`: how far two annotation sets of the same articles agree (inter-annotator
reliability, docs/methodology.md, section 15).

A and B are annotation folders (places.yaml, actors.yaml, events.yaml, sources/*.yaml), each
with its own catalogues: a blind second annotator invents its own event and actor ids. The
articles are read from ROOT (`--root`), as the source files name them.

How two sets are compared, per article (sources are paired by `article_path`):

1. **Claims** are the mentions and the figures. Each quote is located in the article with the
   build's own rule (scripts/pipeline/locate.py `locate_quote`, `occurrence` counting every
   start). A mention of A and a mention of B match when their spans overlap; likewise figures
   (a mention never matches a figure). The matching is one-to-one and optimal (the Hungarian
   method): as many pairs as possible, then, among those, the largest total overlap in
   characters. It is done twice for mentions: the second time pairs whose events correspond (step 2, voted by
   the pairs of the first matching whose spans carry one claim on each side) count before the
   overlap, so that one quote carrying two events pairs the right claims.
2. **Events** correspond by majority: each event of B is mapped to the event of A that its
   matched mentions are most often paired with (ties: the larger overlap in characters of
   those pairs, then the smallest id). An event of B with
   no matched mention maps to nothing. The map is drawn from the very pairs it is scored on,
   so each event of B agrees with its image on at least as many pairs as with any other
   event: the kappa of event linking is an upper bound (it cannot see one event of B that
   lumps two of A together on the minority side).
3. **Recall** = matched claims / claims of A, **precision** = matched / claims of B,
   **F1** = 2 x matched / (claims of A + claims of B): A is the reference.
4. **Cohen's kappa** on the matched pairs, for: event linking (A's event against the image
   of B's event), modality, attribution (mentions and figures), claimed date (exact: the
   EDTF strings, an empty one being a value of its own; overlapping: B's date counts as A's
   when their day ranges overlap or both are empty), and for figures subject, qualifier,
   value (value, value_low, value_high together) and as_of (exact). kappa = (po - pe) /
   (1 - pe), po the observed agreement, pe the agreement expected from each annotator's own
   distribution; it is undefined (None) when pe = 1 (both used one and the same value).

The command prints a table per article and overall, and with `--json FILE` writes every
figure, and with `--details` every unmatched claim and every disagreeing pair (the list an
adjudicator works through).
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from scripts.errors import Collector
from scripts.pipeline.dates import DateProblem, bounds
from scripts.pipeline.inputs import InputProblem, read_input
from scripts.pipeline.load import parse_yaml
from scripts.pipeline.locate import Article as LocatedArticle
from scripts.pipeline.locate import locate_quote

NONE = "(none)"


@dataclass(frozen=True)
class Claim:
    kind: str            # "mention" or "figure"
    id: str
    start: int
    end: int
    row: dict = field(compare=False, hash=False, repr=False)


@dataclass
class Article:
    path: str
    source_a: str
    source_b: str
    a: list[Claim]
    b: list[Claim]


def cohen_kappa(pairs: list[tuple]) -> float | None:
    """Cohen's kappa of (rating of A, rating of B) pairs; None when it is undefined (no pairs,
    or both annotators used one and the same value: pe = 1)."""
    n = len(pairs)
    if n == 0:
        return None
    po = sum(a == b for a, b in pairs) / n
    ca, cb = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    pe = sum(ca[k] * cb[k] for k in ca) / (n * n)
    if pe == 1:
        return None
    return (po - pe) / (1 - pe)


def read_set(folder: Path, problems: Collector) -> dict[str, dict]:
    """{article_path: source document} of one annotation folder."""
    docs = {}
    for path in sorted((Path(folder) / "sources").glob("*.yaml")):
        doc = parse_yaml(path, str(path), problems)
        if not isinstance(doc, dict) or not isinstance(doc.get("source"), dict):
            problems.add(str(path), 1, "not a source file (no `source:` mapping)")
            continue
        docs[doc["source"]["article_path"]] = doc
    return docs


def claims(doc: dict, article: LocatedArticle, problems: Collector) -> list[Claim]:
    """The mentions and figures of one set with their spans, located as the build locates them
    (locate_quote: the same messages for a quote not found, ambiguous or out of range)."""
    out = []
    for kind, section, key in (("mention", "mentions", "mention_id"), ("figure", "figures", "figure_id")):
        for row in doc.get(section) or []:
            span = locate_quote(article, row, problems)
            if span:
                out.append(Claim(kind, row[key], *span, row))
    return out


def load(root: Path, folder_a: Path, folder_b: Path) -> list[Article]:
    problems = Collector()
    set_a, set_b = read_set(folder_a, problems), read_set(folder_b, problems)
    for path in sorted(set(set_a) ^ set(set_b)):
        problems.add(str(folder_a if path in set_a else folder_b), 1, f"{path} is annotated in one set only")
    problems.raise_if_any()
    articles = []
    for path in sorted(set_a):
        try:  # the build's reader: a regular file inside articles/, nothing else
            text = read_input(Path(root), path, "articles").decode("utf-8")
        except (InputProblem, UnicodeDecodeError) as e:
            problems.add(str(folder_a), 1, f"article {path}: {e}")
            continue
        da, db, located = set_a[path], set_b[path], LocatedArticle(path, text, "")
        articles.append(Article(path, da["source"]["source_id"], db["source"]["source_id"],
                                claims(da, located, problems), claims(db, located, problems)))
    problems.raise_if_any()
    return articles


def _overlap(x: Claim, y: Claim) -> int:
    return max(0, min(x.end, y.end) - max(x.start, y.start))


def match(a: list[Claim], b: list[Claim], same_event=None) -> list[tuple[Claim, Claim]]:
    """One-to-one pairs of overlapping claims of one kind: an optimal assignment that matches
    as many claims as possible, then as many pairs of corresponding events (same_event) as
    possible, then the largest total overlap in characters."""
    xs = sorted(a, key=lambda c: (c.start, c.end, c.id))
    ys = sorted(b, key=lambda c: (c.start, c.end, c.id))
    weight = [[0] * len(ys) for _ in xs]
    for i, x in enumerate(xs):
        for j, y in enumerate(ys):
            common = _overlap(x, y)
            if common and x.kind == y.kind:
                linked = bool(same_event and same_event(x, y))
                weight[i][j] = PAIR + linked * LINKED + common
    pairs = [(xs[i], ys[j]) for i, j in _assignment(weight) if weight[i][j] > 0]
    return sorted(pairs, key=lambda p: (p[0].start, p[0].id))


PAIR, LINKED = 10**12, 10**6  # a matched pair outweighs any overlap, a pair of corresponding events any overlap


def _assignment(weight: list[list[int]]) -> list[tuple[int, int]]:
    """(row, column) pairs of a one-to-one assignment of maximum total weight (the Hungarian
    method on the negated weights; rows or columns left over stay unassigned)."""
    n, m = len(weight), len(weight[0]) if weight else 0
    if n == 0 or m == 0:
        return []
    transposed = n > m
    if transposed:
        weight = [list(col) for col in zip(*weight)]
        n, m = m, n
    cost = [[-w for w in row] for row in weight]
    inf = float("inf")
    u, v, p, way = [0] * (n + 1), [0] * (m + 1), [0] * (m + 1), [0] * (m + 1)
    for i in range(1, n + 1):
        p[0], j0 = i, 0
        minv, used = [inf] * (m + 1), [False] * (m + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = p[j0], inf, 0
            for j in range(1, m + 1):
                if not used[j]:
                    cur = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j], way[j] = cur, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(m + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
    pairs = [(p[j] - 1, j - 1) for j in range(1, m + 1) if p[j]]
    return sorted((j, i) if transposed else (i, j) for i, j in pairs)


def event_map(pairs: list[tuple[Claim, Claim]]) -> dict[str, str]:
    """B's event -> A's event it is most often paired with (ties: the larger overlap in
    characters of those pairs, then the smallest id)."""
    votes: dict[str, Counter] = defaultdict(Counter)
    chars: dict[str, Counter] = defaultdict(Counter)
    for x, y in pairs:
        if x.kind == "mention":
            votes[y.row["event_id"]][x.row["event_id"]] += 1
            chars[y.row["event_id"]][x.row["event_id"]] += _overlap(x, y)
    return {b: min(c, key=lambda a: (-c[a], -chars[b][a], a)) for b, c in votes.items()}


def match_all(articles: list[Article]) -> tuple[dict[str, list], dict[str, str]]:
    """Pairs per article (mentions matched twice, see the module docstring) and the event map."""
    first = {art.path: match(art.a, art.b) for art in articles}
    # the first map is voted only by pairs whose spans carry one claim on each side: where one
    # quote carries two events, the first matching cannot know which claim goes with which
    spans = Counter((art.path, side, c.kind, c.start, c.end) for art in articles for side, cs in (("a", art.a), ("b", art.b))
                    for c in cs)
    mapping = event_map([(x, y) for path, pairs in first.items() for x, y in pairs
                         if spans[(path, "a", x.kind, x.start, x.end)] == 1 == spans[(path, "b", y.kind, y.start, y.end)]])

    def same(x, y):
        return x.kind == "mention" and mapping.get(y.row["event_id"]) == x.row["event_id"]

    second = {art.path: match(art.a, art.b, same) for art in articles}
    mapping = event_map([p for pairs in second.values() for p in pairs])
    return second, mapping


def _date(value):
    return value if value else NONE


def _overlaps(x: str | None, y: str | None) -> bool:
    if not x or not y:
        return not x and not y
    try:
        (a0, a1, _), (b0, b1, _) = bounds(x), bounds(y)
    except DateProblem:
        return x == y
    return a0 <= b1 and b0 <= a1


def _value(row: dict) -> tuple:
    return tuple(row.get(k) for k in ("value", "value_low", "value_high"))


def ratings(pairs: list[tuple[Claim, Claim]], mapping: dict[str, str]) -> dict[str, list[tuple]]:
    """For each measure, the (A, B) ratings of the matched pairs it applies to."""
    out: dict[str, list[tuple]] = defaultdict(list)
    for x, y in pairs:
        a, b = x.row, y.row
        out["attribution"].append((a["attribution"], b["attribution"]))
        if x.kind == "mention":
            out["event"].append((a["event_id"], mapping.get(b["event_id"], f"unmapped:{b['event_id']}")))
            out["modality"].append((a["modality"], b["modality"]))
            da, db = a.get("claimed_date"), b.get("claimed_date")
            out["date_exact"].append((_date(da), _date(db)))
            out["date_overlap"].append((_date(da), _date(da) if _overlaps(da, db) else _date(db)))
        else:
            out["subject"].append((a["subject"], b["subject"]))
            out["qualifier"].append((a["qualifier"], b["qualifier"]))
            out["value"].append((_value(a), _value(b)))
            out["as_of"].append((_date(a.get("as_of")), _date(b.get("as_of"))))
    return out


MEASURES = ["event", "modality", "attribution", "date_exact", "date_overlap", "subject", "qualifier", "value", "as_of"]


def _counts(a: list[Claim], b: list[Claim], pairs: list) -> dict:
    out = {}
    for kind in ("mention", "figure", "claim"):
        def only(xs, k=kind):
            return [x for x in xs if k == "claim" or x.kind == k]
        na, nb, m = len(only(a)), len(only(b)), len([p for p in pairs if kind == "claim" or p[0].kind == kind])
        out[kind] = {"a": na, "b": nb, "matched": m, "recall": m / na if na else None,
                     "precision": m / nb if nb else None, "f1": 2 * m / (na + nb) if na + nb else None}
    return out


def _scores(r: dict[str, list[tuple]]) -> dict:
    return {name: {"n": len(r.get(name, [])), "agree": sum(x == y for x, y in r.get(name, [])),
                   "kappa": cohen_kappa(r.get(name, []))} for name in MEASURES}


def agreement(root: Path, folder_a: Path, folder_b: Path) -> dict:
    """Every figure of the comparison, per article and overall, and the disagreements."""
    articles = load(root, folder_a, folder_b)
    pairs, mapping = match_all(articles)
    result = {"a": str(folder_a), "b": str(folder_b), "articles": [], "event_map": dict(sorted(mapping.items()))}
    all_a, all_b, all_pairs = [], [], []
    for art in articles:
        p = pairs[art.path]
        all_a += art.a
        all_b += art.b
        all_pairs += p
        result["articles"].append({"article": art.path, "source_a": art.source_a, "source_b": art.source_b,
                                   "counts": _counts(art.a, art.b, p), "measures": _scores(ratings(p, mapping)),
                                   "disagreements": disagreements(art, p, mapping)})
    result["overall"] = {"counts": _counts(all_a, all_b, all_pairs), "measures": _scores(ratings(all_pairs, mapping))}
    return result


def disagreements(art: Article, pairs: list, mapping: dict[str, str]) -> list[dict]:
    """Every claim the other set lacks and every field on which a matched pair differs."""
    out = []
    paired_a, paired_b = {x.id for x, _ in pairs}, {y.id for _, y in pairs}
    for c in art.a:
        if c.id not in paired_a:
            out.append({"item": c.id, "field": c.kind, "a": c.row["quote"], "b": NONE})
    for c in art.b:
        if c.id not in paired_b:
            out.append({"item": c.id, "field": c.kind, "a": NONE, "b": c.row["quote"]})
    for x, y in pairs:
        for name, (va, vb) in ((n, r[0]) for n, r in ratings([(x, y)], mapping).items()):
            if name != "date_overlap" and va != vb:  # a date that differs is listed once, as date_exact
                out.append({"item": f"{x.id} ~ {y.id}", "field": name, "a": str(va), "b": str(vb)})
    return out


def _f(x, pct=False) -> str:
    if x is None:
        return "n/a"
    return f"{100 * x:.1f}%" if pct else f"{x:.3f}"


def render(result: dict, details: bool = False) -> str:
    lines = [f"A = {result['a']}, B = {result['b']} (A is the reference for recall)", ""]
    head = "| article | claims A | claims B | matched | recall | precision | F1 | " + " | ".join(
        f"kappa {m}" for m in MEASURES) + " |"
    lines += [head, "|" + "---|" * (7 + len(MEASURES))]
    rows = [(a["article"], a) for a in result["articles"]] + [("overall", result["overall"])]
    for name, r in rows:
        c = r["counts"]["claim"]
        lines.append(f"| {name} | {c['a']} | {c['b']} | {c['matched']} | {_f(c['recall'], True)} | "
                     f"{_f(c['precision'], True)} | {_f(c['f1'], True)} | "
                     + " | ".join(_f(r["measures"][m]["kappa"]) for m in MEASURES) + " |")
    o = result["overall"]
    lines += ["", "overall, by kind of claim:"]
    for kind in ("mention", "figure"):
        c = o["counts"][kind]
        lines.append(f"  {kind}s: A {c['a']}, B {c['b']}, matched {c['matched']}, recall {_f(c['recall'], True)}, "
                     f"precision {_f(c['precision'], True)}, F1 {_f(c['f1'], True)}")
    lines += ["", "overall, per measure (pairs, agreeing, kappa):"]
    for m in MEASURES:
        s = o["measures"][m]
        lines.append(f"  {m}: {s['n']} pairs, {s['agree']} agree, kappa {_f(s['kappa'])}")
    if details:
        for a in result["articles"]:
            lines += ["", f"## {a['article']} ({a['source_a']} / {a['source_b']}): {len(a['disagreements'])} disagreements"]
            lines += [f"- {d['item']} [{d['field']}]: A {d['a']} | B {d['b']}" for d in a["disagreements"]]
    return "\n".join(lines)


def run(root: Path, folder_a: Path, folder_b: Path, json_path: Path | None, details: bool) -> str:
    problems = Collector()
    for folder in (folder_a, folder_b):
        if not (Path(folder) / "sources").is_dir():
            problems.add(str(folder), 1, "not an annotation folder (no sources/ inside)")
    problems.raise_if_any()
    result = agreement(root, folder_a, folder_b)
    if json_path is not None:
        Path(json_path).write_text(json.dumps(result, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return render(result, details)
