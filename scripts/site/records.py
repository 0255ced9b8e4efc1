"""One page per source (the article with its highlighted quotes) and one per event."""
from __future__ import annotations

from scripts.site.model import Page, Site
from scripts.site.article import Span, article_html
from scripts.site.html import ar, block, code, dl, esc, human_date, iso, md_text, num, plural, table, txt
from scripts.site.links import EVENTS, SOURCES, LegacyLinks, Links, event_page, source_page

CLAIM_PREFIX = {"mention": "M", "figure": "F", "citation": "C"}


# ---------------------------------------------------------------------------- sources

def source_pages(site: Site) -> list[Page]:
    sources = sorted(site.rows("sources"), key=lambda s: site.published_order(s["source_id"]))
    return [sources_index(site, sources)] + [source_detail(site, s) for s in sources]


def sources_index(site: Site, sources: list[dict]) -> Page:
    links = LegacyLinks(site, SOURCES)
    overview = {r["source_id"]: r for r in site.views.get("source_overview", [])}
    rows = []
    for s in sources:
        o = overview.get(s["source_id"], {})
        rows.append([links.source(s["source_id"]), esc(s["outlet_en"]) + "<br>" + ar(s["outlet_ar"]),
                     esc(human_date(s["published"])) + f"<br><small>{esc(s['published_basis'])}</small>",
                     txt(s["title_en"]) + ("<br>" + ar(s["title_ar"]) if s.get("title_ar") else ""),
                     num(o.get("mention_count")), num(o.get("figure_count")), links.source(s.get("derived_from"))])
    body = ["# Sources", "",
            f"The {plural(len(sources), 'article')} of the corpus, oldest first (by the earliest day each may have "
            "been published). Each page shows the article's metadata and its full text with every annotated quote "
            "highlighted.", "",
            block(table(["source", "outlet", "published", "headline", "mentions", "figures", "derived from"], rows),
                  "wide")]
    return Page(SOURCES, "All sources", "\n".join(body))


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
    links = LegacyLinks(site, path)
    spans, claims = claim_spans(site, s["source_id"])
    counts = {k: sum(1 for c in claims if c[0] == k) for k in CLAIM_PREFIX}
    body = [f"# {md_text(s['outlet_en'])}, {md_text(human_date(s['published']))}", ""]
    body.append(block(ar(s.get("title_ar"), "p", "headline")
                      + f'<p class="headline-en">{txt(s["title_en"])}</p>', "source-head"))
    body += ["## About this source", "", block(source_facts(site, s, links), "facts-block")]
    body += ["## Article", "",
             f"The full text of {code(s['article_path'])} with line numbers. Highlighted: "
             f"{plural(counts['mention'], 'mention')} (claims about events, M), "
             f"{plural(counts['figure'], 'figure')} (numbers, F) and {plural(counts['citation'], 'citation')} "
             "(named sources, C); each reference links to the row below.", ""]
    if s.get("furniture_note"):
        body.append(block(f'<p class="admonition-title">Page furniture (not annotated as content)</p>'
                          f'<p>{txt(s["furniture_note"])}</p>', "admonition note furniture"))
    body.append(block(article_html(site.articles[s["source_id"]], spans), "article-block"))
    body += ["## Annotated quotes and translations", "",
             "In the order in which they appear in the article. The English is our translation.", ""]
    body.append(block("\n".join(claim_row(site, links, kind, row, label) for kind, row, label in claims), "claims"))
    return Page(path, s["source_id"], "\n".join(body))


