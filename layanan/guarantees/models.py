"""Deadlines being watched, the breaches found, and what the charter's guarantee owes.

Alarms are planned from the event log (a step started, a due date moved): one row per
threshold (due soon, late, very late, and the application's own limit). The sweep fires the
alarms whose time has come with an index range scan, so its cost follows the number of newly
due items, not the number of open applications. A Breach is unique per (application, step,
level, due date) and each alarm is claimed with a conditional update, so two sweeps at once,
or a sweep restarted halfway, record every breach exactly once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from layanan.agencies.models import Agency
from layanan.cases.models import Application
from layanan.charters.models import Service
from layanan.lib.money import rupiah


class Level(models.TextChoices):
    DUE_SOON = "due_soon", _("Due soon")
    LATE = "late", _("Late")
    VERY_LATE = "very_late", _("Very late")


class Alarm(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    step_key = models.CharField(max_length=60, blank=True)  # "" for the application itself
    level = models.CharField(max_length=10, choices=Level.choices)
    due_at = models.DateTimeField()  # the due date the alarm was planned for
    fire_at = models.DateTimeField()
    fired = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "step_key", "level", "due_at"], name="guarantees_alarm_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["fire_at"], condition=models.Q(fired=False), name="guarantees_alarm_due"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id}/{self.step_key or '*'} {self.level} at {self.fire_at}"


class Breach(models.Model):
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="breaches",
    )
    step_key = models.CharField(_("step"), max_length=60, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField(_("due"))
    detected_at = models.DateTimeField(_("detected"))
    working_minutes_late = models.PositiveIntegerField(_("working minutes late"), default=0)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("why withdrawn"), blank=True)

    class Meta:
        verbose_name = _("breach")
        verbose_name_plural = _("breaches")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "step_key", "level", "due_at"], name="guarantees_breach_once"
            )
        ]
        indexes = [
            models.Index(fields=["agency", "detected_at"]),
            models.Index(fields=["level", "detected_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.application} {self.step_key or '*'} {self.level}"


class Compensation(models.Model):
    class Status(models.TextChoices):
        OWED = "owed", _("Owed")
        PAID = "paid", _("Paid")
        WITHDRAWN = "withdrawn", _("Withdrawn with its breach")

    application = models.OneToOneField(
        Application,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="compensation",
    )
    breach = models.ForeignKey(
        Breach, verbose_name=_("breach"), on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20)
    amount = models.PositiveIntegerField(_("amount (rupiah)"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OWED
    )
    owed_at = models.DateTimeField(_("owed since"))
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("paid by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("compensation")
        verbose_name_plural = _("compensations")
        indexes = [models.Index(fields=["status", "owed_at"])]

    def __str__(self) -> str:
        return f"{self.application} {rupiah(self.amount)} {self.status}"
