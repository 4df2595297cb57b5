"""Failed look-ups of tracking numbers are limited per client; successful ones are not.

A tracking number is the only key to a public tracking page, so guessing numbers must be
slow: after LAYANAN_TRACK_FAILURES_ALLOWED unknown or malformed numbers from one client
address within a window of LAYANAN_TRACK_WINDOW_MINUTES, the client's next look-up of a
number it has not been shown before is refused with 429 until the window ends — without
looking the number up, so that a refused client learns nothing about which numbers exist.

A number the client has already been shown (in the last day) is always answered: a citizen
refreshing their application's page, or coming back to it, is never refused, even when
someone else on the same network (a shared office or mobile-network address) used up the
failures. Counting is atomic (layanan.counters); the window is fixed, so a client gets at
most twice the allowance across the boundary of two windows.

A known number costs reads only, never a write per request (the tracking page is the most
read page): the client's failure count is read first, and the "shown" mark only when that
count refuses; the mark is written when the number is first shown and again once it is a day
old, and it lasts two days, so a number shown at any time in the last day is answered.
"""

from __future__ import annotations

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import ngettext

from layanan import counters
from layanan.client import client_address

SHOWN_FOR = 24 * 60 * 60  # seconds a number once shown to a client stays answerable


def window() -> int:
    return int(settings.LAYANAN_TRACK_WINDOW_MINUTES) * 60


def client_key(request: HttpRequest) -> str:
    # Hashed: cache keys are file names or wire keys, and an address has ':' in IPv6.
    return hashlib.sha256(client_address(request).encode()).hexdigest()[:32]


def failures_key(request: HttpRequest, now: float) -> str:
    return f"track-failures:{client_key(request)}:{int(now // window())}"


def shown_key(request: HttpRequest, number: str) -> str:
    return f"track-shown:{client_key(request)}:{number}"


def seconds_refused(request: HttpRequest) -> int:
    """0 if the client may look up a new number now, else the seconds until it may."""
    now = time.time()
    if counters.read(failures_key(request, now)) < settings.LAYANAN_TRACK_FAILURES_ALLOWED:
        return 0
    return max(1, math.ceil(window() - now % window()))


def may_look_up(request: HttpRequest, number: str | None) -> int:
    """0 if this look-up is answered, else the seconds until the client may try new numbers."""
    seconds = seconds_refused(request)
    if seconds and number is not None and cache.get(shown_key(request, number)):
        return 0
    return seconds


def record_failure(request: HttpRequest) -> None:
    counters.increment(failures_key(request, time.time()), expires_in=window())


def record_shown(request: HttpRequest, number: str) -> None:
    key = shown_key(request, number)
    marked_at = cache.get(key)
    now = time.time()
    # A mark from before this scheme holds True: counted as old, so it is written again.
    if not isinstance(marked_at, float) or now - marked_at >= SHOWN_FOR:
        cache.set(key, now, timeout=2 * SHOWN_FOR)


def refusal_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Too many tracking numbers that do not exist were looked up from your network. "
        "Check the number on your receipt and try again in %(minutes)d minute.",
        "Too many tracking numbers that do not exist were looked up from your network. "
        "Check the number on your receipt and try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
