"""The site's pages and navigation: home, timeline, figures, places, actors, downloads, cite.

`render(site)` returns every page, the files copied beside them (the timeline SVG, the data
files and the site's datapackage.json), the navigation and the pages left out of it.
"""
from __future__ import annotations

import datetime as dt
import html
import json
from dataclasses import dataclass
from pathlib import Path

from scripts.publish.archive import archive_descriptor
from scripts.publish.croissant import croissant
from scripts.site import links as paths
from scripts.site.chart import Mark, timeline_svg
from scripts.site.html import human_date, num, render_template, short
from scripts.site.links import (
    ACTORS,
    CHANGELOG,
    CITE,
    CONSOLE,
    DOWNLOADS,
    FIGURES,
    HOME,
    MAP,
    METHODOLOGY,
    PLACES,
    QUERY,
    TIMELINE,
    Links,
    event_page,
    source_page,
)
from scripts.site.model import Page, Site
from scripts.site.records import event_pages, figure_text, source_pages
from scripts.site.reference import console_page, cookbook_pages, dictionary_page, query_page
from scripts.site.reliability import reliability_pages
from scripts.site.story import story

# A nav section lists its pages one by one up to this many; beyond, only its index page (which
# links to all of them): Material repeats the whole nav on every page, so a nav of thousands
# of sources or events would make the site grow with the square of the corpus.
NAV_LIMIT = 60
# Hand-written pages (docs/*.md) in the order they appear in the nav, after the generated ones.
# Search ranks the pages about the data above the cookbook's (Material multiplies a page's
# score by its boost).
DATA_BOOST, COOKBOOK_BOOST = 4, 0.25
HANDWRITTEN_ORDER = {"methodology.md": "Methodology", "limitations.md": "Limitations",
                     "architecture.md": "Architecture", "at-scale.md": "At scale", "benchmark.md": "Benchmark"}


@dataclass
class Rendered:
    pages: list[Page]
    files: dict[str, Path | bytes]      # docs-src path -> file to copy or bytes to write
    nav: list
    not_in_nav: list[str]               # page patterns deliberately left out of the nav


def render(site: Site) -> Rendered:
    from scripts.errors import Collector
    from scripts.site import vendor

    problems = Collector()
    files: dict[str, Path | bytes] = vendor.site_files(problems)
    problems.raise_if_any()
    pages = [home(site), timeline(site, files)]
    sources, events = source_pages(site), event_pages(site)
    recipes = cookbook_pages(site)
    data = [figures(site), places(site), map_page(site), actors(site)]
    for page in sources + events + data + pages[1:]:
        page.boost = DATA_BOOST
    for page in recipes:
        page.boost = COOKBOOK_BOOST
    pages += sources + events + data + [dictionary_page(site), query_page(site), console_page(site, files)]
    pages += recipes + [downloads(site, files), cite(site), changelog(site)] + reliability_pages(site)
    pages += handwritten(site, {p.path for p in pages})
    left_out = [f"/{group[0].path.rsplit('/', 1)[0]}/*.md" for group in (sources, events, recipes)
                if len(group) - 1 > NAV_LIMIT]
    return Rendered(pages, files, navigation(pages, sources, events, recipes), left_out)


def navigation(pages: list[Page], sources: list[Page], events: list[Page], recipes: list[Page]) -> list:
    by_path = {p.path: p for p in pages}

    def entry(path, title=None):
        # MkDocs' theme prints navigation titles as they are (no autoescaping), and titles now
        # come from the data (an outlet, an event's summary): escaped here, once.
        return {html.escape(title or by_path[path].title, quote=True): path}

    def section(title, group):
        shown = group if len(group) - 1 <= NAV_LIMIT else group[:1]
        return {title: [entry(p.path) for p in shown]}

    nav = [entry(HOME, "Home"), entry(TIMELINE, "Timeline"), section("Sources", sources), section("Events", events),
           entry(FIGURES, "Figures"), entry(PLACES, "Places"), entry(MAP, "Map"), entry(ACTORS, "Actors"),
           entry("dictionary.md", "Data dictionary"),
           {"Query with SQL": [entry(QUERY, "Query with SQL"), entry(CONSOLE, "Query in your browser")]
            + section("Cookbook", recipes)["Cookbook"]},
           entry(DOWNLOADS, "Downloads"), entry(CITE, "How to cite")]
    about = [entry(name, title) for name, title in HANDWRITTEN_ORDER.items() if name in by_path]
    about += [entry(p.path) for p in pages if p.path.count("/") == 0 and p.path not in _listed(nav + about)
              and p.path != CHANGELOG]
    return nav + about + [entry(CHANGELOG, "Changelog")]


def _listed(nav) -> set[str]:
    out = set()
    for item in nav:
        for value in item.values():
            out |= _listed(value) if isinstance(value, list) else {value}
    return out


# ---------------------------------------------------------------------------- home

