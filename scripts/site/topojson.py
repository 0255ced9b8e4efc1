"""A small TopoJSON decoder: the country outlines of Natural Earth as lon/lat rings.

TopoJSON (the format of the npm package world-atlas) stores each border once, as an
"arc"; a polygon lists the arcs of its rings by index, a negative index ~i meaning arc i
reversed. A quantized topology stores the arcs' points as integers, each one a difference
from the point before it ("delta encoding"), and a `transform` (scale, translate) turns the
running sums back into longitude and latitude. Consecutive arcs of a ring share their end
point, which is kept once. That is all the map needs; no package does it in fewer lines
(the PyPI `topojson` package encodes topologies and pulls in shapely and numpy).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Point = tuple[float, float]          # (longitude, latitude)
Ring = list[Point]


@dataclass(frozen=True)
class Feature:
    ident: str
    name: str
    polygons: list[list[Ring]]        # each polygon: its outer ring, then its holes

    def bbox(self) -> tuple[float, float, float, float]:
        """(west, south, east, north) of every point."""
        points = [p for polygon in self.polygons for ring in polygon for p in ring]
        lons, lats = [p[0] for p in points], [p[1] for p in points]
        return min(lons), min(lats), max(lons), max(lats)


def decode_arcs(topology: dict) -> list[Ring]:
    """Every arc as absolute (lon, lat) points: delta-decoded and transformed if quantized."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        if not arc:
            arcs.append([])
            continue
        try:
            points = np.asarray(arc, dtype=np.float64)[:, :2]
        except ValueError:  # positions of different lengths: keep the first two numbers of each
            points = np.asarray([p[:2] for p in arc], dtype=np.float64)
        if transform:  # running sums of the integer deltas, then scaled and translated
            points = np.cumsum(points, axis=0) * transform["scale"] + transform["translate"]
        arcs.append([(x, y) for x, y in points.tolist()])
    return arcs


def ring(indexes: list[int], arcs: list[Ring]) -> Ring:
    """A ring from its arcs: ~i is arc i reversed; the point shared by two arcs is kept once."""
    points: Ring = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def features(topology: dict, name: str) -> list[Feature]:
    """The Polygon and MultiPolygon geometries of one object of the topology, in its order."""
    arcs = decode_arcs(topology)
    out = []
    for geometry in topology["objects"][name].get("geometries", []):
        kind = geometry.get("type")
        if kind == "Polygon":
            polygons = [geometry["arcs"]]
        elif kind == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        out.append(Feature(str(geometry.get("id", "")), str(geometry.get("properties", {}).get("name", "")),
                           [[ring(r, arcs) for r in polygon] for polygon in polygons]))
    return out
