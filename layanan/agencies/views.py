from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from layanan.agencies.calendars import calendar_for
from layanan.agencies.models import Agency


def agency_list(request: HttpRequest) -> HttpResponse:
    agencies = Agency.objects.annotate(
        service_count=Count(
            "participating_services",
            filter=Q(participating_services__active=True),
            distinct=True,
        )
    ).order_by("name")
    return render(request, "agencies/list.html", {"agencies": agencies})


def agency_detail(request: HttpRequest, code: str) -> HttpResponse:
    agency = get_object_or_404(Agency.objects.select_related("parent"), code=code)
    services = agency.participating_services.filter(
        active=True, charters__status="adopted"
    ).distinct()
    today = timezone.localdate()
    calendar = calendar_for(agency)
    upcoming = [
        off
        for off in calendar.days_off_between(today, today.replace(year=today.year + 1))
        if off.kind != "weekend"
    ][:8]
    return render(
        request,
        "agencies/detail.html",
        {
            "agency": agency,
            "led": [s for s in services if s.lead_agency_id == agency.pk],
            "joined": [s for s in services if s.lead_agency_id != agency.pk],
            "hours": list(agency.service_hours.all()),
            "units": list(agency.units.filter(active=True)),
            "upcoming": upcoming,
        },
    )
