"""Forms of the complainant's and the public's complaint pages: filing, completing an
incomplete complaint, answering "is it resolved?", and the public list's filters.

Field names of `FilingForm` are the attribute names of `actions.Filing`, so that the errors
`file_complaint` raises (keyed by those names) land next to the right field.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from layanan.agencies.models import Agency
from layanan.complaints.models import Category, Kind, Privacy, Status

MAX_ATTACHMENTS = 5


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the action (type, size, content)."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        cleaned = [super(MultipleFileField, self).clean(one, initial) for one in files]
        if len(cleaned) > MAX_ATTACHMENTS:
            raise forms.ValidationError(
                _("Attach at most %(count)d files") % {"count": MAX_ATTACHMENTS}
            )
        return cleaned


def attachments_field() -> MultipleFileField:
    return MultipleFileField(
        label=gettext_lazy("Photos or documents"),
        help_text=gettext_lazy(
            "Up to 5 files: PDF, JPEG or PNG, each at most 10 MB. A photo of the place, a "
            "receipt, a letter you were given."
        ),
        required=False,
        allow_empty_file=True,  # an empty file is refused by the action, with its message
    )


def text_area(rows: int = 5) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def category_choices() -> list[tuple[str, Any]]:
    """Every active category, grouped by agency (one select that works without JavaScript)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    rows = Category.objects.filter(active=True).select_related("agency")
    for category in rows.order_by("agency__name", "position", "name"):
        groups.setdefault(category.agency.name, []).append((category.service_code, category.name))
    return [("", _("Choose the agency and the topic")), *groups.items()]


