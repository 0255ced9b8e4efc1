"""The methodology's rules that tie the catalogue of events to the claims of the articles
(docs/methodology.md, sections 5, 7 and 10), as the validate arrow checks them:

- every event has at least one mention;
- an event's status follows from the modalities of its mentions, and a plan's from its
  outcome (the table "An event's status follows from its mentions");
- a figure whose number can change over time has an `as_of`;
- an event does not contradict itself.

Each rule is a plain function over plain values, so the synthetic corpus (benchmarks/) can
ask the same rule which status its events may take. `problems` turns the built tables into
(table, row, column, message, hint) tuples; validate.py names the file and line.
"""
from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

# Figures of these subjects describe a place or a plan, not a moment: they need no as_of.
TIMELESS_SUBJECTS = frozenset({"distance", "rank", "plan_phases", "duration"})

# What each status needs, in the words of the methodology's table.
STATUS_NEEDS = {
    "occurred": "a mention with modality reported (for a statement, reported or assessed), "
                "or an outcome (outcome_event_id) whose status is occurred",
    "ongoing": "a mention with modality reported",
    "planned": "a mention with modality planned and none reported",
    "superseded": "an outcome_event_id and a mention with modality planned or expected",
    "reported_intent": "a mention with modality expected and none planned or reported",
    "denied": "only mentions with modality denied",
}


def status_follows(status: str, event_type: str, modalities: frozenset[str] | set[str],
                   outcome_status: str | None) -> bool:
    """Whether `status` follows from the modalities of an event's mentions and, for a plan,
    the status of its outcome (None: the event has no outcome_event_id)."""
    m = set(modalities)
    if status == "occurred":
        return "reported" in m or (event_type == "statement" and bool(m & {"reported", "assessed"})) \
            or outcome_status == "occurred"
    if status == "ongoing":
        return "reported" in m
    if status == "planned":
        return "planned" in m and "reported" not in m
    if status == "superseded":
        return outcome_status is not None and bool(m & {"planned", "expected"})
    if status == "reported_intent":
        return "expected" in m and not m & {"planned", "reported"}
    if status == "denied":
        return m == {"denied"}
    return True  # an unknown status is the vocabulary check's message, not this one's


def statuses_allowed(event_type: str, modalities: set[str], outcome_status: str | None) -> list[str]:
    """Every status that follows, in the vocabulary's order (used by the synthetic corpus)."""
    return [s for s in STATUS_NEEDS if status_follows(s, event_type, modalities, outcome_status)]


def problems(tables: dict[str, pa.Table]) -> list[tuple[str, int, str, str, str]]:
    """(table, row, column, message, hint) for every break of the rules above."""
    events, mentions, figures = tables["events"], tables["mentions"], tables["figures"]
    found = []
    pairs = mentions.select(["event_id", "modality"]).group_by(["event_id", "modality"]).aggregate([])
    modalities: dict[str, set[str]] = {}
    for event_id, modality in zip(pairs.column("event_id").to_pylist(), pairs.column("modality").to_pylist()):
        modalities.setdefault(event_id, set()).add(modality)
    ids, statuses = events.column("event_id").to_pylist(), events.column("status").to_pylist()
    status = dict(zip(ids, statuses))
    for i, (event_id, st, etype, outcome) in enumerate(zip(
            ids, statuses, events.column("event_type").to_pylist(), events.column("outcome_event_id").to_pylist())):
        m = modalities.get(event_id, set())
        if not m:
            found.append(("events", i, "event_id", f"event '{event_id}' has no mention in any article",
                          "every event is backed by at least one quote: add a mention, or remove the event"))
            continue
        outcome_status = status.get(outcome) if outcome is not None else None
        if outcome is not None and outcome_status is None:
            outcome_status = ""  # a dangling outcome is the foreign-key check's message
        if not status_follows(st, etype, m, outcome_status):
            found.append(("events", i, "status",
                          f"status '{st}' of event '{event_id}' does not follow from its mentions "
                          f"(modalities: {', '.join(sorted(m))}): it needs {STATUS_NEEDS[st]}",
                          "see docs/methodology.md, section 5: the status follows from the mentions"))
    if "contradicts_event_id" in events.column_names:
        same = pc.equal(events.column("contradicts_event_id"), events.column("event_id"))
        for i in pc.indices_nonzero(pc.fill_null(same, False)).to_pylist():
            found.append(("events", i, "contradicts_event_id", "an event cannot contradict itself", ""))
    timed = pc.invert(pc.is_in(figures.column("subject"), value_set=pa.array(sorted(TIMELESS_SUBJECTS))))
    for i in pc.indices_nonzero(pc.and_(timed, figures.column("as_of").is_null())).to_pylist():
        subject = figures.column("subject")[i].as_py()
        found.append(("figures", i, "as_of",
                      f"figure '{figures.column('figure_id')[i].as_py()}' ({subject}) has no as_of",
                      "write when the number holds: the deadline of a target, the period of a history, "
                      "the publication date for the present tense (docs/methodology.md, section 10)"))
    return found
