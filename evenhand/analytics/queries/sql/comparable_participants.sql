-- Participants in history charged like a given decision, with how their case ended.
-- Empty text parameters match anything. Inputs: `initiation`, `dispositions`,
-- `outcome_vocabulary` (with `priority`: the participant ended in its lowest priority outcome).
WITH matched AS (
    SELECT release, case_participant_id,
           MIN(case_id) AS case_id,
           MIN(received_date) AS received_date,
           COUNT(DISTINCT charge_id) AS count_total,
           MIN(chapter) AS chapter,
           MIN(act) AS act,
           MIN(section) AS section,
           MIN(UPPER(class)) AS class,
           MIN(COALESCE(updated_offense_category, offense_category, '')) AS offense_category,
           MIN(charge_offense_title) AS title
    FROM initiation
    WHERE received_date BETWEEN :date_from AND :date_to
      AND (:chapter = '' OR chapter = :chapter)
      AND (:act = '' OR act = :act)
      AND (:section_family = '' OR section = :section_family OR section LIKE :section_prefix)
      AND (:class = '' OR UPPER(class) = :class)
      AND (:offense_category = ''
           OR COALESCE(updated_offense_category, offense_category, '') = :offense_category)
    GROUP BY release, case_participant_id
),
ended AS (
    SELECT d.release, d.case_participant_id,
           MIN(v.priority) AS priority,
           MAX(d.disposition_date) AS disposed_on
    FROM dispositions d
    JOIN outcome_vocabulary v
      ON v.charge_disposition = COALESCE(d.charge_disposition, '')
     AND v.charge_disposition_reason = COALESCE(d.charge_disposition_reason, '')
    GROUP BY d.release, d.case_participant_id
)
SELECT m.release, m.case_participant_id, m.case_id, m.received_date, m.count_total,
       m.chapter, m.act, m.section, m.class, m.offense_category, m.title,
       e.priority, e.disposed_on
FROM matched m
JOIN ended e ON e.release = m.release AND e.case_participant_id = m.case_participant_id
WHERE m.count_total BETWEEN :min_counts AND :max_counts
