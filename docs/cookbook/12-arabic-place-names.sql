-- Question: Which claims speak of the withdrawal or of Ain al-Asad, with or without the article or hamza?
-- ar_norm folds the text and the search alike, so عين الاسد finds عين الأسد. For one word,
-- ar_norm_words also drops its leading ال, so الانسحاب finds انسحاب, بانسحاب and الانسحاب alike.
-- (Several words keep their articles: ar_norm_words('عين الاسد') is 'عين اسد', which only the
-- whole-word form finds: ' ' || ar_norm_words(quote) || ' ' LIKE '% ' || ar_norm_words('عين الاسد') || ' %'.)
SELECT
    mention_id,
    source_id,
    event_id,
    ar_norm(quote) LIKE '%' || ar_norm_words('الانسحاب') || '%' AS withdrawal,
    ar_norm(quote) LIKE '%' || ar_norm('عين الاسد') || '%' AS ain_al_asad,
    quote,
    quote_en
FROM mentions
WHERE ar_norm(quote) LIKE '%' || ar_norm_words('الانسحاب') || '%'
   OR ar_norm(quote) LIKE '%' || ar_norm('عين الاسد') || '%'
ORDER BY source_id, mention_id
