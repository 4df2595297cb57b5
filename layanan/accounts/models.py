import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from layanan.lib.phone import national

# Each message channel and the flag on User that says the person chose it, in the order the
# channels are tried (notifications falls back along it).
CHANNEL_FLAGS = {"whatsapp": "notify_whatsapp", "sms": "notify_sms", "email": "notify_email"}


class User(AbstractUser):
    """Anyone who signs in: a citizen, an officer, an administrator.

    What a person may do comes from their officer roles (agencies.OfficerRole), not from
    the user row; a user without roles is a citizen.
    """

    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    # The channels the person chose for messages (notifications): WhatsApp and SMS go to
    # `phone`, email to `email`. A reply "BERHENTI" by WhatsApp or SMS turns that one off.
    notify_whatsapp = models.BooleanField(_("messages by WhatsApp"), default=False)
    notify_sms = models.BooleanField(_("messages by SMS"), default=False)
    notify_email = models.BooleanField(_("messages by email"), default=True)
    # The language of their messages: "" is the installation's (settings.LANGUAGE_CODE).
    language = models.CharField(_("language of messages"), max_length=8, blank=True)

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

    def chosen_channels(self) -> list[str]:
        """The channels this person chose that can reach them, in the order they are tried:
        WhatsApp, SMS (both need a phone number), email (needs an address)."""
        return [
            name
            for name, flag in CHANNEL_FLAGS.items()
            if getattr(self, flag) and (self.email if name == "email" else self.phone)
        ]

    @property
    def message_language(self) -> str:
        """The language of this person's messages: theirs, else the installation's."""
        return self.language or settings.LANGUAGE_CODE

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
        DATA_EXPORT_REQUESTED = "data_export_requested", _("copy of personal data requested")
        RIGHTS_REQUEST_FILED = "rights_request_filed", _("personal-data request filed")
        RIGHTS_REQUEST_ANSWERED = "rights_request_answered", _("personal-data request answered")
        RIGHTS_REQUEST_LATE = "rights_request_late", _("personal-data request not answered in time")
        ACCOUNT_CLOSED = "account_closed", _("account closed and personal data erased")
        CHANNELS_CHANGED = "channels_changed", _("message channels changed")
        CHANNEL_STOPPED = "channel_stopped", _("messages stopped by a reply BERHENTI")
        PHONE_CODE_SENT = "phone_code_sent", _("password-reset code sent to the phone")
        PASSWORD_RESET_BY_PHONE = (
            "password_reset_by_phone",
            _("password changed with a code sent to the phone"),
        )

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


