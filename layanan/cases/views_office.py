"""The back office at /kantor/: queues per unit, the step page and its actions.

Every view demands a signed-in officer (a user with at least one role in a unit); which
steps and applications they may touch is decided in `access`, and what an officer may do to
a step (the charter's role, an assignee of the unit) in `actions`.

htmx enhances two things without changing what the plain pages do: the queue's filter
answers with the results fragment, and claiming a step from the queue answers with the
updated row. A request without the `HX-Request` header gets the whole page, as always.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from layanan.accounts.current import user_of
from layanan.accounts.models import DataAccess, User
from layanan.agencies.models import Role, Unit
from layanan.cases import access, actions
from layanan.cases.models import QUEUED_STATES, Step
from layanan.cases.paging import CappedPaginator
from layanan.cases.presenters import (
    event_label,
    explain_due,
    local_time,
    step_marker,
    step_name,
)
from layanan.cases.views_citizen import answer_rows, document_requirements
from layanan.charters.models import Charter, Service
from layanan.lib.money import rupiah

PAGE_SIZE = 25
BULK_LIMIT = 100


def officer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            login = redirect_to_login(request.get_full_path())
            if is_htmx(request):  # a signed-out session: the whole page goes to sign-in
                return HttpResponse(status=204, headers={"HX-Redirect": login["Location"]})
            return login
        if not access.is_officer(request.user):
            raise PermissionDenied(_("This page is for officers."))
        return view(request, *args, **kwargs)

    return wrapper


def is_htmx(request: HttpRequest) -> bool:
    """A request htmx made on a page it enhances (it sends `HX-Request: true`). Restoring
    history wants the whole page, like a browser without JavaScript."""
    return (
        request.headers.get("HX-Request") == "true"
        and "HX-History-Restore-Request" not in request.headers
    )


def safe_next(request: HttpRequest, fallback: str) -> str:
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return back
    return fallback


# -- the queue ----------------------------------------------------------------------------------


class QueueFilter(forms.Form):
    layanan = forms.ChoiceField(label=gettext_lazy("Service"), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Step state"),
        required=False,
        choices=[
            ("", gettext_lazy("Open (in progress or returned)")),
            ("active", gettext_lazy("In progress")),
            ("returned", gettext_lazy("Returned for correction")),
        ],
    )
    terlambat = forms.BooleanField(label=gettext_lazy("Late only"), required=False)
    milik = forms.ChoiceField(
        label=gettext_lazy("Assigned"),
        required=False,
        choices=[
            ("", gettext_lazy("Everyone")),
            ("saya", gettext_lazy("Assigned to me")),
            ("kosong", gettext_lazy("Not assigned")),
        ],
    )


class BulkAssignForm(forms.Form):
    """Several steps of the queue to one officer. Field names are the queue's `step` and
    `assignee`; the prefix gives the fields ids of their own on the queue page."""

    prefix = "bulk"
    use_required_attribute = False
    step = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Steps"),
        coerce=int,
        error_messages={
            "required": gettext_lazy("Select the steps to assign"),
            "invalid_choice": gettext_lazy("Select steps from your queue"),
        },
    )
    assignee = forms.ChoiceField(
        label=gettext_lazy("Assign the selected steps to"),
        error_messages={
            "required": gettext_lazy("Choose the officer to assign the selected steps to"),
            "invalid_choice": gettext_lazy("Choose an officer of your units"),
        },
    )

    def __init__(self, *args: Any, steps: list[int], colleagues: list[User], **kwargs: Any):
        super().__init__(*args, **kwargs)
        step_field: forms.TypedMultipleChoiceField = self.fields["step"]  # type: ignore[assignment]
        step_field.choices = [(pk, pk) for pk in steps]
        assignee_field: forms.ChoiceField = self.fields["assignee"]  # type: ignore[assignment]
        assignee_field.choices = [("", _("Choose an officer"))] + [
            (c.username, str(c)) for c in colleagues
        ]

    def clean_step(self) -> list[int]:
        chosen: list[int] = self.cleaned_data["step"]
        if len(chosen) > BULK_LIMIT:
            raise forms.ValidationError(
                _("Select at most %(limit)d steps at a time") % {"limit": BULK_LIMIT}
            )
        return chosen


# The open steps, written out as SQL literals: SQLite uses a partial index only when the query
# repeats its condition with the same constants, and the ORM would send them as parameters.
IS_QUEUED = RawSQL(  # noqa: S611 - constants of this module, no input
    '"cases_step"."state" IN ({})'.format(", ".join(f"'{state}'" for state in QUEUED_STATES)),
    [],
    output_field=BooleanField(),
)


def queue_steps(user: User, units: set[int], form: QueueFilter) -> QuerySet[Step]:
    # soonest due first along the partial index `cases_step_open_due`, a page at a time
    steps = Step.objects.filter(IS_QUEUED, unit_id__in=units)
    if form.is_valid():
        if code := form.cleaned_data["layanan"]:
            steps = steps.filter(application__service__code=code)
        if state := form.cleaned_data["status"]:
            steps = steps.filter(state=state)
        if form.cleaned_data["terlambat"]:
            steps = steps.filter(due_at__lt=timezone.now(), paused_at__isnull=True)
        if form.cleaned_data["milik"] == "saya":
            steps = steps.filter(assignee=user)
        elif form.cleaned_data["milik"] == "kosong":
            steps = steps.filter(assignee__isnull=True)
    return steps.select_related(
        "application", "application__service", "application__charter", "unit", "agency", "assignee"
    ).order_by("due_at", "pk")


def services_at_units(units: set[int]) -> list[Service]:
    """The services whose procedure, in a version applications can be bound to, has a step at
    one of `units` (the queue's service filter). Read from the charters, not from the steps:
    the cost follows the catalogue, not the number of applications."""
    codes = set(Unit.objects.filter(pk__in=units).values_list("code", flat=True))
    versions = Charter.objects.filter(
        # a version set for a date that has come takes applications before the worker records it
        status__in=(Charter.Status.ADOPTED, Charter.Status.SUPERSEDED, Charter.Status.SCHEDULED)
    ).select_related("service")
    services = {
        charter.service
        for charter in versions
        for stage in charter.stages
        if any(step.get("unit") in codes for step in stage.get("steps", []))
    }
    return sorted(services, key=lambda service: (service.name, service.pk))


def queue_row(step: Step, user: User, workable: set[tuple[int, str]]) -> dict[str, Any]:
    """One row of the queue. `workable` holds (unit id, role) pairs the user may work."""
    role = step.spec().get("role") or Role.PROCESSOR
    can_work = (step.unit_id, role) in workable or (step.unit_id, Role.SUPERVISOR) in workable
    return {
        "step": step,
        "name": step_name(step.application, step.key),
        "marker": step_marker(step),
        "due": local_time(step.due_at, step.agency.time_zone),
        "can_claim": can_work and step.assignee_id != user.pk,
    }


def queue_context(request: HttpRequest, *, bulk_form: BulkAssignForm | None = None) -> dict:
    user = user_of(request)
    roles = access.officer_roles(user)
    units = {unit for unit, _role in roles}
    form = QueueFilter(request.GET)
    service_field: forms.ChoiceField = form.fields["layanan"]  # type: ignore[assignment]
    service_field.choices = [("", _("All services"))] + [
        (s.code, s.display_name) for s in services_at_units(units)
    ]
    paginator = CappedPaginator(queue_steps(user, units, form), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = [queue_row(step, user, roles) for step in page.object_list]
    colleagues = list(
        User.objects.filter(officer_roles__unit_id__in=units, is_active=True)
        .distinct()
        .order_by("full_name", "username")
    )
    if bulk_form is None:
        bulk_form = BulkAssignForm(steps=[r["step"].pk for r in rows], colleagues=colleagues)
    if rows:  # the error summary links to the first row's checkbox
        bulk_form.fields["step"].widget.attrs["id"] = f"bulk-step-{rows[0]['step'].pk}"
    selected = set(request.POST.getlist("bulk-step")) if bulk_form.is_bound else set()
    query = request.GET.urlencode()
    return {
        "htmx": is_htmx(request),
        "back": reverse("office:queue") + (f"?{query}" if query else ""),
        "filtered": any(request.GET.get(name) for name in QueueFilter.base_fields),
        "error_forms": [bulk_form] if bulk_form.errors else [],
        "rows": rows,
        "page_obj": page,
        "form": form,
        "bulk_form": bulk_form,
        "selected": selected,
        "query": f"?{query}" if query else "",
        "is_supervisor": any(role == Role.SUPERVISOR for _unit, role in roles),
        # process analytics (transparency): supervisors and agency administrators
        "is_analyst": any(role in (Role.SUPERVISOR, Role.AGENCY_ADMIN) for _unit, role in roles),
    }


@officer_required
def queue(request: HttpRequest) -> HttpResponse:
    context = queue_context(request)
    template = "_queue_results.html" if is_htmx(request) else "queue.html"
    response = render(request, f"cases/office/{template}", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@officer_required
@require_POST
def bulk_assign(request: HttpRequest) -> HttpResponse:
    """Assign the selected steps to one officer: all of them, or none and a 400 saying why."""
    user = user_of(request)
    units = access.officer_unit_ids(user)
    colleagues = list(
        User.objects.filter(officer_roles__unit_id__in=units, is_active=True).distinct()
    )
    posted = [int(pk) for pk in request.POST.getlist("bulk-step") if pk.isdigit()]
    own = list(
        Step.objects.filter(pk__in=posted[: BULK_LIMIT + 1], unit_id__in=units)
        .select_related("application", "application__charter", "unit")
        .order_by("pk")
    )
    form = BulkAssignForm(request.POST, steps=[s.pk for s in own], colleagues=colleagues)
    back = reverse("office:queue") + (f"?{request.GET.urlencode()}" if request.GET else "")
    if form.is_valid():
        chosen = set(form.cleaned_data["step"])
        target = next(c for c in colleagues if c.username == form.cleaned_data["assignee"])
        try:
            actions.assign_steps(steps=[s for s in own if s.pk in chosen], assignee=target, by=user)
        except actions.CaseError as error:
            for problem in error.fields.get("assignee", [error.message]):
                form.add_error("assignee", problem)
        else:
            count = len(chosen)
            messages.success(
                request,
                ngettext(
                    "%(count)d step assigned to %(name)s.",
                    "%(count)d steps assigned to %(name)s.",
                    count,
                )
                % {"count": count, "name": target},
            )
            return redirect(back)
    context = queue_context(request, bulk_form=form)
    return render(request, "cases/office/queue.html", context, status=400)


# -- the step page ------------------------------------------------------------------------------


class ActionForm(forms.Form):
    """The decision; its note is shown to the applicant. Prefixed `keputusan` so that its
    fields have ids of their own next to the comment form's."""

    prefix = "keputusan"
    use_required_attribute = False
    action = forms.ChoiceField(
        choices=[("approve", "approve"), ("return", "return"), ("reject", "reject")],
        widget=forms.HiddenInput,
        error_messages={"required": gettext_lazy("Choose approve, return or reject")},
    )
    note = forms.CharField(
        label=gettext_lazy("Reason or note for the applicant"),
        help_text=gettext_lazy(
            "The applicant reads this. Required when you return or reject the application."
        ),
        required=False,
        max_length=2000,
        error_messages={
            "max_length": gettext_lazy(
                "The note for the applicant must be 2000 characters or fewer"
            )
        },
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # only on the step that assesses the fee (charter `fee.assessed.step`); checked by the action
    amount = forms.CharField(
        label=gettext_lazy("Fee assessed, in rupiah"),
        required=False,
        max_length=15,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-10"}),
    )


class CommentForm(forms.Form):
    """An internal remark: officers only, never shown to the applicant."""

    prefix = "komentar"
    use_required_attribute = False
    note = forms.CharField(
        label=gettext_lazy("Internal comment"),
        help_text=gettext_lazy("Only officers see this; the applicant does not."),
        max_length=2000,
        error_messages={
            "required": gettext_lazy("Enter the internal comment"),
            "max_length": gettext_lazy("The internal comment must be 2000 characters or fewer"),
        },
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def step_page_context(request: HttpRequest, step: Step) -> dict[str, Any]:
    application = step.application
    user = user_of(request)
    actions.record_access(
        application=application,
        officer=user,
        place=DataAccess.Place.OFFICE_STEP,
        what=str(step_name(application, step.key)),
        step=step,
    )
    steps = list(application.steps.select_related("unit", "agency", "assignee"))
    events = application.events.select_related("actor").order_by("-seq")
    # Only those who may hold the step: the role its charter names, or the unit's supervisors.
    role = step.spec().get("role") or Role.PROCESSOR
    colleagues = (
        User.objects.filter(
            officer_roles__unit=step.unit,
            officer_roles__role__in=(role, Role.SUPERVISOR),
            is_active=True,
        )
        .distinct()
        .order_by("full_name", "username")
    )
    can_work = access.can_act_on_step(user, step)
    return {
        # The page also answers refused POSTs at …/tindakan/ and …/komentar/ (POST only):
        # links and forms that come back to "this page" come back to the step page.
        "page_path": reverse("office:step", args=[application.number, step.key]),
        "step": step,
        "application": application,
        "name": step_name(application, step.key),
        "steps": [
            {
                "step": s,
                "name": step_name(application, s.key),
                "due": local_time(s.due_at, s.agency.time_zone),
            }
            for s in steps
        ],
        # An officer of an involved unit, whose read was just logged as `data_viewed`.
        "rows": answer_rows(application, full_nik=True),
        "documents": document_requirements(application),
        "explanation": explain_due(application, steps),
        "due": local_time(step.due_at, step.agency.time_zone),
        "marker": step_marker(step),
        "events": [
            {
                "event": e,
                "label": event_label(application, e),
                "at": local_time(e.at, application.agency.time_zone),
            }
            for e in events[:50]
        ],
        "colleagues": colleagues,
        "can_act": step.state == "active" and can_work,
        "can_assign": step.state in ("active", "returned", "pending") and can_work,
        "can_claim": can_work
        and step.state in ("active", "returned", "pending")
        and step.assignee_id != user.pk,
        "action_form": ActionForm(),
        "comment_form": CommentForm(),
        "assessment": assessment_range(step),
    }


def assessment_range(step: Step) -> str:
    """ "Rp100.000 – Rp750.000" on the step that assesses the fee, else ""."""
    assessed = actions.assesses_fee(step)
    if not assessed:
        return ""
    return f"{rupiah(assessed['min'])} – {rupiah(assessed['max'])}"


def render_step(request: HttpRequest, step: Step, status: int = 200, **forms_: Any) -> HttpResponse:
    context = step_page_context(request, step)
    context.update(forms_)
    context["error_forms"] = [f for f in forms_.values() if f.errors]
    return render(request, "cases/office/step.html", context, status=status)


@officer_required
def step_page(request: HttpRequest, number: str, key: str) -> HttpResponse:
    step = access.get_step_for_officer(user_of(request), number, key)
    return render_step(request, step)


DONE_MESSAGES = {
    "approve": gettext_lazy("Step '%(step)s' for %(number)s approved."),
    "return": gettext_lazy(
        "Step '%(step)s' for %(number)s returned to the applicant for correction."
    ),
    "reject": gettext_lazy("Step '%(step)s' for %(number)s rejected."),
}


def about(step: Step) -> dict[str, str]:
    """The placeholders of every success message: which step of which application."""
    return {"step": step_name(step.application, step.key), "number": step.application.number}


@officer_required
@require_POST
def step_action(request: HttpRequest, number: str, key: str) -> HttpResponse:
    user = user_of(request)
    step = access.get_step_for_officer(user, number, key)
    form = ActionForm(request.POST)
    if form.is_valid():
        try:
            actions.act_on_step(
                application=step.application,
                step=step,
                officer=user,
                action=form.cleaned_data["action"],
                note=form.cleaned_data["note"],
                amount=form.cleaned_data["amount"] or None,
            )
        except actions.Forbidden as forbidden:
            raise PermissionDenied(forbidden.message) from None
        except actions.AlreadyHandled:
            messages.error(request, _("Already handled (sudah ditangani): nothing was changed."))
            return redirect("office:step", number=number, key=key)
        except actions.CaseError as error:
            for field, problems in error.fields.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
            if not error.fields:
                form.add_error(None, error.message)
        else:
            messages.success(request, DONE_MESSAGES[form.cleaned_data["action"]] % about(step))
            return redirect("office:queue")
    return render_step(request, step, status=400, action_form=form)


@officer_required
@require_POST
def step_comment(request: HttpRequest, number: str, key: str) -> HttpResponse:
    user = user_of(request)
    step = access.get_step_for_officer(user, number, key)
    form = CommentForm(request.POST)
    if form.is_valid():
        actions.comment_on_step(step=step, officer=user, note=form.cleaned_data["note"])
        messages.success(
            request, _("Comment saved on step '%(step)s' for %(number)s.") % about(step)
        )
        return redirect("office:step", number=number, key=key)
    return render_step(request, step, status=400, comment_form=form)


def assignment_message(step: Step, target: User | None, by: User) -> str:
    if target is None:
        return _("Step '%(step)s' for %(number)s released: nobody holds it now.") % about(step)
    if target == by:
        return _("You took step '%(step)s' for %(number)s.") % about(step)
    return _("Step '%(step)s' for %(number)s assigned to %(name)s.") % {
        **about(step),
        "name": target,
    }


@officer_required
@require_POST
def step_assign(request: HttpRequest, number: str, key: str) -> HttpResponse:
    """Claim ("Ambil": no name or one's own), assign to a colleague of the unit, or release.

    From the queue with htmx, the answer is the step's updated row and a status message.
    """
    user = user_of(request)
    step = access.get_step_for_officer(user, number, key)
    username = request.POST.get("assignee", "").strip()
    status, text = 200, ""
    target: User | None = None
    if request.POST.get("release"):
        target = None
    elif not username or username == user.username:
        target = user
    else:
        # Whether they may hold the step is the action's rule; here only: do they exist.
        target = User.objects.filter(username=username).first()
        if target is None:
            status = 400
            text = _("Choose an officer of %(unit)s.") % {"unit": step.unit.name}
    if status == 200:
        try:
            actions.assign_step(step=step, assignee=target, by=user)
        except actions.Forbidden as forbidden:
            if not is_htmx(request):
                raise PermissionDenied(forbidden.message) from None
            status, text = 403, forbidden.message
        except actions.AlreadyHandled as handled:
            status, text = 409, handled.message
        except actions.CaseError as error:
            status, text = 400, error.message
        else:
            text = assignment_message(step, target, user)
    if is_htmx(request) and request.POST.get("row"):
        step.refresh_from_db(fields=["assignee", "state"])
        step.assignee = (
            User.objects.filter(pk=step.assignee_id).first() if step.assignee_id else None
        )
        roles = access.officer_roles(user)
        return render(
            request,
            "cases/office/_queue_row.html",
            {
                "row": queue_row(step, user, roles),
                "back": safe_next(request, reverse("office:queue")),
                "status_message": text,
                "status_is_error": status != 200,
            },
            status=status,
        )
    if status == 200:
        messages.success(request, text)
    else:
        messages.error(request, text)
    return redirect(safe_next(request, reverse("office:queue")))
