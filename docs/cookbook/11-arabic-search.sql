-- Question: Which claims mention the Americans, however the article spells the word?
-- ar_norm folds both sides the way scripts/arabic.py does (أمريكي, أميركي and امريكي become one
-- spelling; hamza, ى, ة, Persian letters, tatweel and diacritics too), so one search finds
-- every spelling. ar_norm_words also drops a leading ال, for a word with or without it.
WITH claims AS (
    SELECT 'mention' AS claim, mention_id AS claim_id, source_id, quote, quote_en FROM mentions
    UNION ALL
    SELECT 'figure', figure_id, source_id, quote, quote_en FROM figures
)
SELECT
    claim,
    claim_id,
    source_id,
    quote,
    quote_en
FROM claims
WHERE ar_norm(quote) LIKE '%' || ar_norm('امريكي') || '%'
ORDER BY source_id, claim, claim_id
