"""The documentation site in a real browser: Debian's Chromium, headless, driven by Playwright.

Run on a site built from a copy of tests/fixtures/mini and on the repository's own corpus
(built in a temporary copy, so datapackage.json in the repository is never touched). Pages
are opened from disk (file://): every page, except that of the pages made one per source,
event or cookbook recipe only the index and two are, and that the fixture's site leaves out
what the repository's shows the same way (visited_pages); links and where Arabic sits are read
from every page without a browser. Search needs a web server, so it is tested over http on
127.0.0.1. Any request that is not file:// or that local server fails the tests.

Screenshots of the home page and a source page are written to a temporary folder of the test
run (the path is printed when a test fails); nothing is written into the repository or into the
built sites, which other tests share.
"""
from __future__ import annotations

import functools
import http.server
import shutil
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.conftest import HOSTILE_EN, REPO, hostile_built, mini_built_with, shared_folder
from tests.site_html import broken_links, claims_by_source, html_pages, read_page, read_pages

pytestmark = pytest.mark.browser

# Every http(s) request off the machine goes to a proxy that is not there and fails: Chromium
# sends requests for loopback addresses direct, so the test's own server on 127.0.0.1 still
# answers. (Refusing each request from Python, with Playwright's routing, made every page visit
# wait for a round trip to this process: the crawl took about a tenth longer.)
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--proxy-server=127.0.0.1:9"]
ARABIC_QUERY = "عين الأسد"
VIEWPORT = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

# What a page needs a browser to tell, in one round trip: the direction Arabic blocks are
# shown in, and how far the page scrolls sideways.
PAGE_FACTS_JS = r"""() => {
  const arabic = [...document.querySelectorAll('[lang="ar"]')];
  return {
    ltr_arabic: arabic.filter(e => getComputedStyle(e).direction !== 'rtl').map(e => e.outerHTML.slice(0, 100)),
    arabic_blocks: arabic.length,
    sideways: document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth,
  };
}"""
# Folders of pages made from one template, each filled with other data: a page per row of a
# table (a source, an event; as many as the corpus has rows) and a page per cookbook recipe (its
# SQL and result table).
TEMPLATE_FOLDERS = ("sources", "events", "cookbook")


# ---------------------------------------------------------------------------- browser and sites

