import hashlib
from itertools import groupby
from typing import Any

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from layanan.charters import presenters
from layanan.charters.models import Charter, Service
from layanan.charters.views_consultations import comment_count, on_charter_page

GROUPINGS = ("agency", "category")


def public_services(query: str = "") -> QuerySet[Service]:
    """Active services that have a charter in force, matching a search."""
    services = (
        Service.objects.filter(active=True, charters__status=Charter.Status.ADOPTED)
        .select_related("lead_agency")
        .prefetch_related(
            Prefetch(
                "charters",
                queryset=Charter.objects.filter(status=Charter.Status.ADOPTED),
                to_attr="in_force",
            )
        )
    )
    for word in query.split()[:8]:
        services = services.filter(
            Q(name__icontains=word)
            | Q(name_en__icontains=word)
            | Q(description__icontains=word)
            | Q(code__icontains=word)
            | Q(lead_agency__name__icontains=word)
            | Q(lead_agency__short_name__icontains=word)
        )
    return services.distinct()


def in_force(service: Service) -> Charter:
    """The charter in force, prefetched by `public_services`."""
    charters: list[Charter] = getattr(service, "in_force")  # noqa: B009
    return charters[0]


def catalogue_listing(query: str, grouping: str) -> dict[str, Any]:
    if grouping == "agency":
        services = list(public_services(query).order_by("lead_agency__name", "name"))
        groups = [
            (agency.code, agency.name, list(items))
            for agency, items in groupby(services, key=lambda s: s.lead_agency)
        ]
    else:
        services = list(public_services(query).order_by("category", "name"))
        labels = dict(Service.Category.choices)
        groups = [
            (category, str(labels.get(category, category)), list(items))
            for category, items in groupby(services, key=lambda s: s.category)
        ]
    rows = [
        (
            anchor,
            name,
            [
                {
                    "service": s,
                    "limit": presenters.describe_limit(in_force(s).time_limit),
                    "fee": presenters.fee_notice(in_force(s)).text,
                }
                for s in items
            ],
        )
        for anchor, name, items in groups
    ]
    return {"groups": rows, "count": len(services)}


def catalogue_version() -> str:
    """Moves whenever a charter is adopted, superseded or withdrawn: one indexed aggregate."""
    adopted = Charter.objects.filter(status=Charter.Status.ADOPTED).aggregate(
        count=Count("pk"),
        # a service switched off leaves the catalogue at once, not when the kept copy expires
        active=Count("pk", filter=Q(service__active=True)),
        last=Max("adopted_at"),
    )
    last = adopted["last"].isoformat() if adopted["last"] else ""
    return f"{adopted['count']}:{adopted['active']}:{last}"


def catalogue(request: HttpRequest) -> HttpResponse:
    """The catalogue. Without a search, the list comes from the cache while no charter
    changed (the template's `cache` tag, keyed by `catalogue_version`); the listing below is
    built only when the template needs it."""
    query = request.GET.get("q", "").strip()[:100]
    grouping = request.GET.get("kelompok", "agency")
    if grouping not in GROUPINGS:
        grouping = "agency"
    return render(
        request,
        "charters/catalogue.html",
        {
            "listing": SimpleLazyObject(lambda: catalogue_listing(query, grouping)),
            "query": query,
            "grouping": grouping,
            "catalogue_version": "" if query else catalogue_version(),
        },
    )


def charter_page(request: HttpRequest, code: str) -> HttpResponse:
    service = get_object_or_404(
        Service.objects.select_related("lead_agency"), code=code, active=True
    )
    versions: list[Charter] = list(
        service.charters.exclude(status=Charter.Status.DRAFT)
        # each version's consultation and its number of comments, for the part of the page
        # outside the kept copy, in this same query
        .select_related("consultation")
        # the consultation's copy of the draft and its frozen report are not shown here
        .defer("consultation__published_content", "consultation__report")
        .annotate(comment_count=comment_count())
        .order_by("-version")
    )
    requested = request.GET.get("versi")
    if requested:
        if not requested.isdigit():
            raise Http404(_("No such version."))
        charter = next((c for c in versions if c.version == int(requested)), None)
    else:
        charter = next((c for c in versions if c.status == Charter.Status.ADOPTED), None)
    if charter is None:
        raise Http404(_("This service has no charter in force."))
    return render(
        request,
        "charters/charter.html",
        {
            "service": service,
            "charter": charter,
            "versions": versions,
            # what the kept page depends on besides the (immutable) version and the language
            "page_version": page_version(service, versions),
            "details": SimpleLazyObject(lambda: charter_details(charter)),
            # outside the kept copy: a consultation opening or a new comment shows at once
            "consultations": SimpleLazyObject(
                lambda: on_charter_page(service, versions, request.user)
            ),
        },
    )


def page_version(service: Service, versions: list[Charter]) -> str:
    # every field of the service the kept block shows: an admin's edit shows at once
    names = (
        service.name,
        service.name_en,
        service.description,
        service.description_en,
        service.category,
        service.channels,
        service.active,
        service.lead_agency.code,
        service.lead_agency.name,
    )
    states = [(v.pk, v.status, str(v.effective_from), v.change_note) for v in versions]
    return hashlib.sha256(repr((names, states)).encode()).hexdigest()


def charter_details(charter: Charter) -> dict[str, Any]:
    """What the charter page shows of a version, built only when its kept copy is missing."""
    content = charter.content
    return {
        "requirements": [
            {
                "name": presenters.local(r["name"]),
                "note": presenters.local(r.get("note")),
                "required": r["required"],
                "kind": r["kind"],
                "where": presenters.local(r.get("where")),
            }
            for r in content["requirements"]
        ],
        "stages": presenters.stages_of(charter),
        "time_limit": presenters.describe_limit(charter.time_limit),
        "clock_starts": content.get("clock_starts"),
        "fee": presenters.fee_notice(charter).text,
        "product": presenters.local(content["product"]["name"]),
        "product_description": presenters.local(content["product"].get("description")),
        "complaint_channel": presenters.local(content["complaints"]["channel"]),
        "complaint_days": content["complaints"]["handling_days"],
        "guarantee_statement": presenters.local(content["guarantee"].get("statement")),
        "guarantee": presenters.guarantee_sentences(charter),
        "apology": presenters.local(content["guarantee"].get("apology")),
        "legal_basis": content.get("legal_basis", []),
        "other_components": [
            (_("Facilities and infrastructure"), presenters.local(content.get("facilities"))),
            (_("Competence of the officers"), presenters.local(content.get("competence"))),
            (_("Internal supervision"), presenters.local(content.get("internal_supervision"))),
            (_("Number of officers"), str(content.get("executors", ""))),
            (_("Security and safety guarantee"), presenters.local(content.get("security"))),
            (
                _("Evaluation of officers' performance"),
                presenters.local(content.get("performance_evaluation")),
            ),
        ],
        "agencies": presenters.participating(charter),
    }
