"""Pages: a case's sealing orders and grants, recording orders, the access-reason form, and the
access log of a sealed case for oversight."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from evenhand.accounts.current import signed_in_user
from evenhand.audit.services import audit_log_read_record
from evenhand.screening.policies import OVERSIGHT, CaseAction, access_case, allowed_actions
from evenhand.screening.views import errors_into

from .forms import (
    AccessGrantForm,
    AccessReasonForm,
    RevokeForm,
    SealingOrderForm,
    UnsealingOrderForm,
)
from .middleware import remember_reason
from .selectors import (
    access_log_for_case,
    active_user_by_username,
    case_sealing_overview,
    order_with_document,
)
from .services import (
    access_grant_record,
    access_grant_revoke,
    access_reason_give,
    sealing_document_read,
    sealing_order_record,
    unsealing_order_record,
)

LOG_ENTRIES_PER_PAGE = 50


@login_required
@require_GET
def case_sealing_view(request: HttpRequest, case_id: int) -> HttpResponse:
    user = signed_in_user(request)
    overview = case_sealing_overview(user=user, case_id=case_id)
    may_record = CaseAction.DISPOSE in allowed_actions(user, overview.case)
    return render(request, "sealing/case.html", {"overview": overview, "may_record": may_record})


@login_required
@require_http_methods(["GET", "POST"])
def sealing_record_view(request: HttpRequest, case_id: int) -> HttpResponseBase:
    user = signed_in_user(request)
    case = access_case(user, case_id, CaseAction.DISPOSE, log_read=False)
    form = SealingOrderForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            sealing_order_record(
                actor=user,
                case_id=case.pk,
                kind=form.cleaned_data["kind"],
                particulars=form.particulars(),
                effective_at=form.effective(),
            )
        except ValidationError as exc:
            errors_into(form, exc)
        else:
            messages.success(request, f"Case {case.number} is sealed from the order's effect.")
            return redirect("sealing-case", case_id=case.pk)
    return _order_page(request, case, form, "Record a sealing or expungement order")


@login_required
@require_http_methods(["GET", "POST"])
def unsealing_record_view(request: HttpRequest, case_id: int) -> HttpResponseBase:
    user = signed_in_user(request)
    case = access_case(user, case_id, CaseAction.DISPOSE, log_read=False)
    form = UnsealingOrderForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            unsealing_order_record(
                actor=user,
                case_id=case.pk,
                particulars=form.particulars(),
                effective_at=form.effective(),
            )
        except ValidationError as exc:
            errors_into(form, exc)
        else:
            messages.success(request, f"Unsealing of case {case.number} recorded.")
            return redirect("sealing-case", case_id=case.pk)
    return _order_page(request, case, form, "Record an unsealing order")


@login_required
@require_http_methods(["GET", "POST"])
def access_grant_view(request: HttpRequest, case_id: int) -> HttpResponseBase:
    user = signed_in_user(request)
    case = access_case(user, case_id, CaseAction.DISPOSE, log_read=False)
    form = AccessGrantForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        grantee = active_user_by_username(form.cleaned_data["grantee_username"])
        if grantee is None:
            form.add_error("grantee_username", "No active account with that username.")
        else:
            starts_at, ends_at = form.period()
            try:
                access_grant_record(
                    actor=user,
                    case_id=case.pk,
                    grantee=grantee,
                    scope=form.cleaned_data["scope"],
                    particulars=form.particulars(),
                    starts_at=starts_at,
                    ends_at=ends_at,
                )
            except ValidationError as exc:
                errors_into(form, exc)
            else:
                messages.success(request, f"{grantee} may read case {case.number} by order.")
                return redirect("sealing-case", case_id=case.pk)
    return _order_page(request, case, form, "Record court-ordered access for a named person")


@login_required
@require_http_methods(["POST"])
def access_grant_revoke_view(request: HttpRequest, case_id: int, grant_id: int) -> HttpResponse:
    user = signed_in_user(request)
    case = access_case(user, case_id, CaseAction.DISPOSE, log_read=False)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            access_grant_revoke(actor=user, grant_id=grant_id, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Grant revoked.")
    else:
        messages.error(request, "Say why the grant ends.")
    return redirect("sealing-case", case_id=case.pk)


def _order_page(request: HttpRequest, case: object, form: object, heading: str) -> HttpResponse:
    return render(
        request, "sealing/order_form.html", {"case": case, "form": form, "heading": heading}
    )


@login_required
@require_http_methods(["GET", "POST"])
def access_reason_view(request: HttpRequest, case_id: int) -> HttpResponseBase:
    user = signed_in_user(request)
    # Someone who may not read the case gets the usual 404 here too.
    case = access_case(user, case_id, CaseAction.VIEW, log_read=False)
    form = AccessReasonForm(request.POST or None, initial={"next": request.GET.get("next", "")})
    if request.method == "POST" and form.is_valid():
        try:
            reason = access_reason_give(
                actor=user, case_id=case.pk, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            errors_into(form, exc)
        else:
            remember_reason(request.session, case.pk, reason)
            target = form.cleaned_data["next"]
            if not url_has_allowed_host_and_scheme(
                target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ) or not target.startswith("/"):
                target = reverse("case-detail", args=[case.pk])
            return redirect(target)
    return render(request, "sealing/reason.html", {"case": case, "form": form})


@login_required
@require_GET
def order_document_view(
    request: HttpRequest, case_id: int, kind: str, order_id: int
) -> HttpResponse:
    user = signed_in_user(request)
    case = access_case(user, case_id, CaseAction.VIEW)
    order = order_with_document(case_id=case.pk, kind=kind, order_id=order_id)
    if order is None or not order.document_sha256:
        raise Http404("No such order document.")
    content = sealing_document_read(actor=user, order=order, case_id=case.pk)
    response = HttpResponse(content, content_type=order.document_type)
    response["Content-Disposition"] = f'attachment; filename="{order.pk}-{kind}-order"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def access_log_view(request: HttpRequest, case_id: int) -> HttpResponse:
    """Who opened (or tried to open) a sealed case, and why: for oversight, without opening the
    case itself (its content stays behind the court's order)."""
    user = signed_in_user(request)
    if user.role not in OVERSIGHT:
        raise PermissionDenied("The access log is for the inspector general, auditors and ethics.")
    entries = access_log_for_case(case_id=case_id)
    if entries is None:
        raise Http404("No sealing orders on record for that case.")
    page = Paginator(entries, LOG_ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    audit_log_read_record(actor=user, filters={"sealed_access_log": case_id, "page": page.number})
    return render(
        request,
        "sealing/access_log.html",
        {"case_id": case_id, "page": page, "entries": shown},
    )
