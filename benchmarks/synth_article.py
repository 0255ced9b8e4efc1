"""synth_article: one synthetic article, its text and its annotation file.

`build_article(i, seed, cat, pool)` assembles article i from real sentences (`sentence_pool`, its
numbers restated as the article's story has them), then draws its source record, unnamed sources,
citations, mentions, figures and names, each quoting a word-aligned span of the text with the
right `occurrence`. Its draws come from random.Random((seed, i)); `source_meta` and `source_story`
have generators of their own, so that another article can name it without replaying its draws.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import random
import re
from pathlib import Path

from benchmarks.synth_catalogues import DAY0, Catalogues, day, edtf
from benchmarks.synth_vocabulary import (
    FIRST,
    GLOSSES,
    LAST,
    MODALITIES,
    NAMED_BY,
    NAMES,
    NOTES,
    QUALIFIERS,
    SUBJECTS,
    UNNAMED,
    WRONG_DATE,
    WRONG_NUMBER,
)
from benchmarks.synth_yaml import emit_list, emit_mapping, yaml_safe
from scripts.pipeline.coherence import TIMELESS_SUBJECTS

SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+")
WORD = re.compile(r"\S+")
DIGITS = re.compile(r"[0-9]+")


def sentence_pool(folder: Path) -> list[str]:
    """Sentences of the real articles: split on newlines and sentence punctuation, at least four words."""
    pool, seen = [], set()
    for path in sorted(Path(folder).glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            for sentence in SENTENCE_END.split(line):
                sentence = sentence.strip()
                if len(sentence.split()) >= 4 and sentence not in seen:
                    seen.add(sentence)
                    pool.append(sentence)
    if len(pool) < 10:
        raise SystemExit(f"synth: need at least 10 sentences of four words or more in {folder}/*.txt, found {len(pool)}")
    return pool


def is_year(digits: str) -> bool:
    return len(digits) == 4 and 1990 <= int(digits) <= 2030


def _redraw_numbers(rng: random.Random, sentence: str, pool_index: int, number=None) -> str:
    """A sentence's numbers as this article states them: a year is kept (one in ten moved to another
    year); any other number is what number(pool_index, j) says for the j-th number of the sentence."""
    counter = iter(range(1_000_000))

    def new(m):
        digits, j = m.group(), next(counter)
        if is_year(digits):
            return digits if rng.random() < 0.9 else str(rng.randint(2023, 2026))
        if number is None:
            return digits if rng.random() < 0.9 else str(rng.randint(10 ** (len(digits) - 1) if len(digits) > 1 else 1,
                                                                     10 ** len(digits) - 1))
        return str(number(pool_index, j))
    return DIGITS.sub(new, sentence)


def article_text(rng: random.Random, pool: list[str], number=None):
    """Text of one article and, per sentence, (start offset, [(word start, word end) relative to it], text, pool index)."""
    k = rng.randint(26, 40)
    chosen = [(p, _redraw_numbers(rng, pool[p], p, number)) for p in rng.sample(range(len(pool)), min(k, len(pool)))]
    if rng.random() < 0.35:  # repeat a sentence verbatim so that its quotes need `occurrence`
        for _ in range(rng.randint(1, 2)):
            chosen.insert(rng.randint(1, len(chosen)), rng.choice(chosen[1:]))
    parts, sentences, at = [], [], 0
    headline = chosen[0][1]
    parts.append(headline + "\n\n")
    at = len(parts[0])
    i = 1
    while i < len(chosen):
        para = chosen[i:i + rng.randint(1, 4)]
        for j, (pool_index, s) in enumerate(para):
            sentences.append((at, [(m.start(), m.end()) for m in WORD.finditer(s)], s, pool_index))
            sep = " " if j < len(para) - 1 else "\n\n"
            parts.append(s + sep)
            at += len(s) + len(sep)
        i += len(para)
    return headline, "".join(parts).rstrip("\n") + "\n", sentences


def _window(rng, sentence, lo=4, hi=12, must=None):
    """A word-aligned span of a sentence, optionally containing word index `must`."""
    start, words = sentence[0], sentence[1]
    n = len(words)
    w = rng.randint(min(lo, n), min(hi, n))
    if must is None:
        a = rng.randint(0, n - w)
    else:
        a = rng.randint(max(0, must - w + 1), min(must, n - w))
    return start + words[a][0], start + words[a + w - 1][1]


def build_article(i: int, seed: int, cat: Catalogues, pool: list[str]):
    """Article i: (file name, text bytes, source file name, source YAML, unnamed actors, the distinct
    (event_id, modality) pairs of its mentions, and how many mentions, figures, citations and names it
    has). Every draw comes from the article's own generator, in a fixed order: text, source, unnamed
    sources, citations, mentions, figures, names."""
    rng = random.Random(f"{seed}:{i}")
    outlet, pub, source_id = source_meta(i, seed, cat)
    story = source_story(i, seed, cat)
    first, size, _ = cat.stories[story]
    story_events = list(range(first, first + size))
    headline, text, sentences = article_text(rng, pool, _stated_numbers(rng, cat, story))
    data = text.encode("utf-8")
    sha = hashlib.sha256(data).hexdigest()
    name = f"{i:05d}_{sha[:16]}.txt"
    source = _source_record(rng, i, seed, cat, outlet, pub, source_id, headline, name, sha)
    unnamed = _unnamed_sources(rng, source_id)
    quoting = _Quoting(rng, text, outlet["actor_id"], unnamed, cat.person_ids)
    citations = _citations(quoting, cat, sentences)
    total = rng.randint(85, 115)
    n_figures = total * rng.randint(20, 40) // 100
    # the events of its story, and a few others (background, earlier stories)
    others = [e for e in rng.sample(range(len(cat.events)), min(len(cat.events), rng.randint(1, 4))) if e not in story_events]
    mentions = _mentions(quoting, cat, source_id, sentences, story_events, others, total - n_figures)
    # a figure belongs to an event this article mentions, so every event a figure names has a mention
    index = {e["event_id"]: k for k, e in enumerate(cat.events)}
    mentioned = sorted({index[m["event_id"]] for m in mentions})
    figure_events = [e for e in story_events if e in mentioned] or mentioned
    figures = _figures(quoting, cat, source_id, sentences, story, figure_events, pub, n_figures)
    names = _names(quoting) if cat.with_names else []
    yaml_text = yaml_safe(f"# Synthetic annotations for {name} (benchmarks/synth.py, seed {seed}).\n"
                          + emit_mapping("source", source) + (emit_list("citations", citations) if citations else "")
                          + emit_list("mentions", mentions) + emit_list("figures", figures)
                          + (emit_list("names", names) if names else ""))
    claims = sorted({(m["event_id"], m["modality"]) for m in mentions})
    return (name, data, f"{source_id}.yaml", yaml_text, unnamed, claims,
            len(mentions), len(figures), len(citations), len(names))


def _stated_numbers(rng: random.Random, cat: Catalogues, story: int):
    """number(pool_index, j): the value the article states for the j-th number of a pool sentence.
    The article states each quantity of its story as it stands; one number in a hundred it gets wrong."""
    stated: dict[tuple[int, int], int] = {}

    def number(pool_index: int, j: int) -> int:
        if (pool_index, j) not in stated:
            subject, unit = cat.slot(pool_index, j)
            value = cat.truth(subject, unit, story)
            if rng.random() < WRONG_NUMBER:
                value = value * rng.choice((2, 3)) if rng.random() < 0.5 else max(1, value // rng.choice((2, 3)) - 1)
            stated[(pool_index, j)] = value
        return stated[(pool_index, j)]
    return number


def _published(rng: random.Random, pub: dt.date) -> tuple[str, str, str]:
    """(published, published_basis, published_note): mostly the printed day, else a short range or the month."""
    r = rng.random()
    if r < 0.7:
        return pub.isoformat(), "stated", "Printed under the headline."
    if r < 0.9:
        return (f"{pub.isoformat()}/{(pub + dt.timedelta(days=rng.randint(1, 3))).isoformat()}", "inferred",
                "Inferred: the text says 'yesterday, Monday'; the weekday fixes the range.")
    return pub.isoformat()[:7], "inferred", "Inferred from the events reported: only the month is certain."


def _source_record(rng: random.Random, i: int, seed: int, cat: Catalogues, outlet: dict, pub: dt.date, source_id: str,
                   headline: str, name: str, sha: str) -> dict:
    """The `source` mapping of article i; now and then derived from an earlier article."""
    published, basis, note = _published(rng, pub)
    source = dict(source_id=source_id, outlet_actor_id=outlet["actor_id"], outlet_en=outlet["name_en"],
                  outlet_ar=outlet["name_ar"], title_ar=headline, title_en=f"[synthetic headline {i}]", language="ar",
                  byline=rng.choice(FIRST)[2] + " " + rng.choice(LAST)[2] if rng.random() < 0.3 else None,
                  published=published,
                  published_time=f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}" if basis == "stated" and rng.random() < 0.3 else None,
                  published_basis=basis, published_note=note, article_path=f"articles/{name}", article_sha256=sha,
                  derived_from=None, derivation_note=None, note=rng.choice(NOTES) if rng.random() < 0.05 else None)
    if i > 0 and rng.random() < 0.03:
        source["derived_from"] = source_meta(rng.randrange(i), seed, cat)[2]  # an earlier article
        source["derivation_note"] = "Rewrites the earlier article with a new opening."
    return source


def _unnamed_sources(rng: random.Random, source_id: str) -> list[dict]:
    """The article's own unnamed sources (none to two), actors scoped to it."""
    unnamed = []
    for k in range(rng.choice((0, 1, 1, 2))):
        en, ar = rng.choice(UNNAMED)
        unnamed.append(dict(actor_id=f"{source_id}-source-{k + 1}", name_en=en, name_ar=ar, kind="unnamed_source",
                            scope_source_id=source_id))
    return unnamed


