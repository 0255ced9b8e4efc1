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
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import os
import re
import random
import shutil
import sys
import time
from pathlib import Path

from scripts.progress import Quiet, progress

from scripts.paths import REPO

SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+")
WORD = re.compile(r"\S+")
DIGITS = re.compile(r"[0-9]+")
DAY0 = dt.date(2023, 6, 1)
DAYS = (dt.date(2026, 12, 31) - DAY0).days

# --- small vocabularies (ids, English and Arabic names); values of the Table Schemas' categories --------------

COUNTRIES = [  # place_id, name_en, name_ar, lat, lon
    ("iraq", "Iraq", "العراق", 33.0, 44.0), ("syria", "Syria", "سوريا", 35.0, 38.0),
    ("kuwait", "Kuwait", "الكويت", 29.3, 47.6), ("jordan", "Jordan", "الأردن", 31.0, 36.0),
    ("united-states", "United States", "الولايات المتحدة", 38.0, -97.0), ("iran", "Iran", "إيران", 32.0, 53.0),
    ("turkey", "Turkey", "تركيا", 39.0, 35.0), ("qatar", "Qatar", "قطر", 25.3, 51.2),
]
REGIONS = [  # place_id, name_en, name_ar, kind, parent, lat, lon
    ("anbar", "Anbar Governorate", "محافظة الأنبار", "governorate", "iraq", 33.4, 42.0),
    ("baghdad-governorate", "Baghdad Governorate", "محافظة بغداد", "governorate", "iraq", 33.3, 44.4),
    ("kurdistan-region", "Kurdistan Region", "إقليم كوردستان", "region", "iraq", 36.4, 44.3),
    ("erbil-governorate", "Erbil Governorate", "محافظة أربيل", "governorate", "kurdistan-region", 36.2, 44.0),
    ("nineveh", "Nineveh Governorate", "محافظة نينوى", "governorate", "iraq", 36.2, 43.0),
    ("salahuddin", "Salahuddin Governorate", "محافظة صلاح الدين", "governorate", "iraq", 34.5, 43.5),
    ("kirkuk-governorate", "Kirkuk Governorate", "محافظة كركوك", "governorate", "iraq", 35.4, 44.3),
    ("basra-governorate", "Basra Governorate", "محافظة البصرة", "governorate", "iraq", 30.5, 47.8),
    ("deir-ez-zor", "Deir ez-Zor Governorate", "محافظة دير الزور", "governorate", "syria", 35.3, 40.1),
    ("hasakah", "Al-Hasakah Governorate", "محافظة الحسكة", "governorate", "syria", 36.5, 40.7),
    ("homs-governorate", "Homs Governorate", "محافظة حمص", "governorate", "syria", 34.7, 36.7),
]
SITES = [  # place_id, name_en, name_ar, kind, parent, lat, lon
    ("ain-al-asad-air-base", "Ain al-Asad Air Base", "قاعدة عين الأسد", "air_base", "anbar", 33.7856, 42.4411),
    ("harir-air-base", "Harir Air Base", "قاعدة حرير", "air_base", "erbil-governorate", 36.5381, 44.3419),
    ("victory-base", "Victory Base Complex", "قاعدة فكتوريا", "military_site", "baghdad-governorate", 33.2925, 44.2497),
    ("baghdad-airport", "Baghdad International Airport", "مطار بغداد الدولي", "airport", "baghdad-governorate", 33.2625, 44.2346),
    ("erbil-airport", "Erbil International Airport", "مطار أربيل الدولي", "airport", "erbil-governorate", 36.2376, 43.9632),
    ("al-tanf", "Al-Tanf Garrison", "قاعدة التنف", "military_site", "homs-governorate", 33.4969, 38.6186),
    ("baghdad", "Baghdad", "بغداد", "city", "baghdad-governorate", 33.3152, 44.3661),
    ("erbil", "Erbil", "أربيل", "city", "erbil-governorate", 36.1911, 44.0092),
    ("ramadi", "Ramadi", "الرمادي", "city", "anbar", 33.4258, 43.2992),
    ("mosul", "Mosul", "الموصل", "city", "nineveh", 36.3350, 43.1189),
    ("al-baghdadi", "Al-Baghdadi", "ناحية البغدادي", "district", "anbar", 33.8667, 42.55),
]
OUTLETS = [  # slug, name_en, name_ar
    ("shafaq", "Shafaq News", "شفق نيوز"), ("almada", "Al-Mada", "جريدة المدى"), ("rudaw", "Rudaw", "رووداو"),
    ("alsumaria", "Al Sumaria", "السومرية نيوز"), ("baghdad-today", "Baghdad Today", "بغداد اليوم"),
    ("ina", "Iraqi News Agency", "وكالة الأنباء العراقية"), ("alsabah", "Al-Sabah", "جريدة الصباح"),
    ("964", "964 Media", "شبكة 964"), ("kurdistan24", "Kurdistan24", "كوردستان 24"),
    ("alghad", "Alghad Press", "الغد برس"), ("almirbad", "Al-Mirbad", "المربد"), ("nrt", "NRT", "إن آر تي"),
]
AGENCIES = [
    ("reuters", "Reuters", "رويترز", "news_agency"), ("afp", "Agence France-Presse", "فرانس برس", "news_agency"),
    ("ap", "Associated Press", "أسوشيتد برس", "news_agency"), ("fox-news", "Fox News", "فوكس نيوز", "news_outlet"),
    ("al-monitor", "Al-Monitor", "المونيتور", "news_outlet"), ("anadolu", "Anadolu Agency", "الأناضول", "news_agency"),
]
BODIES = [  # actor_id, name_en, name_ar, kind, title_en
    ("us", "United States", "الولايات المتحدة", "state", None),
    ("iraq-state", "Iraq", "العراق", "state", None),
    ("iraqi-government", "Government of Iraq", "الحكومة العراقية", "government", None),
    ("us-department-of-defense", "US Department of Defense", "وزارة الدفاع الأمريكية", "government", None),
    ("centcom", "US Central Command", "القيادة المركزية الأمريكية", "military", None),
    ("iraqi-joint-operations-command", "Joint Operations Command", "قيادة العمليات المشتركة", "military", None),
    ("global-coalition", "Global Coalition against Daesh", "التحالف الدولي", "coalition", None),
    ("iraqi-parliament", "Council of Representatives of Iraq", "مجلس النواب العراقي", "legislature", None),
    ("us-embassy-baghdad", "US Embassy in Baghdad", "السفارة الأمريكية في بغداد", "embassy", None),
    ("islamic-resistance", "Islamic Resistance in Iraq", "المقاومة الإسلامية في العراق", "armed_group", None),
    ("kurdistan-regional-government", "Kurdistan Regional Government", "حكومة إقليم كوردستان", "government", None),
    ("islamic-state", "Islamic State (Daesh)", "تنظيم داعش", "armed_group", None),
    ("mohammed-shia-al-sudani", "Mohammed Shia al-Sudani", "محمد شياع السوداني", "person", "Prime Minister of Iraq"),
    ("donald-trump", "Donald Trump", "دونالد ترامب", "person", "President of the United States"),
]
# Words of the real sentences that name a catalogued place or actor (for the `names` section).
NAMED_BY = {
    "قاعدة عين الأسد": ("place_id", "ain-al-asad-air-base"), "عين الأسد": ("place_id", "ain-al-asad-air-base"),
    "العراق": ("place_id", "iraq"), "سوريا": ("place_id", "syria"), "بغداد": ("place_id", "baghdad"),
    "أربيل": ("place_id", "erbil"), "الأنبار": ("place_id", "anbar"), "إقليم كوردستان": ("place_id", "kurdistan-region"),
    "كوردستان": ("place_id", "kurdistan-region"), "الكويت": ("place_id", "kuwait"), "الموصل": ("place_id", "mosul"),
    "التحالف الدولي": ("actor_id", "global-coalition"), "السفارة الأمريكية": ("actor_id", "us-embassy-baghdad"),
    "سنتكوم": ("actor_id", "centcom"), "القيادة المركزية": ("actor_id", "centcom"),
    "الحكومة العراقية": ("actor_id", "iraqi-government"), "الولايات المتحدة": ("actor_id", "us"), "واشنطن": ("actor_id", "us"),
    "وزارة الدفاع": ("actor_id", "us-department-of-defense"), "فوكس نيوز": ("actor_id", "fox-news"),
    "شفق نيوز": ("actor_id", "shafaq"), "داعش": ("actor_id", "islamic-state"), "السوداني": ("actor_id", "mohammed-shia-al-sudani"),
    "ترامب": ("actor_id", "donald-trump"),
}
# Longest name first, whole words only (not العراق inside العراقية).
NAMES = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in sorted(NAMED_BY, key=len, reverse=True)) + r")(?!\w)")
FIRST = [("ahmed", "Ahmed", "أحمد"), ("mohammed", "Mohammed", "محمد"), ("ali", "Ali", "علي"), ("hussein", "Hussein", "حسين"),
         ("khalid", "Khalid", "خالد"), ("omar", "Omar", "عمر"), ("yahya", "Yahya", "يحيى"), ("saad", "Saad", "سعد"),
         ("fuad", "Fuad", "فؤاد"), ("john", "John", "جون"), ("michael", "Michael", "مايكل"), ("sabah", "Sabah", "صباح")]
