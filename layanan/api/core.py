"""The JSON API at /api/v1/: authentication, the error shape, and the routers of each app.

Errors are always `{"code", "message", "fields": {...}}`, with messages in the language of the
request (Indonesian unless the client sends `Accept-Language: en`).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer

from layanan.accounts.models import User
from layanan.accounts.tokens import user_for_token


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class ApiError(Exception):
    def __init__(
        self, status: int, code: str, message: str, fields: dict[str, list[str]] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields or {}


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "fields": fields or {}}


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


class StrictJsonParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        if has_unstorable_text(data):
            with_language(request)
            raise ApiError(400, "invalid", _("The text contains characters that are not valid."))
        return data


api = NinjaAPI(
    parser=StrictJsonParser(),
    title="Layanan API",
    version="1",
    urls_namespace="api",
    description=(
        "Public services with executable citizen charters: the catalogue, applications, "
        "officer actions and public tracking. Send `Authorization: Bearer <token>` from "
        "`POST /api/v1/auth/token`."
    ),
)


def with_language(request: HttpRequest) -> None:
    """The API follows Accept-Language (id by default), unlike the site's explicit switch."""
    header = request.headers.get("Accept-Language", "")
    translation.activate("en" if header.lower().startswith("en") else "id")


@api.exception_handler(ApiError)
def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return api.create_response(
        request, error_body(exc.code, exc.message, exc.fields), status=exc.status
    )


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    with_language(request)
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "payload")]
        name = ".".join(location[-1:]) or "body"
        if location and location[0] in ("query", "path", "header", "form", "file"):
            name = ".".join(location[1:]) or location[0]
        kind = str(error.get("type", ""))
        if kind == "missing":
            message = _("This field is required.")
        elif "json" in kind:
            message = _("The request body is not valid JSON.")
        else:
            message = _("Enter a valid value.")
        fields.setdefault(name, []).append(message)
    return api.create_response(
        request,
        error_body("invalid", _("Some values need correcting."), fields),
        status=400,
    )


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    with_language(request)
    return api.create_response(
        request,
        error_body("unauthenticated", _("Sign in first: send a valid bearer token.")),
        status=401,
    )


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    with_language(request)
    return api.create_response(request, error_body("not_found", _("Not found.")), status=404)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    with_language(request)
    return api.create_response(
        request, error_body("error", str(exc.message)), status=exc.status_code
    )
