-- Every initiation and disposition row of one participant of one release.
SELECT 'initiation' AS dataset, charge_id, charge_version_id, charge_count,
       chapter, act, section, class, charge_offense_title AS title,
       received_date, CAST(NULL AS DATE) AS disposition_date,
       '' AS charge_disposition, '' AS charge_disposition_reason,
       COALESCE(updated_offense_category, offense_category, '') AS offense_category, case_id
FROM initiation
WHERE release = :release AND case_participant_id = :participant
UNION ALL
SELECT 'dispositions' AS dataset, charge_id, charge_version_id, charge_count,
       disposition_charged_chapter, disposition_charged_act, disposition_charged_section,
       disposition_charged_class, disposition_charged_offense_title, received_date,
       disposition_date, COALESCE(charge_disposition, ''),
       COALESCE(charge_disposition_reason, ''),
       COALESCE(updated_offense_category, offense_category, ''), case_id
FROM dispositions
WHERE release = :release AND case_participant_id = :participant
ORDER BY dataset DESC, charge_count, charge_id
