"""The site as an explorer, in Debian's Chromium: the SQL console, the map, search in Arabic,
and the pages on a phone-sized screen.

The sites are the fixtures of test_site.py (the repository's corpus built in a temporary
copy, and the mini fixture). Every request that leaves the machine is refused and recorded,
and each test asserts that there was none. Screenshots of the console, the map and the
timeline at 390×844 are written to a temporary folder of the test run (the path is in the
assertion message when a test fails).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb
import pytest

from scripts.db.schema import database_path
from tests.browser import test_site as site_tests
from tests.browser.test_site import Built, offline_context, phone_context, search, serve
from tests.conftest import REPO

pytestmark = pytest.mark.browser
# The fixtures of test_site.py, used here too (the built sites are shared by both modules: shared_folder).
browser, mini_site, real_site, built = site_tests.browser, site_tests.mini_site, site_tests.real_site, site_tests.built

RECIPE = "14-ain-al-asad-closure"
STATE = "document.getElementById('sql-console').dataset.state"


def console_state(page, *states: str, timeout: int = 90_000):
    page.wait_for_function(f"() => {list(states)!r}.includes({STATE})", timeout=timeout)
    return page.evaluate(f"() => {STATE}")


# ---------------------------------------------------------------------------- the SQL console

@dataclass
class Console:
    page: object
    external: list[str]
    problems: list[str]

    def run(self, sql: str) -> str:
        """Type sql and run it: "done" or "error" (the run sets the state to "running" first)."""
        self.page.fill("#console-sql", sql)
        self.page.click("#console-run")
        return console_state(self.page, "done", "error")


@pytest.fixture(scope="module")
def real_console(browser, real_site: Built):
    """The console of the repository's site, served, with DuckDB-Wasm loaded once for the tests
    that use it (loading it costs seconds of CPU)."""
    external, problems = [], []
    with serve(real_site.site) as base:
        context = offline_context(browser, external, base)
        page = context.new_page()
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(base + "console.html")
        assert console_state(page, "ready", "failed") == "ready", page.inner_text("#sql-console")
        yield Console(page, external, problems)
        context.close()


def test_console_answers_the_ain_al_asad_recipe_offline(real_console: Console, real_site: Built):
    sql = (REPO / "docs" / "cookbook" / f"{RECIPE}.sql").read_text(encoding="utf-8")
    con = duckdb.connect(str(database_path(real_site.root)), read_only=True)
    try:
        expected = con.execute(sql).fetchall()
    finally:
        con.close()
    assert expected, "the corpus has articles that disagree about when Ain al-Asad closes"
    page = real_console.page
    page.click(f"button[data-recipe='{RECIPE}']")
    assert console_state(page, "done", "error") == "done", page.inner_text("#console-error")
    rows = int(page.evaluate("() => document.getElementById('sql-console').dataset.rows"))
    shown = page.locator("#console-result tbody tr").count()
    first = page.locator("#console-result tbody tr").first.locator("td").all_inner_texts()
    csv = page.get_attribute("#console-csv", "href")
    real_site.screenshots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(real_site.screenshots / "console.png"), full_page=True)
    assert rows == len(expected) and shown == len(expected)
    assert first[:3] == [str(v) for v in expected[0][:3]]
    assert csv and csv.startswith("blob:")
    assert real_console.external == [] and real_console.problems == [], real_site.screenshots


def test_console_shows_an_error_in_place(real_console: Console):
    page = real_console.page
    assert real_console.run("SELECT no_such_column FROM mentions") == "error"
    message = page.inner_text("#console-error")
    visible = page.is_visible("#console-error")
    assert real_console.run("SELECT count(*) AS n FROM timeline") == "done"
    hidden_after = not page.is_visible("#console-error")
    assert visible and "no_such_column" in message
    assert hidden_after
    assert real_console.external == [] and real_console.problems == []


def test_console_says_why_it_cannot_run_from_disk(browser, mini_site: Built):
    external = []
    context = offline_context(browser, external)
    page = context.new_page()
    page.goto((mini_site.site / "console.html").as_uri())
    assert console_state(page, "file", "ready", "failed") == "file"
    status = page.inner_text("#console-status")
    context.close()
    assert "file://" in status and "http.server" in status
    assert external == []


# ---------------------------------------------------------------------------- search

# Material reacts to the result list reaching its end, so the list leaves the end first; each
# scroll is given two frames to be seen.
SCROLL_TO_THE_END_AGAIN = """async () => {
  const list = document.querySelector('.md-search__scrollwrap');
  const frames = () => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  list.scrollTo(0, 0);
  await frames();
  list.scrollTo(0, list.scrollHeight);
  await frames();
}"""


def found(page, base: str, query: str, again: bool = False) -> tuple[str, set[str]]:
    """The result count line and the pages of all results (without the highlight query and anchor)."""
    urls = search(page, base, query, again)
    meta = page.inner_text(".md-search-result__meta")
    count = int(re.match(r"\d+", meta).group(0)) if re.match(r"\d+", meta) else 0
    items = ".md-search-result__list > .md-search-result__item"
    for _ in range(50):  # Material shows ten pages, then four more each time the list is scrolled to its end
        shown = page.locator(items).count()
        if shown >= count:
            break
        page.evaluate(SCROLL_TO_THE_END_AGAIN)
        page.wait_for_function(f"n => document.querySelectorAll({items!r}).length > n", arg=shown, timeout=10_000)
    urls = page.eval_on_selector_all(items + " a", "els => els.map(e => e.href)")
    meta = page.inner_text(".md-search-result__meta")
    pages = {re.split(r"[?#]", url.removeprefix(base))[0] for url in urls}
    assert len(pages) == count, meta  # every page of the result is shown
    return meta, pages


@dataclass
class Searches:
    """Searches typed one after another on one served page of the repository's site: Material
    builds its search index once per page load, which takes a second or two of CPU here."""
    page: object
    base: str
    external: list[str]
    console_errors: list[str]
    loaded: bool = False

    def links(self, query: str) -> list[str]:
        """The result links, best first, as search() gives them."""
        urls = search(self.page, self.base, query, again=self.loaded)
        self.loaded = True
        return urls

    def found(self, query: str) -> tuple[str, set[str]]:
        result = found(self.page, self.base, query, again=self.loaded)
        self.loaded = True
        return result


@pytest.fixture(scope="module")
def real_searches(browser, real_site: Built):
    external, console_errors = [], []
    with serve(real_site.site) as base:
        context = offline_context(browser, external, base)
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and console_errors.append(m.text))
        yield Searches(page, base, external, console_errors)
        context.close()


@pytest.mark.parametrize("spellings", [("عين الاسد", "عين الأسد"), ("أمريكي", "أميركي", "امريكي")])
def test_search_finds_the_same_pages_for_every_spelling(real_searches: Searches, spellings):
    results = [real_searches.found(query) for query in spellings]
    assert results[0][1], f"nothing found for {spellings[0]}"
    differ = {q: (meta, sorted(pages ^ results[0][1])) for q, (meta, pages) in zip(spellings, results)
              if (meta, pages) != results[0]}
    assert differ == {}, results[0][0]
    assert real_searches.external == []


def test_search_works_from_disk(browser, real_site: Built, real_searches: Searches):
    """Opened from file://: Material's offline plugin, the iframe-worker shim served by the site."""
    external, problems = [], []
    context = offline_context(browser, external)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    on_disk = found(page, real_site.site.as_uri() + "/", "عين الاسد")
    context.close()
    assert on_disk[1] and on_disk == real_searches.found("عين الاسد")
    assert external == [] and problems == [] and real_searches.external == []


