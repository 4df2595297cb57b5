"""The bill and the receipt on the applicant's side, and the treasurer's payment form."""

from __future__ import annotations

import json
import logging

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from layanan.accounts.current import user_of
from layanan.cases import access as case_access
from layanan.cases.models import Application
from layanan.payments import access, actions, gateway
from layanan.payments.models import Bill
from layanan.payments.pdf import bill_pdf, receipt_pdf
from layanan.payments.presenters import BillView, bill_view, latest_bill
from layanan.payments.statement import read_amount

logger = logging.getLogger("layanan.payments")


def application_with_bill(request: HttpRequest, number: str) -> tuple[Application, BillView]:
    """The applicant, an officer of an involved unit or a treasurer of the agency; 404 when
    none of them, or when there is no bill."""
    user = user_of(request)
    try:
        application, _is_applicant = case_access.get_application_for_viewer(user, number)
    except Http404:
        application = access.get_application_for_treasurer(user, number)
    bill = latest_bill(application)
    if bill is None:
        raise Http404("no bill")
    return application, bill_view(bill)


def pdf_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def bill(request: HttpRequest, number: str) -> HttpResponse:
    application, view = application_with_bill(request, number)
    return render(
        request,
        "payments/bill.html",
        {
            "application": application,
            "view": view,
            "own": application.applicant_id == request.user.pk,
            "online": gateway.enabled(),
        },
    )


@login_required
def bill_as_pdf(request: HttpRequest, number: str) -> HttpResponse:
    _application, view = application_with_bill(request, number)
    return pdf_response(bill_pdf(view), f"tagihan-{view.bill.code}.pdf")


@login_required
@require_POST
def renew(request: HttpRequest, number: str) -> HttpResponse:
    application = case_access.get_application_for_applicant(user_of(request), number)
    try:
        actions.renew_bill(application=application, citizen=user_of(request))
    except actions.PaymentError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("A new bill was issued; pay it before the date shown."))
    return redirect("payments:bill", number=application.number)


@login_required
@require_POST
def pay_online(request: HttpRequest, number: str) -> HttpResponse:
    """The applicant goes to the payment gateway's page for the bill."""
    application = case_access.get_application_for_applicant(user_of(request), number)
    bill = latest_bill(application)
    if bill is None or not gateway.enabled():
        raise Http404("no online payment")
    back = request.build_absolute_uri(reverse("cases:detail", args=[application.number]))
    try:
        return redirect(gateway.create_invoice(bill, return_url=back))
    except actions.PaymentError as error:
        messages.error(request, error.message)
        return redirect("payments:bill", number=application.number)


@csrf_exempt
@require_POST
def gateway_notification(request: HttpRequest) -> HttpResponse:
    """Xendit's invoice callback: authenticated by its `x-callback-token` header."""
    if not gateway.token_is_valid(request.headers.get("x-callback-token")):
        return JsonResponse({"error": "invalid callback token"}, status=403)
    try:
        notification = json.loads(request.body)
        if not isinstance(notification, dict):
            raise ValueError("not an object")
    except ValueError:
        return JsonResponse({"error": "invalid JSON"}, status=400)
    try:
        payment = gateway.handle_callback(notification)
    except Bill.DoesNotExist:
        return JsonResponse({"error": "unknown invoice"}, status=404)
    except actions.WrongAmount:
        # kept for the treasurer; sending it again would not change the amount
        return JsonResponse({"status": "refused: not the bill's amount"})
    except actions.PaymentError as error:
        logger.warning("gateway payment not applied: %s %s", notification.get("id"), error.code)
        return JsonResponse({"status": f"not applied: {error.code}"})
    return JsonResponse({"status": "recorded" if payment else "ignored"})


def application_with_receipt(request: HttpRequest, number: str) -> tuple[Application, BillView]:
    application, view = application_with_bill(request, number)
    if view.payment is None:
        raise Http404("not paid")
    return application, view


@login_required
def receipt(request: HttpRequest, number: str) -> HttpResponse:
    application, view = application_with_receipt(request, number)
    return render(request, "payments/receipt.html", {"application": application, "view": view})


@login_required
def receipt_as_pdf(request: HttpRequest, number: str) -> HttpResponse:
    _application, view = application_with_receipt(request, number)
    assert view.payment is not None
    return pdf_response(receipt_pdf(view), f"bukti-bayar-{view.payment.receipt_number}.pdf")


class PaymentForm(forms.Form):
    use_required_attribute = False
    amount = forms.CharField(
        label=gettext_lazy("Amount received, in rupiah"),
        max_length=15,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-10"}),
        error_messages={"required": gettext_lazy("Enter the amount received")},
    )
    method = forms.ChoiceField(
        label=gettext_lazy("Paid by"),
        # what a treasurer receives at the desk; the gateway records its own payments
        choices=[(m.value, m.label) for m in actions.COUNTER_METHODS],
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose cash (tunai) or bank transfer")},
    )
    reference = forms.CharField(
        label=gettext_lazy("Reference"),
        help_text=gettext_lazy("The cash receipt book number, or the bank transfer's reference."),
        max_length=100,
        error_messages={"required": gettext_lazy("Enter the reference")},
    )

    def clean_amount(self) -> str:
        """The amount as written on the bill is accepted too: "Rp85.000", "85.000"."""
        written = self.cleaned_data["amount"]
        amount = read_amount(written)
        return str(amount) if amount is not None else written


@login_required
def record(request: HttpRequest, number: str) -> HttpResponse:
    """The treasurer records a payment of an application's bill."""
    user = user_of(request)
    application = access.get_application_for_treasurer(user, number)
    bill = latest_bill(application)
    form = PaymentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                payment, _created = actions.record_payment(
                    application=application,
                    officer=user,
                    amount=form.cleaned_data["amount"],
                    method=form.cleaned_data["method"],
                    reference=form.cleaned_data["reference"],
                )
            except actions.PaymentError as error:
                for field, problems in error.fields.items():
                    for problem in problems:
                        form.add_error(field if field in form.fields else None, problem)
                if not error.fields:
                    form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(
                    request,
                    _("Payment recorded: receipt %(receipt)s.")
                    % {"receipt": payment.receipt_number},
                )
                return redirect("payments:receipt", number=application.number)
        bill = latest_bill(application)
    return render(
        request,
        "payments/record.html",
        {
            "application": application,
            "view": bill_view(bill) if bill else None,
            "form": form,
            "error_forms": [form] if form.errors else [],
        },
        status=status,
    )
