-- Which claims about the same event or the same quantity cannot both be true: dates of one event that do not overlap, or figures for one quantity whose values do not overlap?
--
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
-- Each pair appears once, with the lower claim id as side a.
--
-- Columns:
--   kind: 'date' (claimed dates of an event) or 'value' (figures for one quantity).
--   topic: The event_id (date) or the figure subject (value) the two claims are about.
--   topic_en: The event's English summary, or the subject and unit.
--   claim_id_a: mention_id or figure_id of the first claim.
--   source_id_a: Source of the first claim.
--   attributed_to_a: actor_id the first claim is attributed to.
--   claimed_a: The first claim as given: its EDTF date, or qualifier and number(s).
--   range_a: The interval the first claim allows (first..last day, or low..high; empty side = no limit).
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
--   gap: Distance between the two intervals (days for dates, units of the figure for values).
--   gap_unit: Unit of gap: 'day', or the figures' unit.
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
)
SELECT * FROM date_conflicts
UNION ALL
SELECT * FROM value_conflicts
ORDER BY kind, topic, claim_id_a, claim_id_b
