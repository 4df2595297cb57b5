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
    """A bearer token for the JSON API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d})"


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


class AttemptCounter(models.Model):
    """How many attempts one subject (an account, a name nobody has, a client address) made
    at one kind of attempt (sign-in, password-reset request, ...) in the current round, and
    until when it must wait. Written only by `accounts.throttle`, with conditional updates, so
    that parallel attempts are counted one by one; see docs/adr/0012-attempt-limits.md."""

    key = models.CharField(max_length=120, unique=True)
    attempts = models.PositiveIntegerField(default=0)
    # How many times this subject was made to wait since it was last quiet for a day: the
    # next wait is twice as long, up to a cap.
    strikes = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField()

    class Meta:
        verbose_name = _("attempt counter")
        verbose_name_plural = _("attempt counters")
        indexes = [models.Index(fields=["last_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.key}: {self.attempts}"
