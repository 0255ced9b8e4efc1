"""Static SVG charts drawn at build time: the event timeline and the places locator.

Written by hand rather than with a plotting library: the output is byte-for-byte
deterministic, needs no fonts or network, and every label goes through `esc`.

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

from scripts.site.html import esc

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
                 focus_start: dt.date, statuses: list[str]) -> str:
    """The timeline as an inline <svg>; `links` are (plan id, outcome id) pairs."""
    days = [m.start for m in marks + published] + [m.end for m in marks + published]
    first = dt.date(min(days).year, min(days).month, 1)
    last_day = max(days) + dt.timedelta(days=1)
    last = dt.date(last_day.year + (last_day.month == 12), last_day.month % 12 + 1, 1)
    scale = Scale(first, focus_start, last, LABEL_W + 10, WIDTH - RIGHT)
    rows = {m.ident: i for i, m in enumerate(marks)}
    lane_top = TOP + len(marks) * ROW_H + 14
    height = lane_top + len(published) * ROW_H + 70
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline-chart" viewBox="0 0 {WIDTH} {height}" '
             f'width="{WIDTH}" height="{height}" role="img" aria-labelledby="timeline-title">',
             '<title id="timeline-title">Events over time: occurred and planned, with the precision of each date</title>',
             _style("timeline-chart"),
             _defs(), _axis(scale, TOP - 8, lane_top + len(published) * ROW_H)]
    parts += [_row(m, i, scale, statuses) for i, m in enumerate(marks)]
    parts += [_link(scale, marks[rows[p]], marks[rows[o]], rows[p], rows[o]) for p, o in links if p in rows and o in rows]
    parts.append(f'<text class="lane" x="{LABEL_W}" y="{lane_top - 2}" text-anchor="end">articles published</text>')
    parts += [_row(m, i, scale, statuses, top=lane_top + 4, published=True) for i, m in enumerate(published)]
    parts.append(_legend(lane_top + len(published) * ROW_H + 30, statuses, marks))
    parts.append("</svg>")
    return "\n".join(parts)


def _style(cls: str) -> str:
    """Text styles inside the SVG, so the standalone file looks like the inline chart."""
    return (f"<style>.{cls} text {{ font-family: Roboto, 'Helvetica Neue', Arial, 'DejaVu Sans', sans-serif; "
            f"font-size: 12px; fill: #333; }} .{cls} text.tick {{ fill: #666; font-size: 11px; }} "
            f".{cls} a:hover text.label {{ fill: #1f5fa8; text-decoration: underline; }} "
            f".{cls} a:hover rect.hit {{ fill: rgba(31, 95, 168, 0.06); }}</style>")


def _defs() -> str:
    return ('<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
            'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>')


def _axis(scale: Scale, y: float, bottom: float) -> str:
    out = [f'<line class="axis" x1="{scale.x0:.1f}" y1="{y}" x2="{scale.x1:.1f}" y2="{y}" stroke="#999"/>']
    if scale.context:
        out.append(f'<rect x="{scale.x0:.1f}" y="{y}" width="{scale.split - scale.x0 - 6:.1f}" '
                   f'height="{bottom - y:.1f}" fill="#f2f2f2"/>')
        out.append(f'<text class="tick" x="{scale.x0:.1f}" y="{y - 22}">earlier years (compressed)</text>')
        out.append(f'<path d="M{scale.split - 5:.1f},{y - 6} l4,12 M{scale.split - 1:.1f},{y - 6} l4,12" stroke="#666"/>')
        for year in _year_ticks(scale):
            out.append(_tick(scale(dt.date(year, 1, 1)), y, bottom, str(year)))
    for day, label in _month_ticks(scale):
        out.append(_tick(scale(day), y, bottom, label))
    return "\n".join(out)


def _tick(x: float, y: float, bottom: float, label: str) -> str:
    return (f'<line x1="{x:.1f}" y1="{y}" x2="{x:.1f}" y2="{bottom:.1f}" stroke="#e3e3e3"/>'
            f'<text class="tick" x="{x:.1f}" y="{y - 6}" text-anchor="middle">{esc(label)}</text>')


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


def _row(m: Mark, i: int, scale: Scale, statuses: list[str], top: float = TOP, published: bool = False) -> str:
    y = top + i * ROW_H + ROW_H / 2
    x1, x2 = _span(scale, m)
    fill = "#9aa5b1" if published else colour(m.status, statuses)
    hollow = m.status in PLAN_LIKE and not published
    style = f'fill="#fff" stroke="{fill}" stroke-width="2" stroke-dasharray="3,2"' if hollow else f'fill="{fill}"'
    if m.start == m.end:
        cx = (x1 + x2) / 2
        shape = f'<path d="M{cx:.1f},{y - 6:.1f} l6,6 l-6,6 l-6,-6 z" {style}/>'
    else:
        shape = f'<rect x="{x1:.1f}" y="{y - 5:.1f}" width="{max(4.0, x2 - x1):.1f}" height="10" rx="2" {style}/>'
    label = f'<text class="label" x="{LABEL_W}" y="{y + 4:.1f}" text-anchor="end">{esc(m.label)}</text>'
    data = f'class="source" data-source="{esc(m.ident)}"' if published else f'class="row" data-event="{esc(m.ident)}"'
    return (f'<a href="{esc(m.href)}" {data}><title>{esc(m.title)}</title>'
            f'<rect class="hit" x="0" y="{y - ROW_H / 2:.1f}" width="{WIDTH}" height="{ROW_H}" fill="transparent"/>'
            f'{label}{shape}</a>')


def _link(scale: Scale, plan: Mark, outcome: Mark, i: int, j: int) -> str:
    x1 = _span(scale, plan)[1]
    x2 = _span(scale, outcome)[0]
    y1, y2 = TOP + i * ROW_H + ROW_H / 2, TOP + j * ROW_H + ROW_H / 2
    bend = max(24.0, abs(x2 - x1) / 2)
    return (f'<path class="plan-link" d="M{x1 + 3:.1f},{y1:.1f} C{x1 + bend:.1f},{y1:.1f} {x2 - bend:.1f},{y2:.1f} '
            f'{x2 - 4:.1f},{y2:.1f}" fill="none" stroke="#555" stroke-width="1.3" marker-end="url(#arrow)">'
            f'<title>{esc(plan.ident)} was carried out by {esc(outcome.ident)}</title></path>')


def _legend(y: float, statuses: list[str], marks: list[Mark]) -> str:
    shown = [s for s in statuses if any(m.status == s for m in marks)]
    x, out = 10.0, []
    for status in shown:
        hollow = status in PLAN_LIKE
        style = (f'fill="#fff" stroke="{colour(status, statuses)}" stroke-width="2" stroke-dasharray="3,2"' if hollow
                 else f'fill="{colour(status, statuses)}"')
        out.append(f'<rect x="{x:.0f}" y="{y - 9}" width="22" height="10" rx="2" {style}/>'
                   f'<text class="legend" x="{x + 28:.0f}" y="{y}">{esc(status)}</text>')
        x += 40 + 7 * len(status)
    out.append(f'<rect x="{x:.0f}" y="{y - 9}" width="22" height="10" rx="2" fill="#9aa5b1"/>'
               f'<text class="legend" x="{x + 28:.0f}" y="{y}">article published</text>')
    out.append(f'<text class="legend" x="10" y="{y + 22}">◆ known to the day   ▬ bar: every day the date may '
               f'fall on (month, year or interval)   hollow: not (yet) reported as done   → plan carried out by</text>')
    return "\n".join(out)


# ---------------------------------------------------------------------------- places

MAP_WINDOW = (8.0, 10.0)   # degrees of latitude and longitude either side of the median place


def map_extent(places: list[dict]) -> tuple[list[dict], list[dict]]:
    """(places on the plot, places too far away): the plot centres on the median place."""
    located = [p for p in places if p.get("latitude") is not None and p.get("longitude") is not None]
    if not located:
        return [], []
    lat = sorted(p["latitude"] for p in located)[len(located) // 2]
    lon = sorted(p["longitude"] for p in located)[len(located) // 2]
    near = [p for p in located if abs(p["latitude"] - lat) <= MAP_WINDOW[0] and abs(p["longitude"] - lon) <= MAP_WINDOW[1]]
    return near, [p for p in located if p not in near]


def places_svg(places: list[dict], href) -> str:
    """Places on a plain longitude/latitude grid (no base map: nothing is fetched), labelled
    in a column on the right with leader lines, so places a few kilometres apart stay legible."""
    if not places:
        return ""
    lats, lons = [p["latitude"] for p in places], [p["longitude"] for p in places]
    south, north = math.floor(min(lats)) - 1, math.ceil(max(lats)) + 1
    west, east = math.floor(min(lons)) - 1, math.ceil(max(lons)) + 1
    squash = math.cos(math.radians((north + south) / 2))
    plot_w, pad, label_x = 440, 40, 560
    per_degree = min((plot_w - pad) / max(1, (east - west) * squash), 40.0)
    order = sorted(places, key=lambda p: (-p["latitude"], p["longitude"], p["place_id"]))
    height = max(int(2 * pad + (north - south) * per_degree), 2 * pad + 15 * len(order))
    width = 880

    def xy(lat, lon):
        return pad + (lon - west) * squash * per_degree, pad + (north - lat) * per_degree

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="places-map" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}" role="img" aria-labelledby="places-title">',
           '<title id="places-title">Places with coordinates on a longitude/latitude grid</title>',
           _style("places-map")]
    step = 1 if east - west <= 12 else 2
    right, bottom = xy(south, east)
    for lon in range(west, east + 1, step):
        x = xy(north, lon)[0]
        out.append(f'<line x1="{x:.1f}" y1="{pad}" x2="{x:.1f}" y2="{bottom:.1f}" stroke="#e6e6e6"/>'
                   f'<text class="tick" x="{x:.1f}" y="{bottom + 14:.1f}" text-anchor="middle">{lon}°E</text>')
    for lat in range(south, north + 1, step):
        y = xy(lat, west)[1]
        out.append(f'<line x1="{pad}" y1="{y:.1f}" x2="{right:.1f}" y2="{y:.1f}" stroke="#e6e6e6"/>'
                   f'<text class="tick" x="{pad - 4}" y="{y + 4:.1f}" text-anchor="end">{lat}°N</text>')
    for p, label_y in zip(order, _label_rows([xy(p["latitude"], p["longitude"])[1] for p in order], height, pad)):
        x, y = xy(p["latitude"], p["longitude"])
        out.append(f'<a href="{esc(href(p["place_id"]))}"><title>{esc(p["name_en"])} ({p["latitude"]}, '
                   f'{p["longitude"]}; {esc(p.get("geo_precision") or "")})</title>'
                   f'<path d="M{x:.1f},{y:.1f} L{label_x - 6},{label_y - 4:.1f}" stroke="#c5cdd6" fill="none"/>'
                   f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="#1f5fa8"/>'
                   f'<text class="label" x="{label_x}" y="{label_y:.1f}">{esc(p["name_en"])}</text></a>')
    out.append("</svg>")
    return "\n".join(out)


def _label_rows(ys: list[float], height: float, pad: float, gap: float = 15.0) -> list[float]:
    """Label baselines near their points' heights (ys sorted top to bottom), never closer than gap."""
    rows, last = [], pad - gap
    for y in ys:
        last = max(y + 4, last + gap)
        rows.append(last)
    overflow = rows[-1] - (height - 8) if rows else 0
    if overflow > 0:  # push the column up, keeping the spacing
        rows = [r - overflow for r in rows]
        for i in range(len(rows) - 2, -1, -1):
            rows[i] = min(rows[i], rows[i + 1] - gap)
    return rows
