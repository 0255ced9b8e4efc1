-- Question: What does each side claim: how many claims rest on US, Iraqi and other actors, and how are they attributed?
-- actors.side is the country or side an actor acts for (the methodology's rule; side_basis says
-- whether the articles state it or we inferred it), so no walk up affiliation_actor_id is needed.
WITH claims AS (
    SELECT 'mention' AS claim, source_id, attributed_to, attribution FROM mentions
    UNION ALL
    SELECT 'figure', source_id, attributed_to, attribution FROM figures
)
SELECT
    a.side,
    c.attribution,
    count(*) AS claims,
    count(DISTINCT c.source_id) AS sources,
    count(DISTINCT a.actor_id) AS actors,
    string_agg(DISTINCT a.side_basis, ', ' ORDER BY a.side_basis) AS side_basis
FROM claims AS c
JOIN actors AS a ON a.actor_id = c.attributed_to
GROUP BY a.side, c.attribution
ORDER BY a.side, c.attribution
