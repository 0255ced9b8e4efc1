-- Question: How well sourced is each article: how many of its claims are direct quotes, paraphrases, the outlet's own statements, or rest on unnamed sources?
-- Mentions and figures together, per source.
WITH claims AS (
    SELECT source_id, attributed_to, attribution FROM mentions
    UNION ALL
    SELECT source_id, attributed_to, attribution FROM figures
)
SELECT
    s.source_id,
    s.outlet_en,
    count(c.attribution) AS claims,
    count(*) FILTER (WHERE c.attribution = 'direct_quote') AS direct_quotes,
    count(*) FILTER (WHERE c.attribution = 'paraphrase') AS paraphrases,
    count(*) FILTER (WHERE c.attribution = 'outlet_statement') AS outlet_statements,
    count(*) FILTER (WHERE a.kind = 'unnamed_source') AS unnamed_source_claims,
    count(*) FILTER (WHERE a.kind = 'person') AS named_person_claims
FROM sources AS s
LEFT JOIN claims AS c ON c.source_id = s.source_id
LEFT JOIN actors AS a ON a.actor_id = c.attributed_to
GROUP BY s.source_id, s.outlet_en, s.published_earliest
ORDER BY s.published_earliest, s.source_id
