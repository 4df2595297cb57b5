"""Bills (tagihan, SKRD for a regional levy), the payments that settle them, and the payments
refused for a wrong amount, which the treasurer looks into.

`actions.py` is the only writer. A bill's amount is computed from the charter (fee, answers,
assessment) when it is issued and never changes; renewing an expired bill issues a new one
with a new code and the same computation. Every row carries the agency that is paid.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from layanan.agencies.models import Agency
from layanan.cases.models import Application


class Bill(models.Model):
    class Status(models.TextChoices):
        UNPAID = "unpaid", _("Unpaid")
        PAID = "paid", _("Paid")
        EXPIRED = "expired", _("Expired")  # stored once renewed; shown as soon as it is past
        WAIVED = "waived", _("Waived")
        REFUNDED = "refunded", _("Refunded")

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="bills"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency paid"), on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(_("payment code"), max_length=20, unique=True)
    amount = models.PositiveBigIntegerField(_("amount (Rp)"))
    legal_basis = models.TextField(_("legal basis"))
    # how the amount was computed: the fee kind, and the quantity or the assessment it used
    computation = models.JSONField(_("computation"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.UNPAID
    )
    issued_at = models.DateTimeField(_("issued"))
    expires_at = models.DateTimeField(_("payable until"))
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    # the payment gateway's invoice for this bill, once the applicant chose to pay online
    gateway_invoice_id = models.CharField(max_length=100, blank=True)
    gateway_url = models.URLField(max_length=500, blank=True)
    renews = models.OneToOneField(
        "self",
        verbose_name=_("renews"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewed_by",
    )

    class Meta:
        verbose_name = _("bill")
        verbose_name_plural = _("bills")
        constraints = [
            # one bill per payment awaited: the reader of the event log may run twice
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(status="unpaid"),
                name="payments_one_open_bill",
            ),
        ]
        indexes = [
            models.Index(fields=["application", "-issued_at"]),
            models.Index(fields=["agency", "status", "issued_at"]),
        ]

    def __str__(self) -> str:
        return self.code

    def shown_status(self, at: dt.datetime) -> str:
        """unpaid / paid / expired / waived / refunded: an unpaid bill past its date is expired
        (it cannot be paid; the applicant renews it)."""
        if self.status == self.Status.UNPAID and at >= self.expires_at:
            return self.Status.EXPIRED.value
        return str(self.status)


class Payment(models.Model):
    class Method(models.TextChoices):
        CASH = "tunai", _("Cash")
        TRANSFER = "transfer", _("Bank transfer")
        GATEWAY = "gateway", _("Online (payment gateway)")

    bill = models.OneToOneField(
        Bill, verbose_name=_("bill"), on_delete=models.PROTECT, related_name="payment"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency paid"), on_delete=models.PROTECT, related_name="+"
    )
    amount = models.PositiveBigIntegerField(_("amount (Rp)"))
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    reference = models.CharField(_("reference"), max_length=100)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"))
    receipt_number = models.CharField(_("receipt number"), max_length=30, unique=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        indexes = [models.Index(fields=["agency", "recorded_at"])]

    def __str__(self) -> str:
        return self.receipt_number


class AmountFlag(models.Model):
    """A payment offered with an amount other than the bill's: refused, nothing paid, and
    listed for the treasurer (a mistake, or someone asking for more than the charter)."""

    bill = models.ForeignKey(
        Bill, verbose_name=_("bill"), on_delete=models.PROTECT, related_name="flags"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency paid"), on_delete=models.PROTECT, related_name="+"
    )
    amount = models.BigIntegerField(_("amount offered (Rp)"))
    method = models.CharField(_("method"), max_length=10)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("wrong amount")
        verbose_name_plural = _("wrong amounts")
        indexes = [models.Index(fields=["agency", "at"])]

    def __str__(self) -> str:
        return f"{self.bill.code}: {self.amount}"


class StatementLine(models.Model):
    """One line of a bank statement (mutasi rekening) the treasurer imported: matched to a
    payment by the payment code in its description and its exact amount, or kept unmatched
    with the reason. The same line imported twice is this one row (`line_hash`)."""

    class Problem(models.TextChoices):
        NONE = "", _("Matched")
        NO_CODE = "no_code", _("No payment code in the description")
        UNKNOWN_CODE = "unknown_code", _("No bill of this agency has this payment code")
        WRONG_AMOUNT = "wrong_amount", _("The amount is not the bill's")
        NOT_PAYABLE = "not_payable", _("The bill cannot be paid (paid already, or expired)")

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency paid"), on_delete=models.PROTECT, related_name="+"
    )
    line_hash = models.CharField(max_length=64)
    booked_on = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=300)
    amount = models.BigIntegerField(_("amount (Rp)"))
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    payment = models.ForeignKey(
        Payment,
        verbose_name=_("payment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    problem = models.CharField(
        _("problem"), max_length=20, choices=Problem.choices, blank=True, default=""
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported"))

    class Meta:
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "line_hash"], name="payments_statement_line_once"
            )
        ]
        indexes = [models.Index(fields=["agency", "problem", "-imported_at"])]

    def __str__(self) -> str:
        return f"{self.booked_on} {self.amount} {self.description[:40]}"