def source_facts(site: Site, s: dict, links: Links) -> str:
    derived_by = sorted(r["source_id"] for r in site.by("sources", "derived_from").get(s["source_id"], []))
    published = (f"{esc(human_date(s['published']))} {code(s['published'])}"
                 + (f" at {esc(s['published_time'])}" if s.get("published_time") else "")
                 + f"<br><small>precision: {esc(s.get('published_precision'))}; first possible day "
                   f"{esc(iso(s.get('published_earliest')))}, last {esc(iso(s.get('published_latest')))}</small>")
    relations: dict[str, list[str]] = {}
    for c in site.by("citations", "source_id").get(s["source_id"], []):
        relations.setdefault(c["cited_actor_id"], []).append(
            f'<span title="{esc(site.label("citations", "relation", c["relation"]))}">{esc(c["relation"])}</span>')
    cited = [f"{links.actor(actor)} ({', '.join(r)})" for actor, r in sorted(relations.items())]
    return dl([
        ("Source id", code(s["source_id"])),
        ("Outlet", links.actor(s["outlet_actor_id"], arabic=True)),
        ("Language", code(s.get("language"))),
        ("Byline", txt(s.get("byline"))),
        ("Translator", txt(s.get("translator"))),
        ("Published", published),
        ("Date basis", f"<strong>{esc(s['published_basis'])}</strong> – "
                       f"{esc(site.label('sources', 'published_basis', s['published_basis']))}"),
        ("Evidence and reasoning", txt(s.get("published_note"))),
        ("Derived from", links.source(s.get("derived_from"), long=True)),
        ("How it differs", txt(s.get("derivation_note"))),
        ("Rewritten by", ", ".join(links.source(d, long=True) for d in derived_by)),
        ("Cited agencies and outlets", "<br>".join(cited)),
        ("Article file", f"{code(s['article_path'])}, {num(s.get('chars'))} characters, sha256 "
                         f"<code class=\"hash\">{esc(s['article_sha256'])}</code>"),
        ("Curator's note", txt(s.get("note"))),
    ])


def claim_row(site: Site, links: Links, kind: str, row: dict, label: str) -> str:
    ident = row["_id"]
    head = [f'<a class="claim-ref" href="#q-{esc(ident)}" title="show in the article">{esc(label)}</a>',
            f'<span class="kind">{esc(kind)}</span>', code(ident) if kind != "citation" else "",
            claim_subject(site, links, kind, row)]
    return card(kind, f"ann-{ident}", head, row.get("quote_en"), row["quote"], claim_meta(site, links, kind, row))


def card(kind: str, anchor: str, head: list[str], english, arabic, meta: str) -> str:
    """A quote with its translation beside it: English left, Arabic right."""
    # The Arabic quote is searchable in the article above it; ids and offsets are noise in search.
    return (f'<div class="claim claim-{esc(kind)}" id="{esc(anchor)}">'
            f'<p class="claim-head">{" ".join(h for h in head if h)}</p>'
            f'<div class="pair"><p class="en">{esc(english or "")}</p>'
            f'<p class="quote" dir="rtl" lang="ar" data-search-exclude>{esc(arabic)}</p></div>'
            f'<p class="claim-meta" data-search-exclude>{meta}</p></div>')


def claim_subject(site: Site, links: Links, kind: str, row: dict) -> str:
    if kind == "mention":
        return "about " + links.event(row["event_id"])
    if kind == "figure":
        return (f"{esc(row['subject'])}: <strong>{esc(figure_text(row))}</strong>"
                + (f", event {links.event(row['event_id'])}" if row.get("event_id") else ""))
    return f"names {links.actor(row['cited_actor_id'])} ({esc(row['relation'])})"


def claim_meta(site: Site, links: Links, kind: str, row: dict) -> str:
    parts = []
    if row.get("attributed_to"):
        parts.append(f"attributed to {links.actor(row['attributed_to'])} ({esc(row.get('attribution'))})")
    if kind == "mention":
        parts.append(f"modality: {esc(row['modality'])}")
        if row.get("claimed_date"):
            parts.append(f"claimed date: {esc(human_date(row['claimed_date']))} {code(row['claimed_date'])}")
    if kind == "figure" and row.get("as_of"):
        parts.append(f"as of {esc(human_date(row['as_of']))} {code(row['as_of'])}")
    if kind == "figure" and row.get("place_id"):
        parts.append(f"place: {links.place(row['place_id'])}")
    parts.append(f"characters {row['char_start']}–{row['char_end']}")
    if row.get("note"):
        parts.append(f"note: {txt(row['note'])}")
    return " · ".join(parts)


