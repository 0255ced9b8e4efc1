-- Question: Which articles derive from another and what changed?
-- Each derived article beside the one it rewrites: outlets, dates, the curator's note on
-- what differs, and the events only one of the two mentions.
WITH pairs AS (
    SELECT source_id AS derived_id, derived_from AS original_id FROM sources WHERE derived_from IS NOT NULL
),
only_in AS (
    -- events that `side` mentions and `other` does not, for both directions of each pair
    SELECT p.derived_id, side, string_agg(DISTINCT m.event_id, ', ' ORDER BY m.event_id) AS events
    FROM pairs AS p
    CROSS JOIN (VALUES ('derived'), ('original')) AS sides(side)
    JOIN mentions AS m
        ON m.source_id = CASE side WHEN 'derived' THEN p.derived_id ELSE p.original_id END
    WHERE NOT EXISTS (
        SELECT 1 FROM mentions AS o
        WHERE o.event_id = m.event_id
          AND o.source_id = CASE side WHEN 'derived' THEN p.original_id ELSE p.derived_id END
    )
    GROUP BY p.derived_id, side
)
SELECT
    d.source_id AS derived_source_id,
    d.outlet_en AS derived_outlet,
    d.published AS derived_published,
    o.source_id AS original_source_id,
    o.outlet_en AS original_outlet,
    o.published AS original_published,
    d.published_earliest - o.published_latest AS days_later_at_least,
    d.derivation_note,
    od.events AS events_only_in_derived,
    oo.events AS events_only_in_original
FROM sources AS d
JOIN sources AS o ON o.source_id = d.derived_from
LEFT JOIN only_in AS od ON od.derived_id = d.source_id AND od.side = 'derived'
LEFT JOIN only_in AS oo ON oo.derived_id = d.source_id AND oo.side = 'original'
ORDER BY d.source_id
