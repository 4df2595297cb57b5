from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from layanan.accounts import throttle
from layanan.accounts.access_log import as_item, visible_reads
from layanan.accounts.current import user_of
from layanan.accounts.models import User
from layanan.accounts.second_factor import account_security
from layanan.citizens import access
from layanan.citizens.actions import (
    CodeRefused,
    redeem_password_setup_code,
    sign_up_citizen,
)
from layanan.citizens.actions_channels import unreachable_reason
from layanan.citizens.actions_profile import save_profile
from layanan.citizens.forms import ChannelsForm, ProfileForm, SetupCodeForm, SignUpForm
from layanan.citizens.models import Profile
from layanan.citizens.presenters import access_rows
from layanan.lib.phone import national


def sign_up(request: HttpRequest) -> HttpResponse:
    """Make an account. The answer is the same whether or not the email address or number
    already has one (`sign_up_citizen` tells its owner by mail), and nobody is signed in by
    it: the citizen signs in next, with the password they chose."""
    if request.user.is_authenticated:
        return redirect("cases:mine")
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    if request.method == "POST":
        form = SignUpForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            attempt = throttle.begin_sign_up(request, [data["email"], data["phone"]])
            if attempt.refused:
                form.add_error(None, attempt.message())
                response = render(
                    request, "citizens/sign_up.html", {"form": form, "next": next_url}, status=429
                )
                response["Retry-After"] = str(attempt.retry_after)
                return response
            attempt.failed()  # every sign-up spends one: it sends a mail
            sign_up_citizen(
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
                nik=data["nik"],
                address=data["address"],
                password=data["password1"],
            )
            done = reverse("citizens:sign_up_done")
            return redirect(f"{done}?{urlencode({'next': next_url})}" if next_url else done)
        status = 400
    else:
        form = SignUpForm()
        status = 200
    return render(request, "citizens/sign_up.html", {"form": form, "next": next_url}, status=status)


ACCESS_PAGE_SIZE = 25


@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    """Everyone who looked at the signed-in person's data, newest first, all of it the
    person may see now (`access_log.visible_reads`), a page at a time; `?permohonan=NUMBER`
    narrows it to one of their applications."""
    user = user_of(request)
    number = request.GET.get("permohonan", "").strip()
    if number:
        number = access.get_own_application_number(user, number)
    reads = visible_reads(user)
    if number:
        reads = reads.filter(application_number=number)
    page = Paginator(reads, ACCESS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "citizens/access_log.html",
        {"page_obj": page, "rows": access_rows(list(page.object_list)), "number": number},
    )


class _Line:
    """What csv.writer writes to: hands each line back instead of keeping it."""

    def write(self, line: str) -> str:
        return line


