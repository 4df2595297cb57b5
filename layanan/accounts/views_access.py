"""The agency administrators' office pages of the access log: the reads by their agency's
officers of one application, and holding one back from the citizen for an investigation
(`access_log.defer_read`). Only an administrator of the agency the reader acted for may
defer a read; every deferral is kept (`AccessDeferral`) and listed here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from layanan.accounts import access_log
from layanan.accounts.current import user_of
from layanan.accounts.models import AccessDeferral, DataAccess, User
from layanan.agencies.admin_scope import EVERYTHING, administered_agency_ids

DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]


def agencies_of(user: User) -> set[int] | None:
    """The agencies whose reads `user` may hold back (None: all, for a superuser); refused
    with 403 for anybody who administers no agency."""
    agencies = administered_agency_ids(user)
    if agencies is EVERYTHING:
        return None
    if not agencies:
        raise PermissionDenied(_("This page is for agency administrators."))
    return agencies


class FindForm(forms.Form):
    permohonan = forms.CharField(
        label=gettext_lazy("Application number"),
        max_length=16,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )


class DeferForm(forms.Form):
    until = forms.DateField(
        label=gettext_lazy("Hold it back until (last day)"),
        input_formats=DATE_FORMATS,
        error_messages={
            "required": gettext_lazy("Enter the last day the read is held back"),
            "invalid": gettext_lazy("Write the date as a real date"),
        },
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        help_text=gettext_lazy(
            "The investigation this serves. Administrators and auditors read it; the citizen "
            "does not."
        ),
        max_length=2000,
        error_messages={
            "required": gettext_lazy("Enter why this read is held back"),
            "max_length": gettext_lazy("The reason must be 2000 characters or fewer"),
        },
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@login_required
def reads(request: HttpRequest) -> HttpResponse:
    """The reads of one application by the officers of the user's agencies, and the
    deferrals those agencies made."""
    user = user_of(request)
    agencies = agencies_of(user)
    form = FindForm(request.GET or None)
    found: list[DataAccess] = []
    number = ""
    if form.is_valid():
        number = form.cleaned_data["permohonan"].strip().upper()
    scoped = DataAccess.objects.exclude(agency=None)
    deferrals = AccessDeferral.objects.select_related("access", "by", "agency")
    if agencies is not None:
        scoped = scoped.filter(agency_id__in=agencies)
        deferrals = deferrals.filter(agency_id__in=agencies)
    if number:
        found = list(
            scoped.filter(application_number=number)
            .select_related("reader", "agency")
            .order_by("-at", "-id")[:200]
        )
    return render(
        request,
        "accounts/office_reads.html",
        {
            "form": form,
            "number": number,
            "rows": [(read, access_log.when_of(read)) for read in found],
            "deferrals": list(deferrals[:50]),
            "now": timezone.now(),
        },
    )


@login_required
def defer(request: HttpRequest, pk: int) -> HttpResponse:
    """Hold one read back from the citizen until a day within the limit, with a reason."""
    user = user_of(request)
    agencies_of(user)
    read = get_object_or_404(DataAccess.objects.select_related("reader", "agency"), pk=pk)
    if not access_log.may_defer(user, read):
        raise PermissionDenied(_("Only an administrator of the reading agency may do this."))
    form = DeferForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                access_log.defer_read(
                    read=read,
                    by=user,
                    until=form.cleaned_data["until"],
                    reason=form.cleaned_data["reason"],
                    now=timezone.now(),
                )
            except access_log.DeferralRefused as refused:
                for field, problems in refused.fields.items():
                    for problem in problems:
                        form.add_error(field if field in form.fields else None, problem)
            else:
                back = reverse("access_reads")
                return redirect(f"{back}?{urlencode({'permohonan': read.application_number})}")
        status = 400
    context: dict[str, Any] = {
        "form": form,
        "read": read,
        "when": access_log.when_of(read),
        "latest": access_log.latest_end(read),
        "days": access_log.max_deferral_days(),
        "error_forms": [form] if form.errors else [],
    }
    return render(request, "accounts/office_defer.html", context, status=status)
