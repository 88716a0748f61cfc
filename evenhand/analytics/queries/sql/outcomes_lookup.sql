-- Disposition outcomes and class reductions of the comparison groups of one decision.
SELECT grp, outcome, SUM(charges) AS charges, SUM(reduced) AS reduced, SUM(ranked) AS ranked
FROM outcome_counts
WHERE year BETWEEN :year_from AND :year_to
  AND (
        (grp = 'section' AND chapter = :chapter AND act = :act
         AND section_family = :section_family)
     OR (grp = 'class_category' AND class = :class AND offense_category = :offense_category)
     OR (grp = 'class' AND class = :class)
     OR grp = 'all'
  )
GROUP BY grp, outcome
ORDER BY grp, outcome
