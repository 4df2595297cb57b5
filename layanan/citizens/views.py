from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.citizens.actions import register_citizen, update_profile
from layanan.citizens.forms import ProfileFields, SignUpForm
from layanan.citizens.models import Profile


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
    return render(request, "citizens/profile.html", {"form": form}, status=status)