LAST = [("al-jubouri", "al-Jubouri", "الجبوري"), ("al-dulaimi", "al-Dulaimi", "الدليمي"), ("al-rasool", "al-Rasool", "الرسول"),
        ("hussein", "Hussein", "حسين"), ("al-numan", "al-Numan", "النعمان"), ("smith", "Smith", "سميث"),
        ("barzani", "Barzani", "بارزاني"), ("al-asadi", "al-Asadi", "الأسدي"), ("kurilla", "Kurilla", "كوريلا")]
TITLES = [("military spokesperson", "متحدث عسكري"), ("minister", "وزير"), ("member of parliament", "نائب في البرلمان"),
          ("commander", "قائد"), ("adviser", "مستشار"), ("spokesperson", "متحدث رسمي")]
UNNAMED = [("an Iraqi security source", "مصدر أمني عراقي"), ("informed sources", "مصادر مطلعة"),
           ("military sources", "مصادر عسكرية"), ("an official", "مسؤول"), ("a government source", "مصدر حكومي"),
           ("a US official", "مسؤول أمريكي")]
EVENT_TYPES = ["agreement", "announcement", "plan_phase", "withdrawal", "troop_movement", "relocation", "handover",
               "base_closure", "statement", "partnership", "founding", "military_campaign", "deployment", "other"]
