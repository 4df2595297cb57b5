"""The SKM questionnaire: the nine unsur in the regulation's order, each with its question and
four answers (1 = worst … 4 = best), and the optional respondent profile.

English source strings; the Indonesian wording is in the catalog (`_c10surveys.po`), so the
form reads in the visitor's language. Answers are keyed by unsur code, never by position.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as Promise
else:
    from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class Question:
    code: str
    name: Promise
    text: Promise
    answers: tuple[Promise, Promise, Promise, Promise]  # for 1, 2, 3, 4


QUESTIONS = (
    Question(
        "u1",
        pgettext_lazy("unsur", "Requirements"),
        _("Were the requirements fitting for this service?"),
        (_("Not fitting"), _("Somewhat fitting"), _("Fitting"), _("Very fitting")),
    ),
    Question(
        "u2",
        pgettext_lazy("unsur", "System, mechanism and procedure"),
        _("How easy was the procedure?"),
        (_("Not easy"), _("Somewhat easy"), _("Easy"), _("Very easy")),
    ),
    Question(
        "u3",
        pgettext_lazy("unsur", "Time to complete"),
        _("How quickly were you served?"),
        (_("Not quick"), _("Somewhat quick"), _("Quick"), _("Very quick")),
    ),
    Question(
        "u4",
        pgettext_lazy("unsur", "Cost/fee"),
        _("How fair was the cost of the service?"),
        (_("Very expensive"), _("Rather expensive"), _("Cheap"), _("Free")),
    ),
    Question(
        "u5",
        pgettext_lazy("unsur", "Product specification of the service"),
        _("Did what you received match what the service standard promises?"),
        (_("Does not match"), _("Partly matches"), _("Matches"), _("Fully matches")),
    ),
    Question(
        "u6",
        pgettext_lazy("unsur", "Competence of the staff"),
        _("How competent were the staff who served you?"),
        (_("Not competent"), _("Somewhat competent"), _("Competent"), _("Very competent")),
    ),
    Question(
        "u7",
        pgettext_lazy("unsur", "Conduct of the staff"),
        _("How polite and friendly were the staff?"),
        (
            _("Not polite or friendly"),
            _("Somewhat polite and friendly"),
            _("Polite and friendly"),
            _("Very polite and friendly"),
        ),
    ),
    Question(
        "u8",
        pgettext_lazy("unsur", "Handling of complaints, suggestions and feedback"),
        _("How are complaints and suggestions handled?"),
        (
            _("There is no way to complain"),
            _("There is one, but it does not work"),
            _("It works, but not fully"),
            _("It is handled well"),
        ),
    ),
    Question(
        "u9",
        pgettext_lazy("unsur", "Facilities and infrastructure"),
        _("How good were the facilities (waiting room, counters, website)?"),
        (_("Poor"), _("Adequate"), _("Good"), _("Very good")),
    ),
)


class Sex(models.TextChoices):
    MALE = "l", _("Male")
    FEMALE = "p", _("Female")


class AgeBand(models.TextChoices):
    UNDER_20 = "<20", _("Under 20")
    TWENTIES = "20-29", _("20–29")
    THIRTIES = "30-39", _("30–39")
    FORTIES = "40-49", _("40–49")
    FIFTIES = "50-59", _("50–59")
    SIXTY_PLUS = "60+", _("60 or older")


class Education(models.TextChoices):
    PRIMARY = "sd", _("Primary school (SD) or less")
    JUNIOR = "smp", _("Junior secondary (SMP)")
    SENIOR = "sma", _("Senior secondary (SMA/SMK)")
    DIPLOMA = "diploma", _("Diploma (D1–D4)")
    BACHELOR = "s1", _("Bachelor (S1)")
    POSTGRADUATE = "s2", _("Master or doctorate (S2/S3)")


class Occupation(models.TextChoices):
    CIVIL_SERVANT = "pns", _("Civil servant (PNS/ASN)")
    ARMED_FORCES = "tni", _("Armed forces (TNI)")
    POLICE = "polri", _("Police (POLRI)")
    PRIVATE = "swasta", _("Private employee")
    SELF_EMPLOYED = "wirausaha", _("Self-employed")
    OTHER = "lainnya", _("Other")


PROFILE_CHOICES: dict[str, type[models.TextChoices]] = {
    "sex": Sex,
    "age_band": AgeBand,
    "education": Education,
    "occupation": Occupation,
}
