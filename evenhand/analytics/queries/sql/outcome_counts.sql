-- How the charges of each comparison group were disposed, and how often the class was reduced
-- between initiation and disposition. Inputs: `charge_rows`, `dispositions`, and two small
-- vocabularies built from the data's distinct values: `outcome_vocabulary`
-- (charge_disposition, charge_disposition_reason -> outcome) and `class_ranks`
-- (class -> severity rank, 0 the most severe; known classes only).
WITH disposed AS (
    SELECT d.release, d.case_participant_id, d.charge_id,
           COALESCE(v.outcome, 'other') AS outcome,
           UPPER(COALESCE(d.disposition_charged_class, '')) AS disposed_class
    FROM dispositions d
    LEFT JOIN outcome_vocabulary v
           ON v.charge_disposition = COALESCE(d.charge_disposition, '')
          AND v.charge_disposition_reason = COALESCE(d.charge_disposition_reason, '')
),
joined AS (
    SELECT c.release, c.year, c.chapter, c.act, c.section_family, c.class,
           c.offense_category, x.outcome,
           CASE WHEN rd.rank > ri.rank THEN 1 ELSE 0 END AS reduced,
           CASE WHEN rd.rank IS NOT NULL AND ri.rank IS NOT NULL THEN 1 ELSE 0 END AS ranked
    FROM charge_rows c
    JOIN disposed x
      ON x.release = c.release AND x.case_participant_id = c.case_participant_id
     AND x.charge_id = c.charge_id
    LEFT JOIN class_ranks ri ON ri.class = c.class
    LEFT JOIN class_ranks rd ON rd.class = x.disposed_class
)
SELECT release, year, 'section' AS grp, chapter, act, section_family, '' AS class,
       '' AS offense_category, outcome, COUNT(*) AS charges, SUM(reduced) AS reduced,
       SUM(ranked) AS ranked
FROM joined GROUP BY release, year, chapter, act, section_family, outcome
UNION ALL
SELECT release, year, 'class_category' AS grp, '' AS chapter, '' AS act, '' AS section_family,
       class, offense_category, outcome, COUNT(*) AS charges, SUM(reduced) AS reduced,
       SUM(ranked) AS ranked
FROM joined GROUP BY release, year, class, offense_category, outcome
UNION ALL
SELECT release, year, 'class' AS grp, '' AS chapter, '' AS act, '' AS section_family, class,
       '' AS offense_category, outcome, COUNT(*) AS charges, SUM(reduced) AS reduced,
       SUM(ranked) AS ranked
FROM joined GROUP BY release, year, class, outcome
UNION ALL
SELECT release, year, 'all' AS grp, '' AS chapter, '' AS act, '' AS section_family,
       '' AS class, '' AS offense_category, outcome, COUNT(*) AS charges,
       SUM(reduced) AS reduced, SUM(ranked) AS ranked
FROM joined GROUP BY release, year, outcome
