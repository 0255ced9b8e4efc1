-- Question: Which events does only one source report?
-- Events mentioned by exactly one source, in date order, with how that source presents them.
SELECT
    t.event_id,
    t.date,
    t.status,
    t.summary_en,
    t.source_ids AS only_source,
    string_agg(DISTINCT m.modality, ', ' ORDER BY m.modality) AS modality,
    string_agg(DISTINCT a.name_en, ', ' ORDER BY a.name_en) AS attributed_to
FROM timeline AS t
JOIN mentions AS m ON m.event_id = t.event_id
JOIN actors AS a ON a.actor_id = m.attributed_to
WHERE t.source_count = 1
GROUP BY t.event_id, t.date, t.date_start, t.date_end, t.status, t.summary_en, t.source_ids
ORDER BY t.date_start NULLS LAST, t.date_end NULLS LAST, t.event_id
