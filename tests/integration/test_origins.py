"""Independent origins on the repository's corpus: a source and its rewrites (derived_from) count once."""
from __future__ import annotations

import duckdb
import pyarrow.parquet as pq

from scripts.db.views import create_views, read_views
from scripts.metadata import TABLE_ORDER


def test_timeline_counts_a_derived_chain_once(real):
    con = duckdb.connect()
    for name in TABLE_ORDER:
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{real / 'build/data' / name}.parquet')")
    create_views(con, read_views(), real)
    parent = {r["source_id"]: r["derived_from"] for r in pq.read_table(real / "build/data/sources.parquet").to_pylist()}

    def origin(source):
        while parent[source]:
            source = parent[source]
        return source

    mentions = pq.read_table(real / "build/data/mentions.parquet").to_pylist()
    sources_of: dict = {}
    for m in mentions:
        sources_of.setdefault(m["event_id"], set()).add(m["source_id"])
    rows = con.execute("SELECT event_id, source_count, origin_count, origin_ids FROM timeline").fetchall()
    assert rows
    for event_id, source_count, origin_count, origin_ids in rows:
        origins = {origin(s) for s in sources_of.get(event_id, ())}
        assert (source_count, origin_count) == (len(sources_of.get(event_id, ())), len(origins)), event_id
        assert (origin_ids or "") == ", ".join(sorted(origins))
    # where the corpus has a rewrite, some event is reported by two sources but one origin
    if any(parent.values()):
        assert any(s == 2 and o == 1 for _, s, o, _ in rows)
