-- The distribution of count totals in one comparison group, for the chart.
SELECT count_total, SUM(participants) AS participants
FROM count_histogram
WHERE year BETWEEN :year_from AND :year_to
  AND grp = :grp AND chapter = :chapter AND act = :act AND section_family = :section_family
  AND class = :class AND offense_category = :offense_category
GROUP BY count_total
ORDER BY count_total
