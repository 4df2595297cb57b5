"""The counter (loket): a front-office officer files an application for a walk-in citizen.

The officer finds the citizen's account (or makes one from the NIK and contact details the
citizen gives), then fills the same pages a citizen fills online. The application records the
officer as `filed_by` and the channel as `loket`; the citizen follows it like any other.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from layanan.accounts.fields import NikField, PhoneField
from layanan.accounts.identifiers import find_user_by_identifier
from layanan.accounts.models import User
from layanan.agencies.models import OfficerRole, Role
from layanan.cases import actions
from layanan.charters.models import Charter, Service
from layanan.citizens.actions import register_citizen


class CounterForm(forms.Form):
    use_required_attribute = False
    service = forms.ChoiceField(label=gettext_lazy("Service"))
    contact = forms.CharField(
        label=gettext_lazy("Citizen's email address or phone number"),
        max_length=254,
        help_text=gettext_lazy("Used to find their account, or to make one for them."),
    )
    full_name = forms.CharField(
        label=gettext_lazy("Full name (for a new account)"), max_length=200, required=False
    )
    nik = NikField(label=gettext_lazy("NIK (for a new account)"), required=False)

    def clean_contact(self) -> str:
        contact = self.cleaned_data["contact"].strip()
        if "@" in contact:
            forms.EmailField().clean(contact)
            return contact.lower()
        return PhoneField(what=gettext_lazy("the citizen's phone number")).clean(contact)


def find_citizen(contact: str) -> User | None:
    return find_user_by_identifier(contact)


def counter(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    officer = request.user
    if not OfficerRole.objects.filter(user=officer, role=Role.FRONT_OFFICE).exists():
        raise PermissionDenied(_("This page is for front-office officers."))
    services = (
        Service.objects.filter(active=True, charters__status=Charter.Status.ADOPTED)
        .distinct()
        .order_by("name")
    )
    form = CounterForm(request.POST or None)
    service_field = form.fields["service"]
    assert isinstance(service_field, forms.ChoiceField)
    service_field.choices = [(s.code, s.display_name) for s in services]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            citizen = find_citizen(data["contact"])
            if citizen is None:
                if not data["full_name"]:
                    form.add_error(
                        "full_name", _("No account has this contact: give the citizen's name.")
                    )
                    return render(request, "citizens/counter.html", {"form": form}, status=400)
                by_email = "@" in data["contact"]
                citizen = register_citizen(
                    full_name=data["full_name"],
                    email=data["contact"] if by_email else "",
                    phone="" if by_email else data["contact"],
                    nik=data["nik"],
                    by=officer,
                )
            application, _created = actions.create_application(
                citizen=citizen,
                service=services.get(code=data["service"]),
                answers={},
                channel="loket",
                filed_by=officer,
            )
        return redirect("cases:tasks", number=application.number)
    return render(
        request, "citizens/counter.html", {"form": form}, status=400 if form.errors else 200
    )