class _Quoting:
    """What every annotation of one article draws on: its generator, its text (a quote and which
    occurrence of it a span is) and who may have said it."""

    def __init__(self, rng: random.Random, text: str, outlet_id: str, unnamed: list[dict], person_ids: list[str]):
        self.rng, self.text, self.outlet_id, self.unnamed, self.person_ids = rng, text, outlet_id, unnamed, person_ids
        self._starts: dict[str, list[int]] = {}  # quote -> every offset it occurs at

    def quote_at(self, s: int, e: int):
        """The quote text[s:e] and its `occurrence` (None where it occurs once)."""
        quote = self.text[s:e]
        starts = self._starts.get(quote)
        if starts is None:
            starts, at = [], self.text.find(quote)
            while at != -1:
                starts.append(at)
                at = self.text.find(quote, at + 1)
            self._starts[quote] = starts
        return quote, (starts.index(s) + 1 if len(starts) > 1 else None)

    def attribution(self):
        """(attributed_to, attribution): the outlet itself, one of its unnamed sources, or a named person."""
        r = self.rng.random()
        if r < 0.35 or (r < 0.7 and not self.unnamed):
            return self.outlet_id, "outlet_statement"
        if r < 0.7:
            return self.rng.choice(self.unnamed)["actor_id"], "paraphrase"
        return self.rng.choice(self.person_ids), "direct_quote"


