"""The map page's geometry: every place with coordinates on Natural Earth country outlines.

The outlines come from the npm package world-atlas (TopoJSON, decoded by topojson.py) at
the pinned version; nothing is fetched and there is no tile server. The main map shows
Iraq and its neighbours (Iraq's extent and two degrees around it, widened to the places
near it); places farther away are drawn on a second, world map. Projection: longitude and
latitude scaled by the cosine of the map's middle latitude (equirectangular), enough for
a region this size. A marker's area grows with the mentions of the events at that place;
a filled marker is a site or a settlement (coordinates within about 5 km), a hollow dashed
one the representative point of a region or a country. Labels sit in a column on the right
with leader lines, so places a few kilometres apart stay legible. Coordinates are written
with one decimal, so the SVG's bytes depend only on the inputs. The markup is in
templates/map.svg.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache

from scripts.errors import Collector
from scripts.site import vendor
from scripts.site.html import fragment
from scripts.site.topojson import Feature, features

FOCUS = "Iraq"
MARGIN = 2.0          # degrees around Iraq
NEAR = 6.0            # degrees beyond that within which a place widens the map instead of going to the world map
EXACT = {"site", "city"}   # geo_precision values drawn as filled markers
MAP_W, LABEL_X, WIDTH = 540, 575, 960


@dataclass(frozen=True)
class Window:
    west: float
    south: float
    east: float
    north: float

    def holds(self, lon: float, lat: float) -> bool:
        return self.west <= lon <= self.east and self.south <= lat <= self.north

    def widened(self, by: float) -> Window:
        return Window(self.west - by, self.south - by, self.east + by, self.north + by)


@cache
def countries(file: str) -> tuple[Feature, ...]:
    """The countries of one world-atlas file (read once per process)."""
    problems = Collector()
    folder = vendor.package("world-atlas", problems)
    problems.raise_if_any()
    return tuple(features(json.loads((folder / file).read_text(encoding="utf-8")), "countries"))


def located(places: list[dict]) -> list[dict]:
    return [p for p in places if p.get("latitude") is not None and p.get("longitude") is not None]


def split(places: list[dict], outlines: tuple[Feature, ...]) -> tuple[Window, list[dict], list[dict]]:
    """The main map's window, the places on it and the places for the world map."""
    focus = next((f for f in outlines if f.name == FOCUS), None)
    west, south, east, north = focus.bbox() if focus else (38.0, 29.0, 49.0, 38.0)
    base = Window(west, south, east, north).widened(MARGIN)
    near = [p for p in located(places) if base.widened(NEAR).holds(p["longitude"], p["latitude"])]
    far = [p for p in located(places) if p not in near]
    lons, lats = [p["longitude"] for p in near], [p["latitude"] for p in near]
    window = Window(min([base.west, *[x - 1 for x in lons]]), min([base.south, *[y - 1 for y in lats]]),
                    max([base.east, *[x + 1 for x in lons]]), max([base.north, *[y + 1 for y in lats]]))
    return window, near, far


def world_window(places: list[dict]) -> Window:
    lons, lats = [p["longitude"] for p in places], [p["latitude"] for p in places]
    return Window(max(-180.0, min(lons) - 15), max(-60.0, min(lats) - 10), min(180.0, max(lons) + 15),
                  min(85.0, max(lats) + 10))


def map_svg(outlines: tuple[Feature, ...], window: Window, places: list[dict], mentions: dict[str, int], href,
            ident: str, title: str, highlight: str = FOCUS, country_labels: bool = True):
    """One map as an <svg> element: the countries in the window, a marker and a label per place."""
    if not places:
        return ""
    squash = math.cos(math.radians((window.north + window.south) / 2))
    scale = MAP_W / ((window.east - window.west) * squash)
    map_h = (window.north - window.south) * scale
    pad = 10.0

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return pad + (lon - window.west) * squash * scale, pad + (window.north - lat) * scale

    shown = window.widened(1.0)
    shapes, labels = [], []
    for country in outlines:
        rings, inside = [], []
        for polygon in country.polygons:
            for ring in polygon:
                if not any(shown.holds(lon, lat) for lon, lat in ring):
                    continue
                inside += [(lon, lat) for lon, lat in ring if window.holds(lon, lat)]
                rings.append(_path(ring, shown, xy))
        if rings:
            shapes.append({"name": country.name, "d": " ".join(rings), "focus": country.name == highlight})
        if country_labels and len(inside) >= 12 and country.name:
            lon = sum(p[0] for p in inside) / len(inside)
            lat = sum(p[1] for p in inside) / len(inside)
            labels.append({"name": country.name, "xy": xy(lon, lat), "focus": country.name == highlight})
    order = sorted(places, key=lambda p: (-p["latitude"], p["longitude"], p["place_id"]))
    height = max(map_h + 2 * pad, 16 * len(order) + 2 * pad)
    rows = _label_rows([xy(p["longitude"], p["latitude"])[1] for p in order], height, pad)
    markers = []
    for p, label_y in zip(order, rows):
        n = mentions.get(p["place_id"], 0)
        markers.append({"place": p, "href": href(p["place_id"]), "xy": xy(p["longitude"], p["latitude"]),
                        "r": 3.0 + 2.2 * math.sqrt(n), "mentions": n, "label_y": label_y,
                        "exact": p.get("geo_precision") in EXACT})
    markers.sort(key=lambda m: (-m["r"], m["place"]["place_id"]))  # small markers on top of large ones
    return fragment("map.svg", ident=ident, title=title, width=WIDTH, height=height, pad=pad, map_w=MAP_W,
                    map_h=map_h, label_x=LABEL_X, shapes=shapes, labels=labels, markers=markers)


def _path(ring, shown: Window, xy) -> str:
    """A ring as SVG path data: points beyond the shown window are pulled to its edge (they are
    clipped anyway), and points that round to the one before are left out."""
    out, last = [], None
    for lon, lat in ring:
        lon = min(max(lon, shown.west), shown.east)
        lat = min(max(lat, shown.south), shown.north)
        x, y = xy(lon, lat)
        point = f"{x:.1f},{y:.1f}"
        if point != last:
            out.append(point)
            last = point
    return "M" + " L".join(out) + " Z"


def _label_rows(ys: list[float], height: float, pad: float, gap: float = 16.0) -> list[float]:
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
