"""The home page's story in five lines, chosen from the data by fixed rules.

1. the earliest dated agreement;
2. the first movement of forces that happened (movement, withdrawal, relocation, handover, closure);
3. the plan that slipped most against its outcome (view plan_vs_outcome);
4. the widest disagreement between two sources about a date (view conflicting_claim_pairs);
5. the latest movement of forces that happened.

Every line links to the quote (mention) that supports it, from the earliest-published
source. A rule that finds nothing leaves its line out; an event is told only once. The
lines are data; templates/story.html writes them.
"""
from __future__ import annotations

from scripts.site.html import fragment
from scripts.site.links import Links, source_page
from scripts.site.model import Site

MOVEMENTS = ("troop_movement", "withdrawal", "relocation", "handover", "base_closure")


def story(site: Site, links: Links):
    used: set[str] = set()
    lines = [_first_dated(site, links, used, ("agreement",), "The agreement"),
             _first_dated(site, links, used, MOVEMENTS, "First move"),
             _slipped_plan(site, links, used),
             _widest_conflict(site, links),
             _first_dated(site, links, used, MOVEMENTS, "Latest", latest=True)]
    return fragment("story.html", lines=[line for line in lines if line], links=links)


def evidence(site: Site, links: Links, event_id: str) -> dict:
    """The earliest-published mention of an event, to be linked and labelled by its outlet."""
    mentions = sorted(site.by("mentions", "event_id").get(event_id, []),
                      key=lambda m: (site.published_order(m["source_id"]), m["mention_id"]))
    if not mentions:
        return {"event_id": event_id, "claim_id": None}
    return claim_ref(site, links, mentions[0]["source_id"], mentions[0]["mention_id"])


def claim_ref(site: Site, links: Links, source_id: str, claim_id: str) -> dict:
    outlet = site.index["sources"].get(source_id, {}).get("outlet_en", source_id)
    return {"href": links.to(source_page(source_id), f"ann-{claim_id}"), "outlet": outlet, "claim_id": claim_id}


def _first_dated(site: Site, links: Links, used: set, types, lead: str, latest: bool = False) -> dict | None:
    events = [e for e in site.rows("events") if e["event_type"] in types and e.get("date_start")
              and e["status"] in ("occurred", "ongoing") and e["event_id"] not in used]
    if not events:
        return None
    # First: the earliest last possible day (surely happened by then); latest: the latest first day.
    pick = (max(events, key=lambda e: (e["date_start"], e["date_end"], e["event_id"])) if latest
            else min(events, key=lambda e: (e["date_end"], e["date_start"], e["event_id"])))
    used.add(pick["event_id"])
    return {"rule": "dated", "lead": lead, "event": pick, "evidence": evidence(site, links, pick["event_id"])}


def _slipped_plan(site: Site, links: Links, used: set) -> dict | None:
    plans = [r for r in site.views.get("plan_vs_outcome", []) if r.get("slip_days") is not None and r.get("outcome_event_id")]
    if not plans:
        return None
    p = max(plans, key=lambda r: (abs(r["slip_days"]), r["plan_event_id"]))
    used.update({p["plan_event_id"], p["outcome_event_id"]})
    events = site.index["events"]
    plan, outcome = events[p["plan_event_id"]], events[p["outcome_event_id"]]
    slip = int(p["slip_days"])
    when = "on time" if slip == 0 else f"{abs(slip)} days {'late' if slip > 0 else 'early'}"
    return {"rule": "plan", "plan": plan, "outcome": outcome, "when": when,
            "plan_evidence": evidence(site, links, plan["event_id"]),
            "outcome_evidence": evidence(site, links, outcome["event_id"])}


def _widest_conflict(site: Site, links: Links) -> dict | None:
    """Disagreements between two sources come before a source contradicting itself."""
    c = site.conflicts.widest
    if not c:
        return None
    return {"rule": "conflict", "pair": c, "days": int(c.get("gap") or 0),
            "lead": "One source contradicts itself" if c.get("same_source") else "Sources disagree",
            "evidence_a": claim_ref(site, links, c["source_id_a"], c["claim_id_a"]),
            "evidence_b": claim_ref(site, links, c["source_id_b"], c["claim_id_b"])}
