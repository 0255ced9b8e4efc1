-- Question: Which claims rest on an unnamed source?
-- Mentions and figures attributed to an actor of kind unnamed_source, by source.
WITH claims AS (
    SELECT 'mention' AS claim, mention_id AS claim_id, source_id, attributed_to, attribution,
           event_id AS about, quote, quote_en
    FROM mentions
    UNION ALL
    SELECT 'figure', figure_id, source_id, attributed_to, attribution,
           subject, quote, quote_en
    FROM figures
)
SELECT
    c.source_id,
    c.claim,
    c.claim_id,
    a.name_en AS unnamed_source,
    c.attribution,
    c.about,
    c.quote_en,
    c.quote
FROM claims AS c
JOIN actors AS a ON a.actor_id = c.attributed_to
WHERE a.kind = 'unnamed_source'
ORDER BY c.source_id, c.claim, c.claim_id
