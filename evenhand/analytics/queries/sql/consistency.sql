-- Where a proposed count total falls in each comparison group: participants below, equal,
-- in all, and the group's highest total. Input: `count_histogram` (count_histogram.sql).
SELECT grp,
       SUM(participants) AS participants,
       SUM(CASE WHEN count_total < :count_total THEN participants ELSE 0 END) AS below,
       SUM(CASE WHEN count_total = :count_total THEN participants ELSE 0 END) AS equal,
       MAX(count_total) AS highest
FROM count_histogram
WHERE year BETWEEN :year_from AND :year_to
  AND (
        (grp = 'section' AND chapter = :chapter AND act = :act
         AND section_family = :section_family)
     OR (grp = 'class_category' AND class = :class AND offense_category = :offense_category)
     OR (grp = 'class' AND class = :class)
     OR grp = 'all'
  )
GROUP BY grp
ORDER BY grp
