"""What every case form page shares: run the service on a valid post, put its refusals on the
form (input kept), and say what the conflict check found for the person acting."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render

from evenhand.accounts.current import signed_in_user
from evenhand.accounts.models import User
from evenhand.cases.models import Case
from evenhand.screening.selectors import flags_on_case
from evenhand.screening.views import errors_into


def run_service(form: Form, action: Callable[[], object]) -> bool:
    """Call the service; on refusal put its reasons on the form and return False."""
    try:
        action()
    except ValidationError as exc:
        errors_into(form, exc)
    except PermissionDenied as exc:
        form.add_error(None, " ".join(map(str, exc.args)) or "Not allowed.")
    else:
        return True
    return False


class ConflictWatch:
    """The potential conflicts the acting user may see on a case, before and after a change
    that runs the conflict check, so the page can say what the check found. Only the user's own
    flags (or all, for oversight) are counted: whose conflicts were flagged is kept from the
    rest of the case team."""

    def __init__(self, user: User, case: Case) -> None:
        self.user = user
        self.case = case
        self.before = self._ids()

    def _ids(self) -> set[int]:
        return set(flags_on_case(user=self.user, case=self.case).values_list("pk", flat=True))

    def report(self, request: HttpRequest, done: str) -> None:
        new = len(self._ids() - self.before)
        messages.success(request, f"{done} The conflict check has run.")
        if new:
            messages.warning(
                request,
                f"{new} new potential conflict(s) flagged on {self.case.number}: see "
                "Potential conflicts on the case page and the Conflicts page.",
            )


def form_page(
    request: HttpRequest,
    *,
    case: Case,
    form: Form,
    title: str,
    action: Callable[[], object],
    success: str,
    anchor: str,
    watch_conflicts: bool = False,
    template: str = "cases/action_form.html",
    context: dict[str, Any] | None = None,
) -> HttpResponseBase:
    """Show the form; on a valid post, run the service and go back to the case page."""
    if request.method == "POST" and form.is_valid():
        watch = ConflictWatch(signed_in_user(request), case) if watch_conflicts else None
        if run_service(form, action):
            if watch is not None:
                watch.report(request, success)
            else:
                messages.success(request, success)
            return redirect(f"/cases/{case.pk}/" + (f"#{anchor}" if anchor else ""))
    return render(
        request, template, {"case": case, "form": form, "title": title, **(context or {})}
    )
