"""Forms of the back office for complaints: the queue's filters, one form per officer action,
the counter (or phone) filing on a citizen's behalf, and the export's period.

Field names are the names of the action's arguments, so that an `InvalidInput` naming a field
lands next to that field. Each action form carries the complaint's `revision` as the officer
saw it: the action refuses a change made on a stale page (`AlreadyHandled`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from layanan.complaints.models import Channel, Kind, LaporLink, Privacy, Status

DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]


def note_field(label: Any, *, required: bool, help_text: Any = "", missing: Any = "") -> Any:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=4000,
        error_messages={
            "required": missing,
            "max_length": gettext_lazy("Write at most 4000 characters"),
        },
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# -- the queue ------------------------------------------------------------------------------------


class QueueFilter(forms.Form):
    use_required_attribute = False
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    jenis = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)
    kategori = forms.ChoiceField(label=gettext_lazy("Category"), required=False)
    terlambat = forms.BooleanField(label=gettext_lazy("Overdue only"), required=False)

    def __init__(self, *args: Any, categories: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            ("", _("Open (not yet resolved)")),
            ("all", _("All")),
            *Status.choices,
        ]
        self.fields["jenis"].choices = [("", _("All kinds")), *Kind.choices]  # type: ignore[attr-defined]
        self.fields["kategori"].choices = [("", _("All categories")), *categories]  # type: ignore[attr-defined]


# -- the actions ----------------------------------------------------------------------------------


class ActionForm(forms.Form):
    """What every action form has: the revision of the complaint the officer saw."""

    use_required_attribute = False
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class VerifyForm(ActionForm):
    prefix = "verifikasi"
    note = note_field(
        gettext_lazy("Note for the complainant"),
        required=False,
        help_text=gettext_lazy("The complainant reads this."),
    )


class CompletionForm(ActionForm):
    prefix = "kelengkapan"
    note = note_field(
        gettext_lazy("What the complainant must add"),
        required=True,
        help_text=gettext_lazy(
            "The complainant reads this and has a limited time to complete the complaint."
        ),
        missing=gettext_lazy("Write what the complainant must add"),
    )


class ForwardForm(ActionForm):
    prefix = "teruskan"
    unit = forms.TypedChoiceField(
        label=gettext_lazy("Forward to"),
        help_text=gettext_lazy("The unit that can act on it, in this or another agency."),
        coerce=int,
        error_messages={
            "required": gettext_lazy("Choose the unit to forward the complaint to"),
            "invalid_choice": gettext_lazy("Choose a unit from the list"),
        },
    )
    note = note_field(gettext_lazy("Note for the unit"), required=False)

    def __init__(self, *args: Any, units: list[tuple[str, list[tuple[int, str]]]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("Choose a unit")), *units]  # type: ignore[attr-defined]


class PlanForm(ActionForm):
    prefix = "rencana"
    note = note_field(
        gettext_lazy("The follow-up planned"),
        required=True,
        help_text=gettext_lazy("Published as a response: what will be done, by whom, by when."),
        missing=gettext_lazy("Write the follow-up planned"),
    )


class RespondForm(ActionForm):
    prefix = "tanggapan"
    note = note_field(
        gettext_lazy("Response"),
        required=True,
        missing=gettext_lazy("Write the response"),
    )
    public = forms.TypedChoiceField(
        label=gettext_lazy("Who reads it"),
        widget=forms.RadioSelect,
        coerce=lambda value: value == "public",
        choices=[
            ("public", gettext_lazy("Public: the complainant, and the public page")),
            ("internal", gettext_lazy("Internal: officers only")),
        ],
        error_messages={
            "required": gettext_lazy("Choose who reads the response"),
            "invalid_choice": gettext_lazy("Choose who reads the response"),
        },
    )


class ResolveForm(ActionForm):
    prefix = "selesai"
    outcome = note_field(
        gettext_lazy("Outcome"),
        required=True,
        help_text=gettext_lazy(
            "Published. The complainant is asked whether it is resolved and may reopen it."
        ),
        missing=gettext_lazy("Write the outcome"),
    )
    compensation_amount = forms.IntegerField(
        label=gettext_lazy("Compensation decided (rupiah)"),
        required=False,
        min_value=1,
        max_value=10**12,
        help_text=gettext_lazy("Only when compensation (ganti rugi) is decided."),
        error_messages={
            "invalid": gettext_lazy("Write the compensation as a whole number of rupiah"),
            "min_value": gettext_lazy("The compensation must be at least Rp1"),
            "max_value": gettext_lazy("The compensation is too large"),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-10"}),
    )
    compensation_due_on = forms.DateField(
        label=gettext_lazy("Compensation to be paid by"),
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": gettext_lazy("Write the date as a real date")},
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        amount, due = data.get("compensation_amount"), data.get("compensation_due_on")
        if amount and not due and "compensation_due_on" not in self.errors:
            self.add_error(
                "compensation_due_on", _("Write the date by which the compensation is paid")
            )
        if due and not amount and "compensation_amount" not in self.errors:
            self.add_error("compensation_amount", _("Write the amount of the compensation"))
        return data


class RejectForm(ActionForm):
    prefix = "tolak"
    ground = forms.ChoiceField(
        label=gettext_lazy("Ground"),
        widget=forms.RadioSelect,
        choices=[
            ("outside_authority", gettext_lazy("Outside our authority")),
            ("other", gettext_lazy("Another ground (explained below)")),
        ],
        error_messages={
            "required": gettext_lazy("Choose the ground for rejecting"),
            "invalid_choice": gettext_lazy("Choose the ground for rejecting"),
        },
    )
    reason = note_field(
        gettext_lazy("Reason"),
        required=True,
        help_text=gettext_lazy("The complainant reads this."),
        missing=gettext_lazy("Write the reason for rejecting"),
    )


class DuplicateForm(ActionForm):
    prefix = "duplikat"
    primary = forms.CharField(
        label=gettext_lazy("Number of the earlier complaint"),
        help_text=gettext_lazy(
            "This complaint is closed as its duplicate; its complainant is told the outcome "
            "of the earlier one."
        ),
        max_length=40,
        error_messages={
            "required": gettext_lazy("Write the number of the earlier complaint"),
            "max_length": gettext_lazy("Write a complaint number"),
        },
        widget=forms.TextInput(attrs={"spellcheck": "false", "class": "govuk-input--width-20"}),
    )

    def clean_primary(self) -> str:
        return "".join(self.cleaned_data["primary"].split()).upper()


class LaporForm(ActionForm):
    prefix = "lapor"
    link = forms.ChoiceField(
        label=gettext_lazy("SP4N-LAPOR!"),
        widget=forms.RadioSelect,
        choices=[c for c in LaporLink.choices if c[0]],
        error_messages={
            "required": gettext_lazy("Choose whether it came from or went to SP4N-LAPOR!"),
            "invalid_choice": gettext_lazy("Choose whether it came from or went to SP4N-LAPOR!"),
        },
    )
    number = forms.CharField(
        label=gettext_lazy("LAPOR! tracking number"),
        max_length=40,
        error_messages={
            "required": gettext_lazy("Write the LAPOR! tracking number"),
            "max_length": gettext_lazy("The LAPOR! tracking number is at most 40 characters"),
        },
        widget=forms.TextInput(attrs={"spellcheck": "false", "class": "govuk-input--width-20"}),
    )


# -- filing at the counter or by phone ------------------------------------------------------------


class CounterFilingForm(forms.Form):
    """What a front-office officer asks a citizen at the counter or on the phone."""

    use_required_attribute = False
    channel = forms.ChoiceField(
        label=gettext_lazy("Received"),
        widget=forms.RadioSelect,
        choices=[(Channel.COUNTER, Channel.COUNTER.label), (Channel.PHONE, Channel.PHONE.label)],
        error_messages={
            "required": gettext_lazy("Choose how the complaint was received"),
            "invalid_choice": gettext_lazy("Choose how the complaint was received"),
        },
    )
    account = forms.CharField(
        label=gettext_lazy("Citizen's account: email address, mobile number or NIK"),
        required=False,
        max_length=254,
        help_text=gettext_lazy(
            "When the citizen has an account, the complaint is theirs and they follow it "
            "there. Otherwise leave this empty and write their name and contact below."
        ),
        error_messages={"max_length": gettext_lazy("Write at most 254 characters")},
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    contact_name = forms.CharField(
        label=gettext_lazy("Citizen's name"),
        required=False,
        max_length=200,
        error_messages={"max_length": gettext_lazy("The name is at most 200 characters")},
    )
    contact_email = forms.EmailField(
        label=gettext_lazy("Citizen's email address"),
        required=False,
        error_messages={
            "invalid": gettext_lazy("Write an email address in the right form, like nama@contoh.id")
        },
        widget=forms.EmailInput(attrs={"spellcheck": "false"}),
    )
    contact_phone = forms.CharField(
        label=gettext_lazy("Citizen's phone number"),
        required=False,
        max_length=20,
        error_messages={"max_length": gettext_lazy("The phone number is at most 20 characters")},
        widget=forms.TextInput(attrs={"type": "tel", "class": "govuk-input--width-20"}),
    )
    category = forms.TypedChoiceField(
        label=gettext_lazy("Category"),
        coerce=int,
        error_messages={
            "required": gettext_lazy("Choose the category of the complaint"),
            "invalid_choice": gettext_lazy("Choose a category from the list"),
        },
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        widget=forms.RadioSelect,
        choices=Kind.choices,
        initial=Kind.COMPLAINT,
        error_messages={
            "required": gettext_lazy("Choose the kind"),
            "invalid_choice": gettext_lazy("Choose the kind"),
        },
    )
    privacy = forms.ChoiceField(
        label=gettext_lazy("Privacy the citizen asks for"),
        widget=forms.RadioSelect,
        choices=Privacy.choices,
        initial=Privacy.PUBLIC,
        error_messages={
            "required": gettext_lazy("Choose the privacy the citizen asks for"),
            "invalid_choice": gettext_lazy("Choose the privacy the citizen asks for"),
        },
    )
    description = forms.CharField(
        label=gettext_lazy("What happened"),
        max_length=10000,
        error_messages={
            "required": gettext_lazy("Write what happened"),
            "max_length": gettext_lazy("Write at most 10000 characters"),
        },
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    application_number = forms.CharField(
        label=gettext_lazy("Application tracking number"),
        required=False,
        max_length=40,
        help_text=gettext_lazy("When the complaint is about one application."),
        error_messages={"max_length": gettext_lazy("Write a tracking number")},
        widget=forms.TextInput(attrs={"spellcheck": "false", "class": "govuk-input--width-20"}),
    )
    address = forms.CharField(
        label=gettext_lazy("Where"),
        required=False,
        max_length=500,
        error_messages={"max_length": gettext_lazy("Write at most 500 characters")},
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    happened_on = forms.DateField(
        label=gettext_lazy("When"),
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": gettext_lazy("Write the date as a real date")},
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    loss = forms.CharField(
        label=gettext_lazy("The loss"),
        required=False,
        max_length=4000,
        error_messages={"max_length": gettext_lazy("Write at most 4000 characters")},
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    remedy = forms.CharField(
        label=gettext_lazy("Remedy asked for"),
        required=False,
        max_length=4000,
        error_messages={"max_length": gettext_lazy("Write at most 4000 characters")},
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    compensation_claimed = forms.IntegerField(
        label=gettext_lazy("Compensation claimed (rupiah)"),
        required=False,
        min_value=1,
        max_value=10**12,
        error_messages={
            "invalid": gettext_lazy("Write the compensation as a whole number of rupiah"),
            "min_value": gettext_lazy("The compensation must be at least Rp1"),
            "max_value": gettext_lazy("The compensation is too large"),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-10"}),
    )

    def __init__(
        self, *args: Any, categories: list[tuple[str, list[tuple[int, str]]]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("Choose a category")), *categories]  # type: ignore[attr-defined]

    def clean_happened_on(self) -> dt.date | None:
        day: dt.date | None = self.cleaned_data["happened_on"]
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future"))
        return day


# -- the export -----------------------------------------------------------------------------------


class ExportFilter(forms.Form):
    """The period of the export: complaints received from `dari` to `sampai`, both included.
    A missing last day is today, a missing first day 30 days before the last; the period as
    completed this way is what is checked, so that a first day alone cannot ask for years."""

    DEFAULT_DAYS = 30

    use_required_attribute = False
    dari = forms.DateField(
        label=gettext_lazy("Received from"),
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": gettext_lazy("Write the first day as a real date")},
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    sampai = forms.DateField(
        label=gettext_lazy("Received until"),
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": gettext_lazy("Write the last day as a real date")},
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        last = data.get("sampai") or timezone.localdate()
        first = data.get("dari") or last - dt.timedelta(days=self.DEFAULT_DAYS)
        data.update(dari=first, sampai=last)
        if first > last:
            self.add_error("sampai", _("The last day must be on or after the first day"))
        elif (last - first).days > 366:
            self.add_error(
                "dari" if not self.data.get("sampai") else "sampai",
                _("Export at most one year at a time"),
            )
        return data