def home(site: Site) -> Page:
    links = Links(site, HOME)
    return Page(HOME, "Home", render_template(
        "home.md", links=links, paths=paths, title=site.package.get("title", site.package.get("name", "")),
        description=site.package.get("description", ""), version=site.version, released=site.version_date,
        counts={name: len(site.rows(name)) for name in ("sources", "events", "mentions", "figures", "places", "actors")},
        story=story(site, links), database=site.database.name, licenses=site.package.get("licenses", []),
        # The release's Croissant metadata as JSON-LD, for dataset search engines.
        croissant=croissant(archive_descriptor(site.root, texts=True), site.root)))


# ---------------------------------------------------------------------------- timeline

def timeline(site: Site, files: dict) -> Page:
    rows = site.views.get("timeline", [])
    dated = [r for r in rows if r.get("date_start") and r.get("date_end")]
    svg = timeline_chart(site, dated) if dated else ""
    if svg:
        files["timeline.svg"] = str(svg).encode("utf-8")
    return Page(TIMELINE, "Timeline", render_template("timeline.md", links=Links(site, TIMELINE), rows=rows,
                                                      dated=len(dated), svg=svg))


def timeline_chart(site: Site, dated: list[dict]):
    links = Links(site, TIMELINE)
    marks = [Mark(r["event_id"], short(r["summary_en"], 40), r["date_start"], r["date_end"], r["status"],
                  links.to(event_page(r["event_id"])), f"{human_date(r.get('date'))}: {r['summary_en']}") for r in dated]
    sources = sorted(site.rows("sources"), key=lambda s: site.published_order(s["source_id"]))
    published = [Mark(s["source_id"], short(f"{s['outlet_en']}, {human_date(s['published'])}", 40),
                      s["published_earliest"], s["published_latest"], "published",
                      links.to(source_page(s["source_id"])), f"{s['source_id']} published {human_date(s['published'])}")
                 for s in sources if s.get("published_earliest") and s.get("published_latest")]
    pairs = sorted((r["event_id"], r["outcome_event_id"]) for r in dated if r.get("outcome_event_id"))
    return timeline_svg(marks, pairs, published, focus_start(site), site.values("events", "status"))


def focus_start(site: Site) -> dt.date:
    """A year before the earliest publication: older events go to the compressed region."""
    days = [s["published_earliest"] for s in site.rows("sources") if s.get("published_earliest")]
    first = min(days) if days else dt.date(2000, 1, 1)
    return dt.date(first.year - 1, first.month, 1)


# ---------------------------------------------------------------------------- figures, places, actors

def figures(site: Site) -> Page:
    claims = site.views.get("figure_claims") or site.rows("figures")
    conflicted = {claim for kind, claim in site.conflicts.claims if kind == "value"}
    by_subject = {}
    for f in claims:
        by_subject.setdefault(f["subject"], []).append(site.index["figures"].get(f["figure_id"], f))
    vocabulary = site.values("figures", "subject")
    subjects = [s for s in vocabulary if s in by_subject] + sorted(s for s in by_subject if s not in vocabulary)
    return Page(FIGURES, "Figures", render_template(
        "figures.md", links=Links(site, FIGURES), count=len(claims),
        subjects=[(subject, site.name("figures", "subject", subject),
                   [figure_row(f, f["figure_id"] in conflicted, site.unit_words) for f in by_subject[subject]])
                  for subject in subjects]))


def figure_row(f: dict, conflict: bool, units: dict[str, str]) -> dict:
    raw = "; ".join(f"{k} {num(f.get(k))}" for k in ("value", "value_low", "value_high") if f.get(k) is not None)
    return {"figure": f, "text": figure_text(f, units), "raw": raw, "conflict": conflict}


def places(site: Site) -> Page:
    links = Links(site, PLACES)
    events = site.by("events", "place_id")
    return Page(PLACES, "Places", render_template(
        "places.md", links=links,
        places=[(p, sorted(events.get(p["place_id"], []), key=lambda e: e["event_id"])) for p in site.rows("places")]))


def place_mentions(site: Site) -> dict[str, int]:
    """place id -> mentions of the events at that place."""
    mentions = site.by("mentions", "event_id")
    return {place: sum(len(mentions.get(e["event_id"], [])) for e in events)
            for place, events in site.by("events", "place_id").items()}


def map_page(site: Site) -> Page:
    from scripts.site import geo, vendor

    links = Links(site, MAP)
    region_outlines, world_outlines = geo.countries("countries-50m.json"), geo.countries("countries-110m.json")
    window, near, far = geo.split(site.rows("places"), region_outlines)
    counts = place_mentions(site)

    def href(place_id):
        return links.to(PLACES, f"place-{place_id}")

    region = geo.map_svg(region_outlines, window, near, counts, href, "map-region",
                         "Places in Iraq and its neighbours, sized by the mentions of their events")
    world = geo.map_svg(world_outlines, geo.world_window(far), far, counts, href, "map-world",
                        "Places beyond the region, sized by the mentions of their events",
                         country_labels=False) if far else ""
    return Page(MAP, "Map", render_template(
        "map.md", links=links, region=region, world=world, shown=len(near) + len(far),
        missing=[p for p in site.rows("places") if p not in geo.located(site.rows("places"))],
        atlas_version=vendor.pins().get("world-atlas", "")))


