-- Where do the claims about one event or one quantity disagree, which claims and sources stand on each side, and how far apart are they?
--
-- One row per disagreement, built on conflicting_claim_pairs (which has every incompatible pair
-- of claims, with both quotes). Claims of one topic that contradict exactly the same claims
-- stand on one side: they are interchangeable in every disagreement. A row is two sides that
-- contradict each other, and then every claim of one contradicts every claim of the other, so
-- claims_a x claims_b pairs of conflicting_claim_pairs make one row here: one mistyped year in
-- two mentions against five mentions of the right year is one row (two claims against five),
-- not ten. Three incompatible readings of a date make three rows, one per two of them. Side a
-- holds the earlier dates or the lower values. Every pair of conflicting_claim_pairs is in
-- exactly one row.
-- Rows in order of kind, topic, range_a, range_b, then claim_ids_a and claim_ids_b (two rows can
-- share both ranges; the claim ids make the order total).
--
-- How it is computed: each claim's list of contradicted claims is built once (a GROUP BY), its
-- side named by the lowest claim id with the same list, and the rows are one GROUP BY over those
-- short side names; lists are list_sort/list_distinct of a list (the text of string_agg(DISTINCT
-- ... ORDER BY ...), without its per-group sorts). conflicting_claim_pairs is read three times (so
-- that DuckDB versions that inline every CTE, such as 1.1, expand it only three times).
--
-- Columns:
--   kind: 'date' (claimed dates of an event), 'value' (figures for one quantity) or 'content' (claims of two events that exclude each other).
--   topic: The event_id (date, content: the event that carries contradicts_event_id) or the figure subject (value) the claims are about.
--   topic_en: The event's English summary, or the subject and unit.
--   claims_a: Number of claims on side a (the earlier dates or lower values; for content, the claims of the topic event).
--   claim_ids_a: The mention_id or figure_id of each claim on side a, in id order.
--   sources_a: The sources of the claims on side a, in id order.
--   claimed_a: What side a's claims say: their distinct EDTF dates, qualifiers and numbers, or the event they are claims of (content).
--   range_a: The interval side a's claims cover together (first..last day, or low..high; empty side = no limit); empty for content.
--   claims_b: Number of claims on side b (the later dates or higher values; for content, the claims of the event it contradicts).
--   claim_ids_b: The mention_id or figure_id of each claim on side b, in id order.
--   sources_b: The sources of the claims on side b, in id order.
--   claimed_b: What side b's claims say.
--   range_b: The interval side b's claims cover together.
--   same_source_only: Whether one source is the only source on both sides (an article contradicting itself).
--   gap: The smallest distance between a claim of side a and one of side b: days from the one's last day to the other's first, or units of the figure; empty for content.
--   gap_unit: Unit of gap: 'day', or the figures' unit; empty for content.
--   apart: How far apart the sides are, for a reader: dates from the first day of side a's latest-starting claim to the first day of side b's earliest-starting claim, in whole years, months or days (2024-09 against 2025-09 is '1 year'); values the gap and its unit; empty for content.
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
sides AS (
    -- per claim: the claims it contradicts, and its side: the claims of its topic that contradict
    -- the same claims (they are interchangeable), named by the lowest claim id among them
    SELECT kind, topic, x, min(x) OVER (PARTITION BY kind, topic, contradicted) AS side
    FROM (
        SELECT kind, topic, x, array_to_string(list_sort(list(y)), ',') AS contradicted
        FROM edges
        GROUP BY kind, topic, x
    )
),
blocks AS (
    -- two sides that contradict each other, x the earlier or lower: every pair between them
    SELECT
        e.kind,
        e.topic,
        any_value(e.topic_en) AS topic_en,
        len(list_distinct(list(e.x))) AS claims_a,
        array_to_string(list_sort(list_distinct(list(e.x))), ', ') AS claim_ids_a,
        array_to_string(list_sort(list_distinct(list(e.x_source))), ', ') AS sources_a,
        CASE WHEN count(e.x_claimed) > 0 THEN array_to_string(list_sort(list_distinct(list(e.x_claimed))), ', ') END AS claimed_a,
        min(e.x_lo) AS lo_a,
        max(e.x_lo) AS last_lo_a,
        max(e.x_hi) AS hi_a,
        len(list_distinct(list(e.y))) AS claims_b,
        array_to_string(list_sort(list_distinct(list(e.y))), ', ') AS claim_ids_b,
        array_to_string(list_sort(list_distinct(list(e.y_source))), ', ') AS sources_b,
        CASE WHEN count(e.y_claimed) > 0 THEN array_to_string(list_sort(list_distinct(list(e.y_claimed))), ', ') END AS claimed_b,
        min(e.y_lo) AS lo_b,
        max(e.y_hi) AS hi_b,
        len(list_distinct(list(e.x_source))) = 1 AND len(list_distinct(list(e.y_source))) = 1
            AND min(e.x_source) = min(e.y_source) AS same_source_only,
        min(e.gap) AS gap,
        any_value(e.gap_unit) AS gap_unit
    FROM edges AS e
    JOIN sides AS sx ON sx.kind = e.kind AND sx.topic = e.topic AND sx.x = e.x
    JOIN sides AS sy ON sy.kind = e.kind AND sy.topic = e.topic AND sy.x = e.y
    -- side a: the earlier dates or lower values, or for content the claims of the topic event
    WHERE CASE WHEN e.kind = 'content' THEN e.x_claimed = e.topic ELSE e.x_hi < e.y_lo END
    GROUP BY e.kind, e.topic, sx.side, sy.side
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
ORDER BY kind, topic, range_a, range_b, claim_ids_a, claim_ids_b
