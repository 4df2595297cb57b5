"""The counter (loket): a front-office officer files an application for a walk-in citizen.

The officer finds the citizen's account (or makes one from the NIK and contact details the
citizen gives), then fills the same pages a citizen fills online, marked "filed at the counter
on behalf of …". After submission the officer lands on the counter receipt to print: the
tracking number with a QR code of the tracking page, what was received, the clock, the fee and
how the citizen follows it online, with a one-time code to choose a password if they have none.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from layanan.accounts.actions import record_read
from layanan.accounts.current import user_of
from layanan.accounts.models import DataAccess
from layanan.cases.actions import CaseError
from layanan.charters.models import Charter, Service
from layanan.citizens import access
from layanan.citizens.actions import file_at_counter, is_current_code, issue_password_setup_code
from layanan.citizens.forms import CounterForm
from layanan.citizens.presenters import receipt_context


@login_required
def counter(request: HttpRequest) -> HttpResponse:
    officer = user_of(request)
    access.ensure_front_office(officer)
    services = (
        Service.objects.filter(active=True, charters__status=Charter.Status.ADOPTED)
        .distinct()
        .order_by("name")
    )
    form = CounterForm(
        request.POST if request.method == "POST" else None,
        services=[(s.code, s.display_name) for s in services],
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        existing = access.find_citizen(data["contact"])
        try:
            application = file_at_counter(
                officer=officer,
                service=services.get(code=data["service"]),
                contact=data["contact"],
                full_name=data["full_name"],
                nik=data["nik"],
                phone=data["phone"],
                channels=data["channels"],
                language=data["language"],
            )
        except CaseError as error:
            for field, problems in (error.fields or {"service": [error.message]}).items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
        else:
            typed = " ".join(data["full_name"].split())
            if existing is not None and (
                (typed and typed.casefold() != existing.full_name.casefold()) or data["nik"]
            ):
                # An account already had this contact: what was typed for a new account was
                # not used. Say so, so that the officer checks it is the right person.
                messages.warning(
                    request,
                    _(
                        "An account with this contact already exists, in the name of %(name)s: "
                        "the application is filed for that account, and the name and NIK typed "
                        "for a new account were not used. Check the citizen's KTP-el."
                    )
                    % {"name": existing},
                )
            return redirect("cases:tasks", number=application.number)
    return render(
        request, "citizens/counter.html", {"form": form}, status=400 if form.errors else 200
    )


@never_cache
@login_required
def counter_receipt(request: HttpRequest, number: str) -> HttpResponse:
    """The receipt the filing officer prints for the citizen. POST gives the citizen a new
    one-time password-setup code and comes back here (a reload must not give yet another code
    and void the one just printed); the code is shown while it is the citizen's usable code and
    this officer's session holds it (only its hash is kept in the database)."""
    officer = user_of(request)
    application = access.get_counter_filing(officer, number)
    key = f"setup-code:{application.number}"
    problem = ""
    if request.method == "POST":
        try:
            request.session[key] = issue_password_setup_code(
                officer=officer, application=application
            )
        except CaseError as error:
            problem = error.message
        else:
            return redirect(reverse("citizens:counter_receipt", args=[number]) + "#setup-code")
    code = request.session.get(key, "")
    if code and not is_current_code(application.applicant, code):
        del request.session[key]
        code = ""
    context = receipt_context(
        application=application,
        tracking_url=request.build_absolute_uri(reverse("cases:track", args=[application.number])),
        sign_in_url=request.build_absolute_uri(reverse("login")),
        code_url=request.build_absolute_uri(reverse("citizens:setup_code")),
    )
    context.update(
        {
            "code": code,
            "problem": problem,
            "phone_reset_url": request.build_absolute_uri(reverse("phone_reset")),
        }
    )
    # The receipt shows the citizen's name, contact and application.
    record_read(
        reader=officer,
        citizen=application.applicant,
        place=DataAccess.Place.COUNTER_RECEIPT,
        application_number=application.number,
    )
    return render(request, "citizens/counter_receipt.html", context, status=400 if problem else 200)
