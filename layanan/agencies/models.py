import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

code_validator = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    _("Use lowercase letters, digits and single hyphens, e.g. 'dinas-sosial'."),
)
region_code_validator = RegexValidator(
    r"^\d{2}(\.\d{2}){0,3}$",
    _("Use the Kemendagri region code, e.g. '33.01' or '33.01.05'."),
)


class Agency(models.Model):
    """A government body that provides services (Dinas, Badan, Kecamatan, MPP...)."""

    class Kind(models.TextChoices):
        DINAS = "dinas", _("Dinas (department)")
        BADAN = "badan", _("Badan (agency)")
        KANTOR = "kantor", _("Kantor (office)")
        KECAMATAN = "kecamatan", _("Kecamatan (district)")
        KELURAHAN = "kelurahan", _("Kelurahan/Desa (village)")
        SEKRETARIAT = "sekretariat", _("Sekretariat (secretariat)")
        MPP = "mpp", _("Mal Pelayanan Publik")
        VERTICAL = "vertikal", _("Vertical agency (national)")
        OTHER = "lainnya", _("Other")

    class TimeZone(models.TextChoices):
        WIB = "Asia/Jakarta", _("WIB (Asia/Jakarta)")
        WITA = "Asia/Makassar", _("WITA (Asia/Makassar)")
        WIT = "Asia/Jayapura", _("WIT (Asia/Jayapura)")

    code = models.CharField(_("code"), max_length=60, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DINAS)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    region_code = models.CharField(
        _("region code"), max_length=13, validators=[region_code_validator]
    )
    time_zone = models.CharField(
        _("time zone"), max_length=20, choices=TimeZone.choices, default=TimeZone.WIB
    )
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    complaint_contact = models.TextField(
        _("complaint contact"),
        blank=True,
        help_text=_("Where and how citizens can complain: desk, phone, WhatsApp, SP4N-LAPOR!."),
    )
    head_title = models.CharField(
        _("title of the head"),
        max_length=200,
        blank=True,
        help_text=_("e.g. 'Kepala Dinas Kependudukan dan Pencatatan Sipil'."),
    )
    maklumat = models.TextField(
        _("maklumat pelayanan"),
        blank=True,
        help_text=_("The agency's public declaration that it will serve to its standards."),
    )
    maklumat_date = models.DateField(_("maklumat date"), null=True, blank=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def local_day(self, now: dt.datetime | None = None) -> dt.date:
        """Today in the agency's zone (WIB, WITA or WIT), or the local day of `now`."""
        return timezone.localtime(now or timezone.now(), ZoneInfo(self.time_zone)).date()


class Unit(models.Model):
    """A part of an agency that carries out procedure steps (bidang, seksi, loket)."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="units"
    )
    code = models.CharField(_("code"), max_length=60, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["agency__name", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency.short_name or self.agency.name})"


class Role(models.TextChoices):
    FRONT_OFFICE = "front_office", _("Front-office officer")
    PROCESSOR = "processor", _("Processing officer")
    APPROVER = "approver", _("Approver (signatory)")
    SUPERVISOR = "supervisor", _("Supervisor")
    AGENCY_ADMIN = "agency_admin", _("Agency administrator")
    # records the fees paid to the agency (bendahara penerimaan); works on no step
    TREASURER = "treasurer", _("Treasurer (bendahara penerimaan)")


class OfficerRole(models.Model):
    """What one person may do in one unit."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.CASCADE,
        related_name="officer_roles",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="officer_roles"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("officer role")
        verbose_name_plural = _("officer roles")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role"], name="agencies_officerrole_unique"
            )
        ]
        indexes = [models.Index(fields=["unit", "role"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit.code}"


class ServiceHours(models.Model):
    """Opening hours of an agency on one weekday; a weekday without a row is closed.

    An agency with no rows at all keeps the national default (Monday–Friday 08:00–16:00).
    """

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="service_hours"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("service hours")
        verbose_name_plural = _("service hours")
        ordering = ["weekday"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "weekday"], name="agencies_servicehours_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(opens__lt=models.F("closes")),
                name="agencies_servicehours_opens_before_closes",
                violation_error_message=_("Opening time must be before closing time."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class CalendarDay(models.Model):
    """A date that departs from the calendar.

    With an agency: a closure, or an extra working day (e.g. a Saturday service).
    Without an agency: a national correction — a holiday the decree added or moved
    (closed), or a date the `holidays` package lists that is in fact a working day (open).
    """

    class Kind(models.TextChoices):
        CLOSED = "closed", _("Closed (not a working day)")
        OPEN = "open", _("Open (a working day)")

    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calendar_days",
        help_text=_("Leave empty for a national correction that applies to every agency."),
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(
        _("name"), max_length=200, help_text=_("e.g. 'Cuti bersama Idul Adha'.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Read by the guarantee sweep: a day added or changed since its last pass moves the due
    # dates of the open applications it touches.
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "date"], name="agencies_calendarday_unique"),
            models.UniqueConstraint(
                fields=["date"],
                condition=models.Q(agency__isnull=True),
                name="agencies_calendarday_national_unique",
                violation_error_message=_("There is already a national correction for this date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"
