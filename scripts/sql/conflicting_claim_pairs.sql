-- Which pairs of claims about the same event or the same quantity cannot both be true: dates of one event that do not overlap, figures for one quantity whose values do not overlap, or claims of two events whose contents exclude each other?
--
-- The pairwise detail of conflicting_claims (one row per disagreement, built on this view): a
-- disagreement between m claims on one side and n on the other is m x n rows here.
-- A conflict is an incompatibility even under the most lenient reading of both claims.
-- kind = 'date': two mentions of the same event (from different sources or the same one)
--   whose claimed date ranges [claimed_start, claimed_end] do not overlap; a mention that
--   denies the event is not a claim about its date and is left out.
-- kind = 'value': two figures with the same subject and unit, the same place and event
--   where both give one, and overlapping periods (as_of, or else the source's publication
--   range, since a number without a date holds when it is published), whose value intervals
--   do not overlap. Each figure's interval: value_low/value_high where given; otherwise
--   exact = [value, value], approx = value +/- 10 %, at_least = [value, no limit],
--   at_most and less_than = [no limit, value], vague = no limit either side.
-- kind = 'content': a claim of an event and a claim of the event it contradicts
--   (events.contradicts_event_id, set by the curator: forces going to Syria or to Erbil); only
--   claims that the event happens, is planned or is expected take part (reported, planned,
--   expected), not assessments or denials. topic is the event that carries the link.
-- Each pair appears once, with the lower claim id as side a.
--
-- How it is computed (the rows are those of "every pair of claims, tested"; only the work differs):
-- mentions are paired only within events whose claimed dates do not all overlap, and only those
-- that end before the latest start with those that start after the earliest end; figures of one
-- event likewise; figures without an event are paired on the place, and those without an event
-- or a place (rare) with the figures of their subject. The work grows with the conflicts, not
-- with the square of the claims.
--
-- Columns:
--   kind: 'date' (claimed dates of an event), 'value' (figures for one quantity) or 'content' (claims of two events that exclude each other).
--   topic: The event_id (date, content) or the figure subject (value) the two claims are about.
--   topic_en: The event's English summary, or the subject and unit.
--   claim_id_a: mention_id or figure_id of the first claim.
--   source_id_a: Source of the first claim.
--   attributed_to_a: actor_id the first claim is attributed to.
--   claimed_a: The first claim as given: its EDTF date, qualifier and number(s), or the event_id it is a claim of (content).
--   range_a: The interval the first claim allows (first..last day, or low..high; empty side = no limit); empty for content.
--   quote_a: Verbatim Arabic quote of the first claim.
--   quote_en_a: English translation of the first quote.
--   claim_id_b: mention_id or figure_id of the second claim.
--   source_id_b: Source of the second claim.
--   attributed_to_b: actor_id the second claim is attributed to.
--   claimed_b: The second claim as given.
--   range_b: The interval the second claim allows.
--   quote_b: Verbatim Arabic quote of the second claim.
--   quote_en_b: English translation of the second quote.
--   same_source: Whether both claims come from the same source.
--   gap: Distance between the two intervals (days for dates, units of the figure for values); empty for content.
--   gap_unit: Unit of gap: 'day', or the figures' unit; empty for content.
WITH dated AS (
    SELECT mention_id, event_id, claimed_start, claimed_end
    FROM mentions
    WHERE claimed_start IS NOT NULL AND claimed_end IS NOT NULL AND modality <> 'denied'
),
date_spread AS (
    -- per event: the earliest last day and the latest first day claimed. Two claims conflict
    -- only if one ends before the latest first day and the other starts after the earliest last
    -- day, so events whose dated mentions all overlap are skipped whole.
    SELECT event_id, min(claimed_end) AS min_end, max(claimed_start) AS max_start
    FROM dated
    GROUP BY event_id
    HAVING min(claimed_end) < max(claimed_start)
),
date_pairs AS (
    -- x ends before y starts: each incompatible pair once
    SELECT
        least(x.mention_id, y.mention_id) AS id_a,
        greatest(x.mention_id, y.mention_id) AS id_b,
        CAST(y.claimed_start - x.claimed_end AS DOUBLE) AS gap
    FROM date_spread AS g
    JOIN dated AS x ON x.event_id = g.event_id AND x.claimed_end < g.max_start
    JOIN dated AS y ON y.event_id = g.event_id AND y.claimed_start > g.min_end
    WHERE x.claimed_end < y.claimed_start
),
content_pairs AS (
    -- each claim of an event against each claim of the event it contradicts
    SELECT e.event_id AS topic, least(x.mention_id, y.mention_id) AS id_a, greatest(x.mention_id, y.mention_id) AS id_b
    FROM events AS e
    JOIN mentions AS x ON x.event_id = e.event_id AND x.modality IN ('reported', 'planned', 'expected')
    JOIN mentions AS y ON y.event_id = e.contradicts_event_id AND y.modality IN ('reported', 'planned', 'expected')
    WHERE e.contradicts_event_id IS NOT NULL
),
claimants AS (
    -- the mentions in a conflict, found first (a semi-join) so that only they are joined whole:
    -- joining every mention, quotes and all, held two hash tables of the whole table in memory
    SELECT * FROM mentions
    WHERE mention_id IN (SELECT id_a FROM date_pairs UNION ALL SELECT id_b FROM date_pairs
                         UNION ALL SELECT id_a FROM content_pairs UNION ALL SELECT id_b FROM content_pairs)
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
        p.gap,
        'day' AS gap_unit
    FROM date_pairs AS p
    JOIN claimants AS a ON a.mention_id = p.id_a
    JOIN claimants AS b ON b.mention_id = p.id_b
    JOIN events AS e ON e.event_id = a.event_id
),
bounded AS (
    SELECT
        f.figure_id,
        f.subject,
        f.unit,
        f.event_id,
        f.place_id,
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
        coalesce(f.as_of_end, s.published_latest) AS holds_to
    FROM figures AS f
    JOIN sources AS s ON s.source_id = f.source_id
),
event_spread AS (
    -- per subject, unit and event: the lowest upper bound and the highest lower bound. Two
    -- figures of an event conflict only if one lies below the highest lower bound and the other
    -- above the lowest upper bound, so events whose figures all overlap are skipped whole.
    SELECT subject, unit, event_id, min(high) AS min_high, max(low) AS max_low
    FROM bounded
    WHERE event_id IS NOT NULL
    GROUP BY subject, unit, event_id
    HAVING min(high) < max(low)
),
value_candidates AS (
    -- the same event (both given); the place, if any, must agree; x is the lower interval
    SELECT DISTINCT least(x.figure_id, y.figure_id) AS id_a, greatest(x.figure_id, y.figure_id) AS id_b
    FROM event_spread AS g
    JOIN bounded AS x ON x.subject = g.subject AND x.unit = g.unit AND x.event_id = g.event_id AND x.high < g.max_low
    JOIN bounded AS y ON y.subject = g.subject AND y.unit = g.unit AND y.event_id = g.event_id AND y.low > g.min_high
    WHERE x.high < y.low AND x.figure_id <> y.figure_id
      AND (x.place_id IS NULL OR y.place_id IS NULL OR x.place_id = y.place_id)
      AND x.holds_from <= y.holds_to AND y.holds_from <= x.holds_to
    UNION ALL
    -- x has no event; y has the same place (both given): each pair once, with the lower id
    -- as x when y has no event either
    SELECT least(x.figure_id, y.figure_id), greatest(x.figure_id, y.figure_id)
    FROM bounded AS x
    JOIN bounded AS y ON y.subject = x.subject AND y.unit = x.unit AND y.place_id = x.place_id
    WHERE x.event_id IS NULL AND (y.event_id IS NOT NULL OR x.figure_id < y.figure_id)
      AND x.holds_from <= y.holds_to AND y.holds_from <= x.holds_to
      AND (x.high < y.low OR y.high < x.low)
    UNION ALL
    -- x has neither event nor place: any other figure of the subject (the lower id as x when y
    -- has neither either)
    SELECT least(x.figure_id, y.figure_id), greatest(x.figure_id, y.figure_id)
    FROM bounded AS x
    JOIN bounded AS y ON y.subject = x.subject AND y.unit = x.unit
    WHERE x.event_id IS NULL AND x.place_id IS NULL AND x.figure_id <> y.figure_id
      AND (y.event_id IS NOT NULL OR y.place_id IS NOT NULL OR x.figure_id < y.figure_id)
      AND x.holds_from <= y.holds_to AND y.holds_from <= x.holds_to
      AND (x.high < y.low OR y.high < x.low)
    UNION ALL
    -- x has a place but no event, y an event but no place
    SELECT least(x.figure_id, y.figure_id), greatest(x.figure_id, y.figure_id)
    FROM bounded AS x
    JOIN bounded AS y ON y.subject = x.subject AND y.unit = x.unit
    WHERE x.event_id IS NULL AND x.place_id IS NOT NULL AND y.event_id IS NOT NULL AND y.place_id IS NULL
      AND x.holds_from <= y.holds_to AND y.holds_from <= x.holds_to
      AND (x.high < y.low OR y.high < x.low)
),
shown AS (
    SELECT
        f.*,
        b.low,
        b.high,
        f.qualifier || ' ' || coalesce(
            regexp_replace(CAST(f.value AS VARCHAR), '\.0$', ''),
            coalesce(regexp_replace(CAST(f.value_low AS VARCHAR), '\.0$', ''), '')
                || '..' || coalesce(regexp_replace(CAST(f.value_high AS VARCHAR), '\.0$', ''), '')
        ) AS claimed,
        coalesce(regexp_replace(CAST(b.low AS VARCHAR), '\.0$', ''), '') || '..'
            || coalesce(regexp_replace(CAST(b.high AS VARCHAR), '\.0$', ''), '') AS range
    FROM figures AS f
    JOIN bounded AS b ON b.figure_id = f.figure_id
    WHERE f.figure_id IN (SELECT id_a FROM value_candidates UNION SELECT id_b FROM value_candidates)
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
        a.range AS range_a,
        a.quote AS quote_a,
        a.quote_en AS quote_en_a,
        b.figure_id AS claim_id_b,
        b.source_id AS source_id_b,
        b.attributed_to AS attributed_to_b,
        b.claimed AS claimed_b,
        b.range AS range_b,
        b.quote AS quote_b,
        b.quote_en AS quote_en_b,
        a.source_id = b.source_id AS same_source,
        CASE WHEN a.high < b.low THEN b.low - a.high ELSE a.low - b.high END AS gap,
        a.unit AS gap_unit
    FROM value_candidates AS p
    JOIN shown AS a ON a.figure_id = p.id_a
    JOIN shown AS b ON b.figure_id = p.id_b
),
content_conflicts AS (
    SELECT
        'content' AS kind,
        p.topic,
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
    FROM content_pairs AS p
    JOIN claimants AS a ON a.mention_id = p.id_a
    JOIN claimants AS b ON b.mention_id = p.id_b
    JOIN events AS e ON e.event_id = p.topic
)
SELECT * FROM date_conflicts
UNION ALL
SELECT * FROM value_conflicts
UNION ALL
SELECT * FROM content_conflicts
ORDER BY kind, topic, claim_id_a, claim_id_b
