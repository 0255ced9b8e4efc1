-- Question: Which sources disagree about when something happened or is due, and by how much?
-- The date conflicts of conflicting_claim_pairs, one row per event and pair of sources (the
-- same source twice when an article contradicts itself), largest gap first; the view
-- itself has every pair of mentions with both quotes.
WITH pairs AS (
    -- side 1 is the lower source id, or within one source the earlier claim
    SELECT *, source_id_a < source_id_b OR (source_id_a = source_id_b AND range_a <= range_b) AS a_first
    FROM conflicting_claim_pairs
    WHERE kind = 'date'
),
oriented AS (
    SELECT
        topic,
        topic_en,
        CASE WHEN a_first THEN source_id_a ELSE source_id_b END AS source_1,
        CASE WHEN a_first THEN claimed_a ELSE claimed_b END AS claimed_1,
        CASE WHEN a_first THEN source_id_b ELSE source_id_a END AS source_2,
        CASE WHEN a_first THEN claimed_b ELSE claimed_a END AS claimed_2,
        gap
    FROM pairs
)
SELECT
    topic AS event_id,
    topic_en AS event,
    source_1,
    string_agg(DISTINCT claimed_1, '; ' ORDER BY claimed_1) AS source_1_says,
    source_2,
    string_agg(DISTINCT claimed_2, '; ' ORDER BY claimed_2) AS source_2_says,
    count(*) AS conflicting_mention_pairs,
    CAST(max(gap) AS BIGINT) AS max_days_apart
FROM oriented
GROUP BY topic, topic_en, source_1, source_2
ORDER BY max_days_apart DESC, event_id, source_1, source_2
