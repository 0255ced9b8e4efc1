"""The one Arabic normaliser, for matching only: never applied to stored text.

Articles and quotes are stored and located on their exact code points. To find a name or
a word whatever way it was spelled, and to explain why a quote was not found, both sides
are folded with the same table:

- the hamza forms of alef (أ إ آ ٱ) -> ا
- alef maqsura ى -> ي, and ة -> ه
- Persian yeh and kaf (ی ک) -> ي ك
- tatweel, diacritics (harakat, shadda, sukun, superscript alef) and the invisible
  joiners and direction marks are removed

- one spelling variant of a word, not of a letter: أميركي / اميركي (with yeh) -> امريكي,
  the two ways Arabic writes "American" (and أميركا -> امريكا)

`words()` also drops a leading definite article ال (and the conjunction و or a
preposition ب ل ك before it) when asked, so that العراقية finds عراقية.

The same rules run in SQL as the DuckDB macros `ar_norm` (= fold) and `ar_norm_words`
(= words), emitted from the tables below by scripts/db/macros.py into the database file and
views.sql; the curators' `ids` command uses `matches`.
"""
from __future__ import annotations

import re

FOLD = {
    "\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627",   # hamza forms of alef
    "\u0649": "\u064a", "\u06cc": "\u064a", "\u06a9": "\u0643", "\u0629": "\u0647",   # ى ی ک ة
}
REMOVED = {"\u0640", "\u200c", "\u200d", "\u200e", "\u200f", "\u061c", "\u0670",       # tatweel, joiners, marks
           *(chr(c) for c in range(0x064B, 0x0653))}                                  # harakat, shadda, sukun
_TABLE = str.maketrans({**FOLD, **{ch: None for ch in REMOVED}})
# Word spellings, applied after the letters are folded: plain strings (the SQL form in
# scripts/db/macros.py replaces them as they are).
SPELLINGS = [("\u0627\u0645\u064a\u0631\u0643", "\u0627\u0645\u0631\u064a\u0643")]  # اميرك -> امريك
_SPELLINGS = [(re.compile(re.escape(old)), new) for old, new in SPELLINGS]
# A leading definite article (after an optional و/ف and ب/ل/ك), dropped from a word that keeps 2+ letters.
ARTICLE_PREFIX = "[وف]?[بلك]?ال"
_ARTICLE = re.compile(rf"^(?:{ARTICLE_PREFIX})(?=\w{{2,}})")
_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """`text` with every Arabic variant above folded; other characters unchanged."""
    text = text.translate(_TABLE)
    for pattern, spelling in _SPELLINGS:
        text = pattern.sub(spelling, text)
    return text


def fold_char(ch: str) -> str:
    """One character folded: itself, its folded letter, or '' if it is removed."""
    return ch.translate(_TABLE)


def words(text: str, strip_article: bool = True) -> list[str]:
    """The folded, case-folded words of `text`, each without its leading ال if asked."""
    found = _WORD.findall(fold(text).casefold())
    return [without_article(w) for w in found] if strip_article else found


def without_article(word: str) -> str:
    """One word without its leading ال (and a و/ف or ب/ل/ك before it); the word is not folded."""
    return _ARTICLE.sub("", word)


def matches(query: str, text: str) -> bool:
    """Does every word of `query` occur in `text` (folded, ال-insensitive, as a word prefix)?"""
    wanted, have = words(query), words(text)
    return bool(wanted) and all(any(w.startswith(q) for w in have) for q in wanted)


# A run of Arabic in mixed text: from an Arabic letter to an Arabic letter; spaces, digits and
# punctuation between Arabic letters belong to the run (for dir="rtl" lang="ar" markup).
ARABIC_LETTERS = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
ARABIC_RUN = re.compile(f"[{ARABIC_LETTERS}]+(?:[\\s\\d.,:;!?'\"()\\[\\]«»“”/\\-–—]*[{ARABIC_LETTERS}]+)*")


def arabic_runs(text) -> list[tuple[str, str]]:
    """`text` cut into (plain, Arabic run) pairs; the last run is empty. No markup: callers add it."""
    if text is None:
        return []
    text, pairs, last = str(text), [], 0
    for match in ARABIC_RUN.finditer(text):
        pairs.append((text[last:match.start()], match.group(0)))
        last = match.end()
    return [*pairs, (text[last:], "")]
