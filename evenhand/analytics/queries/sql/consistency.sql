-- Everything one consistency check reads, in one lookup: the rows of the proposal's four
-- comparison groups in the chosen years, from `count_histogram` (how many participants had
-- each count total) and `outcome_counts` (how the group's charges were disposed, how often
-- their class was reduced). The tables are small and already summed over releases, so the
-- caller adds up the years itself: this query only filters (a GROUP BY here cost DuckDB more
-- than the rows it saves). Positions (below, equal, highest), the chart's distribution and
-- the outcome shares are read from these rows, so the proposed count total is not a
-- parameter. Histogram rows carry outcome ''; outcome rows carry count_total 0 (a
-- participant in a group has at least one count there).
SELECT grp, year, count_total, '' AS outcome, participants,
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
UNION ALL
SELECT grp, year, 0 AS count_total, outcome, 0 AS participants, charges, reduced, ranked
FROM outcome_counts
WHERE year BETWEEN :year_from AND :year_to
  AND (
        (grp = 'section' AND chapter = :chapter AND act = :act
         AND section_family = :section_family)
     OR (grp = 'class_category' AND class = :class AND offense_category = :offense_category)
     OR (grp = 'class' AND class = :class)
     OR grp = 'all'
  )