@login_required
def access_log_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The whole access log the person may see, as CSV with a header row, streamed."""
    user = user_of(request)
    writer = csv.writer(_Line())

    def lines() -> Iterator[str]:
        yield "\ufeff"  # so that spreadsheet programs read the file as UTF-8
        yield writer.writerow([str(label) for label in ACCESS_CSV_COLUMNS.values()])
        for read in visible_reads(user).iterator(chunk_size=500):
            item = as_item(read)
            yield writer.writerow([spreadsheet_text(item[key]) for key in ACCESS_CSV_COLUMNS])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="akses-data-saya.csv"'
    return response


ACCESS_CSV_COLUMNS = {
    "id": gettext_lazy("Reference"),
    "at": gettext_lazy("Time"),
    "agency": gettext_lazy("Agency"),
    "unit": gettext_lazy("Unit"),
    "officer": gettext_lazy("Officer"),
    "what": gettext_lazy("What"),
    "application": gettext_lazy("Application"),
    "purpose": gettext_lazy("Why"),
    "sentence": gettext_lazy("In words"),
}


def spreadsheet_text(value: object) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    text = str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def sign_up_done(request: HttpRequest) -> HttpResponse:
    """What every sign-up is answered with, whether an account was made or not."""
    next_url = request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    sign_in = reverse("login") + (f"?{urlencode({'next': next_url})}" if next_url else "")
    return render(request, "citizens/sign_up_done.html", {"sign_in": sign_in})


def profile_initial(user: User, record: Profile) -> dict[str, Any]:
    """The profile as its form shows it (and `GET /api/v1/me` gives it): every attribute."""
    return {
        "full_name": user.full_name,
        "nik": record.nik,
        "kk_number": record.kk_number,
        "birth_place": record.birth_place,
        "birth_date": record.birth_date,
        "address": record.address,
        "region_code": record.region_code,
        "phone": user.phone,
        "email": user.email,
    }


SECTION_SHOWN = "message_channels"


def channels_initial(user: User) -> dict[str, Any]:
    """The message channels as the profile form shows them: those that can reach the person."""
    return {"channels": user.chosen_channels(), "language": user.message_language}


def channel_hints(user: User) -> dict[str, str]:
    """Under each box, where its messages go, or what it needs."""
    phone = national(user.phone) if user.phone else ""
    to_phone = (
        _("To your mobile number %(phone)s.") % {"phone": phone}
        if phone
        else _("Needs a mobile number on your account.")
    )
    return {
        "whatsapp": to_phone,
        "sms": to_phone,
        "email": _("To %(email)s.") % {"email": user.email}
        if user.email
        else _("Needs an email address on your account."),
    }


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """What the citizen tells once, for every application whose form takes it (each field of
    a charter's form that declares `profile:`), and for nothing else; and how they receive
    messages (checked against the contact details of the same form)."""
    user = user_of(request)
    record = Profile.objects.filter(user=user).first() or Profile(user=user)
    if request.method == "POST":
        form = ProfileForm(request.POST)
        form.user = user
        profile_ok = form.is_valid()
        contact = form.cleaned_data if profile_ok else {"phone": user.phone, "email": user.email}
        # A page without the messages section (one opened before it existed) keeps the choice.
        data = request.POST if SECTION_SHOWN in request.POST else None
        channels_form = ChannelsForm(
            data,
            initial=channels_initial(user),
            phone=contact.get("phone", ""),
            email=contact.get("email", ""),
        )
        if profile_ok and (data is None or channels_form.is_valid()):
            chosen = channels_form.cleaned_data if data is not None else {}
            save_profile(
                citizen=user,
                by=user,
                values=form.cleaned_data,
                channels=chosen.get("channels"),
                language=chosen.get("language", ""),
            )
            messages.success(request, _("Your profile was saved."))
            return redirect("citizens:profile")
        status = 400
    else:
        form = ProfileForm(initial=profile_initial(user, record))
        channels_form = ChannelsForm(
            initial=channels_initial(user), phone=user.phone, email=user.email
        )
        status = 200
    context = {"form": form, **channels_context(user, channels_form), **account_security(user)}
    return render(request, "citizens/profile.html", context, status=status)


def channels_context(user: User, channels_form: ChannelsForm) -> dict[str, Any]:
    """The profile page's messages section: each box with its hint, the section's errors for
    the summary at the top of the page, and why no channel reaches the person, if none does."""
    hints = channel_hints(user)
    errors = [
        {"message": message, "href": f"#id_{name}_0"}
        for name in ("channels", "language")
        for message in channels_form.errors.get(name, [])
    ]
    return {
        "channels_form": channels_form,
        "channel_options": [
            (option, hints[option.data["value"]]) for option in channels_form["channels"]
        ],
        "channel_errors": errors,
        "unreachable": unreachable_reason(user),
    }


@never_cache
@sensitive_post_parameters("code", "password1", "password2")
def setup_code(request: HttpRequest) -> HttpResponse:
    """Choose a password with the one-time code printed on a counter receipt."""
    if request.user.is_authenticated:
        return redirect("citizens:profile")
    form = SetupCodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        # Counted per citizen (every writing of what they typed is the same citizen) and per
        # address, so that guessing a code needs far more than its 72 hours.
        attempt = throttle.begin_code(request, request.POST.get("identifier", ""))
        if attempt.refused:
            form.is_valid()
            form.add_error(None, attempt.message())
            response = render(request, "citizens/setup_code.html", {"form": form}, status=429)
            response["Retry-After"] = str(attempt.retry_after)
            return response
        if not form.is_valid():
            attempt.refund()
        else:
            data = form.cleaned_data
            try:
                citizen = redeem_password_setup_code(
                    identifier=data["identifier"], code=data["code"], password=data["password1"]
                )
            except CodeRefused as refusal:
                if refusal.code == "password":
                    attempt.refund()
                else:
                    attempt.failed()
                form.add_error(refusal.field, refusal.message)
            else:
                attempt.succeeded()
                throttle.clear_account(citizen)
                messages.success(
                    request,
                    _("Your password is set. Sign in with %(who)s and your new password.")
                    % {"who": data["identifier"]},
                )
                return redirect("login")
        status = 400
    return render(request, "citizens/setup_code.html", {"form": form}, status=status)