def figure_text(f: dict) -> str:
    """A figure as read: 'about 2,500 person', '250–350 person', 'at least 5 year'."""
    value, low, high = num(f.get("value")), num(f.get("value_low")), num(f.get("value_high"))
    bounds = f"{low or '…'}–{high or '…'}" if (low or high) else ""
    words = {"exact": value, "approx": f"about {value}", "less_than": f"fewer than {value or high}",
             "at_most": f"at most {value or high}", "at_least": f"at least {value or low}", "range": bounds,
             "vague": f"vague ({bounds})" if bounds else "vague"}
    text = words.get(f.get("qualifier"), value or bounds)
    if bounds and f.get("qualifier") not in ("range", "vague") and value:
        text += f" (bounds {bounds})"
    return f"{text} {f.get('unit', '')}".strip()


# ---------------------------------------------------------------------------- events

def event_pages(site: Site) -> list[Page]:
    timeline = {r["event_id"]: i for i, r in enumerate(site.views.get("timeline", []))}
    events = sorted(site.rows("events"), key=lambda e: (timeline.get(e["event_id"], len(timeline)), e["event_id"]))
    return [events_index(site, events)] + [event_detail(site, e) for e in sorted(events, key=lambda e: e["event_id"])]


def events_index(site: Site, events: list[dict]) -> Page:
    links = LegacyLinks(site, EVENTS)
    mentions = site.by("mentions", "event_id")
    rows = []
    for e in events:
        flag = (' <span class="flag" title="sources disagree on the date">conflict</span>'
                if site.conflicts.counts.get(("date", e["event_id"])) else "")
        rows.append([links.event(e["event_id"]) + flag, esc(human_date(e.get("date"))), esc(e.get("date_precision")),
                     esc(e["status"]), esc(e["event_type"]), txt(e["summary_en"]),
                     num(len(mentions.get(e["event_id"], [])))])
    body = ["# Events", "",
            f"{plural(len(events), 'event')}, each catalogued once across all sources, in date order (undated last). "
            "An event page lists every mention with its quote, translation and source; "
            "<span class=\"flag\">conflict</span> marks events whose sources give dates that cannot both be true.", "",
            block(table(["event", "date", "precision", "status", "type", "summary", "mentions"], rows), "wide")]
    return Page(EVENTS, "All events", "\n".join(body))




def event_detail(site: Site, e: dict) -> Page:
    path = event_page(e["event_id"])
    links = LegacyLinks(site, path)
    conflicts = site.conflicts.pairs.get(("date", e["event_id"]), [])
    body = [f"# {md_text(e['event_id'])}", "",
            block(f'<p class="lead">{txt(e["summary_en"])}</p>{ar(e["summary_ar"], "p", "lead")}', "event-head"),
            block(event_facts(site, e, links), "facts-block")]
    if conflicts:
        total = site.conflicts.counts[("date", e["event_id"])]
        body.append(block(conflict_box(links, conflicts, total), "admonition warning conflicts"))
    body += mention_section(site, e, links, {claim for kind, claim in site.conflicts.claims if kind == "date"})
    body += figure_section(site, e, links)
    return Page(path, e["event_id"], "\n".join(body))


