"""The floor of the tracking benchmark (bench/tracking.py): the cheapest answer Django can give
with the same number of bytes as the page measured, on the same server and middleware. Routed
only when LAYANAN_BENCH_FLOOR is set (layanan/urls.py), never in a real installation."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

MAX_SIZE = 1024 * 1024


def floor(request: HttpRequest, size: int) -> HttpResponse:
    return HttpResponse(b"x" * min(size, MAX_SIZE), content_type="text/html; charset=utf-8")
