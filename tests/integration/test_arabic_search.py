"""Arabic search in SQL on the repository's corpus: every spelling finds every row the others find."""
from __future__ import annotations

import duckdb
import pytest

from scripts import arabic
from scripts.db.macros import macro_statements

CLAIMS = ("SELECT mention_id AS id, quote FROM mentions UNION ALL SELECT figure_id, quote FROM figures "
          "UNION ALL SELECT actor_id, name_ar FROM actors UNION ALL SELECT place_id, name_ar FROM places")


@pytest.fixture(scope="module")
def con(real):
    con = duckdb.connect()
    for statement in macro_statements():
        con.execute(statement)
    for table in ("mentions", "figures", "actors", "places"):
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{real / 'build/data' / table}.parquet')")
    yield con
    con.close()


def found(con, where: str, word: str) -> set[str]:
    return {r[0] for r in con.execute(f"SELECT id FROM ({CLAIMS}) WHERE {where}", [word]).fetchall()}


def plain(con, word):
    return found(con, "quote LIKE '%' || ? || '%'", word)


def normalised(con, word):
    return found(con, "ar_norm(quote) LIKE '%' || ar_norm(?) || '%'", word)


def by_words(con, word):
    return found(con, "' ' || ar_norm_words(quote) || ' ' LIKE '% ' || ar_norm_words(?) || '%'", word)


def test_every_spelling_of_american_finds_every_row_any_spelling_finds(con):
    spellings = ["أمريكي", "أميركي", "امريكي"]
    union = set().union(*(plain(con, s) for s in spellings))
    assert union  # the corpus spells it somewhere
    for s in spellings:
        assert normalised(con, s) >= union, s
        assert normalised(con, s) == normalised(con, "امريكي")
    # and exactly the rows whose text folds to contain it, as the Python normaliser says
    texts = dict(con.execute(CLAIMS).fetchall())
    assert normalised(con, "امريكي") == {i for i, q in texts.items() if q and arabic.fold("امريكي") in arabic.fold(q)}


def test_ain_al_asad_without_hamza_finds_what_it_finds_with_hamza(con):
    with_hamza = plain(con, "عين الأسد")
    assert with_hamza and normalised(con, "عين الاسد") == normalised(con, "عين الأسد") >= with_hamza | plain(con, "عين الاسد")
    assert by_words(con, "عين اسد") == by_words(con, "عين الاسد") >= with_hamza


def test_the_article_is_optional_with_ar_norm_words(con):
    # as whole words (a word starting with it): with or without ال, the same rows
    assert by_words(con, "الانسحاب") == by_words(con, "انسحاب") >= plain(con, "الانسحاب")
    # anywhere in the text (also بانسحاب, لانسحاب): the query's article dropped, the text folded
    anywhere = found(con, "ar_norm(quote) LIKE '%' || ar_norm_words(?) || '%'", "الانسحاب")
    assert anywhere == found(con, "ar_norm(quote) LIKE '%' || ar_norm_words(?) || '%'", "انسحاب")
    assert anywhere >= plain(con, "الانسحاب") | plain(con, "انسحاب") and anywhere > plain(con, "الانسحاب")


def test_ar_norm_words_is_words_on_every_text_of_the_corpus(con):
    rows = con.execute(f"SELECT quote, ar_norm(quote), ar_norm_words(quote) FROM ({CLAIMS}) WHERE quote IS NOT NULL").fetchall()
    assert rows
    assert [r for r in rows if (r[1], r[2]) != (arabic.fold(r[0]), " ".join(arabic.words(r[0])))] == []
