import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from layanan.agencies.models import Agency, code_validator
from layanan.charters.fees import fee_of, lowest_amount
from layanan.charters.spec import participating_agencies, text_in


class Service(models.Model):
    """A public service with a stable code; what it promises lives in its charter versions."""

    class Category(models.TextChoices):
        CIVIL_REGISTRY = "kependudukan", _("Population and civil registration")
        LICENSING = "perizinan", _("Permits and licences")
        SOCIAL = "sosial", _("Social welfare")
        HEALTH = "kesehatan", _("Health")
        EDUCATION = "pendidikan", _("Education")
        EMPLOYMENT = "ketenagakerjaan", _("Employment")
        SECURITY = "keamanan", _("Security and order")
        LAND = "pertanahan", _("Land and buildings")
        OTHER = "lainnya", _("Other services")

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        COUNTER = "loket", _("At the counter")
        MPP = "mpp", _("Mal Pelayanan Publik")
        MOBILE = "keliling", _("Mobile service")

    code = models.CharField(_("code"), max_length=60, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    lead_agency = models.ForeignKey(
        Agency, verbose_name=_("lead agency"), on_delete=models.PROTECT, related_name="services"
    )
    agencies = models.ManyToManyField(
        Agency,
        verbose_name=_("participating agencies"),
        related_name="participating_services",
        blank=True,
        help_text=_("Set from the procedure of the charter in force."),
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    channels = models.JSONField(_("channels"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.display_name

    def day_of_filing(self) -> dt.date:
        """Today where the service is delivered: the lead agency's zone (WIB, WITA or WIT);
        the day that field rules such as "not in the past" are counted from."""
        return timezone.localdate(timezone=ZoneInfo(self.lead_agency.time_zone))

    @property
    def display_name(self) -> str:
        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name

    @property
    def display_description(self) -> str:
        if get_language() == "en" and self.description_en:
            return self.description_en
        return self.description

    @property
    def accepts_online(self) -> bool:
        """Citizens may apply online (and through the API); otherwise only at a counter."""
        return self.Channel.ONLINE in self.channels

    def channel_labels(self) -> list[str]:
        labels = dict(self.Channel.choices)
        return [str(labels.get(c, c)) for c in self.channels]


class Charter(models.Model):
    """One version of a service standard (standar pelayanan) with its fourteen components.

    `content` holds the components in the normalised form of `charters.spec.read_charter`.
    A version is written while it is a draft or in consultation; once adopted it never
    changes again — enforced by database triggers (see migration 0002) as well as by the
    actions — and a change is a new version. At most one version per service is adopted.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CONSULTATION = "consultation", _("In public consultation")
        ADOPTED = "adopted", _("Adopted (in force)")
        SUPERSEDED = "superseded", _("Superseded")

    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="charters"
    )
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    content = models.JSONField(_("components"), default=dict)
    change_note = models.TextField(_("what changed"), blank=True)
    effective_from = models.DateField(_("in force from"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    adopted_at = models.DateTimeField(_("adopted"), null=True, blank=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("adopted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)

    class Meta:
        verbose_name = _("charter version")
        verbose_name_plural = _("charter versions")
        ordering = ["service", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["service", "version"], name="charters_version_unique"),
            models.UniqueConstraint(
                fields=["service"],
                condition=models.Q(status="adopted"),
                name="charters_one_adopted_per_service",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service.code} v{self.version} ({self.get_status_display()})"

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.CONSULTATION)

    # Read access to the components, in the current language where they are text.

    def text(self, key: str) -> str:
        return text_in(self.content.get(key), get_language() or "id")

    @property
    def fee(self) -> int:
        """The fixed fee, 0 when free, the least it can be for a formula or an assessment
        (see `fee_spec` for the whole fee)."""
        return lowest_amount(self.fee_spec)

    @property
    def fee_spec(self) -> dict[str, Any]:
        return fee_of(self.content)

    @property
    def time_limit(self) -> dict[str, Any]:
        return dict(self.content.get("time_limit", {"amount": 0, "unit": "working_days"}))

    @property
    def stages(self) -> list[dict[str, Any]]:
        return list(self.content.get("procedure", {}).get("stages", []))

    @property
    def guarantee(self) -> dict[str, Any]:
        return dict(self.content.get("guarantee", {}))

    def step_spec(self, key: str) -> dict[str, Any]:
        """One step of the procedure, by key ({} if this version has no such step)."""
        for stage in self.stages:
            for step in stage["steps"]:
                if step["key"] == key:
                    return dict(step)
        return {}

    def agency_codes(self) -> list[str]:
        return participating_agencies(self.content)
