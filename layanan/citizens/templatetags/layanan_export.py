"""The readable page of a citizen's copy of their data renders any JSON value; this tells the
template which shape it has."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def value_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, list | tuple):
        return "sequence"
    if value is None or value == "":
        return "empty"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return "text"