def actors(site: Site) -> Page:
    claims = site.by("mentions", "attributed_to")
    figures_by = site.by("figures", "attributed_to")
    return Page(ACTORS, "Actors", render_template(
        "actors.md", links=Links(site, ACTORS),
        actors=[(r, len(claims.get(r["actor_id"], [])) + len(figures_by.get(r["actor_id"], []))) for r in site.rows("actors")]))


# ---------------------------------------------------------------------------- downloads, cite, changelog

def downloads(site: Site, files: dict) -> Page:
    from scripts.hashing import sha256_file

    resources = []
    for res in site.package.get("resources", []):
        name = Path(res["path"]).name
        source = site.root / res["path"]
        if source.is_file():
            files[f"data/{name}"] = source
        resources.append({"name": name, "format": res.get("format"), "rows": res.get("rows"),
                          "bytes": res.get("bytes", res.get("x-bytes")),
                          "sha256": str(res.get("hash", "")).removeprefix("sha256:")})
    # The manifest with paths relative to this site (data/...), as in the release archive, so a
    # downloaded copy of the site's data/ and datapackage.json passes `python -m scripts verify`.
    files["datapackage.json"] = _json(archive_descriptor(site.root, texts=False))
    files[f"data/{site.database.name}"] = site.database
    database = {"name": site.database.name, "format": "duckdb", "rows": None, "bytes": site.database.stat().st_size,
                "sha256": sha256_file(site.database)}
    return Page(DOWNLOADS, "Downloads", render_template("downloads.md", links=Links(site, DOWNLOADS),
                                                        version=site.version, resources=resources, database=database,
                                                        release=release_files(site, files)))


def release_files(site: Site, files: dict) -> list[dict]:
    """The release archive (when `package` has built it), views.sql, croissant.json and CITATION.cff, offered
    beside the data; each {path, what, bytes, sha256}."""
    import hashlib

    archive = site.root / "build" / "dist" / f"{site.package.get('name', '')}-{site.version}.zip"
    wanted = [(f"dist/{archive.name}", archive, "the release archive: data, database, views.sql, codebook, citation, "
                                                "checksums and the code that verifies them"),
              ("views.sql", site.root / "build" / "views.sql", "the views and Arabic search macros over data/*.parquet"),
              ("croissant.json", _json(croissant(archive_descriptor(site.root, texts=False), site.root)),
               "Croissant 1.0 metadata of the tables"),
              ("CITATION.cff", site.root / "CITATION.cff", "how to cite the data (Citation File Format)")]
    out = []
    for rel, source, what in wanted:
        if isinstance(source, Path) and not source.is_file():
            continue
        data = source if isinstance(source, bytes) else source.read_bytes()
        files[rel] = source
        out.append({"path": rel, "what": what, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()})
    return out


def _json(value) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def cite(site: Site) -> Page:
    from scripts.publish.cite import citation

    if not site.citation:
        return Page(CITE, "How to cite", render_template("cite.md", citation=None, version=site.version))
    c = citation(site.root)  # the one source of CITATION.cff, the data card's and this page's strings
    return Page(CITE, "How to cite", render_template("cite.md", citation=c.apa(), bibtex=c.bibtex(site.package.get("name", "dataset")),
                                                     citation_file=site.citation_text or ""))


def changelog(site: Site) -> Page:
    text = site.changelog or "# Changelog\n\nNo CHANGELOG.md in this project."
    return Page(CHANGELOG, "Changelog", text)


def handwritten(site: Site, generated: set[str]) -> list[Page]:
    """docs/*.md as they are; methodology.md gets a placeholder until it is written."""
    from scripts.errors import Collector

    problems = Collector()
    pages = []
    for name, text in sorted(site.handwritten.items()):
        if name in generated:
            problems.add(f"docs/{name}", 1, f"{name} is generated by `python -m scripts docs`; "
                                            "rename or remove the hand-written page")
            continue
        pages.append(Page(name, HANDWRITTEN_ORDER.get(name, _title(text, name)), text))
    problems.raise_if_any()
    if METHODOLOGY not in site.handwritten:
        pages.append(Page(METHODOLOGY, "Methodology",
                          "# Methodology\n\nThe annotation guidelines (`docs/methodology.md`) are not written yet."))
    return pages


def _title(text: str, name: str) -> str:
    for line in text.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return name[:-3].replace("-", " ").capitalize()
