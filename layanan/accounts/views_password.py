"""The forgotten-password pages: Django's, within the attempt limits.

A request for a reset link counts against the account named and the client address (each
request sends a mail, so each counts); setting a new password with the link proves the owner,
so it clears the account's sign-in limit: a locked-out owner can always get back in this way.
"""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.db import transaction
from django.http import HttpResponse

from layanan.accounts import throttle
from layanan.accounts.actions import record_account_event
from layanan.accounts.forms import NewPasswordForm, PasswordResetRequestForm
from layanan.accounts.models import AccountEvent
from layanan.accounts.tokens import revoke_all_tokens


class PasswordResetRequestView(auth_views.PasswordResetView):
    form_class = PasswordResetRequestForm
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        attempt = throttle.begin_reset_request(self.request, form.cleaned_data["email"])
        if attempt.refused:
            form.add_error("email", attempt.message())
            response = self.form_invalid(form)
            response.status_code = 429
            response["Retry-After"] = str(attempt.retry_after)
            return response
        attempt.failed()  # every request spends one: it sends a mail
        return super().form_valid(form)

    def form_invalid(self, form: PasswordResetForm) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's "choose a new password" page. The new password proves the owner: the account's
    sign-in limit is cleared, every API token is revoked, and the account's history says so."""

    form_class = NewPasswordForm

    @transaction.atomic
    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        user = form.user
        record_account_event(
            user=user, actor=user, kind=AccountEvent.Kind.PASSWORD_RESET, fields=["password"]
        )
        revoke_all_tokens(user=user, actor=user, reason="password reset")
        throttle.clear_account(user)
        return response
