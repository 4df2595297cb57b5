"""Issued documents: the product of a completed application, signed by its agency."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from layanan.agencies.models import Agency
from layanan.cases.models import Application, private_storage


class State(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    ISSUED = "issued", _("Valid")
    REVOKED = "revoked", _("Revoked")


class Kind(models.TextChoices):
    PRODUCT = "product", _("The service's product")


def issued_path(document: IssuedDocument, filename: str) -> str:
    return f"issued/{document.sha256[:2]}/{document.code}.pdf"


def upload_path(document: IssuedDocument, filename: str) -> str:
    return f"issued/uploads/{document.code}.pdf"


class IssuedDocument(models.Model):
    """One document issued for one application (one product per application).

    Made `pending` by the worker when the application completes, then generated and signed
    (`issued`, with the file and its SHA-256); `revoked` by the agency's signing officer with a
    reason. The code is public (printed on the document, in its QR code); the page it opens
    shows nothing personal beyond `owner_initials`."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="issued_documents",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("issuing agency"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PRODUCT)
    code = models.CharField(_("verification code"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=200)
    owner_initials = models.CharField(_("owner's initials"), max_length=20, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    created_at = models.DateTimeField(_("created"))
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    file = models.FileField(
        _("file"), storage=private_storage, upload_to=issued_path, blank=True, max_length=200
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    signer = models.CharField(_("signed by (certificate)"), max_length=300, blank=True)
    # The charter's product is (or includes) a file the signing officer uploads: the
    # document waits for it (`upload`) before it is signed.
    needs_upload = models.BooleanField(default=False)
    upload = models.FileField(
        _("uploaded file"),
        storage=private_storage,
        upload_to=upload_path,
        blank=True,
        max_length=200,
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    retry_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind"], name="documents_one_per_application_and_kind"
            )
        ]
        indexes = [
            models.Index(fields=["sha256"]),
            models.Index(fields=["state", "id"]),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def awaits_upload(self) -> bool:
        return self.state == State.PENDING and self.needs_upload and not self.upload

    @property
    def is_valid(self) -> bool:
        return self.state == State.ISSUED

    @property
    def is_revoked(self) -> bool:
        return self.state == State.REVOKED

    @property
    def public_status(self) -> str:
        """valid | revoked | unknown (one not issued yet is unknown to the public)."""
        return {State.ISSUED: "valid", State.REVOKED: "revoked"}.get(State(self.state), "unknown")
