"""Recording sealing, unsealing and access orders: history kept, bad input refused whole."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from evenhand.accounts.models import Role
from evenhand.audit.models import AuditAction, AuditEntry
from evenhand.screening.policies import CaseActionDeniedError, CaseNotFoundError
from evenhand.sealing.models import AccessGrant, SealingKind, SealingOrder, UnsealingOrder
from evenhand.sealing.selectors import is_sealed, sealed_case_ids
from evenhand.sealing.services import OrderDocument, access_grant_revoke, sealing_order_record
from tests.factories import json_object, make_case, make_user
from tests.sealing.factories import grant, particulars, seal, unseal

pytestmark = pytest.mark.django_db

MARCH_26 = dt.datetime(2019, 3, 26, 15, 0, tzinfo=dt.UTC)
MAY_23 = dt.datetime(2019, 5, 23, 15, 0, tzinfo=dt.UTC)


@time_machine.travel(dt.datetime(2019, 6, 1, 12, 0, tzinfo=dt.UTC), tick=False)
def test_sealing_history_answers_for_any_moment() -> None:
    asa = make_user()
    case, other = make_case(actor=asa), make_case(actor=asa)
    seal(case, actor=asa, effective_at=MARCH_26)
    unseal(case, actor=asa, effective_at=MAY_23)
    assert not is_sealed(case.pk, at=MARCH_26 - dt.timedelta(seconds=1))
    assert is_sealed(case.pk, at=MARCH_26)
    assert is_sealed(case.pk, at=MAY_23 - dt.timedelta(seconds=1))
    assert not is_sealed(case.pk, at=MAY_23)
    assert not is_sealed(case.pk)
    assert list(sealed_case_ids(at=dt.datetime(2019, 4, 1, tzinfo=dt.UTC))) == [case.pk]
    assert list(sealed_case_ids()) == []
    assert not is_sealed(other.pk, at=dt.datetime(2019, 4, 1, tzinfo=dt.UTC))


def test_sealing_is_audited_with_the_order_particulars() -> None:
    asa = make_user()
    case = make_case(actor=asa)
    order = seal(case, actor=asa)
    entry = AuditEntry.objects.get(action=AuditAction.SEALING_ORDER_RECORDED)
    after = json_object(entry.after)
    assert entry.case_id == case.pk
    assert after["order_reference"] == order.order_reference
    assert after["judge"] == "Rosa Castellanos"
    assert after["kind"] == SealingKind.IMMEDIATE


def test_overlapping_sealing_is_refused_and_leaves_nothing() -> None:
    asa = make_user()
    case = make_case(actor=asa)
    seal(case, actor=asa)
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError, match="already sealed"):
        seal(case, actor=asa, kind=SealingKind.SEALING)
    assert SealingOrder.objects.filter(case=case).count() == 1
    assert AuditEntry.objects.count() == before


@time_machine.travel(dt.datetime(2019, 6, 1, 12, 0, tzinfo=dt.UTC), tick=False)
def test_a_sealing_that_would_run_into_an_earlier_one_is_refused() -> None:
    asa = make_user()
    case = make_case(actor=asa)
    seal(case, actor=asa, effective_at=MARCH_26)
    unseal(case, actor=asa, effective_at=MAY_23)
    # Open-ended from before May 23: it would overlap the sealing of March 26.
    with pytest.raises(ValidationError, match="already sealed"):
        seal(case, actor=asa, effective_at=MARCH_26 - dt.timedelta(days=10))
    # After the unsealing, sealing again is fine.
    seal(case, actor=asa, kind=SealingKind.SEALING)
    assert is_sealed(case.pk)


def test_unsealing_without_a_sealing_in_force_is_refused() -> None:
    asa = make_user()
    case = make_case(actor=asa)
    with pytest.raises(ValidationError, match="not sealed"):
        unseal(case, actor=asa)
    seal(case, actor=asa)
    unseal(case, actor=asa)
    with pytest.raises(ValidationError, match="not sealed"):
        unseal(case, actor=asa)
    assert UnsealingOrder.objects.filter(case=case).count() == 1


def test_an_expungement_is_not_undone_by_unsealing() -> None:
    asa = make_user()
    case = make_case(actor=asa)
    seal(case, actor=asa, kind=SealingKind.EXPUNGEMENT)
    with pytest.raises(ValidationError, match="expunged"):
        unseal(case, actor=asa)
    assert is_sealed(case.pk)


def test_orders_on_unknown_cases_are_not_found_and_logged() -> None:
    asa = make_user()
    with pytest.raises(CaseNotFoundError):
        sealing_order_record(
            actor=asa, case_id=987654, kind=SealingKind.IMMEDIATE, particulars=particulars()
        )
    assert not SealingOrder.objects.exists()
    assert AuditEntry.objects.filter(action=AuditAction.CASE_ACCESS_REFUSED).exists()


def test_only_those_who_may_dispose_record_orders() -> None:
    asa = make_user()
    case = make_case(actor=asa)
    for role in (Role.INVESTIGATOR, Role.INSPECTOR_GENERAL, Role.RECORDS_OFFICER):
        with pytest.raises(CaseActionDeniedError):
            seal(case, actor=make_user(role=role))
    assert not SealingOrder.objects.exists()


def test_particulars_are_required_and_orders_not_dated_in_the_future() -> None:
    asa = make_user()
    case = make_case(actor=asa)
    blank = particulars()
    bad = type(blank)(court=" ", judge="", order_date=timezone.localdate(), order_reference="")
    with pytest.raises(ValidationError) as caught:
        sealing_order_record(actor=asa, case_id=case.pk, kind=SealingKind.SEALING, particulars=bad)
    assert set(caught.value.message_dict) == {"court", "judge", "order_reference"}
    future = particulars(order_date=timezone.localdate() + dt.timedelta(days=2))
    with pytest.raises(ValidationError, match="future"):
        sealing_order_record(
            actor=asa, case_id=case.pk, kind=SealingKind.SEALING, particulars=future
        )
    assert not SealingOrder.objects.exists()


def test_the_order_document_is_kept_with_its_hash() -> None:
    asa = make_user()
    case = make_case(actor=asa)
    document = OrderDocument(name="order.pdf", content_type="application/pdf", content=b"%PDF-1.4")
    order = sealing_order_record(
        actor=asa,
        case_id=case.pk,
        kind=SealingKind.IMMEDIATE,
        particulars=particulars(document=document),
    )
    order.refresh_from_db()
    assert bytes(order.document) == b"%PDF-1.4"
    assert len(order.document_sha256) == 64


def test_access_grants_need_a_sealed_case_and_a_person_without_standing() -> None:
    asa = make_user()
    case = make_case(actor=asa)
    inspector = make_user(role=Role.INSPECTOR_GENERAL)
    with pytest.raises(ValidationError, match="not sealed"):
        grant(case, actor=asa, grantee=inspector)
    seal(case, actor=asa)
    with pytest.raises(ValidationError, match="already may read"):
        grant(case, actor=asa, grantee=make_user(role=Role.FIRST_ASSISTANT))
    with pytest.raises(ValidationError, match="end after"):
        grant(case, actor=asa, grantee=inspector, ends_at=timezone.now() - dt.timedelta(days=1))
    given = grant(case, actor=asa, grantee=inspector)
    assert AccessGrant.objects.count() == 1
    revoked = access_grant_revoke(actor=asa, grant_id=given.pk, reason="Order vacated.")
    assert revoked.revoked_at is not None
    with pytest.raises(ValidationError, match="already revoked"):
        access_grant_revoke(actor=asa, grant_id=given.pk, reason="Again.")
    assert AuditEntry.objects.filter(action=AuditAction.SEALED_ACCESS_REVOKED).count() == 1


def test_unsealing_ends_the_grants_so_a_later_sealing_starts_closed() -> None:
    asa = make_user()
    case = make_case(actor=asa)
    inspector = make_user(role=Role.INSPECTOR_GENERAL)
    seal(case, actor=asa)
    given = grant(case, actor=asa, grantee=inspector)
    unseal(case, actor=asa)
    given.refresh_from_db()
    assert given.revoked_at is not None
    assert "unsealed" in given.revoke_reason
