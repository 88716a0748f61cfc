"""The answer and what is released: issuing the response letter, publishing in the public
library, and the staff's downloads (the letter as a page and a PDF, the release package and the
redaction log)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from evenhand.accounts.current import signed_in_user
from evenhand.accounts.models import User

from .. import forms, services
from ..letters import letter_pdf
from ..models import RecordsRequest
from ..package import redaction_log_csv, release_package
from ..policies import may_handle_requests
from ..selectors import released_records
from .common import download, reader, request_or_404
from .request_page import act_on_request


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

    return act_on_request(request, request_id, forms.ResponseForm, action, "response_form")


@login_required
@require_POST
def publish_view(request: HttpRequest, request_id: int) -> HttpResponseBase:
    user = signed_in_user(request)
    if not may_handle_requests(user):
        raise PermissionDenied("Only the records officer may do this.")
    item = request_or_404(user, request_id)
    try:
        services.request_publish(actor=user, request_id=item.pk)
    except ValidationError as exc:
        flash.error(request, " ".join(exc.messages))
    else:
        flash.success(request, "Published in the public library.")
    return redirect("records-request", request_id=item.pk)


@login_required
def letter_view(request: HttpRequest, request_id: int) -> HttpResponse:
    user = reader(request)
    item = request_or_404(user, request_id)
    letter = getattr(item, "letter", None)
    if letter is None:
        raise Http404("No letter has been issued.")
    return render(request, "records_requests/letter_page.html", {"item": item, "letter": letter})


@login_required
def letter_pdf_view(request: HttpRequest, request_id: int) -> HttpResponse:
    user = reader(request)
    item = request_or_404(user, request_id)
    letter = getattr(item, "letter", None)
    if letter is None:
        raise Http404("No letter has been issued.")
    pdf = letter_pdf(letter.text, title=f"Response to {item.number}")
    return download(pdf, f"{item.number}-letter.pdf", "application/pdf")


@login_required
def package_view(request: HttpRequest, request_id: int) -> HttpResponse:
    user = reader(request)
    item = request_or_404(user, request_id)
    if getattr(item, "letter", None) is None:
        raise Http404("The release package exists once the response is issued.")
    services.package_download_record(actor=user, request_id=item.pk, public=False)
    return download(release_package(item), f"{item.number}-release.zip", "application/zip")


@login_required
def redaction_log_view(request: HttpRequest, request_id: int) -> HttpResponse:
    user = reader(request)
    item = request_or_404(user, request_id)
    csv_text = redaction_log_csv(released_records(item))
    return download(csv_text.encode(), f"{item.number}-redaction-log.csv", "text/csv")
