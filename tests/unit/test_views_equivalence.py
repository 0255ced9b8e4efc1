"""The analysis views against the plain "test every pair" formulation they replace, on random
rows: conflicting_claim_pairs and timeline are written to do work in proportion to their output
(distinct claimed ranges, equality joins per event, place or month, pre-aggregation), and must
return exactly the rows, in the order, of the obvious quadratic query."""
from __future__ import annotations

import datetime as dt
import itertools
import random

import pytest

from tests.unit.test_db import insert_rows

# The views as they were first written: every pair of claims tested, one GROUP BY over the join.
PAIRWISE_CONFLICTS = r"""
WITH dated AS (
    SELECT *
    FROM mentions
    WHERE claimed_start IS NOT NULL AND claimed_end IS NOT NULL AND modality <> 'denied'
),
date_conflicts AS (
    SELECT
        'date' AS kind,
        a.event_id AS topic,
        e.summary_en AS topic_en,
        a.mention_id AS claim_id_a,
        a.source_id AS source_id_a,
        a.attributed_to AS attributed_to_a,
        a.claimed_date AS claimed_a,
        CAST(a.claimed_start AS VARCHAR) || '..' || CAST(a.claimed_end AS VARCHAR) AS range_a,
        a.quote AS quote_a,
        a.quote_en AS quote_en_a,
        b.mention_id AS claim_id_b,
        b.source_id AS source_id_b,
        b.attributed_to AS attributed_to_b,
        b.claimed_date AS claimed_b,
        CAST(b.claimed_start AS VARCHAR) || '..' || CAST(b.claimed_end AS VARCHAR) AS range_b,
        b.quote AS quote_b,
        b.quote_en AS quote_en_b,
        a.source_id = b.source_id AS same_source,
        CAST(CASE WHEN a.claimed_end < b.claimed_start THEN b.claimed_start - a.claimed_end
                  ELSE a.claimed_start - b.claimed_end END AS DOUBLE) AS gap,
        'day' AS gap_unit
    FROM dated AS a
    JOIN dated AS b ON b.event_id = a.event_id AND a.mention_id < b.mention_id
    JOIN events AS e ON e.event_id = a.event_id
    WHERE a.claimed_end < b.claimed_start OR b.claimed_end < a.claimed_start
),
bounded AS (
    SELECT
        f.*,
        round(coalesce(f.value_low, CASE f.qualifier
            WHEN 'exact' THEN f.value
            WHEN 'approx' THEN f.value * 0.9
            WHEN 'at_least' THEN f.value END), 6) AS low,
        round(coalesce(f.value_high, CASE f.qualifier
            WHEN 'exact' THEN f.value
            WHEN 'approx' THEN f.value * 1.1
            WHEN 'at_most' THEN f.value
            WHEN 'less_than' THEN f.value END), 6) AS high,
        coalesce(f.as_of_start, s.published_earliest) AS holds_from,
        coalesce(f.as_of_end, s.published_latest) AS holds_to,
        f.qualifier || ' ' || coalesce(
            regexp_replace(CAST(f.value AS VARCHAR), '\.0$', ''),
            coalesce(regexp_replace(CAST(f.value_low AS VARCHAR), '\.0$', ''), '')
                || '..' || coalesce(regexp_replace(CAST(f.value_high AS VARCHAR), '\.0$', ''), '')
        ) AS claimed
    FROM figures AS f
    JOIN sources AS s ON s.source_id = f.source_id
),
value_conflicts AS (
    SELECT
        'value' AS kind,
        a.subject AS topic,
        a.subject || ' (' || a.unit || ')' AS topic_en,
        a.figure_id AS claim_id_a,
        a.source_id AS source_id_a,
        a.attributed_to AS attributed_to_a,
        a.claimed AS claimed_a,
        coalesce(regexp_replace(CAST(a.low AS VARCHAR), '\.0$', ''), '') || '..'
            || coalesce(regexp_replace(CAST(a.high AS VARCHAR), '\.0$', ''), '') AS range_a,
        a.quote AS quote_a,
        a.quote_en AS quote_en_a,
        b.figure_id AS claim_id_b,
        b.source_id AS source_id_b,
        b.attributed_to AS attributed_to_b,
        b.claimed AS claimed_b,
        coalesce(regexp_replace(CAST(b.low AS VARCHAR), '\.0$', ''), '') || '..'
            || coalesce(regexp_replace(CAST(b.high AS VARCHAR), '\.0$', ''), '') AS range_b,
        b.quote AS quote_b,
        b.quote_en AS quote_en_b,
        a.source_id = b.source_id AS same_source,
        CASE WHEN a.high < b.low THEN b.low - a.high ELSE a.low - b.high END AS gap,
        a.unit AS gap_unit
    FROM bounded AS a
    JOIN bounded AS b
        ON b.subject = a.subject AND b.unit = a.unit AND a.figure_id < b.figure_id
    WHERE (a.place_id IS NULL OR b.place_id IS NULL OR a.place_id = b.place_id)
      AND (a.event_id IS NULL OR b.event_id IS NULL OR a.event_id = b.event_id)
      AND a.holds_from <= b.holds_to AND b.holds_from <= a.holds_to
      AND (a.high < b.low OR b.high < a.low)
),
content_conflicts AS (
    SELECT
        'content' AS kind,
        e.event_id AS topic,
        e.summary_en AS topic_en,
        a.mention_id AS claim_id_a,
        a.source_id AS source_id_a,
        a.attributed_to AS attributed_to_a,
        a.event_id AS claimed_a,
        CAST(NULL AS VARCHAR) AS range_a,
        a.quote AS quote_a,
        a.quote_en AS quote_en_a,
        b.mention_id AS claim_id_b,
        b.source_id AS source_id_b,
        b.attributed_to AS attributed_to_b,
        b.event_id AS claimed_b,
        CAST(NULL AS VARCHAR) AS range_b,
        b.quote AS quote_b,
        b.quote_en AS quote_en_b,
        a.source_id = b.source_id AS same_source,
        CAST(NULL AS DOUBLE) AS gap,
        CAST(NULL AS VARCHAR) AS gap_unit
    FROM mentions AS a
    JOIN mentions AS b ON a.mention_id < b.mention_id
    JOIN events AS e
        ON (e.event_id = a.event_id AND e.contradicts_event_id = b.event_id)
        OR (e.event_id = b.event_id AND e.contradicts_event_id = a.event_id)
    WHERE a.modality IN ('reported', 'planned', 'expected') AND b.modality IN ('reported', 'planned', 'expected')
)
SELECT * FROM date_conflicts
UNION ALL
SELECT * FROM value_conflicts
UNION ALL
SELECT * FROM content_conflicts
ORDER BY kind, topic, claim_id_a, claim_id_b
"""

