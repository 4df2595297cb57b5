"""Public snapshots: the tracking page and GET /api/v1/track/{number} from one indexed read.

What the public sees of an application changes only when the application changes, and every
such change goes through a few writers in `cases`: `events.record_event` and
`events.ChainWriter` (every event, whoever writes it), `actions.store` (every state change)
and `actions.record_expected_completion` (the estimate, which writes no event). Each of them
moves `Application.public_version` in its own transaction (`invalidate`). A snapshot keeps
the version it was built from and is served only while that is still the application's
version, so a committed change makes every older snapshot invisible at once; there is no
window in which a reader sees a snapshot older than the data.

A snapshot is built on the first read after a change, not at write time: a write then costs
one column update (submissions stay fast), the page is rendered with the visitor's own request
exactly as without snapshots, and nothing is built for languages or applications nobody
reads. The reader takes the version before it reads anything else, so a build that raced with
a change is stored under the older version and never served.

Two things are not events and bound a snapshot's life instead (`stale_after`): before the
clock starts, the due-date sentence projects "if complete today: at the latest ..." from the
current minute, so such a snapshot lasts until the minute ends; and names of agencies, units
and services can be edited in the admin, so no snapshot lasts more than MAX_AGE.

The page snapshot is what an anonymous visitor gets at the canonical address with no query
string; its CSRF token (the language switch's form) is stored as a placeholder and replaced
with this visitor's token, which also sets their CSRF cookie as rendering the page does.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from functools import cache

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import DatabaseError, connections, router
from django.db.models import F, Q
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

from layanan.cases.models import Application, PublicSnapshot, Status

MAX_AGE = dt.timedelta(hours=1)
CSRF_PLACEHOLDER = "__layanan_csrf_token__"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')
# Statuses whose due-date sentence projects a date from now while the clock has not started.
PROJECTING = (Status.SUBMITTED, Status.IN_PROGRESS)


def enabled() -> bool:
    return bool(settings.LAYANAN_PUBLIC_SNAPSHOTS)


def invalidate(application_ids: Iterable[int]) -> None:
    """What the public sees of these applications changed: call in the changing transaction.
    On PostgreSQL the update also takes the rows' locks, which serialises writers."""
    Application.objects.filter(pk__in=list(application_ids)).update(
        public_version=F("public_version") + 1
    )


def forget_for_calendar(agency_ids: Iterable[int | None]) -> int:
    """A calendar day was added or changed: the due-date explanation ("days off not counted")
    and a finished application's lateness in working days read the calendar, so the kept views
    of the applications it governs are dropped (rebuilt at their next read). `None` is the
    national calendar: every agency's. Rare (a few edits a year), so a plain delete."""
    ids = set(agency_ids)
    kept = PublicSnapshot.objects.all()
    if None not in ids:
        kept = kept.filter(
            Q(application__agency_id__in=ids) | Q(application__steps__agency_id__in=ids)
        )
        kept = PublicSnapshot.objects.filter(pk__in=kept.values("pk"))
    deleted, _by_model = kept.delete()
    return deleted


@cache
def read_statement() -> str:
    # Plain SQL: the ORM compiles this join anew on each request, which measured about as much
    # as the rest of the answer (docs/benchmarks.md); the statement is built once per process.
    snapshot, application = PublicSnapshot._meta.db_table, Application._meta.db_table
    return (
        f"SELECT s.body FROM {snapshot} s JOIN {application} a ON a.id = s.application_id "  # noqa: S608 (names from the models; values are parameters)
        "WHERE s.number = %s AND s.language = %s AND s.kind = %s "
        "AND s.version = a.public_version AND s.stale_after > %s"
    )


def read(number: str, language: str, kind: str) -> str | None:
    """The snapshot still valid for this number, language and kind, or None."""
    if not enabled():
        return None
    # the replica on a public read when there is one (its snapshot and its version agree)
    database = connections[router.db_for_read(PublicSnapshot)]
    now = database.ops.adapt_datetimefield_value(timezone.now())
    with database.cursor() as cursor:
        cursor.execute(read_statement(), [number, language, kind, now])
        row = cursor.fetchone()
    return str(row[0]) if row else None


def stale_after(application: Application, now: dt.datetime) -> dt.datetime:
    if application.clock_started_at is None and application.status in PROJECTING:
        return now.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    return now + MAX_AGE


def keep(application: Application, *, version: int, language: str, kind: str, body: str) -> None:
    """Store a snapshot built from `application` as it was at `version`. A failure to store
    (the database busy with a writer) costs only the next reader a build."""
    if not enabled():
        return
    snapshot = PublicSnapshot(
        application=application,
        number=application.number,
        language=language,
        kind=kind,
        version=version,
        stale_after=stale_after(application, timezone.now()),
        body=body,
    )
    try:
        PublicSnapshot.objects.bulk_create(
            [snapshot],
            update_conflicts=True,
            unique_fields=["number", "language", "kind"],
            update_fields=["application", "version", "stale_after", "body"],
        )
    except DatabaseError:
        return


def page_is_shareable(request: HttpRequest, number: str) -> bool:
    """Whether this request gets the page every anonymous visitor gets: signed out, no
    pending messages, at the canonical address without a query string (the page links back
    to its own address)."""
    return (
        enabled()
        and request.path == f"/lacak/{number}/"
        and not request.GET
        and CookieStorage.cookie_name not in request.COOKIES
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        # read even so: the user is looked up as rendering the page would (Vary: Cookie)
        and not request.user.is_authenticated
    )


def page_body(response: HttpResponse) -> str | None:
    """The rendered page with its CSRF token replaced by the placeholder; None if the page
    has no token form or something else unexpected (then it is not kept)."""
    text = response.content.decode()
    tokens = set(CSRF_INPUT.findall(text))
    if len(tokens) != 1 or CSRF_PLACEHOLDER in text:
        return None
    return text.replace(tokens.pop(), CSRF_PLACEHOLDER)


def page_response(request: HttpRequest, body: str) -> HttpResponse:
    return HttpResponse(body.replace(CSRF_PLACEHOLDER, get_token(request)))
