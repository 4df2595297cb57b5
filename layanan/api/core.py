"""The JSON API at /api/v1/: authentication, and the handlers that give every error the one
shape of `layanan.http_errors` (each app's router is mounted in `v1.py`)."""

from __future__ import annotations

from typing import Any, cast

from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer

from layanan.accounts.models import User
from layanan.accounts.tokens import user_for_token
from layanan.http_errors import (
    ApiError,
    error_body,
    has_unstorable_text,
    parse_json_body,
    with_language,
)
from layanan.lib.replica import reading_replica
from layanan.unavailable import is_unavailable, unavailable


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class StrictJsonParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = cast(dict[str, Any], parse_json_body(request))
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


@api.exception_handler(ApiError)
def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    response = api.create_response(
        request, error_body(exc.code, exc.message, exc.fields), status=exc.status
    )
    if exc.retry_after:
        response["Retry-After"] = str(exc.retry_after)
    return response


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
    # django-ninja wraps whatever the body parser raises in HttpError(400, "Cannot parse
    # request body"); the parser's own ApiError (invalid_json, invalid) is the answer.
    if isinstance(exc.__cause__, ApiError):
        return on_api_error(request, exc.__cause__)
    with_language(request)
    return api.create_response(
        request, error_body("error", str(exc.message)), status=exc.status_code
    )


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def on_database_unavailable(request: HttpRequest, exc: Exception) -> HttpResponse:
    """503 `unavailable` with Retry-After while the database cannot answer (also with DEBUG
    on, where django-ninja would answer a traceback). A public read that failed on the
    replica is left to the replica middleware, which runs it again on the primary."""
    if not is_unavailable(exc) or reading_replica.get():
        raise exc
    return unavailable(request)
