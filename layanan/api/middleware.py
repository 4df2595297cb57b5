"""Answers under /api/ are always JSON in the API's error shape, also where Django or
django-ninja would answer in HTML or plain text (an unknown path, a method not allowed, a body
over the size limit); and addresses with characters no database can store are refused
everywhere with a 400 (under /open311/ in the GeoReport v2 error body)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from layanan.complaints.open311_format import errors as open311_errors
from layanan.http_errors import error_body, is_storable, too_large_body, with_language

MESSAGES = {
    404: ("not_found", "Not found."),
    405: ("method_not_allowed", "This method is not allowed here."),
}


class ApiErrorShapeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        texts = [request.path]
        for key, values in request.GET.lists():
            texts += [key, *values]
        if not all(is_storable(text) for text in texts):
            # Anywhere on the site: a NUL or half a surrogate pair in the address is refused
            # before a view can hand it to the database.
            if request.path.startswith("/open311/"):
                with_language(request)
                fmt = "json" if request.path.endswith(".json") else "xml"
                message = _("The address contains characters that are not valid.")
                return open311_errors(fmt, 400, [(400, message)])
            if not request.path.startswith("/api/"):
                return render(request, "400.html", status=400)
            with_language(request)
            return JsonResponse(
                error_body("invalid", _("The address contains characters that are not valid.")),
                status=400,
            )
        if request.path.startswith("/api/") and self.declared_length(request) > self.limit():
            # Refused before anything reads the body (Django would answer with an HTML 400).
            # Django itself judges a body by this declared length (RequestDataTooBig), so
            # nothing larger can get past it further in.
            return JsonResponse(too_large_body(request, self.limit()), status=413)
        response = self.get_response(request)
        is_json = response.get("Content-Type", "").startswith("application/json")
        if request.path.startswith("/api/") and response.status_code in MESSAGES and not is_json:
            with_language(request)
            code, message = MESSAGES[response.status_code]
            shaped = JsonResponse(error_body(code, _(message)), status=response.status_code)
            if "Allow" in response:
                shaped["Allow"] = response["Allow"]
            return shaped
        return response

    @staticmethod
    def limit() -> int:
        return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)

    @staticmethod
    def declared_length(request: HttpRequest) -> int:
        try:
            return int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return 0
