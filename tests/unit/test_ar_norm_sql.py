"""The SQL macros ar_norm and ar_norm_words (scripts/db/macros.py) do what scripts/arabic.py does,
on every code point of the Arabic blocks, the marks and joiners, and ASCII."""
from __future__ import annotations

import duckdb
import pytest

from scripts import arabic
from scripts.db.macros import macro_statements

BLOCKS = [(0x20, 0x7F), (0x0600, 0x0700), (0x0750, 0x0780), (0x0870, 0x0900), (0x2000, 0x2070),
          (0xFB50, 0xFE00), (0xFE70, 0xFF00)]
CODE_POINTS = [chr(c) for lo, hi in BLOCKS for c in range(lo, hi)]


@pytest.fixture(scope="module")
def con():
    con = duckdb.connect()
    for statement in macro_statements():
        con.execute(statement)
    yield con
    con.close()


def sql(con, macro: str, values: list[str]) -> list[str]:
    con.execute("CREATE OR REPLACE TEMP TABLE t AS SELECT unnest(?) AS v, generate_subscripts(?, 1) AS i", [values, values])
    return [r[0] for r in con.execute(f"SELECT {macro}(v) FROM t ORDER BY i").fetchall()]


def test_ar_norm_is_fold_on_every_code_point(con):
    got = sql(con, "ar_norm", CODE_POINTS)
    wrong = [(f"U+{ord(c):04X}", g, arabic.fold(c)) for c, g in zip(CODE_POINTS, got) if g != arabic.fold(c)]
    assert wrong == [] and len(got) == len(CODE_POINTS)
    # each one inside a word too: the letters around it are kept
    framed = [f"ب{c}ت" for c in CODE_POINTS]
    assert sql(con, "ar_norm", framed) == [arabic.fold(s) for s in framed]


def test_every_folded_and_removed_character_is_covered():
    changed = {c for c in CODE_POINTS if arabic.fold(c) != c}
    assert changed == set(arabic.FOLD) | arabic.REMOVED  # the blocks above hold every character the normaliser touches


@pytest.mark.parametrize("text", ["أمريكي", "أميركي", "امريكي", "اميركي", "الأميركية", "أميركا", "عين الأسد",
                                  "عين الاسد", "الانسحاب", "انسحاب", "والعراق وبالعراق", "الله", "ال", "قُوّات الـقـاعدة",
                                  "Ain al-Asad, 2025!", "مستشفى", "ایران کرکوک", "فالقوات، للقوات؛ كالأمريكيين"])
def test_words_and_fold_agree_on_spellings(con, text):
    assert sql(con, "ar_norm", [text]) == [arabic.fold(text)]
    assert sql(con, "ar_norm_words", [text]) == [" ".join(arabic.words(text))]


def test_ar_norm_words_is_words_on_every_code_point_after_an_article(con):
    texts = [f"وال{c}بت ال{c}" for c in CODE_POINTS]
    assert sql(con, "ar_norm_words", texts) == [" ".join(arabic.words(t)) for t in texts]


def test_ar_norm_keeps_null(con):
    assert con.execute("SELECT ar_norm(NULL), ar_norm_words(NULL)").fetchone() == (None, None)


def test_views_sql_and_the_database_carry_the_macros():
    from scripts.db.views import read_views, views_sql
    from scripts.metadata import load_tables

    text = views_sql(load_tables(), read_views())
    assert all(s + ";" in text for s in macro_statements(replace=True))
    assert text.index('MACRO "ar_norm"(') < text.index('MACRO "ar_norm_words"(') < text.index("CREATE OR REPLACE VIEW")
