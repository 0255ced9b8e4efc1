"""The docs arrow run on the small fixture corpus (tests/fixtures/mini): generated pages,
dictionary, downloads, escaping, highlights, atomic and deterministic builds. Each build runs
mkdocs (seconds), so these are integration tests; the site's pure parts (templates, article
highlights, dates) are in tests/unit/test_docs.py, and the pages in a browser in tests/browser."""
from __future__ import annotations

import hashlib
import json
import re
import xml.dom.minidom
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from scripts.errors import DataError
from tests.conftest import REPO, built_copy, hostile_built, run_cli
from tests.site_html import Page, broken_links, claims_by_source, html_pages, read_page, read_pages


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """One built copy of the fixture (data, database, site) shared by the read-only tests."""
    return built_copy(tmp_path_factory.mktemp("docs") / "mini", "build", "db", "docs")


def rows(root: Path, table: str) -> list[dict]:
    return pq.read_table(root / "build" / "data" / f"{table}.parquet").to_pylist()


def test_one_page_per_source_and_per_event(site):
    src, out = site / "build" / "docs-src", site / "build" / "site"
    sources = sorted(r["source_id"] for r in rows(site, "sources"))
    events = sorted(r["event_id"] for r in rows(site, "events"))
    assert sorted(p.stem for p in (src / "sources").glob("*.md") if p.stem != "index") == sources
    assert sorted(p.stem for p in (src / "events").glob("*.md") if p.stem != "index") == events
    for source_id in sources:
        assert (out / "sources" / f"{source_id}.html").is_file()
    for event in rows(site, "events"):
        page = (out / "events" / f"{event['event_id']}.html").read_text(encoding="utf-8")
        assert event["status"].replace("_", " ").capitalize() in page and event["summary_ar"] in page


def test_event_page_flags_the_conflicting_mentions(site):
    page = read_page(site / "build" / "site" / "events" / "ain-al-asad-closure-plan.html")
    text = (site / "build" / "site" / "events" / "ain-al-asad-closure-plan.html").read_text(encoding="utf-8")
    assert "Conflicting dates" in text
    assert {"m-outlet-a-2025-08-19-m01", "m-outlet-b-2026-01-19-m02"} <= page.ids
    assert "123 days late" in text  # plan 2025-09-15, outcome 2026-01-16


def test_dictionary_lists_every_column_of_every_schema(site):
    page = read_page(site / "build" / "site" / "dictionary.html")
    schemas = [p for p in sorted((REPO / "schemas").glob("*.schema.json")) if p.name != "annotation.schema.json"]
    assert schemas
    for path in schemas:
        schema = json.loads(path.read_text(encoding="utf-8"))
        assert schema["name"] in page.ids, f"no section for {schema['name']}"
        for field in schema["fields"]:
            assert f"{schema['name']}-{field['name']}" in page.ids, f"{schema['name']}.{field['name']} is missing"


def test_dictionary_shows_vocabulary_definitions_and_row_counts(site):
    text = (site / "build" / "site" / "dictionary.html").read_text(encoding="utf-8")
    status = next(f for f in json.loads((REPO / "schemas" / "events.schema.json").read_text())["fields"]
                  if f["name"] == "status")
    for category in status["categories"]:
        assert category["x-label-ar"]  # every code has its Arabic label beside the English one
        assert (f"<code>{category['value']}</code> – {category['label']} · "
                f'<span dir="rtl" lang="ar">{category["x-label-ar"]}</span>') in text
    assert re.search(r"<dt>Rows</dt><dd>3</dd>", text)  # three events in the fixture


def test_downloads_list_matches_datapackage(site):
    out = site / "build" / "site"
    package = json.loads((site / "datapackage.json").read_text(encoding="utf-8"))
    text = (out / "downloads.html").read_text(encoding="utf-8")
    listed = re.findall(r'<a href="data/([^"]+)"><code>[^<]+</code></a></td><td>(\w+)</td><td>[\d,]*</td>'
                        r'<td>([\d,]+)</td><td><code class="hash">([0-9a-f]{64})</code>', text)
    expected = [(Path(r["path"]).name, r["format"], f"{r.get('bytes', r.get('x-bytes')):,}", r["hash"][7:])
                for r in package["resources"]]
    assert [row for row in listed if row[1] != "duckdb"] == expected
    for name, _, _, digest in expected:  # the linked copies are the very files
        assert hashlib.sha256((out / "data" / name).read_bytes()).hexdigest() == digest


