"""Pages of the charging workflow: intake queue, referral, felony review, charging (with a live
consistency preview), decision, comparable-dispositions search and an open-data row page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from evenhand.accounts.current import signed_in_user
from evenhand.analytics.queries.comparable import participant_rows
from evenhand.analytics.queries.consistency import Period
from evenhand.analytics.store import StoreError
from evenhand.cases.selectors import case_ids_for_numbers
from evenhand.screening.policies import CaseAction, access_case
from evenhand.screening.views import errors_into

from . import services
from .chart import histogram_svg
from .comparable import ComparableFilters, comparable_dispositions
from .consistency import Verdict
from .forms import AmendForm, ChargingForm, ComparableForm, FelonyReviewForm, ReferralForm
from .models import ReviewResult
from .selectors import charging_overview, decision_charges, decision_detail, intake_queue


@login_required
def queue_view(request: HttpRequest) -> HttpResponse:
    return render(
        request, "charging/queue.html", {"cases": intake_queue(user=signed_in_user(request))}
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_view(request: HttpRequest) -> HttpResponseBase:
    user = signed_in_user(request)
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case_id = None
        if data["case_number"]:
            ids, _ = case_ids_for_numbers(user=user, numbers=[data["case_number"]])
            case_id = ids[0] if ids else 0
        try:
            referral = services.referral_receive(
                actor=user,
                agency=data["agency"],
                officer_name=data["officer_name"],
                report_number=data["report_number"],
                received_on=data["received_on"],
                summary=data["summary"],
                title=data["title"],
                case_id=case_id,
            )
        except ValidationError as exc:
            errors_into(form, exc)
        else:
            flash.success(request, "Referral recorded.")
            return redirect("charging-case", case_id=referral.case_id)
    return render(request, "charging/referral.html", {"form": form})


@login_required
def case_view(request: HttpRequest, case_id: int) -> HttpResponse:
    overview = charging_overview(user=signed_in_user(request), case_id=case_id)
    return render(request, "charging/case.html", {"o": overview, "case": overview.case})


@login_required
@require_http_methods(["GET", "POST"])
def review_view(request: HttpRequest, case_id: int) -> HttpResponseBase:
    user = signed_in_user(request)
    case = access_case(user, case_id, CaseAction.CHARGE, log_read=False)
    form = FelonyReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.felony_review_record(
                actor=user,
                case_id=case.pk,
                result=ReviewResult(form.cleaned_data["result"]),
                reasons=form.cleaned_data["reasons"],
            )
        except ValidationError as exc:
            errors_into(form, exc)
        else:
            flash.success(request, "Felony review recorded.")
            return redirect("charging-case", case_id=case.pk)
    return render(request, "charging/review.html", {"form": form, "case": case})


def _verdict_context(verdict: Verdict) -> dict[str, Any]:
    comparison = verdict.comparison
    primary = comparison.primary
    caption = (
        f"{primary.label}: participants by count total, {comparison.period}; "
        f"this decision {comparison.proposal.count_total}"
    )
    return {
        "verdict": verdict,
        "comparison": comparison,
        "positions": [comparison.positions[g] for g in comparison.positions],
        "outcomes": [comparison.outcomes[g] for g in comparison.outcomes],
        # The SVG is built from numbers and escaped text only.
        "chart": mark_safe(  # noqa: S308
            histogram_svg(
                comparison.distribution,
                marked=comparison.proposal.count_total,
                caption=caption,
            )
        ),
    }


@login_required
@require_http_methods(["GET", "POST"])
def charge_view(request: HttpRequest, case_id: int) -> HttpResponseBase:
    user = signed_in_user(request)
    case = access_case(user, case_id, CaseAction.CHARGE, log_read=False)
    overview = charging_overview(user=user, case_id=case.pk)
    year = case.received_on.year
    form = ChargingForm(
        request.POST or None,
        defendants=overview.defendants,
        initial={"year_from": year, "year_to": year, "filed_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision = services.charging_decide(
                actor=user,
                case_id=case.pk,
                participant_id=data["participant"],
                statute_key=data["statute_key"],
                counts=data["counts"],
                filed_on=data["filed_on"],
                period=Period(data["year_from"], data["year_to"]),
                rationale=data["rationale"],
                bar_override_reason=data["bar_override_reason"],
            )
        except ValidationError as exc:
            errors_into(form, exc)
        else:
            flash.success(request, "Charging decision recorded.")
            return redirect("charging-decision", decision_id=decision.pk)
    return render(request, "charging/charge.html", {"form": form, "case": case})


@login_required
@require_http_methods(["POST"])
def preview_view(request: HttpRequest, case_id: int) -> HttpResponse:
    """The consistency verdict for the form as filled in (htmx); nothing is written."""
    user = signed_in_user(request)
    case = access_case(user, case_id, CaseAction.CHARGE, log_read=False)
    overview = charging_overview(user=user, case_id=case.pk)
    form = ChargingForm(request.POST, defendants=overview.defendants)
    context: dict[str, Any] = {"form": form}
    # The preview needs only the comparison fields; the rationale may still be empty.
    wanted = ("participant", "statute_key", "counts", "year_from", "year_to")
    form.is_valid()
    if all(name in form.cleaned_data for name in wanted):
        data = form.cleaned_data
        try:
            verdict = services.charging_preview(
                actor=user,
                case_id=case.pk,
                participant_id=data["participant"],
                statute_key=data["statute_key"],
                counts=data["counts"],
                period=Period(data["year_from"], data["year_to"]),
            )
        except ValidationError as exc:
            context["problem"] = " ".join(exc.messages)
        else:
            context = {**context, **_verdict_context(verdict)}
    else:
        context["problem"] = "Choose a defendant, a statute, the counts and the period."
    return render(request, "charging/_verdict.html", context)


@login_required
def decision_view(request: HttpRequest, decision_id: int) -> HttpResponse:
    decision = decision_detail(user=signed_in_user(request), decision_id=decision_id)
    snapshot = decision.comparison
    groups = snapshot.get("groups", {})
    distribution = tuple((int(a), int(b)) for a, b in snapshot.get("distribution", []))
    chart = histogram_svg(
        distribution,
        marked=decision.count_total,
        caption=(
            f"Participants by count total at decision time; this decision {decision.count_total}"
        ),
    )
    return render(
        request,
        "charging/decision.html",
        {
            "decision": decision,
            "case": decision.case,
            "charges": decision_charges(decision),
            "groups": groups,
            "chart": mark_safe(chart),  # noqa: S308  (numbers and escaped text only)
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def amend_view(request: HttpRequest, case_id: int) -> HttpResponseBase:
    user = signed_in_user(request)
    case = access_case(user, case_id, CaseAction.CHARGE, log_read=False)
    overview = charging_overview(user=user, case_id=case.pk)
    form = AmendForm(request.POST or None, charges=overview.charges)
    if request.method == "POST" and form.is_valid():
        try:
            services.charging_amend(
                actor=user,
                case_id=case.pk,
                charge_id=form.cleaned_data["charge"],
                statute_key=form.cleaned_data["statute_key"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            errors_into(form, exc)
        else:
            flash.success(request, "Count amended: a new version was recorded.")
            return redirect("charging-case", case_id=case.pk)
    return render(request, "charging/amend.html", {"form": form, "case": case})


def _initial_from_case(request: HttpRequest) -> dict[str, Any]:
    """Prefill the search from a case's latest charging decision (`?case=<id>`)."""
    case_id = request.GET.get("case")
    if not case_id:
        return {}
    overview = charging_overview(user=signed_in_user(request), case_id=case_id)
    if not overview.decisions:
        return {}
    latest = overview.decisions[0]
    return {
        "statute_key": latest.statute_key,
        "offense_class": latest.offense_class,
        "min_counts": 1,
    }


