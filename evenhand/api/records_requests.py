"""Public-records requests: public submission and tracking (no login, rate-limited), and the
records officer's operations (list, enter, extend, review, redact, respond, package).

Thin: the services decide and audit; records are read through the case access policy.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from evenhand.records_requests import services
from evenhand.records_requests.models import (
    RecordDecision,
    RecordsRequest,
)
from evenhand.records_requests.package import release_package
from evenhand.records_requests.policies import may_read_requests, require_handler
from evenhand.records_requests.selectors import deadlines_of, request_by_token, request_detail
from evenhand.records_requests.sources import RecordNotFoundError

from .auth import current_user
from .errors import READ_ERRORS, WRITE_ERRORS, ErrorOut
from .fields import DbId, RecordDate, Storable
from .schemas_common import attachment_disposition

router = Router(tags=["records requests"])

Text = Annotated[str, Storable]
# Public operations take no credentials, but a bad one sent anyway is still refused (401).
PUBLIC_WRITE = {**WRITE_ERRORS, 429: ErrorOut}
PUBLIC_READ = {**READ_ERRORS, 404: ErrorOut}
STAFF_READ = {**READ_ERRORS, 403: ErrorOut, 404: ErrorOut}
STAFF_WRITE = {**WRITE_ERRORS, 404: ErrorOut}
ZIP_DOWNLOAD = {
    "responses": {
        200: {
            "description": "The release package: redacted copies, redaction log, letter.",
            "content": {"application/zip": {"schema": {"type": "string"}}},
        }
    }
}


class PublicRequestIn(Schema):
    requester_name: Text = Field(min_length=1, max_length=services.MAX_NAME)
    description: Text = Field(min_length=1, max_length=services.MAX_DESCRIPTION)
    requester_email: Text = Field(default="", max_length=254)
    requester_phone: Text = Field(default="", max_length=40)
    requester_address: Text = Field(default="", max_length=500)
    requester_organisation: Text = Field(default="", max_length=services.MAX_NAME)
    medium: Literal["electronic", "paper"] = "electronic"

    def to_new(self) -> services.NewRequest:
        return services.NewRequest(
            requester_name=self.requester_name,
            description=self.description,
            requester_email=self.requester_email,
            requester_phone=self.requester_phone,
            requester_address=self.requester_address,
            requester_organisation=self.requester_organisation,
            medium=self.medium,
        )


class StaffRequestIn(PublicRequestIn):
    channel: Literal["email", "mail", "phone", "in_person", "fax"] = "email"
    received_on: RecordDate
    requester_class: Literal["standard", "commercial", "recurrent"] = "standard"
    class_basis: Text = Field(default="", max_length=services.MAX_NOTE)


class TrackingOut(Schema):
    number: str
    status: str
    received_on: dt.date
    due_on: dt.date
    overdue: bool
    responded_on: dt.date | None
    response_kind: str


class SubmittedOut(TrackingOut):
    tracking_token: str


class DeadlineStepOut(Schema):
    label: str
    explanation: str


class RequestOut(TrackingOut):
    id: int
    requester_name: str
    requester_class: str
    channel: str
    description: str
    original_due_on: dt.date
    extended_due_on: dt.date | None
    agreed_due_on: dt.date | None
    extension_reason: str
    deadline_steps: list[DeadlineStepOut]
    withheld_cases: list[str]


class ExtensionIn(Schema):
    reason: Text = Field(max_length=32)
    facts: Text = Field(min_length=1, max_length=services.MAX_NOTE)
    notice_sent_on: RecordDate


class AddRecordIn(Schema):
    kind: Text = Field(max_length=32)
    object_id: Text = Field(max_length=64)


class RecordOut(Schema):
    id: int
    kind: str
    object_id: str
    title: str
    decision: str
    exemption_code: str
    redactions: list[RedactionOut]


class RedactionOut(Schema):
    id: int
    start: int
    end: int
    text: str
    kind: str
    exemption: str
    decision: str


RecordOut.model_rebuild()


class DecisionIn(Schema):
    decision: Literal["responsive", "not_responsive", "withheld"]
    exemption_code: Text = Field(default="", max_length=32)
    basis: Text = Field(default="", max_length=services.MAX_NOTE * 4)


class RedactionDecisionIn(Schema):
    accept: bool
    exemption: Text = Field(default="", max_length=32)


class ResponseIn(Schema):
    issued_on: RecordDate
    paper_pages: int = Field(default=0, ge=0, le=1_000_000)


class LetterOut(Schema):
    kind: str
    issued_on: dt.date
    fee_cents: int
    text: str


def _tracking(item: RecordsRequest) -> dict[str, object]:
    return {
        "number": item.number,
        "status": item.status,
        "received_on": item.received_on,
        "due_on": item.due_on,
        "overdue": item.is_overdue(timezone.localdate()),
        "responded_on": item.responded_on,
        "response_kind": item.response_kind,
    }


def _detail(item: RecordsRequest) -> dict[str, object]:
    return {
        **_tracking(item),
        "id": item.pk,
        "requester_name": item.requester_name,
        "requester_class": item.requester_class,
        "channel": item.channel,
        "description": item.description,
        "original_due_on": item.original_due_on,
        "extended_due_on": item.extended_due_on,
        "agreed_due_on": item.agreed_due_on,
        "extension_reason": item.extension_reason,
        "deadline_steps": [
            {"label": label, "explanation": how} for label, how in deadlines_of(item).steps()
        ],
        "withheld_cases": [w.case_number for w in item.withheld_cases.all()],
    }


def _record(record_id: int, item: RecordsRequest) -> dict[str, object]:
    record = item.records.prefetch_related("redactions").get(pk=record_id)
    return {
        "id": record.pk,
        "kind": record.kind,
        "object_id": record.object_id,
        "title": record.title,
        "decision": record.decision,
        "exemption_code": record.exemption_code,
        "redactions": [
            {
                "id": r.pk,
                "start": r.start,
                "end": r.end,
                "text": r.text,
                "kind": r.kind,
                "exemption": r.exemption,
                "decision": r.decision,
            }
            for r in record.redactions.all()
        ],
    }


def _handled(request: HttpRequest, request_id: int) -> RecordsRequest:
    user = current_user(request)
    require_handler(user)
    item = request_detail(user=user, request_id=request_id)
    if item is None:
        raise Http404
    return item


@router.post("/public-records/requests", response={201: SubmittedOut, **PUBLIC_WRITE}, auth=None)
def submit_public_request(
    request: HttpRequest, payload: PublicRequestIn
) -> Status[dict[str, object]]:
    """File a request without an account. Rate-limited per client address."""
    try:
        item = services.request_submit_public(
            client=str(request.META.get("REMOTE_ADDR", "unknown")), new=payload.to_new()
        )
    except services.SubmissionRefusedError as exc:
        raise HttpError(429, str(exc)) from None
    return Status(201, {**_tracking(item), "tracking_token": item.tracking_token})


@router.get("/public-records/track/{token}", response={200: TrackingOut, **PUBLIC_READ}, auth=None)
def track_request(request: HttpRequest, token: Annotated[str, Field(max_length=100)]) -> object:
    """A request's status and dates, by its tracking token (nothing else is shown)."""
    item = request_by_token(token)
    if item is None:
        raise Http404
    return _tracking(item)


