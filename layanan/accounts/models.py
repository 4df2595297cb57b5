import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from layanan.lib.phone import national


class User(AbstractUser):
    """Anyone who signs in: a citizen, an officer, an administrator.

    What a person may do comes from their officer roles (agencies.OfficerRole), not from
    the user row; a user without roles is a citizen.
    """

    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    phone = models.CharField(_("phone number"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                fields=["phone"],
                condition=~models.Q(phone=""),
                name="accounts_user_phone_unique",
                violation_error_message=_("Another account already has this phone number."),
            ),
        ]
        # Sign-in and sign-up find accounts by user name or email without regard to case
        # (accounts.identifiers): an index on each folded column, on SQLite and PostgreSQL.
        indexes = [
            models.Index(Lower("username"), name="accounts_user_username_lower"),
            models.Index(Lower("email"), name="accounts_user_email_lower"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def sign_in_name(self) -> str:
        """The user name as the person knows it: a phone number (the user name of a citizen
        who signed up without email) is shown as 0812-3456-7890, not in E.164 form."""
        return national(self.username)


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored; the token is shown once.

    A token works until `expires_at`, until it is revoked (by its owner on the profile, by
    `POST /api/v1/auth/logout`, or all at once when the password changes), and only while
    the password is the one it was issued under (`password_digest`), whichever way the
    password was changed."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    label = models.CharField(_("label"), max_length=100, blank=True)
    password_digest = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        indexes = [models.Index(fields=["user", "revoked_at", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d})"

    def is_usable_at(self, moment: dt.datetime) -> bool:
        return self.revoked_at is None and moment < self.expires_at


class AccountEvent(models.Model):
    """One change to an account, for the audit trail: what kind, which fields, by whom, when.

    Never the values: a NIK or a phone number does not belong in an audit log that more
    people read than the profile itself. `actor` is empty when the system made the change
    (a data migration).
    """

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("account created")
        PROFILE_CHANGED = "profile_changed", _("profile changed")
        PHONE_CLEARED = "phone_cleared", _("phone number cleared")
        SETUP_CODE_ISSUED = "setup_code_issued", _("password-setup code given at the counter")
        PASSWORD_SET_WITH_CODE = "password_set_with_code", _("password set with a counter code")
        PASSWORD_RESET = "password_reset", _("password changed with an emailed link")
        TOKEN_ISSUED = "token_issued", _("API token issued")
        TOKEN_REVOKED = "token_revoked", _("API token revoked")
        SECOND_FACTOR_ENABLED = "second_factor_enabled", _("two-step verification turned on")
        SECOND_FACTOR_REMOVED = "second_factor_removed", _("two-step verification turned off")
        RECOVERY_CODE_USED = "recovery_code_used", _("recovery code used to sign in")

    user = models.ForeignKey(
        User, verbose_name=_("account"), on_delete=models.CASCADE, related_name="account_events"
    )
    actor = models.ForeignKey(
        User,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    fields = models.JSONField(_("fields"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("account event")
        verbose_name_plural = _("account events")
        ordering = ["user", "at", "id"]
        indexes = [models.Index(fields=["user", "at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"
