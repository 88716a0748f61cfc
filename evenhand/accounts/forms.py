from __future__ import annotations

from django import forms


class ApiTokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What the token is for, e.g. 'weekly export'.")
    expires_at = forms.DateTimeField(
        required=False,
        help_text="Optional expiry (YYYY-MM-DD HH:MM). Leave empty for a token you revoke by hand.",
    )


class TotpConfirmForm(forms.Form):
    token = forms.RegexField(
        regex=r"^\d{6}$",
        error_messages={"invalid": "Enter the 6-digit code from your authenticator app."},
        label="6-digit code",
    )
