"""Surveys in the back office (/kantor/survei/): paper questionnaires typed in by front-office
officers, CSV imports by agency administrators, the printable report and its CSV."""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from layanan.accounts.current import user_of
from layanan.agencies.models import Agency, Unit
from layanan.cases.views_office import officer_required
from layanan.charters.models import Service
from layanan.surveys import access, reports
from layanan.surveys.actions import (
    InvalidFile,
    SurveyError,
    administered_agencies,
    describe,
    enter_paper_response,
    front_office_units,
    import_responses,
    services_of,
)
from layanan.surveys.forms import ImportForm, PaperForm
from layanan.surveys.models import ImportBatch, Response

MAX_IMPORT_BYTES = 5 * 1024 * 1024


@officer_required
def index(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    admin_of = administered_agencies(user)
    batches = ImportBatch.objects.filter(agency__in=admin_of).select_related(
        "agency", "imported_by"
    )
    return render(
        request,
        "surveys/office/index.html",
        {
            "front_office": bool(front_office_units(user)),
            "admin": bool(admin_of),
            "can_report": access.may_read_reports(user),
            "batches": batches.order_by("-created_at")[:10],
        },
    )


@officer_required
def paper(request: HttpRequest) -> HttpResponse:
    officer = user_of(request)
    access.ensure_front_office(officer)
    units = front_office_units(officer)
    services: dict[int, Service] = {}
    for agency in {unit.agency for unit in units}:
        services.update((s.pk, s) for s in services_of(agency))
    form = PaperForm(
        request.POST if request.method == "POST" else None,
        units=units,
        services=sorted(services.values(), key=lambda s: s.display_name),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enter_paper_response(
                officer=officer,
                unit=form.units[data["unit"]],
                service=form.services.get(data["service"]),
                answered_on=data["answered_on"],
                answers=form.answers(),
                profile=form.profile(),
                suggestion=data["suggestion"],
            )
        except SurveyError as error:
            form.add_action_errors(error)
        else:
            messages.success(request, _("The questionnaire was recorded. Enter the next one."))
            return redirect("surveys_office:paper")
    return render(
        request, "surveys/office/paper.html", {"form": form}, status=400 if form.errors else 200
    )


@officer_required
def import_csv(request: HttpRequest) -> HttpResponse:
    admin = user_of(request)
    agencies = access.ensure_agency_admin(admin)
    form = ImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        agencies=agencies,
        initial={"answered_on": timezone.localdate()},
    )
    problems: list[dict[str, str]] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        agency = form.agencies[data["agency"]]
        service, unit = resolve_scope(form, agency)
        upload = data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            form.add_error("file", _("The file is larger than 5 MB; split it."))
        if not form.errors:
            try:
                batch = import_responses(
                    admin=admin,
                    agency=agency,
                    service=service,
                    unit=unit,
                    default_date=data["answered_on"],
                    file_name=upload.name,
                    content=upload.read(),
                )
            except InvalidFile as invalid:
                if invalid.duplicate_of is not None:
                    earlier = invalid.duplicate_of
                    form.add_error(
                        "file",
                        _("This file was imported already, on %(date)s (%(rows)d responses).")
                        % {
                            "date": timezone.localtime(earlier.created_at).strftime("%Y-%m-%d"),
                            "rows": earlier.rows,
                        },
                    )
                problems = [{"message": describe(problem)} for problem in invalid.problems]
            except SurveyError as error:
                add_errors(form, error)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d response imported.",
                        "%(count)d responses imported.",
                        batch.rows,
                    )
                    % {"count": batch.rows},
                )
                return redirect("surveys_office:index")
    bad = bool(form.errors or problems)
    return render(
        request,
        "surveys/office/import.html",
        {"form": form, "problems": problems},
        status=400 if bad else 200,
    )


def add_errors(form: forms.Form, error: SurveyError) -> None:
    for name, found in (error.fields or {"": [error.message]}).items():
        for problem in found:
            form.add_error(name if name in form.fields else None, problem)