@login_required
def comparable_view(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    searched = any(key in request.GET for key in ComparableForm.base_fields)
    initial = _initial_from_case(request)
    form = ComparableForm(request.GET if searched else None, initial=initial)
    results = None
    if searched and form.is_valid():
        data = form.cleaned_data
        filters = ComparableFilters(
            statute_key=data["statute_key"] or "",
            offense_class=data["offense_class"] or "",
            offense_category=(data["offense_category"] or "").strip(),
            min_counts=data["min_counts"] or 1,
            max_counts=data["max_counts"] or 10_000,
            year_from=data["year_from"] or 1900,
            year_to=data["year_to"] or 2999,
            outcomes=form.chosen_outcomes(),
        )
        results = comparable_dispositions(user=user, filters=filters)
    return render(
        request,
        "charging/comparable.html",
        {"form": form, "results": results, "from_case": request.GET.get("case", "")},
    )


@login_required
def history_row_view(request: HttpRequest, release: str, participant_id: str) -> HttpResponse:
    try:
        rows = participant_rows(release=release, participant_id=participant_id)
    except StoreError as exc:
        raise Http404("No such open-data row.") from exc
    if not rows:
        raise Http404("No such open-data row.")
    return render(
        request,
        "charging/history_row.html",
        {"rows": rows, "release": release, "participant_id": participant_id},
    )