def test_search_ranks_data_pages_above_the_cookbook(real_searches: Searches):
    base = real_searches.base
    urls = [re.split(r"[?#]", u.removeprefix(base))[0] for u in real_searches.links("عين الأسد")]
    cookbook = [i for i, u in enumerate(urls) if u.startswith("cookbook/")]
    data = [i for i, u in enumerate(urls) if u.startswith(("sources/", "events/", "places", "actors", "figures",
                                                           "timeline", "map"))]
    assert data and urls[0] in [urls[i] for i in data]
    assert any(u.startswith("sources/") for u in urls), urls
    assert not cookbook or max(data) < min(cookbook), urls
    assert real_searches.external == [] and real_searches.console_errors == []


# ---------------------------------------------------------------------------- the map

def test_map_draws_a_marker_per_place_with_coordinates(browser, built: Built):
    located = {p["place_id"]: p for p in built.rows("places") if p["latitude"] is not None and p["longitude"] is not None}
    assert located
    external = []
    context = offline_context(browser, external)
    page = context.new_page()
    page.goto((built.site / "map.html").as_uri())
    markers = page.eval_on_selector_all(
        "svg.places-map a.place-marker", """els => els.map(e => {
            const c = e.querySelector('circle').getBoundingClientRect();
            return [e.dataset.place, e.dataset.precision, c.width, e.getAttribute('href')]; })""")
    countries = page.locator("svg#map-region path.country").count()
    built.screenshots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(built.screenshots / "map.png"), full_page=True)
    context.close()
    assert sorted(m[0] for m in markers) == sorted(located)
    assert all(width > 0 for _, _, width, _ in markers)
    assert all(href.startswith("places.html#place-") for *_, href in markers)
    assert {m[1] for m in markers} == {p["geo_precision"] for p in located.values()}
    assert countries >= 5  # Iraq and its neighbours
    assert external == []


# ---------------------------------------------------------------------------- a phone-sized screen

# Text nodes shown in the page content with their size on screen in CSS pixels (inside an SVG,
# the font size scaled by how much the SVG is shrunk to fit).
TEXT_SIZES_JS = r"""() => {
  const out = [];
  const root = document.querySelector('.md-content') || document.body;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.data.trim() || el.closest('script,style,title') || !el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    let size = parseFloat(style.fontSize);
    const svg = el.closest('svg');
    if (svg && svg.viewBox.baseVal && svg.viewBox.baseVal.width) {
      size *= svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    }
    out.push([n.data.trim().slice(0, 40), Math.round(size * 10) / 10]);
  }
  return out;
}"""
def test_timeline_text_is_readable_on_a_phone(browser, real_site: Built):
    external = []
    context = phone_context(browser, external)
    page = context.new_page()
    page.goto((real_site.site / "timeline.html").as_uri())
    sizes = page.evaluate(TEXT_SIZES_JS)
    listed = page.locator(".timeline-list li").count()
    chart_shown = page.locator("svg.timeline-chart").is_visible()
    real_site.screenshots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(real_site.screenshots / "timeline-390.png"))  # the first screen of a phone
    page.screenshot(path=str(real_site.screenshots / "timeline-390-full.png"), full_page=True)
    context.close()
    dated = [e for e in real_site.rows("events") if e["date_start"]]
    assert sizes and listed == len(dated) and not chart_shown
    assert [s for s in sizes if s[1] < 10] == [], real_site.screenshots
    assert external == []
