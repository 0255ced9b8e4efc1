"""The home page's story in five lines, chosen from the data by fixed rules.

1. the earliest dated agreement;
2. the first movement of forces that happened (movement, withdrawal, relocation, handover, closure);
3. the plan that slipped most against its outcome (view plan_vs_outcome);
4. the widest disagreement between two sources about a date (view conflicting_claims);
5. the latest movement of forces that happened.

Every line links to the quote (mention) that supports it, from the earliest-published
source. A rule that finds nothing leaves its line out; an event is told only once.
"""
from __future__ import annotations

from scripts.site.model import Site
from scripts.site.html import a, ar, esc, human_date, txt
from scripts.site.links import Links, source_page

MOVEMENTS = ("troop_movement", "withdrawal", "relocation", "handover", "base_closure")


def story(site: Site, links: Links) -> str:
    used: set[str] = set()
    lines = [_first_dated(site, links, used, ("agreement",), "The agreement"),
             _first_dated(site, links, used, MOVEMENTS, "First move"),
             _slipped_plan(site, links, used),
             _widest_conflict(site, links),
             _first_dated(site, links, used, MOVEMENTS, "Latest", latest=True)]
    items = [line for line in lines if line]
    return '<ol class="story-lines">' + "".join(f"<li>{line}</li>" for line in items) + "</ol>" if items else \
        "<p>Not enough dated events yet to tell the story.</p>"


def evidence(site: Site, links: Links, event_id: str) -> str:
    """A link to the earliest-published mention of an event, labelled by its outlet."""
    mentions = sorted(site.by("mentions", "event_id").get(event_id, []),
                      key=lambda m: (site.published_order(m["source_id"]), m["mention_id"]))
    if not mentions:
        return links.event(event_id, "event")
    return claim_link(site, links, mentions[0]["source_id"], mentions[0]["mention_id"])


def claim_link(site: Site, links: Links, source_id: str, claim_id: str) -> str:
    outlet = site.index["sources"].get(source_id, {}).get("outlet_en", source_id)
    return "[" + a(links.to(source_page(source_id), f"ann-{claim_id}"), esc(outlet), title=claim_id) + "]"


def _first_dated(site: Site, links: Links, used: set, types, lead: str, latest: bool = False) -> str:
    events = [e for e in site.rows("events") if e["event_type"] in types and e.get("date_start")
              and e["status"] in ("occurred", "ongoing") and e["event_id"] not in used]
    if not events:
        return ""
    # First: the earliest last possible day (surely happened by then); latest: the latest first day.
    pick = (max(events, key=lambda e: (e["date_start"], e["date_end"], e["event_id"])) if latest
            else min(events, key=lambda e: (e["date_end"], e["date_start"], e["event_id"])))
    used.add(pick["event_id"])
    return (f"<strong>{esc(lead)}, {esc(human_date(pick['date']))}</strong>: {txt(pick['summary_en'])} "
            f"{evidence(site, links, pick['event_id'])} {links.event(pick['event_id'], '→ event')}"
            f"<br>{ar(pick['summary_ar'], 'span', 'story-ar')}")


def _slipped_plan(site: Site, links: Links, used: set) -> str:
    plans = [r for r in site.views.get("plan_vs_outcome", []) if r.get("slip_days") is not None and r.get("outcome_event_id")]
    if not plans:
        return ""
    p = max(plans, key=lambda r: (abs(r["slip_days"]), r["plan_event_id"]))
    used.update({p["plan_event_id"], p["outcome_event_id"]})
    events = site.index["events"]
    plan, outcome = events[p["plan_event_id"]], events[p["outcome_event_id"]]
    slip = int(p["slip_days"])
    when = "on time" if slip == 0 else f"{abs(slip)} days {'late' if slip > 0 else 'early'}"
    return (f"<strong>Plan and outcome</strong>: planned for {esc(human_date(plan.get('date')))} – "
            f"{txt(plan['summary_en'])} {evidence(site, links, plan['event_id'])}. It happened {esc(when)}, "
            f"{esc(human_date(outcome.get('date')))}: {txt(outcome['summary_en'])} "
            f"{evidence(site, links, outcome['event_id'])}<br>{ar(outcome['summary_ar'], 'span', 'story-ar')}")


def _widest_conflict(site: Site, links: Links) -> str:
    """Disagreements between two sources come before a source contradicting itself."""
    c = site.conflicts.widest
    if not c:
        return ""
    lead = "One source contradicts itself" if c.get("same_source") else "Sources disagree"
    return (f"<strong>{lead}</strong> on {links.event(c['topic'])}: "
            f"{esc(human_date(c['claimed_a']))} {claim_link(site, links, c['source_id_a'], c['claim_id_a'])} against "
            f"{esc(human_date(c['claimed_b']))} {claim_link(site, links, c['source_id_b'], c['claim_id_b'])}, "
            f"{int(c.get('gap') or 0)} days apart.")
