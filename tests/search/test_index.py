"""The index follows its sources through database triggers, and `search reindex` rebuilds it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection

from evenhand.audit.models import AuditAction, AuditEntry
from evenhand.cases import services as cases
from evenhand.cases.models import ParticipantRole
from evenhand.comms.services import NewAttachment, message_send
from evenhand.search.models import DocumentKind, SearchDocument
from evenhand.search.services import search_reindex
from tests.factories import add_participant, make_person
from tests.search.factories import VALE_NUMBER, make_office, search

pytestmark = pytest.mark.django_db


def _document(kind: DocumentKind, object_id: int) -> SearchDocument:
    return SearchDocument.objects.get(kind=kind, object_id=object_id)


def test_cases_events_participants_and_aliases_are_indexed_as_they_change() -> None:
    office = make_office()
    case_doc = _document(DocumentKind.CASE, office.vale_case.pk)
    assert case_doc.title == f"{VALE_NUMBER} People v. Jordan Vale"
    assert "Christina" in case_doc.people
    assert "J. Vale" in case_doc.people
    cases.case_update(actor=office.raman, case_id=office.vale_case.pk, title="People v. J. Vale")
    assert _document(DocumentKind.CASE, office.vale_case.pk).title.endswith("People v. J. Vale")
    person = make_person(actor=office.raman, first_name="Reese", last_name="Dunmore")
    cases.participant_add(
        actor=office.raman, case_id=office.vale_case.pk, person=person, role=ParticipantRole.WITNESS
    )
    cases.person_alias_add(actor=office.raman, person=person, name="Ree D.")
    people = _document(DocumentKind.CASE, office.vale_case.pk).people
    assert "Reese" in people
    assert "Ree D." in people
    event = SearchDocument.objects.get(
        kind=DocumentKind.EVENT, case_id=office.vale_case.pk, body__contains="footage"
    )
    assert "surveillance footage" in event.body
    assert event.occurred_on == dt.date(2019, 2, 14)


def test_charges_are_indexed_with_the_charged_person_and_only_their_current_version() -> None:
    office = make_office()
    defendant = add_participant(
        office.vale_case, actor=office.raman, first_name="Jordan", last_name="Vail"
    )
    filed = cases.charges_file(
        actor=office.raman,
        case_id=office.vale_case.pk,
        participant_id=defendant.pk,
        statute_key="720-5/26-1(a)(4)",
        counts=2,
        filed_on=dt.date(2019, 3, 7),
    )
    documents = SearchDocument.objects.filter(kind=DocumentKind.CHARGE).order_by("object_id")
    assert [d.object_id for d in documents] == [c.pk for c in filed]
    assert all("Vail" in d.people and d.case_id == office.vale_case.pk for d in documents)
    assert "Count 1" in documents[0].body


def test_messages_recipients_tags_and_text_attachments_are_indexed() -> None:
    office = make_office()
    message = message_send(
        actor=office.raman,
        recipients=[office.keogh],
        subject="Footage",
        body="The rideshare driver confirmed the route.",
        case_ids=[office.vale_case.pk],
        attachments=[
            NewAttachment(
                filename="notes.txt", content_type="text/plain", content=b"driver statement"
            ),
            NewAttachment(
                filename="photo.png", content_type="image/png", content=b"\x89PNG\r\n\x00\xff"
            ),
        ],
    )
    document = _document(DocumentKind.MESSAGE, message.pk)
    assert (document.case_id, document.message_id, document.status) == (
        office.vale_case.pk,
        message.pk,
        "delivered",
    )
    assert "Keogh" in document.people
    assert "Raman" in document.people
    attachments = {
        d.title: d.body for d in SearchDocument.objects.filter(kind=DocumentKind.ATTACHMENT)
    }
    assert attachments == {"notes.txt": "driver statement", "photo.png": ""}


def test_reindex_is_idempotent_repairs_the_index_and_is_audited() -> None:
    office = make_office()
    before = sorted(SearchDocument.objects.values_list("kind", "object_id", "title", "body"))
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_searchdocument WHERE kind = 'case'")
    assert search(office.raman, "Streeterville").total == 0
    assert search_reindex(actor=office.raman) == len(before)
    call_command("search", "reindex", stdout=open("/dev/null", "w"))  # noqa: SIM115
    after = sorted(SearchDocument.objects.values_list("kind", "object_id", "title", "body"))
    assert after == before
    assert search(office.raman, "Streeterville").total == 1
    assert AuditEntry.objects.filter(action=AuditAction.SEARCH_REINDEXED).count() == 2
