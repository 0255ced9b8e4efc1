"""The TopoJSON decoder (scripts/site/topojson.py) on small hand-made topologies."""
from __future__ import annotations

from scripts.site.topojson import decode_arcs, features, ring

# Two squares sharing an edge, quantized: arc 0 is the shared edge, written once.
TOPOLOGY = {
    "type": "Topology",
    "transform": {"scale": [0.5, 0.25], "translate": [10, 20]},
    "arcs": [
        [[2, 0], [0, 4]],                      # (2,0) -> (2,4)
        [[2, 4], [-2, 0], [0, -4], [2, 0]],    # (2,4) -> (0,4) -> (0,0) -> (2,0)
        [[2, 0], [2, 0], [0, 4], [-2, 0]],     # (2,0) -> (4,0) -> (4,4) -> (2,4)
    ],
    "objects": {"countries": {"type": "GeometryCollection", "geometries": [
        {"type": "Polygon", "arcs": [[0, 1]], "id": "1", "properties": {"name": "West"}},
        {"type": "MultiPolygon", "arcs": [[[2, ~0]]], "id": "2", "properties": {"name": "East"}},
        {"type": "Point", "coordinates": [0, 0]},
    ]}},
}


def test_arcs_are_delta_decoded_and_transformed():
    arcs = decode_arcs(TOPOLOGY)
    assert arcs[0] == [(11.0, 20.0), (11.0, 21.0)]
    assert arcs[1] == [(11.0, 21.0), (10.0, 21.0), (10.0, 20.0), (11.0, 20.0)]


def test_a_ring_keeps_a_shared_point_once_and_reverses_negative_arcs():
    arcs = decode_arcs(TOPOLOGY)
    assert ring([0, 1], arcs) == [(11.0, 20.0), (11.0, 21.0), (10.0, 21.0), (10.0, 20.0), (11.0, 20.0)]
    assert ring([2, ~0], arcs) == [(11.0, 20.0), (12.0, 20.0), (12.0, 21.0), (11.0, 21.0), (11.0, 20.0)]


def test_features_are_the_polygons_with_names_and_boxes():
    west, east = features(TOPOLOGY, "countries")
    assert (west.name, west.ident, len(west.polygons)) == ("West", "1", 1)
    assert east.name == "East" and east.bbox() == (11.0, 20.0, 12.0, 21.0)


def test_an_unquantized_topology_is_read_as_it_is():
    plain = {"arcs": [[[1.5, 2.5], [3.0, 4.0]]], "objects": {}}
    assert decode_arcs(plain) == [[(1.5, 2.5), (3.0, 4.0)]]