def _citations(quoting: _Quoting, cat: Catalogues, sentences) -> list[dict]:
    """None to two agencies the article cites, each with a short quote."""
    rng, citations = quoting.rng, []
    for agency, relation in zip(rng.sample(cat.agencies, rng.choice((0, 0, 1, 2))), ("cites", "translated_from", "told_to")):
        quote, occ = quoting.quote_at(*_window(rng, rng.choice(sentences), 2, 6))
        citations.append(dict(cited_actor_id=agency["actor_id"], relation=relation, quote=quote, occurrence=occ))
    return citations


def _mentions(quoting: _Quoting, cat: Catalogues, source_id: str, sentences, story_events: list[int], others: list[int],
              count: int) -> list[dict]:
    """Up to `count` mentions, mostly of the story's events; a span already used for an event is skipped."""
    rng = quoting.rng
    said: dict[int, dt.date] = {}  # the date this article gives each event; now and then a wrong one

    def claimed_day(e: int) -> dt.date:
        if e not in said:
            said[e] = cat.event_days[e]
            if rng.random() < WRONG_DATE:
                said[e] += dt.timedelta(days=rng.choice((-1, 1)) * rng.randint(20, 400))
        return said[e]

    mentions, used = [], set()
    for _ in range(count):
        e = rng.choice(story_events) if rng.random() < 0.8 or not others else rng.choice(others)
        s, t = _window(rng, rng.choice(sentences))
        if (s, t, e) in used:  # the unique key (source_id, char_start, char_end, event_id)
            continue
        used.add((s, t, e))
        quote, occ = quoting.quote_at(s, t)
        who, how = quoting.attribution()
        # most mentions do not restate the date; those that do agree, unless the article has it wrong
        claimed = edtf(rng, claimed_day(e)) if rng.random() < 0.35 else None
        mentions.append(dict(_at=(s, t), mention_id=None, event_id=cat.events[e]["event_id"], quote=quote,
                             quote_en=f"{rng.choice(GLOSSES)} ({len(quote.split())} words)", claimed_date=claimed,
                             modality=rng.choice(MODALITIES), attributed_to=who, attribution=how,
                             note=rng.choice(NOTES) if rng.random() < 0.02 else None, occurrence=occ))
    return _numbered(mentions, "mention_id", f"{source_id}-m")


def _text_numbers(sentences, cat: Catalogues) -> list[tuple]:
    """(sentence, word index, value, (subject, unit)) for every number of the text that is not a year."""
    numbers = []
    for sentence in sentences:
        starts = [a for a, _ in sentence[1]]
        for j, m in enumerate(DIGITS.finditer(sentence[2])):
            if not is_year(m.group()):
                w = max(x for x, a in enumerate(starts) if a <= m.start())
                numbers.append((sentence, w, int(m.group()), cat.slot(sentence[3], j)))
    return numbers


