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


api = NinjaAPI(
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
