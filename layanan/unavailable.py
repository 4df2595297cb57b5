"""When the database cannot be reached: 503 "try again" answers, never a traceback or a 500.

PostgreSQL stopped or restarting, the network to it cut, or a SQLite file locked by another
process for longer than the busy timeout (LAYANAN_SQLITE_BUSY_SECONDS): the request gets 503
with Retry-After, as an HTML page in the visitor's language or, under /api/, as a JSON error
in the API's shape (`unavailable`). Nothing needs restarting when the database is back:
Django opens its connections per request and checks a kept one before reusing it
(CONN_HEALTH_CHECKS), so the next request after the outage is answered normally.

Errors raised by a view go through the middleware below; those raised before the view (the
session or user read by middleware) reach Django's last-resort handler, `server_error`, which
answers the same way.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.defaults import server_error as django_server_error

from layanan.http_errors import error_body, with_language

__all__ = ["DatabaseUnavailableMiddleware", "is_unavailable", "server_error", "unavailable"]

RETRY_AFTER = 30  # seconds: a restart of PostgreSQL or a held SQLite lock is over by then

# SQLite raises OperationalError for a missing table or column too: those are bugs (500).
SQLITE_UNAVAILABLE = ("locked", "busy", "unable to open", "disk i/o")
# PostgreSQL's OperationalError also covers deadlocks, statement timeouts and oversized index
# rows: bugs or overload, answered 500 and reported. Unavailable are the connection class (08…)
# and these: shutting down, crash shutdown, cannot connect now (starting), too many clients.
POSTGRES_UNAVAILABLE = frozenset({"57P01", "57P02", "57P03", "53300"})

logger = logging.getLogger(__name__)


def is_unavailable(error: BaseException | None) -> bool:
    """The database could not answer now (as opposed to a query that is wrong)."""
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    if error.__cause__ is not None and type(error.__cause__).__module__ == "sqlite3":
        text = str(error).lower()
        return any(sign in text for sign in SQLITE_UNAVAILABLE)
    # PostgreSQL: by SQLSTATE. No state at all is a connection that could not be made.
    state = getattr(error.__cause__, "sqlstate", None)
    return state is None or state.startswith("08") or state in POSTGRES_UNAVAILABLE


def unavailable(request: HttpRequest) -> HttpResponse:
    response: HttpResponse
    if request.path.startswith("/api/"):
        with_language(request)
        response = JsonResponse(
            error_body(
                "unavailable",
                _("The service is temporarily unavailable: try again in %(seconds)d seconds.")
                % {"seconds": RETRY_AFTER},
            ),
            status=503,
        )
    else:
        # No request in the context: the header would look the signed-in user up.
        page = render_to_string(
            "503.html",
            {"retry_after": RETRY_AFTER, "LAYANAN_REGION_NAME": settings.LAYANAN_REGION_NAME},
        )
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_unavailable(exception):
            return None
        logger.warning("database unavailable: %s %s: %s", request.method, request.path, exception)
        return unavailable(request)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: called while the exception that was not handled is being handled."""
    if is_unavailable(sys.exc_info()[1]):
        return unavailable(request)
    return django_server_error(request)
