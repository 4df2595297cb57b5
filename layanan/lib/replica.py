"""Public reads from a PostgreSQL streaming replica, everything else from the primary.

When `DATABASE_REPLICA_URL` is set, settings add the database alias `replica`, the router and
the middleware below (without it, neither is installed). A Django router routes by model, not
by request, so the request says what it is: `PublicReadMiddleware` marks a request as a public
read (the flag below, a context variable) and `ReplicaRouter` sends the reads of a marked
request to the replica. A request is a public read only when all hold:

- its method is GET or HEAD and its view is one of `settings.LAYANAN_REPLICA_VIEWS` (tracking,
  the catalogue and charters, the dashboard, the guarantee register, the open data);
- it carries no session cookie and no Authorization header: whoever identifies themselves
  reads from the primary. That is also what keeps replication lag from showing a citizen an
  older state than the one they just made: submitting, signing in or any form needs a
  session, so the browser that wrote reads its own writes from the primary. A client of the
  API that has just submitted reads its application with its token (`GET
  /api/v1/applications/{number}`, primary), not through the anonymous track endpoint.

Whatever the request, writes go to the primary (a counter or a session written during a
public read too), reads inside a transaction go to the primary (they may be followed by a
write or lock rows), and the worker, which has no request, uses the primary only. When the
replica cannot be reached, the view is run again on the primary, so a replica that is down
costs time, never an error page.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse

__all__ = ["REPLICA", "PublicReadMiddleware", "ReplicaRouter", "reading_replica"]

REPLICA = "replica"

# True while the view of a public read runs; False everywhere else (other requests, the
# worker, commands, the response's streaming after the view returned).
reading_replica: ContextVar[bool] = ContextVar("reading_replica", default=False)


class ReplicaRouter:
    """Reads of a public-read request from the replica; all else from the primary."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str:
        if (
            reading_replica.get()
            # Django's database cache: its counters are read to be written (attempt limits).
            and model._meta.app_label != "django_cache"
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS  # a replica follows the primary; it is never migrated


def is_public_read(request: HttpRequest) -> bool:
    match = request.resolver_match
    return (
        request.method in ("GET", "HEAD")
        and match is not None
        and match.view_name in settings.LAYANAN_REPLICA_VIEWS
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "Authorization" not in request.headers
    )


class PublicReadMiddleware:
    """Runs the view of a public read with the flag set (listed last among the middleware, so
    that nothing else runs with it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., HttpResponse],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if not is_public_read(request):
            return None
        token = reading_replica.set(True)
        try:
            return view(request, *args, **kwargs)
        except (OperationalError, InterfaceError):
            # The replica is down or restarting, or it cancelled the query for a conflict with
            # recovery (a long read on a hot standby): answer from the primary instead, once.
            if replica_unusable():
                connections[REPLICA].close()
            reading_replica.set(False)
            return view(request, *args, **kwargs)
        finally:
            reading_replica.reset(token)


def replica_unusable() -> bool:
    replica = connections[REPLICA]
    return replica.connection is None or not replica.is_usable()
