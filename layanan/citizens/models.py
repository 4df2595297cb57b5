import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from layanan.accounts.nik_store import SealedNikField
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


class PasswordSetupCode(models.Model):
    """A one-time code a counter officer gives a citizen whose account has no password yet
    (made at the counter, perhaps with only a phone number and so no reset by email).

    Only a salted hash of the code is stored; the code itself is shown once, on the printed
    receipt. It works once, within `VALID_FOR`, and only the newest one of a citizen works.
    """

    VALID_FOR = dt.timedelta(hours=72)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("citizen"),
        on_delete=models.CASCADE,
        related_name="password_setup_codes",
    )
    code_hash = models.CharField(_("code (hashed)"), max_length=128)
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
    issued_at = models.DateTimeField(_("issued"))
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    replaced_at = models.DateTimeField(_("replaced by a newer code"), null=True, blank=True)

    class Meta:
        verbose_name = _("password-setup code")
        verbose_name_plural = _("password-setup codes")
        indexes = [models.Index(fields=["user", "-issued_at"])]

    def __str__(self) -> str:
        return f"{self.user} ({self.issued_at:%Y-%m-%d %H:%M})"

    def state_at(self, moment: dt.datetime) -> str:
        """usable, used, replaced or expired."""
        if self.used_at is not None:
            return "used"
        if self.replaced_at is not None:
            return "replaced"
        if moment >= self.expires_at:
            return "expired"
        return "usable"
