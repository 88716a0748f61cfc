"""The case page: a fixed number of queries whatever the case holds, and long lists in pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evenhand.accounts.models import Role, User
from evenhand.audit.models import AuditAction, AuditEntry
from evenhand.cases import services
from evenhand.cases.models import (
    AssignmentRole,
    Case,
    CaseEventKind,
    Charge,
    ContactChannel,
    ParticipantRole,
    RelationshipKind,
)
from evenhand.cases.selectors import CHARGES_PER_PAGE, EVENTS_PER_PAGE
from tests.factories import add_participant, make_case, make_person, make_user

pytestmark = pytest.mark.django_db

FALSE_REPORT = "720-5/26-1(a)(4)"
DISORDERLY = "720-5/26-1(a)(1)"
WHEN = dt.datetime(2019, 5, 2, 15, 30, tzinfo=dt.UTC)


@pytest.fixture
def asa() -> User:
    return make_user(role=Role.ASSISTANT_STATES_ATTORNEY, username="praman")


def _signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def _page(client: Client, case: Case, **params: str | int) -> tuple[str, int]:
    """The page's HTML and the number of queries it took."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("case-detail", args=[case.pk]), params)
    assert response.status_code == 200
    return response.content.decode(), len(captured)


def _grow(
    case: Case,
    actor: User,
    *,
    participants: int = 0,
    counts: int = 0,
    amended: int = 0,
    events: int = 0,
    team: int = 0,
) -> None:
    for n in range(participants):
        person = add_participant(
            case, actor=actor, role=ParticipantRole.WITNESS, aliases=[f"alias {n}", f"aka {n}"]
        )
        services.participant_role_change(
            actor=actor,
            case_id=case.pk,
            participant_id=person.pk,
            role=ParticipantRole.VICTIM,
            reason=f"change {n}",
        )
    if counts:
        defendant = add_participant(case, actor=actor)
        services.charges_file(
            actor=actor,
            case_id=case.pk,
            participant_id=defendant.pk,
            statute_key=FALSE_REPORT,
            counts=counts,
            filed_on=dt.date(2019, 5, 2),
        )
        charge_ids = Charge.objects.filter(case=case).order_by("id").values_list("pk", flat=True)
        for charge_id in list(charge_ids)[:amended]:
            services.charge_amend(
                actor=actor,
                case_id=case.pk,
                charge_id=charge_id,
                statute_key=DISORDERLY,
                reason="fits the facts",
            )
    for n in range(events):
        services.case_event_record(
            actor=actor,
            case_id=case.pk,
            kind=CaseEventKind.NOTE,
            occurred_at=WHEN + dt.timedelta(minutes=n),
            summary=f"note number {n:03d}",
        )
    for _ in range(team):
        services.case_assign(
            actor=actor, case_id=case.pk, user=make_user(), role=AssignmentRole.MEMBER
        )


@pytest.mark.parametrize(
    "growth",
    [
        {"participants": 6},
        {"counts": CHARGES_PER_PAGE + 7},
        {"counts": 8, "amended": 6},
        {"events": EVENTS_PER_PAGE + 3},
        {"team": 5},
    ],
    ids=["participants", "charges", "amended charges", "events", "team"],
)
def test_query_count_does_not_grow_with_the_case(
    client: Client, asa: User, growth: dict[str, int]
) -> None:
    client = _signed_in(client, asa)
    empty = make_case(actor=asa)
    _html, empty_queries = _page(client, empty)
    grown = make_case(actor=asa)
    _grow(grown, asa, **growth)
    html, grown_queries = _page(client, grown)
    assert grown_queries == empty_queries
    # and the growth is on the page, or a page of it is
    assert html != _page(client, empty)[0]


def test_query_count_is_the_same_on_every_page_of_the_lists(client: Client, asa: User) -> None:
    client = _signed_in(client, asa)
    case = make_case(actor=asa)
    _grow(case, asa, counts=CHARGES_PER_PAGE + 1, amended=2, events=EVENTS_PER_PAGE + 1)
    first = _page(client, case)[1]
    assert _page(client, case, charges=2, events=2, amended=1)[1] == first


def _rows(html: str, testid: str) -> list[str]:
    block = re.search(rf'<(table|ol|ul) [^>]*data-testid="{testid}"[^>]*>(.*?)</\1>', html, re.S)
    assert block is not None, testid
    if block.group(1) == "table":
        body = block.group(2).split("<tbody>")[-1]  # the header row is not a row of data
        return re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return re.findall(r"<li>(.*?)</li>", block.group(2), re.S)


