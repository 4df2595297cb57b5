from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from layanan.accounts.actions import record_reads
from layanan.accounts.current import user_of
from layanan.accounts.models import DataAccess, User
from layanan.agencies.models import OfficerRole, Role
from layanan.cases.actions import InvalidInput
from layanan.cases.views_office import officer_required
from layanan.charters.presenters import local
from layanan.guarantees.actions import record_payment
from layanan.guarantees.amounts import amount_now, amounts_now
from layanan.guarantees.models import Compensation


def finance_agencies(user: User) -> set[int]:
    """Agencies whose compensations this officer may see and settle: supervisors and agency
    administrators of any unit of the agency."""
    return set(
        OfficerRole.objects.filter(
            user=user, role__in=(Role.SUPERVISOR, Role.AGENCY_ADMIN)
        ).values_list("unit__agency_id", flat=True)
    )


def compensations_page(
    request: HttpRequest, *, errors: dict[int, str] | None = None, status: int = 200
) -> HttpResponse:
    user = user_of(request)
    agencies = finance_agencies(user)
    owed = (
        Compensation.objects.filter(agency_id__in=agencies, status="owed")
        .select_related(
            "application",
            "application__service",
            "application__applicant",
            "application__charter",
            "application__agency",
            "agency",
        )
        .order_by("owed_at", "pk")
    )
    page = Paginator(owed, 25).get_page(request.GET.get("page"))
    # The list names each applicant: one access-log row per applicant shown, in one insert.
    record_reads(
        reader=user,
        place=DataAccess.Place.COMPENSATIONS,
        shown=[(c.application.applicant_id, c.application.number) for c in page.object_list],
    )
    errors = errors or {}
    amounts = amounts_now(list(page.object_list))
    rows = [(c, errors.get(c.pk, ""), amounts[c.pk]) for c in page.object_list]
    return render(
        request,
        "guarantees/compensations.html",
        {"page_obj": page, "rows": rows, "allowed": bool(agencies), "errors": errors},
        status=status,
    )


@officer_required
def compensations(request: HttpRequest) -> HttpResponse:
    return compensations_page(request)


@officer_required
def mark_paid(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    if request.method != "POST":
        return redirect("guarantees:compensations")
    compensation = get_object_or_404(Compensation, pk=pk, agency_id__in=finance_agencies(user))
    try:
        paid = record_payment(
            compensation=compensation, by=user, reference=request.POST.get("reference", "")
        )
    except InvalidInput as invalid:
        message = invalid.fields.get("reference", [invalid.message])[0]
        return compensations_page(request, errors={compensation.pk: message}, status=400)
    if paid:
        messages.success(
            request,
            _("Compensation for %(number)s recorded as paid.")
            % {"number": compensation.application.number},
        )
    else:
        messages.error(request, _("Already recorded as paid."))
    return redirect("guarantees:compensations")


def treasurer_agencies(user: User) -> set[int]:
    """Agencies where the officer is a treasurer (bendahara), who pays refund and
    compensation orders from the treasurer's page."""
    return set(
        OfficerRole.objects.filter(
            user=user, role=Role.TREASURER, user__is_active=True
        ).values_list("unit__agency_id", flat=True)
    )


class SettleForm(forms.Form):
    use_required_attribute = False
    amount = forms.IntegerField(
        label=gettext_lazy("Amount paid, in rupiah"),
        min_value=0,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-10"}),
        error_messages={
            "required": gettext_lazy("Enter the amount paid"),
            "invalid": gettext_lazy("Enter the amount paid in whole rupiah, without dots"),
            "min_value": gettext_lazy("Enter the amount paid in whole rupiah, without dots"),
        },
    )
    method = forms.ChoiceField(
        label=gettext_lazy("Paid by"),
        choices=(("tunai", gettext_lazy("Cash")), ("transfer", gettext_lazy("Bank transfer"))),
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose cash (tunai) or bank transfer")},
    )
    reference = forms.CharField(
        label=gettext_lazy("Reference"),
        help_text=gettext_lazy("The cash expenditure receipt number, or the bank transfer's."),
        max_length=100,
        error_messages={"required": gettext_lazy("Enter the reference")},
    )


@login_required
def treasurer_settle(request: HttpRequest, number: str) -> HttpResponse:
    """The treasurer pays a refund or compensation order (linked from the treasurer's page):
    exactly the amount owed, by cash or transfer, with its reference, through the same
    `record_payment` as the compensation list, so the list, the register and the
    application's chain all show it paid."""
    user = user_of(request)
    compensation = get_object_or_404(
        Compensation.objects.select_related(
            "application", "application__service", "application__charter", "agency"
        ),
        application__number=number,
        agency_id__in=treasurer_agencies(user),
    )
    record_reads(
        reader=user,
        place=DataAccess.Place.COMPENSATIONS,
        shown=[(compensation.application.applicant_id, compensation.application.number)],
    )
    form = SettleForm(request.POST or None)
    status = 200
    if request.method == "POST" and compensation.status != Compensation.Status.OWED:
        messages.error(request, _("Already recorded as paid."))  # the same submission again
        return redirect("guarantees:treasurer_settle", number=number)
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                paid = record_payment(
                    compensation=compensation,
                    by=user,
                    reference=form.cleaned_data["reference"],
                    method=form.cleaned_data["method"],
                    amount=form.cleaned_data["amount"],
                )
            except InvalidInput as invalid:
                for field, problems in invalid.fields.items():
                    for problem in problems:
                        form.add_error(field if field in form.fields else None, problem)
            else:
                if paid:
                    messages.success(
                        request,
                        _("Compensation for %(number)s recorded as paid.")
                        % {"number": compensation.application.number},
                    )
                else:
                    messages.error(request, _("Already recorded as paid."))
                return redirect("guarantees:treasurer_settle", number=number)
    guarantee = compensation.application.charter.guarantee
    return render(
        request,
        "guarantees/treasurer_settle.html",
        {
            "compensation": compensation,
            "application": compensation.application,
            "owed": amount_now(compensation),
            "statement": local(guarantee.get("statement")),
            "form": form,
            "error_forms": [form] if form.errors else [],
        },
        status=status,
    )
