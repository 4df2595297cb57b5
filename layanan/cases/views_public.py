"""The public tracking page: anyone with the number, no login, no personal data."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from layanan.cases import access
from layanan.cases.presenters import public_view


def track_form(request: HttpRequest) -> HttpResponse:
    typed = request.GET.get("nomor", "").strip()
    if not typed:
        return render(request, "cases/track_form.html", {"error": ""})
    number = access.canonical_number(typed)
    if number is None:
        error = _(
            "This is not a valid tracking number. Check it on your receipt: it looks like "
            "7KQ4-M9TX-4C."
        )
        return render(
            request, "cases/track_form.html", {"error": error, "typed": typed[:40]}, status=400
        )
    return redirect("cases:track", number=number)


def track(request: HttpRequest, number: str) -> HttpResponse:
    try:
        application = access.get_application_for_public(number)
    except Http404:
        return render(
            request,
            "cases/track_form.html",
            {
                "error": _("No application has this number. Check it on your receipt."),
                "typed": number[:40],
            },
            status=404,
        )
    return render(request, "cases/track.html", {"view": public_view(application)})
