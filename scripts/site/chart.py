"""Static SVG charts drawn at build time: the event timeline (the map is geo.py).

Written by hand rather than with a plotting library: the output is byte-for-byte
deterministic and needs no fonts or network. This module does the geometry; the markup is
in templates/timeline.svg, which escapes every label.

Timeline: one row per dated event. A date known to the day is a diamond; a date known
only to the month or year, or an interval, is a bar over every day it may cover. Filled
marks happened or are under way; hollow, dashed marks are plans, intentions or denied
events. An arrow joins a plan to the event that carried it out. A bottom lane shows when
each article was published (a bar where the date is an inferred range). When events
reach far back (e.g. 2014), the years before the focus window are drawn on a compressed
scale left of a break, so the months the articles are about stay readable.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from scripts.site.html import fragment

WIDTH = 900
LABEL_W = 270
RIGHT = 16
ROW_H = 22
TOP = 50
PLAN_LIKE = {"planned", "superseded", "reported_intent", "denied"}
STATUS_COLOURS = {"occurred": "#1f5fa8", "ongoing": "#2a8c7e", "planned": "#d46b08", "superseded": "#7a7a7a",
                  "reported_intent": "#8e44ad", "denied": "#c0392b"}
FALLBACK_COLOURS = ["#5d6d7e", "#a04000", "#117a65", "#6c3483"]
MONTH_ABBR = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@dataclass(frozen=True)
class Mark:
    ident: str
    label: str
    start: dt.date
    end: dt.date
    status: str
    href: str
    title: str


def colour(status: str, statuses: list[str]) -> str:
    if status in STATUS_COLOURS:
        return STATUS_COLOURS[status]
    return FALLBACK_COLOURS[sorted(statuses).index(status) % len(FALLBACK_COLOURS)] if status in statuses else "#333"


class Scale:
    """Days -> x; piecewise linear when there is a compressed context region on the left."""

    def __init__(self, first: dt.date, focus_start: dt.date, last: dt.date, x0: float, x1: float):
        self.first, self.focus_start, self.last = first, max(focus_start, first), last
        self.context = self.focus_start > first
        self.x0, self.x1 = x0, x1
        self.split = x0 + (x1 - x0) * 0.16 if self.context else x0

    def __call__(self, day: dt.date) -> float:
        if self.context and day < self.focus_start:
            share = (day - self.first).days / max(1, (self.focus_start - self.first).days)
            return self.x0 + share * (self.split - self.x0 - 6)
        share = (day - self.focus_start).days / max(1, (self.last - self.focus_start).days)
        return self.split + share * (self.x1 - self.split)


def timeline_svg(marks: list[Mark], links: list[tuple[str, str]], published: list[Mark],
                 focus_start: dt.date, statuses: list[str]):
    """The timeline as an <svg> element; `links` are (plan id, outcome id) pairs."""
    days = [m.start for m in marks + published] + [m.end for m in marks + published]
    first = dt.date(min(days).year, min(days).month, 1)
    last_day = max(days) + dt.timedelta(days=1)
    last = dt.date(last_day.year + (last_day.month == 12), last_day.month % 12 + 1, 1)
    scale = Scale(first, focus_start, last, LABEL_W + 10, WIDTH - RIGHT)
    rows = {m.ident: i for i, m in enumerate(marks)}
    lane_top = TOP + len(marks) * ROW_H + 14
    bottom = lane_top + len(published) * ROW_H
    return fragment(
        "timeline.svg", width=WIDTH, height=bottom + 70, row_h=ROW_H, label_w=LABEL_W, lane_top=lane_top,
        axis=_axis(scale, TOP - 8, bottom),
        rows=[_row(m, i, scale, statuses) for i, m in enumerate(marks)],
        arrows=[_link(scale, marks[rows[p]], marks[rows[o]], rows[p], rows[o]) for p, o in links
                if p in rows and o in rows],
        published=[_row(m, i, scale, statuses, top=lane_top + 4, published=True) for i, m in enumerate(published)],
        legend=_legend(bottom + 30, statuses, marks))


def _axis(scale: Scale, y: float, bottom: float) -> dict:
    """The time axis: the compressed region left of the break (if any) and the ticks."""
    ticks = [(scale(dt.date(year, 1, 1)), str(year)) for year in _year_ticks(scale)] if scale.context else []
    ticks += [(scale(day), label) for day, label in _month_ticks(scale)]
    return {"scale": scale, "y": y, "bottom": bottom, "ticks": ticks}


def _year_ticks(scale: Scale) -> list[int]:
    """Every few years from the first, none too close to the break."""
    years = [y for y in range(scale.first.year, scale.focus_start.year + 1)
             if scale.first <= dt.date(y, 1, 1) and scale(dt.date(y, 1, 1)) < scale.split - 30]
    room = max(1, int((scale.split - scale.x0) // 36))
    step = max(1, math.ceil(len(years) / room))
    return years[::step]


def _month_ticks(scale: Scale) -> list[tuple[dt.date, str]]:
    months, day = [], dt.date(scale.focus_start.year, scale.focus_start.month, 1)
    while day <= scale.last:
        months.append(day)
        day = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    per_month = (scale.x1 - scale.split) / max(1, len(months) - 1)
    step = next((s for s in (1, 2, 3, 6, 12) if s * per_month >= 62), 12)
    chosen = [d for d in months if (d.month - 1) % step == 0]
    return [(d, f"{MONTH_ABBR[d.month - 1]} {d.year}") for d in chosen]


def _span(scale: Scale, m: Mark) -> tuple[float, float]:
    return scale(m.start), scale(m.end + dt.timedelta(days=1))


def _row(m: Mark, i: int, scale: Scale, statuses: list[str], top: float = TOP, published: bool = False) -> dict:
    x1, x2 = _span(scale, m)
    # A date known to the day is a diamond, anything wider a bar (never thinner than 4 px).
    return {"mark": m, "y": top + i * ROW_H + ROW_H / 2, "published": published,
            "fill": "#9aa5b1" if published else colour(m.status, statuses),
            "hollow": m.status in PLAN_LIKE and not published,
            "diamond": m.start == m.end, "cx": (x1 + x2) / 2, "x1": x1, "width": max(4.0, x2 - x1)}


def _link(scale: Scale, plan: Mark, outcome: Mark, i: int, j: int) -> dict:
    """An arrow from a plan's end to the start of the event that carried it out."""
    x1 = _span(scale, plan)[1]
    x2 = _span(scale, outcome)[0]
    return {"plan": plan, "outcome": outcome, "x1": x1, "x2": x2, "bend": max(24.0, abs(x2 - x1) / 2),
            "y1": TOP + i * ROW_H + ROW_H / 2, "y2": TOP + j * ROW_H + ROW_H / 2}


def _legend(y: float, statuses: list[str], marks: list[Mark]) -> dict:
    """One swatch per status shown, then the publication swatch, left to right."""
    x, swatches = 10.0, []
    for status in [s for s in statuses if any(m.status == s for m in marks)]:
        swatches.append({"x": x, "status": status, "fill": colour(status, statuses), "hollow": status in PLAN_LIKE})
        x += 40 + 7 * len(status)
    return {"y": y, "swatches": swatches, "x": x}