JOINED_TIMELINE = r"""
SELECT
    e.event_id,
    e.date,
    e.date_start,
    e.date_end,
    e.date_precision,
    e.event_type,
    e.status,
    e.summary_en,
    e.summary_ar,
    e.place_id,
    p.name_en AS place_name_en,
    p.name_ar AS place_name_ar,
    e.outcome_event_id,
    count(m.mention_id) AS mention_count,
    count(DISTINCT m.source_id) AS source_count,
    string_agg(DISTINCT m.source_id, ', ' ORDER BY m.source_id) AS source_ids
FROM events AS e
LEFT JOIN places AS p ON p.place_id = e.place_id
LEFT JOIN mentions AS m ON m.event_id = e.event_id
GROUP BY
    e.event_id, e.date, e.date_start, e.date_end, e.date_precision, e.event_type, e.status,
    e.summary_en, e.summary_ar, e.place_id, p.name_en, p.name_ar, e.outcome_event_id
ORDER BY e.date_start NULLS LAST, e.date_end NULLS LAST, e.event_id
"""

# conflicting_claims as first written: each claim's side from a window over every edge, one GROUP BY
# with DISTINCT aggregates over the sides (its ORDER BY had ties: the order is compared separately).
WINDOWED_CLAIMS = r"""
WITH edges AS (
    -- every pair both ways round (x, y), each end's interval as numbers: days since 1970-01-01 for
    -- dates; an empty end of a figure's interval is no limit. One scan of conflicting_claim_pairs.
    SELECT
        kind, topic, topic_en, gap_unit, gap,
        e.x, e.x_source, e.x_claimed, e.x_range, e.y, e.y_source, e.y_claimed, e.y_range,
        CASE WHEN kind = 'date' THEN date_diff('day', make_date(1970, 1, 1), CAST(split_part(e.x_range, '..', 1) AS DATE))
             ELSE coalesce(TRY_CAST(split_part(e.x_range, '..', 1) AS DOUBLE), CAST('-infinity' AS DOUBLE)) END AS x_lo,
        CASE WHEN kind = 'date' THEN date_diff('day', make_date(1970, 1, 1), CAST(split_part(e.x_range, '..', 2) AS DATE))
             ELSE coalesce(TRY_CAST(split_part(e.x_range, '..', 2) AS DOUBLE), CAST('infinity' AS DOUBLE)) END AS x_hi,
        CASE WHEN kind = 'date' THEN date_diff('day', make_date(1970, 1, 1), CAST(split_part(e.y_range, '..', 1) AS DATE))
             ELSE coalesce(TRY_CAST(split_part(e.y_range, '..', 1) AS DOUBLE), CAST('-infinity' AS DOUBLE)) END AS y_lo,
        CASE WHEN kind = 'date' THEN date_diff('day', make_date(1970, 1, 1), CAST(split_part(e.y_range, '..', 2) AS DATE))
             ELSE coalesce(TRY_CAST(split_part(e.y_range, '..', 2) AS DOUBLE), CAST('infinity' AS DOUBLE)) END AS y_hi
    FROM (
        SELECT kind, topic, topic_en, gap_unit, gap, unnest([
            {'x': claim_id_a, 'x_source': source_id_a, 'x_claimed': claimed_a, 'x_range': range_a,
             'y': claim_id_b, 'y_source': source_id_b, 'y_claimed': claimed_b, 'y_range': range_b},
            {'x': claim_id_b, 'x_source': source_id_b, 'x_claimed': claimed_b, 'x_range': range_b,
             'y': claim_id_a, 'y_source': source_id_a, 'y_claimed': claimed_a, 'y_range': range_a}
        ]) AS e
        FROM conflicting_claim_pairs
    )
),
sided AS (
    -- a claim's side: the claims it contradicts (the same list for x as a row's x, and for y as a row's y)
    SELECT
        *,
        array_to_string(list_sort(list(y) OVER (PARTITION BY kind, topic, x)), ',') AS side_x,
        array_to_string(list_sort(list(x) OVER (PARTITION BY kind, topic, y)), ',') AS side_y
    FROM edges
),
blocks AS (
    -- two sides that contradict each other, x the earlier or lower: every pair between them
    SELECT
        kind,
        topic,
        any_value(topic_en) AS topic_en,
        count(DISTINCT x) AS claims_a,
        string_agg(DISTINCT x, ', ' ORDER BY x) AS claim_ids_a,
        string_agg(DISTINCT x_source, ', ' ORDER BY x_source) AS sources_a,
        string_agg(DISTINCT x_claimed, ', ' ORDER BY x_claimed) AS claimed_a,
        min(x_lo) AS lo_a,
        max(x_lo) AS last_lo_a,
        max(x_hi) AS hi_a,
        count(DISTINCT y) AS claims_b,
        string_agg(DISTINCT y, ', ' ORDER BY y) AS claim_ids_b,
        string_agg(DISTINCT y_source, ', ' ORDER BY y_source) AS sources_b,
        string_agg(DISTINCT y_claimed, ', ' ORDER BY y_claimed) AS claimed_b,
        min(y_lo) AS lo_b,
        max(y_hi) AS hi_b,
        count(DISTINCT x_source) = 1 AND count(DISTINCT y_source) = 1 AND min(x_source) = min(y_source) AS same_source_only,
        min(gap) AS gap,
        any_value(gap_unit) AS gap_unit
    FROM sided
    -- side a: the earlier dates or lower values, or for content the claims of the topic event
    WHERE CASE WHEN kind = 'content' THEN x_claimed = topic ELSE x_hi < y_lo END
    GROUP BY kind, topic, side_x, side_y
),
pairs AS (
    SELECT
        kind,
        topic,
        topic_en,
        claims_a,
        claim_ids_a,
        sources_a,
        claimed_a,
        CASE WHEN kind = 'date'
             THEN CAST(make_date(1970, 1, 1) + CAST(lo_a AS INTEGER) AS VARCHAR) || '..' || CAST(make_date(1970, 1, 1) + CAST(hi_a AS INTEGER) AS VARCHAR)
             WHEN kind = 'value' THEN CASE WHEN isinf(lo_a) THEN '' ELSE regexp_replace(CAST(lo_a AS VARCHAR), '\.0$', '') END || '..'
                  || CASE WHEN isinf(hi_a) THEN '' ELSE regexp_replace(CAST(hi_a AS VARCHAR), '\.0$', '') END
        END AS range_a,
        claims_b,
        claim_ids_b,
        sources_b,
        claimed_b,
        CASE WHEN kind = 'date'
             THEN CAST(make_date(1970, 1, 1) + CAST(lo_b AS INTEGER) AS VARCHAR) || '..' || CAST(make_date(1970, 1, 1) + CAST(hi_b AS INTEGER) AS VARCHAR)
             WHEN kind = 'value' THEN CASE WHEN isinf(lo_b) THEN '' ELSE regexp_replace(CAST(lo_b AS VARCHAR), '\.0$', '') END || '..'
                  || CASE WHEN isinf(hi_b) THEN '' ELSE regexp_replace(CAST(hi_b AS VARCHAR), '\.0$', '') END
        END AS range_b,
        same_source_only,
        gap,
        gap_unit,
        -- the nearest starts: side a's latest-starting claim and side b's earliest-starting one
        CASE WHEN kind = 'date' THEN date_diff('month', make_date(1970, 1, 1) + CAST(last_lo_a AS INTEGER),
                                               make_date(1970, 1, 1) + CAST(lo_b AS INTEGER)) END AS months,
        CASE WHEN kind = 'date' THEN CAST(lo_b - last_lo_a AS BIGINT) END AS days
    FROM blocks
)
SELECT
    kind,
    topic,
    topic_en,
    claims_a,
    claim_ids_a,
    sources_a,
    claimed_a,
    range_a,
    claims_b,
    claim_ids_b,
    sources_b,
    claimed_b,
    range_b,
    same_source_only,
    gap,
    gap_unit,
    CASE
        WHEN kind = 'value' THEN regexp_replace(CAST(gap AS VARCHAR), '\.0$', '') || ' ' || gap_unit
        WHEN kind = 'content' THEN NULL
        WHEN months >= 12 AND months % 12 = 0 THEN CAST(months // 12 AS VARCHAR) || CASE WHEN months = 12 THEN ' year' ELSE ' years' END
        WHEN months >= 12 THEN CAST(months // 12 AS VARCHAR) || CASE WHEN months < 24 THEN ' year ' ELSE ' years ' END
                               || CAST(months % 12 AS VARCHAR) || CASE WHEN months % 12 = 1 THEN ' month' ELSE ' months' END
        WHEN months >= 1 THEN CAST(months AS VARCHAR) || CASE WHEN months = 1 THEN ' month' ELSE ' months' END
        ELSE CAST(days AS VARCHAR) || CASE WHEN days = 1 THEN ' day' ELSE ' days' END
    END AS apart
FROM pairs
ORDER BY kind, topic, range_a, range_b
"""

