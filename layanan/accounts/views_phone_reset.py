"""Forgotten password, by phone (/masuk/lupa-sandi/telepon/): ask for a code by WhatsApp or
SMS, then type it with a new password. The rules are in accounts.phone_reset; these pages only
count the attempts (accounts.throttle) and answer alike whether or not the number has an
account."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from layanan.accounts import throttle
from layanan.accounts.forms import PhoneResetConfirmForm, PhoneResetRequestForm
from layanan.accounts.phone_reset import (
    CodeNotSent,
    CodeRefused,
    not_sent_message,
    reset_password_by_phone,
)
from layanan.accounts.phone_reset import send_reset_code as send_code
from layanan.lib.phone import national

SESSION_KEY = "phone-reset"


@never_cache
def ask(request: HttpRequest) -> HttpResponse:
    """The number and the channel; the same answer whether or not an account has the number."""
    form = PhoneResetRequestForm(request.POST if request.method == "POST" else None)
    if request.method != "POST":
        return render(request, "registration/phone_reset_form.html", {"form": form})
    if not form.is_valid():
        return render(request, "registration/phone_reset_form.html", {"form": form}, status=400)
    phone, channel = form.cleaned_data["phone"], form.cleaned_data["channel"]
    attempt = throttle.begin_phone_reset(request, phone)
    if attempt.refused:
        form.add_error("phone", attempt.message())
        response = render(request, "registration/phone_reset_form.html", {"form": form}, status=429)
        response["Retry-After"] = str(attempt.retry_after)
        return response
    attempt.failed()  # every request spends one: it may send a message
    try:
        send_code(phone=phone, channel=channel)
    except CodeNotSent:
        form.add_error("channel", not_sent_message(channel))
        return render(request, "registration/phone_reset_form.html", {"form": form}, status=503)
    request.session[SESSION_KEY] = {"phone": phone, "channel": channel}
    return redirect("phone_reset_confirm")


@never_cache
@sensitive_post_parameters("code", "password1", "password2")
def confirm(request: HttpRequest) -> HttpResponse:
    """The code and a new password, for the number given on the previous page."""
    asked = request.session.get(SESSION_KEY)
    if not isinstance(asked, dict) or not asked.get("phone"):
        return redirect("phone_reset")
    form = PhoneResetConfirmForm(request.POST if request.method == "POST" else None)
    context = {
        "form": form,
        "phone": national(asked["phone"]),
        "by_whatsapp": asked.get("channel") == "whatsapp",
    }
    template = "registration/phone_reset_confirm.html"
    if request.method != "POST":
        return render(request, template, context)
    attempt = throttle.begin_phone_code_check(request)
    if attempt.refused:
        form.is_valid()
        form.add_error(None, attempt.message())
        response = render(request, template, context, status=429)
        response["Retry-After"] = str(attempt.retry_after)
        return response
    if not form.is_valid():
        attempt.refund()
        return render(request, template, context, status=400)
    data = form.cleaned_data
    try:
        reset_password_by_phone(phone=asked["phone"], code=data["code"], password=data["password1"])
    except CodeRefused as refusal:
        if refusal.code == "password":
            attempt.refund()
        else:
            attempt.failed()
        form.add_error(refusal.field, refusal.message)
        return render(request, template, context, status=400)
    attempt.succeeded()
    del request.session[SESSION_KEY]
    messages.success(
        request,
        _("Your password was changed. Sign in with %(phone)s and your new password.")
        % {"phone": context["phone"]},
    )
    return redirect("login")
