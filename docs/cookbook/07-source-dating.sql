-- Question: How is each source dated and how sure are we?
-- Publication date as printed or inferred, the number of days it could fall on, and the
-- evidence; the least certain first.
SELECT
    source_id,
    outlet_en,
    published,
    published_basis,
    published_precision,
    published_days,
    published_note
FROM source_overview
ORDER BY published_days DESC, published_basis, source_id
