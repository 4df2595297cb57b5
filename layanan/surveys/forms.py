"""The questionnaire as forms: online (the applicant), paper (an officer types it in), and the
CSV import. Forms only shape the input; the actions decide what is valid."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from layanan.agencies.models import Agency, Unit
from layanan.charters.models import Service
from layanan.lib.ikm import UNSUR
from layanan.surveys.actions import SUGGESTION_LIMIT, SurveyError
from layanan.surveys.questionnaire import PROFILE_CHOICES, QUESTIONS

PROFILE_LABELS = {
    "sex": _("Sex"),
    "age_band": _("Age"),
    "education": _("Highest education"),
    "occupation": _("Main occupation"),
}


class QuestionnaireForm(forms.Form):
    """The nine unsur (required, in order), the profile and the suggestion (optional)."""

    use_required_attribute = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in QUESTIONS:
            self.fields[question.code] = forms.TypedChoiceField(
                label=f"{question.code.upper()}. {question.text}",
                help_text=question.name,
                coerce=int,
                choices=[(value, label) for value, label in enumerate(question.answers, 1)],
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose one of the four answers."),
                    "invalid_choice": _("Choose one of the four answers."),
                },
            )
        for name, choices in PROFILE_CHOICES.items():
            self.fields[name] = forms.ChoiceField(
                label=PROFILE_LABELS[name],
                required=False,
                choices=[("", _("Rather not say")), *choices.choices],
                error_messages={"invalid_choice": _("Choose one of the options.")},
            )
        self.fields["suggestion"] = forms.CharField(
            label=_("Your suggestion for improving this service"),
            required=False,
            max_length=SUGGESTION_LIMIT,
            widget=forms.Textarea(attrs={"rows": 4}),
            error_messages={
                "max_length": _("Write at most %(limit_value)d characters."),
            },
        )

    def question_fields(self) -> list[forms.BoundField]:
        return [self[code] for code in UNSUR]

    def profile_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in PROFILE_CHOICES]

    def answers(self) -> dict[str, int]:
        return {code: self.cleaned_data[code] for code in UNSUR}

    def profile(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in PROFILE_CHOICES}

    def add_action_errors(self, error: SurveyError) -> None:
        for name, problems in (error.fields or {"": [error.message]}).items():
            for problem in problems:
                self.add_error(name if name in self.fields else None, problem)


class PaperForm(QuestionnaireForm):
    """A paper questionnaire: which unit and service it is about, and when it was answered."""

    def __init__(self, *args: Any, units: list[Unit], services: list[Service], **kw: Any):
        super().__init__(*args, **kw)
        self.units = {str(unit.pk): unit for unit in units}
        self.services = {str(service.pk): service for service in services}
        head = {
            "unit": forms.ChoiceField(
                label=_("Unit where the citizen was served"),
                choices=[(pk, str(unit)) for pk, unit in self.units.items()],
                error_messages={"required": _("Choose the unit.")},
            ),
            "service": forms.ChoiceField(
                label=_("Service"),
                required=False,
                choices=[("", _("Not about one service"))]
                + [(pk, s.display_name) for pk, s in self.services.items()],
                error_messages={"invalid_choice": _("Choose a service from the list.")},
            ),
            "answered_on": forms.DateField(
                label=_("Date on the questionnaire"),
                help_text=_("For example 2026-11-30."),
                initial=timezone.localdate,
                error_messages={
                    "required": _("Enter the date the questionnaire was filled in."),
                    "invalid": _("Enter a date like 2026-11-30."),
                },
                widget=forms.DateInput(attrs={"type": "date"}),
            ),
        }
        self.fields = {**head, **self.fields}
        if len(self.units) == 1:
            self.fields["unit"].initial = next(iter(self.units))

    def clean_answered_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["answered_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day

    def head_fields(self) -> list[forms.BoundField]:
        return [self["unit"], self["service"], self["answered_on"]]


class ImportForm(forms.Form):
    use_required_attribute = False

    def __init__(self, *args: Any, agencies: list[Agency], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.agencies = {agency.code: agency for agency in agencies}
        self.fields["agency"] = forms.ChoiceField(
            label=_("Agency"),
            choices=[(code, agency.name) for code, agency in self.agencies.items()],
            error_messages={"required": _("Choose the agency.")},
        )
        self.fields["service"] = forms.CharField(
            label=_("Service code"),
            required=False,
            help_text=_("Leave empty when the answers are not about one service."),
        )
        self.fields["unit"] = forms.CharField(
            label=_("Unit code"),
            required=False,
            help_text=_("Leave empty when the answers are about the agency as a whole."),
        )
        self.fields["answered_on"] = forms.DateField(
            label=_("Date of the survey"),
            help_text=_("Used for rows without a 'tanggal' column. For example 2026-11-30."),
            error_messages={
                "required": _("Enter the date of the survey."),
                "invalid": _("Enter a date like 2026-11-30."),
            },
            widget=forms.DateInput(attrs={"type": "date"}),
        )
        self.fields["file"] = forms.FileField(
            label=_("CSV file"),
            error_messages={
                "required": _("Choose the CSV file."),
                "empty": _("The file is empty."),
            },
            widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        )
