-- Question: Which events does only one independent origin report?
-- Events whose mentions all go back to one report: one source, or a source and the rewrites
-- of it (sources.derived_from), which the view timeline counts once in origin_count. Such an
-- event can have two sources and still no corroboration. In date order, with how the sources
-- present it.
SELECT
    t.event_id,
    t.date,
    t.status,
    t.summary_en,
    t.origin_ids AS only_origin,
    t.source_count,
    t.source_ids,
    string_agg(DISTINCT m.modality, ', ' ORDER BY m.modality) AS modality,
    string_agg(DISTINCT a.name_en, ', ' ORDER BY a.name_en) AS attributed_to
FROM timeline AS t
JOIN mentions AS m ON m.event_id = t.event_id
JOIN actors AS a ON a.actor_id = m.attributed_to
WHERE t.origin_count = 1
GROUP BY t.event_id, t.date, t.date_start, t.date_end, t.status, t.summary_en, t.origin_ids, t.source_count, t.source_ids
ORDER BY t.date_start NULLS LAST, t.date_end NULLS LAST, t.event_id