class FilingForm(forms.Form):
    use_required_attribute = False

    kind = forms.ChoiceField(
        label=gettext_lazy("What do you want to send?"),
        choices=Kind.choices,
        initial=Kind.COMPLAINT,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose whether it is a complaint, a suggestion or a request"),
            "invalid_choice": gettext_lazy(
                "Choose whether it is a complaint, a suggestion or a request"
            ),
        },
    )
    category = forms.ChoiceField(
        label=gettext_lazy("Agency and topic"),
        help_text=gettext_lazy(
            "The agencies are in alphabetical order; under each, its topics. “Pungutan liar” is "
            "a payment asked for that the service standard does not set."
        ),
        error_messages={
            "required": gettext_lazy("Choose the agency and the topic of your complaint"),
            "invalid_choice": gettext_lazy("Choose the agency and the topic of your complaint"),
        },
    )
    service = forms.CharField(required=False, widget=forms.HiddenInput)
    application_number = forms.CharField(
        label=gettext_lazy("Tracking number of your application"),
        help_text=gettext_lazy("If it is about an application, for example 7KQ4-M9TX-4C"),
        required=False,
        max_length=40,
        widget=forms.TextInput(
            attrs={"class": "govuk-input--width-20", "spellcheck": "false", "autocomplete": "off"}
        ),
    )
    description = forms.CharField(
        label=gettext_lazy("What happened?"),
        help_text=gettext_lazy(
            "In your own words: what went wrong, who was involved (a counter, a job title: no "
            "need for names). Do not write your own identity number or passwords here."
        ),
        max_length=5000,
        widget=text_area(8),
        error_messages={"required": gettext_lazy("Write what happened")},
    )
    address = forms.CharField(
        label=gettext_lazy("Where did it happen?"),
        help_text=gettext_lazy("The office, counter or street address, as precise as you can."),
        required=False,
        max_length=1000,
        widget=text_area(3),
    )
    latitude = forms.DecimalField(
        label=gettext_lazy("Latitude"),
        help_text=gettext_lazy("For example -7.566200"),
        required=False,
        min_value=Decimal(-90),
        max_value=Decimal(90),
        max_digits=9,
        decimal_places=6,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "decimal"}),
        error_messages={"invalid": gettext_lazy("Enter the latitude as a number, like -7.566200")},
    )
    longitude = forms.DecimalField(
        label=gettext_lazy("Longitude"),
        help_text=gettext_lazy("For example 110.816700"),
        required=False,
        min_value=Decimal(-180),
        max_value=Decimal(180),
        max_digits=9,
        decimal_places=6,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "decimal"}),
        error_messages={
            "invalid": gettext_lazy("Enter the longitude as a number, like 110.816700")
        },
    )
    happened_on = forms.DateField(
        label=gettext_lazy("When did it happen?"),
        help_text=gettext_lazy("For example 27-11-2026"),
        required=False,
        input_formats=["%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(
            format="%d-%m-%Y", attrs={"class": "govuk-input--width-10", "inputmode": "numeric"}
        ),
        error_messages={
            "invalid": gettext_lazy("Enter the date as day-month-year, for example 27-11-2026")
        },
    )
    loss = forms.CharField(
        label=gettext_lazy("What did it cost you?"),
        help_text=gettext_lazy("Money, time, a missed chance: the loss you suffered, if any."),
        required=False,
        max_length=2000,
        widget=text_area(3),
    )
    remedy = forms.CharField(
        label=gettext_lazy("What do you ask for?"),
        help_text=gettext_lazy("What would put it right: an apology, a refund, the service done."),
        required=False,
        max_length=2000,
        widget=text_area(3),
    )
    compensation_claimed = forms.CharField(
        label=gettext_lazy("Compensation you claim"),
        help_text=gettext_lazy("In rupiah, only if you ask for money, for example 150.000"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "numeric"}),
    )
    attachments = attachments_field()
    privacy = forms.ChoiceField(
        label=gettext_lazy("Who may read your complaint?"),
        choices=Privacy.choices,
        initial=Privacy.PUBLIC,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose who may read your complaint"),
            "invalid_choice": gettext_lazy("Choose who may read your complaint"),
        },
    )
    contact_name = forms.CharField(label=gettext_lazy("Your name"), required=False, max_length=200)
    contact_email = forms.EmailField(
        label=gettext_lazy("Email address"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={"invalid": gettext_lazy("Enter an email address like nama@contoh.id")},
    )
    contact_phone = forms.CharField(
        label=gettext_lazy("Mobile phone number"),
        help_text=gettext_lazy("For example 0812 3456 7890"),
        required=False,
        max_length=20,
        widget=forms.TextInput(
            attrs={"class": "govuk-input--width-20", "autocomplete": "tel", "inputmode": "tel"}
        ),
    )
    # A field people never see (hidden from eyes and screen readers, out of the tab order):
    # a robot that fills every box fills it, and its complaint is refused.
    website = forms.CharField(
        label=gettext_lazy("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    # Set by the confirmation step: the complainant saw the similar complaints and files theirs.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, signed_in: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = category_choices()
        self.signed_in = signed_in
        if signed_in:  # a citizen with an account files as themselves
            for name in ("contact_name", "contact_email", "contact_phone"):
                del self.fields[name]

    def clean_application_number(self) -> str:
        from layanan.cases.access import canonical_number

        text = self.cleaned_data["application_number"].strip()
        if not text:
            return ""
        number = canonical_number(text)
        if number is None:
            raise forms.ValidationError(
                _(
                    "Enter the tracking number as it is on your receipt, for example "
                    "7KQ4-M9TX-4C, or leave it empty"
                )
            )
        return number

    def clean_compensation_claimed(self) -> int | None:
        text = re.sub(r"[\s.,]|^rp", "", self.cleaned_data["compensation_claimed"].lower())
        if not text:
            return None
        if not text.isdigit() or len(text) > 15:
            raise forms.ValidationError(
                _("Enter the amount in rupiah using digits only, for example 150.000")
            )
        return int(text)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("latitude") is None) != (data.get("longitude") is None) and not (
            self.has_error("latitude") or self.has_error("longitude")
        ):
            missing = "longitude" if data.get("longitude") is None else "latitude"
            self.add_error(missing, _("Enter both the latitude and the longitude, or neither"))
        return data

    @property
    def is_robot(self) -> bool:
        return bool(self.cleaned_data.get("website"))

    def category_object(self) -> Category:
        return Category.objects.select_related("agency").get(
            service_code=self.cleaned_data["category"], active=True
        )


class CompletionForm(forms.Form):
    """What the complainant adds when the agency asks them to complete their complaint."""

    use_required_attribute = False
    note = forms.CharField(
        label=gettext_lazy("What you add"),
        help_text=gettext_lazy("Answer what the agency asked for."),
        max_length=5000,
        widget=text_area(6),
        error_messages={"required": gettext_lazy("Write what the agency asked for")},
    )
    attachments = attachments_field()


class FeedbackForm(forms.Form):
    """The complainant's answer to "is it resolved?", and their rating of the handling."""

    use_required_attribute = False
    verdict = forms.ChoiceField(
        label=gettext_lazy("Is your complaint resolved?"),
        choices=[
            # The values of the message's two links (?jawaban=ya / tidak).
            ("ya", gettext_lazy("Yes, it is resolved (Sudah selesai)")),
            ("tidak", gettext_lazy("No, it is not resolved (Belum selesai)")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose whether your complaint is resolved"),
            "invalid_choice": gettext_lazy("Choose whether your complaint is resolved"),
        },
    )
    reason = forms.CharField(
        label=gettext_lazy("If it is not resolved: what is still wrong?"),
        required=False,
        max_length=5000,
        widget=text_area(5),
    )
    rating = forms.TypedChoiceField(
        label=gettext_lazy("How was your complaint handled?"),
        help_text=gettext_lazy("1 is very bad, 5 is very good."),
        choices=[(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    kunci = forms.CharField(widget=forms.HiddenInput, max_length=100, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("verdict") == "tidak" and not data.get("reason", "").strip():
            self.add_error("reason", _("Write what is still wrong"))
        return data


class ListFilterForm(forms.Form):
    """The public list's filters; empty means all."""

    use_required_attribute = False
    instansi = forms.ChoiceField(label=gettext_lazy("Agency"), required=False)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    jenis = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)
    kategori = forms.ChoiceField(label=gettext_lazy("Topic"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        all_ = ("", _("All"))
        agencies = Agency.objects.order_by("name").values_list("code", "name")
        choices: dict[str, list[tuple[str, Any]]] = {
            "instansi": [all_, *agencies],
            "status": [all_, *Status.choices],
            "jenis": [all_, *Kind.choices],
            "kategori": [all_, *category_choices()[1:]],
        }
        for name, values in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = values
            field.error_messages["invalid_choice"] = _("Choose one of the list")
