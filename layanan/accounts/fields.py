"""Form fields for identity data, shared by the application form and the citizen profile."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from layanan.lib.nik import NikError, parse_nik

phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 \-]{6,18}[0-9]$",
    _("Enter a phone number such as 0812 3456 7890 or +62 812 3456 7890."),
)

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
