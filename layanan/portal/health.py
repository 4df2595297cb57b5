"""GET /sehat/: is this installation healthy? For a load balancer's probe and a monitor.

Cheap, index-backed queries only, no personal data, no login, and exempt from the HTTPS
redirect (settings.SECURE_REDIRECT_EXEMPT) so that a probe over plain HTTP gets an answer.
It answers 200 when the database answers and the worker's heartbeat is recent, else 503.
A message channel whose provider refuses the installation (an expired WhatsApp token …) is
listed under "channels" with ok false and its error, and "alerts" names it: the site still
serves (so the probe stays 200), but a monitor reading the body sees it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Max, Min
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from layanan.guarantees.models import Alarm
from layanan.notifications import health as channel_health
from layanan.notifications.models import Message
from layanan.portal.models import WorkerHeartbeat


def iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def report(now: dt.datetime) -> tuple[bool, dict[str, Any]]:
    """(healthy, the JSON body); the database being down is a report too, never an error."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        last_seen = WorkerHeartbeat.objects.aggregate(last=Max("last_seen"))["last"]
        pending = Message.objects.filter(status=Message.Status.PENDING).count()
        channels = channel_health.report()
        oldest_alarm = Alarm.objects.filter(fired=False, fire_at__lte=now).aggregate(
            first=Min("fire_at")
        )["first"]
    except DatabaseError:
        return False, {
            "database": "unavailable",
            "worker": {"last_seen": None, "ok": False},
            "pending_messages": None,
            "oldest_unfired_alarm": None,
            "channels": {},
            "alerts": [],
        }
    stale_after = dt.timedelta(seconds=settings.LAYANAN_WORKER_STALE_SECONDS)
    worker_ok = last_seen is not None and now - last_seen <= stale_after
    return worker_ok, {
        "database": "ok",
        "worker": {"last_seen": iso(last_seen), "ok": worker_ok},
        "pending_messages": pending,
        "oldest_unfired_alarm": iso(oldest_alarm),
        "channels": channels,
        "alerts": [
            f"{name}: {state['last_error']}" for name, state in channels.items() if not state["ok"]
        ],
    }


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    healthy, body = report(timezone.now())
    return JsonResponse(body, status=200 if healthy else 503)
