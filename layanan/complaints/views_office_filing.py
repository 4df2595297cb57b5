"""Two back-office pages that are not about one complaint's handling: filing a complaint for
a citizen who comes to the counter or phones (and its receipt to print), and the SP4N-LAPOR!
exchange export of the officer's units (docs/lapor-exchange.md).

The citizen is found by the counter's own lookup (`citizens.access`: email address, mobile
number or NIK); a citizen without an account is named by the contact they give, and the
receipt carries the key with which they read the whole complaint online.
"""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from layanan.accounts.actions import record_read
from layanan.accounts.current import user_of
from layanan.accounts.models import DataAccess, User
from layanan.cases.views_office import officer_required
from layanan.citizens import access as counter_access
from layanan.citizens.presenters import qr_svg
from layanan.complaints import access, actions
from layanan.complaints.forms_office import CounterFilingForm, ExportFilter
from layanan.complaints.lapor_exchange import (
    COLUMNS,
    FORMAT_VERSION,
    complainant_identity,
    csv_rows,
    exchange_queryset,
    exchange_row,
)
from layanan.complaints.models import Category, Complaint
from layanan.complaints.reads import record_export_reads
from layanan.http_errors import error_body
from layanan.lib.nik import NikError, looks_like_nik, parse_nik
from layanan.lib.phone import try_normalise


def public_page(complaint: Complaint) -> str:
    """The complaint's own page for the complainant and the public (the citizen-facing
    pages' URL, `complaints:detail`, at /pengaduan/<number>/)."""
    try:
        return reverse("complaints:detail", args=[complaint.number])
    except NoReverseMatch:  # the citizen-facing pages are not mounted (tests of this app)
        return f"/pengaduan/{complaint.number}/"


# -- filing for a citizen -------------------------------------------------------------------------


def grouped_categories() -> list[tuple[str, list[tuple[int, str]]]]:
    """Every agency's active categories, grouped by agency: the counter takes complaints
    about any agency (a Mal Pelayanan Publik serves many)."""
    grouped: dict[str, list[tuple[int, str]]] = {}
    for category in (
        Category.objects.filter(active=True)
        .select_related("agency")
        .order_by("agency__name", "position", "name")
    ):
        grouped.setdefault(category.agency.name, []).append((category.pk, category.name))
    return list(grouped.items())


def find_account(typed: str) -> tuple[User | None, str]:
    """The one account an email address, mobile number, NIK or user name names, or (None,
    why not)."""
    text = typed.strip()
    if "@" in text:
        found = counter_access.find_citizen(text.lower())
    elif looks_like_nik(text):
        try:
            number = parse_nik(text, today=timezone.localdate()).number
        except NikError:
            return None, _("This is not a valid NIK: check the 16 digits on the KTP-el")
        matches = counter_access.citizens_with_nik(number)
        found = matches[0] if len(matches) == 1 else None
    else:
        # a mobile number written any usual way, else a user name
        found = counter_access.find_citizen(try_normalise(text) or text)
    if found is None:
        return None, _(
            "No account was found for this: leave it empty and write the citizen's name and "
            "contact below"
        )
    return found, ""


def filing_from(data: dict[str, Any], category: Category) -> actions.Filing:
    return actions.Filing(
        category=category,
        description=data["description"],
        kind=data["kind"],
        privacy=data["privacy"],
        application_number=data["application_number"],
        address=data["address"],
        happened_on=data["happened_on"],
        loss=data["loss"],
        remedy=data["remedy"],
        compensation_claimed=data["compensation_claimed"],
        contact_name=data["contact_name"],
        contact_email=data["contact_email"],
        contact_phone=data["contact_phone"],
    )


