"""The citizen's forms on a consultation page: a comment on a component (or one of its
requirements or steps), a stance, a report of a comment. The rules themselves (the period,
what a target may be, the lengths) are the actions' (consultations.py); the forms only
carry the fields, and the actions' errors are put back next to them."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.utils.translation import gettext_lazy as _

from layanan.charters.models import Comment

STANCE_CHOICES = [("", _("No stance")), *Comment.Stance.choices]


class CommentForm(forms.Form):
    # what may be chosen and how long a comment may be is checked by `write_comment`, whose
    # messages come back next to these fields; the form only says what is missing
    target = forms.CharField(
        label=_("What is your comment about?"),
        widget=forms.Select,
        error_messages={"required": _("Choose the part of the standard you comment on.")},
    )
    text = forms.CharField(
        label=_("Your comment"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("At most 2,000 characters. Your name is not shown with the comment."),
        error_messages={"required": _("Write your comment.")},
    )
    stance = forms.CharField(
        label=_("Do you support or oppose this component?"),
        required=False,
        widget=forms.RadioSelect(choices=STANCE_CHOICES),
    )

    def __init__(self, *args: object, targets: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["target"].widget.choices = targets
        self.fields["stance"].hide_optional = True  # type: ignore[attr-defined]

    def add_action_errors(self, errors: Mapping[str, str]) -> None:
        """The action names the target `component`; here it is the `target` field."""
        for key, message in errors.items():
            name = "target" if key == "component" else key
            self.add_error(name if name in self.fields else None, message)


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("Why should the moderators look at it?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
