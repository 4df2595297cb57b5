"""The bill and the receipt (bukti pembayaran) as PDF, with fpdf2 (pure Python).

Core fonts only (Latin-1): names and texts outside it are written with a replacement, so that
a PDF is always produced; the HTML page shows them exactly."""

from __future__ import annotations

from django.utils.translation import gettext as _
from fpdf import FPDF

from layanan.payments.presenters import BillView


def latin(text: str) -> str:
    return (
        str(text)
        .replace("“", '"')
        .replace("”", '"')
        .replace("–", "-")
        .replace("—", "-")
        .replace("²", "2")
        .encode("latin-1", "replace")
        .decode("latin-1")
    )


def document(title: str, rows: list[tuple[str, str]], footer: str) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(latin(title))
    pdf.set_creator("Layanan")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 9, latin(title), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for label, value in rows:
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(55, 7, latin(label))
        pdf.set_font("Helvetica", "", 10)
        pdf.multi_cell(0, 7, latin(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(0, 5, latin(footer), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def bill_rows(view: BillView) -> list[tuple[str, str]]:
    application = view.bill.application
    return [
        (_("Payment code"), view.bill.code),
        (_("Amount"), view.amount),
        (_("Application"), view.number),
        (_("Service"), application.service.display_name),
        (_("Agency paid"), view.bill.agency.name),
        (_("Legal basis"), view.bill.legal_basis),
        (_("Computed"), view.how),
        (_("Issued"), view.issued),
        (_("Payable until"), view.expires),
    ]


def receipt_pdf(view: BillView) -> bytes:
    assert view.payment is not None
    payment = view.payment
    rows = [
        (_("Receipt number"), payment.receipt_number),
        *bill_rows(view)[:6],
        (_("Paid on"), view.paid),
        (_("Method"), payment.get_method_display()),
        (_("Reference"), payment.reference),
    ]
    return document(
        _("Proof of payment (bukti pembayaran)"),
        rows,
        _("This is the only lawful charge for this service; nothing else may be asked."),
    )


def bill_pdf(view: BillView) -> bytes:
    return document(
        _("Bill (tagihan)"),
        [(_("Status"), view.status_label), *bill_rows(view)],
        _(
            "Pay exactly this amount, with the payment code, to the treasurer of the agency or "
            "by bank transfer. Nobody may ask for more."
        ),
    )