@never_cache
@login_required
def file_for_citizen(request: HttpRequest) -> HttpResponse:
    officer = user_of(request)
    counter_access.ensure_front_office(officer)
    form = CounterFilingForm(
        request.POST if request.method == "POST" else None, categories=grouped_categories()
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        complainant: User | None = None
        if data["account"]:
            complainant, problem = find_account(data["account"])
            if complainant is None:
                form.add_error("account", problem)
        elif not (data["contact_name"] and (data["contact_email"] or data["contact_phone"])):
            form.add_error(
                "contact_name",
                _(
                    "Write the citizen's name and an email address or phone number, or find "
                    "their account above"
                ),
            )
        category = Category.objects.filter(pk=data["category"], active=True).first()
        if category is None:
            form.add_error("category", _("Choose a category from the list"))
        if not form.errors and category is not None:
            try:
                complaint, _key = actions.file_complaint(
                    filing=filing_from(data, category),
                    complainant=complainant,
                    channel=data["channel"],
                    filed_by=officer,
                )
            except actions.InvalidInput as error:
                for field, problems in (error.fields or {"description": [error.message]}).items():
                    for problem in problems or [error.message]:
                        form.add_error(field if field in form.fields else None, problem)
            else:
                if complainant is not None:
                    record_read(
                        reader=officer,
                        citizen=complainant,
                        place=DataAccess.Place.COUNTER_SEARCH,
                        purpose=DataAccess.Purpose.COMPLAINT_COUNTER,
                    )
                return redirect("complaints_office:receipt", number=complaint.number)
    return render(
        request,
        "complaints/office_file.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def get_own_filing(officer: User, number: str) -> Complaint:
    """A complaint this front-office officer filed for a citizen: its receipt is theirs to
    print. Anyone else gets 404 (the citizen has their own page)."""
    canonical = access.canonical_number(number)
    complaint = (
        Complaint.objects.select_related("agency", "category", "complainant", "filed_by")
        .filter(number=canonical, filed_by_id=officer.pk)
        .exclude(complainant_id=officer.pk)
        .first()
        if canonical and counter_access.is_front_office(officer)
        else None
    )
    if complaint is None:
        raise Http404("no such complaint")
    return complaint


@never_cache
@login_required
def receipt(request: HttpRequest, number: str) -> HttpResponse:
    """The receipt (tanda terima) the filing officer prints (or reads out) for the citizen,
    with the private link that opens the whole complaint: the same key every message to the
    complainant carries (`actions.access_key_for`), so a receipt can be printed again."""
    officer = user_of(request)
    complaint = get_own_filing(officer, number)
    key = actions.access_key_for(complaint)
    follow_url = request.build_absolute_uri(f"{public_page(complaint)}?{urlencode({'kunci': key})}")
    name, email, phone = complainant_identity(complaint)
    if complaint.complainant is not None:
        record_read(
            reader=officer,
            citizen=complaint.complainant,
            place=DataAccess.Place.COUNTER_RECEIPT,
            what=complaint.number,
            purpose=DataAccess.Purpose.COMPLAINT_COUNTER,
        )
    return render(
        request,
        "complaints/office_receipt.html",
        {
            "complaint": complaint,
            "follow_url": follow_url,
            "qr": qr_svg(follow_url, title=_("QR code of the complaint's page")),
            "identity": {"name": name, "email": email, "phone": phone},
        },
    )


# -- the SP4N-LAPOR! exchange export --------------------------------------------------------------


def exported(request: HttpRequest) -> tuple[ExportFilter, QuerySet[Complaint], dt.date, dt.date]:
    form = ExportFilter(request.GET)
    today = timezone.localdate()
    first, last = today - dt.timedelta(days=ExportFilter.DEFAULT_DAYS), today
    if form.is_valid():
        first, last = form.cleaned_data["dari"], form.cleaned_data["sampai"]
    zone = timezone.get_default_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    complaints = exchange_queryset(
        access.complaints_for_officer(user_of(request))
        .filter(created_at__gte=start, created_at__lt=end)
        .order_by("created_at", "pk")
    )
    return form, complaints, first, last


def export_refused(form: ExportFilter) -> JsonResponse:
    return JsonResponse(
        error_body(
            "invalid_period",
            _("Choose a period of at most one year, with real dates."),
            {name: [str(e) for e in errors] for name, errors in form.errors.items()},
        ),
        status=400,
    )


@officer_required
def export_csv(request: HttpRequest) -> HttpResponse:
    form, complaints, first, last = exported(request)
    if form.errors:
        return export_refused(form)
    rows = [exchange_row(c) for c in complaints]
    record_export_reads(reader=user_of(request), complaints=complaints)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"pengaduan-{first:%Y%m%d}-{last:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    writer = csv.DictWriter(response, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(csv_rows(rows))
    return response


@officer_required
def export_json(request: HttpRequest) -> HttpResponse:
    form, complaints, first, last = exported(request)
    if form.errors:
        return export_refused(form)
    rows = [exchange_row(c) for c in complaints]
    record_export_reads(reader=user_of(request), complaints=complaints)
    response = JsonResponse(
        {
            "format": "layanan-lapor-exchange",
            "version": FORMAT_VERSION,
            "generated_at": timezone.now().astimezone(dt.UTC).isoformat(),
            "period": {"from": first.isoformat(), "until": last.isoformat()},
            "time_zone": settings.TIME_ZONE,
            "columns": list(COLUMNS),
            "count": len(rows),
            "complaints": rows,
        },
        json_dumps_params={"ensure_ascii": False},
    )
    response["Content-Disposition"] = (
        f'attachment; filename="pengaduan-{first:%Y%m%d}-{last:%Y%m%d}.json"'
    )
    response["Cache-Control"] = "private, no-store"
    return response
