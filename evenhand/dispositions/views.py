"""Pages: dispositions per case, enrolment with its eligibility explanation, terms and their
completion log, the overdue and due-soon lists, and charging with the re-prosecution bar."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from evenhand.accounts.current import signed_in_user
from evenhand.cases.selectors import case_ids_for_numbers
from evenhand.screening.policies import CaseAction, allowed_actions
from evenhand.screening.views import errors_into

from . import services
from .edits import Conflict, sign, term_snapshot
from .forms import (
    CheckedChargeForm,
    CompletionForm,
    DispositionForm,
    EndForm,
    EnrolmentForm,
    SameConductForm,
    TermEntryForm,
    TermForm,
    TermMoveForm,
    TermWaiveForm,
)
from .models import (
    DISPOSITION_DESCRIPTIONS,
    ConsentState,
    DispositionKind,
    EnrolmentStatus,
    TermEntryKind,
    TermKind,
    TermStatus,
)
from .selectors import (
    BarFinding,
    DispositionsOverview,
    EnrolmentDetail,
    TermRow,
    dispositions_overview,
    due_soon_terms,
    eligibility_evaluate,
    enrolment_detail,
    overdue_terms,
    term_window,
)

TERMS_PER_PAGE = 25
DUE_SOON_DAYS = 14


def _run(form: Form, action: Callable[[], object]) -> bool:
    """Call a service for a valid form; put its refusal on the form. True when it succeeded."""
    try:
        action()
    except ValidationError as exc:
        errors_into(form, exc)
    except (PermissionDenied, services.VersionConflictError) as exc:
        form.add_error(None, str(exc) or "Not allowed.")
    else:
        return True
    return False


def _case_page(
    request: HttpRequest, overview: DispositionsOverview, link_form: SameConductForm
) -> HttpResponse:
    user = signed_in_user(request)
    return render(
        request,
        "dispositions/case.html",
        {
            "overview": overview,
            "case": overview.case,
            "descriptions": DISPOSITION_DESCRIPTIONS,
            "link_form": link_form,
            # Correction links only for those the policy lets dispose: no dead buttons.
            "may_dispose": CaseAction.DISPOSE in allowed_actions(user, overview.case),
        },
    )


@login_required
@require_GET
def case_dispositions_view(request: HttpRequest, case_id: int) -> HttpResponse:
    overview = dispositions_overview(user=signed_in_user(request), case_id=case_id)
    return _case_page(request, overview, SameConductForm())


@login_required
@require_http_methods(["GET", "POST"])
def disposition_record_view(request: HttpRequest, case_id: int) -> HttpResponseBase:
    user = signed_in_user(request)
    overview = dispositions_overview(user=user, case_id=case_id)
    case = overview.case
    form = DispositionForm(
        request.POST or None,
        charges=[row.charge for row in overview.charges],
        initial={"charge": request.GET.get("charge"), "disposed_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _run(
            form,
            lambda: services.disposition_record(
                actor=user,
                case_id=case.pk,
                charge_id=data["charge"],
                kind=DispositionKind(data["kind"]),
                disposed_on=data["disposed_on"],
                performed_consideration=data["performed_consideration"],
                conditions=data["conditions"],
                reinstatement_deadline=data["reinstatement_deadline"],
                note=data["note"],
            ),
        ):
            messages.success(request, "Disposition recorded.")
            return redirect("case-dispositions", case_id=case.pk)
    return render(
        request,
        "dispositions/form.html",
        {"case": case, "form": form, "title": "Record a disposition"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_create_view(request: HttpRequest, case_id: int) -> HttpResponseBase:
    user = signed_in_user(request)
    overview = dispositions_overview(user=user, case_id=case_id)
    case = overview.case
    form = EnrolmentForm(
        request.POST or None,
        defendants=overview.defendants,
        initial={"starts_on": timezone.localdate(), "consent_victim": ConsentState.UNKNOWN},
    )
    verdict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        consents = {
            "state_attorney": data["consent_state_attorney"],
            "defendant": data["consent_defendant"],
            "victim": data["consent_victim"],
        }
        try:
            verdict = eligibility_evaluate(
                user=user,
                case_id=case.pk,
                participant_id=data["participant"],
                programme_code=data["programme"],
                consents=consents,
                prior_record_attested=bool(data["prior_record_attestation"].strip()),
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
            )
        except ValidationError as exc:
            errors_into(form, exc)
        created: list[int] = []
        if "enrol" in request.POST and verdict is not None:

            def enrol() -> None:
                created.append(
                    services.enrolment_create(
                        actor=user,
                        case_id=case.pk,
                        participant_id=data["participant"],
                        programme=data["programme"],
                        starts_on=data["starts_on"],
                        ends_on=data["ends_on"],
                        consent_state_attorney=ConsentState(data["consent_state_attorney"]),
                        consent_defendant=ConsentState(data["consent_defendant"]),
                        consent_victim=ConsentState(data["consent_victim"]),
                        prior_record_attestation=data["prior_record_attestation"],
                    ).pk
                )

            if _run(form, enrol):
                messages.success(request, "Enrolled. Add the terms below.")
                return redirect("enrolment-detail", enrolment_id=created[0])
    return render(
        request,
        "dispositions/enrol.html",
        {"case": case, "form": form, "verdict": verdict, "title": "Programme enrolment"},
    )


@login_required
@require_GET
def enrolment_detail_view(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    return _enrolment_page(request, detail_id=enrolment_id)


@dataclass(frozen=True)
class TermEdit:
    """A term row with its change forms; None where the term cannot be changed here."""

    row: TermRow
    move_form: Form | None
    waive_form: Form | None


@dataclass
class RefusedTermChange:
    """A term change refused; `shown_in_row` once its form is back in the term's row (a term
    no longer open has no forms, so its errors are shown above the table instead)."""

    term_id: int
    form: Form
    conflict: Conflict | None = None
    shown_in_row: bool = False


def term_form_prefix(kind: str, term_id: int) -> str:
    # One pair of forms per term row: the prefix keeps their ids and labels apart.
    return f"{kind}-{term_id}"


def _term_edits(
    detail: EnrolmentDetail, *, editable: bool, refused: RefusedTermChange | None
) -> list[TermEdit]:
    edits = []
    for row in detail.rows:
        term = row.term
        if not editable or term.status != TermStatus.OPEN:
            edits.append(TermEdit(row=row, move_form=None, waive_form=None))
            continue
        read = {"version": term.version, "read": sign(term_snapshot(term))}
        move: Form = TermMoveForm(
            initial={**read, "due_on": term.due_on}, prefix=term_form_prefix("move", term.pk)
        )
        waive: Form = TermWaiveForm(
            initial={**read, "due_on": term.due_on}, prefix=term_form_prefix("waive", term.pk)
        )
        if refused is not None and refused.term_id == term.pk:
            if isinstance(refused.form, TermMoveForm):
                move = refused.form
            else:
                waive = refused.form
            refused.shown_in_row = True
        edits.append(TermEdit(row=row, move_form=move, waive_form=waive))
    return edits


def _enrolment_page(
    request: HttpRequest,
    *,
    detail_id: int,
    forms: dict[str, Form] | None = None,
    refused: RefusedTermChange | None = None,
    detail: EnrolmentDetail | None = None,
) -> HttpResponse:
    """The enrolment with its terms and log; `forms` re-shows a refused form with its errors,
    `refused` a refused change of one term (with the conflict, if that was why); `detail`
    when the caller has just read it."""
    user = signed_in_user(request)
    detail = detail or enrolment_detail(user=user, enrolment_id=detail_id)
    enrolment = detail.enrolment
    today = timezone.localdate()
    active = enrolment.status == EnrolmentStatus.ACTIVE
    may_change_terms = active and CaseAction.DISPOSE in allowed_actions(user, enrolment.case)
    context: dict[str, object] = {
        "detail": detail,
        "enrolment": enrolment,
        "case": enrolment.case,
        "active": active,
        "today": today,
        "term_edits": _term_edits(detail, editable=may_change_terms, refused=refused),
        "term_change_refused": refused,
        "term_form": TermForm(initial={"due_on": enrolment.ends_on}),
        "entry_kinds": TermEntryKind.choices,
        "completion_form": CompletionForm(
            initial={"version": enrolment.version, "completed_on": today}
        ),
        "end_form": EndForm(initial={"version": enrolment.version, "ended_on": today}),
    }
    # A refused form replaces its blank twin so that its errors show.
    return render(request, "dispositions/enrolment.html", {**context, **(forms or {})})


@login_required
@require_POST
def term_add_view(request: HttpRequest, enrolment_id: int) -> HttpResponseBase:
    user = signed_in_user(request)
    form = TermForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if _run(
            form,
            lambda: services.term_add(
                actor=user,
                enrolment_id=enrolment_id,
                kind=TermKind(data["kind"]),
                required_amount=data["required_amount"],
                due_on=data["due_on"],
                detail=data["detail"],
            ),
        ):
            messages.success(request, "Term added.")
            return redirect("enrolment-detail", enrolment_id=enrolment_id)
    return _enrolment_page(request, detail_id=enrolment_id, forms={"term_form": form})


@login_required
@require_POST
def term_entry_view(request: HttpRequest, enrolment_id: int) -> HttpResponseBase:
    user = signed_in_user(request)
    form = TermEntryForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if _run(
            form,
            lambda: services.term_entry_log(
                actor=user,
                term_id=data["term"],
                expected_version=data["version"],
                kind=TermEntryKind(data["kind"]),
                amount=data["amount"],
                occurred_on=data["occurred_on"],
                note=data["note"],
            ),
        ):
            messages.success(request, "Logged.")
            return redirect("enrolment-detail", enrolment_id=enrolment_id)
    return _enrolment_page(request, detail_id=enrolment_id, forms={"entry_form": form})


@login_required
@require_POST
def enrolment_complete_view(request: HttpRequest, enrolment_id: int) -> HttpResponseBase:
    user = signed_in_user(request)
    form = CompletionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if _run(
            form,
            lambda: services.enrolment_complete(
                actor=user,
                enrolment_id=enrolment_id,
                expected_version=data["version"],
                completed_on=data["completed_on"],
                note=data["note"],
            ),
        ):
            messages.success(request, "Completed; the prescribed disposition is recorded.")
            return redirect("enrolment-detail", enrolment_id=enrolment_id)
    return _enrolment_page(request, detail_id=enrolment_id, forms={"completion_form": form})


@login_required
@require_POST
def enrolment_end_view(request: HttpRequest, enrolment_id: int) -> HttpResponseBase:
    user = signed_in_user(request)
    form = EndForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if _run(
            form,
            lambda: services.enrolment_end_unsuccessfully(
                actor=user,
                enrolment_id=enrolment_id,
                expected_version=data["version"],
                status=EnrolmentStatus(data["status"]),
                ended_on=data["ended_on"],
                reason=data["reason"],
            ),
        ):
            messages.success(request, "Enrolment ended.")
            return redirect("enrolment-detail", enrolment_id=enrolment_id)
    return _enrolment_page(request, detail_id=enrolment_id, forms={"end_form": form})


def _term_list(request: HttpRequest, *, overdue: bool) -> HttpResponse:
    user = signed_in_user(request)
    today = timezone.localdate()
    terms = (
        overdue_terms(user=user, today=today)
        if overdue
        else due_soon_terms(user=user, today=today, days=DUE_SOON_DAYS)
    )
    page = term_window(terms, after=request.GET.get("after", "")[:40], per_page=TERMS_PER_PAGE)
    return render(
        request,
        "dispositions/terms.html",
        {
            "page": page,
            "overdue": overdue,
            "today": today,
            "days": DUE_SOON_DAYS,
            "title": "Overdue terms" if overdue else f"Terms due in {DUE_SOON_DAYS} days",
        },
    )


@login_required
@require_GET
def overdue_view(request: HttpRequest) -> HttpResponse:
    return _term_list(request, overdue=True)


@login_required
@require_GET
def due_soon_view(request: HttpRequest) -> HttpResponse:
    return _term_list(request, overdue=False)


@login_required
@require_http_methods(["GET", "POST"])
def checked_charge_view(request: HttpRequest, case_id: int) -> HttpResponseBase:
    """File charges with the re-prosecution bar checked first."""
    user = signed_in_user(request)
    overview = dispositions_overview(user=user, case_id=case_id)
    case = overview.case
    form = CheckedChargeForm(
        request.POST or None,
        defendants=overview.defendants,
        initial={"filed_on": timezone.localdate(), "counts": 1},
    )
    findings: list[BarFinding] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.charges_file_checked(
                actor=user,
                case_id=case.pk,
                participant_id=data["participant"],
                statute_key=data["statute_key"],
                counts=data["counts"],
                filed_on=data["filed_on"],
                incident_on=data["incident_on"],
                override_reason=data["override_reason"],
            )
        except services.BarWarningError as exc:
            findings = exc.findings
            form.add_error(None, str(exc))
        except ValidationError as exc:
            errors_into(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or "Not allowed.")
        else:
            if data["override_reason"].strip():
                messages.warning(request, "Charges filed; the bar override is recorded.")
            else:
                messages.success(request, "Charges filed.")
            return redirect("case-detail", case.pk)
    return render(
        request,
        "dispositions/charge.html",
        {"case": case, "form": form, "findings": findings, "title": "File charges"},
    )


@login_required
@require_POST
def same_conduct_view(request: HttpRequest, case_id: int) -> HttpResponseBase:
    user = signed_in_user(request)
    form = SameConductForm(request.POST)
    if form.is_valid():
        ids, _unknown = case_ids_for_numbers(
            user=user, numbers=[form.cleaned_data["earlier_case_number"]]
        )
        if not ids:
            form.add_error("earlier_case_number", "No case with that number.")
        elif _run(
            form,
            lambda: services.same_conduct_link(
                actor=user,
                case_id=case_id,
                earlier_case_id=ids[0],
                note=form.cleaned_data["note"],
            ),
        ):
            messages.success(request, "Linked as the same conduct.")
            return redirect("case-dispositions", case_id=case_id)
    return _case_page(request, dispositions_overview(user=user, case_id=case_id), form)