@router.get("/records-requests", response={200: list[RequestOut], **STAFF_READ})
def list_requests(request: HttpRequest, open_only: bool = True) -> object:
    """Requests, soonest due first (records office and oversight)."""
    user = current_user(request)
    if not may_read_requests(user):
        raise HttpError(403, "Only the records office and oversight may see records requests.")
    items = RecordsRequest.objects.prefetch_related("withheld_cases").order_by("original_due_on")
    rows = [item for item in items if item.is_open or not open_only]
    return sorted((_detail(item) for item in rows), key=lambda row: str(row["due_on"]))


@router.post("/records-requests", response={201: RequestOut, **STAFF_WRITE})
def enter_request(request: HttpRequest, payload: StaffRequestIn) -> Status[dict[str, object]]:
    """A request received by mail, e-mail, phone or in person, with its real received date."""
    item = services.request_receive(
        actor=current_user(request),
        new=payload.to_new(),
        channel=payload.channel,
        received_on=payload.received_on,
        requester_class=payload.requester_class,
        class_basis=payload.class_basis,
    )
    return Status(201, _detail(item))


@router.get("/records-requests/{request_id}", response={200: RequestOut, **STAFF_READ})
def get_request(request: HttpRequest, request_id: DbId) -> object:
    user = current_user(request)
    if not may_read_requests(user):
        raise HttpError(403, "Only the records office and oversight may see records requests.")
    item = request_detail(user=user, request_id=request_id)
    if item is None:
        raise Http404
    return _detail(item)


