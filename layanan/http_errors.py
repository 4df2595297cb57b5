"""The JSON API's error shape and language choice, shared by every app's `api.py`.

It lives here, below the apps, and not in `layanan.api` (which assembles the apps' routers and
so imports them): an app that raised `ApiError` from `layanan.api` would import the package
that imports it back. It is not in `layanan.lib` either, because `lib` holds pure helpers and
these read the request and switch Django's active translation.

Errors are always `{"code", "message", "fields": {...}}`, with messages in the language of the
request (Indonesian unless the client sends `Accept-Language: en`).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import translation

__all__ = ["ApiError", "error_body", "has_unstorable_text", "is_storable", "with_language"]


class ApiError(Exception):
    """An answer other than 2xx, raised by a router and shaped by the API's handler."""

    def __init__(
        self, status: int, code: str, message: str, fields: dict[str, list[str]] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields or {}


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "fields": fields or {}}


def with_language(request: HttpRequest) -> None:
    """The API follows Accept-Language (id by default), unlike the site's explicit switch."""
    header = request.headers.get("Accept-Language", "")
    translation.activate("en" if header.lower().startswith("en") else "id")


def is_storable(text: str) -> bool:
    """JSON may escape half of a UTF-16 pair ("\\ud800") or a NUL ("\\u0000"); neither can
    be stored (UTF-8 refuses the first, PostgreSQL text the second)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def has_unstorable_text(value: Any) -> bool:
    if isinstance(value, str):
        return not is_storable(value)
    if isinstance(value, dict):
        return any(has_unstorable_text(k) or has_unstorable_text(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_unstorable_text(item) for item in value)
    return False
