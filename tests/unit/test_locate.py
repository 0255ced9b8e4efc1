from scripts.errors import Collector
from scripts.pipeline.locate import Article, explain_miss, find_all, locate_quote
from scripts.pipeline.records import Record
from tests.conftest import REPO

TEXT = "قال مصدر أمني إن القوات الأمريكية ستغادر. وقال مصدر أمني آخر إن القوات الأمريكية باقية."


def record(quote, **extra):
    r = Record(quote=quote, **extra)
    r.path, r.line, r.key_lines = "annotations/sources/x.yaml", 7, {"quote": 8, "occurrence": 9}
    return r


def run(quote, **extra):
    problems = Collector()
    span = locate_quote(Article("articles/x.txt", TEXT, ""), record(quote, **extra), problems)
    return span, problems.problems


def test_offsets_are_code_points_and_slice_the_quote():
    span, problems = run("ستغادر")
    assert problems == [] and TEXT[span[0]:span[1]] == "ستغادر" and span == (TEXT.index("ستغادر"), TEXT.index("ستغادر") + 6)


def test_quote_twice_needs_occurrence_and_occurrence_picks_it():
    span, problems = run("القوات الأمريكية")
    assert span is None and "occurs 2 times" in problems[0].message and problems[0].line == 8
    span, problems = run("القوات الأمريكية", occurrence=2)
    assert problems == [] and span[0] == TEXT.rindex("القوات الأمريكية")


def test_overlapping_matches_are_counted():
    assert find_all("ااا", "اا") == [0, 1]


def test_persian_letter_near_miss_names_both_code_points():
    span, [p] = run("القوات الأمریکية ستغادر")
    assert span is None
    assert "near match" in p.message and "«القوات الأمريكية ستغادر»" in p.message
    assert "U+06CC ARABIC LETTER FARSI YEH" in p.hint and "U+064A ARABIC LETTER YEH" in p.hint
    assert "U+06A9 ARABIC LETTER KEHEH" in p.hint and "U+0643 ARABIC LETTER KAF" in p.hint


def test_far_miss_shows_closest_passage():
    message, hint = explain_miss(Article("articles/x.txt", TEXT, ""), "وقال مصدر عسكري آخر")
    assert "closest passage" in message and "مصدر" in message


def test_occurrence_beyond_count():
    span, [p] = run("ستغادر", occurrence=2)
    assert span is None and p.line == 9 and "occurs only 1 time(s)" in p.message


def test_one_pass_finds_what_a_scan_per_quote_finds():
    """The automaton's offsets equal str.find's for every quote of every real article, and
    for overlapping, nested and repeated quotes."""
    from scripts.pipeline.load import annotation_files, load_file
    from scripts.pipeline.locate import occurrences, quoted_records

    def scan(text, quote):
        starts, at = [], text.find(quote)
        while at != -1:
            starts.append(at)
            at = text.find(quote, at + 1)
        return starts

    checked = 0
    for path, display, kind in annotation_files(REPO)[0]:
        if kind != "source_file":
            continue
        doc, _ = load_file(path, display, kind)
        text = (REPO / doc["source"]["article_path"]).read_text(encoding="utf-8")
        quotes = [r["quote"] for r in quoted_records(doc)]
        found = occurrences(text, quotes)
        assert all(found[q] == scan(text, q) for q in quotes)
        checked += len(quotes)
    assert checked > 100
    text = "العراق والعراق، العراقيون ببغداد"
    quotes = ["العراق", "عراق", "ال", "بغداد", "غائب", "ب"]
    assert occurrences(text, quotes) == {q: scan(text, q) for q in quotes}


# ---------------------------------------------------------------------------- page furniture

def test_lines_are_numbered_as_the_site_shows_them():
    from scripts.pipeline.locate import line_bounds

    text = "أ\nبب\n\nد\n"
    assert [text[a:b] for a, b in line_bounds(text)] == ["أ", "بب", "", "د"]  # no line after the final newline
    assert line_bounds("") == [(0, 0)]


def test_furniture_numbers_expand_ranges_and_refuse_disorder():
    import pytest

    from scripts.pipeline.locate import furniture_numbers

    assert furniture_numbers("1,3,5-7") == [1, 3, 5, 6, 7]
    for bad in ("3,1", "5-3", "1-4,4"):
        with pytest.raises(ValueError):
            furniture_numbers(bad)


def with_furniture(mini, value):
    """check on the fixture with furniture_lines added before article_path (a line above every quote)."""
    from tests.conftest import MINI, run_cli

    path = mini / "annotations/sources/outlet-a-2025-08-19.yaml"
    text = (MINI / "annotations/sources/outlet-a-2025-08-19.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("  article_path:", f'  furniture_lines: "{value}"\n  article_path:', 1), encoding="utf-8")
    line = 1 + path.read_text(encoding="utf-8").splitlines().index(f'  furniture_lines: "{value}"')
    return run_cli("check", "--root", mini), line


def test_a_claim_quoted_from_page_furniture_is_an_error_at_its_quote(mini):
    (code, out, err), _ = with_furniture(mini, "3")  # line 3 of a.txt holds the convoy mention's quote
    assert code == 1  # the quote's line 24, one lower for the added field
    assert "outlet-a-2025-08-19.yaml:25: the quote lies in line 3, which furniture_lines marks as page furniture" in err


def test_furniture_lines_past_the_end_or_out_of_order_are_errors_at_the_field(mini):
    (code, out, err), line = with_furniture(mini, "4-9")
    assert code == 1 and f"outlet-a-2025-08-19.yaml:{line}: furniture_lines: line 4 is past the end of articles/a.txt (3 lines)" in err
    (code, out, err), line = with_furniture(mini, "3,2")
    assert code == 1 and f"outlet-a-2025-08-19.yaml:{line}: furniture_lines: '2' does not follow" in err