def test_site_copy_of_the_data_verifies_against_its_manifest(site):
    from scripts.publish.verify import verify

    out = site / "build" / "site"
    checked, _ = verify(out / "datapackage.json")
    assert sorted(checked) == sorted(f"data/{Path(r['path']).name}" for r in
                                     json.loads((site / "datapackage.json").read_text(encoding="utf-8"))["resources"])


def test_source_page_highlights_every_mention_and_figure_once(site):
    for sid, claims in claims_by_source(site).items():
        page = read_page(site / "build" / "site" / "sources" / f"{sid}.html")
        assert {a for a in page.anns if not a.startswith("citation:")} == claims
        for claim in claims:
            ident = claim.split(":", 1)[1]
            assert f"q-{ident}" in page.ids and f"ann-{ident}" in page.ids


def test_arabic_sits_in_rtl_elements_on_every_page(site):
    for path, page in read_pages(site / "build" / "site").items():
        assert page.stray_arabic == [], f"{path.name}: Arabic outside dir=rtl lang=ar: {page.stray_arabic[:3]}"


def test_internal_links_resolve(site):
    assert broken_links(site / "build" / "site") == []


def test_the_link_check_finds_a_missing_page_and_a_missing_id(tmp_path):
    (tmp_path / "c.html").write_text('<p id="x">c</p>', encoding="utf-8")
    (tmp_path / "a.html").write_text('<a href="b.html">b</a><a href="c.html#x">c</a><a href="c.html#y">y</a>'
                                     '<a href="#top">top</a><a href="https://example.org/">out</a><h1 id="top">a</h1>',
                                     encoding="utf-8")
    assert broken_links(tmp_path) == ["a.html -> b.html", "a.html -> c.html#y (no such id)"]


def test_the_page_reader_finds_arabic_outside_a_right_to_left_block():
    page = Page('<div class="md-content__inner"><p>عين الأسد</p><p lang="ar" dir="rtl">قاعدة</p>'
                '<p lang="ar">بغداد</p><script>"أربيل"</script><p>a-very-long-word short</p></div><p>خارج</p>')
    assert page.stray_arabic == ["عين الأسد", "بغداد"]  # lang without dir is not enough; outside the content is not read
    assert page.longest_word == len("a-very-long-word")


def test_timeline_chart_is_a_static_svg_with_every_dated_event(site):
    out = site / "build" / "site"
    svg = (out / "timeline.svg").read_text(encoding="utf-8")
    xml.dom.minidom.parseString(svg)  # well-formed on its own
    dated = [e for e in rows(site, "events") if e["date_start"]]
    assert len(re.findall(r'<a href="[^"]+" class="row" data-event="', svg)) == len(dated)
    assert 'class="plan-link"' in svg  # the plan is linked to its outcome
    assert svg in (out / "timeline.html").read_text(encoding="utf-8")


def test_home_page_gives_numbers_version_and_story(site):
    text = (site / "build" / "site" / "index.html").read_text(encoding="utf-8")
    for n, what in ((2, "sources"), (3, "events"), (4, "mentions"), (2, "figures")):
        assert f'<span class="n">{n}</span><span class="what">{what}</span>' in text
    assert "Version <strong>2026.11.23</strong>, released 23 November 2026" in text
    story = re.search(r'<ol class="story-lines">(.*?)</ol>', text, re.S).group(1)
    assert 'href="sources/outlet-a-2025-08-19.html#ann-outlet-a-2025-08-19-m01"' in story  # the plan, from its quote
    assert 'href="sources/outlet-b-2026-01-19.html#ann-outlet-b-2026-01-19-m01"' in story  # its outcome


def test_cookbook_results_and_views_are_on_the_site(site):
    out = site / "build" / "site"
    recipes = sorted(p.stem for p in (site / "build" / "cookbook").glob("*.json"))
    assert recipes and sorted(p.stem for p in (out / "cookbook").glob("*.html") if p.stem != "index") == recipes
    query = (out / "query.html").read_text(encoding="utf-8")
    for view in sorted(p.stem for p in (REPO / "scripts" / "sql").glob("*.sql")):
        assert f'id="view-{view}"' in query


