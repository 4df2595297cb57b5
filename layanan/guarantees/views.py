from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from layanan.accounts.actions import record_reads
from layanan.accounts.current import user_of
from layanan.accounts.models import DataAccess, User
from layanan.agencies.models import OfficerRole, Role
from layanan.cases.actions import InvalidInput
from layanan.cases.views_office import officer_required
from layanan.guarantees.actions import record_payment
from layanan.guarantees.amounts import amounts_now
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
