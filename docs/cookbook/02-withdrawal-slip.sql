-- Question: How late was each withdrawal, including the one from Ain al-Asad, compared with the plan?
-- Plans whose outcome is a withdrawal, with the planned and actual dates and the slip in
-- days as plan_vs_outcome defines it (positive = late, negative = early, 0 = on time
-- within the dates' precision).
SELECT
    v.plan_event_id,
    pl.name_en AS place,
    v.plan_date,
    v.plan_status,
    v.outcome_event_id,
    v.outcome_date,
    v.slip_days,
    round(v.slip_days / 30.44, 1) AS slip_months,
    v.plan_summary_en,
    v.outcome_summary_en
FROM plan_vs_outcome AS v
JOIN events AS o ON o.event_id = v.outcome_event_id
LEFT JOIN places AS pl ON pl.place_id = o.place_id
WHERE o.event_type = 'withdrawal'
ORDER BY v.plan_start NULLS LAST, v.plan_event_id
