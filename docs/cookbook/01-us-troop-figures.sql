-- Question: Which sources give a figure for US troops in Iraq and how do they differ?
-- Every number for the subject us_troops_in_iraq, oldest first, with who gave it and how far
-- its stated number(s) sit from the lowest and highest claims (a range counts by its ends).
-- conflicting_claims says which of them are incompatible.
WITH claims AS (
    SELECT
        *,
        coalesce(value_low, value) AS low,
        coalesce(value_high, value) AS high
    FROM figure_claims
    WHERE subject = 'us_troops_in_iraq'
)
SELECT
    source_id,
    outlet_en,
    published,
    coalesce(as_of, published) AS holds_on,
    qualifier,
    value,
    value_low,
    value_high,
    attributed_to_name_en AS said_by,
    attribution,
    high - min(low) OVER () AS above_lowest_claim,
    max(high) OVER () - low AS below_highest_claim,
    quote_en
FROM claims
ORDER BY coalesce(as_of_start, published_earliest), source_id, figure_id
