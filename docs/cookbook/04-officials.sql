-- Question: What did each official say, and when?
-- Claims attributed to a named person, with their title and the body they speak for,
-- in order of the source's publication; the claimed date is the date of what they speak about.
WITH claims AS (
    SELECT mention_id AS claim_id, source_id, attributed_to, attribution, claimed_date AS about_date, quote_en, quote
    FROM mentions
    UNION ALL
    SELECT figure_id, source_id, attributed_to, attribution, as_of, quote_en, quote
    FROM figures
)
SELECT
    a.name_en AS official,
    a.title_en AS title,
    body.name_en AS speaks_for,
    s.published AS said_in_source_published,
    c.source_id,
    c.attribution,
    c.about_date,
    c.claim_id,
    c.quote_en,
    c.quote
FROM claims AS c
JOIN actors AS a ON a.actor_id = c.attributed_to
JOIN sources AS s ON s.source_id = c.source_id
LEFT JOIN actors AS body ON body.actor_id = a.affiliation_actor_id
WHERE a.kind = 'person'
ORDER BY a.name_en, s.published_earliest, c.source_id, c.claim_id
