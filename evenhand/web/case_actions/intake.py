"""Putting people and events on a case from its page: a participant (someone already recorded,
found by name, or a new person), a relationship between the case's people, and an event. A new
person whose name matches people the user may see is not recorded until the user picks one of
them instead or confirms that it is someone else.

Each page checks the policy first (`access_case(..., EDIT)`: a missing or hidden case is a
404, a read-only one a 403), then validates at the edge and calls the audited services. A
refused or invalid post shows the form again with what was typed.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from evenhand.accounts.current import signed_in_user
from evenhand.accounts.models import User
from evenhand.cases import services
from evenhand.cases.models import Case, CaseEventKind, ParticipantRole, Person, RelationshipKind
from evenhand.cases.selectors import case_people
from evenhand.screening.policies import CaseAction, access_case

from ..forms import (
    CaseEventForm,
    ExistingParticipantForm,
    NewParticipantForm,
    PersonSearchForm,
    RelationshipForm,
)
from .common import ConflictWatch, form_page, run_service
from .people import (
    DifferentPersonForm,
    FoundPerson,
    duplicate_warning,
    people_by_ids,
    people_found,
    relationships_among,
)

EXISTING = "existing"
NEW = "new"


def _posted_person_id(request: HttpRequest) -> int | None:
    value = request.POST.get(f"{EXISTING}-person", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


def _candidates(
    request: HttpRequest, user: User, search: PersonSearchForm
) -> tuple[list[FoundPerson], bool]:
    """The people the search found, plus a posted choice the user may find (checked again)."""
    found, more = (
        people_found(user=user, query=search.cleaned_data["q"])
        if search.is_valid()
        else ([], False)
    )
    posted = _posted_person_id(request)
    if posted is not None and all(f.person.pk != posted for f in found):
        found = [*found, *people_by_ids(user=user, ids=[posted])]
    return found, more


@login_required
@require_http_methods(["GET", "POST"])
def participant_add_view(request: HttpRequest, case_id: int) -> HttpResponseBase:
    user = signed_in_user(request)
    case = access_case(user, case_id, CaseAction.EDIT, log_read=False)
    posted = request.POST.get("form", "") if request.method == "POST" else ""
    search = PersonSearchForm(request.GET if "q" in request.GET else None)
    found, more = _candidates(request, user, search)
    existing = ExistingParticipantForm(
        request.POST if posted == EXISTING else None,
        prefix=EXISTING,
        choices=[(f.person.pk, f.label) for f in found],
    )
    new = NewParticipantForm(request.POST if posted == NEW else None, prefix=NEW)
    form = existing if posted == EXISTING else new if posted == NEW else None
    warning = (
        duplicate_warning(user=user, case=case, new=new) if form is new and new.is_valid() else None
    )
    if form is not None and form.is_valid() and warning is None:
        data = form.cleaned_data
        role = ParticipantRole(data["role"])
        watch = ConflictWatch(user, case)
        added: list[Person] = []

        def add() -> None:
            # One transaction: a new person is not left behind if adding them fails.
            with transaction.atomic():
                if form is existing:
                    person = next(f.person for f in found if f.person.pk == data["person"])
                else:
                    person = services.person_create(
                        actor=user,
                        first_name=data["first_name"],
                        middle_name=data["middle_name"],
                        last_name=data["last_name"],
                        date_of_birth=data["date_of_birth"],
                        aliases=data["aliases"],
                        duplicates_overridden=DifferentPersonForm(
                            new.data, prefix=new.prefix
                        ).overridden(),
                    )
                services.participant_add(
                    actor=user,
                    case_id=case.pk,
                    person=person,
                    role=role,
                    occurred_at=data["occurred_at"],
                )
                added.append(person)

        if run_service(form, add):
            watch.report(request, f"{added[0]} added to the case as {role.label.lower()}.")
            return redirect(f"/cases/{case.pk}/#participants-h")
    context = {
        "case": case,
        "search": search,
        "found": found,
        "more": more,
        "existing": existing,
        "new": new,
        "posted": posted,
        "warning": warning,
    }
    return render(request, "web/participant_add.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def relationship_view(request: HttpRequest, case_id: int) -> HttpResponseBase:
    user = signed_in_user(request)
    case = access_case(user, case_id, CaseAction.EDIT, log_read=False)
    form = RelationshipForm(request.POST or None, people=case_people(case=case))
    if request.method == "POST" and form.is_valid():
        watch = ConflictWatch(user, case)
        first, second = form.person("from_person"), form.person("to_person")
        kind = RelationshipKind(form.cleaned_data["kind"])

        def record() -> object:
            return services.relationship_add(
                actor=user,
                from_person=first,
                to_person=second,
                kind=kind,
                note=form.cleaned_data["note"],
                case_id=case.pk,
            )

        if run_service(form, record):
            watch.report(request, f"Recorded: {first} {kind.label} {second}.")
            return redirect(f"/cases/{case.pk}/relationships/")
    return render(
        request,
        "web/relationships.html",
        {"case": case, "form": form, "relationships": relationships_among(case=case)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_record_view(request: HttpRequest, case_id: int) -> HttpResponseBase:
    user = signed_in_user(request)
    case: Case = access_case(user, case_id, CaseAction.EDIT, log_read=False)
    form = CaseEventForm(request.POST or None)

    def record() -> object:
        data = form.cleaned_data
        return services.case_event_record(
            actor=user,
            case_id=case.pk,
            kind=CaseEventKind(data["kind"]),
            occurred_at=data["occurred_at"],
            summary=data["summary"],
        )

    return form_page(
        request,
        case=case,
        form=form,
        title="Record an event",
        action=record,
        success="Event recorded.",
        anchor="timeline-h",
    )
