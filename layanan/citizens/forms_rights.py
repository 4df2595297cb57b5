"""Forms of the citizen's rights under UU 27/2022 (/profil/data/) and of their answers."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from layanan.citizens.models import RightsRequest


class RightsRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you ask for?"),
        choices=RightsRequest.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what you ask for.")},
    )
    which = forms.CharField(
        label=_("Which of your data is it about?"),
        help_text=_(
            "For example: my address in my profile, or my name in application G5MD-QVSQ-NB."
        ),
        max_length=200,
        error_messages={"required": _("Say which of your data this is about.")},
    )
    details = forms.CharField(
        label=_("What is wrong, or what should be restricted?"),
        help_text=_("For a correction, write what is wrong and what is right."),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Say what is wrong, or what should be restricted.")},
    )
    reason = forms.CharField(
        label=_("Why do you ask?"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=RightsRequest.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the outcome.")},
    )
    answer = forms.CharField(
        label=_("Answer to the citizen"),
        help_text=_("What was done; for a refusal or a partial answer, the reason."),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class CloseAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your password.")},
    )
