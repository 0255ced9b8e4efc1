-- What is each article: its outlet, when it was published and how sure that date is, how much it claims, what it cites and what it derives from?
--
-- One row per source, in order of earliest possible publication day, then id.
--
-- Columns:
--   source_id: The source (sources.source_id).
--   outlet_en: Outlet name in English.
--   outlet_ar: Outlet name in Arabic.
--   title_en: English translation of the headline (or a bracketed description).
--   language: Language of the article text.
--   published: Publication date or inferred range (EDTF).
--   published_earliest: Earliest possible publication day.
--   published_latest: Latest possible publication day.
--   published_days: Number of days the publication date could fall on (1 = known to the day).
--   published_precision: Precision of the publication date.
--   published_basis: stated (the article prints it) or inferred (we reasoned it).
--   published_note: The evidence for the date.
--   mention_count: Number of mentions (claims about events) in the source.
--   event_count: Number of distinct events the source mentions.
--   figure_count: Number of figures (numeric claims) in the source.
--   citation_count: Number of outlets or agencies the source names as its source.
--   cited: The cited actors with how they are used, e.g. 'ina (cites)', in id order.
--   derived_from: The source this one rewrites, if any.
--   derivation_note: How this source differs from the one it derives from.
--   derived_by: Sources that rewrite this one, comma-separated in id order.
WITH m AS (
    SELECT source_id, count(*) AS mention_count, count(DISTINCT event_id) AS event_count
    FROM mentions GROUP BY source_id
),
f AS (
    SELECT source_id, count(*) AS figure_count FROM figures GROUP BY source_id
),
c AS (
    SELECT source_id, count(*) AS citation_count,
           string_agg(cited_actor_id || ' (' || relation || ')', ', ' ORDER BY cited_actor_id, relation) AS cited
    FROM citations GROUP BY source_id
),
d AS (
    SELECT derived_from AS source_id, string_agg(source_id, ', ' ORDER BY source_id) AS derived_by
    FROM sources WHERE derived_from IS NOT NULL GROUP BY derived_from
)
SELECT
    s.source_id,
    s.outlet_en,
    s.outlet_ar,
    s.title_en,
    s.language,
    s.published,
    s.published_earliest,
    s.published_latest,
    s.published_latest - s.published_earliest + 1 AS published_days,
    s.published_precision,
    s.published_basis,
    s.published_note,
    coalesce(m.mention_count, 0) AS mention_count,
    coalesce(m.event_count, 0) AS event_count,
    coalesce(f.figure_count, 0) AS figure_count,
    coalesce(c.citation_count, 0) AS citation_count,
    c.cited,
    s.derived_from,
    s.derivation_note,
    d.derived_by
FROM sources AS s
LEFT JOIN m ON m.source_id = s.source_id
LEFT JOIN f ON f.source_id = s.source_id
LEFT JOIN c ON c.source_id = s.source_id
LEFT JOIN d ON d.source_id = s.source_id
ORDER BY s.published_earliest, s.source_id