SUBJECTS = [("us_troops_in_iraq", "person"), ("distance", "km"), ("advisers_remaining", "person")]
QUALIFIERS = ["exact", "approx", "at_least", "at_most", "less_than", "range", "vague"]


def random_rows(con, rng: random.Random):
    """A small corpus where everything is likely to collide: few events, places, subjects and days."""
    day0 = dt.date(2025, 1, 1)
    pending: list[tuple[str, dict]] = []

    def add(table, **row):
        pending.append((table, row))

    def day(lo=0, hi=120):
        return day0 + dt.timedelta(days=rng.randint(lo, hi))

    places = ["p1", "p2", "p3"]
    for p in places:
        add("places", place_id=p, name_en=p.upper(), name_ar="م", kind="country")
    sources = []
    for k in range(6):
        sid, first = f"s{k}", day()
        last = first + dt.timedelta(days=rng.choice((0, 0, 2, 40)))
        add("sources", source_id=sid, outlet_actor_id=f"{sid}-outlet", outlet_en=sid, outlet_ar="م", title_en="t",
               language="ar", published=str(first), published_earliest=first, published_latest=last,
               published_precision="day", published_basis="stated", published_note="n", article_path=f"articles/{sid}.txt",
               article_sha256="0" * 64, chars=10)
        add("actors", actor_id=f"{sid}-outlet", name_en=sid, name_ar="م", kind="news_outlet")
        sources.append(sid)
    events = [f"e{k}" for k in range(5)]
    for e in events:
        start = day()
        add("events", event_id=e, event_type="other", status="occurred", summary_en=e, summary_ar="ح",
               date=str(start), date_start=start, date_end=start, date_precision="day",
               place_id=rng.choice(places + [None]))
    add("events", event_id="e5", event_type="other", status="occurred", summary_en="e5", summary_ar="ح",
           contradicts_event_id="e0")  # a conflict of content: e5 cannot be true with e0
    events.append("e5")
    add("events", event_id="unmentioned", event_type="other", status="occurred", summary_en="u", summary_ar="ح")
    for k in range(60):
        sid = rng.choice(sources)
        start = day() if rng.random() < 0.8 else None
        end = None if start is None else start + dt.timedelta(days=rng.choice((0, 0, 0, 5, 30, 300)))
        add("mentions", mention_id=f"m{k:03d}", source_id=sid, event_id=rng.choice(events), quote="ق",
               char_start=k, char_end=k + 1, quote_en="q", claimed_date=None if start is None else str(start),
               claimed_start=start, claimed_end=end, modality=rng.choice(("reported", "reported", "denied", "planned")),
               attributed_to=f"{sid}-outlet", attribution="outlet_statement")
    for k in range(80):
        sid = rng.choice(sources)
        subject, unit = rng.choice(SUBJECTS)
        qualifier, value = rng.choice(QUALIFIERS), float(rng.choice((10, 20, 25, 40, 100)))
        low = high = None
        if qualifier == "range":
            low, high, value = value, value + rng.choice((5, 50)), None
        elif qualifier in ("at_least", "vague"):
            low, value = value, None
        elif qualifier in ("at_most", "less_than"):
            high, value = value, None
        as_of = day() if rng.random() < 0.6 else None
        as_of_end = None if as_of is None else as_of + dt.timedelta(days=rng.choice((0, 0, 31, 200)))
        add("figures", figure_id=f"f{k:03d}", source_id=sid, subject=subject, value=value, value_low=low,
               value_high=high, qualifier=qualifier, unit=unit, as_of_start=as_of, as_of_end=as_of_end,
               place_id=rng.choice(places + [None]), event_id=rng.choice(events + [None, None]), quote="ق",
               char_start=k, char_end=k + 1, quote_en="q", attributed_to=f"{sid}-outlet", attribution="outlet_statement")
    # one statement per run of rows of the same table and columns, in order (a row that refers to
    # another row of its own table, like e5, must not share a statement with it)
    for (table, _), run in itertools.groupby(pending, key=lambda p: (p[0], tuple(p[1]))):
        insert_rows(con, table, [row for _, row in run])


