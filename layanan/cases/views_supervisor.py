"""A supervisor's overview at /kantor/ringkasan/: what is late or escalated in the units they
supervise, how the open work is spread over the officers, and which steps wait longest.

Every list is bounded: the late steps are paginated, the others are limited, and the number
of queries does not grow with the number of steps.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from layanan.accounts.current import user_of
from layanan.accounts.models import User
from layanan.agencies.models import Unit
from layanan.cases import access
from layanan.cases.models import Event, Step
from layanan.cases.presenters import local_time, step_marker, step_name
from layanan.cases.views_office import officer_required

LATE_PAGE_SIZE = 20
LONGEST = 10
OPEN_STATES = ("active", "returned")


def step_row(step: Step) -> dict[str, Any]:
    zone = step.agency.time_zone
    return {
        "step": step,
        "name": step_name(step.application, step.key),
        "marker": step_marker(step),
        "due": local_time(step.due_at, zone),
        "started": local_time(step.started_at, zone),
    }


def waited(step: Step, at: Any) -> str:
    days = (at - step.started_at).days if step.started_at else 0
    if days < 1:
        return _("less than a day")
    return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}


@officer_required
def overview(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    units = access.supervised_unit_ids(user)
    if not units:
        raise PermissionDenied(_("This page is for supervisors."))
    at = timezone.now()
    open_steps = Step.objects.filter(unit_id__in=units, state__in=OPEN_STATES)
    related = ("application", "application__charter", "unit", "agency", "assignee")

    # Late: active past its due date (a returned step's clock is paused). Escalated: the
    # sweep recorded an escalation event for this step of this application.
    escalations = Event.objects.filter(
        application_id=OuterRef("application_id"), step=OuterRef("key"), kind="escalated"
    ).order_by("-seq")
    very_late = Event.objects.filter(
        application_id=OuterRef("application_id"), step=OuterRef("key"), kind="very_late"
    )
    late = (
        open_steps.filter(state="active", due_at__lt=at)
        .annotate(
            escalated_at=Subquery(escalations.values("at")[:1]),
            very_late=Exists(very_late),
        )
        .select_related(*related)
        .order_by("due_at", "pk")
    )
    page = Paginator(late, LATE_PAGE_SIZE).get_page(request.GET.get("page"))
    late_rows = []
    for step in page.object_list:
        row = step_row(step)
        escalated_at = getattr(step, "escalated_at", None)
        row["escalated"] = local_time(escalated_at, step.agency.time_zone)
        row["very_late"] = getattr(step, "very_late", False)
        late_rows.append(row)

    # Open work per officer of these units (and steps nobody holds), in one grouped query.
    counts = {
        entry["assignee"]: entry
        for entry in open_steps.values("assignee").annotate(
            open=Count("id"), late=Count("id", filter=Q(state="active", due_at__lt=at))
        )
    }
    officers = User.objects.filter(
        Q(officer_roles__unit_id__in=units) | Q(pk__in=[pk for pk in counts if pk])
    ).distinct()
    workload = [
        {
            "officer": officer,
            "open": counts.get(officer.pk, {}).get("open", 0),
            "late": counts.get(officer.pk, {}).get("late", 0),
        }
        for officer in officers
    ]
    workload.sort(key=lambda w: (-w["open"], -w["late"], str(w["officer"])))
    unassigned = counts.get(None, {"open": 0, "late": 0})

    longest = [
        {**step_row(step), "waited": waited(step, at)}
        for step in open_steps.filter(started_at__isnull=False)
        .select_related(*related)
        .order_by("started_at", "pk")[:LONGEST]
    ]
    return render(
        request,
        "cases/office/overview.html",
        {
            "units": Unit.objects.filter(pk__in=units).order_by("name"),
            "page_obj": page,
            "late_rows": late_rows,
            "workload": workload,
            "unassigned": unassigned,
            "open_total": sum(entry["open"] for entry in counts.values()),
            "longest": longest,
        },
    )
