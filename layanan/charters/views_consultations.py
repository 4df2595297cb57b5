"""The public side of consultations on draft standards.

- /konsultasi/: consultations open now, closed and waiting to be set, and those set in the
  last year.
- /konsultasi/<id>/: one consultation: its period on the agency's calendar, the public forum,
  the draft beside the version in force component by component, and under each component
  its comments with the agency's answers and the count of stances. Signed-in citizens
  comment, support or oppose, and report a comment while the period is open.
- /konsultasi/<id>/laporan/: the consultation report, once the standard is set.
- /konsultasi/<id>/berita-acara.pdf: the minutes of the forum, once published.
- /layanan/<code>/ikuti/ and /berhenti-mengikuti/: follow a service.

Every change goes through layanan.charters.consultations; a refused input comes back next to
its field with 400, a closed period with a page that says so and 409.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from layanan.accounts.current import user_of
from layanan.charters import components, consultations
from layanan.charters.comparison import compare
from layanan.charters.consultations import ConsultationConflict, ConsultationInvalid
from layanan.charters.forms_consultations import CommentForm, ReportForm
from layanan.charters.models import (
    Charter,
    Comment,
    Consultation,
    Follow,
    Service,
    Stance,
)
from layanan.lib import display

PAGE_SIZE = 20


def get_public_consultation(consultation_id: int) -> Consultation:
    """A published consultation, or 404 (one being prepared is not public)."""
    return get_object_or_404(consultations.public(), pk=consultation_id)


def consultation_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    rows = (
        consultations.listed(now)
        .select_related("charter__service__lead_agency")
        .defer("published_content", "report")
        .annotate(comment_count=comment_count("consultation"))
        .order_by("-published_at", "-pk")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for consultation in page.object_list:
        consultation.current_status = consultation.status_at(now)
    return render(request, "charters/consultations/list.html", {"page_obj": page, "now": now})


def period_sentence(consultation: Consultation) -> str:
    """ "7 working days from publication, until Wednesday 11 March 2026 at 16.00 WIB"."""
    assert consultation.closes_at is not None
    zone = consultation.charter.service.lead_agency.time_zone
    closes = timezone.localtime(consultation.closes_at, ZoneInfo(zone))
    days = consultation.comment_days
    return ngettext(
        "%(n)d working day from publication, until %(day)s at %(time)s",
        "%(n)d working days from publication, until %(day)s at %(time)s",
        days,
    ) % {
        "n": days,
        "day": formats.date_format(closes.date(), "l j F Y"),
        "time": display.time_of_day(consultation.closes_at, zone),
    }


def target_choices(
    charter: Charter,
    before: Mapping[str, Any] | None,
    component: str,
    label: str,
    language: str,
) -> list[tuple[str, str]]:
    """What a comment under a component may be about: the whole component, each of its
    items in the draft, and the items the draft removes."""
    choices = [(component, _("The whole component: %(label)s") % {"label": label})]
    choices.extend(components.items_of(charter.content, component, language))
    kept = {target for target, _name in choices}
    choices.extend(
        (target, _("%(item)s (removed in the draft)") % {"item": name})
        for target, name in components.items_of(before or {}, component, language)
        if target not in kept
    )
    return choices


def page_context(
    request: HttpRequest,
    consultation: Consultation,
    *,
    bound: tuple[str, CommentForm] | None = None,
    bound_report: tuple[int, ReportForm] | None = None,
) -> dict[str, Any]:
    """Everything the consultation page shows: a handful of queries whatever the number of
    comments."""
    now = timezone.now()
    charter = consultation.charter
    service = charter.service
    before = consultations.compared_version(charter)
    before_content = before.content if before is not None else None
    language = get_language() or "id"
    targets = components.targets(charter.content, before_content, language)
    comments = list(consultation.comments.all())
    per_component: dict[str, list[Comment]] = defaultdict(list)
    for comment in comments:
        comment.target_name = targets.get(comment.target, comment.target)  # type: ignore[attr-defined]
        per_component[comment.component].append(comment)
    counts = {
        (row["component"], row["stance"]): row["n"]
        for row in consultation.stances.values("component", "stance").annotate(n=Count("pk"))
    }
    user = request.user
    mine: dict[str, str] = {}
    if user.is_authenticated:
        mine = dict(
            Stance.objects.filter(consultation=consultation, citizen=user).values_list(
                "component", "stance"
            )
        )
    is_open = consultation.status_at(now) == Consultation.Status.OPEN
    sections = []
    for view in compare(charter.content, before_content, service):
        choices = target_choices(charter, before_content, view.key, view.label, language)
        if bound is not None and bound[0] == view.key:
            form = bound[1]
        else:
            form = CommentForm(prefix=view.key, targets=choices, initial={"target": view.key})
        reason = consultation.reasons.get(view.key)
        sections.append(
            {
                "view": view,
                "reason": (reason.get(language) or reason.get("id")) if reason else "",
                "comments": per_component.get(view.key, []),
                "support": counts.get((view.key, Comment.Stance.SUPPORT), 0),
                "oppose": counts.get((view.key, Comment.Stance.OPPOSE), 0),
                "my_stance": mine.get(view.key, ""),
                "form": form,
            }
        )
    posted: list[Form] = [bound[1]] if bound else []
    posted += [bound_report[1]] if bound_report else []
    labels = dict(Consultation.PARTICIPANT_GROUPS)
    page = reverse("consultations:detail", args=[consultation.pk])
    return {
        "consultation": consultation,
        "charter": charter,
        "service": service,
        "before": before,
        "status": consultation.status_at(now),
        "is_open": is_open,
        "period": period_sentence(consultation),
        "zone": service.lead_agency.time_zone,
        "participants": [
            (labels[key], count)
            for key, count in consultation.participants.items()
            if key in labels and count
        ],
        "sections": sections,
        "comment_count": len(comments),
        "report_form": bound_report,
        "error_forms": [f for f in posted if f.errors],
        # back to this page after signing in (not to the address of a form that was posted)
        "sign_in": f"{reverse('login')}?next={page}",
    }


def consultation_page(request: HttpRequest, consultation_id: int) -> HttpResponse:
    consultation = get_public_consultation(consultation_id)
    return render(
        request, "charters/consultations/detail.html", page_context(request, consultation)
    )


def conflict(request: HttpRequest, consultation: Consultation, message: str) -> HttpResponse:
    return render(
        request,
        "charters/consultations/closed.html",
        {"consultation": consultation, "service": consultation.charter.service, "message": message},
        status=409,
    )


def back_to(consultation: Consultation, anchor: str) -> HttpResponse:
    return redirect(reverse("consultations:detail", args=[consultation.pk]) + f"#{anchor}")


def component_or_404(component: str) -> str:
    if component not in components.BY_KEY:
        raise Http404(_("No such component."))
    return component


def signed_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous readers are sent to sign in, and back to the consultation's page after (not
    to the address of the form, which only takes a POST)."""

    @wraps(view)
    def checked(
        request: HttpRequest, consultation_id: int, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(reverse("consultations:detail", args=[consultation_id]))
        return view(request, consultation_id, *args, **kwargs)

    return checked


@require_POST
@signed_in
def comment_write(request: HttpRequest, consultation_id: int, component: str) -> HttpResponse:
    consultation = get_public_consultation(consultation_id)
    component_or_404(component)
    language = get_language() or "id"
    try:
        consultations.require_open(consultation, timezone.now())
    except ConsultationConflict as refused:
        return conflict(request, consultation, refused.message)
    charter = consultation.charter
    before = consultations.compared_version(charter)
    label = str(components.BY_KEY[component].label)
    choices = target_choices(
        charter, before.content if before else None, component, label, language
    )
    form = CommentForm(request.POST, prefix=component, targets=choices)
    if form.is_valid():
        try:
            comment = consultations.write_comment(
                consultation=consultation,
                author=user_of(request),
                target=form.cleaned_data["target"],
                text=form.cleaned_data["text"],
                stance=form.cleaned_data["stance"],
            )
        except ConsultationConflict as refused:
            return conflict(request, consultation, refused.message)
        except ConsultationInvalid as refused:
            form.add_action_errors(refused.errors)
        else:
            messages.success(request, _("Thank you: your comment is published."))
            return back_to(consultation, f"komentar-{comment.pk}")
    context = page_context(request, consultation, bound=(component, form))
    return render(request, "charters/consultations/detail.html", context, status=400)


@require_POST
@signed_in
def stance_take(request: HttpRequest, consultation_id: int, component: str) -> HttpResponse:
    consultation = get_public_consultation(consultation_id)
    component_or_404(component)
    try:
        consultations.take_stance(
            consultation=consultation,
            citizen=user_of(request),
            component=component,
            stance=request.POST.get("stance", ""),
        )
    except ConsultationConflict as refused:
        return conflict(request, consultation, refused.message)
    except ConsultationInvalid as refused:
        context = page_context(request, consultation)
        context["stance_error"] = (component, " ".join(refused.errors.values()))
        return render(request, "charters/consultations/detail.html", context, status=400)
    messages.success(request, _("Your stance is recorded."))
    return back_to(consultation, f"komponen-{component}")


@require_POST
@signed_in
def comment_report(request: HttpRequest, consultation_id: int, comment_id: int) -> HttpResponse:
    consultation = get_public_consultation(consultation_id)
    comment = get_object_or_404(consultation.comments, pk=comment_id)
    form = ReportForm(request.POST, prefix=f"lapor-{comment.pk}")
    if form.is_valid():
        try:
            first = consultations.report_comment(
                comment=comment, reporter=user_of(request), reason=form.cleaned_data["reason"]
            )
        except ConsultationConflict as refused:
            return conflict(request, consultation, refused.message)
        except ConsultationInvalid as refused:
            for key, message in refused.errors.items():
                form.add_error(key if key in form.fields else None, message)
        else:
            messages.success(
                request,
                _("Thank you: the moderators will look at this comment.")
                if first
                else _("You had already reported this comment."),
            )
            return back_to(consultation, f"komentar-{comment.pk}")
    context = page_context(request, consultation, bound_report=(comment.pk, form))
    return render(request, "charters/consultations/detail.html", context, status=400)


def minutes(request: HttpRequest, consultation_id: int) -> FileResponse:
    consultation = get_public_consultation(consultation_id)
    if not consultation.minutes:
        raise Http404(_("No minutes."))
    return FileResponse(
        consultation.minutes.open("rb"),
        content_type="application/pdf",
        filename=f"berita-acara-konsultasi-{consultation.pk}.pdf",
    )


def report_page(request: HttpRequest, consultation_id: int) -> HttpResponse:
    consultation = get_public_consultation(consultation_id)
    if consultation.adopted_at is None or not consultation.report:
        raise Http404(_("The report is published when the standard is set."))
    report = consultation.report
    charter = consultation.charter
    before = consultations.compared_version(charter)
    language = get_language() or "id"
    targets = components.targets(charter.content, before.content if before else None, language)
    labels = dict(Consultation.PARTICIPANT_GROUPS)
    decisions = dict(Comment.Decision.choices)
    return render(
        request,
        "charters/consultations/report.html",
        {
            "consultation": consultation,
            "service": charter.service,
            "charter": charter,
            "report": report,
            "zone": charter.service.lead_agency.time_zone,
            "participants": [
                (labels.get(key, key), n) for key, n in report.get("participants", {}).items() if n
            ],
            "per_component": [
                {
                    **row,
                    "label": f"{components.BY_KEY[row['component']].letter}. "
                    f"{components.BY_KEY[row['component']].label}",
                }
                for row in report.get("per_component", [])
                if row["component"] in components.BY_KEY
            ],
            "decisions": [
                (decisions[key], n)
                for key, n in report.get("decisions", {}).items()
                if key in decisions
            ],
            "answers": [
                {
                    **row,
                    "target_name": targets.get(row["component"], row["component"]),
                    "decision_label": decisions.get(row["decision"], ""),
                }
                for row in report.get("answers", [])
            ],
            "changed_by_consultation": [
                components.BY_KEY[key].label
                for key in report.get("changed_by_consultation", [])
                if key in components.BY_KEY
            ],
        },
    )


# -- on the service's charter page ------------------------------------------------------------


def comment_count(consultation: str = "consultation__charter") -> Coalesce:
    """The number of comments of a consultation, as an annotation of a Consultation query
    (`consultation`) or of a Charter query (its version's consultation; 0 without one)."""
    counted = (
        Comment.objects.filter(**{consultation: OuterRef("pk")})
        .order_by()
        .values("consultation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


def on_charter_page(service: Service, versions: list[Charter], user: Any) -> dict[str, Any]:
    """The service's consultation now (published, not yet set), its reports, and whether the
    reader follows it: shown outside the page's kept copy, so never stale. `versions` come
    with their consultation and `comment_count` (views.charter_page): no query of its own
    but the reader's follow."""
    now = timezone.now()
    rows = []
    for version in versions:
        consultation = getattr(version, "consultation", None)
        if consultation is None or consultation.published_at is None:
            continue
        consultation.charter = version
        consultation.charter.service = service
        consultation.comment_count = getattr(version, "comment_count", 0)
        rows.append(consultation)
    current = next((c for c in rows if c.adopted_at is None), None)
    return {
        "current": current,
        "current_status": current.status_at(now) if current else "",
        "current_period": period_sentence(current) if current else "",
        "reports": [c for c in rows if c.adopted_at is not None],  # reported at adoption
        "following": bool(
            user.is_authenticated and Follow.objects.filter(service=service, citizen=user).exists()
        ),
        "zone": service.lead_agency.time_zone,
    }


@require_POST
def follow_service(request: HttpRequest, code: str) -> HttpResponse:
    service = get_object_or_404(Service, code=code, active=True)
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("charters:charter", args=[service.code]))
    consultations.follow(service=service, citizen=user_of(request))
    messages.success(
        request,
        _("You follow this service: you will be told when a public consultation opens on it."),
    )
    return redirect(reverse("charters:charter", args=[service.code]) + "#konsultasi")


@require_POST
def unfollow_service(request: HttpRequest, code: str) -> HttpResponse:
    service = get_object_or_404(Service, code=code, active=True)
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("charters:charter", args=[service.code]))
    consultations.unfollow(service=service, citizen=user_of(request))
    messages.success(request, _("You no longer follow this service."))
    return redirect(reverse("charters:charter", args=[service.code]) + "#konsultasi")
