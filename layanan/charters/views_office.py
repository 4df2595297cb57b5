"""The agency's side of a new standard, at /kantor/standar/ (layanan/urls.py): the services an
agency administrator looks after, the draft's components, the public forum, publication, the
answers to comments, moderation and adoption.

Only an agency administrator (for the services their agencies lead) or a superuser opens these
pages, in a session verified by the second factor; a service or consultation of another
agency answers 404 (unseen, as in `cases.access`). Every change goes through
`charters.consultations` (and `actions.save_draft`), which write the audit trail.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from layanan.accounts.current import user_of
from layanan.agencies.admin_scope import administered_agency_ids
from layanan.agencies.calendars import calendar_for
from layanan.charters import components, consultations
from layanan.charters.actions import (
    CharterBeyondAgency,
    CharterInvalid,
    CharterLocked,
    charter_in_force,
    save_draft,
)
from layanan.charters.consultations import ConsultationConflict, ConsultationInvalid
from layanan.charters.editing import NotComponents, components_from_yaml, yaml_of
from layanan.charters.models import Charter, Comment, Consultation, Service
from layanan.lib.display import date_in_words, datetime_in_words

OPEN_VERSIONS = (Charter.Status.DRAFT, Charter.Status.CONSULTATION)


# -- access --------------------------------------------------------------------------------------


def agency_admin_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A signed-in agency administrator or superuser whose session the second factor
    verified; anybody else is refused (403), as the other office pages refuse non-officers."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        agencies = administered_agency_ids(user)
        if agencies is not None and not agencies:
            raise PermissionDenied(_("This page is for the administrators of an agency."))
        if getattr(user, "otp_device", None) is None:  # not verified by the second factor
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def services_for(request: HttpRequest) -> QuerySet[Service]:
    agencies = administered_agency_ids(request.user)
    services = Service.objects.select_related("lead_agency")
    return services if agencies is None else services.filter(lead_agency_id__in=agencies)


def charter_for(request: HttpRequest, charter_id: int) -> Charter:
    return get_object_or_404(
        Charter.objects.select_related("service__lead_agency").filter(
            service__in=services_for(request)
        ),
        pk=charter_id,
    )


def consultation_of(request: HttpRequest, pk: int) -> Consultation:
    return get_object_or_404(
        Consultation.objects.select_related("charter__service__lead_agency").filter(
            charter__service__in=services_for(request)
        ),
        pk=pk,
    )


def comment_of(consultation: Consultation, comment_id: int) -> Comment:
    return get_object_or_404(consultation.comments.all(), pk=comment_id)


# -- the list of services --------------------------------------------------------------------


@agency_admin_required
def index(request: HttpRequest) -> HttpResponse:
    return render_index(request)


def render_index(request: HttpRequest, *, refusal: str = "", status: int = 200) -> HttpResponse:
    rows: list[dict[str, Any]] = []
    for service in services_for(request).filter(active=True).order_by("name"):
        versions = list(service.charters.select_related("consultation").order_by("-version"))
        in_force = charter_in_force(service)
        draft = next((c for c in versions if c.status in OPEN_VERSIONS), None)
        consultation = getattr(draft, "consultation", None) if draft else None
        rows.append(
            {
                "service": service,
                "in_force": in_force,
                "draft": draft,
                "consultation": consultation,
                "consultation_status": consultation_status_label(consultation),
                "scheduled": [c for c in versions if c.status == Charter.Status.SCHEDULED],
            }
        )
    return render(
        request,
        "charters/office/index.html",
        {"rows": rows, "refusal": refusal},
        status=status,
    )


def consultation_status_label(consultation: Consultation | None) -> str:
    if consultation is None:
        return str(_("Consultation not prepared yet"))
    return str(Consultation.Status(consultation.status).label)


@require_POST
@agency_admin_required
def start(request: HttpRequest, code: str) -> HttpResponse:
    service = get_object_or_404(services_for(request), code=code)
    try:
        draft = consultations.start_draft(service=service, by=user_of(request))
    except ConsultationConflict as conflict:
        return render_index(
            request,
            refusal=f"{service.display_name}: {conflict.message}",
            status=409,
        )
    messages.success(
        request,
        _("Draft version %(v)d of %(service)s started from the version in force.")
        % {"v": draft.version, "service": service.display_name},
    )
    return redirect("charters_office:draft", draft.pk)


# -- the draft's components --------------------------------------------------------------------


class ComponentsForm(forms.Form):
    """The components as YAML, in the format of charter files, read as the import reads them."""

    change_note = forms.CharField(
        label=gettext_lazy("What changes (a note for the record)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    components = forms.CharField(
        label=gettext_lazy("Components (YAML)"),
        help_text=gettext_lazy(
            "The fourteen components in the format of charter files (see "
            "docs/charter-format.md). Problems are listed with their path."
        ),
        widget=forms.Textarea(attrs={"rows": 30, "class": "lyn-code", "spellcheck": "false"}),
    )

    def clean_components(self) -> dict[str, Any]:
        try:
            return components_from_yaml(self.cleaned_data["components"])
        except NotComponents as refused:
            raise forms.ValidationError(refused.message) from None


def changed_components(charter: Charter) -> list[components.Component]:
    before = consultations.compared_version(charter)
    base = before.content if before is not None else None
    return [components.BY_KEY[k] for k in components.changed(charter.content, base)]


@agency_admin_required
def draft(request: HttpRequest, charter_id: int) -> HttpResponse:
    charter = charter_for(request, charter_id)
    if not charter.is_editable:
        raise Http404("not a draft")
    consultation = getattr(charter, "consultation", None)
    locked = consultation is not None and consultation.is_open()
    status = 200
    if request.method == "POST":
        form = ComponentsForm(request.POST)
        if locked:
            status = 409
            messages.error(
                request,
                _(
                    "Version %(v)d is open for public comments; it can be revised when the "
                    "comment period ends."
                )
                % {"v": charter.version},
            )
        elif form.is_valid():
            try:
                save_draft(
                    service=charter.service,
                    content=form.cleaned_data["components"],
                    by=user_of(request),
                    change_note=form.cleaned_data["change_note"],
                    charter=charter,
                )
            except CharterLocked as refused:
                status = 409
                messages.error(request, str(refused))
            else:
                messages.success(request, _("The draft is saved."))
                return redirect("charters_office:draft", charter.pk)
        else:
            status = 400
    else:
        form = ComponentsForm(
            initial={"components": yaml_of(charter.content), "change_note": charter.change_note}
        )
    return render(
        request,
        "charters/office/draft.html",
        {
            "charter": charter,
            "service": charter.service,
            "consultation": consultation,
            "locked": locked,
            "form": form,
            "error_forms": [form] if form.errors else [],
            "blockers": consultations.publication_blockers(charter, consultation),
            "changed": changed_components(charter),
        },
        status=status,
    )


@require_POST
@agency_admin_required
def prepare(request: HttpRequest, charter_id: int) -> HttpResponse:
    """The consultation of a draft written elsewhere (the admin's editor) the first time."""
    charter = charter_for(request, charter_id)
    if not charter.is_editable:
        raise Http404("not a draft")
    consultation = consultations.consultation_for(charter, by=user_of(request))
    return redirect("charters_office:consultation", consultation.pk)


# -- the consultation: forum, publication, adoption -------------------------------------------


class ForumForm(forms.Form):
    """The public forum and the reason for each changed component; its fields are made for
    the draft (one count per group of participants, one reason per changed component)."""

    forum_date = forms.DateField(
        label=gettext_lazy("Date of the public forum"),
        help_text=gettext_lazy("For example 2026-11-27"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={"required": gettext_lazy("Enter the date of the public forum.")},
    )
    forum_place = forms.CharField(
        label=gettext_lazy("Place of the public forum"), max_length=200, required=False
    )
    minutes = forms.FileField(
        label=gettext_lazy("Minutes of the forum (berita acara), PDF"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )

    def __init__(
        self, *args: Any, changed: list[components.Component], has_minutes: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.groups = []
        for key, label in Consultation.PARTICIPANT_GROUPS:
            name = f"participants_{key}"
            self.fields[name] = forms.IntegerField(
                label=label,
                required=False,
                min_value=0,
                max_value=100_000,
                widget=forms.NumberInput(attrs={"class": "govuk-input--width-5"}),
            )
            self.groups.append(name)
        self.reason_fields = []
        for component in changed:
            id_name, en_name = f"reason_{component.key}", f"reason_en_{component.key}"
            self.fields[id_name] = forms.CharField(
                label=_("Why %(component)s changes (Indonesian)") % {"component": component.label},
                required=False,
                max_length=consultations.MAX_REASON,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[en_name] = forms.CharField(
                label=_("Why %(component)s changes (English)") % {"component": component.label},
                required=False,
                max_length=consultations.MAX_REASON,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.reason_fields.append((component, id_name, en_name))
        if has_minutes:
            self.fields["minutes"].help_text = _(
                "The minutes are on record; upload a file only to replace them."
            )

    def group_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.groups]

    def reason_rows(self) -> list[tuple[components.Component, Any, Any]]:
        return [(c, self[i], self[e]) for c, i, e in self.reason_fields]

    def participants(self) -> dict[str, int]:
        return {
            key: self.cleaned_data.get(f"participants_{key}") or 0
            for key, _label in Consultation.PARTICIPANT_GROUPS
        }

    def reasons(self) -> dict[str, dict[str, str]]:
        return {
            component.key: {
                "id": self.cleaned_data.get(id_name, ""),
                "en": self.cleaned_data.get(en_name, ""),
            }
            for component, id_name, en_name in self.reason_fields
        }

    def take_errors(self, errors: dict[str, str]) -> None:
        """The action's messages next to their fields (participants.x → participants_x)."""
        for key, message in errors.items():
            if key.startswith("participants.") or key == "participants":
                name = key.replace(".", "_") if "." in key else self.groups[0]
            elif key.startswith("reasons."):
                name = f"reason_{key.split('.', 1)[1]}"
            else:
                name = key
            self.add_error(name if name in self.fields else None, message)


class AdoptForm(forms.Form):
    effective_date = forms.DateField(
        label=gettext_lazy("In force from"),
        help_text=gettext_lazy(
            "Today or a later date within a year. Applications made before it keep the "
            "version they were made under."
        ),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={"required": gettext_lazy("Enter the date the standard applies.")},
    )


def forum_form(consultation: Consultation, data: Any = None, files: Any = None) -> ForumForm:
    initial: dict[str, Any] = {
        "forum_date": consultation.forum_date,
        "forum_place": consultation.forum_place,
    }
    for key, _label in Consultation.PARTICIPANT_GROUPS:
        initial[f"participants_{key}"] = consultation.participants.get(key)
    for key, reason in consultation.reasons.items():
        initial[f"reason_{key}"] = reason.get("id", "")
        initial[f"reason_en_{key}"] = reason.get("en", "")
    return ForumForm(
        data,
        files,
        initial=initial,
        changed=changed_components(consultation.charter),
        has_minutes=bool(consultation.minutes),
    )


def comment_counts(consultation: Consultation) -> dict[str, int]:
    """The counters the agency works down: every comment, the visible ones without an answer,
    the visible ones reported, the hidden ones."""
    return consultation.comments.aggregate(
        total=Count("pk", distinct=True),
        unanswered=Count(
            "pk", filter=Q(answered_at__isnull=True, hidden_at__isnull=True), distinct=True
        ),
        reported=Count(
            "pk", filter=Q(reports__isnull=False, hidden_at__isnull=True), distinct=True
        ),
        hidden=Count("pk", filter=Q(hidden_at__isnull=False), distinct=True),
    )


def render_consultation(
    request: HttpRequest,
    consultation: Consultation,
    *,
    forum: ForumForm | None = None,
    adopt: AdoptForm | None = None,
    refusal: str = "",
    unanswered_ids: list[int] | None = None,
    status: int = 200,
) -> HttpResponse:
    charter = consultation.charter
    service = charter.service
    now = timezone.now()
    state = consultation.status_at(now)
    calendar = calendar_for(service.lead_agency)
    forum = forum or forum_form(consultation)
    adopt = adopt or AdoptForm(initial={"effective_date": service.day_of_filing()})
    error_forms = [f for f in (forum, adopt) if f.errors]
    counts = comment_counts(consultation)
    events = consultation.events.select_related("actor", "comment").order_by("pk")
    return render(
        request,
        "charters/office/consultation.html",
        {
            "consultation": consultation,
            "charter": charter,
            "service": service,
            "zone": service.lead_agency.time_zone,
            "state": state,
            "state_label": Consultation.Status(state).label,
            "forum": forum,
            "adopt": adopt,
            "error_forms": error_forms,
            "refusal": refusal,
            "unanswered_ids": unanswered_ids or [],
            "blockers": consultations.publication_blockers(charter, consultation)
            if state == "preparing"
            else [],
            "publish_deadline": consultations.publish_deadline(consultation),
            "would_close": calendar.add_working_days_at(now, consultation.comment_days),
            "participants": [
                (label, consultation.participants.get(key, 0))
                for key, label in Consultation.PARTICIPANT_GROUPS
            ],
            "reasons": [
                (components.BY_KEY[key].label, reason)
                for key, reason in consultation.reasons.items()
                if key in components.BY_KEY
            ],
            "counts": counts,
            "events": events,
            # a citizen's part is shown without their name (the comments are public anyway)
            "citizen_kinds": ("commented", "stance", "reported"),
            "report_path": reverse("consultations:report", args=[consultation.pk]),
        },
        status=status,
    )


@agency_admin_required
def consultation(request: HttpRequest, pk: int) -> HttpResponse:
    """The consultation's page; a POST records the public forum (before publication)."""
    item = consultation_of(request, pk)
    if request.method != "POST":
        return render_consultation(request, item)
    form = forum_form(item, request.POST, request.FILES)
    if not form.is_valid():
        return render_consultation(request, item, forum=form, status=400)
    try:
        consultations.record_forum(
            consultation=item,
            by=user_of(request),
            forum_date=form.cleaned_data["forum_date"],
            forum_place=form.cleaned_data["forum_place"],
            participants=form.participants(),
            reasons=form.reasons(),
            minutes=form.cleaned_data.get("minutes") or None,
        )
    except ConsultationInvalid as invalid:
        form.take_errors(invalid.errors)
        return render_consultation(request, item, forum=form, status=400)
    except ConsultationConflict as conflict:
        return render_consultation(request, item, refusal=conflict.message, status=409)
    messages.success(request, _("The public forum is recorded."))
    return redirect("charters_office:consultation", item.pk)


@require_POST
@agency_admin_required
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    item = consultation_of(request, pk)
    try:
        published = consultations.publish_consultation(consultation=item, by=user_of(request))
    except ConsultationConflict as conflict:
        return render_consultation(request, item, refusal=conflict.message, status=409)
    messages.success(
        request,
        _("The draft is published for comments until %(closes)s.")
        % {"closes": datetime_in_words(published.closes_at, zone_of(item))},
    )
    return redirect("charters_office:consultation", item.pk)


@require_POST
@agency_admin_required
def adopt(request: HttpRequest, pk: int) -> HttpResponse:
    item = consultation_of(request, pk)
    form = AdoptForm(request.POST)
    if not form.is_valid():
        return render_consultation(request, item, adopt=form, status=400)
    agencies = administered_agency_ids(request.user)
    try:
        charter = consultations.adopt_consultation(
            consultation=item,
            by=user_of(request),
            effective_date=form.cleaned_data["effective_date"],
            within_agencies=agencies,
        )
    except ConsultationInvalid as invalid:
        for field, message in invalid.errors.items():
            form.add_error(field if field in form.fields else None, message)
        return render_consultation(request, item, adopt=form, status=400)
    except ConsultationConflict as conflict:
        return render_consultation(
            request,
            item,
            adopt=form,
            refusal=conflict.message,
            unanswered_ids=conflict.unanswered,
            status=409,
        )
    except (CharterInvalid, CharterLocked, CharterBeyondAgency) as refused:
        return render_consultation(request, item, adopt=form, refusal=str(refused), status=409)
    messages.success(
        request,
        _("Version %(v)d is set as the standard, in force from %(date)s.")
        % {"v": charter.version, "date": date_in_words(charter.effective_from, zone_of(item))},
    )
    return redirect("charters_office:consultation", item.pk)


@agency_admin_required
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    item = consultation_of(request, pk)
    if not item.minutes:
        raise Http404("no minutes")
    response = FileResponse(
        item.minutes.open("rb"),
        as_attachment=True,
        filename=f"berita-acara-{item.charter.service.code}-v{item.charter.version}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return cast(HttpResponse, response)


# -- comments: answers and moderation -------------------------------------------------------


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=Comment.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose accepted, partly accepted or not accepted.")
        },
    )
    text = forms.CharField(
        label=gettext_lazy("Text of the answer"),
        help_text=gettext_lazy("When the comment is not accepted, say why."),
        required=False,
        max_length=consultations.MAX_ANSWER,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class HideForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why the comment is hidden"),
        help_text=gettext_lazy("Shown to the public in place of the comment."),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


FILTERS = {
    "belum": gettext_lazy("Unanswered"),
    "dilaporkan": gettext_lazy("Reported"),
    "disembunyikan": gettext_lazy("Hidden"),
}


def render_comments(
    request: HttpRequest,
    consultation: Consultation,
    *,
    bound: dict[int, forms.Form] | None = None,
    refusal: str = "",
    status: int = 200,
) -> HttpResponse:
    bound = bound or {}
    show = request.GET.get("tampil", "")
    if show not in FILTERS:
        show = ""
    charter = consultation.charter
    before = consultations.compared_version(charter)
    names = components.targets(
        charter.content,
        before.content if before is not None else None,
        "id" if (request.LANGUAGE_CODE or "id") != "en" else "en",
    )
    everything = consultation.comments.prefetch_related("reports").select_related("author")
    counts = comment_counts(consultation)
    shown = everything
    if show == "belum":
        shown = shown.filter(answered_at__isnull=True, hidden_at__isnull=True)
    elif show == "dilaporkan":
        shown = shown.filter(reports__isnull=False).distinct()
    elif show == "disembunyikan":
        shown = shown.filter(hidden_at__isnull=False)
    rows: list[dict[str, Any]] = []
    for comment in shown.order_by("pk"):
        answer = bound.get(comment.pk) if isinstance(bound.get(comment.pk), AnswerForm) else None
        hide = bound.get(-comment.pk)
        rows.append(
            {
                "comment": comment,
                "about": names.get(comment.target, comment.target),
                "reports": list(comment.reports.all()),
                "answer_form": answer
                or AnswerForm(
                    prefix=f"c{comment.pk}",
                    initial={"decision": comment.decision, "text": comment.answer},
                ),
                "hide_form": hide or HideForm(prefix=f"h{comment.pk}"),
            }
        )
    groups = [
        {"component": c, "rows": [r for r in rows if r["comment"].component == c.key]}
        for c in components.COMPONENTS
    ]
    return render(
        request,
        "charters/office/comments.html",
        {
            "consultation": consultation,
            "charter": charter,
            "service": charter.service,
            "zone": charter.service.lead_agency.time_zone,
            "groups": [g for g in groups if g["rows"]],
            "counts": counts,
            "show": show,
            "filters": list(FILTERS.items()),
            "error_forms": [f for f in bound.values() if f.errors],
            "refusal": refusal,
            "adopted": consultation.adopted_at is not None,
            "published": consultation.published_at is not None,
        },
        status=status,
    )


@agency_admin_required
def comments(request: HttpRequest, pk: int) -> HttpResponse:
    return render_comments(request, consultation_of(request, pk))


@require_POST
@agency_admin_required
def answer(request: HttpRequest, pk: int, comment_id: int) -> HttpResponse:
    item = consultation_of(request, pk)
    comment = comment_of(item, comment_id)
    form = AnswerForm(request.POST, prefix=f"c{comment.pk}")
    if not form.is_valid():
        return render_comments(request, item, bound={comment.pk: form}, status=400)
    try:
        consultations.answer_comment(
            comment=comment,
            by=user_of(request),
            decision=form.cleaned_data["decision"],
            text=form.cleaned_data["text"],
        )
    except ConsultationInvalid as invalid:
        for field, message in invalid.errors.items():
            form.add_error(field if field in form.fields else None, message)
        return render_comments(request, item, bound={comment.pk: form}, status=400)
    except ConsultationConflict as conflict:
        return render_comments(request, item, refusal=conflict.message, status=409)
    messages.success(request, _("Comment %(n)d is answered.") % {"n": comment.pk})
    return redirect(comments_anchor(item, comment, request))


@require_POST
@agency_admin_required
def hide(request: HttpRequest, pk: int, comment_id: int) -> HttpResponse:
    item = consultation_of(request, pk)
    comment = comment_of(item, comment_id)
    form = HideForm(request.POST, prefix=f"h{comment.pk}")
    if not form.is_valid():
        return render_comments(request, item, bound={-comment.pk: form}, status=400)
    try:
        consultations.hide_comment(
            comment=comment, by=user_of(request), reason=form.cleaned_data["reason"]
        )
    except ConsultationInvalid as invalid:
        for field, message in invalid.errors.items():
            form.add_error(field if field in form.fields else None, message)
        return render_comments(request, item, bound={-comment.pk: form}, status=400)
    except ConsultationConflict as conflict:
        return render_comments(request, item, refusal=conflict.message, status=409)
    messages.success(request, _("Comment %(n)d is hidden.") % {"n": comment.pk})
    return redirect(comments_anchor(item, comment, request))


def comments_anchor(consultation: Consultation, comment: Comment, request: HttpRequest) -> str:
    show = request.POST.get("tampil", "")
    query = f"?tampil={show}" if show in FILTERS else ""
    return (
        reverse("charters_office:comments", args=[consultation.pk])
        + query
        + f"#komentar-{comment.pk}"
    )


def zone_of(consultation: Consultation) -> str:
    return str(consultation.charter.service.lead_agency.time_zone)
