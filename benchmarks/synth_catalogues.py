"""synth_catalogues: what every synthetic article shares, and the dates they are written in.

`Catalogues(n_articles, seed, pool)` draws from random.Random(seed) the places, named actors and
events (in stories, some of them plans carried out by a later event) of a corpus of n_articles;
`slot` and `truth` say, from generators of their own, what a number of a sentence counts and the
value a quantity has during a story. `day` and `edtf` make the dates (DAY0 .. DAY0 + DAYS).
"""
from __future__ import annotations

import datetime as dt
import json
import random

from benchmarks.synth_vocabulary import (
    AGENCIES,
    BODIES,
    COUNTRIES,
    EVENT_TYPES,
    FIRST,
    LAST,
    MAX_EVENTS,
    NOTES,
    OUTLETS,
    REGIONS,
    SITES,
    SUBJECTS,
    TITLES,
    UNIT_SCALE,
)
from scripts.paths import REPO

DAY0 = dt.date(2023, 6, 1)
# The last day of a synthetic date: not after the first release, since the build refuses a publication
# after the release date (the corpus copies the repository's CHANGELOG.md).
DAYS = (dt.date(2026, 11, 23) - DAY0).days


def day(n: int) -> dt.date:
    return DAY0 + dt.timedelta(days=max(0, min(DAYS, n)))


def edtf(rng: random.Random, d: dt.date) -> str:
    """An EDTF value around d, in the forms curators write and about as often: mostly days and months,
    some years and short intervals, rarely a minute."""
    r = rng.random()
    if r < 0.65:
        return d.isoformat()
    if r < 0.85:
        return d.isoformat()[:7]
    if r < 0.92:
        return str(d.year)
    if r < 0.998:
        if rng.random() < 0.7:
            return f"{d.isoformat()}/{(d + dt.timedelta(days=rng.randint(1, 3))).isoformat()}"
        return f"{d.isoformat()[:7]}/{(d + dt.timedelta(days=rng.randint(28, 92))).isoformat()[:7]}"
    return f"{d.isoformat()}T{rng.randint(0, 23):02d}:{rng.choice((0, 15, 30, 45)):02d}:00"


