-- How many participants had how many counts, per comparison group, year and release.
-- A participant's count total in a group is the number of distinct initiation charges it
-- holds in that group. Input: the relation `charge_rows` (charge_rows.sql).
WITH per_participant AS (
    SELECT release, year, 'section' AS grp, chapter, act, section_family,
           '' AS class, '' AS offense_category, case_participant_id,
           COUNT(DISTINCT charge_id) AS count_total
    FROM charge_rows
    GROUP BY release, year, chapter, act, section_family, case_participant_id
    UNION ALL
    SELECT release, year, 'class_category' AS grp, '' AS chapter, '' AS act,
           '' AS section_family, class, offense_category, case_participant_id,
           COUNT(DISTINCT charge_id) AS count_total
    FROM charge_rows
    GROUP BY release, year, class, offense_category, case_participant_id
    UNION ALL
    SELECT release, year, 'class' AS grp, '' AS chapter, '' AS act, '' AS section_family,
           class, '' AS offense_category, case_participant_id,
           COUNT(DISTINCT charge_id) AS count_total
    FROM charge_rows
    GROUP BY release, year, class, case_participant_id
    UNION ALL
    SELECT release, year, 'all' AS grp, '' AS chapter, '' AS act, '' AS section_family,
           '' AS class, '' AS offense_category, case_participant_id,
           COUNT(DISTINCT charge_id) AS count_total
    FROM charge_rows
    GROUP BY release, year, case_participant_id
)
SELECT release, year, grp, chapter, act, section_family, class, offense_category,
       count_total, COUNT(*) AS participants
FROM per_participant
GROUP BY release, year, grp, chapter, act, section_family, class, offense_category, count_total
