-- Who gave which number for what, for when, in which source, and how is it qualified?
--
-- One row per figure, grouped by subject and ordered by the time the number holds
-- (as_of, else the source's earliest publication day), then id.
--
-- Columns:
--   subject: What is counted or measured (figures.subject vocabulary).
--   figure_id: The figure (figures.figure_id).
--   value: The number as stated; empty for pure ranges and vague amounts.
--   value_low: Lower bound implied by the wording (inclusive).
--   value_high: Upper bound implied by the wording (inclusive).
--   qualifier: How the number is qualified (exact, approx, less_than, at_most, at_least, range, vague).
--   unit: Unit of the value.
--   as_of: When the number holds, as the source gives it (EDTF).
--   as_of_start: First day of as_of.
--   as_of_end: Last day of as_of.
--   place_id: Where the number applies.
--   place_name_en: English name of the place.
--   event_id: The event the number belongs to, if any.
--   source_id: The source that gives the number.
--   outlet_en: The source's outlet, in English.
--   published: Publication date of the source (EDTF).
--   published_earliest: Earliest possible publication day.
--   published_latest: Latest possible publication day.
--   published_basis: Whether the publication date is stated or inferred.
--   attributed_to: actor_id of who the source says gave the number.
--   attributed_to_name_en: That actor's English name.
--   attributed_to_kind: That actor's kind (e.g. person, unnamed_source, news_outlet).
--   attributed_to_title_en: That actor's title or role, if known.
--   attribution: How the number is attributed (direct_quote, paraphrase, outlet_statement).
--   quote: Verbatim Arabic quote carrying the number.
--   quote_en: English translation of the quote.
SELECT
    f.subject,
    f.figure_id,
    f.value,
    f.value_low,
    f.value_high,
    f.qualifier,
    f.unit,
    f.as_of,
    f.as_of_start,
    f.as_of_end,
    f.place_id,
    p.name_en AS place_name_en,
    f.event_id,
    f.source_id,
    s.outlet_en,
    s.published,
    s.published_earliest,
    s.published_latest,
    s.published_basis,
    f.attributed_to,
    a.name_en AS attributed_to_name_en,
    a.kind AS attributed_to_kind,
    a.title_en AS attributed_to_title_en,
    f.attribution,
    f.quote,
    f.quote_en
FROM figures AS f
JOIN sources AS s ON s.source_id = f.source_id
JOIN actors AS a ON a.actor_id = f.attributed_to
LEFT JOIN places AS p ON p.place_id = f.place_id
ORDER BY f.subject, coalesce(f.as_of_start, s.published_earliest), f.figure_id
