"""`{% physical_items application as items %}`: the charter's physical items of an application
(what to bring, where and when, whether the counter received it), for pages whose views are
not about items (the receipt, the officer's step page). Render with cases/_items.html."""

from typing import Any

from django import template

from layanan.cases.models import Application
from layanan.cases.presenters import item_rows

register = template.Library()


@register.simple_tag
def physical_items(application: Application) -> list[dict[str, Any]]:
    return item_rows(application)
