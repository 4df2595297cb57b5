"""The maklumat and the evaluation of standards: the agency administrators' pages
(/kantor/maklumat/, /kantor/standar/evaluasi/<service>/) and the public record of evaluations
(/layanan/<service>/evaluasi/)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from layanan.accounts.current import user_of
from layanan.charters import duties, evaluations
from layanan.charters.models import Charter, Duty, Evaluation, Service
from layanan.transparency import access
from layanan.transparency.evaluation import Span, evidence_for, span_of
from layanan.transparency.evaluation_presenters import component_rows, duty_rows

PERIODS = (
    ("12", gettext_lazy("Last 12 months")),
    ("24", gettext_lazy("Last 24 months")),
    ("36", gettext_lazy("Last 36 months")),
)


def admin_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


class MaklumatForm(forms.Form):
    use_required_attribute = False
    text = forms.CharField(
        label=gettext_lazy("Maklumat pelayanan"),
        help_text=gettext_lazy(
            "The agency's public declaration that it serves according to its standards. "
            "Publishing the same text again re-confirms it."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": gettext_lazy("Write the maklumat pelayanan.")},
    )


@admin_required
def maklumat_home(request: HttpRequest) -> HttpResponse:
    agencies = list(access.administered_agencies(user_of(request)))
    if len(agencies) == 1:
        return redirect("evaluation:maklumat", agencies[0].code)
    return render(request, "charters/evaluation/maklumat_home.html", {"agencies": agencies})


@admin_required
def maklumat(request: HttpRequest, agency: str) -> HttpResponse:
    found = access.administered_agency(user_of(request), agency)
    status = 200
    if request.method == "POST":
        form = MaklumatForm(request.POST)
        if form.is_valid():
            try:
                duties.publish_maklumat(
                    agency=found, text=form.cleaned_data["text"], by=user_of(request)
                )
            except duties.DutyInvalid as invalid:
                for field, message in invalid.errors.items():
                    form.add_error(field, message)
            else:
                messages.success(request, _("The maklumat pelayanan is published."))
                return redirect("evaluation:maklumat", found.code)
        status = 400
    else:
        form = MaklumatForm(initial={"text": found.maklumat})
    now = timezone.now()
    owed = Duty.objects.filter(agency=found, kind=Duty.Kind.MAKLUMAT, closed_at__isnull=True)
    context = {
        "agency": found,
        "form": form,
        "error_forms": [form] if form.errors else [],
        "history": found.maklumat_history.select_related("published_by")[:20],
        "owed": duty_rows(owed.select_related("service", "charter", "agency"), now=now),
    }
    return render(request, "charters/evaluation/maklumat.html", context, status=status)


class PeriodForm(forms.Form):
    use_required_attribute = False
    bulan = forms.ChoiceField(
        label=gettext_lazy("Period"),
        choices=PERIODS,
        error_messages={"invalid_choice": gettext_lazy("Choose one of the periods listed")},
    )


class EvaluationForm(forms.Form):
    use_required_attribute = False
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=Evaluation.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose a yearly evaluation or a three-yearly review."),
            "invalid_choice": gettext_lazy("Choose a yearly evaluation or a three-yearly review."),
        },
    )
    conclusions = forms.CharField(
        label=gettext_lazy("Conclusions"),
        help_text=gettext_lazy(
            "What the evidence shows, component by component, and what should change in the "
            "standard. Published with the evidence."
        ),
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"required": gettext_lazy("Write the conclusions of the evaluation.")},
    )


def period_of(data: Any, today: Any) -> tuple[PeriodForm, Span | None]:
    form = PeriodForm({"bulan": "12", **({"bulan": data["bulan"]} if "bulan" in data else {})})
    if not form.is_valid():
        return form, None
    return form, span_of(today, int(form.cleaned_data["bulan"]))


@admin_required
def evaluate(request: HttpRequest, code: str) -> HttpResponse:
    service = access.administered_service(user_of(request), code)
    now = timezone.now()
    today = service.lead_agency.local_day(now)
    source = request.POST if request.method == "POST" else request.GET
    period_form, span = period_of(source, today)
    form = EvaluationForm(request.POST if request.method == "POST" else None)
    status = 200 if span is not None else 400
    if request.method == "POST":
        status = 400
        if form.is_valid() and span is not None:
            try:
                evaluation = evaluations.record_evaluation(
                    service=service,
                    by=user_of(request),
                    kind=form.cleaned_data["kind"],
                    conclusions=form.cleaned_data["conclusions"],
                    period_start=span.start,
                    period_end=span.end,
                    evidence=evidence_for(service, span=span, now=now),
                    now=now,
                )
            except duties.DutyInvalid as invalid:
                for field, message in invalid.errors.items():
                    form.add_error(field, message)
            except evaluations.EvaluationConflict as conflict:
                form.add_error(None, conflict.message)
            else:
                messages.success(request, _("The evaluation is recorded and published."))
                return redirect("evaluation:public_detail", service.code, evaluation.pk)
    span = span or span_of(today)
    evidence = evidence_for(service, span=span, now=now)
    context = {
        "service": service,
        "period_form": period_form,
        "form": form,
        "error_forms": [f for f in (period_form, form) if f.errors],
        "span": span,
        "evidence": evidence,
        "components": component_rows(evidence),
        "duties": duty_rows(duties.open_evaluation_duties(service), now=now),
        "evaluations": service.evaluations.select_related("charter", "evaluated_by", "next_draft")[
            :20
        ],
        "drafting": service.charters.filter(
            status__in=(Charter.Status.DRAFT, Charter.Status.CONSULTATION)
        ).first(),
    }
    return render(request, "charters/evaluation/evaluate.html", context, status=status)


@require_POST
@admin_required
def start_draft(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    service = access.administered_service(user_of(request), code)
    evaluation = get_object_or_404(Evaluation, pk=pk, service=service)
    try:
        draft = evaluations.start_next_draft(evaluation=evaluation, by=user_of(request))
    except evaluations.EvaluationConflict as conflict:
        messages.error(request, conflict.message)
        return redirect("evaluation:evaluate", service.code)
    messages.success(
        request,
        _("Draft version %(v)d is started from the conclusions.") % {"v": draft.version},
    )
    return redirect("evaluation:evaluate", service.code)


# -- public ---------------------------------------------------------------------------------


def public_service(code: str) -> Service:
    return get_object_or_404(Service.objects.select_related("lead_agency"), code=code, active=True)


def evaluations_page(request: HttpRequest, code: str) -> HttpResponse:
    service = public_service(code)
    now = timezone.now()
    return render(
        request,
        "charters/evaluation/public_list.html",
        {
            "service": service,
            "evaluations": service.evaluations.select_related("charter")[:50],
            "duties": duty_rows(duties.open_evaluation_duties(service), now=now),
        },
    )


def evaluation_page(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    service = public_service(code)
    evaluation = get_object_or_404(
        Evaluation.objects.select_related("charter"), pk=pk, service=service
    )
    return render(
        request,
        "charters/evaluation/public_detail.html",
        {
            "service": service,
            "evaluation": evaluation,
            "evidence": evaluation.evidence,
            "components": component_rows(evaluation.evidence),
        },
    )
