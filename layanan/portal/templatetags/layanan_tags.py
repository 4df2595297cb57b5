"""Template helpers for rendering Django forms and pages with GOV.UK Frontend classes.

Load with ``{% load layanan_tags %}``. Used by templates/includes/field.html and
templates/includes/pagination.html; page templates rarely need them directly.
"""

import datetime as dt

from django import template
from django.core.paginator import Page
from django.forms import BoundField
from django.forms.boundfield import BoundWidget
from django.utils.safestring import SafeString

from layanan.charters import presenters
from layanan.charters.models import Charter
from layanan.charters.presenters import FeeNotice
from layanan.lib import display, money

register = template.Library()

# widget_type (see BoundField.widget_type) -> (class, extra class when invalid)
WIDGET_CLASSES: dict[str, tuple[str, str]] = {
    "textarea": ("govuk-textarea", "govuk-textarea--error"),
    "select": ("govuk-select", "govuk-select--error"),
    "selectmultiple": ("govuk-select", "govuk-select--error"),
    "nullbooleanselect": ("govuk-select", "govuk-select--error"),
    "checkbox": ("govuk-checkboxes__input", ""),
    "file": ("govuk-file-upload", "govuk-file-upload--error"),
    "clearablefile": ("govuk-file-upload", "govuk-file-upload--error"),
    "multiplefile": ("govuk-file-upload", "govuk-file-upload--error"),
}
INPUT_CLASSES = ("govuk-input", "govuk-input--error")


def join_classes(*classes: str | None) -> str:
    return " ".join(name for name in classes if name)


@register.simple_tag
def govuk_widget(field: BoundField) -> SafeString:
    """Render a bound field's widget with the GOV.UK class for its kind.

    Classes already set on the widget (such as ``govuk-input--width-10``) are kept.
    Django itself adds ``aria-describedby`` pointing at ``<id>_helptext`` and
    ``<id>_error``, the ids that field.html gives the hint and the error message,
    and ``aria-invalid`` when the field has errors.
    """
    base, invalid = WIDGET_CLASSES.get(field.widget_type, INPUT_CLASSES)
    css_class = join_classes(
        base, invalid if field.errors else "", field.field.widget.attrs.get("class")
    )
    return field.as_widget(attrs={"class": css_class})


@register.simple_tag
def govuk_option(option: BoundWidget, css_class: str) -> SafeString:
    """Render one radio or checkbox of a RadioSelect/CheckboxSelectMultiple, without its label."""
    attrs = {**option.data["attrs"]}
    attrs["class"] = join_classes(css_class, attrs.get("class"))
    return BoundWidget(option.parent_widget, {**option.data, "attrs": attrs}, option.renderer).tag()


@register.simple_tag
def elided_page_range(page_obj: Page, on_each_side: int = 1, on_ends: int = 1) -> list[int | str]:
    """Page numbers around the current one, with Paginator.ELLIPSIS for the gaps."""
    return list(
        page_obj.paginator.get_elided_page_range(
            page_obj.number, on_each_side=on_each_side, on_ends=on_ends
        )
    )


@register.filter
def rupiah(amount: object) -> str:
    """An amount in rupiah as Indonesians write it: Rp75.000."""
    try:
        value = int(amount)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return ""
    return money.rupiah(value)


@register.filter
def datetime_in(moment: object, zone: str | None = None) -> str:
    """An instant in an agency's zone: ``{{ event.at|datetime_in:agency.time_zone }}`` →
    "2 Desember 2026 14.05 WIB". The one date-time format of every page and message."""
    if not isinstance(moment, dt.datetime):
        return ""
    return display.datetime_in_words(moment, zone or None)


@register.filter
def date_in(value: object, zone: str | None = None) -> str:
    """A date in words in the page's language: "2 Desember 2026" / "2 December 2026"."""
    if not isinstance(value, dt.date):
        return ""
    return display.date_in_words(value, zone or None)


@register.simple_tag
def fee_notice(charter: Charter) -> FeeNotice:
    """``{% fee_notice charter as fee %}``: the official fee and that nothing else is lawful."""
    return presenters.fee_notice(charter)


@register.filter
def month_in(value: object) -> str:
    """A month ("2026-12" or a date) in words: "Desember 2026"."""
    if not isinstance(value, str | dt.date):
        return ""
    return display.month_in_words(value)


@register.filter
def from_iso(value: object) -> dt.date | dt.datetime | None:
    """An ISO date or instant kept in a JSON snapshot (an evaluation's evidence, a
    consultation's report), back as a date or datetime; None when empty or not a date."""
    if not isinstance(value, str) or not value:
        return None
    try:
        if "T" in value:
            return dt.datetime.fromisoformat(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        return None
