"""The application form, generated from the charter version's form schema.

One Django form class per charter version serves the web pages, the counter and the API, so
all of them accept and refuse exactly the same answers, with the same messages in the user's
language. Every message names the field by its label (GOV.UK's error-message pattern:
"Masukkan NIK pemilik", "Luas lantai bangunan paling banyak 72 m²"), and the rules a charter
declares on a field (`charters.rules`) are checked here, relative dates against today.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from layanan.accounts.fields import PHONE_MESSAGES, NikField, in_sentence
from layanan.accounts.nik_store import open_nik, seal_nik
from layanan.charters import rules as field_rules
from layanan.charters.models import Charter
from layanan.charters.spec import text_in
from layanan.lib import phone
from layanan.lib.sealed import is_sealed

# Longest answers kept, whatever the charter says (a charter's max_length may be lower).
TEXT_LIMITS = {"text": 500, "textarea": 5000, "email": 254}
SELECT_TYPES = ("select", "date")  # answered by choosing, so the message says "Select"


def number_text(value: Any) -> str:
    """A number as people write it in the page's language: 72, 72,5 (id), 72.5 (en)."""
    text = format(Decimal(str(value)).normalize(), "f")
    return str(formats.number_format(Decimal(text), use_l10n=True))


def date_text(value: dt.date) -> str:
    return formats.date_format(value, "j F Y")


def with_unit(value: Any, unit: str) -> str:
    return f"{number_text(value)} {unit}".strip()


class Answer(forms.Field):
    """What every answer field shares: messages that name the field, and the charter's rules.

    Django's own messages ("Enter a valid date.", "This field is required.") are replaced by
    ours, chosen by the error's code; rules are checked on the cleaned value."""

    def setup(self, spec: dict[str, Any], language: str, today: dt.date) -> None:
        self.today = today  # the day of filing, in the lead agency's time zone
        self.spec = spec
        self.kind: str = spec["type"]
        self.rules: dict[str, Any] = spec.get("rules") or {}
        self.name_text = text_in(spec["label"], language)
        self.unit = text_in(spec.get("unit"), language)
        self.suffix = self.unit  # shown after the input (includes/field.html)

    def say(self, message: str, **values: Any) -> str:
        return message % {
            "label": self.name_text,
            "in_label": in_sentence(self.name_text),
            **values,
        }

    def required_message(self) -> str:
        if self.name_text.rstrip().endswith("?"):
            # A label that is a question ("Pernah tersangkut perkara pidana?") reads badly
            # after "Pilih"; name it as the question it is.
            if self.kind in SELECT_TYPES:
                return self.say(_("Select an answer to the question “%(label)s”"))
            return self.say(_("Answer the question “%(label)s”"))
        if self.kind in SELECT_TYPES:
            return self.say(_("Select %(in_label)s"))
        if self.kind == "checkbox":
            return self.say(_("Tick the box if this is true: %(label)s"))
        return self.say(_("Enter %(in_label)s"))

    def invalid_message(self, error: ValidationError) -> str:
        return self.say(_("Enter %(in_label)s in the right form"))

    def clean(self, value: Any) -> Any:
        try:
            cleaned = super().clean(value)
        except ValidationError as error:
            messages = []
            for problem in error.error_list:
                if problem.code == "required":
                    messages.append(self.required_message())
                else:
                    messages.append(self.invalid_message(problem))
            raise ValidationError(list(dict.fromkeys(messages))) from None
        if cleaned not in (None, ""):
            problems = [self.explain(v) for v in self.violations(cleaned)]
            if problems:
                raise ValidationError(problems)
        return cleaned

    def violations(self, value: Any) -> list[field_rules.Violation]:
        return []

    def explain(self, violation: field_rules.Violation) -> str:
        return self.say(_("Enter %(in_label)s in the right form"))


class TextAnswer(Answer, forms.CharField):
    def violations(self, value: Any) -> list[field_rules.Violation]:
        found = field_rules.check_text(self.rules, value)
        limit = TEXT_LIMITS.get(self.kind, TEXT_LIMITS["text"])
        if len(value) > limit and not any(v.rule == "max_length" for v in found):
            found.append(field_rules.Violation("max_length", limit))
        return found

    def explain(self, violation: field_rules.Violation) -> str:
        if violation.rule == "min_length":
            return self.say(
                _("%(label)s must be %(limit)s characters or more"), limit=violation.limit
            )
        if violation.rule == "max_length":
            return self.say(
                _("%(label)s must be %(limit)s characters or fewer"), limit=violation.limit
            )
        language = get_language() or "id"
        return text_in(self.rules.get("message"), language) or super().explain(violation)


