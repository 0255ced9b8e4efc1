"""One page per source (the article with its highlighted quotes) and one per event.

The pages are templates/sources.md, source.md, events.md and event.md (the claim cards
are in claims.html); this module puts in order what they show.
"""
from __future__ import annotations

import functools

from scripts.site.article import Span, article_html, nontext
from scripts.site.html import human_date, num, render_template, short
from scripts.site.links import EVENTS, SOURCES, Links, event_page, source_page
from scripts.site.model import Page, Site

CLAIM_PREFIX = {"mention": "M", "figure": "F", "citation": "C"}


# ---------------------------------------------------------------------------- sources

def source_pages(site: Site) -> list[Page]:
    sources = sorted(site.rows("sources"), key=lambda s: site.published_order(s["source_id"]))
    return [sources_index(site, sources)] + [source_detail(site, s) for s in sources]


def sources_index(site: Site, sources: list[dict]) -> Page:
    overview = {r["source_id"]: r for r in site.views.get("source_overview", [])}
    return Page(SOURCES, "All sources", render_template(
        "sources.md", links=Links(site, SOURCES), sources=[(s, overview.get(s["source_id"], {})) for s in sources]))


def claim_spans(site: Site, source_id: str) -> tuple[list[Span], list[tuple[str, dict, str]]]:
    """The highlights of one article and its claims in text order: (kind, row, label)."""
    claims = []
    for kind, name, key in (("mention", "mentions", "mention_id"), ("figure", "figures", "figure_id"),
                            ("citation", "citations", None)):
        for row in site.by(name, "source_id").get(source_id, []):
            ident = row[key] if key else f"{source_id}-cites-{row['cited_actor_id']}-{row['relation']}"
            claims.append((kind, row, ident))
    claims.sort(key=lambda c: (c[1]["char_start"], c[1]["char_end"], c[0], c[2]))
    counters, spans, listed = {k: 0 for k in CLAIM_PREFIX}, [], []
    for kind, row, ident in claims:
        counters[kind] += 1
        label = f"{CLAIM_PREFIX[kind]}{counters[kind]}"
        spans.append(Span(row["char_start"], row["char_end"], kind, ident, label, row.get("quote_en") or ""))
        listed.append((kind, dict(row, _id=ident), label))
    return spans, listed


def source_detail(site: Site, s: dict) -> Page:
    path = source_page(s["source_id"])
    spans, claims = claim_spans(site, s["source_id"])
    relations: dict[str, list[str]] = {}
    for c in site.by("citations", "source_id").get(s["source_id"], []):
        relations.setdefault(c["cited_actor_id"], []).append(c["relation"])
    return Page(path, f"{s['outlet_en']}, {human_date(s['published'])}", render_template(
        "source.md", links=Links(site, path), label=site.label, code_name=site.name,
        figure_text=functools.partial(figure_text, units=site.unit_words), s=s, claims=claims,
        counts={k: sum(1 for c in claims if c[0] == k) for k in CLAIM_PREFIX},
        derived_by=sorted(r["source_id"] for r in site.by("sources", "derived_from").get(s["source_id"], [])),
        cited=sorted(relations.items()), article=article_html(site.articles[s["source_id"]], spans, s.get("furniture_lines")),
        nontext=nontext(site.articles[s["source_id"]])))


def figure_text(f: dict, units: dict[str, str] | None = None) -> str:
    """A figure as read: 'about 2,500 people', '250–350 people', 'at least 5 years' (the unit's
    word for more than one from `units`, else its code)."""
    value, low, high = num(f.get("value")), num(f.get("value_low")), num(f.get("value_high"))
    bounds = f"{low or '…'}–{high or '…'}" if (low or high) else ""
    # "fewer than 500" is stored as the inclusive bound value_high 499 (methodology, section 10):
    # without the stated value, say what the bound says rather than "fewer than 499".
    fewer = f"fewer than {value}" if value else f"at most {high}"
    words = {"exact": value, "approx": f"about {value}", "less_than": fewer,
             "at_most": f"at most {value or high}", "at_least": f"at least {value or low}", "range": bounds,
             "vague": f"vague ({bounds})" if bounds else "vague"}
    text = words.get(f.get("qualifier"), value or bounds)
    if bounds and f.get("qualifier") not in ("range", "vague") and value:
        text += f" (bounds {bounds})"
    unit = f.get("unit") or ""
    if unit and f.get("value") != 1 and units and units.get(unit):
        unit = units[unit]
    return f"{text} {unit}".strip()


# ---------------------------------------------------------------------------- events

def event_pages(site: Site) -> list[Page]:
    timeline = {r["event_id"]: i for i, r in enumerate(site.views.get("timeline", []))}
    events = sorted(site.rows("events"), key=lambda e: (timeline.get(e["event_id"], len(timeline)), e["event_id"]))
    return [events_index(site, events)] + [event_detail(site, e) for e in sorted(events, key=lambda e: e["event_id"])]


def events_index(site: Site, events: list[dict]) -> Page:
    mentions = site.by("mentions", "event_id")
    rows = [(e, bool(site.conflicts.counts.get(("date", e["event_id"]))), len(mentions.get(e["event_id"], [])))
            for e in events]
    return Page(EVENTS, "All events", render_template("events.md", links=Links(site, EVENTS), events=rows))


def event_detail(site: Site, e: dict) -> Page:
    path = event_page(e["event_id"])
    conflicts = site.conflicts.pairs.get(("date", e["event_id"]), [])
    conflicting = {claim for kind, claim in site.conflicts.claims if kind == "date"}
    plan_rows = site.view_by("plan_vs_outcome", "plan_event_id")

    def slip(plan_id):
        return slip_text(plan_rows.get(plan_id, [{}])[0].get("slip_days"))

    plans = sorted(p["event_id"] for p in site.by("events", "outcome_event_id").get(e["event_id"], []))
    mentions = sorted(site.by("mentions", "event_id").get(e["event_id"], []),
                      key=lambda m: (site.published_order(m["source_id"]), m["mention_id"]))
    figures = sorted(site.by("figures", "event_id").get(e["event_id"], []),
                     key=lambda f: (site.published_order(f["source_id"]), f["figure_id"]))
    # The cards on an event page leave out the curator's notes: they are on the source pages.
    return Page(path, short(e["summary_en"]), render_template(
        "event.md", links=Links(site, path), label=site.label, code_name=site.name,
        figure_text=functools.partial(figure_text, units=site.unit_words), e=e,
        outcome_slip=slip(e["event_id"]) if e.get("outcome_event_id") else "", plans=[(p, slip(p)) for p in plans],
        conflicts=conflicts, more=site.conflicts.counts[("date", e["event_id"])] - len(conflicts) if conflicts else 0,
        mentions=[(dict(m, note=None), m["mention_id"] in conflicting) for m in mentions],
        figures=[dict(f, note=None) for f in figures]))


def slip_text(slip) -> str:
    if slip is None:
        return ""
    if slip == 0:
        return " – on time as far as the dates tell"
    return f" – {abs(int(slip))} days {'late' if slip > 0 else 'early'}"
