"""Survey invitations (one per ended application) and the answers (online, paper, imported).

An answer does not point at the invitation or the application it came from: the SKM is
anonymous, so a response keeps only what the IKM is computed over — agency, service, unit,
the day it was answered — and the invitation only records *that* it was answered.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from layanan.agencies.models import Agency, Unit
from layanan.cases.models import Application
from layanan.charters.models import Service
from layanan.lib.ikm import UNSUR
from layanan.surveys.questionnaire import AgeBand, Education, Occupation, Sex


class Invitation(models.Model):
    """The link an applicant gets when their application ends; answered at most once."""

    application = models.OneToOneField(
        Application,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="survey_invitation",
    )
    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.PROTECT)
    service = models.ForeignKey(Service, verbose_name=_("service"), on_delete=models.PROTECT)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT
    )
    # The link's key is derived from this nonce and the site's secret (`actions.key_for`);
    # only the key's hash is stored, to find the invitation when the link is opened.
    nonce = models.CharField(max_length=32, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    ended_on = models.DateField(_("application ended"))  # in the agency's zone
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        indexes = [
            models.Index(fields=["agency", "ended_on"]),
            models.Index(fields=["service", "ended_on"]),
            models.Index(fields=["unit", "ended_on"]),
        ]

    def __str__(self) -> str:
        return f"SKM {self.application_id}"

    def is_open(self, at: dt.datetime) -> bool:
        return self.answered_at is None and at < self.expires_at


class ImportBatch(models.Model):
    """One CSV of responses an agency administrator imported (all its rows, or none)."""

    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.PROTECT)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"), on_delete=models.PROTECT
    )
    file_name = models.CharField(_("file name"), max_length=200)
    digest = models.CharField(_("SHA-256 of the file"), max_length=64)
    rows = models.PositiveIntegerField(_("responses"))
    created_at = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey import")
        verbose_name_plural = _("survey imports")
        constraints = [
            models.UniqueConstraint(fields=["agency", "digest"], name="surveys_import_once")
        ]

    def __str__(self) -> str:
        return self.file_name


def answer_field(code: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(code.upper())


class Response(models.Model):
    """One respondent's nine answers (1–4), the optional profile and suggestion."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online (invitation link)")
        PAPER = "kertas", _("Paper questionnaire")
        IMPORT = "impor", _("Imported file")

    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.PROTECT)
    service = models.ForeignKey(
        Service, verbose_name=_("service"), null=True, blank=True, on_delete=models.PROTECT
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    answered_on = models.DateField(_("answered on"))  # the agency's local date
    u1 = answer_field("u1")
    u2 = answer_field("u2")
    u3 = answer_field("u3")
    u4 = answer_field("u4")
    u5 = answer_field("u5")
    u6 = answer_field("u6")
    u7 = answer_field("u7")
    u8 = answer_field("u8")
    u9 = answer_field("u9")
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    age_band = models.CharField(_("age"), max_length=5, choices=AgeBand.choices, blank=True)
    education = models.CharField(
        _("education"), max_length=10, choices=Education.choices, blank=True
    )
    occupation = models.CharField(
        _("occupation"), max_length=10, choices=Occupation.choices, blank=True
    )
    suggestion = models.TextField(_("suggestion"), blank=True)
    # Who typed or imported it (paper and imports only; an online answer names nobody).
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered"), null=True, blank=True)
    batch = models.ForeignKey(
        ImportBatch,
        verbose_name=_("import"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responses",
    )

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(**{f"{code}__gte": 1, f"{code}__lte": 4}),
                name=f"surveys_response_{code}_1_to_4",
            )
            for code in UNSUR
        ]
        indexes = [
            models.Index(fields=["agency", "answered_on"]),
            models.Index(fields=["service", "answered_on"]),
            models.Index(fields=["unit", "answered_on"]),
        ]

    def __str__(self) -> str:
        return f"SKM {self.agency_id} {self.answered_on}"

    @property
    def answers(self) -> list[int]:
        return [getattr(self, code) for code in UNSUR]
