"""What the dashboard page shows, assembled from the figures: the charts with their summary
sentences, the headline numbers, the IKM and the league table."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from layanan.agencies.models import Agency
from layanan.charters.models import Service
from layanan.lib import display
from layanan.transparency.charts import BarChart, bar_chart
from layanan.transparency.figures import Figures, figures_for, league_table
from layanan.transparency.ikm import ikm_for
from layanan.transparency.periods import Period
from layanan.transparency.rollups import pending

# Working days to completion, grouped for the chart (the median and p90 use every value).
DAY_GROUPS = ((0, 0), (1, 1), (2, 2), (3, 3), (4, 5), (6, 10), (11, 20), (21, None))


def percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)} %" if whole else "–"


def received_chart(figures: Figures, period: Period) -> BarChart:
    values = [
        (display.month_in_words(month), counts["received"])
        for month, counts in figures.by_month.items()
    ]
    total = figures.totals["received"]
    if total == 0:
        summary = _("No applications were received in %(period)s.") % {"period": period.label}
    elif len(values) == 1:
        summary = ngettext(
            "%(count)d application was received in %(period)s.",
            "%(count)d applications were received in %(period)s.",
            total,
        ) % {"count": total, "period": period.label}
    else:
        busiest = max(values, key=lambda pair: pair[1])
        summary = ngettext(
            "%(count)d application was received in %(period)s, the most in %(month)s (%(most)d).",
            "%(count)d applications were received in %(period)s, the most in %(month)s (%(most)d).",
            total,
        ) % {"count": total, "period": period.label, "month": busiest[0], "most": busiest[1]}
    return bar_chart(
        slug="received",
        title=_("Applications received by month"),
        summary=summary,
        column=_("Applications"),
        values=values,
    )


def channel_chart(figures: Figures) -> BarChart:
    total = figures.totals["received"]
    values = [
        (_("Online"), figures.totals["received_online"]),
        (_("At the counter"), figures.totals["received_counter"]),
        (_("API (other systems)"), figures.totals["received_api"]),
    ]
    if total:
        summary = _(
            "%(online)s of the applications were filed online, %(counter)s at a counter and "
            "%(api)s through other systems (API)."
        ) % {
            "online": percent(values[0][1], total),
            "counter": percent(values[1][1], total),
            "api": percent(values[2][1], total),
        }
    else:
        summary = _("No applications were received in this period.")
    return bar_chart(
        slug="channels",
        title=_("How applications were filed"),
        summary=summary,
        column=_("Applications"),
        values=values,
        shown=[f"{value} ({percent(value, total)})" for _label, value in values],
    )


def days_chart(figures: Figures) -> BarChart:
    counts = figures.histograms["completion_days"]
    values = []
    for low, high in DAY_GROUPS:
        n = sum(c for days, c in counts.items() if days >= low and (high is None or days <= high))
        if high is None:
            label = _("%(days)d working days or more") % {"days": low}
        elif low == high:
            label = ngettext("%(days)d working day", "%(days)d working days", low) % {"days": low}
        else:
            label = _("%(low)d to %(high)d working days") % {"low": low, "high": high}
        values.append((label, n))
    median, p90 = figures.median_days, figures.p90_days
    if median is None or p90 is None:
        summary = _("No application was completed in this period.")
    else:
        summary = _(
            "Half of the applications completed took %(median)d working days or fewer from the "
            "complete file to completion; nine in ten took %(p90)d or fewer."
        ) % {"median": median, "p90": p90}
    return bar_chart(
        slug="days",
        title=_("Working days from complete file to completion"),
        summary=summary,
        column=_("Applications completed"),
        values=values,
    )


def dashboard_context(
    *, period: Period, agency: Agency | None, service: Service | None, now: dt.datetime
) -> dict[str, Any]:
    unhandled = pending()
    figures = figures_for(period=period, agency=agency, service=service, now=now, changes=unhandled)
    context: dict[str, Any] = {
        "figures": figures,
        "totals": figures.totals,
        "charts": [received_chart(figures, period), channel_chart(figures), days_chart(figures)],
        "ikm": ikm_for(agency=agency, service=service, start=period.start, end=period.end),
    }
    if agency is None and service is None:
        league, minimum = league_table(period, changes=unhandled)
        context.update(league=league, league_minimum=minimum)
    return context
