"""synth_vocabulary: the small fixed vocabularies and rates of the synthetic corpus.

Ids with their English and Arabic names (countries, regions, sites, outlets, agencies, bodies,
first and last names, titles, unnamed sources), the values of the Table Schemas' categories, the
words of the real sentences that name a catalogued place or actor, and how often an article
disagrees with the others. Nothing here draws at random.
"""
from __future__ import annotations

import re

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
