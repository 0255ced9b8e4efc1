"""The site generator's pure parts: templates, escaping, article highlights, dates and figure
wording, without building a site (tests/integration/test_docs_build.py builds one)."""
from __future__ import annotations

import xml.dom.minidom

import pytest

from scripts.site.article import Span, article_html
from scripts.site.hooks import wrap_arabic
from scripts.site.html import human_date, md_text
from tests.conftest import REPO


def test_markdown_syntax_in_headings_is_literal():
    assert md_text("a_b *c* [d](e) <x> & #") == r"a\_b \*c\* \[d\]\(e\) &lt;x&gt; &amp; \#"


def test_every_template_parses_and_is_used():
    from jinja2 import StrictUndefined, UndefinedError

    from scripts.site.html import ENV, TEMPLATES, render_template

    names = ENV.list_templates()
    assert sorted(names) == sorted(p.name for p in TEMPLATES.iterdir() if p.is_file())
    assert {"home.md", "macros.html", "timeline.svg"} <= set(names)
    code = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "scripts" / "site").glob("*.py"))
    for name in names:
        ENV.get_template(name)  # raises on a syntax error
        others = "\n".join((TEMPLATES / other).read_text(encoding="utf-8") for other in names if other != name)
        assert f'"{name}"' in code or f'"{name}"' in others, f"{name} is never rendered nor imported"
        assert ENV.autoescape is True or ENV.autoescape(name), name
    assert ENV.undefined is StrictUndefined and "safe" not in ENV.filters
    with pytest.raises(UndefinedError):
        render_template("timeline.md")  # a missing value is an error, not an empty string


def test_crossing_and_nested_quotes_give_well_nested_html():
    text = "abcdefghij\nklmno\n\npq<r>&"
    quotes = [Span(0, 7, "mention", "m1", "M1", "<b>"), Span(3, 13, "figure", "f1", "F1"),
              Span(3, 5, "citation", "c1", "C1"), Span(19, 23, "mention", "m2", "M2")]
    out = article_html(text, quotes)
    dom = xml.dom.minidom.parseString(out)  # raises on broken nesting
    marks = dom.getElementsByTagName("mark")
    for q in quotes:  # one id per quote, however many fragments
        fragments = [m for m in marks if m.getAttribute("data-ann") == f"{q.kind}:{q.ident}"]
        assert [m.getAttribute("id") for m in fragments if m.getAttribute("id")] == [f"q-{q.ident}"]
    assert len([m for m in marks if m.getAttribute("data-ann") == "figure:f1"]) == 3  # split at m1's end and the line
    lines = [s for s in dom.getElementsByTagName("span") if "line" in s.getAttribute("class").split()]
    assert [s.getAttribute("data-line") for s in lines] == ["1", "2", "3", "4"]
    assert out.count('href="#ann-') == 4 and "q&lt;r&gt;</mark>" in out and "<r>" not in out


def test_furniture_lines_are_set_apart_and_keep_their_text():
    text = "TOP\nخبر\n\nشارك"
    out = article_html(text, [Span(4, 7, "mention", "m1", "M1")], "1,3-4")
    dom = xml.dom.minidom.parseString(out)
    lines = {s.getAttribute("data-line"): s for s in dom.getElementsByTagName("span") if "line" in s.getAttribute("class").split()}
    furniture = sorted(n for n, s in lines.items() if "furniture" in s.getAttribute("class").split())
    assert furniture == ["1", "3", "4"] and lines["1"].getAttribute("title").startswith("Page furniture")
    assert [lines[n].firstChild.data for n in ("1", "4")] == ["TOP", "شارك"]  # the text as it is, only set apart
    assert "furniture" not in article_html(text, [])  # no furniture_lines: no line is marked


def test_arabic_in_hand_written_html_is_wrapped():
    html = '<p>as \'منتصف ايلول\' then <span lang="ar" dir="rtl">عين</span> <script>"عين"</script></p>'
    assert wrap_arabic(html) == ('<p>as \'<span dir="rtl" lang="ar">منتصف ايلول</span>\' then '
                                 '<span lang="ar" dir="rtl">عين</span> <script>"عين"</script></p>')


@pytest.mark.parametrize("edtf, shown", [("2025-09-15", "15 September 2025"), ("2025-09", "September 2025"),
                                         ("2026-01-17/2026-01-19", "17–19 January 2026"),
                                         ("2025-12-17/2026-01-15", "17 December 2025 – 15 January 2026"),
                                         ("2014/2017", "2014 – 2017"), ("2025~", "2025~"),
                                         ("[2025-08-23,2025-08-30]", "23 or 30 August 2025"),
                                         ("{2025-08-23,2025-09-01}", "23 August 2025 and 1 September 2025"),
                                         ("[2025-12-17..2025-12-18,2026-01-14..2026-01-15]",
                                          "one of 2 candidate periods, 17 December 2025 – 15 January 2026"),
                                         ("[2025-01-01,2025-01-08,2025-01-15,2025-01-22]",
                                          "one of 4 candidate days, 1–22 January 2025"),
                                         ("[2025-13-01]", "[2025-13-01]")])
def test_human_dates(edtf, shown):
    assert human_date(edtf) == shown


def test_a_bound_only_figure_reads_as_its_bound():
    from scripts.site.records import figure_text

    assert figure_text({"qualifier": "less_than", "value_high": 499.0, "unit": "person"}) == "at most 499 person"
    assert figure_text({"qualifier": "less_than", "value": 500.0, "unit": "person"}) == "fewer than 500 person"
    assert figure_text({"qualifier": "range", "value_low": 250.0, "value_high": 350.0, "unit": "person"}) == "250–350 person"