MODALITIES = ["reported", "reported", "reported", "planned", "expected", "denied", "assessed"]
ATTRIBUTIONS = {"outlet": "outlet_statement", "unnamed": "paraphrase", "named": "direct_quote"}
SUBJECTS = [("us_troops_in_iraq", "person"), ("us_troops_in_syria", "person"), ("coalition_troops_remaining", "person"),
            ("advisers_remaining", "person"), ("troops_withdrawing", "person"), ("distance", "km"),
            ("duration", "year"), ("plan_phases", "phase"), ("rank", "ordinal"), ("count", "item")]
# Range of a quantity's true value per unit (synthetic, but of the right order).
UNIT_SCALE = {"person": (50, 5000), "km": (5, 600), "year": (1, 20), "phase": (2, 4), "ordinal": (1, 10), "item": (2, 300)}
MAX_EVENTS = 12_000
# How often an article disagrees with the others: on an event's date, on a number.
WRONG_DATE, WRONG_NUMBER = 0.005, 0.005
QUALIFIERS = ["exact", "exact", "approx", "less_than", "at_most", "at_least", "range", "vague"]
GLOSSES = ["the last soldier will leave the base", "a convoy set off towards Syria", "forces moved to Erbil",
           "the coalition mission ends", "the handover to Iraqi forces was completed", "the base was closed",
           "a source said the withdrawal is on schedule", "the embassy spokesman announced the partnership",
           "troops will remain as advisers", "the plan has two phases", "officials denied the report",
           "the withdrawal was completed on Friday", "the number of troops will fall"]
