-- One row per (release, participant, charge) at initiation, with the keys the comparison
-- groups use. `section_family` drops the subsection: 26-1(a)(4) belongs to section 26-1.
-- Portable SQL (DuckDB, PostgreSQL, Spark SQL): no engine-specific functions.
SELECT DISTINCT
    release,
    case_participant_id,
    charge_id,
    CAST(EXTRACT(YEAR FROM received_date) AS INTEGER) AS year,
    COALESCE(chapter, '') AS chapter,
    COALESCE(act, '') AS act,
    CASE
        WHEN POSITION('(' IN COALESCE(section, '')) > 0
            THEN SUBSTRING(section FROM 1 FOR POSITION('(' IN section) - 1)
        ELSE COALESCE(section, '')
    END AS section_family,
    UPPER(COALESCE(class, '')) AS class,
    COALESCE(updated_offense_category, offense_category, '') AS offense_category
FROM initiation
WHERE received_date IS NOT NULL AND charge_id IS NOT NULL
