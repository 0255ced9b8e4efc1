"""The one Arabic normaliser (scripts/arabic.py): what it folds, and that it never touches stored text."""
from __future__ import annotations

import pytest

from scripts import arabic


@pytest.mark.parametrize("a, b", [
    ("عين الأسد", "عين الاسد"),          # hamza on alef
    ("إيران", "ايران"),
    ("آب", "اب"),
    ("مستشفى", "مستشفي"),                # alef maqsura
    ("القاعدة", "القاعده"),              # teh marbuta
    ("ایران", "ايران"),                  # Persian yeh
    ("کرکوک", "كركوك"),                  # Persian kaf
    ("الـقـاعدة", "القاعدة"),            # tatweel
    ("قُوّات", "قوات"),                   # diacritics
])
def test_variants_fold_to_one_form(a, b):
    assert a != b and arabic.fold(a) == arabic.fold(b)


def test_different_words_stay_different():
    assert arabic.fold("قوات") != arabic.fold("قواعد")
    assert arabic.fold("أمير") != arabic.fold("أمر")  # a prince is not an order: only the word "American" is respelled


@pytest.mark.parametrize("spelling", ["أمريكي", "أميركي", "امريكي", "اميركي", "الأميركية", "الامريكية"])
def test_every_spelling_of_american_matches(spelling):
    assert arabic.matches("امريكي", spelling) and arabic.matches(spelling, "القوات الأمريكية")


def test_the_definite_article_is_optional_in_words():
    assert arabic.words("الانسحاب") == arabic.words("انسحاب") == ["انسحاب"]
    assert arabic.words("والعراق وبالعراق") == ["عراق", "عراق"]
    assert arabic.words("الانسحاب", strip_article=False) == ["الانسحاب"]
    assert arabic.words("الله") == ["له"] and arabic.words("ال") == ["ال"]  # matching only: both sides agree


def test_matches_every_query_word_as_a_prefix():
    assert arabic.matches("عين الاسد", "قاعدة عين الأسد الجوية")
    assert arabic.matches("العراق", "القوات العراقية")
    assert arabic.matches("Ain al-Asad", "ain al-asad air base")
    assert not arabic.matches("عين الاسد", "قاعدة حرير")
    assert not arabic.matches("", "anything")


def test_latin_text_and_digits_pass_through():
    assert arabic.fold("Ain al-Asad ٢٠٢٥ 2025") == "Ain al-Asad ٢٠٢٥ 2025"
