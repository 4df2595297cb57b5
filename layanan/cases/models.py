"""Applications, their steps, their documents and their event log.

The workflow state lives in columns that mirror `cases.engine.CaseState` and `StepState`;
`actions.py` is the only writer. Due dates are stored when computed, never recomputed on read.
Every table carries the owning agency (directly or through the application) so that it can be
partitioned by agency later.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db import models
from django.utils.translation import gettext_lazy as _

from layanan.agencies.models import Agency, Unit
from layanan.cases import engine
from layanan.charters.models import Charter, Service


# The statuses are the engine's (`cases.engine.Status`, `StepStatus`); here they only get their
# labels. A value the engine does not know cannot be written (test_models checks both ways).
class Status(models.TextChoices):
    DRAFT = engine.Status.DRAFT.value, _("Draft")
    SUBMITTED = engine.Status.SUBMITTED.value, _("Submitted")
    IN_PROGRESS = engine.Status.IN_PROGRESS.value, _("Being processed")
    RETURNED = engine.Status.RETURNED.value, _("Returned for correction")
    COMPLETED = engine.Status.COMPLETED.value, _("Completed")
    REJECTED = engine.Status.REJECTED.value, _("Rejected")
    WITHDRAWN = engine.Status.WITHDRAWN.value, _("Withdrawn")
    DEEMED_APPROVED = engine.Status.DEEMED_APPROVED.value, _("Granted by law (deemed approved)")
    AWAITING_PAYMENT = engine.Status.AWAITING_PAYMENT.value, _("Awaiting payment")


OPEN_STATUSES = (Status.SUBMITTED, Status.IN_PROGRESS, Status.RETURNED, Status.AWAITING_PAYMENT)
ENDED_STATUSES = tuple(Status(status.value) for status in sorted(engine.TERMINAL))
# While the citizen may change answers and documents: before submission, and when returned.
EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED)


class StepState(models.TextChoices):
    PENDING = engine.StepStatus.PENDING.value, _("Waiting")
    ACTIVE = engine.StepStatus.ACTIVE.value, _("In progress")
    APPROVED = engine.StepStatus.APPROVED.value, _("Done")
    RETURNED = engine.StepStatus.RETURNED.value, _("Returned for correction")
    REJECTED = engine.StepStatus.REJECTED.value, _("Rejected")
    SKIPPED = engine.StepStatus.SKIPPED.value, _("Not needed")


# The steps in an officer's queue: being worked on, or waiting for the citizen's correction.
QUEUED_STATES = (StepState.ACTIVE.value, StepState.RETURNED.value)


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    COUNTER = "loket", _("At the counter")
    API = "api", _("API")


class EventKind(models.TextChoices):
    """Every kind of Event written anywhere, with the label people read (never the raw kind).

    Not the `Event.kind` field's choices (a new kind needs no migration); a test scans the
    code for every kind written and checks that it is here with a label in both languages.
    """

    # the application's own life (cases.actions and the workflow engine)
    CREATED = "created", _("Draft created")
    ANSWERS_CHANGED = "answers_changed", _("Answers changed")
    DOCUMENT_ADDED = "document_added", _("Document added")
    DOCUMENT_REMOVED = "document_removed", _("Document removed")
    ITEM_RECEIVED = "item_received", _("Item received at the counter")
    ITEM_RECEIPT_CANCELLED = "item_receipt_cancelled", _("Receipt of an item cancelled")
    STANDARD_FOLLOWED = (
        "standard_followed",
        _("Draft moved to the version of the standard now in force"),
    )
    SUBMITTED = "submitted", _("Application submitted")
    STEP_STARTED = "step_started", _("Step started")
    STEP_APPROVED = "step_approved", _("Step completed")
    STAGE_COMPLETED = "stage_completed", _("Stage completed")
    FILE_COMPLETE = "file_complete", _("File declared complete: the time limit starts")
    RETURNED = "returned", _("Returned to the applicant for correction")
    RESUBMITTED = "resubmitted", _("Corrections submitted")
    DUE_EXTENDED = "due_extended", _("Due date moved later by the pause")
    REJECTED = "rejected", _("Application rejected")
    COMPLETED = "completed", _("Application completed")
    WITHDRAWN = "withdrawn", _("Application withdrawn by the applicant")
    RETURNED_TO_DRAFT = (
        "returned_to_draft",
        _("Back to draft: the applicant withdrew consent to use some of their data"),
    )
    COMMENT = "comment", _("Internal comment")
    ASSIGNED = "assigned", _("Assigned to an officer")
    DATA_VIEWED = "data_viewed", _("Personal data viewed by an officer")
    # what the charter's guarantee did (guarantees)
    REMINDER = "reminder", _("Reminder sent to the officer")
    LATE = "late", _("Late: the time limit was missed")
    VERY_LATE = "very_late", _("Very late: escalated to the head of the agency")
    ESCALATED = "escalated", _("Escalated to a supervisor")
    APOLOGY = "apology", _("Apology from the agency")
    COMPENSATION_OWED = "compensation_owed", _("Compensation owed to the applicant")
    COMPENSATION_PAID = "compensation_paid", _("Compensation paid")
    COMPENSATION_WITHDRAWN = (
        "compensation_withdrawn",
        _("Compensation withdrawn after a calendar correction"),
    )
    DEEMED_APPROVED = "deemed_approved", _("Granted by law (fiktif positif)")
    BREACH_WITHDRAWN = "breach_withdrawn", _("Delay record withdrawn after a calendar correction")
    DUE_RECOMPUTED = "due_recomputed", _("Due date recomputed after a calendar correction")
    # the product (documents)
    DOCUMENT_ISSUED = "document_issued", _("Document issued and signed electronically")
    DOCUMENT_REVOKED = "document_revoked", _("Issued document revoked")
    # the fee (cases.engine, and payments through cases.actions)
    FEE_ASSESSED = "fee_assessed", _("Fee assessed")
    PAYMENT_AWAITED = "payment_awaited", _("Waiting for the fee to be paid: the clock is paused")
    BILL_ISSUED = "bill_issued", _("Bill issued")
    BILL_RENEWED = "bill_renewed", _("Expired bill renewed")
    PAYMENT_RECEIVED = "payment_received", _("Fee paid: the clock runs again")
    FEE_WAIVED = "fee_waived", _("Fee waived under the service guarantee: the clock runs again")

    @classmethod
    def label_of(cls, kind: str) -> str:
        """The label of a kind; a kind this code does not know yet reads "Update", never raw."""
        try:
            return str(cls(kind).label)
        except ValueError:
            return str(_("Update"))


class Application(models.Model):
    number = models.CharField(_("tracking number"), max_length=16, unique=True)
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="applications"
    )
    charter = models.ForeignKey(
        Charter,
        verbose_name=_("charter version"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("lead agency"), on_delete=models.PROTECT, related_name="+"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by (front office)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    # NULL, not "", when absent: the uniqueness per applicant applies only to given keys.
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001
    # Optimistic lock: every state change bumps it with a conditional update, so that of two
    # officers acting at the same moment exactly one wins.
    revision = models.PositiveIntegerField(default=0)
    # Moves on every change of what the public sees of the application (an event, a state
    # change, a new estimate), in the transaction that makes it: a stored public snapshot
    # (PublicSnapshot) counts only while it carries the current value. A database default, so
    # rows written with plain SQL (bench data) start at 0 too.
    public_version = models.PositiveIntegerField(default=0, db_default=0)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    clock_started_at = models.DateTimeField(_("clock started"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    paused_at = models.DateTimeField(_("paused since"), null=True, blank=True)
    paused_minutes = models.PositiveIntegerField(_("working minutes paused"), default=0)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    # An estimate, not a promise (the promise is `due_at`): written by the `transparency`
    # worker through `actions.record_expected_completion`, from the recent throughput of
    # the steps still to run; `expected_completion_basis` says how (see transparency.forecast).
    expected_completion_at = models.DateTimeField(_("expected completion"), null=True, blank=True)
    expected_completion_basis = models.JSONField(default=dict, blank=True)

    # Not a column: the steps as the action that returned this object just read and wrote
    # them (with their units and agencies), so that the answer to the same request lists them
    # without reading them again (cases.actions.store and create_application set it).
    steps_written: list[Step] | None = None

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="cases_application_idempotency",
            )
        ]
        indexes = [
            models.Index(fields=["applicant", "-created_at"]),
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["agency", "status"]),
            # a service's applications late right now (the dashboard's service page)
            models.Index(fields=["service", "status", "due_at"]),
            # the first month of open data (transparency.opendata.published_months)
            models.Index(fields=["submitted_at"]),
            # an officer's list, newest first (cases.api.list_applications): read in order
            # and stopped after a page, whatever the number of applications
            models.Index(fields=["created_at", "id"], name="cases_application_newest"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def has_ended(self) -> bool:
        return self.status in ENDED_STATUSES

    @property
    def is_editable_by_citizen(self) -> bool:
        """Answers and documents can change: a draft, or returned for correction."""
        return self.status in EDITABLE_STATUSES


class Step(models.Model):
    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="steps"
    )
    key = models.CharField(_("key"), max_length=60)
    stage = models.PositiveSmallIntegerField(_("stage"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=20, choices=StepState.choices, default=StepState.PENDING
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_steps",
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    paused_at = models.DateTimeField(_("paused since"), null=True, blank=True)
    note = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["stage", "position"]
        constraints = [
            models.UniqueConstraint(fields=["application", "key"], name="cases_step_unique_key")
        ]
        indexes = [
            models.Index(fields=["unit", "state", "due_at"]),
            models.Index(fields=["state", "due_at"]),
            models.Index(fields=["assignee", "state"]),
            # recent completions of one step (transparency.forecast) and of one agency's
            # steps in a period (transparency.analytics)
            models.Index(fields=["key", "state", "ended_at"]),
            models.Index(fields=["agency", "ended_at"]),
            # the officers' queue, soonest due first (cases.views_office.queue_steps): only
            # the open steps, read in order and stopped after a page
            models.Index(
                fields=["due_at", "id"],
                condition=models.Q(state__in=QUEUED_STATES),
                name="cases_step_open_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application.number}/{self.key}"

    def spec(self) -> dict[str, Any]:
        """This step as the charter version of its application describes it."""
        return self.application.charter.step_spec(self.key)


def private_storage() -> Storage:
    """Uploaded documents live outside the web root; only an access-checked view serves them.
    In object storage when settings.STORAGES has "private" (LAYANAN_S3_BUCKET), else in
    PRIVATE_FILES_ROOT, readable by the service's user only (Django's default is 0644)."""
    if "private" in settings.STORAGES:
        return storages["private"]
    return FileSystemStorage(
        location=settings.PRIVATE_FILES_ROOT,
        base_url=None,
        file_permissions_mode=0o600,
        directory_permissions_mode=0o700,
    )


# The extension a stored file gets, from its checked content (never from the given name).
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def stored_name(sha256: str, content_type: str) -> str:
    """The one name of a content in the private storage (see `cases.storage`): its SHA-256,
    with the extension of its type, in one of 256 folders."""
    return f"documents/{sha256[:2]}/{sha256}.{EXTENSIONS.get(content_type, 'bin')}"


def document_path(document: Document, filename: str) -> str:
    return stored_name(document.sha256, document.content_type)


class Document(models.Model):
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    requirement = models.CharField(_("requirement"), max_length=60)
    file = models.FileField(_("file"), storage=private_storage, upload_to=document_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    replaced = models.BooleanField(_("replaced by a newer file"), default=False)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [models.Index(fields=["application", "requirement"])]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_stored(self) -> bool:
        """False once the file was deleted (its application was withdrawn); the row stays as
        the record of what was given."""
        return bool(self.file.name)


class Event(models.Model):
    """One change to an application. Append-only and hash-chained per application.

    `hash` covers the previous row's hash and this row's content, so editing or deleting any
    row breaks every later link; `layanan audit verify` finds the first broken one.
    """

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="events"
    )
    seq = models.PositiveIntegerField(_("sequence"))
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=40)
    step = models.CharField(_("step"), max_length=60, blank=True)
    note = models.TextField(_("note"), blank=True)
    public = models.BooleanField(_("public"), default=False)
    data = models.JSONField(_("data"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["application", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["application", "seq"], name="cases_event_seq_unique")
        ]
        indexes = [models.Index(fields=["kind", "id"])]

    def __str__(self) -> str:
        return f"{self.application_id}#{self.seq} {self.kind}"

    def content_hash(self) -> str:
        """The hash this row must carry, from its content and the previous row's hash."""
        content = {
            "application": self.application_id,
            "seq": self.seq,
            "at": self.at.astimezone(dt.UTC).isoformat(),
            "actor": self.actor_id,
            "kind": self.kind,
            "step": self.step,
            "note": self.note,
            "public": self.public,
            "data": self.data,
        }
        canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256((self.prev_hash + canonical).encode()).hexdigest()


