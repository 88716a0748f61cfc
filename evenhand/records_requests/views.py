"""Pages for public-records requests: the public form, tracking and library (no login), and
the records officer's desk, request page, review of each record, letters and packages."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from evenhand.accounts.current import signed_in_user
from evenhand.accounts.models import User
from evenhand.screening.views import errors_into
from evenhand.search.selectors import SearchFilters, search_records

from . import forms, services
from .letters import letter_pdf
from .models import RecordsRequest, RedactionDecision, ReviewedRecord
from .package import redaction_log_csv, release_package
from .policies import may_handle_requests, may_read_requests
from .rules import public_records_rules
from .selectors import (
    deadlines_of,
    desk_lists,
    library,
    library_entry,
    released_records,
    request_by_token,
    request_detail,
)
from .sources import RecordKind, RecordNotFoundError

_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def _client_address(request: HttpRequest) -> str:
    # The direct peer only: a forwarded-for header is the client's to forge.
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    safe = _UNSAFE_FILENAME.sub("-", filename).strip("-") or "download"
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    return response


# --- Public -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def public_form_view(request: HttpRequest) -> HttpResponseBase:
    form = forms.PublicRequestForm(
        request.POST or None, initial={"started": forms.PublicRequestForm.clock()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.request_submit_public(
                client=_client_address(request),
                new=services.NewRequest(
                    requester_name=data["requester_name"],
                    description=data["description"],
                    requester_email=data["requester_email"],
                    requester_phone=data["requester_phone"],
                    requester_address=data["requester_address"],
                    requester_organisation=data["requester_organisation"],
                    medium=data["medium"],
                ),
                honeypot=data["website"],
                seconds_to_fill=form.seconds_to_fill(),
            )
        except services.SubmissionRefusedError as exc:
            # Keep what they wrote, with a fresh clock so a person's retry is not refused again.
            fresh = request.POST.copy()
            fresh["started"] = forms.PublicRequestForm.clock()
            form = forms.PublicRequestForm(fresh)
            form.is_valid()
            form.add_error(None, str(exc))
        except ValidationError as exc:
            errors_into(form, exc)
        else:
            return redirect("records-track", token=created.tracking_token)
    return render(request, "records_requests/public_form.html", {"form": form}, status=200)


def track_view(request: HttpRequest, token: str) -> HttpResponse:
    found = request_by_token(token)
    if found is None:
        raise Http404("No request with that tracking link.")
    response = render(
        request,
        "records_requests/track.html",
        {"item": found, "today": timezone.localdate(), "rules": public_records_rules()},
    )
    # The link is the requester's key: keep it out of Referer headers and shared caches.
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    return response


def library_view(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:200]
    return render(
        request, "records_requests/library.html", {"items": library(query=query), "q": query}
    )


def library_package_view(request: HttpRequest, request_id: int) -> HttpResponse:
    entry = library_entry(request_id)
    if entry is None:
        raise Http404("Not in the library.")
    services.package_download_record(actor=None, request_id=entry.pk, public=True)
    return _download(
        release_package(entry, include_letter=False),
        f"{entry.number}-release.zip",
        "application/zip",
    )


# --- The records officer's desk -------------------------------------------------------------


def _reader(request: HttpRequest) -> User:
    user = signed_in_user(request)
    if not may_read_requests(user):
        raise PermissionDenied("Only the records office and oversight may see records requests.")
    return user


def _request_or_404(user: User, request_id: int) -> RecordsRequest:
    found = request_detail(user=user, request_id=request_id)
    if found is None:
        raise Http404("Records request not found.")
    return found


@login_required
def desk_view(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    today = timezone.localdate()
    return render(
        request,
        "records_requests/desk.html",
        {
            "lists": desk_lists(user=user, today=today),
            "today": today,
            "may_handle": may_handle_requests(user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_entry_view(request: HttpRequest) -> HttpResponseBase:
    user = _reader(request)
    form = forms.StaffRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.request_receive(
                actor=user,
                new=services.NewRequest(
                    requester_name=data["requester_name"],
                    description=data["description"],
                    requester_email=data["requester_email"],
                    requester_phone=data["requester_phone"],
                    requester_address=data["requester_address"],
                    requester_organisation=data["requester_organisation"],
                    medium=data["medium"],
                ),
                channel=data["channel"],
                received_on=data["received_on"],
                requester_class=data["requester_class"],
                class_basis=data["class_basis"],
            )
        except ValidationError as exc:
            errors_into(form, exc)
        else:
            flash.success(request, f"Request {created.number} recorded.")
            return redirect("records-request", request_id=created.pk)
    return render(request, "records_requests/staff_entry.html", {"form": form})


def _context(user: User, item: RecordsRequest, **extra: Any) -> dict[str, Any]:
    rules = public_records_rules()
    return {
        "item": item,
        "deadlines": deadlines_of(item),
        "today": timezone.localdate(),
        "rules": rules,
        "may_handle": may_handle_requests(user),
        "extension_reason": rules.extension_reasons.get(item.extension_reason),
        "class_form": forms.ClassifyForm(
            initial={"requester_class": item.requester_class, "basis": item.class_basis}
        ),
        "extend_form": forms.ExtendForm(initial={"notice_sent_on": timezone.localdate()}),
        "agree_form": forms.AgreeForm(),
        "status_form": forms.StatusForm(),
        "search_form": forms.SearchForm(initial={"query": item.search_query}),
        "sealed_form": forms.SealedCaseForm(),
        "response_form": forms.ResponseForm(initial={"issued_on": timezone.localdate()}),
        "appeal_form": forms.AppealForm(),
        "close_form": forms.AppealCloseForm(),
        "exemptions": forms.exemption_choices(),
        **extra,
    }


MESSAGE_KINDS = frozenset({RecordKind.MESSAGE, RecordKind.HELD_MESSAGE})
SEARCH_PAGE_SIZE = 50


def _in_review(item: RecordsRequest, kind: str, object_id: int) -> bool:
    """Whether a hit is already in the review (a message may since have been held or released)."""
    kinds = MESSAGE_KINDS if kind in MESSAGE_KINDS else frozenset({kind})
    return any(r.kind in kinds and r.object_id == str(object_id) for r in item.records.all())


@login_required
def request_view(request: HttpRequest, request_id: int) -> HttpResponse:
    user = _reader(request)
    item = _request_or_404(user, request_id)
    extra: dict[str, Any] = {}
    if "query" in request.GET and may_handle_requests(user):
        search_form = forms.SearchForm(request.GET)
        extra["search_form"] = search_form
        if search_form.is_valid():
            data = search_form.cleaned_data
            people = tuple(p.strip() for p in data["people"].split(",") if p.strip())
            results = search_records(
                user=user,
                query=data["query"],
                filters=SearchFilters(
                    people=people,
                    date_from=data["date_from"],
                    date_to=data["date_to"],
                    page=data["page"] or 1,
                    page_size=SEARCH_PAGE_SIZE,
                ),
            )
            try:
                services.request_search_record(
                    actor=user,
                    request_id=item.pk,
                    query=data["query"],
                    withheld_case_numbers=list(results.withheld_case_numbers),
                    hits=results.total,
                    hits_lower_bound=results.total_is_lower_bound,
                )
            except ValidationError as exc:
                errors_into(search_form, exc)
            item = _request_or_404(user, request_id)
            extra["results"] = results
            query = request.GET.copy()
            query.pop("page", None)
            extra["querystring"] = query.urlencode()
            extra["rows"] = [
                (hit, _in_review(item, str(hit.kind), hit.object_id)) for hit in results.hits
            ]
    return render(request, "records_requests/request.html", _context(user, item, **extra))


Action = Callable[[User, RecordsRequest, dict[str, Any]], str]


def _act(
    request: HttpRequest,
    request_id: int,
    form_class: type[Form],
    action: Action,
    form_name: str,
) -> HttpResponseBase:
    user = signed_in_user(request)
    if not may_handle_requests(user):
        raise PermissionDenied("Only the records officer may do this.")
    item = _request_or_404(user, request_id)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            done = action(user, item, form.cleaned_data)
        except ValidationError as exc:
            errors_into(form, exc)
        except (RecordNotFoundError, services.RecordSealedError) as exc:
            form.add_error(None, str(exc))
        else:
            flash.success(request, done)
            return redirect("records-request", request_id=item.pk)
    item = _request_or_404(user, request_id)
    return render(
        request,
        "records_requests/request.html",
        _context(user, item, **{form_name: form}),
        status=422,
    )


@login_required
@require_POST
def classify_view(request: HttpRequest, request_id: int) -> HttpResponseBase:
    def action(user: User, item: RecordsRequest, data: dict[str, Any]) -> str:
        services.request_classify(
            actor=user,
            request_id=item.pk,
            requester_class=data["requester_class"],
            basis=data["basis"],
        )
        return "Requester class recorded; the due date was recomputed."

    return _act(request, request_id, forms.ClassifyForm, action, "class_form")


@login_required
@require_POST
def extend_view(request: HttpRequest, request_id: int) -> HttpResponseBase:
    def action(user: User, item: RecordsRequest, data: dict[str, Any]) -> str:
        done = services.request_extend(
            actor=user,
            request_id=item.pk,
            reason=data["reason"],
            facts=data["facts"],
            notice_sent_on=data["notice_sent_on"],
        )
        return f"Deadline extended to {done.due_on:%A %d %B %Y}."

    return _act(request, request_id, forms.ExtendForm, action, "extend_form")


@login_required
@require_POST
def agree_view(request: HttpRequest, request_id: int) -> HttpResponseBase:
    def action(user: User, item: RecordsRequest, data: dict[str, Any]) -> str:
        services.request_agree_extension(
            actor=user,
            request_id=item.pk,
            agreed_due_on=data["agreed_due_on"],
            agreement=data["agreement"],
        )
        return "Agreed due date recorded."

    return _act(request, request_id, forms.AgreeForm, action, "agree_form")


@login_required
@require_POST
def status_view(request: HttpRequest, request_id: int) -> HttpResponseBase:
    def action(user: User, item: RecordsRequest, data: dict[str, Any]) -> str:
        services.request_set_status(
            actor=user, request_id=item.pk, status=data["status"], note=data["note"]
        )
        return "Status changed."

    return _act(request, request_id, forms.StatusForm, action, "status_form")


@login_required
@require_POST
def sealed_case_view(request: HttpRequest, request_id: int) -> HttpResponseBase:
    def action(user: User, item: RecordsRequest, data: dict[str, Any]) -> str:
        withheld = services.request_withhold_sealed_case(
            actor=user, request_id=item.pk, case_number=data["case_number"]
        )
        return f"Case {withheld.case_number} withheld under {withheld.exemption_code}."

    return _act(request, request_id, forms.SealedCaseForm, action, "sealed_form")


@login_required
@require_POST
def add_record_view(request: HttpRequest, request_id: int) -> HttpResponseBase:
    def action(user: User, item: RecordsRequest, data: dict[str, Any]) -> str:
        record = services.record_add(
            actor=user, request_id=item.pk, kind=data["kind"], object_id=data["object_id"]
        )
        return f"Added “{record.title}” with {record.redactions.count()} suggested redactions."

    return _act(request, request_id, forms.AddRecordForm, action, "add_form")


@login_required
@require_POST
def respond_view(request: HttpRequest, request_id: int) -> HttpResponseBase:
    def action(user: User, item: RecordsRequest, data: dict[str, Any]) -> str:
        letter = services.response_issue(
            actor=user,
            request_id=item.pk,
            issued_on=data["issued_on"],
            paper_pages=data["paper_pages"],
        )
        return f"{letter.get_kind_display()} letter issued."

    return _act(request, request_id, forms.ResponseForm, action, "response_form")


@login_required
@require_POST
def appeal_view(request: HttpRequest, request_id: int) -> HttpResponseBase:
    def action(user: User, item: RecordsRequest, data: dict[str, Any]) -> str:
        services.appeal_record(actor=user, request_id=item.pk, **data)
        return "Appeal recorded with its deadlines."

    return _act(request, request_id, forms.AppealForm, action, "appeal_form")


@login_required
@require_POST
def appeal_close_view(request: HttpRequest, request_id: int, appeal_id: int) -> HttpResponseBase:
    def action(user: User, item: RecordsRequest, data: dict[str, Any]) -> str:
        if not item.appeals.filter(pk=appeal_id).exists():
            raise ValidationError("No such appeal on this request.")
        services.appeal_close(actor=user, appeal_id=appeal_id, **data)
        return "Appeal closed."

    return _act(request, request_id, forms.AppealCloseForm, action, "close_form")


@login_required
@require_POST
def publish_view(request: HttpRequest, request_id: int) -> HttpResponseBase:
    user = signed_in_user(request)
    if not may_handle_requests(user):
        raise PermissionDenied("Only the records officer may do this.")
    item = _request_or_404(user, request_id)
    try:
        services.request_publish(actor=user, request_id=item.pk)
    except ValidationError as exc:
        flash.error(request, " ".join(exc.messages))
    else:
        flash.success(request, "Published in the public library.")
    return redirect("records-request", request_id=item.pk)


def _record_or_404(user: User, request_id: int, record_id: int) -> ReviewedRecord:
    item = _request_or_404(user, request_id)
    record = item.records.filter(pk=record_id).prefetch_related("redactions").first()
    if record is None:
        raise Http404("Record not found.")
    return record


def _segments(record: ReviewedRecord) -> list[dict[str, Any]]:
    """The original text cut at each redaction, for showing every suggestion in context."""
    parts: list[dict[str, Any]] = []
    cursor = 0
    for redaction in sorted(record.redactions.all(), key=lambda r: (r.start, r.end)):
        if redaction.start < cursor:
            continue
        parts.append({"text": record.original_text[cursor : redaction.start]})
        parts.append({"text": redaction.text, "redaction": redaction})
        cursor = redaction.end
    parts.append({"text": record.original_text[cursor:]})
    return parts


def _record_page(
    request: HttpRequest, user: User, record: ReviewedRecord, status: int = 200, **extra: Any
) -> HttpResponse:
    return render(
        request,
        "records_requests/record.html",
        {
            "record": record,
            "item": record.request,
            "segments": _segments(record),
            "exemptions": forms.exemption_choices(),
            "may_handle": may_handle_requests(user),
            "decision_form": extra.pop(
                "decision_form",
                forms.DecisionForm(
                    initial={
                        "decision": record.decision,
                        "exemption_code": record.exemption_code,
                        "basis": record.basis,
                    }
                ),
            ),
            "manual_form": extra.pop("manual_form", forms.ManualRedactionForm()),
            "suggested": RedactionDecision.SUGGESTED,
            **extra,
        },
        status=status,
    )


@login_required
def record_view(request: HttpRequest, request_id: int, record_id: int) -> HttpResponse:
    user = _reader(request)
    return _record_page(request, user, _record_or_404(user, request_id, record_id))


def _record_act(
    request: HttpRequest,
    request_id: int,
    record_id: int,
    *,
    form: Form,
    form_name: str,
    action: Callable[[User, ReviewedRecord, dict[str, Any]], str],
) -> HttpResponseBase:
    user = signed_in_user(request)
    if not may_handle_requests(user):
        raise PermissionDenied("Only the records officer may do this.")
    record = _record_or_404(user, request_id, record_id)
    if form.is_valid():
        try:
            done = action(user, record, form.cleaned_data)
        except ValidationError as exc:
            errors_into(form, exc)
        except ObjectDoesNotExist as exc:
            form.add_error(None, str(exc))
        else:
            flash.success(request, done)
            return redirect("records-record", request_id=request_id, record_id=record_id)
    record = _record_or_404(user, request_id, record_id)
    return _record_page(request, user, record, status=422, **{form_name: form})


@login_required
@require_POST
def decide_record_view(request: HttpRequest, request_id: int, record_id: int) -> HttpResponseBase:
    def action(user: User, record: ReviewedRecord, data: dict[str, Any]) -> str:
        services.record_decide(actor=user, record_id=record.pk, **data)
        return "Decision recorded."

    return _record_act(
        request,
        request_id,
        record_id,
        form=forms.DecisionForm(request.POST),
        form_name="decision_form",
        action=action,
    )


@login_required
@require_POST
def decide_redaction_view(
    request: HttpRequest, request_id: int, record_id: int, redaction_id: int
) -> HttpResponseBase:
    def action(user: User, record: ReviewedRecord, data: dict[str, Any]) -> str:
        if not record.redactions.filter(pk=redaction_id).exists():
            raise ValidationError("No such redaction on this record.")
        done = services.redaction_decide(
            actor=user,
            redaction_id=redaction_id,
            accept=data["accept"],
            exemption=data["exemption"],
        )
        return f"Redaction {done.get_decision_display().lower()} ({done.exemption})."

    return _record_act(
        request,
        request_id,
        record_id,
        form=forms.RedactionDecisionForm(request.POST),
        form_name="redaction_form",
        action=action,
    )


@login_required
@require_POST
def manual_redaction_view(
    request: HttpRequest, request_id: int, record_id: int
) -> HttpResponseBase:
    def action(user: User, record: ReviewedRecord, data: dict[str, Any]) -> str:
        services.redaction_propose(actor=user, record_id=record.pk, **data)
        return "Redaction added."

    return _record_act(
        request,
        request_id,
        record_id,
        form=forms.ManualRedactionForm(request.POST),
        form_name="manual_form",
        action=action,
    )


@login_required
def letter_view(request: HttpRequest, request_id: int) -> HttpResponse:
    user = _reader(request)
    item = _request_or_404(user, request_id)
    letter = getattr(item, "letter", None)
    if letter is None:
        raise Http404("No letter has been issued.")
    return render(request, "records_requests/letter_page.html", {"item": item, "letter": letter})


@login_required
def letter_pdf_view(request: HttpRequest, request_id: int) -> HttpResponse:
    user = _reader(request)
    item = _request_or_404(user, request_id)
    letter = getattr(item, "letter", None)
    if letter is None:
        raise Http404("No letter has been issued.")
    pdf = letter_pdf(letter.text, title=f"Response to {item.number}")
    return _download(pdf, f"{item.number}-letter.pdf", "application/pdf")


@login_required
def package_view(request: HttpRequest, request_id: int) -> HttpResponse:
    user = _reader(request)
    item = _request_or_404(user, request_id)
    if getattr(item, "letter", None) is None:
        raise Http404("The release package exists once the response is issued.")
    services.package_download_record(actor=user, request_id=item.pk, public=False)
    return _download(release_package(item), f"{item.number}-release.zip", "application/zip")


@login_required
def redaction_log_view(request: HttpRequest, request_id: int) -> HttpResponse:
    user = _reader(request)
    item = _request_or_404(user, request_id)
    csv_text = redaction_log_csv(released_records(item))
    return _download(csv_text.encode(), f"{item.number}-redaction-log.csv", "text/csv")
