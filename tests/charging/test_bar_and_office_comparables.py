"""A charging decision goes through the re-prosecution bar; disposed office cases appear in the
comparable-dispositions search for users who may see them, and only for them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from evenhand.accounts.models import Role
from evenhand.analytics.queries.consistency import Period
from evenhand.analytics.queries.outcomes import Outcome
from evenhand.audit.models import AuditAction, AuditEntry
from evenhand.charging import services
from evenhand.charging.comparable import ComparableFilters, office_comparables
from evenhand.charging.models import ChargingDecision
from evenhand.dispositions.models import BarOverride, DispositionKind
from evenhand.dispositions.services import disposition_record
from evenhand.screening.models import ScreenKind
from evenhand.screening.services import screen_raise
from tests.dispositions.factories import FALSE_REPORT, RETAIL_THEFT, World, charged_case
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _nolle_for_performed_terms(world: World) -> None:
    for charge in world.charges:
        disposition_record(
            actor=world.prosecutor,
            case_id=world.case.pk,
            charge_id=charge.pk,
            kind=DispositionKind.NOLLE_PROSEQUI_CONDITIONS,
            disposed_on=dt.date(2019, 3, 26),
            performed_consideration=True,
            conditions="15 hours of community service; $10,000 bond forfeited",
        )


def test_a_barred_decision_is_refused_until_an_override_is_recorded(empty_store: Path) -> None:
    first = charged_case(counts=16)
    _nolle_for_performed_terms(first)
    second = charged_case(
        prosecutor=first.prosecutor,
        defendant=first.defendant,
        statute_key=RETAIL_THEFT,
        counts=1,
        received_on=dt.date(2020, 2, 11),
        filed_on=dt.date(2020, 2, 11),
    )
    arguments = {
        "actor": first.prosecutor,
        "case_id": second.case.pk,
        "participant_id": second.defendant.pk,
        "statute_key": FALSE_REPORT,
        "counts": 6,
        "filed_on": dt.date(2020, 2, 11),
        "period": Period(2019, 2019),
    }
    with pytest.raises(ValidationError) as caught:
        services.charging_decide(**arguments)  # type: ignore[arg-type]  # test-built kwargs
    assert "bar_override_reason" in caught.value.message_dict
    # The warning is on the record even though nothing was filed.
    assert AuditEntry.objects.filter(action=AuditAction.BAR_WARNED).count() == 1
    assert not ChargingDecision.objects.exists()
    decision = services.charging_decide(
        **arguments,  # type: ignore[arg-type]  # as above
        bar_override_reason="The agreement was void: the terms were misrepresented.",
    )
    assert decision.charges.count() == 6
    assert BarOverride.objects.get().reason.startswith("The agreement was void")


def test_a_disposed_office_case_is_comparable_only_for_those_who_may_see_it(
    empty_store: Path,
) -> None:
    world = charged_case(counts=16)
    _nolle_for_performed_terms(world)
    filters = ComparableFilters(statute_key=FALSE_REPORT, min_counts=10)
    [match] = office_comparables(user=world.prosecutor, filters=filters)
    assert match.case == world.case
    assert match.count_total == 16
    assert match.outcome == Outcome.PROSECUTOR_DISMISSAL
    assert office_comparables(user=world.prosecutor, filters=ComparableFilters(min_counts=17)) == []
    only_pleas = ComparableFilters(
        statute_key=FALSE_REPORT, outcomes=frozenset({Outcome.GUILTY_PLEA})
    )
    assert office_comparables(user=world.prosecutor, filters=only_pleas) == []
    screened = make_user(role=Role.ASSISTANT_STATES_ATTORNEY)
    screen_raise(
        actor=make_user(role=Role.ETHICS_OFFICER),
        kind=ScreenKind.EXCLUSIONARY,
        users=[screened],
        case_ids=[world.case.pk],
        reason="Relative of a participant",
        memo="Do not touch this case.",
    )
    assert office_comparables(user=screened, filters=filters) == []
