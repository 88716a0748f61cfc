"""The public's pages, with no login: the request form, tracking by the requester's private
link, and the library of published releases (each download recorded)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from evenhand.screening.views import errors_into

from .. import forms, services
from ..package import release_package
from ..rules import public_records_rules
from ..selectors import library, library_entry, request_by_token
from .common import download


def _client_address(request: HttpRequest) -> str:
    # The direct peer only: a forwarded-for header is the client's to forge.
    return str(request.META.get("REMOTE_ADDR", "unknown"))


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
    return download(
        release_package(entry, include_letter=False),
        f"{entry.number}-release.zip",
        "application/zip",
    )
