"""The forgotten-password pages: Django's, within the attempt limits.

A request for a reset link counts against the account named and the client address (each
request sends a mail, so each counts); setting a new password with the link proves the owner,
so it clears the account's sign-in limit: a locked-out owner can always get back in this way.
"""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.http import HttpResponse

from layanan.accounts import throttle
from layanan.accounts.forms import NewPasswordForm, PasswordResetRequestForm


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
    form_class = NewPasswordForm

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        throttle.clear_account(form.user)
        return response