class EmailAnswer(TextAnswer, forms.EmailField):
    def invalid_message(self, error: ValidationError) -> str:
        return self.say(_("Enter %(in_label)s in the right form, like nama@contoh.id"))


class PhoneAnswer(Answer, forms.CharField):
    """Stored in E.164 (+6281234567890); lengths count the digits written with the leading 0.
    A number that is not one says why, in the words sign-up and the profile use
    (`accounts.fields.PHONE_MESSAGES`, by the normaliser's code)."""

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        if text in self.empty_values:
            return ""
        try:
            return phone.normalise(str(text))
        except phone.PhoneError as problem:
            raise ValidationError("not a phone number", code=f"phone_{problem.code}") from None

    def prepare_value(self, value: Any) -> Any:
        # Shown as Indonesians write it (0812-3456-7890), not as stored.
        return phone.national(value) if isinstance(value, str) else value

    def invalid_message(self, error: ValidationError) -> str:
        code = (error.code or "").removeprefix("phone_")
        if code in PHONE_MESSAGES:
            return str(PHONE_MESSAGES[code]) % {"what": in_sentence(self.name_text)}
        return self.say(_("Enter %(in_label)s like 0812 3456 7890 or +62 812 3456 7890"))

    def violations(self, value: Any) -> list[field_rules.Violation]:
        return field_rules.check_text(self.rules, value, length=national_digits)

    def explain(self, violation: field_rules.Violation) -> str:
        if violation.rule == "min_length":
            return self.say(
                _("%(label)s must have %(limit)s digits or more"), limit=violation.limit
            )
        return self.say(_("%(label)s must have %(limit)s digits or fewer"), limit=violation.limit)


def national_digits(e164: str) -> int:
    """How many digits a stored number has as written in Indonesia (0812-3456-7890: 12)."""
    return len(re.sub(r"\D", "", phone.national(e164)))


class NumberAnswer(Answer, forms.DecimalField):
    def to_python(self, value: Any) -> Any:
        # Indonesians write a decimal comma (72,5); accept it when there is no point.
        if isinstance(value, str) and "," in value and "." not in value:
            value = value.replace(",", ".")
        return super().to_python(value)

    def invalid_message(self, error: ValidationError) -> str:
        if error.code == "max_decimal_places":
            return self.say(_("%(label)s can have at most 4 digits after the decimal point"))
        if error.code in ("max_digits", "max_whole_digits"):
            return self.say(_("%(label)s is too large"))
        return self.say(_("%(label)s must be a number"))

    def violations(self, value: Any) -> list[field_rules.Violation]:
        return field_rules.check_number(self.rules, value)

    def explain(self, violation: field_rules.Violation) -> str:
        if violation.rule == "integer":
            return self.say(_("%(label)s must be a whole number"))
        limit = with_unit(violation.limit, self.unit)
        if violation.rule == "min":
            return self.say(_("%(label)s must be at least %(limit)s"), limit=limit)
        return self.say(_("%(label)s must be at most %(limit)s"), limit=limit)


class DateAnswer(Answer, forms.DateField):
    def invalid_message(self, error: ValidationError) -> str:
        return self.say(_("%(label)s must be a real date"))

    def violations(self, value: Any) -> list[field_rules.Violation]:
        return field_rules.check_date(self.rules, value, today=self.today)

    def explain(self, violation: field_rules.Violation) -> str:
        today = violation.limit == self.today
        if violation.rule == "min":
            if today:
                return self.say(_("%(label)s must be today or later"))
            return self.say(
                _("%(label)s must be on or after %(date)s"), date=date_text(violation.limit)
            )
        if today:
            return self.say(_("%(label)s must be today or earlier"))
        return self.say(
            _("%(label)s must be on or before %(date)s"), date=date_text(violation.limit)
        )


class NikAnswer(Answer, NikField):
    def invalid_message(self, error: ValidationError) -> str:
        if error.code == "nik":
            return self.say(_("%(label)s is not a valid NIK: %(reason)s"), reason=error.messages[0])
        return self.say(_("%(label)s must be 16 digits"))


class ChoiceAnswer(Answer, forms.ChoiceField):
    def invalid_message(self, error: ValidationError) -> str:
        return self.say(_("Select %(in_label)s from the list"))


class CheckboxAnswer(Answer, forms.BooleanField):
    pass