class PublicSnapshot(models.Model):
    """A public answer about an application kept ready: the tracking page as an anonymous
    visitor gets it, or the body of GET /api/v1/track/{number}, in one language.

    Built on the first read after a change (cases.snapshots) and valid only while `version`
    equals the application's `public_version`, which every change moves in its own
    transaction; `stale_after` ends it earlier where the answer depends on the time of day.
    """

    class Kind(models.TextChoices):
        PAGE = "page", _("tracking page")
        API = "api", _("tracking API")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="public_snapshots"
    )
    number = models.CharField(max_length=16)
    language = models.CharField(max_length=8)
    kind = models.CharField(max_length=4, choices=Kind.choices)
    version = models.PositiveIntegerField()
    stale_after = models.DateTimeField()
    body = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["number", "language", "kind"], name="cases_publicsnapshot_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.kind} {self.language}@{self.version}"


class EventCursor(models.Model):
    """How far a reader of the event log (notifications, guarantees) has come: the id of the
    last event it handled. Readers never change events; they only move their cursor.

    A reader of rows that change in place (`events.read_changed_rows`, e.g. the calendar
    days) keeps a timestamp in `position` and the versions it handled near it in `gaps`."""

    name = models.CharField(max_length=60, unique=True)
    position = models.BigIntegerField(default=0)
    # Ids below `position` not seen yet, with when they were first missed: on PostgreSQL an
    # id is taken before its transaction commits, so a later id can become visible first.
    gaps = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"{self.name}@{self.position}"
