"""The public office metrics, each defined once as data.

Each metric is a *base* query that yields one row per counted unit (a referred person, a
charged person, a convicted charge...) with the same columns for every metric:

    period_date     DATE     the date that places the unit in a period
    offense_category VARCHAR
    offense_class   VARCHAR  NULL where the dataset has no class (intake, diversion)
    race, gender    VARCHAR
    hit             INTEGER  1 when the unit is in the numerator of a rate, else 0
    days            INTEGER  a duration, for median metrics

`evenhand.analytics.metrics.compute` filters, groups and aggregates that base the same way for
every metric. The SQL sticks to constructs DuckDB, PostgreSQL and Spark SQL share (CTEs,
window functions, CASE, `VALUES` lists, `percentile_cont ... WITHIN GROUP`), and reads only the
analytics store's views, filtered to one release (`$release`).

The value lists below come from the county's published vocabularies (the CCSAO data glossary
and the value counts in shared/data/cook-county-sao/SCHEMA.md §4): which felony-review results
are decisions, which charge dispositions are final, which are dismissals by the prosecutor and
which are convictions.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from evenhand.jurisdictions.ruleset import Ruleset


class MetricKind(enum.StrEnum):
    COUNT = "count"  # how many units
    RATE = "rate"  # units with hit = 1 among all units
    MEDIAN_DAYS = "median_days"  # median of `days` over the units


FELONY_REVIEW_APPROVED = ("Approved", "Charge(S) Approved")
FELONY_REVIEW_REJECTED = ("Rejected", "Disregard")

PROSECUTOR_DISMISSAL = (
    "Nolle Prosecution",
    "Nolle On Remand",
    "Nolle Pros - Aonic",
    "Withdrawn",
    "Charge Rejected",
)
CONVICTION = (
    "Plea Of Guilty",
    "Plea of Guilty - Amended Charge",
    "Plea of Guilty - Lesser Included",
    "Plea of Guilty But Mentally Ill",
    "Finding Guilty",
    "Finding Guilty - Lesser Included",
    "Finding Guilty - Amended Charge",
    "Finding Guilty But Mentally Ill",
    "Verdict Guilty",
    "Verdict Guilty - Lesser Included",
    "Verdict Guilty - Amended Charge",
    "Verdict Guilty But Mentally Ill",
)
ACQUITTAL_OR_COURT_DISMISSAL = (
    "FNG",
    "FNG Reason Insanity",
    "Verdict-Not Guilty",
    "FNPC",
    "Case Dismissed",
    "Charge Vacated",
    "Charge Reversed",
)
# Dispositions that end a charge; procedural ones (superseded, transferred, SOL, warrants,
# mistrials) do not, and neither does a death.
FINAL_DISPOSITION = PROSECUTOR_DISMISSAL + CONVICTION + ACQUITTAL_OR_COURT_DISMISSAL

DIVERSION_CONCLUDED = ("Graduated", "Failed")

# Durations outside this range are data-entry errors in the county's data (SCHEMA.md §5.3).
MAX_PLAUSIBLE_DAYS = 36_500


def sql_list(values: Iterable[str]) -> str:
    """A SQL list of string literals. Only ever given the constants of this module."""
    return ", ".join("'" + value.replace("'", "''") + "'" for value in values)


def class_ranks_sql(ruleset: Ruleset) -> str:
    """The ruleset's known classes as an inline table (code, rank): lower rank, more serious."""
    rows = ", ".join(
        f"('{c.code}', {c.rank})" for c in ruleset.classes.values() if c.known and c.code.isalnum()
    )
    return f"(VALUES {rows}) AS class_rank(code, rank)"


@dataclass(frozen=True)
class Metric:
    key: str
    title: str
    definition: str  # shown to the public beside the figures
    kind: MetricKind
    unit: str  # plural noun for what is counted
    period_label: str  # which date places a unit in a year
    has_class: bool
    base_sql: str  # may contain {class_ranks}; reads one release through $release

    def base(self, ruleset: Ruleset) -> str:
        return self.base_sql.replace("{class_ranks}", class_ranks_sql(ruleset))


_FINAL = sql_list(FINAL_DISPOSITION)

