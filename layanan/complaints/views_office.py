"""The back office for complaints at /kantor/pengaduan/: the queue of the officer's units,
the complaint's page with every action, and its attachments.

Every view demands a signed-in officer (`cases.views_office.officer_required`); which
complaints they may see is decided in `access` (another unit's complaint answers 404), and
what they may do to one in `actions` (the status, the unit, the revision they saw).

Confidentiality (UU 25/2009 Pasal 54): the handling unit sees the complainant of an *anonim*
or *rahasia* complaint, under a banner saying it must not be disclosed, and each such look at
a complainant with an account is written to the access log they read on their own page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from layanan.accounts.current import user_of
from layanan.accounts.models import User
from layanan.agencies.models import Unit
from layanan.cases.presenters import due_marker
from layanan.cases.views_office import officer_required
from layanan.complaints import access, actions
from layanan.complaints.forms_office import (
    ActionForm,
    CompletionForm,
    DuplicateForm,
    ForwardForm,
    LaporForm,
    PlanForm,
    QueueFilter,
    RejectForm,
    ResolveForm,
    RespondForm,
    VerifyForm,
)
from layanan.complaints.models import (
    ENDED_STATUSES,
    OPEN_STATUSES,
    Attachment,
    Category,
    Complaint,
    EventKind,
    Status,
)
from layanan.complaints.presenters import full_view
from layanan.complaints.reads import record_identity_read

PAGE_SIZE = 25


# -- the queue ----------------------------------------------------------------------------------


def queue_complaints(complaints: QuerySet[Complaint], form: QueueFilter) -> QuerySet[Complaint]:
    status = form.cleaned_data.get("status", "") if form.is_valid() else ""
    if status == "":
        complaints = complaints.filter(status__in=OPEN_STATUSES)
    elif status != "all":
        complaints = complaints.filter(status=status)
    if form.is_valid():
        if kind := form.cleaned_data["jenis"]:
            complaints = complaints.filter(kind=kind)
        if category := form.cleaned_data["kategori"]:
            complaints = complaints.filter(category__service_code=category)
        if form.cleaned_data["terlambat"]:
            complaints = complaints.filter(due_at__lt=timezone.now(), status__in=OPEN_STATUSES)
    return complaints.select_related("category", "agency", "unit").order_by(
        F("due_at").asc(nulls_last=True), "created_at", "pk"
    )


def complaint_marker(complaint: Complaint) -> str:
    """late / due_soon / on_track for a complaint whose clock runs; "waiting" while the
    complainant must complete it; "" once nothing is due from the agency."""
    if complaint.status == Status.INCOMPLETE:
        return "waiting"
    if complaint.status not in OPEN_STATUSES or complaint.due_at is None:
        return ""
    return due_marker(complaint.due_at)


@officer_required
def queue(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    # The categories of the officer's agencies, and those of complaints forwarded to them
    # from other agencies.
    agencies = Unit.objects.filter(pk__in=access.handling_unit_ids(user)).values("agency_id")
    handled = access.complaints_for_officer(user)
    forwarded = handled.values("category_id")
    categories = (
        Category.objects.filter(Q(agency_id__in=agencies) | Q(pk__in=forwarded))
        .select_related("agency")
        .order_by("agency__name", "position", "name")
    )
    form = QueueFilter(
        request.GET,
        categories=[
            (c.service_code, f"{c.name} ({c.agency.short_name or c.agency.name})")
            for c in categories
        ],
    )
    page = Paginator(queue_complaints(handled, form), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"complaint": c, "marker": complaint_marker(c)} for c in page.object_list]
    filtered = any(request.GET.get(name) for name in QueueFilter.base_fields)
    return render(
        request,
        "complaints/office_queue.html",
        {
            "form": form,
            "rows": rows,
            "page_obj": page,
            "filtered": filtered,
            "error_forms": [form] if form.errors else [],
        },
        status=400 if form.errors else 200,
    )


# -- the complaint's page -----------------------------------------------------------------------


@dataclass(frozen=True)
class OfficerAction:
    """One action of the complaint's page: its form, when it is offered, how it is done, and
    what the officer is told afterwards."""

    form: type[ActionForm]
    statuses: tuple[str, ...]
    perform: Callable[[Complaint, User, dict[str, Any]], Any]
    done: Any  # a lazy message with %(number)s


def forward_units() -> list[tuple[str, list[tuple[int, str]]]]:
    """Every active unit, grouped by agency: a complaint may go to any agency."""
    grouped: dict[str, list[tuple[int, str]]] = {}
    for unit in (
        Unit.objects.filter(active=True).select_related("agency").order_by("agency__name", "name")
    ):
        grouped.setdefault(unit.agency.name, []).append((unit.pk, unit.name))
    return list(grouped.items())


def _forward(complaint: Complaint, officer: User, data: dict[str, Any]) -> Any:
    unit = Unit.objects.filter(pk=data["unit"], active=True).first()
    if unit is None:
        raise actions.InvalidInput(_("Choose a unit from the list"), fields={"unit": []})
    return actions.forward_complaint(
        complaint=complaint,
        officer=officer,
        unit=unit,
        note=data["note"],
        revision=data["revision"],
    )


def _duplicate(complaint: Complaint, officer: User, data: dict[str, Any]) -> Any:
    number = access.canonical_number(data["primary"])
    primary = Complaint.objects.filter(number=number).first() if number else None
    if primary is None or not access.can_handle(officer, primary):
        message = _("No complaint your units handle has the number %(number)s") % {
            "number": data["primary"]
        }
        raise actions.InvalidInput(message, fields={"primary": [message]})
    return actions.link_duplicate(
        complaint=complaint, primary=primary, officer=officer, revision=data["revision"]
    )


ANSWERABLE = (*OPEN_STATUSES, Status.RESOLVED)

ACTIONS: dict[str, OfficerAction] = {
    "verifikasi": OfficerAction(
        VerifyForm,
        (Status.RECEIVED,),
        lambda c, o, d: actions.verify_complaint(
            complaint=c, officer=o, note=d["note"], revision=d["revision"]
        ),
        gettext_lazy("Complaint %(number)s verified."),
    ),
    "kelengkapan": OfficerAction(
        CompletionForm,
        (Status.RECEIVED,),
        lambda c, o, d: actions.request_completion(
            complaint=c, officer=o, note=d["note"], revision=d["revision"]
        ),
        gettext_lazy("The complainant of %(number)s is asked to complete it."),
    ),
    "teruskan": OfficerAction(
        ForwardForm,
        (Status.VERIFIED, Status.FORWARDED, Status.IN_FOLLOW_UP),
        _forward,
        gettext_lazy("Complaint %(number)s forwarded."),
    ),
    "rencana": OfficerAction(
        PlanForm,
        (Status.VERIFIED, Status.FORWARDED),
        lambda c, o, d: actions.plan_follow_up(
            complaint=c, officer=o, note=d["note"], revision=d["revision"]
        ),
        gettext_lazy("Follow-up of %(number)s planned and published."),
    ),
    "tanggapan": OfficerAction(
        RespondForm,
        ANSWERABLE,
        lambda c, o, d: actions.respond(
            complaint=c, officer=o, note=d["note"], public=d["public"], revision=d["revision"]
        ),
        gettext_lazy("Response to %(number)s saved."),
    ),
    "selesai": OfficerAction(
        ResolveForm,
        (Status.VERIFIED, Status.FORWARDED, Status.IN_FOLLOW_UP),
        lambda c, o, d: actions.resolve_complaint(
            complaint=c,
            officer=o,
            outcome=d["outcome"],
            compensation_amount=d["compensation_amount"],
            compensation_due_on=d["compensation_due_on"],
            revision=d["revision"],
        ),
        gettext_lazy("Complaint %(number)s marked resolved; the complainant is asked to confirm."),
    ),
    "tolak": OfficerAction(
        RejectForm,
        (Status.RECEIVED, Status.INCOMPLETE, Status.VERIFIED, Status.FORWARDED),
        lambda c, o, d: actions.reject_complaint(
            complaint=c, officer=o, reason=d["reason"], ground=d["ground"], revision=d["revision"]
        ),
        gettext_lazy("Complaint %(number)s rejected."),
    ),
    "duplikat": OfficerAction(
        DuplicateForm,
        (Status.RECEIVED, Status.INCOMPLETE, Status.VERIFIED, Status.FORWARDED),
        _duplicate,
        gettext_lazy("Complaint %(number)s linked as a duplicate."),
    ),
    "lapor": OfficerAction(
        LaporForm,
        tuple(Status.values),
        lambda c, o, d: actions.record_lapor(
            complaint=c, officer=o, link=d["link"], number=d["number"], revision=d["revision"]
        ),
        gettext_lazy("SP4N-LAPOR! link of %(number)s recorded."),
    ),
}


def blank_form(slug: str, complaint: Complaint) -> ActionForm:
    extra: dict[str, Any] = {"units": forward_units()} if slug == "teruskan" else {}
    return ACTIONS[slug].form(initial={"revision": complaint.revision}, **extra)


def deadline_state(row: dict[str, Any], at: Any) -> str:
    """missed (recorded by the sweep, or past due and not yet swept), met, met late, no
    longer applies, or running; `row` is a `presenters.deadline_row`."""
    if row["met_at"] is not None:
        return "met_late" if row["met_at"] > row["due_at"] else "met"
    if row["missed"]:
        return "missed"
    if row["cancelled_at"] is not None:
        return "cancelled"
    return "missed" if row["due_at"] < at else "running"


def complaint_page_context(request: HttpRequest, complaint: Complaint) -> dict[str, Any]:
    user = user_of(request)
    view = full_view(complaint, internal=True)
    if complaint.hides_complainant:
        record_identity_read(reader=user, complaint=complaint)
    moment = timezone.now()
    events = complaint.events.select_related("actor").order_by("-seq")
    duplicates = [
        c
        for c in actions.possible_duplicates(
            agency=complaint.agency,
            service=complaint.service,
            application=complaint.application,
            address=complaint.address,
            exclude=complaint,
        )
        if access.can_handle(user, c)
    ]
    offered = [slug for slug, spec in ACTIONS.items() if complaint.status in spec.statuses]
    return {
        "complaint": complaint,
        "view": view,
        "zone": complaint.agency.time_zone,
        "identity": view["complainant"],
        "confidential": complaint.hides_complainant,
        "marker": complaint_marker(complaint),
        "deadlines": [{**row, "state": deadline_state(row, moment)} for row in view["deadlines"]],
        "events": [{"event": e, "label": EventKind.label_of(e.kind)} for e in events],
        "possible_duplicates": duplicates,
        "linked_duplicates": list(complaint.duplicates.order_by("created_at")),
        "offered": offered,
        "ended": complaint.status in ENDED_STATUSES,
        "forms": {slug: blank_form(slug, complaint) for slug in offered},
    }


def render_complaint(
    request: HttpRequest,
    complaint: Complaint,
    *,
    status: int = 200,
    bound: tuple[str, ActionForm] | None = None,
) -> HttpResponse:
    context = complaint_page_context(request, complaint)
    context["error_forms"] = []
    if bound is not None:
        slug, form = bound
        context["forms"][slug] = form
        if slug not in context["offered"]:
            context["offered"].append(slug)
        context["error_forms"] = [form]
        context["open_form"] = slug
    return render(request, "complaints/office_detail.html", context, status=status)


@officer_required
def detail(request: HttpRequest, number: str) -> HttpResponse:
    complaint = access.get_complaint_for_officer(user_of(request), number)
    return render_complaint(request, complaint)


@officer_required
@require_POST
def act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    user = user_of(request)
    complaint = access.get_complaint_for_officer(user, number)
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404("no such action")
    extra: dict[str, Any] = {"units": forward_units()} if action == "teruskan" else {}
    form = spec.form(request.POST, **extra)
    if form.is_valid():
        try:
            spec.perform(complaint, user, form.cleaned_data)
        except actions.AlreadyHandled as handled:
            messages.error(
                request,
                _("Nothing was saved on %(number)s: %(reason)s")
                % {"number": complaint.number, "reason": handled.message},
            )
            return redirect("complaints_office:detail", number=complaint.number)
        except actions.ComplaintError as error:
            # Wrong input, or not possible in the complaint's status (`NotAllowed`): the unit
            # was checked above, so a refusal here is about the complaint, not the officer.
            add_action_errors(form, error)
        else:
            messages.success(request, spec.done % {"number": complaint.number})
            complaint.refresh_from_db(fields=["agency", "unit"])
            if not access.can_handle(user, complaint):  # forwarded out of the officer's units
                return redirect("complaints_office:queue")
            return redirect("complaints_office:detail", number=complaint.number)
    complaint.refresh_from_db()
    return render_complaint(request, complaint, status=400, bound=(action, form))


def add_action_errors(form: forms.Form, error: actions.ComplaintError) -> None:
    """The action's messages next to the fields they name; others above the form."""
    placed = False
    for field, problems in (error.fields or {}).items():
        target = field if field in form.fields else None
        for problem in problems or [error.message]:
            form.add_error(target, problem)
            placed = True
    if not placed:
        form.add_error(None, error.message)


# -- attachments --------------------------------------------------------------------------------


@officer_required
def attachment(request: HttpRequest, number: str, attachment_id: int) -> HttpResponse:
    """An attachment, to the handling unit; never shown inline (it may be anything a
    complainant sent)."""
    complaint = access.get_complaint_for_officer(user_of(request), number)
    item = get_object_or_404(Attachment, pk=attachment_id, complaint=complaint)
    if complaint.hides_complainant:
        record_identity_read(reader=user_of(request), complaint=complaint, what=item.original_name)
    response = FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=item.original_name,
        content_type=item.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    # `officer_required` is typed for HttpResponse; a FileResponse streams.
    return cast(HttpResponse, response)
