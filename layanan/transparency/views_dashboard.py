from __future__ import annotations

import csv

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from layanan.agencies.models import Agency
from layanan.charters import duties
from layanan.charters.models import Charter, Duty, Service
from layanan.transparency import periods
from layanan.transparency.dashboard import dashboard_context
from layanan.transparency.register import COLUMNS, register_rows


class PeriodForm(forms.Form):
    periode = forms.ChoiceField(label=gettext_lazy("Period"), required=False)

    def __init__(self, *args: object, today: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field: forms.ChoiceField = self.fields["periode"]  # type: ignore[assignment]
        field.choices = periods.choices(today)  # type: ignore[arg-type]

    def period(self) -> periods.Period | None:
        return periods.parse(self.cleaned_data.get("periode") or "")


def dashboard_page(
    request: HttpRequest, *, agency: Agency | None = None, service: Service | None = None
) -> HttpResponse:
    now = timezone.now()
    today = timezone.localdate(now)
    form = PeriodForm(request.GET, today=today)
    valid = form.is_valid()
    period = (form.period() if valid else None) or periods.default(today)
    context = {
        "form": form,
        "error_forms": [] if valid else [form],
        "period": period,
        "agency": agency,
        "service": service,
        **dashboard_context(period=period, agency=agency, service=service, now=now),
    }
    if agency is not None and service is None:
        context["services"] = (
            Service.objects.filter(lead_agency=agency, active=True, charters__status="adopted")
            .distinct()
            .order_by("name")
        )
    return render(request, "transparency/dashboard.html", context, status=200 if valid else 400)


def dashboard(request: HttpRequest) -> HttpResponse:
    return dashboard_page(request)


def agency_dashboard(request: HttpRequest, agency: str) -> HttpResponse:
    return dashboard_page(request, agency=get_object_or_404(Agency, code=agency))


def service_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    found = get_object_or_404(Service.objects.select_related("lead_agency"), code=code, active=True)
    if not found.charters.exclude(status=Charter.Status.DRAFT).exists():
        raise Http404(_("This service has no charter in force."))
    return dashboard_page(request, agency=found.lead_agency, service=found)


# -- the guarantee register ---------------------------------------------------------------------


class RegisterFilter(forms.Form):
    instansi = forms.ChoiceField(label=gettext_lazy("Agency"), required=False)
    tahun = forms.IntegerField(
        label=gettext_lazy("Year"), required=False, min_value=2000, max_value=2100
    )


def filtered_rows(request: HttpRequest) -> tuple[RegisterFilter, list[dict[str, object]]]:
    form = RegisterFilter(request.GET)
    agency_field: forms.ChoiceField = form.fields["instansi"]  # type: ignore[assignment]
    agency_field.choices = [
        ("", _("All agencies")),
        *Agency.objects.order_by("name").values_list("code", "name"),
    ]
    agency, year = "", None
    if form.is_valid():
        agency, year = form.cleaned_data["instansi"], form.cleaned_data["tahun"]
    return form, register_rows(agency=agency, year=year)


MISSED_SHOWN = 200  # the latest missed duties on the page (the count says how many in all)


def register(request: HttpRequest) -> HttpResponse:
    form, rows = filtered_rows(request)
    totals = {c: sum(int(r[c]) for r in rows) for c in COLUMNS[5:]}  # type: ignore[call-overload]
    # The applications' table, and the complaints' missed limits in a table of their own by
    # month and agency (one more column would not fit a desktop screen; CSV and JSON carry
    # both in every row).
    application_columns = [c for c in COLUMNS[5:] if c != "complaint_deadlines_missed"]
    applications = [r for r in rows if any(r[c] for c in application_columns)]
    complaints: dict[tuple[str, str], dict[str, object]] = {}
    for row in rows:
        if row["complaint_deadlines_missed"]:
            entry = complaints.setdefault(
                (str(row["month"]), str(row["agency"])),
                {"month": row["month"], "agency_name": row["agency_name"], "missed": 0},
            )
            entry["missed"] = int(entry["missed"]) + int(row["complaint_deadlines_missed"])  # type: ignore[call-overload]
    page = Paginator(applications, 50).get_page(request.GET.get("page"))
    # the agencies' missed duties about their standards (maklumat, evaluations), same filter
    data = form.cleaned_data if form.is_valid() else {}
    agency = Agency.objects.filter(code=data.get("instansi") or "").first()
    missed = (
        duties.missed(agency=agency, year=data.get("tahun"))
        if agency is not None or not data.get("instansi")
        else Duty.objects.none()
    )
    return render(
        request,
        "transparency/register.html",
        {
            "missed_duties": list(missed[:MISSED_SHOWN]),
            "missed_count": missed.count(),
            "missed_shown": MISSED_SHOWN,
            "maklumat_days": settings.LAYANAN_MAKLUMAT_DAYS,
            "form": form,
            "page_obj": page,
            "totals": totals,
            "complaint_rows": list(complaints.values()),
            "query": request.GET.urlencode(),
        },
        status=400 if form.errors else 200,
    )


def register_csv(request: HttpRequest) -> HttpResponse:
    _form, rows = filtered_rows(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="register-jaminan.csv"'
    writer = csv.DictWriter(response, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return response


def register_json(request: HttpRequest) -> JsonResponse:
    _form, rows = filtered_rows(request)
    return JsonResponse({"columns": list(COLUMNS), "rows": rows})
