-- Everything one consistency check reads, in one lookup: for each comparison group of the
-- proposal, how many participants had each count total (`count_histogram`), and how the
-- group's charges were disposed and how often their class was reduced (`outcome_counts`),
-- summed over the chosen years. The caller reads the positions (below, equal, highest), the
-- chart's distribution and the outcome shares from these rows, so the proposed count total
-- is not a parameter. Histogram rows carry outcome ''; outcome rows carry count_total 0
-- (a participant in a group has at least one count there).
SELECT grp, count_total, '' AS outcome, SUM(participants) AS participants,
       0 AS charges, 0 AS reduced, 0 AS ranked
FROM count_histogram
WHERE year BETWEEN :year_from AND :year_to
  AND (
        (grp = 'section' AND chapter = :chapter AND act = :act
         AND section_family = :section_family)
     OR (grp = 'class_category' AND class = :class AND offense_category = :offense_category)
     OR (grp = 'class' AND class = :class)
     OR grp = 'all'
  )
GROUP BY grp, count_total
UNION ALL
SELECT grp, 0 AS count_total, outcome, 0 AS participants,
       SUM(charges) AS charges, SUM(reduced) AS reduced, SUM(ranked) AS ranked
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
ORDER BY grp, count_total, outcome