def test_charges_come_fifty_at_a_time_with_working_links(client: Client, asa: User) -> None:
    client = _signed_in(client, asa)
    case = make_case(actor=asa)
    total = 2 * CHARGES_PER_PAGE + 5
    _grow(case, asa, counts=total, events=3)
    html, _ = _page(client, case)
    assert len(_rows(html, "charges")) == CHARGES_PER_PAGE
    assert f"{total} current counts" in html
    assert f"Current counts 1–{CHARGES_PER_PAGE} of {total} (page 1 of 3)" in html
    next_link = re.search(r'<a href="\?([^"#]*)#charges-h" rel="next">', html)
    assert next_link is not None
    last = client.get(reverse("case-detail", args=[case.pk]) + "?" + next_link.group(1))
    assert "page 2 of 3" in last.content.decode()
    html, _ = _page(client, case, charges=3)
    assert len(_rows(html, "charges")) == 5
    assert 'rel="next">Next' not in html.split('data-testid="charges-pages"')[1].split("</nav>")[0]
    # Beyond the end shows the last page; nonsense shows the first.
    assert "page 3 of 3" in _page(client, case, charges=99)[0]
    for nonsense in ("0", "-1", "x", "²", "9" * 40):
        assert "page 1 of 3" in _page(client, case, charges=nonsense)[0]


def test_events_page_keeps_the_charges_page_and_numbers_its_items(
    client: Client, asa: User
) -> None:
    client = _signed_in(client, asa)
    case = make_case(actor=asa)
    _grow(case, asa, counts=CHARGES_PER_PAGE + 1, events=EVENTS_PER_PAGE + 2)
    html, _ = _page(client, case, charges=2)
    events_nav = html.split('data-testid="events-pages"')[1].split("</nav>")[0]
    link = re.search(r'href="\?([^"]*)" rel="next"', events_nav)
    assert link is not None
    assert "charges=2" in link.group(1)
    assert "events=2" in link.group(1)
    second, _ = _page(client, case, charges=2, events=2)
    assert f'start="{EVENTS_PER_PAGE + 1}"' in second
    # opening the case adds an event too, so the last notes are on the second page
    assert "note number 051" in second
    assert "note number 000" not in second


def test_amended_versions_are_listed_apart(client: Client, asa: User) -> None:
    client = _signed_in(client, asa)
    case = make_case(actor=asa)
    _grow(case, asa, counts=3, amended=2)
    html, _ = _page(client, case)
    assert "Earlier versions of amended counts (2)" in html
    assert "filed 2019-05-02" in html  # the filing date, as the charges table shows it too
    assert len(_rows(html, "amended")) == 2
    assert len(_rows(html, "charges")) == 3
    assert "3 current counts" in html


def test_every_page_of_the_case_is_a_logged_read(client: Client, asa: User) -> None:
    client = _signed_in(client, asa)
    case = make_case(actor=asa)
    _grow(case, asa, events=EVENTS_PER_PAGE + 1)
    before = AuditEntry.objects.filter(action=AuditAction.CASE_VIEWED, case_id=case.pk).count()
    _page(client, case)
    _page(client, case, events=2)
    after = AuditEntry.objects.filter(action=AuditAction.CASE_VIEWED, case_id=case.pk).count()
    assert after == before + 2


def test_people_and_history_render_from_the_page_rows(client: Client, asa: User) -> None:
    client = _signed_in(client, asa)
    case = make_case(actor=asa)
    _grow(case, asa, participants=2, team=1)
    html, _ = _page(client, case)
    participants = _rows(html, "participants")
    assert len(participants) == 2
    assert "aka 0, alias 0" in participants[0]  # in order of name
    assert "Witness → Victim" in participants[0]
    assert "(change 0)" in participants[0]
    assert f"by {asa.get_full_name()}" in participants[0]
    assert "Team member" in html


def test_times_are_shown_in_local_time(client: Client, asa: User) -> None:
    client = _signed_in(client, asa)
    case = make_case(actor=asa)
    _grow(case, asa, events=1)
    html, _ = _page(client, case)
    # 15:30 UTC on 2 May 2019 is 10:30 in Chicago (daylight time).
    assert '<time datetime="2019-05-02T10:30:00-05:00">2019-05-02 10:30</time>' in html


def test_conflict_flags_show_to_the_flagged_and_to_oversight_only(
    client: Client, asa: User
) -> None:
    flagged = make_user(role=Role.ASSISTANT_STATES_ATTORNEY, first_name="Dana", last_name="Whit")
    case = make_case(actor=asa)
    victim = add_participant(case, actor=asa, role=ParticipantRole.VICTIM)
    relative = make_person(actor=asa, first_name="Tina", last_name="Vale")
    services.relationship_add(
        actor=asa, from_person=relative, to_person=victim.person, kind=RelationshipKind.RELATIVE_OF
    )
    services.contact_log(
        actor=flagged,
        staff=flagged,
        person=relative,
        case_id=case.pk,
        channel=ContactChannel.TEXT,
        occurred_at=WHEN,
        summary="Asks about the investigation.",
    )

    def conflicts(user: User) -> str:
        html, _ = _page(_signed_in(client, user), case)
        return html.split('id="conflicts-h"')[1].split("</section>")[0]

    shown = conflicts(flagged)
    assert "Dana Whit" in shown
    assert re.search(r"<td>\d{4}-\d\d-\d\d \d\d:\d\d</td>", shown)
    assert "Open: awaiting the staff member&#x27;s decision" in shown
    assert "Dana Whit" not in conflicts(asa)
    assert "Dana Whit" in conflicts(make_user(role=Role.INSPECTOR_GENERAL))
