"""The application form, generated from the charter version's form schema.

One Django form class per charter version serves the web pages and the API, so both accept
and refuse exactly the same answers, with the same messages in the user's language.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from layanan.accounts.fields import NikField, PhoneField
from layanan.charters.models import Charter
from layanan.charters.spec import text_in


def build_field(spec: dict[str, Any], language: str) -> forms.Field:
    label = text_in(spec["label"], language)
    help_text = text_in(spec.get("help"), language)
    common: dict[str, Any] = {"label": label, "help_text": help_text, "required": spec["required"]}
    kind = spec["type"]
    if kind == "textarea":
        return forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 5}), **common)
    if kind == "number":
        return forms.DecimalField(max_digits=18, decimal_places=4, **common)
    if kind == "date":
        return forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}),
            input_formats=["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"],
            **common,
        )
    if kind == "email":
        return forms.EmailField(max_length=254, **common)
    if kind == "phone":
        return PhoneField(**common)  # stored in E.164 form, shown as 0812-3456-7890
    if kind == "nik":
        return NikField(widget=forms.TextInput(attrs={"inputmode": "numeric"}), **common)
    if kind == "select":
        choices = [(c["value"], text_in(c["label"], language)) for c in spec["choices"]]
        if not spec["required"]:
            choices = [("", "—"), *choices]
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if kind == "checkbox":
        return forms.BooleanField(**common)
    return forms.CharField(max_length=500, **common)


class AnswersForm(forms.Form):
    use_required_attribute = False


def answers_form_class(charter: Charter, *, keys: list[str] | None = None) -> type[AnswersForm]:
    """A form for the charter's fields (or only `keys`, for one page of a long form)."""
    language = get_language() or "id"
    fields = {
        spec["key"]: build_field(spec, language)
        for spec in charter.content.get("form", [])
        if keys is None or spec["key"] in keys
    }
    return type("ApplicationAnswersForm", (AnswersForm,), fields)


def to_json(value: Any) -> Any:
    """Store cleaned answers as JSON: dates as ISO text, numbers as text without trailing 0s."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def clean_answers(
    charter: Charter, answers: dict[str, Any], *, partial: bool
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Check answers; return (clean JSON answers, errors by field key).

    `partial` (a draft being saved): only the given keys are checked and missing required
    answers are allowed. Unknown keys are errors either way.
    """
    known = {spec["key"] for spec in charter.content.get("form", [])}
    errors: dict[str, list[str]] = {
        key: [str(_("This question is not part of the form."))]
        for key in answers
        if key not in known
    }
    keys = [k for k in answers if k in known] if partial else None
    data = {key: "" if value is None else value for key, value in answers.items()}
    for key, value in data.items():
        if isinstance(value, bool):
            data[key] = "on" if value else ""
        elif isinstance(value, (dict, list)):
            errors.setdefault(key, []).append(str(_("Enter a single value.")))
    form = answers_form_class(charter, keys=keys)(data=data)
    form.is_valid()
    for key, messages in form.errors.items():
        errors.setdefault(key, []).extend(str(m) for m in messages)
    cleaned = {key: to_json(value) for key, value in form.cleaned_data.items()}
    return cleaned, errors