@pytest.fixture(scope="module")
def browser():
    executable = shutil.which("chromium")
    if not executable:
        pytest.fail("Debian's Chromium is missing: run `apt-get install chromium` (as .ci/run does)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright is missing: run `make test` (it installs requirements-test.txt)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@dataclass
class Built:
    name: str
    root: Path
    screenshots: Path

    @property
    def site(self) -> Path:
        return self.root / "build" / "site"

    def rows(self, table: str) -> list[dict]:
        return pq.read_table(self.root / "build" / "data" / f"{table}.parquet").to_pylist()


@pytest.fixture(scope="module")
def mini_site(tmp_path_factory) -> Built:
    """The fixture corpus, built as the integration tests build it (shared with them)."""
    return Built("mini", mini_built_with("build", "db", "docs"), tmp_path_factory.mktemp("screenshots-mini"))


@pytest.fixture(scope="module")
def real_site(tmp_path_factory, real) -> Built:
    """The repository's corpus built in a copy (conftest's `real`, with CITATION.cff for the
    citation page, the database and the site), once per test run for this module and
    test_explorer.py, whichever pytest-xdist worker runs them (the tests only read it)."""
    from scripts.db.build import build_db
    from scripts.site.build import build_docs

    def make(root):
        shutil.copytree(real, root, symlinks=True)
        shutil.copy(REPO / "CITATION.cff", root / "CITATION.cff")
        build_db(root)
        build_docs(root)

    return Built("repository", shared_folder(tmp_path_factory, "site-repo", make), tmp_path_factory.mktemp("screenshots"))


@pytest.fixture(scope="module", params=["mini", "real"])
def built(request) -> Built:
    return request.getfixturevalue(f"{request.param}_site")


def is_local(url: str, server: str | None = None) -> bool:
    return url.startswith(("file://", "data:", "blob:", "about:")) or bool(server and url.startswith(server))


def offline_context(browser, external: list[str], server: str | None = None, **options):
    """A browser context in which every request off the machine is recorded in external (and
    fails: CHROMIUM_ARGS; options: Playwright's new_context options, the desktop viewport by default)."""
    context = browser.new_context(**{"viewport": VIEWPORT, **options})
    context.on("request", lambda request: is_local(request.url, server) or external.append(request.url))
    return context


@contextmanager
def serve(folder: Path):
    """The folder over http on 127.0.0.1, on a free port, for the duration of the block."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_a_request_off_the_machine_is_recorded_and_fails(browser, tmp_path):
    """The guard every browser test relies on: a page that asks for files elsewhere gets none."""
    elsewhere = ["https://example.org/script.js", "http://192.0.2.1/picture.png"]
    (tmp_path / "page.html").write_text(
        f'<script src="{elsewhere[0]}"></script><img src="{elsewhere[1]}">', encoding="utf-8")
    external, failed = [], []
    context = offline_context(browser, external)
    page = context.new_page()
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto((tmp_path / "page.html").as_uri(), wait_until="load")
    context.close()
    assert sorted(external) == sorted(elsewhere)
    assert sorted(failed) == sorted(elsewhere)


# ---------------------------------------------------------------------------- the pages, each once

def phone_context(browser, external: list[str]):
    """offline_context at a phone's size, 390×844, with touch."""
    return offline_context(browser, external, viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True)


def visited_pages(site: Path, repository: bool = True) -> list[Path]:
    """The pages the browser opens: every page but those in TEMPLATE_FOLDERS, and of each of
    those folders its index and the two pages most likely to break the layout (the largest, and
    the one with the longest run of text without a space). A visit costs Chromium about 0.25 s
    of CPU here and the per-record pages grow with the corpus; links, ids and where Arabic
    sits are read from every page without a browser (tests/site_html.py).

    On the fixture's site (repository=False) it opens what the fixture's data changes: the pages
    written by hand in docs/ (the same text on both sites, but for the navigation) are opened
    on the repository's site only."""
    by_hand = set() if repository else {f"{p.stem}.html" for p in (REPO / "docs").glob("*.md")}
    # 404.html links from the server root (/): it is opened over http instead (the search test)
    chosen = [p for p in html_pages(site, with_404=False)
              if (p.parent.relative_to(site).as_posix() not in TEMPLATE_FOLDERS or p.name == "index.html")
              and not (p.parent == site and p.name in by_hand)]
    for folder in TEMPLATE_FOLDERS:
        pages = [p for p in sorted((site / folder).glob("*.html")) if p.name != "index.html"]
        if pages:
            chosen.append(max(pages, key=lambda p: p.stat().st_size))
            chosen.append(max(pages, key=lambda p: read_page(p).longest_word))
    return sorted(set(chosen))


@dataclass
class Visit:
    problems: list[str] = field(default_factory=list)   # console errors, page errors, failed requests
    ltr_arabic: list[str] = field(default_factory=list)
    arabic_blocks: int = 0
    sideways: int = 0  # CSS pixels the page scrolls sideways


@dataclass
class Crawl:
    visits: dict[Path, Visit]
    external: list[str]


@pytest.fixture(scope="module")
def crawl(browser, built) -> Crawl:
    """visited_pages opened once each, on a phone-sized screen: errors and the direction of
    Arabic text do not depend on the screen's width, and sideways scrolling shows on a narrow one."""
    external: list[str] = []
    context = phone_context(browser, external)
    page = context.new_page()
    current: list[Visit] = []
    page.on("console", lambda m: m.type == "error" and current[-1].problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: current[-1].problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: current[-1].problems.append(f"failed request: {r.url} ({r.failure})"))
    visits = {}
    for path in visited_pages(built.site, repository=built.name == "repository"):
        visit = Visit()
        current.append(visit)
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_timeout(30)  # an error thrown just after load still counts
        facts = page.evaluate(PAGE_FACTS_JS)
        visit.ltr_arabic, visit.arabic_blocks, visit.sideways = facts["ltr_arabic"], facts["arabic_blocks"], facts["sideways"]
        visits[path] = visit
    context.close()
    return Crawl(visits, external)


def test_pages_of_every_kind_open_without_errors(built, crawl):
    visited = {p.relative_to(built.site).as_posix() for p in crawl.visits}
    assert len(visited) >= 10
    for folder in TEMPLATE_FOLDERS:  # the index and at least one page of each template
        assert f"{folder}/index.html" in visited and any(v.startswith(f"{folder}/") and not v.endswith("index.html")
                                                         for v in visited), folder
    problems = {p.relative_to(built.site).as_posix(): v.problems for p, v in crawl.visits.items() if v.problems}
    assert problems == {}


def test_no_request_leaves_the_machine(crawl):
    assert crawl.external == []


@pytest.fixture(scope="module")
def real_pages(real_site):
    """Every page of the repository's site, read once without a browser for the checks below
    (the fixture's site: test_docs_build.py)."""
    return read_pages(real_site.site)


def test_no_broken_internal_link_on_the_repository_site(real_site, real_pages):
    assert broken_links(real_site.site, real_pages) == []


def test_no_page_scrolls_sideways_on_a_phone(built, crawl):
    assert {p.relative_to(built.site).as_posix(): v.sideways for p, v in crawl.visits.items() if v.sideways > 0} == {}


def test_every_arabic_block_is_right_to_left(crawl):
    assert sum(v.arabic_blocks for v in crawl.visits.values()) > 0
    assert {p.name: v.ltr_arabic for p, v in crawl.visits.items() if v.ltr_arabic} == {}


def test_no_arabic_outside_a_right_to_left_block_on_the_repository_site(real_site, real_pages):
    stray = {p.relative_to(real_site.site).as_posix(): page.stray_arabic for p, page in real_pages.items()
             if page.stray_arabic}
    assert stray == {}


# ---------------------------------------------------------------------------- particular pages

def test_source_pages_highlight_every_mention_and_figure(browser, built):
    """In the browser, on the source pages the crawl samples (every source page is read without
    a browser: the next test, and test_docs_build.py for the fixture)."""
    claims = claims_by_source(built.root)
    sampled = [p for p in visited_pages(built.site) if p.parent.name == "sources" and p.name != "index.html"]
    assert sampled
    context = offline_context(browser, [])
    page = context.new_page()
    for path in sampled:
        page.goto(path.as_uri())
        shown = page.eval_on_selector_all(
            "mark[data-ann^='mention:'], mark[data-ann^='figure:']", "els => [...new Set(els.map(e => e.dataset.ann))]")
        assert set(shown) == claims[path.stem], path.stem
        box = page.locator("mark.ann").first.bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0
    context.close()


def test_every_source_page_marks_each_of_its_claims_on_the_repository_site(real_site, real_pages):
    claims = claims_by_source(real_site.root)
    marked = {sid: {a for a in real_pages[real_site.site / "sources" / f"{sid}.html"].anns if not a.startswith("citation:")}
              for sid in claims}
    assert marked == claims


def test_timeline_svg_renders(browser, built):
    context = offline_context(browser, [])
    page = context.new_page()
    page.goto((built.site / "timeline.html").as_uri())
    box = page.locator("svg.timeline-chart").bounding_box()
    assert box and box["width"] > 300 and box["height"] > 100
    dated = [e for e in built.rows("events") if e["date_start"]]
    assert page.locator("svg.timeline-chart a.row").count() == len(dated)
    marks = page.locator("svg.timeline-chart a.row path, svg.timeline-chart a.row rect:not(.hit)")
    assert marks.count() == len(dated)
    assert all(marks.nth(i).bounding_box()["width"] > 0 for i in range(marks.count()))
    context.close()


def search(page, base: str, query: str, again: bool = False) -> list[str]:
    """The result links for query, typed into the search box of the home page. again: search on
    the page the last search left open, so that the index is built once for several queries."""
    meta = "document.querySelector('.md-search-result__meta').innerText"
    if again:
        page.fill("input.md-search__input", "")
        page.keyboard.press("End")  # Material reacts on key up: the empty box shows its prompt again
    else:
        page.goto(base + "index.html")
        page.click("input.md-search__input")
    page.wait_for_function(f"() => /Type to start/.test({meta})", timeout=10_000)
    page.keyboard.type(query)
    page.keyboard.press("End")  # a key event after typing: Material searches on key up
    page.wait_for_function(f"() => !/Type to start|Initializing/.test({meta})", timeout=10_000)
    return page.eval_on_selector_all(".md-search-result__item a", "els => els.map(e => e.href)")


def test_search_finds_an_arabic_word(browser, mini_site):
    """On the fixture's site (the repository's: the searches of test_explorer.py)."""
    external, problems = [], []
    with serve(mini_site.site) as base:
        context = offline_context(browser, external, base)
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and problems.append(m.text))
        results = search(page, base, ARABIC_QUERY)
        page.goto(base + "404.html")  # the not-found page, served as a server would
        context.close()
    assert results, f"no search result for {ARABIC_QUERY}"
    assert any("/sources/" in url for url in results)
    assert problems == [] and external == []


