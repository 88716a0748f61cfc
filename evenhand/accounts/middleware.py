from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

# Paths a signed-in but not yet second-factor-verified user may reach.
_OPEN_PREFIXES = ("/login/", "/logout/", "/account/otp/", "/static/")


class RequireVerifiedStaffMiddleware:
    """When TOTP is required, a session without a verified second factor reaches nothing else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            settings.EVENHAND_REQUIRE_OTP
            and user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(_OPEN_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": "Second factor required: complete TOTP verification."},
                    status=401,
                )
            return redirect("otp-verify")
        return self.get_response(request)
