-- Did each plan happen when it was scheduled: the planned date against the date of the event that carried it out, and the slip in days?
--
-- A plan is an event with an outcome_event_id, or one whose status is planned,
-- superseded or reported_intent. slip_days compares the two date ranges, so a plan or an
-- outcome known only to the month is not called late or early by its precision alone:
--   outcome_start - plan_end   when the outcome begins after the plan's last day (late, > 0);
--   outcome_end - plan_start   when the outcome ends before the plan's first day (early, < 0);
--   0                          when the ranges overlap (on time as far as the dates tell);
--   NULL                       when there is no outcome yet, or either side has no date.
-- For two day-precise dates this is simply outcome date - plan date.
--
-- Columns:
--   plan_event_id: The plan (events.event_id).
--   plan_summary_en: English summary of the plan.
--   plan_status: Status of the plan (planned, superseded, reported_intent, occurred...).
--   plan_date: The plan's scheduled date as an EDTF string.
--   plan_start: First day of the scheduled date.
--   plan_end: Last day of the scheduled date (the deadline).
--   plan_precision: Precision of the scheduled date.
--   plan_first_reported: Earliest possible publication day of the first source that mentions the plan.
--   plan_source_count: Number of distinct sources that mention the plan.
--   outcome_event_id: The event that carried the plan out, if any (events.outcome_event_id).
--   outcome_summary_en: English summary of the outcome.
--   outcome_status: Status of the outcome event.
--   outcome_date: The outcome's date as an EDTF string.
--   outcome_start: First day of the outcome's date.
--   outcome_end: Last day of the outcome's date.
--   outcome_precision: Precision of the outcome's date.
--   slip_days: Days late (positive) or early (negative) by the rule above; 0 if the ranges overlap; NULL if no outcome or no dates.
WITH plan_sources AS (
    SELECT m.event_id, min(s.published_earliest) AS first_reported, count(DISTINCT m.source_id) AS source_count
    FROM mentions AS m
    JOIN sources AS s ON s.source_id = m.source_id
    GROUP BY m.event_id
)
SELECT
    p.event_id AS plan_event_id,
    p.summary_en AS plan_summary_en,
    p.status AS plan_status,
    p.date AS plan_date,
    p.date_start AS plan_start,
    p.date_end AS plan_end,
    p.date_precision AS plan_precision,
    ps.first_reported AS plan_first_reported,
    coalesce(ps.source_count, 0) AS plan_source_count,
    o.event_id AS outcome_event_id,
    o.summary_en AS outcome_summary_en,
    o.status AS outcome_status,
    o.date AS outcome_date,
    o.date_start AS outcome_start,
    o.date_end AS outcome_end,
    o.date_precision AS outcome_precision,
    CASE
        WHEN o.date_start > p.date_end THEN o.date_start - p.date_end
        WHEN o.date_end < p.date_start THEN o.date_end - p.date_start
        WHEN o.date_start IS NOT NULL AND p.date_start IS NOT NULL THEN 0
    END AS slip_days
FROM events AS p
LEFT JOIN events AS o ON o.event_id = p.outcome_event_id
LEFT JOIN plan_sources AS ps ON ps.event_id = p.event_id
WHERE p.outcome_event_id IS NOT NULL OR p.status IN ('planned', 'superseded', 'reported_intent')
ORDER BY p.date_start NULLS LAST, p.date_end NULLS LAST, p.event_id
