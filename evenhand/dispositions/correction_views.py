"""Pages that correct what was recorded: a disposition (kind, date, conditions, deadline),
a term's due date, a term waived by the court.

The services check the policy and the version the editor read; these pages validate input
and, when someone else saved first, keep the loser's input and say what changed.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from evenhand.accounts.current import signed_in_user
from evenhand.screening.policies import CaseAction, access_case
from evenhand.screening.views import errors_into

from . import services
from .edits import (
    Conflict,
    Snapshot,
    changes_since,
    disposition_snapshot,
    sign,
    term_snapshot,
)
from .forms import DispositionCorrectionForm, TermMoveForm, TermWaiveForm
from .models import ChargeDisposition, DispositionKind, Term
from .selectors import DispositionsOverview, dispositions_overview, enrolment_detail
from .views import RefusedTermChange, _enrolment_page, term_form_prefix

Saved = TypeVar("Saved")


class Outcome(Enum):
    SAVED = "saved"
    REFUSED = "refused"
    CONFLICT = "conflict"


def _run_edit(form: Form, action: Callable[[], Saved]) -> tuple[Outcome, Saved | None]:
    """`_run` for an edit that names the version it read: a lost update is left to the caller,
    which explains it and keeps the input. With SAVED comes what the service returned."""
    try:
        saved = action()
    except services.VersionConflictError:
        return Outcome.CONFLICT, None
    except ValidationError as exc:
        errors_into(form, exc)
    except PermissionDenied as exc:
        form.add_error(None, str(exc) or "Not allowed.")
    else:
        return Outcome.SAVED, saved
    return Outcome.REFUSED, None


def _kept_after_conflict(
    form: Form, posted: QueryDict, *, what: str, now: Snapshot, current: dict[str, object]
) -> tuple[Form, Conflict]:
    """The loser's form with their input kept but its hidden fields (`current`: the version,
    and what else it carries unseen) set to the current row, so that saving again is a
    decision taken after seeing what changed; and the explanation."""
    read = str(form.cleaned_data.get("read") or "")
    data = posted.copy()
    for name, value in {**current, "read": sign(now)}.items():
        data[form.add_prefix(name)] = str(value)
    kept = type(form)(data, prefix=form.prefix)
    kept.is_valid()
    kept.add_error(
        None,
        f"This {what} was changed by someone else since you opened it, so nothing was saved. "
        "Your entries are kept: compare them with what changed, then save again to replace "
        "the current version.",
    )
    return kept, Conflict(what=what, changes=changes_since(read, now), now=now)


def _current_disposition(
    overview: DispositionsOverview, disposition_id: int
) -> ChargeDisposition | None:
    for row in overview.charges:
        if row.current is not None and row.current.pk == disposition_id:
            return row.current
    return None


def _correction_initial(disposition: ChargeDisposition) -> dict[str, object]:
    return {
        "version": disposition.version,
        "read": sign(disposition_snapshot(disposition)),
        "kind": disposition.kind,
        "disposed_on": disposition.disposed_on,
        "performed_consideration": disposition.performed_consideration,
        "conditions": disposition.conditions,
        "reinstatement_deadline": disposition.reinstatement_deadline,
        "note": disposition.note,
    }


@login_required
@require_http_methods(["GET", "POST"])
def disposition_correct_view(
    request: HttpRequest, case_id: int, disposition_id: int
) -> HttpResponseBase:
    """Correct a current disposition (a mistyped date, the wrong kind, conditions). The service
    checks the policy and the version; a lost update keeps the input and says what changed."""
    user = signed_in_user(request)
    conflict: Conflict | None = None
    if request.method == "POST":
        form: Form = DispositionCorrectionForm(request.POST)
        outcome = Outcome.REFUSED
        if form.is_valid():
            data = form.cleaned_data
            outcome, _ = _run_edit(
                form,
                lambda: services.disposition_change(
                    actor=user,
                    case_id=case_id,
                    disposition_id=disposition_id,
                    expected_version=data["version"],
                    kind=DispositionKind(data["kind"]),
                    disposed_on=data["disposed_on"],
                    performed_consideration=data["performed_consideration"],
                    conditions=data["conditions"],
                    reinstatement_deadline=data["reinstatement_deadline"],
                    note=data["note"],
                    reason=data["reason"],
                ),
            )
            if outcome is Outcome.SAVED:
                messages.success(request, "Disposition corrected.")
                return redirect("case-dispositions", case_id=case_id)
        overview = dispositions_overview(user=user, case_id=case_id)
        disposition = _current_disposition(overview, disposition_id)
        if disposition is None:
            # Replaced meanwhile (a programme's completion records its own): nothing to correct.
            messages.error(
                request, "This disposition was replaced since you opened it; nothing was saved."
            )
            return redirect("case-dispositions", case_id=case_id)
        if outcome is Outcome.CONFLICT:
            form, conflict = _kept_after_conflict(
                form,
                request.POST,
                what="disposition",
                now=disposition_snapshot(disposition),
                current={"version": disposition.version},
            )
    else:
        # Refused (logged) before a form is shown to someone who could not save it.
        access_case(user, case_id, CaseAction.DISPOSE, log_read=False)
        overview = dispositions_overview(user=user, case_id=case_id)
        disposition = _current_disposition(overview, disposition_id)
        if disposition is None:
            raise Http404
        form = DispositionCorrectionForm(initial=_correction_initial(disposition))
    return render(
        request,
        "dispositions/correct.html",
        {
            "case": overview.case,
            "disposition": disposition,
            "charge": disposition.charge,
            "form": form,
            "conflict": conflict,
            "title": "Correct a disposition",
        },
    )


def _term_change(
    request: HttpRequest,
    *,
    enrolment_id: int,
    term_id: int,
    form: Form,
    change: Callable[[], Term],
    done: str,
) -> HttpResponseBase:
    """Run a term change posted from the enrolment page; when refused, show the page again
    with the form (and, for a lost update, what changed). A change that changed nothing (the
    service kept the version read) says so instead of claiming a save."""
    if form.is_valid():
        outcome, term = _run_edit(form, change)
        if outcome is Outcome.SAVED:
            if term is not None and term.version == form.cleaned_data["version"]:
                messages.info(request, f"No change to save: the term is already due {term.due_on}.")
            else:
                messages.success(request, done)
            return redirect("enrolment-detail", enrolment_id=enrolment_id)
        if outcome is Outcome.CONFLICT:
            return _term_conflict(request, enrolment_id=enrolment_id, term_id=term_id, form=form)
    return _enrolment_page(
        request, detail_id=enrolment_id, refused=RefusedTermChange(term_id, form)
    )


def _term_conflict(
    request: HttpRequest, *, enrolment_id: int, term_id: int, form: Form
) -> HttpResponse:
    detail = enrolment_detail(user=signed_in_user(request), enrolment_id=enrolment_id)
    term = next((row.term for row in detail.rows if row.term.pk == term_id), None)
    if term is None:
        raise Http404
    current: dict[str, object] = {"version": term.version}
    if isinstance(form, TermWaiveForm):
        # The waiver carries the due date it was opened on; a moved date is not undone.
        current["due_on"] = term.due_on
    kept, conflict = _kept_after_conflict(
        form, request.POST, what="term", now=term_snapshot(term), current=current
    )
    return _enrolment_page(
        request,
        detail_id=enrolment_id,
        detail=detail,
        refused=RefusedTermChange(term_id, kept, conflict),
    )


@login_required
@require_POST
def term_move_view(request: HttpRequest, enrolment_id: int, term_id: int) -> HttpResponseBase:
    """A new due date for an open term, and why: the court extended it, or it was entered
    wrongly."""
    user = signed_in_user(request)
    form = TermMoveForm(request.POST, prefix=term_form_prefix("move", term_id))
    data = form.cleaned_data if form.is_valid() else {}
    return _term_change(
        request,
        enrolment_id=enrolment_id,
        term_id=term_id,
        form=form,
        change=lambda: services.term_change(
            actor=user,
            term_id=term_id,
            expected_version=data["version"],
            due_on=data["due_on"],
            reason=data["reason"],
        ),
        done=f"Due date moved to {data.get('due_on')}.",
    )


@login_required
@require_POST
def term_waive_view(request: HttpRequest, enrolment_id: int, term_id: int) -> HttpResponseBase:
    """Waive an open term as the court ordered; the reason and who ordered it are recorded."""
    user = signed_in_user(request)
    form = TermWaiveForm(request.POST, prefix=term_form_prefix("waive", term_id))
    data = form.cleaned_data if form.is_valid() else {}
    return _term_change(
        request,
        enrolment_id=enrolment_id,
        term_id=term_id,
        form=form,
        change=lambda: services.term_change(
            actor=user,
            term_id=term_id,
            expected_version=data["version"],
            due_on=data["due_on"],
            waive_reason=form.waive_reason(),
        ),
        done="Term waived; the reason and the order are recorded.",
    )