def event_facts(site: Site, e: dict, links: Links) -> str:
    plans = sorted(p["event_id"] for p in site.by("events", "outcome_event_id").get(e["event_id"], []))
    plan_rows = site.view_by("plan_vs_outcome", "plan_event_id")

    def slip(plan_id):
        return plan_rows.get(plan_id, [{}])[0].get("slip_days")

    when = ""
    if e.get("date"):
        when = (f"{esc(human_date(e['date']))} {code(e['date'])}<br><small>precision: {esc(e.get('date_precision'))} "
                f"({esc(site.label('events', 'date_precision', e.get('date_precision')))}); first possible day "
                f"{esc(iso(e.get('date_start')))}, last {esc(iso(e.get('date_end')))}</small>")
    outcome = ""
    if e.get("outcome_event_id"):
        outcome = links.event(e["outcome_event_id"]) + slip_text(slip(e["event_id"]))
    return dl([
        ("What", f"{esc(e['event_type'])} – {esc(site.label('events', 'event_type', e['event_type']))}"),
        ("When", when or "no date in the corpus"),
        ("Where", links.place(e.get("place_id"), arabic=True)),
        ("Status", f"<strong>{esc(e['status'])}</strong> – {esc(site.label('events', 'status', e['status']))}"),
        ("Main actor", links.actor(e.get("actor_id"), arabic=True)),
        ("Carried out by (outcome)", outcome),
        ("Outcome of the plan", "<br>".join(links.event(p) + slip_text(slip(p)) for p in plans)),
        ("Curator's note", txt(e.get("note"))),
    ])


def slip_text(slip) -> str:
    if slip is None:
        return ""
    if slip == 0:
        return " – on time as far as the dates tell"
    return f" – {abs(int(slip))} days {'late' if slip > 0 else 'early'}"


def conflict_box(links: Links, conflicts: list[dict], total: int) -> str:
    """The first pairs of conflicting mentions (all of them are flagged in the list below)."""
    items = []
    for c in conflicts:
        items.append(f"<li>{links.claim(c['source_id_a'], c['claim_id_a'])} ({links.source(c['source_id_a'])}) says "
                     f"{code(c['claimed_a'])}, {links.claim(c['source_id_b'], c['claim_id_b'])} "
                     f"({links.source(c['source_id_b'])}) says {code(c['claimed_b'])}: "
                     f"{num(c.get('gap'))} {esc(c.get('gap_unit'))}s apart</li>")
    more = total - len(conflicts)
    rest = f"<p>… and {more} more pairs: every conflicting mention is flagged below.</p>" if more > 0 else ""
    return ('<p class="admonition-title">Conflicting dates</p><p>These mentions give dates for this event that cannot '
            'both be true (view <code>conflicting_claims</code>):</p><ul>' + "".join(items) + "</ul>" + rest)


def mention_section(site: Site, e: dict, links: Links, conflicting: set[str]) -> list[str]:
    mentions = sorted(site.by("mentions", "event_id").get(e["event_id"], []),
                      key=lambda m: (site.published_order(m["source_id"]), m["mention_id"]))
    cards = []
    for m in mentions:
        flag = '<span class="flag">conflict</span>' if m["mention_id"] in conflicting else ""
        head = [links.claim(m["source_id"], m["mention_id"]), flag, "in", links.source(m["source_id"], long=True)]
        cards.append(card("mention", f"m-{m['mention_id']}", head, m["quote_en"], m["quote"],
                          claim_meta(site, links, "mention", dict(m, note=None))))
    out = ["## Mentions", "", f"{plural(len(mentions), 'mention')}, oldest source first. Each links to its place in "
           "the article.", ""]
    return out + ([block("\n".join(cards), "claims", search=False)] if cards else [])


def figure_section(site: Site, e: dict, links: Links) -> list[str]:
    figures = sorted(site.by("figures", "event_id").get(e["event_id"], []),
                     key=lambda f: (site.published_order(f["source_id"]), f["figure_id"]))
    if not figures:
        return []
    cards = [card("figure", f"f-{f['figure_id']}",
                  [links.claim(f["source_id"], f["figure_id"]), f"{esc(f['subject'])}: <strong>{esc(figure_text(f))}</strong>",
                   "in", links.source(f["source_id"], long=True)],
                  f["quote_en"], f["quote"], claim_meta(site, links, "figure", dict(f, note=None)))
             for f in figures]
    return ["## Figures about this event", "", block("\n".join(cards), "claims", search=False)]