class DataAccess(models.Model):
    """One look at a person's data by somebody else: who, whose, what, where, when.

    The one access log of the platform. An officer opening an application, a supervisor's
    list of compensations, a counter receipt, an administrator's page of accounts: each
    records a row per person whose data it shows (`accounts.actions.record_reads`), and the
    person sees every row on their own page (`/profil/akses/`). A page that lists many
    people records them in one insert. Nobody's look at their own data is recorded.

    The application is kept by its tracking number, not a foreign key: this app sits below
    `cases`, and a number stays readable when the person comes back years later.
    """

    class Place(models.TextChoices):
        """Where the data was shown, as the person reads it."""

        OFFICE_STEP = "office_step", _("An officer's page of a step of your application")
        OFFICE_DOCUMENT = "office_document", _("An officer downloaded one of your documents")
        API_APPLICATION = "api_application", _("Your application read through the API")
        COMPENSATIONS = "compensations", _("The supervisors' list of compensations owed")
        COUNTER_SEARCH = "counter_search", _("The counter found your account by your contact")
        COUNTER_FILING = "counter_filing", _("An application filed for you at the counter")
        COUNTER_RECEIPT = "counter_receipt", _("The receipt printed at the counter")
        ADMIN_USERS = "admin_users", _("The administrators' list of accounts")
        ADMIN_USER = "admin_user", _("The administrators' page of your account")
        ADMIN_ACCOUNT_EVENTS = "admin_account_events", _("The administrators' account history")
        ADMIN_SETUP_CODES = "admin_setup_codes", _("The administrators' pages of counter codes")
        ADMIN_ACCESS_LOG = "admin_access_log", _("The administrators' audit of this log")
        ADMIN_OFFICERS = "admin_officers", _("The administrators' pages of officer roles")
        OFFICE_COMPLAINT = "office_complaint", _("The handling unit's page of your complaint")
        COMPLAINT_EXPORT = "complaint_export", _("The handling unit's SP4N-LAPOR! export")
        DATA_REQUESTS = (
            "data_requests",
            _("The data-protection officer's pages of your personal-data requests"),
        )
        API_COMPLAINT = (
            "api_complaint",
            _("Your complaint read by the handling unit through the API"),
        )

    class Purpose(models.TextChoices):
        """Why the data was read, as the person reads it (completing "... to ...")."""

        PROCESS = "process", _("to process your application")
        COUNTER = "counter", _("to serve you at the counter")
        COMPLAINT = "complaint", _("to handle the complaint")
        COMPLAINT_COUNTER = "complaint_counter", _("to take your complaint at the counter")
        COMPLAINT_REPORT = "complaint_report", _("to report complaints to SP4N-LAPOR!")
        COMPENSATION = "compensation", _("to settle the compensation owed to you")
        ADMINISTER = "administer", _("to administer the accounts of Layanan")
        AUDIT = "audit", _("to audit who read personal data")

    citizen = models.ForeignKey(
        User,
        verbose_name=_("whose data"),
        on_delete=models.CASCADE,
        related_name="data_accesses",
    )
    reader = models.ForeignKey(
        User, verbose_name=_("read by"), on_delete=models.PROTECT, related_name="+"
    )
    place = models.CharField(_("where"), max_length=30, choices=Place.choices)
    what = models.CharField(
        _("what"),
        max_length=200,
        blank=True,
        help_text=_("What was shown beyond the place itself: a step, a document's name."),
    )
    application_number = models.CharField(_("application"), max_length=16, blank=True)
    at = models.DateTimeField(_("time"))
    # For whom the reader acted, kept as it was at the time of the read: an officer's roles
    # change later, the row must not. The ids are kept for the agency's own audit (and to
    # know whose administrator may defer it); the names are what the citizen reads.
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unit = models.ForeignKey(
        "agencies.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    agency_name = models.CharField(_("agency name"), max_length=200, blank=True)
    unit_name = models.CharField(_("unit name"), max_length=200, blank=True)
    purpose = models.CharField(
        _("why"),
        max_length=30,
        blank=True,
        choices=Purpose.choices,
        help_text=_("Why the data was read; blank rows read as their place's usual reason."),
    )
    purpose_detail = models.CharField(
        _("why (detail)"),
        max_length=200,
        blank=True,
        help_text=_("The step or complaint the reader was working on, as named at the time."),
    )
    # Set by an administrator of the reading agency (`access_log.defer_read`): until then the
    # citizen is not shown the row. The deferral itself is an `AccessDeferral` row.
    hidden_until = models.DateTimeField(_("hidden from the citizen until"), null=True, blank=True)

    class Meta:
        verbose_name = _("data access")
        verbose_name_plural = _("data accesses")
        ordering = ["-at", "-id"]
        indexes = [
            # The person's page: newest first, perhaps for one application.
            models.Index(fields=["citizen", "-at", "-id"], name="accounts_access_citizen_at"),
            models.Index(
                fields=["citizen", "application_number", "-at"], name="accounts_access_app_at"
            ),
            # Who read what, for an audit of one officer.
            models.Index(fields=["reader", "-at"], name="accounts_access_reader_at"),
        ]

    def __str__(self) -> str:
        return f"{self.reader_id} → {self.citizen_id} {self.place} {self.at:%Y-%m-%d %H:%M}"


class AccessDeferral(models.Model):
    """An administrator of the reading agency held one read back from the person's page for
    an investigation (`layanan.accounts.access_log.defer_read`): who, why, until when. Kept
    for the administrators' and auditors' audit after the read is shown again."""

    access = models.ForeignKey(
        DataAccess,
        verbose_name=_("read"),
        on_delete=models.CASCADE,
        related_name="deferrals",
    )
    by = models.ForeignKey(
        User, verbose_name=_("deferred by"), on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    until = models.DateTimeField(_("hidden until"))
    at = models.DateTimeField(_("deferred at"))

    class Meta:
        verbose_name = _("access-log deferral")
        verbose_name_plural = _("access-log deferrals")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.access_id} until {self.until:%Y-%m-%d}"


class AttemptCounter(models.Model):
    """How many attempts one subject (an account, a name nobody has, a client address) made
    at one kind of attempt (sign-in, password-reset request, ...) in the current round, and
    until when it must wait. Written only by `accounts.throttle`, with conditional updates, so
    that parallel attempts are counted one by one; see
    docs/adr/0010-attempt-limits-without-django-axes.md."""

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


class OneTimeCode(models.Model):
    """A one-time code for choosing a password: only a salted hash is kept; it works once,
    until `expires_at`, and only while no newer code replaced it. Its owner and how it was
    given are the concrete model's (PhoneCode here, citizens.PasswordSetupCode)."""

    code_hash = models.CharField(_("code (hashed)"), max_length=128)
    issued_at = models.DateTimeField(_("issued"))
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    replaced_at = models.DateTimeField(_("replaced by a newer code"), null=True, blank=True)

    class Meta:
        abstract = True

    def state_at(self, moment: dt.datetime) -> str:
        """usable, used, replaced or expired."""
        if self.used_at is not None:
            return "used"
        if self.replaced_at is not None:
            return "replaced"
        if moment >= self.expires_at:
            return "expired"
        return "usable"


class PhoneCode(OneTimeCode):
    """A one-time code sent by WhatsApp or SMS to reset the password of an account that has a
    phone number (accounts.views_phone_reset). It works within `VALID_FOR`, for at most
    `MAX_TRIES` wrong guesses, and only the newest one of an account works."""

    VALID_FOR = dt.timedelta(minutes=10)
    MAX_TRIES = 5

    user = models.ForeignKey(
        User, verbose_name=_("account"), on_delete=models.CASCADE, related_name="phone_codes"
    )
    channel = models.CharField(_("sent by"), max_length=10)  # "whatsapp" or "sms"
    # the number it went to: a code works only while the account still has that number
    sent_to = models.CharField(_("sent to"), max_length=20, blank=True)
    wrong_tries = models.PositiveSmallIntegerField(_("wrong tries"), default=0)

    class Meta:
        verbose_name = _("phone reset code")
        verbose_name_plural = _("phone reset codes")
        indexes = [models.Index(fields=["user", "-issued_at"])]

    def __str__(self) -> str:
        return f"{self.user} ({self.issued_at:%Y-%m-%d %H:%M})"

    def state_at(self, moment: dt.datetime) -> str:
        """As any one-time code's, or exhausted (too many wrong tries)."""
        state = super().state_at(moment)
        if state == "usable" and self.wrong_tries >= self.MAX_TRIES:
            return "exhausted"
        return state