def test_screenshots_of_home_and_a_source_page(browser, built):
    built.screenshots.mkdir(parents=True, exist_ok=True)
    source = min(built.rows("sources"), key=lambda s: (s["published_earliest"], s["source_id"]))["source_id"]
    context = offline_context(browser, [])
    page = context.new_page()
    shots = {"home.png": built.site / "index.html", f"source-{source}.png": built.site / "sources" / f"{source}.html"}
    for name, path in shots.items():
        page.goto(path.as_uri())
        page.screenshot(path=str(built.screenshots / name), full_page=True)
        assert (built.screenshots / name).stat().st_size > 10_000
    context.close()


# ---------------------------------------------------------------------------- hostile input

@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Built:
    """The fixture with a translation that would run script if it reached the page as HTML
    (conftest's hostile_built, shared with test_docs_build.py)."""
    return Built("hostile", hostile_built(), tmp_path_factory.mktemp("screenshots-hostile"))


def test_hostile_translation_shows_as_text_and_runs_nothing(browser, hostile_site):
    dialogs = []
    with serve(hostile_site.site) as base:
        context = offline_context(browser, [], base)
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for rel in ("sources/outlet-a-2025-08-19.html", "events/ain-al-asad-closure-plan.html"):
            page.goto(base + rel)
            page.hover("mark[data-ann='mention:outlet-a-2025-08-19-m01']") if "sources/" in rel else None
            page.wait_for_timeout(200)
            assert HOSTILE_EN in page.inner_text("article"), rel
            assert page.locator("article img").count() == 0, rel
        results = search(page, base, "onerror")
        page.wait_for_timeout(200)
        context.close()
    assert results, "the hostile text should be found as text"
    assert dialogs == []