def build_field(spec: dict[str, Any], language: str, *, today: dt.date) -> forms.Field:
    label = text_in(spec["label"], language)
    help_text = text_in(spec.get("help"), language)
    common: dict[str, Any] = {"label": label, "help_text": help_text, "required": spec["required"]}
    kind = spec["type"]
    field: Answer
    if kind == "textarea":
        field = TextAnswer(widget=forms.Textarea(attrs={"rows": 5}), **common)
    elif kind == "number":
        field = NumberAnswer(
            max_digits=18,
            decimal_places=4,
            widget=forms.TextInput(
                attrs={
                    "inputmode": "decimal",
                    "spellcheck": "false",
                    "class": "govuk-input--width-10",
                }
            ),
            **common,
        )
    elif kind == "date":
        field = DateAnswer(
            widget=forms.DateInput(attrs={"type": "date"}),
            input_formats=["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"],
            **common,
        )
    elif kind == "email":
        field = EmailAnswer(widget=forms.EmailInput(attrs={"autocomplete": "email"}), **common)
    elif kind == "phone":
        field = PhoneAnswer(
            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}), **common
        )
    elif kind == "nik":
        field = NikAnswer(widget=forms.TextInput(attrs={"inputmode": "numeric"}), **common)
    elif kind == "select":
        choices = [(c["value"], text_in(c["label"], language)) for c in spec["choices"]]
        if not spec["required"]:
            choices = [("", "—"), *choices]
        field = ChoiceAnswer(choices=choices, widget=forms.RadioSelect, **common)
    elif kind == "checkbox":
        field = CheckboxAnswer(**common)
    else:
        field = TextAnswer(**common)
    field.setup(spec, language, today)
    return field


class AnswersForm(forms.Form):
    use_required_attribute = False


# Form classes by what they are built from (the form's questions, the page, the language and
# the day of filing), so that checking answers does not build every field again each time.
_form_classes: dict[tuple[Any, ...], type[AnswersForm]] = {}
_FORM_CLASSES_KEPT = 256


def answers_form_class(charter: Charter, *, keys: list[str] | None = None) -> type[AnswersForm]:
    """A form for the charter's fields (or only `keys`, for one page of a long form).

    Kept by its inputs: the questions as JSON (a charter whose form changed is another key),
    the page's keys, the language and the day of filing (labels and date rules depend on
    them). Django copies a form class's fields for each form made from it."""
    language = get_language() or "id"
    today = charter.service.day_of_filing()
    specs = charter.content.get("form", [])
    kept = (
        json.dumps(specs, sort_keys=True, default=str),
        None if keys is None else tuple(keys),
        language,
        today,
    )
    if (known := _form_classes.get(kept)) is not None:
        return known
    fields = {
        spec["key"]: build_field(spec, language, today=today)
        for spec in specs
        if keys is None or spec["key"] in keys
    }
    form_class = type("ApplicationAnswersForm", (AnswersForm,), fields)
    if len(_form_classes) >= _FORM_CLASSES_KEPT:
        _form_classes.clear()
    _form_classes[kept] = form_class
    return form_class


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
    language = get_language() or "id"
    labels = {
        spec["key"]: text_in(spec["label"], language) for spec in charter.content.get("form", [])
    }
    errors: dict[str, list[str]] = {
        key: [_("This question is not part of the form.")] for key in answers if key not in labels
    }
    keys = [k for k in answers if k in labels] if partial else None
    data = {key: "" if value is None else value for key, value in answers.items()}
    for key, value in data.items():
        if isinstance(value, bool):
            data[key] = "on" if value else ""
        elif isinstance(value, (dict, list)) and key in labels:
            errors.setdefault(key, []).append(
                _("%(label)s must be a single value") % {"label": labels[key]}
            )
    form = answers_form_class(charter, keys=keys)(data=data)
    form.is_valid()
    for key, messages in form.errors.items():
        errors.setdefault(key, []).extend(str(m) for m in messages)
    cleaned = {key: to_json(value) for key, value in form.cleaned_data.items()}
    return cleaned, errors


# -- NIK answers at rest ---------------------------------------------------------------------------


def nik_keys(charter: Charter) -> set[str]:
    """The keys of the charter's questions answered with a NIK."""
    return {spec["key"] for spec in charter.content.get("form", []) if spec["type"] == "nik"}


def open_answers(stored: dict[str, Any]) -> dict[str, Any]:
    """The answers as given: every sealed NIK opened (`Application.answers` holds them sealed).
    Raises `accounts.nik_store.SealError` when the keyring cannot open one."""
    return {key: open_nik(value) if is_sealed(value) else value for key, value in stored.items()}


def merge_answers(
    charter: Charter, stored: dict[str, Any], cleaned: dict[str, Any]
) -> dict[str, Any] | None:
    """The stored answers with the changes in `cleaned`, NIKs sealed, ready to store; None
    when nothing changed. Unchanged answers keep their stored (sealed) form."""
    opened = open_answers(stored)
    sealed_keys = nik_keys(charter)
    merged = dict(stored)
    changed = False
    for key, value in cleaned.items():
        if key in opened and opened[key] == value:
            continue
        changed = True
        merged[key] = seal_nik(value) if key in sealed_keys and value else value
    return merged if changed else None