METRICS: tuple[Metric, ...] = (
    Metric(
        key="referrals",
        title="Referrals received",
        definition=(
            "People referred to the office (one per person per case), counted by the date "
            "the office received the case."
        ),
        kind=MetricKind.COUNT,
        unit="people",
        period_label="year received",
        has_class=False,
        base_sql="""
            SELECT CAST(received_date AS DATE) AS period_date, offense_category,
                   CAST(NULL AS VARCHAR) AS offense_class, race, gender,
                   0 AS hit, CAST(NULL AS INTEGER) AS days
            FROM intake WHERE release = $release
        """,
    ),
    Metric(
        key="felony_review_rejections",
        title="Felony-review rejections",
        definition=(
            "Share of felony-review decisions that rejected the felony charges (results "
            "'Rejected' or 'Disregard') among all decisions ('Approved', 'Charge(S) Approved', "
            "'Rejected', 'Disregard'). Direct filings without felony review are not counted."
        ),
        kind=MetricKind.RATE,
        unit="reviewed people",
        period_label="year received",
        has_class=False,
        base_sql=f"""
            SELECT CAST(received_date AS DATE) AS period_date, offense_category,
                   CAST(NULL AS VARCHAR) AS offense_class, race, gender,
                   CASE WHEN felony_review_result IN ({sql_list(FELONY_REVIEW_REJECTED)})
                        THEN 1 ELSE 0 END AS hit,
                   CAST(NULL AS INTEGER) AS days
            FROM intake
            WHERE release = $release
              AND felony_review_result IN (
                  {sql_list(FELONY_REVIEW_APPROVED + FELONY_REVIEW_REJECTED)})
        """,  # noqa: S608 - module constants only, values bound
    ),
    Metric(
        key="filings",
        title="Cases filed",
        definition=(
            "People against whom charges were filed in court (one per person per case), "
            "with the class of their primary charge, counted by the date the office received "
            "the case."
        ),
        kind=MetricKind.COUNT,
        unit="people charged",
        period_label="year received",
        has_class=True,
        base_sql="""
            SELECT period_date, offense_category, offense_class, race, gender, 0 AS hit,
                   CAST(NULL AS INTEGER) AS days
            FROM (
                SELECT CAST(received_date AS DATE) AS period_date, offense_category,
                       class AS offense_class, race, gender,
                       ROW_NUMBER() OVER (
                           PARTITION BY case_participant_id
                           ORDER BY CASE WHEN primary_charge_flag THEN 0 ELSE 1 END,
                                    charge_count, charge_id
                       ) AS pick
                FROM initiation WHERE release = $release
            ) AS charged
            WHERE pick = 1
        """,
    ),
    Metric(
        key="diversion_referrals",
        title="Diversion referrals",
        definition=(
            "Referrals of a person to a diversion programme (deferred prosecution, drug "
            "school, specialty courts...), counted by the referral date."
        ),
        kind=MetricKind.COUNT,
        unit="referrals",
        period_label="year referred",
        has_class=False,
        base_sql="""
            SELECT CAST(referral_date AS DATE) AS period_date, offense_category,
                   CAST(NULL AS VARCHAR) AS offense_class, race, gender,
                   0 AS hit, CAST(NULL AS INTEGER) AS days
            FROM diversion WHERE release = $release
        """,
    ),
    Metric(
        key="diversion_completion",
        title="Diversion completed",
        definition=(
            "Share of concluded diversion referrals that ended with the person graduating "
            "(result 'Graduated' among 'Graduated' and 'Failed'), counted by the date the "
            "referral closed."
        ),
        kind=MetricKind.RATE,
        unit="concluded referrals",
        period_label="year closed",
        has_class=False,
        base_sql=f"""
            SELECT CAST(diversion_closed_date AS DATE) AS period_date, offense_category,
                   CAST(NULL AS VARCHAR) AS offense_class, race, gender,
                   CASE WHEN diversion_result = 'Graduated' THEN 1 ELSE 0 END AS hit,
                   CAST(NULL AS INTEGER) AS days
            FROM diversion
            WHERE release = $release
              AND diversion_result IN ({sql_list(DIVERSION_CONCLUDED)})
        """,  # noqa: S608 - module constants only, values bound
    ),
    Metric(
        key="dismissals",
        title="Cases dismissed by the prosecutor",
        definition=(
            "Share of people whose charges were all finally disposed of by the prosecutor "
            "dropping them (nolle prosequi, withdrawn, rejected), among people whose charges "
            "reached a final disposition (dismissal, plea, verdict or finding, or a court "
            "dismissal). Counted by the date of the last final disposition; the class is that "
            "of the most serious disposed charge."
        ),
        kind=MetricKind.RATE,
        unit="people disposed",
        period_label="year disposed",
        has_class=True,
        base_sql=f"""
            SELECT MAX(CAST(d.disposition_date AS DATE)) AS period_date,
                   MIN(d.offense_category) AS offense_category,
                   MIN(CASE WHEN class_rank.rank = best.rank
                            THEN d.disposition_charged_class END)
                       AS offense_class,
                   MIN(d.race) AS race, MIN(d.gender) AS gender,
                   MIN(CASE WHEN d.charge_disposition IN ({sql_list(PROSECUTOR_DISMISSAL)})
                            THEN 1 ELSE 0 END) AS hit,
                   CAST(NULL AS INTEGER) AS days
            FROM dispositions AS d
            LEFT JOIN {{class_ranks}} ON class_rank.code = d.disposition_charged_class
            LEFT JOIN (
                SELECT case_participant_id, MIN(rank) AS rank
                FROM dispositions
                JOIN {{class_ranks}} ON class_rank.code = disposition_charged_class
                WHERE release = $release AND charge_disposition IN ({_FINAL})
                GROUP BY case_participant_id
            ) AS best ON best.case_participant_id = d.case_participant_id
            WHERE d.release = $release AND d.charge_disposition IN ({_FINAL})
            GROUP BY d.case_participant_id
        """,  # noqa: S608 - module constants only, values bound
    ),
    Metric(
        key="charge_reductions",
        title="Charges reduced at conviction",
        definition=(
            "Share of convicted charges (plea, finding or verdict of guilty) whose class at "
            "conviction is less serious than the most serious class the same charge carried "
            "when it was filed. Charges with a class the county's data does not define are "
            "left out. Counted by disposition date; the class is the class at filing."
        ),
        kind=MetricKind.RATE,
        unit="convicted charges",
        period_label="year disposed",
        has_class=True,
        base_sql=f"""
            SELECT CAST(d.disposition_date AS DATE) AS period_date, d.offense_category,
                   filed.offense_class, d.race, d.gender,
                   CASE WHEN disposed_rank.rank > filed.rank THEN 1 ELSE 0 END AS hit,
                   CAST(NULL AS INTEGER) AS days
            FROM dispositions AS d
            JOIN (
                SELECT case_participant_id, charge_id, rank, offense_class FROM (
                    SELECT i.case_participant_id, i.charge_id, class_rank.rank,
                           i.class AS offense_class,
                           ROW_NUMBER() OVER (
                               PARTITION BY i.case_participant_id, i.charge_id
                               ORDER BY class_rank.rank, i.charge_version_id
                           ) AS pick
                    FROM initiation AS i
                    JOIN {{class_ranks}} ON class_rank.code = i.class
                    WHERE i.release = $release
                ) AS versions WHERE pick = 1
            ) AS filed
              ON filed.case_participant_id = d.case_participant_id
             AND filed.charge_id = d.charge_id
            JOIN (SELECT code, rank FROM {{class_ranks}}) AS disposed_rank
              ON disposed_rank.code = d.disposition_charged_class
            WHERE d.release = $release AND d.charge_disposition IN ({sql_list(CONVICTION)})
        """,  # noqa: S608 - module constants only, values bound
    ),
    Metric(
        key="time_to_disposition",
        title="Time to disposition",
        definition=(
            "Median number of days from the office receiving a case to the last final "
            "disposition of the person's charges (see 'Cases dismissed' for which "
            "dispositions are final). Negative or implausibly long durations, which are "
            "data-entry errors, are left out."
        ),
        kind=MetricKind.MEDIAN_DAYS,
        unit="people disposed",
        period_label="year disposed",
        has_class=False,
        base_sql=f"""
            SELECT period_date, offense_category, offense_class, race, gender, 0 AS hit,
                   CAST(period_date - received AS INTEGER) AS days
            FROM (
                SELECT MAX(CAST(disposition_date AS DATE)) AS period_date,
                       MIN(CAST(received_date AS DATE)) AS received,
                       MIN(offense_category) AS offense_category,
                       CAST(NULL AS VARCHAR) AS offense_class,
                       MIN(race) AS race, MIN(gender) AS gender
                FROM dispositions
                WHERE release = $release AND charge_disposition IN ({_FINAL})
                GROUP BY case_participant_id
            ) AS per_person
            WHERE period_date - received BETWEEN 0 AND {MAX_PLAUSIBLE_DAYS}
        """,  # noqa: S608 - module constants only, values bound
    ),
)

METRICS_BY_KEY = {metric.key: metric for metric in METRICS}
