"""The treasurer's page: one agency's open bills, the payments of a day (also as CSV for the
regional finance system), the wrong amounts refused, and bank statement imports with the
lines that did not match."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from layanan.accounts.current import user_of
from layanan.agencies.models import Agency
from layanan.cases.models import Application, Event
from layanan.charters.presenters import local
from layanan.payments import access
from layanan.payments.models import AmountFlag, Bill, Payment, StatementLine
from layanan.payments.statement import import_statement

LISTED = 50  # the newest rows of each list; the CSV has the whole day


def treasury_agencies(request: HttpRequest) -> list[Agency]:
    agencies = list(
        Agency.objects.filter(pk__in=access.treasurer_agency_ids(user_of(request))).order_by("name")
    )
    if not agencies:
        raise PermissionDenied(_("This page is for treasurers."))
    return agencies


def chosen(request: HttpRequest, agencies: list[Agency]) -> tuple[Agency, dt.date]:
    code = request.GET.get("instansi") or request.POST.get("instansi") or ""
    agency = next((a for a in agencies if a.code == code), agencies[0])
    zone = ZoneInfo(agency.time_zone)
    try:
        day = dt.date.fromisoformat(request.GET.get("tanggal") or "")
    except ValueError:
        day = timezone.localdate(timezone=zone)
    return agency, day


def day_bounds(agency: Agency, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = ZoneInfo(agency.time_zone)
    start = dt.datetime.combine(day, dt.time(), tzinfo=zone)
    return start, start + dt.timedelta(days=1)


def payments_of_day(agency: Agency, day: dt.date) -> list[Payment]:
    start, end = day_bounds(agency, day)
    return list(
        Payment.objects.filter(agency=agency, recorded_at__gte=start, recorded_at__lt=end)
        .select_related("bill__application__service", "recorded_by")
        .order_by("recorded_at", "pk")
    )


@dataclass(frozen=True)
class RefundOrder:
    """A refund or compensation a service guarantee owes an applicant, as the treasurer sees
    it (read from the application's `compensation_*` events, not from `guarantees`)."""

    application: Application
    kind: str
    amount: int
    owed_at: dt.datetime
    guarantee: str  # the charter's guarantee statement, in the page's language


COMPENSATION_KINDS = ("compensation_owed", "compensation_paid", "compensation_withdrawn")


def refund_orders(agency: Agency) -> list[RefundOrder]:
    """Owed compensations of the agency's applications, oldest first: an application whose
    latest `compensation_*` event is `compensation_owed`. A waiver is an order only once the
    fee was paid (otherwise the bill is waived and nothing is paid out)."""
    latest: dict[int, Event] = {}
    for event in (
        Event.objects.filter(application__agency=agency, kind__in=COMPENSATION_KINDS)
        .select_related("application__service", "application__applicant", "application__charter")
        .order_by("at", "pk")
    ):
        latest[event.application_id] = event
    owed = [e for e in latest.values() if e.kind == "compensation_owed"]
    paid_fee = set(
        Bill.objects.filter(
            application_id__in=[e.application_id for e in owed], status=Bill.Status.PAID
        ).values_list("application_id", flat=True)
    )
    return [
        RefundOrder(
            e.application,
            e.data.get("kind", ""),
            int(e.data.get("amount", 0)),
            e.at,
            local(e.application.charter.guarantee.get("statement")),
        )
        for e in owed
        if e.data.get("kind") != "waiver" or e.application_id in paid_fee
    ][:LISTED]


def refunds_of_day(agency: Agency, day: dt.date) -> list[Event]:
    """Refunds and compensations paid out on a day (not the waivers settled by not charging)."""
    start, end = day_bounds(agency, day)
    return [
        event
        for event in Event.objects.filter(
            application__agency=agency, kind="compensation_paid", at__gte=start, at__lt=end
        )
        .select_related("application__service", "application__charter", "actor")
        .order_by("at", "pk")
        if not event.data.get("waived")
    ]


class StatementForm(forms.Form):
    use_required_attribute = False
    file = forms.FileField(
        label=gettext_lazy("Bank statement (CSV)"),
        help_text=gettext_lazy(
            "Columns tanggal, keterangan, jumlah and optionally referensi; the payer writes "
            "the payment code in the description."
        ),
        error_messages={
            "required": gettext_lazy("Choose the CSV file."),
            "empty": gettext_lazy("The file is empty."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


@login_required
def treasury(request: HttpRequest) -> HttpResponse:
    return render_treasury(request)


def render_treasury(
    request: HttpRequest, form: StatementForm | None = None, status: int = 200
) -> HttpResponse:
    agencies = treasury_agencies(request)
    agency, day = chosen(request, agencies)
    zone = agency.time_zone
    return render(
        request,
        "payments/treasury.html",
        {
            "agencies": agencies,
            "agency": agency,
            "day": day,
            "zone": zone,
            "open_bills": Bill.objects.filter(agency=agency, status=Bill.Status.UNPAID)
            .select_related("application")
            .order_by("-issued_at")[:LISTED],
            "payments": payments_of_day(agency, day),
            "refund_orders": refund_orders(agency),
            "refunds": refunds_of_day(agency, day),
            "flags": AmountFlag.objects.filter(agency=agency)
            .select_related("bill__application", "recorded_by")
            .order_by("-at")[:LISTED],
            "unmatched": StatementLine.objects.filter(agency=agency)
            .exclude(problem="")
            .order_by("-imported_at")[:LISTED],
            "form": form or StatementForm(),
            "error_forms": [form] if form is not None and form.errors else [],
            "now": timezone.now(),
        },
        status=status,
    )


@login_required
def treasury_csv(request: HttpRequest) -> HttpResponse:
    """The payments recorded on a day, for the regional finance system, then the refunds and
    compensations paid out that day: `jenis` says which (pembayaran / kompensasi) and a
    payout's `jumlah` is negative."""
    agencies = treasury_agencies(request)
    agency, day = chosen(request, agencies)
    zone = ZoneInfo(agency.time_zone)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="pembayaran-{agency.code}-{day.isoformat()}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(
        [
            "nomor_bukti",
            "waktu",
            "nomor_permohonan",
            "layanan",
            "kode_bayar",
            "jumlah",
            "cara_bayar",
            "referensi",
            "dasar_hukum",
            "dicatat_oleh",
            "jenis",
        ]
    )
    for payment in payments_of_day(agency, day):
        bill = payment.bill
        writer.writerow(
            [
                payment.receipt_number,
                payment.recorded_at.astimezone(zone).isoformat(timespec="seconds"),
                bill.application.number,
                bill.application.service.code,
                bill.code,
                payment.amount,
                payment.method,
                payment.reference,
                bill.legal_basis,
                payment.recorded_by.username if payment.recorded_by else "",
                "pembayaran",
            ]
        )
    for event in refunds_of_day(agency, day):
        application = event.application
        writer.writerow(
            [
                "",
                event.at.astimezone(zone).isoformat(timespec="seconds"),
                application.number,
                application.service.code,
                "",
                -int(event.data.get("amount", 0)),
                event.data.get("method", ""),
                event.data.get("reference", ""),
                local(application.charter.guarantee.get("statement")),
                event.actor.username if event.actor else "",
                "kompensasi",
            ]
        )
    return response


@login_required
@require_POST
def statement_import(request: HttpRequest) -> HttpResponse:
    agencies = treasury_agencies(request)
    agency, _day = chosen(request, agencies)
    form = StatementForm(request.POST, request.FILES)
    if not form.is_valid():
        return render_treasury(request, form=form, status=400)
    upload = form.cleaned_data["file"]
    try:
        text = upload.read(2 * 1024 * 1024 + 1).decode("utf-8-sig")
    except UnicodeDecodeError:
        form.add_error("file", _("The file is not UTF-8 text."))
        return render_treasury(request, form=form, status=400)
    result, problems = import_statement(agency=agency, treasurer=user_of(request), text=text)
    if problems and not (result.matched or result.unmatched or result.already):
        for problem in problems:
            form.add_error("file", problem)
        return render_treasury(request, form=form, status=400)
    messages.success(
        request,
        _(
            "Statement imported: %(matched)d paid, %(unmatched)d not matched, %(already)d "
            "imported before."
        )
        % {"matched": result.matched, "unmatched": result.unmatched, "already": result.already},
    )
    for problem in problems:
        messages.warning(request, problem)
    return redirect(f"{reverse('payments:treasury')}?instansi={agency.code}")
