"""Signing in (password, then the second factor), enrolling an authenticator app, recovery
codes, and revoking API tokens. The rules are in accounts.second_factor and accounts.tokens.

Between the password and the code nobody is signed in: the session only remembers, for ten
minutes, which account gave a right password (and under which password, so that a reset in
between ends it)."""

from __future__ import annotations

import time

import django_otp
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from layanan.accounts.actions import (
    SecondFactorRefused,
    confirm_second_factor,
    record_recovery_code_used,
    remove_second_factor,
    start_enrolment,
)
from layanan.accounts.current import user_of
from layanan.accounts.forms import AppCodeForm, SignInCodeForm, SignInForm
from layanan.accounts.models import ApiToken, User
from layanan.accounts.second_factor import (
    TooManyCodes,
    enrolment_for,
    has_second_factor,
    is_officer,
    is_recovery_device,
    recovery_codes_left,
    second_factor_required,
    verify_code,
)
from layanan.accounts.tokens import revoke_token

PENDING = "layanan_sign_in_pending"
ENROLLING = "layanan_enrolling_device"
NEW_CODES = "layanan_new_recovery_codes"
AFTER_CODES = "layanan_after_recovery_codes"
PENDING_SECONDS = 600


class LoginView(auth_views.LoginView):
    """Django's login, answering a failed attempt with 400 as every invalid form here does.
    The attempt limit is kept by the authentication backend and answered (429) by
    `throttle.answer_refusals`, which wraps this view in the URLconf. An account that needs a
    second factor is not signed in yet: it goes on to the code (or to set up an app)."""

    form_class = SignInForm

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if not second_factor_required(user):
            return super().form_valid(form)
        self.request.session.cycle_key()
        self.request.session[PENDING] = {
            "user": user.pk,
            "hash": user.get_session_auth_hash(),
            "at": int(time.time()),
            "next": self.get_success_url(),
        }
        return redirect("sign_in_code" if has_second_factor(user) else "second_factor_enrol")

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response


def pending_user(request: HttpRequest) -> User | None:
    """The account that gave the right password in this session in the last ten minutes."""
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    if time.time() - int(pending.get("at", 0)) > PENDING_SECONDS:
        del request.session[PENDING]
        return None
    user = User.objects.filter(pk=int(pending.get("user") or 0), is_active=True).first()
    if user is None or not constant_time_compare(
        str(pending.get("hash", "")), user.get_session_auth_hash()
    ):
        del request.session[PENDING]
        return None
    return user


def finish_sign_in(request: HttpRequest, user: User, device: Device) -> str:
    """Sign in with the password checked before and the device that accepted the code;
    return where to go next."""
    pending = request.session.get(PENDING) or {}
    target = str(pending.get("next", "")) if isinstance(pending, dict) else ""
    login(request, user, backend="layanan.accounts.backends.UsernameEmailOrPhoneBackend")
    django_otp.login(request, device)
    request.session.pop(PENDING, None)
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    return target or "/"


def start_again(request: HttpRequest) -> HttpResponse:
    messages.info(request, _("Sign in again: enter your email or phone number and password."))
    return redirect("login")


def checked_code(request: HttpRequest, user: User) -> tuple[SignInCodeForm, Device | None, int]:
    """The code form of the second step (signing in, turning the factor off): the form, the
    device that accepted the posted code (None when there is none, with the error on the form)
    and the status to answer with."""
    form = SignInCodeForm(request.POST if request.method == "POST" else None)
    if request.method != "POST":
        return form, None, 200
    if not form.is_valid():
        return form, None, 400
    try:
        device = verify_code(user=user, code=form.cleaned_data["code"])
    except TooManyCodes as refused:
        form.add_error("code", refused.message)
        return form, None, 429
    if device is None:
        form.add_error(
            "code",
            _(
                "The code is not correct. Enter the 6 digits your app shows now, "
                "or an unused recovery code"
            ),
        )
        return form, None, 400
    return form, device, 200


@never_cache
@sensitive_post_parameters("code")
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """The second step: the app's code or a recovery code."""
    user = pending_user(request)
    if user is None:
        return start_again(request)
    if not has_second_factor(user):
        return redirect("second_factor_enrol")
    form, device, status = checked_code(request, user)
    if device is not None:
        target = finish_sign_in(request, user, device)
        if is_recovery_device(device):
            record_recovery_code_used(user=user)
            left = recovery_codes_left(user)
            messages.warning(
                request,
                ngettext(
                    "You used a recovery code. %(count)d recovery code is left.",
                    "You used a recovery code. %(count)d recovery codes are left.",
                    left,
                )
                % {"count": left},
            )
        return redirect(target)
    return render(request, "registration/sign_in_code.html", {"form": form}, status=status)


def _enrolling_device(request: HttpRequest, user: User) -> TOTPDevice:
    """The unconfirmed app device this session is setting up, or a new one."""
    device = TOTPDevice.objects.filter(
        pk=request.session.get(ENROLLING), user=user, confirmed=False
    ).first()
    if device is None:
        device = start_enrolment(user=user)
        request.session[ENROLLING] = device.pk
    return device


@never_cache
@sensitive_post_parameters("code")
def second_factor_enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: an officer right after the password (required), or a
    signed-in citizen from the profile (optional)."""
    signed_in = request.user.is_authenticated
    user: User | None = request.user if signed_in else pending_user(request)  # type: ignore[assignment]
    if user is None:
        return start_again(request)
    if has_second_factor(user):
        if signed_in:
            messages.info(request, _("Two-step verification is already on."))
            return redirect("citizens:profile")
        return redirect("sign_in_code")
    device = _enrolling_device(request, user)
    form = AppCodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                codes = confirm_second_factor(
                    user=user, device=device, code=form.cleaned_data["code"]
                )
            except SecondFactorRefused as refusal:
                form.add_error("code", refusal.message)
            else:
                device.refresh_from_db()
                request.session.pop(ENROLLING, None)
                if signed_in:
                    django_otp.login(request, device)
                    target = "/profil/"
                else:
                    target = finish_sign_in(request, user, device)
                request.session[NEW_CODES] = codes
                request.session[AFTER_CODES] = target
                return redirect("recovery_codes")
    context = {
        "form": form,
        "enrolment": enrolment_for(device),
        "required": is_officer(user),
        "signed_in": signed_in,
    }
    return render(request, "registration/second_factor_enrol.html", context, status=status)


@never_cache
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The recovery codes, shown once right after the app is set up."""
    codes = request.session.pop(NEW_CODES, None)
    target = request.session.pop(AFTER_CODES, "/profil/")
    if not codes:
        return redirect("citizens:profile")
    return render(
        request, "registration/recovery_codes.html", {"codes": codes, "continue_to": target}
    )


@never_cache
@login_required
@sensitive_post_parameters("code")
def second_factor_disable(request: HttpRequest) -> HttpResponse:
    """A citizen turns two-step verification off, with a current code. Officers cannot."""
    user = user_of(request)
    if is_officer(user):
        raise PermissionDenied(_("Officers must keep two-step verification on."))
    if not has_second_factor(user):
        return redirect("citizens:profile")
    form, device, status = checked_code(request, user)
    if device is not None:
        remove_second_factor(user=user, actor=user)
        messages.success(request, _("Two-step verification is off."))
        return redirect("citizens:profile")
    return render(request, "registration/second_factor_disable.html", {"form": form}, status=status)


@require_POST
@login_required
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke one of the signed-in person's own API tokens (another's is 404)."""
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    if revoke_token(token=token, actor=request.user):  # type: ignore[arg-type]
        messages.success(request, _("The API token was revoked."))
    return redirect("citizens:profile")
