"""Open data at /data/: the index of datasets, the two JSON-LD catalogues, and the monthly
files of each metric (CSV and JSON). Public: no personal data (see opendata.py)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from layanan.transparency.linked_data import catalogue_document, services_document
from layanan.transparency.opendata import (
    METRICS,
    SMALL_CELL,
    Metric,
    csv_cells,
    metric_table,
    produced_on,
    published_months,
)

JSONLD = "application/ld+json"
MONTH = re.compile(r"\d{4}-\d{2}")


def jsonld_response(document: dict[str, Any]) -> HttpResponse:
    return HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=1),
        content_type=f"{JSONLD}; charset=utf-8",
    )


def index(request: HttpRequest) -> HttpResponse:
    months = published_months()
    return render(
        request,
        "transparency/data_index.html",
        {
            "metrics": list(METRICS.values()),
            "months": [f"{m:%Y-%m}" for m in months],
            "small_cell": SMALL_CELL,
            "largest_suppressed": SMALL_CELL - 1,
            "licence": settings.LAYANAN_OPEN_DATA_LICENCE,
        },
    )


def services_jsonld(request: HttpRequest) -> HttpResponse:
    return jsonld_response(services_document(request.build_absolute_uri))


def catalogue_jsonld(request: HttpRequest) -> HttpResponse:
    return jsonld_response(catalogue_document(request.build_absolute_uri, now=timezone.now()))


def metric_month(metric: str, month: str) -> tuple[Metric, dt.date]:
    """The metric and month of a file's address; 404 for an unknown metric, a malformed
    month or a month that has not begun."""
    if metric not in METRICS or not MONTH.fullmatch(month):
        raise Http404
    try:
        first = dt.datetime.strptime(month + "-01", "%Y-%m-%d").date()  # noqa: DTZ007
    except ValueError:
        raise Http404 from None
    # months are the site's (its time zone's), as in the files: at 00:30 WIB on the 1st the new
    # month has begun although it is still the last day of the old one in UTC
    if first > timezone.localdate() or first.year < 2000:
        raise Http404
    return METRICS[metric], first


def metric_csv(request: HttpRequest, metric: str, month: str) -> HttpResponse:
    found, first = metric_month(metric, month)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{found.code}-{month}.csv"'
    csv.writer(response).writerows(csv_cells(metric_table(found, first), found))
    return response


def metric_json(request: HttpRequest, metric: str, month: str) -> JsonResponse:
    found, first = metric_month(metric, month)
    return JsonResponse(
        {
            "dataset": found.code,
            "month": month,
            "produced": produced_on(first).isoformat(),
            "licence": settings.LAYANAN_OPEN_DATA_LICENCE,
            "suppressed_below": SMALL_CELL,
            "columns": list(found.columns),
            "rows": metric_table(found, first),
        },
        json_dumps_params={"ensure_ascii": False},
    )
