-- When did each event happen or fall due, how precisely is that known, and which sources report it?
--
-- Events in date order: first possible day, then last possible day (so a day sorts before
-- the month that contains it), then id; undated events come last.
--
-- Columns:
--   event_id: The event (events.event_id).
--   date: The event's date as an EDTF string.
--   date_start: First day the date covers.
--   date_end: Last day the date covers.
--   date_precision: Precision of the date (minute, day, month, year, interval).
--   event_type: Kind of event (events.event_type vocabulary).
--   status: Whether it happened, as far as the corpus tells (events.status vocabulary).
--   summary_en: One-sentence description in English.
--   summary_ar: One-sentence description in Arabic.
--   place_id: Where it happened (places.place_id), if known.
--   place_name_en: English name of the place.
--   place_name_ar: Arabic name of the place.
--   outcome_event_id: For a plan, the event that carried it out.
--   mention_count: Number of mentions of the event across all sources.
--   source_count: Number of distinct sources that mention the event.
--   source_ids: The sources that mention the event, comma-separated in id order.
--   origin_count: Number of independent origins among those sources: a source that rewrites another (sources.derived_from, followed to the end of the chain) counts with the one it derives from, so a report and its copy count once.
--   origin_ids: The independent origins (the first source of each derived_from chain), comma-separated in id order.
WITH RECURSIVE chain AS (
    -- every source with the origin of its derived_from chain (validate keeps chains acyclic)
    SELECT source_id, source_id AS origin_id FROM sources WHERE derived_from IS NULL
    UNION ALL
    SELECT s.source_id, c.origin_id FROM sources AS s JOIN chain AS c ON s.derived_from = c.source_id
),
event_sources AS (
    -- mentions counted per event and source once, for the counts and the origins: the events are joined to one row each
    SELECT event_id, source_id, count(*) AS mentions FROM mentions GROUP BY event_id, source_id
),
per_event AS (
    -- list_sort of a list: the same id order as string_agg(... ORDER BY ...), without its per-group sort
    SELECT
        event_id,
        CAST(sum(mentions) AS BIGINT) AS mention_count,
        count(*) AS source_count,
        array_to_string(list_sort(list(source_id)), ', ') AS source_ids
    FROM event_sources
    GROUP BY event_id
),
origins AS (
    SELECT event_id, count(*) AS origin_count, array_to_string(list_sort(list(origin_id)), ', ') AS origin_ids
    FROM (SELECT DISTINCT m.event_id, c.origin_id FROM event_sources AS m JOIN chain AS c ON c.source_id = m.source_id)
    GROUP BY event_id
)
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
    coalesce(m.mention_count, 0) AS mention_count,
    coalesce(m.source_count, 0) AS source_count,
    m.source_ids,
    coalesce(o.origin_count, 0) AS origin_count,
    o.origin_ids
FROM events AS e
LEFT JOIN places AS p ON p.place_id = e.place_id
LEFT JOIN per_event AS m ON m.event_id = e.event_id
LEFT JOIN origins AS o ON o.event_id = e.event_id
ORDER BY e.date_start NULLS LAST, e.date_end NULLS LAST, e.event_id
