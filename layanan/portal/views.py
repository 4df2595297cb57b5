from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from layanan.agencies.models import Agency
from layanan.charters.models import Service
from layanan.charters.views import public_services


def home(request: HttpRequest) -> HttpResponse:
    services = public_services()
    labels = dict(Service.Category.choices)
    categories = [
        (code, labels.get(code, code), count)
        for code, count in services.order_by()
        .values_list("category")
        .annotate(count=Count("id", distinct=True))
        .values_list("category", "count")
    ]
    agencies = Agency.objects.annotate(
        n=Count("participating_services", filter=Q(participating_services__active=True))
    ).filter(n__gt=0)
    return render(
        request,
        "portal/home.html",
        {
            "featured": services.order_by("name")[:6],
            "categories": sorted(categories, key=lambda c: str(c[1])),
            "service_count": services.count(),
            "agency_count": agencies.count(),
        },
    )


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/accessibility.html")


def licence(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/licence.html")