# Curator notes with the characters that break naive YAML: colons, '#', quotes, leading indicators.
NOTES = ["synthetic: checked against the text", "# not a comment", "- looks like a list item", "'single' and \"double\"",
         "key: value inside a note", "& anchor-like * alias-like !tag-like", "«guillemets» and a back\\slash", "@ % ` | >",
         "ملاحظة: نص عربي مع نقطتين", "tab\tinside"]


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


# --- YAML emitter ------------------------------------------------------------------------------------------------

_encode = json.encoder.encode_basestring  # C implementation: "..." with JSON escapes, non-ASCII kept
# Characters YAML treats as line breaks or refuses but JSON leaves raw. Every string we emit is
# double-quoted and keys are ASCII, so they can only occur inside a quoted scalar, where \uXXXX is valid.
_YAML_UNSAFE = re.compile("[\x7f\x85\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


def yaml_safe(text: str) -> str:
    """Escape, in a whole emitted document, the characters YAML would not read back verbatim."""
    if _YAML_UNSAFE.search(text):
        text = _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax) that PyYAML reads back as exactly `text`."""
    return yaml_safe(_encode(text))


def scalar(value) -> str:
    kind = type(value)
    if kind is str:
        return _encode(value)  # made YAML-safe per document by yaml_safe()
    if kind is int:
        return str(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is float and math.isfinite(value):
        text = repr(value)  # YAML 1.1 (PyYAML) reads a float only with a dot in the mantissa: 1.0e-07, not 1e-07
        mantissa, e, exponent = text.partition("e")
        return (mantissa if "." in mantissa else mantissa + ".0") + (f"e{exponent}" if e else "")
    raise TypeError(f"cannot emit {kind.__name__}")


def emit_record(record: dict, indent: str = "  ") -> str:
    """One mapping as an item of a block sequence; keys in insertion order, None values left out."""
    body = f"\n{indent}  ".join([f"{key}: {scalar(value)}" for key, value in record.items() if value is not None])
    return f"{indent}- {body}"


def emit_list(key: str, records: list[dict]) -> str:
    if not records:
        return f"{key}: []\n"
    return f"{key}:\n" + "\n".join([emit_record(r) for r in records]) + "\n"


def emit_mapping(key: str, record: dict) -> str:
    return f"{key}:\n" + "\n".join(f"  {k}: {scalar(v)}" for k, v in record.items() if v is not None) + "\n"


# --- dates -------------------------------------------------------------------------------------------------------

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


# --- catalogues --------------------------------------------------------------------------------------------------

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


# --- one article ---------------------------------------------------------------------------------------------------

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
    """Article i: (file name, text bytes, source file name, source YAML, unnamed actors, and how many
    mentions, figures, citations and names it has). Every draw comes from the article's own
    generator, in a fixed order: text, source, unnamed sources, citations, mentions, figures, names."""
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
    figures = _figures(quoting, cat, source_id, sentences, story, story_events, pub, n_figures)
    names = _names(quoting) if cat.with_names else []
    yaml_text = yaml_safe(f"# Synthetic annotations for {name} (scripts/synth.py, seed {seed}).\n"
                          + emit_mapping("source", source) + (emit_list("citations", citations) if citations else "")
                          + emit_list("mentions", mentions) + emit_list("figures", figures)
                          + (emit_list("names", names) if names else ""))
    return name, data, f"{source_id}.yaml", yaml_text, unnamed, len(mentions), len(figures), len(citations), len(names)


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
    for m in range(1, count + 1):
        e = rng.choice(story_events) if rng.random() < 0.8 or not others else rng.choice(others)
        s, t = _window(rng, rng.choice(sentences))
        if (s, t, e) in used:  # the unique key (source_id, char_start, char_end, event_id)
            continue
        used.add((s, t, e))
        quote, occ = quoting.quote_at(s, t)
        who, how = quoting.attribution()
        # most mentions do not restate the date; those that do agree, unless the article has it wrong
        claimed = edtf(rng, claimed_day(e)) if rng.random() < 0.35 else None
        mentions.append(dict(mention_id=f"{source_id}-m{m}", event_id=cat.events[e]["event_id"], quote=quote,
                             quote_en=f"{rng.choice(GLOSSES)} ({len(quote.split())} words)", claimed_date=claimed,
                             modality=rng.choice(MODALITIES), attributed_to=who, attribution=how,
                             note=rng.choice(NOTES) if rng.random() < 0.02 else None, occurrence=occ))
    return mentions


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
    for f in range(1, count + 1):
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
        as_of = edtf(rng, pub - dt.timedelta(days=rng.randint(0, 30))) if rng.random() < 0.6 else None
        # where the event is; one figure in thirty is not tied to the event, but still to its place
        # (a figure with neither would be compared with every figure of its subject at the time)
        place = slot_place
        event = slot_event if rng.random() < 0.97 or place is None else None
        figures.append(dict(figure_id=f"{source_id}-f{f}", subject=subject, value=v, value_low=low, value_high=high,
                            qualifier=qualifier, unit=unit,
                            as_of=as_of,
                            place_id=place, event_id=event,
                            quote=quote, quote_en=f"{value} ({rng.choice(GLOSSES)})", attributed_to=who, attribution=how,
                            note=rng.choice(NOTES) if rng.random() < 0.02 else None, occurrence=occ))
    return figures


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


# --- driver --------------------------------------------------------------------------------------------------------

_WORKER: dict = {}


def _write_article(i: int):
    seed, cat, pool, out = _WORKER["args"]
    name, data, yaml_name, yaml_text, unnamed, n_m, n_f, n_c, n_n = build_article(i, seed, cat, pool)
    (out / "articles" / name).write_bytes(data)
    (out / "annotations" / "sources" / yaml_name).write_text(yaml_text, encoding="utf-8")
    return unnamed, n_m, n_f, n_c, n_n


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
    unnamed, counts = [], [0, 0, 0, 0]
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
            for actors, *n in results:  # in article order, whatever the worker count
                unnamed.extend(actors)
                counts = [a + b for a, b in zip(counts, n)]
                bar.advance(bar.task)
        finally:
            if pool_proc is not None:
                pool_proc.close()
                pool_proc.join()

    ann = out / "annotations"
    header = f"# Synthetic catalogue (scripts/synth.py, {n_articles} articles, seed {seed}).\n"
    (ann / "places.yaml").write_text(yaml_safe(header + emit_list("places", cat.places)), encoding="utf-8")
    (ann / "actors.yaml").write_text(yaml_safe(header + emit_list("actors", cat.named_actors + unnamed)), encoding="utf-8")
    (ann / "events.yaml").write_text(yaml_safe(header + emit_list("events", cat.events)), encoding="utf-8")
    rows = {"sources": n_articles, "mentions": counts[0], "figures": counts[1], "citations": counts[2], "names": counts[3],
            "places": len(cat.places), "actors": len(cat.named_actors) + len(unnamed), "events": len(cat.events)}
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
    sys.exit(main(add_arguments(argparse.ArgumentParser(prog="python -m benchmarks.synth", description=__doc__.splitlines()[0])).parse_args()))