def test_hostile_annotation_strings_are_shown_as_text():
    mini = hostile_built()
    site_dir = mini / "build" / "site"
    src = mini / "build" / "docs-src"
    handwritten = {p.name for p in (REPO / "docs").glob("*.md")}  # copied as they are; they may quote the example
    generated = [p for p in src.rglob("*.md") if p.relative_to(src).as_posix() not in handwritten]
    generated += list(src.rglob("*.blocks.json")) + html_pages(site_dir) + [site_dir / "timeline.svg"]
    seen = 0
    for page in generated:
        content = page.read_text(encoding="utf-8")
        assert "<img src=x" not in content and "<script>alert" not in content, page
        seen += "&lt;img src=x onerror=alert(1)&gt;" in content
    assert seen >= 4  # source and event pages, and their blocks in docs-src
    source = (site_dir / "sources" / "outlet-a-2025-08-19.html").read_text(encoding="utf-8")
    assert 'title="&lt;img src=x onerror=alert(1)&gt;"' in source  # the highlight's tooltip too


HOSTILE_TEXT = "<script>alert(1)</script> \"q\" 'a' & عين الأسد"


ESCAPED_TEXT = ("&lt;script&gt;alert(1)&lt;/script&gt; &quot;q&quot; &#x27;a&#x27; &amp; "
                '<span dir="rtl" lang="ar">عين الأسد</span>')


ESCAPED_ATTRIBUTE = "&lt;script&gt;alert(1)&lt;/script&gt; &quot;q&quot; &#x27;a&#x27; &amp; عين الأسد"


ESCAPED_HEADING = ("&lt;script&gt;alert\\(1\\)&lt;/script&gt; &quot;q&quot; &#x27;a&#x27; &amp; "
                   '<span dir="rtl" lang="ar">عين الأسد</span>')


def test_rendered_pages_escape_every_annotation_string(site):
    """Render in-process with hostile text in many annotation fields: only escaped forms come out."""
    from scripts.site.model import load_site
    from scripts.site.pages import render

    loaded = load_site(site)
    fields = {"events": ("summary_en", "note"), "mentions": ("quote_en", "note"), "figures": ("quote_en",),
              "sources": ("outlet_en", "title_en", "byline", "published_note"), "places": ("name_en", "note"),
              "actors": ("name_en", "title_en", "note")}
    for table, columns in fields.items():
        for row in loaded.rows(table):  # the index and the groups hold these same rows
            row.update(dict.fromkeys(columns, HOSTILE_TEXT))
    for row in loaded.views["timeline"]:
        row["summary_en"] = HOSTILE_TEXT
    rendered = render(loaded)
    outputs = {p.path: p.body for p in rendered.pages}
    outputs |= {path: data.decode("utf-8") for path, data in rendered.files.items()
                if isinstance(data, bytes) and not path.endswith(".arrow")}  # the console's tables: binary, not HTML
    for path, text in outputs.items():
        assert "<script>alert" not in text, path
        assert "\"q\"" not in text and "'a'" not in text, path  # quotes too: values sit in attributes
        assert "&#39;" not in text and "&#34;" not in text, path  # markupsafe's forms would change the bytes
    event = outputs["events/ain-al-asad-closure-plan.md"]
    assert f'<p class="lead">{ESCAPED_TEXT}</p>' in event
    assert f"<dd>{ESCAPED_TEXT}</dd>" in event  # the curator's note
    assert f"note: {ESCAPED_TEXT}" not in event  # the mentions' notes are on their source pages only
    source = outputs["sources/outlet-a-2025-08-19.md"]
    assert f"# {ESCAPED_HEADING}, 19 August 2025" in source
    assert f'title="{ESCAPED_ATTRIBUTE}"' in source  # a highlight's tooltip
    assert f'<p class="en">{ESCAPED_ATTRIBUTE}</p>' in source and f"note: {ESCAPED_TEXT}" in source
    assert f"<strong>{ESCAPED_ATTRIBUTE}</strong>" in outputs["places.md"]
    assert f"<title>{ESCAPED_ATTRIBUTE}: " in outputs["map.md"]  # the map's tooltip
    assert f": {ESCAPED_ATTRIBUTE}</title>" in outputs["timeline.svg"]


