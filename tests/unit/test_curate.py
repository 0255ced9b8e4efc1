"""The curators' commands: locate, ids, preview (scripts/curate/)."""
from __future__ import annotations

import pytest

from tests.conftest import run_cli, snapshot


def test_locate_lists_every_occurrence_with_its_number_and_context(mini):
    (mini / "articles/a.txt").write_text("العراق والعراقية في العراق.\n", encoding="utf-8")
    code, out, err = run_cli("locate", "--root", mini, "articles/a.txt", "العراق")
    assert code == 0, err
    assert out.startswith("3 occurrences in articles/a.txt; say which with `occurrence: N`")
    assert "occurrence 1: chars 0-6, line 1" in out and "occurrence 3: chars 20-26, line 1" in out
    lines = out.splitlines()
    marked = [line for line in lines if "inside a longer word" in line]
    assert marked == ["  occurrence 2: chars 8-14, line 1  (inside a longer word)"]  # و + العراق + ية


def test_locate_a_unique_quote_needs_no_occurrence(mini):
    code, out, _ = run_cli("locate", "--root", mini, "articles/a.txt", "انطلق رتل أمريكي أمس")
    assert code == 0 and "1 occurrence in articles/a.txt" in out and "no `occurrence` needed" in out
    assert "[انطلق رتل أمريكي أمس]" in out


def test_locate_explains_a_miss_with_the_closest_passage(mini):
    code, out, err = run_cli("locate", "--root", mini, "articles/a.txt", "انطلق رتل امریکی أمس")  # Persian yeh, no hamza
    assert code == 1 and out == ""
    assert "near match is at chars" in err and "U+06CC" in err and "«انطلق رتل أمريكي أمس»" in err


def test_locate_names_a_missing_article(mini):
    code, out, err = run_cli("locate", "--root", mini, "articles/nope.txt", "x")
    assert code == 1 and "articles/nope.txt:1: no such file" in err


def test_ids_finds_by_id_english_and_arabic_without_hamza(mini):
    code, out, _ = run_cli("ids", "--root", mini, "عين الاسد")
    assert code == 0 and "place ain-al-asad-air-base  (annotations/places.yaml:9)" in out
    assert run_cli("ids", "--root", mini, "ain-al-asad-air-base")[1].splitlines()[1].startswith("  place ain-al-asad-air-base")
    code, out, _ = run_cli("ids", "--root", mini, "Iraq")
    assert code == 0 and "place iraq " in out
    code, out, _ = run_cli("ids", "--root", mini, "no such thing anywhere")
    assert code == 1 and out.startswith("0 matches")


def test_ids_warns_when_two_entries_share_an_arabic_name(mini):
    places = mini / "annotations/places.yaml"
    places.write_text(places.read_text(encoding="utf-8") + "\n  - place_id: ain-al-asad-2\n    name_en: Ain al-Asad again\n"
                      "    name_ar: قاعده عين الاسد\n    kind: site\n", encoding="utf-8")
    code, out, _ = run_cli("ids", "--root", mini, "عين الأسد")
    assert code == 0 and "warning: these share an Arabic name once normalised" in out
    assert "ain-al-asad-air-base (annotations/places.yaml:9)" in out and "ain-al-asad-2" in out


def test_preview_writes_one_page_with_every_claim_and_publishes_nothing(mini):
    assert run_cli("build", "--root", mini)[0] == 0
    before = snapshot(mini)
    code, out, err = run_cli("preview", "--root", mini, "outlet-a-2025-08-19")
    assert code == 0, err
    page = mini / "build/preview/outlet-a-2025-08-19.html"
    html = page.read_text(encoding="utf-8")
    assert f"wrote {page}" in out and (mini / "build/preview/extra.css").is_file()
    for claim in ("mention:outlet-a-2025-08-19-m01", "mention:outlet-a-2025-08-19-m02", "figure:outlet-a-2025-08-19-f01"):
        assert f'data-ann="{claim}"' in html or f"data-ann='{claim}'" in html or claim in html, claim
    assert 'dir="rtl" lang="ar"' in html and "the last soldier will leave Ain al-Asad base" in html
    assert "outlet-b-2026-01-19-m01" not in html
    assert {k: v for k, v in snapshot(mini).items() if not k.startswith("build/preview/")} == before


def test_preview_of_an_unknown_source_suggests_one(mini):
    code, out, err = run_cli("preview", "--root", mini, "outlet-a-2025-08-1")
    assert code == 2 and "did you mean 'outlet-a-2025-08-19'?" in err


def test_preview_stops_on_the_problems_check_finds(mini):
    events = mini / "annotations/events.yaml"
    events.write_text(events.read_text(encoding="utf-8").replace("status: occurred", "status: happened", 1), encoding="utf-8")
    code, out, err = run_cli("preview", "--root", mini, "outlet-a-2025-08-19")
    assert code == 1 and "events.status 'happened'" in err and not (mini / "build/preview").exists()


@pytest.mark.browser
def test_preview_png_is_a_screenshot(mini):
    code, out, err = run_cli("preview", "--root", mini, "outlet-a-2025-08-19", "--png")
    assert code == 0, err
    png = (mini / "build/preview/outlet-a-2025-08-19.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
