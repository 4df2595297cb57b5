"""`GET /api/v1/me/access-log`: who looked at the signed-in person's data, as the person's
own page shows it (`accounts.access_log.visible_reads`). Mounted at "/me" with a Bearer
token; other routers of the person's own data are mounted there too."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest
from ninja import Router, Schema

from layanan.accounts.access_log import as_item, visible_reads
from layanan.accounts.current import user_of
from layanan.http_errors import with_language

router = Router(tags=["me"])

PAGE_SIZE = 25


class AccessOut(Schema):
    id: int  # the reference the person quotes to the agency
    at: str  # ISO 8601 time of the read
    agency: str  # the agency the reader acted for ("" for Layanan's administrators)
    unit: str  # its unit, or the units of the reader's roles; may be ""
    officer: str  # "Petugas"/"Officer" or "Administrator": never an account name
    what: str
    application: str  # tracking number, or ""
    purpose: str
    sentence: str  # the read in one sentence, as the web page shows it


class AccessPage(Schema):
    count: int
    page: int
    pages: int
    results: list[AccessOut]


@router.get("/access-log", response=AccessPage, summary="Who looked at my data, newest first")
def access_log(request: HttpRequest, page: int = 1) -> dict[str, Any]:
    with_language(request)
    paginator = Paginator(visible_reads(user_of(request)), PAGE_SIZE)
    current = paginator.get_page(page)
    return {
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "results": [as_item(read) for read in current.object_list],
    }