@router.post("/records-requests/{request_id}/extension", response={200: RequestOut, **STAFF_WRITE})
def extend_request(request: HttpRequest, request_id: DbId, payload: ExtensionIn) -> object:
    item = _handled(request, request_id)
    services.request_extend(
        actor=current_user(request),
        request_id=item.pk,
        reason=payload.reason,
        facts=payload.facts,
        notice_sent_on=payload.notice_sent_on,
    )
    return _detail(_handled(request, request_id))


@router.post("/records-requests/{request_id}/records", response={201: RecordOut, **STAFF_WRITE})
def add_record(
    request: HttpRequest, request_id: DbId, payload: AddRecordIn
) -> Status[dict[str, object]]:
    """Add a found record (kind and id as the search names them) with suggested redactions."""
    item = _handled(request, request_id)
    try:
        record = services.record_add(
            actor=current_user(request),
            request_id=item.pk,
            kind=payload.kind,
            object_id=payload.object_id,
        )
    except RecordNotFoundError:
        raise Http404 from None
    except services.RecordSealedError as exc:
        raise HttpError(403, str(exc)) from None
    return Status(201, _record(record.pk, item))


@router.post(
    "/records-requests/{request_id}/records/{record_id}/decision",
    response={200: RecordOut, **STAFF_WRITE},
)
def decide_record(
    request: HttpRequest, request_id: DbId, record_id: DbId, payload: DecisionIn
) -> object:
    item = _handled(request, request_id)
    if not item.records.filter(pk=record_id).exists():
        raise Http404
    services.record_decide(
        actor=current_user(request),
        record_id=record_id,
        decision=RecordDecision(payload.decision),
        exemption_code=payload.exemption_code,
        basis=payload.basis,
    )
    return _record(record_id, item)


@router.post(
    "/records-requests/{request_id}/redactions/{redaction_id}/decision",
    response={200: RedactionOut, **STAFF_WRITE},
)
def decide_redaction(
    request: HttpRequest, request_id: DbId, redaction_id: DbId, payload: RedactionDecisionIn
) -> object:
    item = _handled(request, request_id)
    if not item.records.filter(redactions__pk=redaction_id).exists():
        raise Http404
    done = services.redaction_decide(
        actor=current_user(request),
        redaction_id=redaction_id,
        accept=payload.accept,
        exemption=payload.exemption,
    )
    return {
        "id": done.pk,
        "start": done.start,
        "end": done.end,
        "text": done.text,
        "kind": done.kind,
        "exemption": done.exemption,
        "decision": done.decision,
    }


@router.post("/records-requests/{request_id}/response", response={201: LetterOut, **STAFF_WRITE})
def issue_response(
    request: HttpRequest, request_id: DbId, payload: ResponseIn
) -> Status[dict[str, object]]:
    """Issue the grant, partial grant or denial letter (the kind follows from the decisions)."""
    item = _handled(request, request_id)
    letter = services.response_issue(
        actor=current_user(request),
        request_id=item.pk,
        issued_on=payload.issued_on,
        paper_pages=payload.paper_pages,
    )
    return Status(
        201,
        {
            "kind": letter.kind,
            "issued_on": letter.issued_on,
            "fee_cents": letter.fee_cents,
            "text": letter.text,
        },
    )


@router.get(
    "/records-requests/{request_id}/package",
    response={200: None, **STAFF_READ},
    openapi_extra=ZIP_DOWNLOAD,
)
def download_package(request: HttpRequest, request_id: DbId) -> HttpResponse:
    item = _handled(request, request_id)
    if getattr(item, "letter", None) is None:
        raise Http404
    services.package_download_record(actor=current_user(request), request_id=item.pk, public=False)
    response = HttpResponse(release_package(item), content_type="application/zip")
    response["Content-Disposition"] = attachment_disposition(f"{item.number}-release.zip")
    return response
