"""Process analytics in the back office (/kantor/analitik/): a table per agency and period,
for the agency's supervisors and administrators."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy

from layanan.accounts.current import user_of
from layanan.cases.presenters import working_time_text
from layanan.cases.views_office import officer_required
from layanan.transparency import access
from layanan.transparency.analytics import MIN_RANKED, StepFigures, bottlenecks, step_figures

PERIODS = (
    ("30", gettext_lazy("Last 30 days")),
    ("90", gettext_lazy("Last 90 days")),
    ("365", gettext_lazy("Last 12 months")),
)


class AnalyticsFilter(forms.Form):
    use_required_attribute = False
    instansi = forms.ChoiceField(
        label=gettext_lazy("Agency"),
        error_messages={"invalid_choice": gettext_lazy("Choose one of your agencies")},
    )
    periode = forms.ChoiceField(
        label=gettext_lazy("Period"),
        choices=PERIODS,
        error_messages={"invalid_choice": gettext_lazy("Choose one of the periods listed")},
    )


def row(figures: StepFigures) -> dict[str, object]:
    return {
        "figures": figures,
        "median": working_time_text(figures.median_minutes),
        "p90": working_time_text(figures.p90_minutes),
    }


@officer_required
def analytics(request: HttpRequest) -> HttpResponse:
    agencies = list(access.analytics_agencies(user_of(request)))
    data = {"instansi": agencies[0].code, "periode": "90", **request.GET.dict()}
    form = AnalyticsFilter(data)
    form.fields["instansi"].choices = [(a.code, a.name) for a in agencies]  # type: ignore[attr-defined]
    context: dict[str, object] = {"form": form, "min_ranked": MIN_RANKED}
    if not form.is_valid():
        context["error_forms"] = [form]
        return render(request, "transparency/analytics.html", context, status=400)
    agency = next(a for a in agencies if a.code == form.cleaned_data["instansi"])
    end = timezone.now()
    start = end - dt.timedelta(days=int(form.cleaned_data["periode"]))
    figures = step_figures(agency=agency, start=start, end=end)
    context.update(
        {
            "agency": agency,
            "rows": [row(f) for f in figures],
            "bottlenecks": [row(f) for f in bottlenecks(figures)],
        }
    )
    return render(request, "transparency/analytics.html", context)