class Catalogues:
    """places, named actors and events shared by every article, drawn from random.Random(seed)."""

    def __init__(self, n_articles: int, seed: int, pool: list[str]):
        rng = random.Random(seed)  # drawn in this order: areas, persons, events, plans
        # The `names` section is written only if the annotation schema has it (it came later).
        schema = json.loads((REPO / "schemas" / "annotation.schema.json").read_text(encoding="utf-8"))
        self.with_names = "names" in schema["$defs"]["source_file"]["properties"]
        self.places = self._places(rng, n_articles)
        self.place_ids = [p["place_id"] for p in self.places]

        self.outlets = [dict(actor_id=s, name_en=en, name_ar=ar, kind="news_outlet") for s, en, ar in OUTLETS]
        self.agencies = [dict(actor_id=s, name_en=en, name_ar=ar, kind=k) for s, en, ar, k in AGENCIES]
        self.bodies = [dict(actor_id=a, name_en=en, name_ar=ar, kind=k, title_en=t) for a, en, ar, k, t in BODIES]
        self.persons = self._persons(rng, n_articles)
        self.named_actors = self.outlets + self.agencies + self.bodies + self.persons
        self.person_ids = [p["actor_id"] for p in self.persons]

        self.events, self.stories = self._events(rng, n_articles, pool)
        self.event_days = [self._anchor(e["date"]) for e in self.events]
        self._plans(rng)
        self.seed, self._slots = seed, {}

    @staticmethod
    def _places(rng: random.Random, n_articles: int) -> list[dict]:
        """The fixed countries, regions and sites, and synthetic areas under a governorate (more for more articles)."""
        places = [dict(place_id=p, name_en=en, name_ar=ar, kind="country", latitude=la, longitude=lo,
                       geo_precision="country") for p, en, ar, la, lo in COUNTRIES]
        places += [dict(place_id=p, name_en=en, name_ar=ar, kind=k, parent_place_id=par, latitude=la, longitude=lo,
                        geo_precision="region") for p, en, ar, k, par, la, lo in REGIONS]
        places += [dict(place_id=p, name_en=en, name_ar=ar, kind=k, parent_place_id=par, latitude=la, longitude=lo,
                        geo_precision="city" if k in ("city", "district") else "site") for p, en, ar, k, par, la, lo in SITES]
        for k in range(1, 20 + n_articles // 25 + 1):
            p, en, ar, kind, par, la, lo = rng.choice(REGIONS)
            places.append(dict(place_id=f"area-{k}", name_en=f"Area {k}, {en}", name_ar=f"منطقة {k} في {ar}",
                               kind="area", parent_place_id=p, latitude=round(la + rng.uniform(-0.5, 0.5), 4),
                               longitude=round(lo + rng.uniform(-0.5, 0.5), 4), geo_precision="region",
                               note=rng.choice(NOTES) if rng.random() < 0.1 else None))
        return places

    def _persons(self, rng: random.Random, n_articles: int) -> list[dict]:
        """Named people, each with a title and a body they speak for (more for more articles)."""
        persons = []
        for k in range(1, 30 + n_articles // 40 + 1):
            (fs, fe, fa), (ls, le, la) = rng.choice(FIRST), rng.choice(LAST)
            title_en, title_ar = rng.choice(TITLES)
            persons.append(dict(actor_id=f"{fs}-{ls}-{k}", name_en=f"{fe} {le}", name_ar=f"{fa} {la}", kind="person",
                                title_en=title_en, title_ar=title_ar,
                                affiliation_actor_id=rng.choice([b for b in self.bodies if b["kind"] != "person"])["actor_id"]))
        return persons

    def _events(self, rng: random.Random, n_articles: int, pool: list[str]) -> tuple[list[dict], list[tuple]]:
        """Events in stories, and the stories as (index of first event, number of events, first day).

        Events come in stories: runs of 2-6 events of one place within about six weeks (a
        convoy, a handover, the announcement before them). An article covers one story and
        mentions a few other events, so a handful of articles share an event, as in real news.
        events.yaml must stay under the loader's 5 MiB limit (about 330 bytes an event): capped."""
        events, stories = [], []
        n_events = min(30 + n_articles * 4 // 5, MAX_EVENTS)
        while len(events) < n_events:
            first, size = len(events), min(rng.randint(2, 6), n_events - len(events))
            start = rng.randint(0, DAYS - 60)
            story_place = rng.choice(self.place_ids)
            stories.append((first, size, day(start)))
            for k in range(first + 1, first + size + 1):
                etype = rng.choice(EVENT_TYPES)
                when = day(start + rng.randint(0, 45))
                r = rng.random()  # mostly where the story is; now and then elsewhere, or nowhere in particular
                place = story_place if r < 0.9 else rng.choice(self.place_ids) if r < 0.995 else None
                events.append(dict(event_id=f"event-{k}-{etype.replace('_', '-')}", event_type=etype,
                                   status=rng.choice(("occurred", "occurred", "ongoing", "reported_intent")),
                                   summary_en=f"Synthetic {etype.replace('_', ' ')} no. {k}: "
                                              f"{place or 'no place'} ({when.isoformat()[:7]})",
                                   summary_ar=rng.choice(pool)[:80], date=edtf(rng, when), place_id=place,
                                   outcome_event_id=None, note=rng.choice(NOTES) if rng.random() < 0.05 else None))
        return events, stories

    def _plans(self, rng: random.Random) -> None:
        """About a fifth of the events become plans carried out by a later event of their story."""
        for first, size, _ in self.stories:
            for e in range(first, first + size):
                later = [o for o in range(first, first + size)
                         if self.event_days[o] > self.event_days[e] and self.events[o]["status"] == "occurred"]
                if later and rng.random() < 0.35:
                    self.events[e]["status"] = rng.choice(("planned", "superseded"))
                    self.events[e]["outcome_event_id"] = self.events[rng.choice(later)]["event_id"]

    def slot(self, pool_index: int, k: int):
        """(subject, unit) the k-th number of pool sentence pool_index counts, the same in every article."""
        key = (pool_index, k)
        if key not in self._slots:
            self._slots[key] = random.Random(f"{self.seed}:slot:{pool_index}:{k}").choice(SUBJECTS)
        return self._slots[key]

    def truth(self, subject: str, unit: str, story: int) -> int:
        """The value of a quantity during a story: every article on the story reports it, values are local in time."""
        low, high = UNIT_SCALE[unit]
        return random.Random(f"{self.seed}:truth:{subject}:{story}").randint(low, high)

    @staticmethod
    def _anchor(value: str) -> dt.date:
        parts = value.split("/")[0].split("T")[0].split("-")
        return dt.date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, int(parts[2]) if len(parts) > 2 else 1)
