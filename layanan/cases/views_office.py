"""The back office at /kantor/: queues per unit, the step page and its actions.

Every view demands a signed-in officer (a user with at least one role in a unit); which
steps and applications they may touch is decided in `access`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from layanan.accounts.models import User
from layanan.cases import access, actions
from layanan.cases.models import EventKind, Step
from layanan.cases.presenters import (
    due_marker,
    explain_due,
    local_time,
    step_name,
)
from layanan.cases.views_citizen import answer_rows, document_requirements
from layanan.charters.models import Service

PAGE_SIZE = 25


def officer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not access.is_officer(request.user):
            raise PermissionDenied(_("This page is for officers."))
        return view(request, *args, **kwargs)

    return wrapper


def user_of(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    return user


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


@officer_required
def queue(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    units = access.officer_unit_ids(user)
    steps = Step.objects.filter(unit_id__in=units, state__in=("active", "returned"))
    services = Service.objects.filter(applications__steps__unit_id__in=units).distinct()
    form = QueueFilter(request.GET)
    service_field: forms.ChoiceField = form.fields["layanan"]  # type: ignore[assignment]
    service_field.choices = [("", _("All services"))] + [
        (s.code, s.display_name) for s in services.order_by("name")
    ]
    if form.is_valid():
        if code := form.cleaned_data["layanan"]:
            steps = steps.filter(application__service__code=code)
        if state := form.cleaned_data["status"]:
            steps = steps.filter(state=state)
        if form.cleaned_data["terlambat"]:
            steps = steps.filter(due_at__lt=timezone.now())
        if form.cleaned_data["milik"] == "saya":
            steps = steps.filter(assignee=user)
        elif form.cleaned_data["milik"] == "kosong":
            steps = steps.filter(assignee__isnull=True)
    steps = steps.select_related(
        "application", "application__service", "application__charter", "unit", "agency", "assignee"
    ).order_by("due_at", "pk")
    page = Paginator(steps, PAGE_SIZE).get_page(request.GET.get("halaman"))
    rows = [
        {
            "step": step,
            "name": step_name(step.application, step.key),
            "marker": due_marker(step.due_at),
            "due": local_time(step.due_at, step.agency.time_zone),
        }
        for step in page.object_list
    ]
    colleagues = (
        User.objects.filter(officer_roles__unit_id__in=units).distinct().order_by("username")
    )
    return render(
        request,
        "cases/office/queue.html",
        {
            "rows": rows,
            "page_obj": page,
            "form": form,
            "colleagues": colleagues,
            "is_supervisor": bool(access.supervised_unit_ids(user)),
        },
    )


class ActionForm(forms.Form):
    use_required_attribute = False
    action = forms.ChoiceField(
        choices=[("approve", "approve"), ("return", "return"), ("reject", "reject")],
        widget=forms.HiddenInput,
    )
    note = forms.CharField(
        label=gettext_lazy("Reason or note for the applicant"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CommentForm(forms.Form):
    use_required_attribute = False
    note = forms.CharField(
        label=gettext_lazy("Internal comment"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def step_page_context(request: HttpRequest, step: Step) -> dict[str, Any]:
    application = step.application
    user = user_of(request)
    actions.record_access(application=application, officer=user, what=f"step:{step.key}")
    steps = list(application.steps.select_related("unit", "agency", "assignee"))
    events = application.events.select_related("actor").order_by("-seq")
    colleagues = User.objects.filter(officer_roles__unit=step.unit).distinct().order_by("username")
    return {
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
        "rows": answer_rows(application),
        "documents": document_requirements(application),
        "explanation": explain_due(application, steps),
        "due": local_time(step.due_at, step.agency.time_zone),
        "marker": due_marker(step.due_at),
        "events": [
            {
                "event": e,
                "label": EventKind.label_of(e.kind),
                "at": local_time(e.at, application.agency.time_zone),
            }
            for e in events[:50]
        ],
        "colleagues": colleagues,
        "can_act": step.state == "active" and access.can_act_on_step(user_of(request), step),
        "action_form": ActionForm(),
        "comment_form": CommentForm(),
    }


@officer_required
def step_page(request: HttpRequest, number: str, key: str) -> HttpResponse:
    step = access.get_step_for_officer(user_of(request), number, key)
    return render(request, "cases/office/step.html", step_page_context(request, step))


@officer_required
@require_POST
def step_action(request: HttpRequest, number: str, key: str) -> HttpResponse:
    user = user_of(request)
    step = access.get_step_for_officer(user, number, key)
    access.ensure_can_act_on_step(user, step)
    form = ActionForm(request.POST)
    if form.is_valid():
        try:
            actions.act_on_step(
                application=step.application,
                step=step,
                officer=user,
                action=form.cleaned_data["action"],
                note=form.cleaned_data["note"],
            )
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
            messages.success(request, _("Done."))
            return redirect("office:queue")
    context = step_page_context(request, step)
    context["action_form"] = form
    return render(request, "cases/office/step.html", context, status=400)


@officer_required
@require_POST
def step_comment(request: HttpRequest, number: str, key: str) -> HttpResponse:
    user = user_of(request)
    step = access.get_step_for_officer(user, number, key)
    form = CommentForm(request.POST)
    if form.is_valid():
        actions.comment_on_step(step=step, officer=user, note=form.cleaned_data["note"])
        messages.success(request, _("Comment saved."))
        return redirect("office:step", number=number, key=key)
    context = step_page_context(request, step)
    context["comment_form"] = form
    return render(request, "cases/office/step.html", context, status=400)


def colleague(step: Step, username: str) -> User | None:
    """An officer of the step's unit, by username."""
    return (
        User.objects.filter(username=username, officer_roles__unit_id=step.unit_id, is_active=True)
        .distinct()
        .first()
    )


@officer_required
@require_POST
def step_assign(request: HttpRequest, number: str, key: str) -> HttpResponse:
    """Claim (no name or one's own), assign to a colleague of the unit, or release."""
    user = user_of(request)
    step = access.get_step_for_officer(user, number, key)
    username = request.POST.get("assignee", "").strip()
    if request.POST.get("release"):
        target = None
    elif not username or username == user.username:
        target = user
    else:
        target = colleague(step, username)
        if target is None:
            messages.error(request, _("Choose an officer of this unit."))
            return redirect("office:step", number=number, key=key)
    try:
        actions.assign_step(step=step, assignee=target, by=user)
    except actions.AlreadyHandled as handled:
        messages.error(request, handled.message)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = ""
    return redirect(back or "office:queue")


@officer_required
@require_POST
def bulk_assign(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    units = access.officer_unit_ids(user)
    ids = [int(i) for i in request.POST.getlist("step") if i.isdigit()][:100]
    username = request.POST.get("assignee", "").strip()
    if not ids or not username:
        messages.error(request, _("Choose steps and an officer."))
        return redirect("office:queue")
    done = 0
    for step in Step.objects.filter(pk__in=ids, unit_id__in=units).select_related("application"):
        target = colleague(step, username)
        if target is None:
            continue
        try:
            actions.assign_step(step=step, assignee=target, by=user)
            done += 1
        except actions.AlreadyHandled:
            continue
    messages.success(request, _("%(n)d step(s) assigned.") % {"n": done})
    return redirect("office:queue")