@pytest.mark.parametrize("seed", range(8))
def test_conflicting_claim_pairs_equals_every_pair_tested(con, seed):
    random_rows(con, random.Random(seed))
    got = con.sql("SELECT * FROM conflicting_claim_pairs")
    want = con.sql(PAIRWISE_CONFLICTS)
    assert (got.columns, got.types) == (want.columns, want.types)
    got, want = got.fetchall(), want.fetchall()
    assert got == want
    kinds = {r[0] for r in got}
    assert kinds == {"content", "date", "value"}, kinds  # the random rows do produce every kind of conflict
    assert len(got) > 10


@pytest.mark.parametrize("seed", range(4))
def test_timeline_equals_the_joined_group_by(con, seed):
    random_rows(con, random.Random(seed))
    # origin_count and origin_ids are checked against the derived_from chains in tests/integration/test_origins.py
    got, want = con.sql("SELECT * EXCLUDE (origin_count, origin_ids) FROM timeline"), con.sql(JOINED_TIMELINE)
    assert (got.columns, got.types) == (want.columns, want.types)
    got = got.fetchall()
    assert got == want.fetchall()
    assert got[-1][0] == "unmentioned" and got[-1][13:] == (0, 0, None)
    assert sum(r[13] for r in got) == 60


def sides_by_hand(pairs: list[dict]) -> list[tuple]:
    """conflicting_claims in Python: the claims of one topic that contradict the same claims form a
    side; one row per two sides with a pair between them, holding the claims of those pairs, the
    earlier or lower first."""
    def bound(kind, text, default):
        if not text:
            return default
        return dt.date.fromisoformat(text).toordinal() if kind == "date" else float(text)

    contradicts, info = {}, {}
    for p in pairs:
        for s, o in (("a", "b"), ("b", "a")):
            key = (p["kind"], p["topic"], p[f"claim_id_{s}"])
            contradicts.setdefault(key, set()).add(p[f"claim_id_{o}"])
            lo_text, hi_text = (p[f"range_{s}"] or "..").split("..")  # no range: a claim of content
            info[key] = (bound(p["kind"], lo_text, float("-inf")), bound(p["kind"], hi_text, float("inf")),
                         p[f"source_id_{s}"], p[f"claimed_{s}"])
    side = {key: (key[0], key[1], tuple(sorted(c))) for key, c in contradicts.items()}
    blocks: dict = {}  # (side of x, side of y) -> the claims x and y of its pairs (x earlier) and the smallest gap
    for p in pairs:
        x, y = (p["kind"], p["topic"], p["claim_id_a"]), (p["kind"], p["topic"], p["claim_id_b"])
        for first, second in ((x, y), (y, x)):
            # side a: the earlier or lower claims; for content, the claims of the event that carries the link
            if info[first][3] == p["topic"] if p["kind"] == "content" else info[first][1] < info[second][0]:
                xs, ys, gap = blocks.get((side[first], side[second]), (set(), set(), None))
                gaps = [g for g in (gap, p["gap"]) if g is not None]
                blocks[(side[first], side[second])] = (xs | {first}, ys | {second}, min(gaps) if gaps else None)

    def described(claims):
        return ", ".join(sorted(c[2] for c in claims)), ", ".join(sorted({info[c][2] for c in claims}))

    return sorted((a[0], a[1], *described(xs), *described(ys), gap) for (a, b), (xs, ys, gap) in blocks.items())


