"""Complaints (pengaduan), suggestions (aspirasi) and requests for information, their deadlines,
their event log and their attachments.

The legal rules are in REGULATION.md (UU 25/2009 Pasal 42–50, Perpres 76/2013, SP4N-LAPOR!):
verification within 3 working days, a follow-up plan within 5 working days of forwarding, a
decision at most 60 days after the file is complete, 30 days to complete an incomplete file.
Each limit is a row of `Deadline`, planned when the clock for it starts and closed when it is
met; the guarantee sweep records a missed one once. `actions.py` is the only writer.

Confidentiality (Pasal 54): the complainant's identity and contact details of an *anonim* or
*rahasia* complaint are read only through `access.py`, by the handling unit; a *rahasia*
complaint is not public at all. Public code reads `public_view` data, never these fields.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from layanan.agencies.models import Agency, Unit, code_validator
from layanan.cases.models import Application, private_storage, stored_name
from layanan.charters.models import Service

# Complaint numbers look like "PGD-7KQ4-M9TX-4C" (PGD: pengaduan), so that they are never
# taken for an application's number.
NUMBER_PREFIX = "PGD"


class Kind(models.TextChoices):
    """The LAPOR! report classes."""

    COMPLAINT = "pengaduan", _("Complaint")
    SUGGESTION = "aspirasi", _("Suggestion")
    INFORMATION = "informasi", _("Request for information")


class Privacy(models.TextChoices):
    PUBLIC = "publik", _("Public")
    ANONYMOUS = "anonim", _("Anonymous (published, your identity hidden)")
    CONFIDENTIAL = "rahasia", _("Confidential (not published at all)")


class Subject(models.TextChoices):
    """What a complaint is about."""

    SERVICE = "service", _("A service")
    APPLICATION = "application", _("An application")
    CONDUCT = "conduct", _("An officer's conduct")
    ILLEGAL_LEVY = "pungli", _("An illegal levy (pungutan liar)")
    GENERAL = "general", _("Something else")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    INCOMPLETE = "incomplete", _("Waiting for the complainant to complete it")
    VERIFIED = "verified", _("Verified")
    FORWARDED = "forwarded", _("Forwarded to the responsible unit")
    IN_FOLLOW_UP = "in_follow_up", _("Being followed up")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Deemed withdrawn (not completed in time)")


OPEN_STATUSES = (
    Status.RECEIVED,
    Status.INCOMPLETE,
    Status.VERIFIED,
    Status.FORWARDED,
    Status.IN_FOLLOW_UP,
)
# Resolved is not an end: the complainant may still say it is not, within the reopen window.
ENDED_STATUSES = (Status.CLOSED, Status.REJECTED, Status.WITHDRAWN)


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    COUNTER = "loket", _("At the counter")
    PHONE = "telepon", _("By phone")
    API = "api", _("API")
    OPEN311 = "open311", _("Open311")
    LAPOR = "lapor", _("SP4N-LAPOR!")
    # by messages to the installation's number (notifications.conversation)
    WHATSAPP = "whatsapp", _("WhatsApp")
    SMS = "sms", _("SMS")


class LaporLink(models.TextChoices):
    NONE = "", _("Not linked")
    RECEIVED_FROM = "received_from", _("Received from SP4N-LAPOR!")
    FORWARDED_TO = "forwarded_to", _("Forwarded to SP4N-LAPOR!")


class Category(models.Model):
    """A complaint category of one agency; an Open311 service. "pungli" (illegal levies) and
    "umum" (general) exist for every agency (`actions.ensure_builtin_categories`)."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(_("code"), max_length=60, validators=[code_validator])
    # `<agency code>.<code>`: unique across agencies, the Open311 service_code.
    service_code = models.CharField(_("service code"), max_length=130, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    subject = models.CharField(
        _("about"), max_length=20, choices=Subject.choices, default=Subject.GENERAL
    )
    group = models.CharField(_("group"), max_length=100, blank=True)
    keywords = models.CharField(
        _("keywords"), max_length=200, blank=True, help_text=_("Separated by commas.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)
    builtin = models.BooleanField(_("built in"), default=False, editable=False)

    class Meta:
        verbose_name = _("complaint category")
        verbose_name_plural = _("complaint categories")
        ordering = ["agency__name", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="complaints_category_code")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.service_code = f"{self.agency.code}.{self.code}"
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class HandlingRules(models.Model):
    """An agency's complaint time limits, where they differ from the regulation's defaults
    (`rules_for` returns the defaults for an agency without a row)."""

    agency = models.OneToOneField(
        Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="+"
    )
    filing_window_days = models.PositiveSmallIntegerField(
        _("days after the service to complain about it"), default=30
    )
    verify_working_days = models.PositiveSmallIntegerField(_("working days to verify"), default=3)
    plan_working_days = models.PositiveSmallIntegerField(
        _("working days to plan the follow-up after forwarding"), default=5
    )
    decision_days = models.PositiveSmallIntegerField(
        _("days to decide after the file is complete"), default=60
    )
    completion_days = models.PositiveSmallIntegerField(
        _("days the complainant has to complete the file"), default=30
    )
    reopen_days = models.PositiveSmallIntegerField(
        _("days the complainant may say it is not resolved"), default=14
    )

    class Meta:
        verbose_name = _("complaint time limits")
        verbose_name_plural = _("complaint time limits")

    def __str__(self) -> str:
        return str(self.agency)


class Complaint(models.Model):
    number = models.CharField(_("tracking number"), max_length=16, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COMPLAINT)
    subject = models.CharField(
        _("about"), max_length=20, choices=Subject.choices, default=Subject.GENERAL
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    # The agency and unit that handle it now (forwarding moves them).
    agency = models.ForeignKey(
        Agency, verbose_name=_("handling agency"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("handling unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    service = models.ForeignKey(
        Service,
        verbose_name=_("service"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    description = models.TextField(_("what happened"))
    address = models.TextField(_("where"), blank=True)
    address_id = models.CharField(_("address identifier"), max_length=100, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    happened_on = models.DateField(_("when"), null=True, blank=True)
    loss = models.TextField(_("the loss"), blank=True)
    remedy = models.TextField(_("remedy asked for"), blank=True)
    compensation_claimed = models.PositiveBigIntegerField(
        _("compensation claimed (rupiah)"), null=True, blank=True
    )
    privacy = models.CharField(
        _("privacy"), max_length=10, choices=Privacy.choices, default=Privacy.PUBLIC
    )

    # Who complained. Personal data: read through access.py only.
    complainant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("complainant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    contact_name = models.CharField(_("name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("email"), blank=True)
    contact_phone = models.CharField(_("phone"), max_length=20, blank=True)
    # The complainant's own key to the complaint when they have no account (stored hashed).
    access_key_hash = models.CharField(max_length=64, blank=True)

    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by (front office)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    open311_key = models.ForeignKey(
        "Open311Key",
        verbose_name=_("Open311 client"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Open311's token for a request (GET tokens/{token}).
    token = models.CharField(max_length=32, unique=True)
    lapor_link = models.CharField(
        _("SP4N-LAPOR!"), max_length=20, choices=LaporLink.choices, blank=True, default=""
    )
    lapor_number = models.CharField(_("LAPOR! tracking number"), max_length=40, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    revision = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("received"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    complete_at = models.DateTimeField(_("file complete"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    # The deadline that is running now (a copy of the open Deadline row's due date), for lists.
    due_at = models.DateTimeField(_("due"), null=True, blank=True)

    # The outcome, as the agency states it.
    outcome = models.TextField(_("outcome"), blank=True)
    compensation_amount = models.PositiveBigIntegerField(
        _("compensation decided (rupiah)"), null=True, blank=True
    )
    compensation_due_on = models.DateField(_("compensation to be paid by"), null=True, blank=True)
    # Closing the loop: the complainant's one-click answer, and their rating of the handling.
    feedback_key_hash = models.CharField(max_length=64, blank=True)
    feedback_expires_at = models.DateTimeField(null=True, blank=True)
    complainant_verdict = models.CharField(
        _("complainant's view"),
        max_length=20,
        blank=True,
        choices=[("resolved", _("Resolved")), ("not_resolved", _("Not resolved"))],
    )
    rating = models.PositiveSmallIntegerField(
        _("rating of the handling (1–5)"), null=True, blank=True
    )
    times_reopened = models.PositiveSmallIntegerField(_("times reopened"), default=0)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(fields=["agency", "status", "-created_at"]),
            models.Index(fields=["unit", "status", "due_at"]),
            models.Index(fields=["privacy", "-created_at"]),
            models.Index(fields=["complainant", "-created_at"]),
            models.Index(fields=["category", "created_at"]),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_public(self) -> bool:
        return self.privacy != Privacy.CONFIDENTIAL

    @property
    def hides_complainant(self) -> bool:
        return self.privacy != Privacy.PUBLIC


class DeadlineKind(models.TextChoices):
    VERIFY = "verify", _("Verification")
    PLAN = "plan", _("Follow-up plan")
    DECISION = "decision", _("Decision")
    # The complainant's own limit to complete the file; missing it withdraws the complaint.
    COMPLETION = "completion", _("Completion by the complainant")


AGENCY_DEADLINES = (DeadlineKind.VERIFY, DeadlineKind.PLAN, DeadlineKind.DECISION)


class Deadline(models.Model):
    """One legal time limit of one complaint. Met when the action it waits for is done;
    breached (recorded once, by a conditional update) when the sweep finds it past due."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="deadlines"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=DeadlineKind.choices)
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started"))
    due_at = models.DateTimeField(_("due"))
    # How the limit reads: "3 working days", "60 days" (kept with the row, for explanations).
    days = models.PositiveSmallIntegerField(_("days"))
    working_days = models.BooleanField(_("working days"), default=False)
    met_at = models.DateTimeField(_("met"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("no longer applies"), null=True, blank=True)
    breached_at = models.DateTimeField(_("missed (recorded)"), null=True, blank=True)

    class Meta:
        verbose_name = _("complaint deadline")
        verbose_name_plural = _("complaint deadlines")
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "kind", "due_at"], name="complaints_deadline_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=models.Q(
                    met_at__isnull=True, cancelled_at__isnull=True, breached_at__isnull=True
                ),
                name="complaints_deadline_open",
            ),
            models.Index(fields=["agency", "breached_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind} {self.due_at}"


def attachment_name(sha256: str, content_type: str) -> str:
    """An attachment's one name in the private storage: content-addressed like application
    documents, in a folder of its own (the documents' pruning never looks there)."""
    return "complaints/" + stored_name(sha256, content_type).removeprefix("documents/")


def attachment_path(attachment: Attachment, filename: str) -> str:
    return attachment_name(attachment.sha256, attachment.content_type)


class Attachment(models.Model):
    complaint = models.ForeignKey(
        Complaint,
        verbose_name=_("complaint"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), storage=private_storage, upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


GENESIS = "0" * 64


class EventKind(models.TextChoices):
    """Every kind of ComplaintEvent, with the label people read (a test checks the code
    writes no other)."""

    FILED = "filed", _("Complaint received")
    VERIFIED = "verified", _("Verified: the complaint is complete and within our authority")
    COMPLETION_REQUESTED = "completion_requested", _("The complainant is asked to complete it")
    COMPLETED = "completed", _("Completed by the complainant")
    FORWARDED = "forwarded", _("Forwarded to the responsible unit")
    FOLLOW_UP_PLANNED = "follow_up_planned", _("Follow-up planned")
    RESPONDED = "responded", _("Response")
    RESOLVED = "resolved", _("Marked resolved by the agency")
    REOPENED = "reopened", _("Reopened: the complainant says it is not resolved")
    CONFIRMED = "confirmed", _("The complainant confirms it is resolved")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Deemed withdrawn: not completed in time")
    DUPLICATE_LINKED = "duplicate_linked", _("Linked to an earlier complaint about the same")
    LAPOR_RECORDED = "lapor_recorded", _("SP4N-LAPOR! link recorded")
    DEADLINE_MISSED = "deadline_missed", _("A time limit was missed")
    ESCALATED = "escalated", _("Escalated to a supervisor")
    RATED = "rated", _("The complainant rated the handling")

    @classmethod
    def label_of(cls, kind: str) -> str:
        try:
            return str(cls(kind).label)
        except ValueError:
            return str(_("Update"))


class ComplaintEvent(models.Model):
    """One change to a complaint: append-only and hash-chained per complaint, as applications'
    events are. A public event with a note is a public response."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="events"
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
    note = models.TextField(_("note"), blank=True)
    public = models.BooleanField(_("public"), default=False)
    data = models.JSONField(_("data"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        ordering = ["complaint", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "seq"], name="complaints_event_seq")
        ]
        indexes = [models.Index(fields=["kind", "id"])]

    def __str__(self) -> str:
        return f"{self.complaint_id}#{self.seq} {self.kind}"

    def content_hash(self) -> str:
        content = {
            "complaint": self.complaint_id,
            "seq": self.seq,
            "at": self.at.astimezone(dt.UTC).isoformat(),
            "actor": self.actor_id,
            "kind": self.kind,
            "note": self.note,
            "public": self.public,
            "data": self.data,
        }
        canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256((self.prev_hash + canonical).encode()).hexdigest()


class Open311Key(models.Model):
    """A client of the Open311 GeoReport v2 endpoint. The key itself is shown once when made
    and stored as its SHA-256."""

    name = models.CharField(_("client"), max_length=200)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_prefix = models.CharField(_("key begins with"), max_length=8, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @staticmethod
    def digest(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()
