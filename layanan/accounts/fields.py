"""Form fields for identity data, shared by the application form and the citizen profile."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from layanan.lib.nik import NikError, parse_nik
from layanan.lib.phone import PhoneError, national, normalise

NIK_MESSAGES = {
    "length": _("A NIK has exactly 16 digits."),
    "digits": _("A NIK has exactly 16 digits."),
    "province": _("The first two digits of this NIK are not a province code."),
    "regency": _("Digits 3–4 of this NIK are not a regency or city code."),
    "district": _("Digits 5–6 of this NIK are not a district code."),
    "date": _("Digits 7–12 of this NIK are not a valid date of birth."),
    "serial": _("The last four digits of this NIK cannot be 0000."),
}


class NikField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 24)
        kwargs["error_messages"] = {
            "max_length": NIK_MESSAGES["length"],
            **kwargs.get("error_messages", {}),
        }
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        if not text:
            return text
        try:
            nik = parse_nik(text, today=timezone.localdate())
        except NikError as problem:
            raise forms.ValidationError(
                NIK_MESSAGES.get(problem.code, NIK_MESSAGES["length"]), code="nik"
            ) from None
        return nik.number


# Each PhoneError code, said about the field by name (`what`: "your mobile phone number").
PHONE_MESSAGES = {
    "empty": _("Enter %(what)s"),
    "characters": _(
        "Enter %(what)s using only digits, spaces, hyphens and brackets, like 0812 3456 7890"
    ),
    "country": _("Enter %(what)s as an Indonesian number, starting with 0 or +62"),
    "prefix": _("Enter %(what)s starting with 0 or +62, like 0812 3456 7890"),
    "length": _("Enter %(what)s with 10 to 13 digits, like 0812 3456 7890"),
}


def in_sentence(label: str) -> str:
    """A field label as it reads inside a sentence: "Nomor HP pemohon" → "nomor HP pemohon".

    Only the first letter is lowered, and not when the first word is an abbreviation
    ("NIK", "HP"), which keeps its capitals.
    """
    first_word = label.split(" ", 1)[0]
    if len(first_word) > 1 and first_word[1:2].isupper():
        return label
    return label[:1].lower() + label[1:]


class PhoneInput(forms.TextInput):
    """A telephone input that shows a stored E.164 number as people write it (0812-3456-7890)."""

    input_type = "tel"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"autocomplete": "tel", "inputmode": "tel", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        text = super().format_value(value)
        return national(text) if text else text


class PhoneField(forms.CharField):
    """An Indonesian phone number written in any usual way, cleaned to E.164 (+6281234567890).

    `what` names the field inside the error messages ("Enter your mobile phone number …");
    without it the label is used. An empty optional field cleans to "".
    """

    widget = PhoneInput

    def __init__(self, *, what: str | Promise | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)
        self.what = what

    def field_name_in_sentence(self) -> str:
        if self.what is not None:
            return str(self.what)
        return in_sentence(str(self.label or _("a phone number")))

    def message(self, code: str) -> str:
        return str(PHONE_MESSAGES[code]) % {"what": self.field_name_in_sentence()}

    def clean(self, value: Any) -> str:
        if self.required and not str(value or "").strip():
            raise forms.ValidationError(self.message("empty"), code="required")
        if value and len(str(value)) > (self.max_length or 40):
            # Longer than any way of writing a number: say so before CharField's own message.
            raise forms.ValidationError(self.message("length"), code="phone")
        text = super().clean(value)
        if not text:
            return ""
        try:
            return normalise(text)
        except PhoneError as problem:
            raise forms.ValidationError(self.message(problem.code), code="phone") from None
