"""The JSON API's error shape and language choice, shared by every app's `api.py`.

It lives here, below the apps, and not in `layanan.api` (which assembles the apps' routers and
so imports them): an app that raised `ApiError` from `layanan.api` would import the package
that imports it back. It is not in `layanan.lib` either, because `lib` holds pure helpers and
these read the request and switch Django's active translation.

Errors are always `{"code", "message", "fields": {...}}`, with messages in the language of the
request (Indonesian unless the client sends `Accept-Language: en`).
"""

from __future__ import annotations

import json
import math
from typing import Any

from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _

__all__ = [
    "ApiError",
    "error_body",
    "has_unstorable_text",
    "is_storable",
    "parse_json_body",
    "too_large_body",
    "with_language",
]


class ApiError(Exception):
    """An answer other than 2xx, raised by a router and shaped by the API's handler."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: dict[str, list[str]] | None = None,
        *,
        retry_after: int = 0,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields or {}
        self.retry_after = retry_after  # seconds, sent as Retry-After (a 429) when not 0


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


class NonFiniteNumber(ValueError):
    pass


def finite_float(text: str) -> float:
    """JSON numbers with a fraction or exponent; 1e999 would become infinity: refused."""
    value = float(text)
    if not math.isfinite(value):
        raise NonFiniteNumber(text)
    return value


def refuse_constant(name: str) -> Any:
    """Python's json module takes NaN, Infinity and -Infinity, which JSON does not have."""
    raise NonFiniteNumber(name)


def parse_json_body(request: HttpRequest) -> Any:
    """The request body as JSON, or ApiError 400 `invalid_json` in the request's language.

    Numbers stay finite: NaN, Infinity and numbers too large for a float (1e999) are refused
    wherever they are in the body, as are integers with more digits than Python converts.
    """
    try:
        text = request.body.decode("utf-8")
        return json.loads(text, parse_float=finite_float, parse_constant=refuse_constant)
    except NonFiniteNumber:
        with_language(request)
        raise ApiError(
            400,
            "invalid_json",
            _("The request body has a number that is not finite (NaN, Infinity or too large)."),
        ) from None
    except (UnicodeDecodeError, ValueError, RecursionError):
        with_language(request)
        raise ApiError(400, "invalid_json", _("The request body is not valid JSON.")) from None


def too_large_body(request: HttpRequest, limit: int) -> dict[str, Any]:
    """The 413 answer's body: the limit in megabytes, in the request's language."""
    with_language(request)
    megabytes = limit // (1024 * 1024)
    return error_body(
        "too_large",
        _("The request body is too large: at most %(megabytes)s MB is accepted.")
        % {"megabytes": megabytes},
    )
