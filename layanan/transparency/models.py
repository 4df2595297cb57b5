"""Rollups: the public statistics, kept up to date from the event logs by the worker.

One row per (scope, month, agency, service). The worker (`rollups.run`) reads the events of
applications and complaints that it has not handled yet and adds what they change to the rows
of three scopes at once: the service (the finest grain, which the guarantee register reads),
its agency, and the whole government. A page therefore reads a handful of rows (one per month
of the period) whatever the number of applications.

`agency_pk` and `service_pk` are plain numbers rather than foreign keys so that "all" (0) can
be part of the unique key on every database; 0 as `service_pk` at the service scope holds the
complaints that are about no particular service. Months are "YYYY-MM" in the site's time zone
(settings.TIME_ZONE), as the register has always grouped them.
"""

from __future__ import annotations

from django.db import models


class Scope(models.TextChoices):
    SERVICE = "service"
    AGENCY = "agency"
    ALL = "all"


# The counters a change can add to (the histograms are kept apart: they merge, not add).
COUNTERS = (
    "received",
    "received_online",
    "received_counter",
    "received_api",
    "still_open",
    "completed",
    "rejected",
    "deemed_approved",
    "withdrawn",
    "on_time",
    "late",
    "breaches_late",
    "breaches_very_late",
    "compensations_owed",
    "amount_owed",
    "compensations_paid",
    "amount_paid",
    "complaints_received",
    "complaints_resolved",
    "complaint_deadlines_missed",
)
HISTOGRAMS = ("completion_days", "resolution_days")


class Rollup(models.Model):
    scope = models.CharField(max_length=7, choices=Scope.choices)
    month = models.CharField(max_length=7)  # "2026-11", local time
    agency_pk = models.PositiveIntegerField(default=0)
    service_pk = models.PositiveIntegerField(default=0)

    # Applications, by the month they were submitted ...
    received = models.IntegerField(default=0)
    received_online = models.IntegerField(default=0)
    received_counter = models.IntegerField(default=0)
    received_api = models.IntegerField(default=0)
    still_open = models.IntegerField(default=0)  # of those received, not ended yet
    # ... and by the month they ended.
    completed = models.IntegerField(default=0)
    rejected = models.IntegerField(default=0)
    deemed_approved = models.IntegerField(default=0)
    withdrawn = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)  # decided (completed, rejected) by the due date
    late = models.IntegerField(default=0)  # decided after it, or granted by law
    # Working days from the file complete to completion: {"3": 12, "4": 7, ...}.
    completion_days = models.JSONField(default=dict)

    # Guarantees, by the month the breach was detected / the compensation became owed.
    breaches_late = models.IntegerField(default=0)
    breaches_very_late = models.IntegerField(default=0)
    compensations_owed = models.IntegerField(default=0)
    # Owed amounts without per-day compensations still owed: those grow or settle without an
    # event, so the register adds them from their own (few) rows.
    amount_owed = models.BigIntegerField(default=0)
    compensations_paid = models.IntegerField(default=0)
    amount_paid = models.BigIntegerField(default=0)

    # Complaints, by the month received / resolved / the legal limit was missed.
    complaints_received = models.IntegerField(default=0)
    complaints_resolved = models.IntegerField(default=0)
    resolution_days = models.JSONField(default=dict)  # days from received to resolved
    complaint_deadlines_missed = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "month", "agency_pk", "service_pk"], name="transparency_cell"
            )
        ]
        indexes = [models.Index(fields=["scope", "agency_pk", "service_pk", "month"])]

    def __str__(self) -> str:
        return f"{self.scope} {self.month} {self.agency_pk}/{self.service_pk}"
