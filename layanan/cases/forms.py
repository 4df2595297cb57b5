"""Forms of the citizen's pages that are not generated from the charter (those are in
`answers`): uploading a document, ticking physical items received, the declaration."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def upload_field() -> forms.FileField:
    """The file of an upload, as every upload form asks it. An empty file is refused by the
    action (`uploads.check_upload`), with the same message as over the API."""
    return forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("A PDF, JPEG or PNG file of at most 10 MB."),
        allow_empty_file=True,
        error_messages={
            "required": gettext_lazy("Select a file to upload"),
            "invalid": gettext_lazy("Select a file to upload"),
        },
    )


class DocumentForm(forms.Form):
    use_required_attribute = False
    requirement = forms.ChoiceField(
        label=gettext_lazy("Which document"),
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Select which document you are uploading"),
            "invalid_choice": gettext_lazy("Select which document you are uploading"),
        },
    )
    file = upload_field()

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["requirement"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices
        # A missing file names the document chosen: "Pilih berkas KTP-el untuk diunggah".
        chosen = dict(choices).get(self.data.get("requirement", "")) if self.is_bound else None
        if chosen:
            self.fields["file"].error_messages["required"] = _(
                "Select the %(name)s file to upload"
            ) % {"name": chosen}


class ItemsForm(forms.Form):
    use_required_attribute = False
    items = forms.MultipleChoiceField(
        label=gettext_lazy("Items the applicant handed in"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["items"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = choices
        field.hide_optional = True  # type: ignore[attr-defined]  # ticking none is an answer


class DeclarationForm(forms.Form):
    use_required_attribute = False
    declaration = forms.BooleanField(label=gettext_lazy("I confirm that my answers are true"))

    def __init__(self, *args: Any, at_counter: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["declaration"]
        if at_counter:
            field.label = _("The applicant confirms that their answers are true")
            field.error_messages["required"] = _(
                "Tick the box to confirm the applicant's declaration that their answers are true"
            )
        else:
            field.error_messages["required"] = _(
                "Tick the box to confirm that your answers are true"
            )