def _qualified(rng: random.Random, value: int):
    """(qualifier, value, value_low, value_high): how the figure states `value`."""
    qualifier = rng.choice(QUALIFIERS)
    low = high = None
    v = value
    if qualifier in ("at_most", "less_than"):
        high, v = value, None
    elif qualifier == "at_least":
        low, v = value, None
    elif qualifier == "range":
        low, high, v = value, value + rng.randint(1, 500), None
    elif qualifier == "vague":
        low, v = max(0, value // 2), None
    elif qualifier == "approx" and rng.random() < 0.5:
        low, high = value * 9 // 10, value * 11 // 10 + 1
    return qualifier, v, low, high


def _figures(quoting: _Quoting, cat: Catalogues, source_id: str, sentences, story: int, story_events: list[int],
             pub: dt.date, count: int) -> list[dict]:
    """`count` figures, each quoting a number of the text (or, in a text without one, any span), tied to
    an event of the story and its place."""
    rng, numbers, figures = quoting.rng, _text_numbers(sentences, cat), []
    for _ in range(count):
        if numbers:  # a number of the text: what it counts is fixed per number of a sentence
            sentence, w, value, (subject, unit) = rng.choice(numbers)
            s, t = _window(rng, sentence, 3, 10, must=w)
        else:
            s, t = _window(rng, rng.choice(sentences), 3, 10)
            subject, unit = rng.choice(SUBJECTS)
            value = cat.truth(subject, unit, story)
        e = rng.choice(story_events)  # the figure belongs to an event of the story, and its place
        slot_event, slot_place = cat.events[e]["event_id"], cat.events[e]["place_id"]
        quote, occ = quoting.quote_at(s, t)
        qualifier, v, low, high = _qualified(rng, value)
        who, how = quoting.attribution()
        # a number that can change over time says when it holds (methodology, section 10)
        timed = subject not in TIMELESS_SUBJECTS
        as_of = edtf(rng, pub - dt.timedelta(days=rng.randint(0, 30))) if rng.random() < 0.6 or timed else None
        # where the event is; one figure in thirty is not tied to the event, but still to its place
        # (a figure with neither would be compared with every figure of its subject at the time)
        place = slot_place
        event = slot_event if rng.random() < 0.97 or place is None else None
        figures.append(dict(_at=(s, t), figure_id=None, subject=subject, value=v, value_low=low, value_high=high,
                            qualifier=qualifier, unit=unit,
                            as_of=as_of,
                            place_id=place, event_id=event,
                            quote=quote, quote_en=f"{value} ({rng.choice(GLOSSES)})", attributed_to=who, attribution=how,
                            note=rng.choice(NOTES) if rng.random() < 0.02 else None, occurrence=occ))
    return _numbered(figures, "figure_id", f"{source_id}-f")


def _numbered(claims: list[dict], key: str, prefix: str) -> list[dict]:
    """Number claims 01, 02, ... in the order of their quotes in the article, as the methodology asks."""
    ordered = sorted(claims, key=lambda c: c["_at"])  # stable: claims on one span keep their order
    return [{key: f"{prefix}{n:02d}", **{k: v for k, v in c.items() if k not in ("_at", key)}} for n, c in enumerate(ordered, 1)]


def _names(quoting: _Quoting) -> list[dict]:
    """Every place or actor the text names, at most 20 per article, in text order."""
    found = list(NAMES.finditer(quoting.text))
    names = []
    for m in sorted(quoting.rng.sample(found, min(20, len(found))), key=lambda m: m.start()):
        quote, occ = quoting.quote_at(m.start(), m.end())
        key, ident = NAMED_BY[quote]
        names.append({key: ident, "quote": quote, "occurrence": occ})
    return names


def source_story(i: int, seed: int, cat: Catalogues) -> int:
    """The story article i covers (an index into cat.stories)."""
    return random.Random(f"{seed}:{i}:story").randrange(len(cat.stories))


def source_meta(i: int, seed: int, cat: Catalogues):
    """Outlet, publication day and source_id of article i, from their own generator so that
    another article can name it (derived_from) without replaying its draws. An article appears
    within two months of the start of its story."""
    rng = random.Random(f"{seed}:{i}:source")
    outlet = cat.outlets[rng.randrange(len(cat.outlets))]
    pub = day((cat.stories[source_story(i, seed, cat)][2] - DAY0).days + rng.randint(0, 60))
    return outlet, pub, f"{outlet['actor_id']}-{pub.isoformat()}-{i:05d}"