def test_docs_without_database_says_what_to_run(mini):
    code, out, err = run_cli("build", "--root", mini)
    assert code == 0, err
    code, out, err = run_cli("docs", "--root", mini)
    assert code == 1
    assert "build/iraq-coalition-withdrawal.duckdb:1: missing: run `python -m scripts db` (make db) first" in err
    assert not (mini / "build" / "site").exists()


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_docs_build_is_deterministic(tmp_path):
    """The site built again, in another folder than the first build, has the same bytes."""
    root = built_copy(tmp_path / "mini", "build", "db", "docs")
    first = tree(root / "build" / "site")
    code, out, err = run_cli("docs", "--root", root)
    assert code == 0, err
    assert tree(root / "build" / "site") == first
    assert "sitemap.xml.gz" in first


@pytest.mark.slow
def test_failed_docs_build_keeps_the_previous_site(tmp_path, monkeypatch):
    mini = built_copy(tmp_path / "mini", "build", "db", "docs")
    site_dir = mini / "build" / "site"
    before = tree(site_dir)
    import scripts.site.pages as pages

    render = pages.render

    def broken(site):
        rendered = render(site)
        rendered.pages[0].body += "\n\n[a broken link](no-such-page.md)\n"
        return rendered

    monkeypatch.setattr(pages, "render", broken)
    code, out, err = run_cli("docs", "--root", mini)
    assert code == 1
    assert "no-such-page.md" in err
    assert tree(site_dir) == before
    assert not [p for p in (mini / "build").iterdir() if p.name.startswith((".site-", ".docs-src-"))]


def test_generated_html_blocks_stay_out_of_the_site(site):
    src, out = site / "build" / "docs-src", site / "build" / "site"
    assert (src / "sources" / "outlet-a-2025-08-19.blocks.json").is_file()
    assert not list(out.rglob("*.blocks.json"))
    assert 'class="docs-block"' not in (out / "sources" / "outlet-a-2025-08-19.html").read_text(encoding="utf-8")


def test_generated_pages_never_go_into_docs(site):
    assert not (REPO / "docs" / "index.md").exists()
    handwritten = sorted(p.name for p in (REPO / "docs").glob("*.md"))
    generated = sorted(p.name for p in (site / "build" / "docs-src").glob("*.md"))
    assert set(handwritten) <= set(generated)  # copied in, never the other way


@pytest.mark.slow
def test_a_handwritten_page_may_not_shadow_a_generated_one(tmp_path, monkeypatch):
    from scripts.site import build as docs

    mini = built_copy(tmp_path / "mini", "build", "db")
    original = docs.load_site

    def with_clash(root):
        site = original(root)
        site.handwritten["timeline.md"] = "# My timeline\n"
        return site

    monkeypatch.setattr(docs, "load_site", with_clash)
    with pytest.raises(DataError) as e:
        docs.build_docs(mini)
    assert "docs/timeline.md" in str(e.value.problems[0])


def test_home_page_embeds_the_croissant_metadata(site):
    import json
    import re

    from scripts.metadata import TABLE_ORDER

    html = (site / "build/site/index.html").read_text(encoding="utf-8")
    found = re.findall(r'<script type="application/ld\+json">\n(.*?)\n</script>', html, re.S)
    assert len(found) == 1
    croissant = json.loads(found[0])
    assert croissant["@type"] == "sc:Dataset" and croissant["conformsTo"].startswith("http://mlcommons.org/croissant/")
    assert sorted(r["name"] for r in croissant["recordSet"]) == sorted(TABLE_ORDER)
    assert all(f["sha256"] for f in croissant["distribution"])


def test_a_source_page_links_its_original_and_says_where_it_was_found(site):
    from scripts.site.model import load_site
    from scripts.site.records import source_detail

    loaded = load_site(site)
    a, b = sorted(loaded.rows("sources"), key=lambda s: s["source_id"])
    a.update(url="https://example.org/ar/خبر?id=1&x=2", retrieved="2026-12-01", provenance_note="Found on the outlet's site.")
    b.update(url=None, provenance_note="Not found: searched the outlet's site.")
    page_a, page_b = source_detail(loaded, a).body, source_detail(loaded, b).body
    assert '<a href="https://example.org/ar/خبر?id=1&amp;x=2" class="external">the article on example.org</a>' in page_a
    assert "<dd>2026-12-01</dd>" in page_a and "Found on the outlet&#x27;s site." in page_a
    assert "Original address" not in page_b and "Not found: searched the outlet&#x27;s site." in page_b
