from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from layanan.accounts.models import OneTimeCode
from layanan.accounts.nik_store import SealedNikField
from layanan.cases.models import Application, Document, private_storage
from layanan.lib.nik import NikError, mask_nik


class Profile(models.Model):
    """What a citizen tells about themselves once, for every application."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    # Sealed with the keyring outside the database (accounts.nik_store); looked up by the keyed
    # hash beside it, never by the column itself.
    nik = SealedNikField(_("NIK"), blank=True)
    nik_hash = models.CharField(_("NIK look-up hash"), max_length=64, blank=True, db_index=True)
    address = models.TextField(_("address"), blank=True)
    # Sealed like the NIK: a family card number names a household.
    kk_number = SealedNikField(_("family card (KK) number"), blank=True)
    birth_place = models.CharField(_("place of birth"), max_length=100, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    region_code = models.CharField(
        _("region code"),
        max_length=13,
        blank=True,
        help_text=_("The Kemendagri code of the village or urban ward, e.g. 33.74.01.1001."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("citizen profile")
        verbose_name_plural = _("citizen profiles")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def masked_nik(self) -> str:
        """The NIK as shown to readers not entitled to all of it (the admin, receipts)."""
        try:
            return mask_nik(self.nik) if self.nik else ""
        except NikError:
            return "*" * len(self.nik)


class PasswordSetupCode(OneTimeCode):
    """A one-time code a counter officer gives a citizen whose account has no password yet
    (made at the counter, perhaps with only a phone number and so no reset by email).

    The code itself is shown once, on the printed receipt (a `OneTimeCode`: hashed, once,
    within `VALID_FOR`, the newest only).
    """

    VALID_FOR = dt.timedelta(hours=72)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("citizen"),
        on_delete=models.CASCADE,
        related_name="password_setup_codes",
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    application = models.ForeignKey(
        "cases.Application",
        verbose_name=_("application filed at the counter"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("password-setup code")
        verbose_name_plural = _("password-setup codes")
        indexes = [models.Index(fields=["user", "-issued_at"])]

    def __str__(self) -> str:
        return f"{self.user} ({self.issued_at:%Y-%m-%d %H:%M})"


def vault_path(document: VaultDocument, filename: str) -> str:
    """A vault file's name in the private storage: its own random name, never shared with
    another citizen's identical bytes (a vault file goes when its row goes), with the
    extension of its checked type."""
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
    return f"vault/{uuid.uuid4().hex}.{extension.get(document.content_type, 'bin')}"


class VaultDocument(models.Model):
    """A document the citizen keeps, to attach to applications without uploading it again.

    Attaching copies the file into the application's documents (`cases.Document`): what an
    agency received stays as it was received, whatever the citizen later does with the vault.
    """

    class Source(models.TextChoices):
        UPLOAD = "upload", _("uploaded by the citizen")
        COUNTER = "counter", _("received at the counter")
        ISSUED = "issued", _("issued by a service in Layanan")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("citizen"),
        on_delete=models.CASCADE,
        related_name="vault_documents",
    )
    # One of lib.personal_data.DOCUMENT_TYPES (checked when written, not a choice list:
    # adding a type needs no migration).
    type = models.CharField(_("type"), max_length=40)
    file = models.FileField(_("file"), storage=private_storage, upload_to=vault_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type of file"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.UPLOAD
    )
    # The verification code of a product issued by Layanan that entered the vault by itself.
    issued_code = models.CharField(_("verification code"), max_length=40, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    added_at = models.DateTimeField(_("added"))

    class Meta:
        verbose_name = _("vault document")
        verbose_name_plural = _("vault documents")
        indexes = [models.Index(fields=["owner", "type"], name="citizens_vault_owner_type")]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "issued_code"],
                condition=~models.Q(issued_code=""),
                name="citizens_vault_issued_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.owner_id} {self.type} {self.original_name}"

    def is_expired(self, on: dt.date) -> bool:
        """Expired documents are kept (the citizen may want them) but never offered."""
        return self.expires_on is not None and self.expires_on < on


class Consent(models.Model):
    """The citizen's consent to reuse their own data for one application (UU 27/2022: explicit,
    recorded, provable): which data, for which application, which agencies will see it, why,
    when, and who recorded it (the citizen, or a counter officer on their behalf).

    `what`, `agencies` and `purpose` are frozen as the citizen read them when consenting, so
    the record keeps proving what was agreed after a vault document is removed or a charter
    changes. Withdrawing keeps the row, with when and by whom.
    """

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("a document from the vault")
        PROFILE = "profile", _("data from the profile")

    class Channel(models.TextChoices):
        WEB = "web", _("the website")
        COUNTER = "counter", _("the counter")
        API = "api", _("the API")

    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("citizen"),
        on_delete=models.CASCADE,
        related_name="consents",
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="consents",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # For a document: the vault document and the application's copy of it (detached on
    # withdrawal). For profile data: the form fields filled and the profile attributes each
    # took its value from, {"field key": "profile attribute"}.
    vault_document = models.ForeignKey(
        VaultDocument,
        verbose_name=_("vault document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consents",
    )
    document = models.ForeignKey(
        Document,
        verbose_name=_("the application's copy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requirement = models.CharField(_("requirement"), max_length=60, blank=True)
    fields = models.JSONField(_("form fields"), default=dict, blank=True)
    what = models.CharField(_("what data"), max_length=300)
    agencies = models.JSONField(_("agencies that will see it"), default=list)
    purpose = models.CharField(_("purpose"), max_length=300)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    given_at = models.DateTimeField(_("given"))
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at", "-id"]
        indexes = [
            models.Index(fields=["citizen", "-given_at"], name="citizens_consent_citizen"),
            models.Index(fields=["application"], name="citizens_consent_application"),
        ]

    def __str__(self) -> str:
        return f"{self.citizen_id} {self.kind} {self.application_id}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class DataExport(models.Model):
    """A copy of everything Layanan holds about a citizen (UU 27/2022: the right to a copy
    of one's data), prepared by a task of the worker as a JSON file and a readable HTML page
    in the private storage, downloadable by its owner until `expires_at`."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Being prepared")
        READY = "ready", _("Ready to download")
        FAILED = "failed", _("Could not be prepared")
        EXPIRED = "expired", _("Expired and deleted")

    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("citizen"),
        on_delete=models.CASCADE,
        related_name="data_exports",
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    # The language the citizen asked in: the HTML page's headings are written in it.
    language = models.CharField(_("language"), max_length=8)
    requested_at = models.DateTimeField(_("requested"))
    ready_at = models.DateTimeField(_("ready"), null=True, blank=True)
    expires_at = models.DateTimeField(_("available until"), null=True, blank=True)
    json_file = models.CharField(_("JSON file"), max_length=200, blank=True)
    html_file = models.CharField(_("HTML file"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("personal-data export")
        verbose_name_plural = _("personal-data exports")
        indexes = [
            models.Index(fields=["citizen", "-requested_at"]),
            # the periodic pass that deletes expired files
            models.Index(
                fields=["expires_at"],
                condition=models.Q(state="ready"),
                name="citizens_export_ready_expiry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.citizen_id} {self.state} {self.requested_at:%Y-%m-%d %H:%M}"

    def is_downloadable_at(self, moment: dt.datetime) -> bool:
        return self.state == self.State.READY and (
            self.expires_at is None or moment < self.expires_at
        )


class RightsRequest(models.Model):
    """A citizen's request to correct their data or to restrict its processing (UU 27/2022),
    answered by the platform's data-protection officer within 3 × 24 hours (`ANSWER_WITHIN`,
    on the clock, not in working days). A missed answer is recorded once by the guarantee
    sweep (`breached_at`) and escalated to every data-protection officer."""

    ANSWER_WITHIN = dt.timedelta(hours=72)

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Correct my data")
        RESTRICTION = "restriction", _("Restrict the processing of my data")

    class Outcome(models.TextChoices):
        DONE = "done", _("Done")
        PARTLY = "partly", _("Partly done")
        REFUSED = "refused", _("Refused")

    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("citizen"),
        on_delete=models.CASCADE,
        related_name="rights_requests",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    data = models.CharField(_("which data"), max_length=200)
    details = models.TextField(_("what is wrong, or what to restrict"))
    reason = models.TextField(_("reason"), blank=True)
    filed_at = models.DateTimeField(_("filed"))
    due_at = models.DateTimeField(_("answer due"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    breached_at = models.DateTimeField(_("answer missed (recorded)"), null=True, blank=True)

    class Meta:
        verbose_name = _("personal-data request")
        verbose_name_plural = _("personal-data requests")
        permissions = [("answer_rightsrequest", _("Can answer personal-data requests"))]
        indexes = [
            models.Index(fields=["citizen", "-filed_at"]),
            # the officers' list and the sweep: the open requests, soonest due first
            models.Index(
                fields=["due_at", "id"],
                condition=models.Q(answered_at__isnull=True),
                name="citizens_rights_open_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.citizen_id} {self.kind} {self.filed_at:%Y-%m-%d %H:%M}"

    @property
    def restriction_in_force(self) -> bool:
        """A granted restriction (done or partly done) stands once answered."""
        return self.kind == self.Kind.RESTRICTION and self.outcome in (
            self.Outcome.DONE,
            self.Outcome.PARTLY,
        )

    def is_late_at(self, moment: dt.datetime) -> bool:
        return self.answered_at is None and moment >= self.due_at
