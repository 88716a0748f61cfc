from __future__ import annotations

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.forms import OTPTokenForm
from django_otp.plugins.otp_totp.models import TOTPDevice

from .current import signed_in_user
from .forms import ApiTokenForm, TotpConfirmForm
from .models import ApiToken
from .services import api_token_create, api_token_revoke, totp_device_confirm, totp_device_create


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponseBase:
    user = signed_in_user(request)
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("otp-setup")
    form = OTPTokenForm(user, request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        otp_login(request, form.get_user().otp_device)
        return redirect("case-list")
    return render(request, "accounts/otp_verify.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponseBase:
    user = signed_in_user(request)
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("otp-verify")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = totp_device_create(actor=user)
    form = TotpConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if totp_device_confirm(actor=user, device=device, token=form.cleaned_data["token"]):
            otp_login(request, device)
            messages.success(request, "Authenticator confirmed.")
            return redirect("case-list")
        form.add_error("token", "That code did not match. Check your device's clock and retry.")
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/otp_setup.html",
        {"form": form, "secret": secret, "config_url": device.config_url},
    )


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = ApiTokenForm(request.POST or None)
    issued_secret = ""
    if request.method == "POST" and form.is_valid():
        try:
            issued = api_token_create(
                actor=user,
                name=form.cleaned_data["name"],
                expires_at=form.cleaned_data.get("expires_at"),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            issued_secret = issued.secret
            form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=user).order_by("-created_at")
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": tokens, "issued_secret": issued_secret},
    )


@login_required
@require_POST
def api_token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponseBase:
    user = signed_in_user(request)
    token = get_object_or_404(ApiToken, pk=token_id, user=user)
    api_token_revoke(actor=user, token=token)
    messages.success(request, f"Token {token.name!r} revoked.")
    return redirect("api-tokens")
