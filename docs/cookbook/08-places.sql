-- Question: Which places are mentioned and how often?
-- Per place: events located there, mentions of those events, and figures that apply there.
WITH e AS (
    SELECT place_id, count(*) AS events FROM events WHERE place_id IS NOT NULL GROUP BY place_id
),
m AS (
    SELECT ev.place_id, count(*) AS mentions, count(DISTINCT mn.source_id) AS sources
    FROM mentions AS mn JOIN events AS ev ON ev.event_id = mn.event_id
    WHERE ev.place_id IS NOT NULL GROUP BY ev.place_id
),
f AS (
    SELECT place_id, count(*) AS figures FROM figures WHERE place_id IS NOT NULL GROUP BY place_id
)
SELECT
    p.place_id,
    p.name_en,
    p.name_ar,
    p.kind,
    parent.name_en AS within,
    coalesce(e.events, 0) AS events,
    coalesce(m.mentions, 0) AS mentions,
    coalesce(m.sources, 0) AS sources,
    coalesce(f.figures, 0) AS figures
FROM places AS p
LEFT JOIN places AS parent ON parent.place_id = p.parent_place_id
LEFT JOIN e ON e.place_id = p.place_id
LEFT JOIN m ON m.place_id = p.place_id
LEFT JOIN f ON f.place_id = p.place_id
ORDER BY mentions DESC, figures DESC, p.place_id
