"""`{% physical_items application as items %}`: the charter's physical items of an application
(what to bring, where and when, whether the counter received it), for pages whose views are
not about items (the receipt, the officer's step page). Render with cases/_items.html;
`{% item_receipt_form application as form %}` gives an officer who may tick them the form."""

from typing import Any

from django import template

from layanan.cases.access import can_record_items
from layanan.cases.forms import ItemsForm
from layanan.cases.models import Application
from layanan.cases.presenters import item_rows

register = template.Library()


@register.simple_tag
def physical_items(application: Application) -> list[dict[str, Any]]:
    return item_rows(application)


@register.simple_tag(takes_context=True)
def item_receipt_form(context: dict[str, Any], application: Application) -> ItemsForm | None:
    """The form to tick items received, for an officer who may (else None)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not can_record_items(user, application):
        return None
    items = item_rows(application)
    return ItemsForm(
        initial={"items": [i["key"] for i in items if i["received"]]},
        choices=[(i["key"], i["name"]) for i in items],
    )
