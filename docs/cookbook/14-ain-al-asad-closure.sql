-- Question: Which articles disagree about when Ain al-Asad closes?
-- Pairs of articles that date the closure of the base named Ain al-Asad in English, or the
-- last withdrawal from it, on days that cannot both be right: the days one article's claimed
-- date may fall on and those of the other's do not overlap. Read from the tables, one row per
-- event and pair of articles, widest gap first.
WITH claims AS (
    SELECT m.event_id, e.summary_en, m.source_id, m.claimed_date, m.claimed_start, m.claimed_end
    FROM mentions AS m
    JOIN events AS e USING (event_id)
    JOIN places AS p ON p.place_id = e.place_id
    WHERE p.name_en LIKE 'Ain al-Asad%'
      AND e.event_type IN ('base_closure', 'withdrawal')
      AND m.claimed_start IS NOT NULL
)
SELECT
    a.event_id,
    a.summary_en AS event,
    a.source_id AS article_1,
    string_agg(DISTINCT a.claimed_date, '; ' ORDER BY a.claimed_date) AS article_1_says,
    b.source_id AS article_2,
    string_agg(DISTINCT b.claimed_date, '; ' ORDER BY b.claimed_date) AS article_2_says,
    max(greatest(b.claimed_start - a.claimed_end, a.claimed_start - b.claimed_end)) AS days_apart
FROM claims AS a
JOIN claims AS b
  ON a.event_id = b.event_id
 AND a.source_id < b.source_id
 AND (a.claimed_end < b.claimed_start OR b.claimed_end < a.claimed_start)
GROUP BY a.event_id, a.summary_en, a.source_id, b.source_id
ORDER BY days_apart DESC, a.event_id, article_1, article_2
