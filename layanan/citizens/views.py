from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from layanan.accounts import throttle
from layanan.accounts.models import User
from layanan.accounts.second_factor import account_security
from layanan.citizens.actions import (
    CodeRefused,
    redeem_password_setup_code,
    register_citizen,
    update_profile,
)
from layanan.citizens.forms import ProfileFields, SetupCodeForm, SignUpForm
from layanan.citizens.models import Profile
from layanan.lib.phone import try_normalise


def sign_up(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("cases:mine")
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    if request.method == "POST":
        form = SignUpForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = register_citizen(
                    full_name=data["full_name"],
                    email=data["email"],
                    phone=data["phone"],
                    nik=data["nik"],
                    address=data["address"],
                    password=data["password1"],
                )
            except IntegrityError:
                # Another sign-up took the address or number between the check and the save:
                # checking again says which, next to its field.
                form = SignUpForm(request.POST)
                form.is_valid()
            else:
                login(
                    request, user, backend="layanan.accounts.backends.UsernameEmailOrPhoneBackend"
                )
                messages.success(request, _("Your account is ready."))
                return redirect(next_url or "cases:mine")
        status = 400
    else:
        form = SignUpForm()
        status = 200
    return render(request, "citizens/sign_up.html", {"form": form, "next": next_url}, status=status)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    record = Profile.objects.filter(user=user).first() or Profile(user=user)
    if request.method == "POST":
        form = ProfileFields(request.POST)
        form.user = user
        if form.is_valid():
            update_profile(citizen=user, by=user, **form.cleaned_data)
            messages.success(request, _("Your profile was saved."))
            return redirect("citizens:profile")
        status = 400
    else:
        form = ProfileFields(
            initial={
                "full_name": user.full_name,
                "email": user.email,
                "phone": user.phone,
                "nik": record.nik,
                "address": record.address,
            }
        )
        status = 200
    context = {"form": form, **account_security(user)}
    return render(request, "citizens/profile.html", context, status=status)


def _code_throttle_keys(identifier: str, address: str) -> list[tuple[str, str]]:
    """Failures are counted per citizen from one address and per citizen from anywhere, so
    that guessing a code needs far more than its 72 hours. The citizen is keyed by the one
    form of what they typed (a phone number in any writing is the same citizen)."""
    name = "setup-code:" + (try_normalise(identifier) or identifier.strip().lower())
    return [(name, address), (name, "*")]


@never_cache
@sensitive_post_parameters("code", "password1", "password2")
def setup_code(request: HttpRequest) -> HttpResponse:
    """Choose a password with the one-time code printed on a counter receipt."""
    if request.user.is_authenticated:
        return redirect("citizens:profile")
    form = SetupCodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        keys = _code_throttle_keys(
            request.POST.get("identifier", ""), request.META.get("REMOTE_ADDR", "")
        )
        if any(throttle.is_locked(*key) for key in keys):
            form.is_valid()
            form.add_error(None, _("Too many attempts with a wrong code; wait 5 minutes."))
            return render(request, "citizens/setup_code.html", {"form": form}, status=429)
        if form.is_valid():
            data = form.cleaned_data
            try:
                redeem_password_setup_code(
                    identifier=data["identifier"], code=data["code"], password=data["password1"]
                )
            except CodeRefused as refusal:
                if refusal.code != "password":
                    for key in keys:
                        throttle.record_failure(*key)
                form.add_error(refusal.field, refusal.message)
            else:
                for key in keys:
                    throttle.clear(*key)
                messages.success(
                    request,
                    _("Your password is set. Sign in with %(who)s and your new password.")
                    % {"who": data["identifier"]},
                )
                return redirect("login")
        status = 400
    return render(request, "citizens/setup_code.html", {"form": form}, status=status)