def resolve_scope(form: ImportForm, agency: Agency) -> tuple[Service | None, Unit | None]:
    """The service and unit named by code, or errors on the form."""
    data = form.cleaned_data
    service = unit = None
    if data["service"]:
        service = next((s for s in services_of(agency) if s.code == data["service"]), None)
        if service is None:
            form.add_error("service", _("The agency has no service with this code."))
    if data["unit"]:
        unit = Unit.objects.filter(agency=agency, code=data["unit"]).first()
        if unit is None:
            form.add_error("unit", _("The agency has no unit with this code."))
    return service, unit


class ReportFilter(forms.Form):
    instansi = forms.ChoiceField(label=gettext_lazy("Agency"))
    unit = forms.ChoiceField(label=gettext_lazy("Unit"), required=False)
    layanan = forms.ChoiceField(label=gettext_lazy("Service"), required=False)
    dari = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        error_messages={"invalid": gettext_lazy("Enter a date like 2026-01-01.")},
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    sampai = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        error_messages={"invalid": gettext_lazy("Enter a date like 2026-12-31.")},
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    populasi = forms.IntegerField(
        label=gettext_lazy("Citizens served in the period"),
        required=False,
        min_value=0,
        help_text=gettext_lazy(
            "Leave empty to use the applications that ended in the period; give the number "
            "when citizens were also served outside Layanan."
        ),
    )

    def __init__(self, data: Any, *, agencies: list[Agency]) -> None:
        super().__init__(data)
        self.agencies = {a.code: a for a in agencies}
        self.fields["instansi"].choices = [(a.code, a.name) for a in agencies]  # type: ignore[attr-defined]
        chosen = self.agencies.get(self.data.get("instansi", "")) or agencies[0]
        self.units = {u.code: u for u in Unit.objects.filter(agency=chosen).order_by("name")}
        self.services = {s.code: s for s in services_of(chosen)}
        self.fields["unit"].choices = [  # type: ignore[attr-defined]
            ("", _("All units")),
            *((code, u.name) for code, u in self.units.items()),
        ]
        self.fields["layanan"].choices = [  # type: ignore[attr-defined]
            ("", _("All services")),
            *((code, s.display_name) for code, s in self.services.items()),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("dari"), data.get("sampai")
        if start and end and start > end:
            self.add_error("sampai", _("The end of the period is before its start."))
        return data


def report_scope(request: HttpRequest) -> tuple[ReportFilter, dict[str, Any]]:
    agencies = access.report_agencies(user_of(request))
    query = request.GET.copy()
    query.setdefault("instansi", agencies[0].code)
    form = ReportFilter(query, agencies=agencies)
    today = timezone.localdate()
    scope: dict[str, Any] = {
        "agency": agencies[0],
        "service": None,
        "unit": None,
        "start": dt.date(today.year, 1, 1),
        "end": today,
        "population": None,
    }
    if form.is_valid():
        data = form.cleaned_data
        scope.update(
            agency=form.agencies[data["instansi"]],
            unit=form.units.get(data["unit"]),
            service=form.services.get(data["layanan"]),
            start=data["dari"] or scope["start"],
            end=data["sampai"] or scope["end"],
            population=data["populasi"],
        )
    return form, scope


@officer_required
def report(request: HttpRequest) -> HttpResponse:
    form, scope = report_scope(request)
    summary = reports.ikm_summary(**scope)
    responses = reports.responses_in(
        agency=scope["agency"],
        service=scope["service"],
        unit=scope["unit"],
        start=scope["start"],
        end=scope["end"],
    )
    suggestions = Paginator(
        responses.exclude(suggestion="")
        .order_by("-answered_on", "-pk")
        .values_list("answered_on", "suggestion"),
        20,
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "surveys/office/report.html",
        {
            "form": form,
            "scope": scope,
            "summary": summary,
            "rows": reports.unsur_rows(summary),
            "breakdown": reports.breakdown(responses) if summary["respondents"] else {},
            "page_obj": suggestions,
            "query": query.urlencode(),
            "method": reports.method_note(),
            "channels": Response.Channel,
        },
        status=400 if form.errors else 200,
    )


@officer_required
def report_csv(request: HttpRequest) -> HttpResponse:
    _form, scope = report_scope(request)
    summary = reports.ikm_summary(**scope)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ikm.csv"'
    writer = csv.writer(response)
    writer.writerow(["measure", "unsur", "value"])
    scope.pop("population")
    writer.writerows(reports.csv_rows(summary, **scope))
    return response