@pytest.mark.parametrize("seed", range(8))
def test_conflicting_claims_has_one_row_per_pair_of_neighbouring_sides(con, seed):
    random_rows(con, random.Random(seed))
    relation = con.sql("SELECT * FROM conflicting_claim_pairs")
    pairs = [dict(zip(relation.columns, r)) for r in relation.fetchall()]
    got = sorted(con.sql("SELECT kind, topic, claim_ids_a, sources_a, claim_ids_b, sources_b, gap "
                         "FROM conflicting_claims").fetchall())
    assert got == sides_by_hand(pairs)
    assert len(got) < len(pairs)  # the random rows have disagreements of several claims a side
    # every pair is in a row, its claims on opposite sides; a row holds only contradicting claims
    rows_of_pairs = {(k, t, x, y) for k, t, a, _, b, _, _ in got for x in a.split(", ") for y in b.split(", ")}
    listed = {(p["kind"], p["topic"], p["claim_id_a"], p["claim_id_b"]) for p in pairs}
    assert {(k, t, min(x, y), max(x, y)) for k, t, x, y in rows_of_pairs} == listed


@pytest.mark.parametrize("seed", range(8))
def test_conflicting_claims_equals_the_windowed_formulation(con, seed):
    random_rows(con, random.Random(seed))
    got, want = con.sql("SELECT * FROM conflicting_claims"), con.sql(WINDOWED_CLAIMS)
    assert (got.columns, got.types) == (want.columns, want.types)
    got, want = got.fetchall(), want.fetchall()
    assert sorted(got, key=repr) == sorted(want, key=repr)  # every column of every row
    assert {r[0] for r in got} == {"content", "date", "value"}
    # a total order: kind, topic, range_a, range_b, then the claim ids (which no two rows share)
    keys = [(r[0], r[1], r[7] or "", r[12] or "", r[4], r[9]) for r in got]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
