"""The complainant's and the public's complaint pages.

- /pengaduan/baru/: anyone files a complaint, a suggestion or a request for information.
  Signed-in citizens file as themselves; anyone else may leave contact details. Before the
  complaint is written, recent public complaints about the same thing are shown on a
  confirmation step (the complainant may still file theirs). A field people never see catches
  robots; complaints filed without signing in are limited per client address.
- /pengaduan/<number>/tanda-terima/: the receipt, with the private link shown once.
- /pengaduan/<number>/: the complainant's full view (signed-in owner, or the key of the private
  link, kept in the session after its first use), the public view to anyone else, 404 for a
  confidential complaint.
- /pengaduan/<number>/tanggapan/?kunci=: "is it resolved?", one use, without signing in.
- /pengaduan/ and /pengaduan/saya/: the public list with figures per agency; one's own list.

Pages that can carry a key answer with `Referrer-Policy: same-origin` (never `no-referrer`:
under it a browser sends `Origin: null` with the page's forms, and the CSRF check refuses the
answer to "is it resolved?", the completion and the language switch), and a key given in the
address is moved into the session and the address cleaned by a redirect, so that the key does
not travel to another site or stay in the browser's history.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from layanan.accounts import throttle
from layanan.accounts.current import user_of
from layanan.agencies.models import Agency
from layanan.cases import access as case_access
from layanan.charters.models import Service
from layanan.complaints import access, actions, presenters
from layanan.complaints.figures import agency_figures
from layanan.complaints.forms import CompletionForm, FeedbackForm, FilingForm, ListFilterForm
from layanan.complaints.models import (
    Attachment,
    Category,
    Complaint,
    ComplaintEvent,
    Privacy,
    Status,
)
from layanan.complaints.reads import record_identity_read

SESSION_KEYS = "complaint_keys"  # {number: access key}: the complainant's keys, this browser
KEPT_KEYS = 20
SESSION_RECEIPT = "complaint_receipt"  # {number, key}: the receipt shows the key once
PAGE_SIZE = 20
FIGURES_PERIOD = dt.timedelta(days=365)


def no_referrer(response: HttpResponse) -> HttpResponse:
    """No address of this page is sent to another site. Not `no-referrer`: a browser then
    sends `Origin: null` with the page's own forms, which the CSRF check refuses."""
    response["Referrer-Policy"] = "same-origin"
    return response


def session_key(request: HttpRequest, number: str) -> str:
    canonical = access.canonical_number(number) or number
    return str(request.session.get(SESSION_KEYS, {}).get(canonical, ""))


def remember_key(request: HttpRequest, number: str, key: str) -> None:
    """Keep the key for this browser; the most recent few only (a shared computer, a
    session that lives long)."""
    keys = {n: k for n, k in request.session.get(SESSION_KEYS, {}).items() if n != number}
    keys[number] = key
    request.session[SESSION_KEYS] = dict(list(keys.items())[-KEPT_KEYS:])


def user_or_none(request: HttpRequest) -> Any:
    return user_of(request) if request.user.is_authenticated else None


# -- filing ---------------------------------------------------------------------------------------


def initial_from_query(request: HttpRequest) -> dict[str, Any]:
    """?layanan=<service code>, ?permohonan=<tracking number>, ?kategori=<service_code>: the
    links from a charter page, an application's page and "pungutan liar" preset the form."""
    initial: dict[str, Any] = {}
    code = request.GET.get("layanan", "").strip()
    service = Service.objects.filter(code=code, active=True).first() if code else None
    if service is not None:
        initial["service"] = service.code
    category = request.GET.get("kategori", "").strip()
    if category:
        initial["category"] = category
    number = case_access.canonical_number(request.GET.get("permohonan", "").strip())
    if number:
        initial["application_number"] = number
    return initial


def chosen_service(code: str) -> Service | None:
    return Service.objects.filter(code=code, active=True).first() if code else None


def render_filing(
    request: HttpRequest, form: FilingForm, *, status: int = 200, **extra: Any
) -> HttpResponse:
    service = chosen_service(form["service"].value() or "")
    context = {
        "form": form,
        "service": service,
        "signed_in": form.signed_in,
        "privacy_choices": privacy_choices(),
        **extra,
    }
    return render(request, "complaints/file.html", context, status=status)


def privacy_choices() -> list[dict[str, str]]:
    """The three choices, each explained in plain words."""
    return [
        {"value": value, "label": str(label), "hint": presenters.privacy_explained(value)}
        for value, label in Privacy.choices
    ]


def application_for(number: str) -> Any:
    if not number:
        return None
    try:
        return case_access.get_application_for_public(number)
    except Http404:
        return None


def ensure_categories() -> None:
    """Every agency offers its built-in categories ("pungli", "umum"): made here for an
    agency that has none yet (one query when all have them)."""
    with_builtins = Category.objects.filter(builtin=True, code="pungli").values("agency")
    for agency in Agency.objects.exclude(pk__in=with_builtins):
        actions.ensure_builtin_categories(agency)


@never_cache
def file(request: HttpRequest) -> HttpResponse:
    user = user_or_none(request)
    ensure_categories()
    if request.method != "POST":
        initial = initial_from_query(request)
        return render_filing(request, FilingForm(initial=initial, signed_in=bool(user)))
    form = FilingForm(request.POST, request.FILES, signed_in=bool(user))
    if not form.is_valid():
        return render_filing(request, form, status=400)
    # A signed-in citizen is not counted: an attempt with no counters.
    attempt = throttle.begin_complaint(request) if user is None else throttle.Attempt()
    if attempt.refused:
        form.add_error(None, attempt.message())
        response = render_filing(request, form, status=429)
        response["Retry-After"] = str(attempt.retry_after)
        return response
    if form.is_robot:
        attempt.failed()
        form.add_error(None, robot_message())
        return render_filing(request, form, status=400)
    step = confirmation_step(request, form)
    if step is not None:  # nothing is filed yet: the attempt does not count
        attempt.refund()
        return step
    try:
        complaint, key = actions.file_complaint(
            filing=filing_of(form), complainant=user, attachments=form.cleaned_data["attachments"]
        )
    except actions.InvalidInput as error:
        attempt.refund()
        add_errors(form, error)
        return render_filing(request, form, status=400)
    attempt.failed()  # every complaint filed without an account spends one
    remember_key(request, complaint.number, key)
    request.session[SESSION_RECEIPT] = {"number": complaint.number, "key": key}
    return redirect("complaints:receipt", number=complaint.number)


def confirmation_step(request: HttpRequest, form: FilingForm) -> HttpResponse | None:
    """Before the first sending: the recent public complaints about the same service,
    application or place, if any (the complainant may still send theirs). Back from that
    page with "change", the form again. None when the complaint is to be filed now."""
    data = form.cleaned_data
    if request.POST.get("langkah") == "ubah":
        return render_filing(request, form)
    if data["confirmed"]:
        return None
    category = form.category_object()
    similar = actions.possible_duplicates(
        agency=category.agency,
        service=chosen_service(data["service"]),
        application=application_for(data["application_number"]),
        address=data["address"],
        public_only=True,  # a confidential complaint is never suggested to the public
    )
    shown = [presenters.public_view(c) for c in similar]
    if not shown:
        return None
    return render(
        request,
        "complaints/file_confirm.html",
        {
            "form": form,
            "similar": shown,
            "chosen_files": [f.name for f in data["attachments"]],
            "category": category,
        },
    )


def filing_of(form: FilingForm) -> actions.Filing:
    data = form.cleaned_data
    return actions.Filing(
        category=form.category_object(),
        description=data["description"],
        kind=data["kind"],
        privacy=data["privacy"],
        service=chosen_service(data["service"]),
        application_number=data["application_number"],
        address=data["address"],
        latitude=data["latitude"],
        longitude=data["longitude"],
        happened_on=data["happened_on"],
        loss=data["loss"],
        remedy=data["remedy"],
        compensation_claimed=data["compensation_claimed"],
        contact_name=data.get("contact_name", ""),
        contact_email=data.get("contact_email", ""),
        contact_phone=data.get("contact_phone", ""),
    )


def robot_message() -> str:
    return _(
        "Your complaint could not be sent: the field “Leave this field empty” was filled in. "
        "Empty it and send again."
    )


def add_errors(form: Any, error: actions.ComplaintError) -> None:
    """An action's refusal, next to the fields it names (the rest above the form)."""
    fields = getattr(error, "fields", None) or {}
    for name, messages in fields.items():
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, message)
    if not fields:
        form.add_error(None, error.message)


# -- the receipt ----------------------------------------------------------------------------------


@never_cache
def receipt(request: HttpRequest, number: str) -> HttpResponse:
    """The tanda terima: for the complainant only. The private link is shown the first time
    only; this browser's session keeps the key, so that its links keep working here."""
    complaint, view = access.get_complaint_for_viewer(
        request.user, number, session_key(request, number)
    )
    if view != "full" or not is_own(request, complaint):
        raise Http404
    shown = request.session.get(SESSION_RECEIPT) or {}
    key = ""
    if shown.get("number") == complaint.number:
        key = str(shown.get("key", ""))
        del request.session[SESSION_RECEIPT]
    private_link = ""
    if key:
        private_link = request.build_absolute_uri(
            reverse("complaints:detail", args=[complaint.number]) + f"?kunci={key}"
        )
    return no_referrer(
        render(
            request,
            "complaints/receipt.html",
            {
                "complaint": complaint,
                "view": presenters.full_view(complaint),
                "rules": actions.rules_for(complaint.agency),
                "private_link": private_link,
                "public_link": request.build_absolute_uri(
                    reverse("complaints:detail", args=[complaint.number])
                ),
            },
        )
    )


# -- the complaint's page -------------------------------------------------------------------------


def is_own(request: HttpRequest, complaint: Complaint) -> bool:
    """The person who filed it: signed in as its complainant, or holding its key here."""
    if actions.is_complainant(request.user, complaint):
        return True
    key = session_key(request, complaint.number)
    return bool(key) and actions.check_access_key(complaint, key)


def render_detail(
    request: HttpRequest,
    complaint: Complaint,
    view: str,
    *,
    completion_form: CompletionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    own = view == "full" and is_own(request, complaint)
    if view == "full" and not own and complaint.hides_complainant:
        # an officer of the handling unit on the public page: the identity is shown, and the
        # complainant reads that look in their access log, as from the back office
        record_identity_read(reader=user_of(request), complaint=complaint)
    # Public events only, in either view; the personal parts are shown to the complainant.
    shown = presenters.full_view(complaint) if view == "full" else presenters.public_view(complaint)
    can_complete = own and complaint.status == Status.INCOMPLETE
    if can_complete and completion_form is None:
        completion_form = CompletionForm()
    context = {
        "complaint": complaint,
        "view": shown,
        "time_zone": complaint.agency.time_zone,
        "own": own,
        "can_complete": can_complete,
        "completion_form": completion_form,
        "error_forms": [completion_form] if completion_form and completion_form.errors else [],
    }
    return no_referrer(render(request, "complaints/detail.html", context, status=status))


@never_cache
def detail(request: HttpRequest, number: str) -> HttpResponse:
    given = request.GET.get("kunci", "").strip()
    if given:
        complaint, view = access.get_complaint_for_viewer(request.user, number, given)
        if actions.check_access_key(complaint, given):
            remember_key(request, complaint.number, given)
        # The key leaves the address (history, bookmarks, a copied link): the session has it.
        return no_referrer(redirect("complaints:detail", number=complaint.number))
    complaint, view = access.get_complaint_for_viewer(
        request.user, number, session_key(request, number)
    )
    return render_detail(request, complaint, view)


@require_POST
def complete(request: HttpRequest, number: str) -> HttpResponse:
    """The complainant completes an incomplete complaint: a note and files."""
    complaint, view = access.get_complaint_for_viewer(
        request.user, number, session_key(request, number)
    )
    if view != "full" or not is_own(request, complaint):
        raise Http404
    form = CompletionForm(request.POST, request.FILES)
    if not form.is_valid():
        return render_detail(request, complaint, view, completion_form=form, status=400)
    try:
        actions.complete_complaint(
            complaint=complaint,
            by=user_or_none(request),
            note=form.cleaned_data["note"],
            attachments=form.cleaned_data["attachments"],
        )
    except actions.ComplaintError as error:
        add_errors(form, error)
        return render_detail(request, complaint, view, completion_form=form, status=400)
    return redirect("complaints:detail", number=complaint.number)


@never_cache
def attachment(request: HttpRequest, number: str, attachment_id: int) -> FileResponse:
    """A file of one's own complaint, to its complainant; never shown inline (the handling
    unit opens files from its own pages)."""
    complaint, view = access.get_complaint_for_viewer(
        request.user, number, session_key(request, number)
    )
    if view != "full" or not is_own(request, complaint):
        raise Http404
    found = get_object_or_404(Attachment, pk=attachment_id, complaint=complaint)
    response = FileResponse(
        found.file.open("rb"),
        as_attachment=True,
        filename=found.original_name,
        content_type=found.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# -- closing the loop -----------------------------------------------------------------------------


def feedback_complaint(request: HttpRequest, number: str, key: str) -> Complaint | None:
    """The complaint a feedback link names, when the key is its current one or the signed-in
    complainant asks while the question is open (None otherwise: a wrong, used or expired
    key, which says nothing about whether the number exists)."""
    canonical = access.canonical_number(number)
    complaint = (
        Complaint.objects.select_related("agency").filter(number=canonical).first()
        if canonical
        else None
    )
    if complaint is None:
        return None
    if actions.check_feedback_key(complaint, key):
        return complaint
    if actions.is_complainant(request.user, complaint) and feedback_open(complaint):
        return complaint
    return None


def feedback_open(complaint: Complaint) -> bool:
    expires = complaint.feedback_expires_at
    return complaint.status == Status.RESOLVED and expires is not None and expires > timezone.now()


@never_cache
def feedback(request: HttpRequest, number: str) -> HttpResponse:
    """One-click "Sudah selesai / Belum selesai": GET shows the choice (the one the link
    carries, chosen), POST records it."""
    key = request.POST.get("kunci") if request.method == "POST" else request.GET.get("kunci")
    complaint = feedback_complaint(request, number, (key or "").strip())
    if complaint is None:
        return no_referrer(render(request, "complaints/feedback_gone.html", status=410))
    if request.method != "POST":
        # The message's links each carry an answer: the page opens with it chosen, and one
        # press of the button sends it (a GET never changes anything).
        answer = request.GET.get("jawaban", "")
        form = FeedbackForm(
            initial={"kunci": key, "verdict": answer if answer in ("ya", "tidak") else None}
        )
        return render_feedback(request, complaint, form)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return render_feedback(request, complaint, form, status=400)
    data = form.cleaned_data
    try:
        complaint = actions.answer_feedback(
            complaint=complaint,
            key=data["kunci"],
            user=user_or_none(request),
            resolved=data["verdict"] == "ya",
            reason=data["reason"].strip(),
            rating=data["rating"],
        )
    except actions.AlreadyHandled:
        return no_referrer(render(request, "complaints/feedback_gone.html", status=410))
    except actions.ComplaintError as error:
        add_errors(form, error)
        return render_feedback(request, complaint, form, status=400)
    return no_referrer(
        render(
            request,
            "complaints/feedback_done.html",
            {"complaint": complaint, "view": presenters.public_view(complaint)},
        )
    )


def render_feedback(
    request: HttpRequest, complaint: Complaint, form: FeedbackForm, *, status: int = 200
) -> HttpResponse:
    return no_referrer(
        render(
            request,
            "complaints/feedback.html",
            {
                "complaint": complaint,
                "outcome": complaint.outcome,
                "form": form,
                "error_forms": [form] if form.errors else [],
            },
            status=status,
        )
    )


# -- lists ----------------------------------------------------------------------------------------


def response_counts(complaints: list[Complaint]) -> dict[int, int]:
    """How many public responses (public events with a note) each listed complaint has: one
    query for the page."""
    rows = (
        ComplaintEvent.objects.filter(complaint__in=complaints, public=True)
        .exclude(note="")
        .values("complaint")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {row["complaint"]: row["count"] for row in rows}


def list_rows(complaints: list[Complaint]) -> list[dict[str, Any]]:
    counts = response_counts(complaints)
    return [row_of(c, counts.get(c.pk, 0)) for c in complaints]


def public_list(request: HttpRequest) -> HttpResponse:
    form = ListFilterForm(request.GET)
    rows = access.public_complaints()
    status = 200
    if form.is_valid():
        data = form.cleaned_data
        if data["instansi"]:
            rows = rows.filter(agency__code=data["instansi"])
        if data["status"]:
            rows = rows.filter(status=data["status"])
        if data["jenis"]:
            rows = rows.filter(kind=data["jenis"])
        if data["kategori"]:
            rows = rows.filter(category__service_code=data["kategori"])
    else:
        rows = rows.none()
        status = 400
    rows = rows.select_related("agency", "category", "service").order_by("-created_at", "-pk")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    figures = agency_figures(access.public_complaints(), since=timezone.now() - FIGURES_PERIOD)
    return render(
        request,
        "complaints/list.html",
        {
            "form": form,
            "page_obj": page,
            "rows": list_rows(list(page.object_list)),
            "figures": figures,
            "filtered": any(request.GET.get(name) for name in form.fields),
            "error_forms": [form] if form.errors else [],
        },
        status=status,
    )


def row_of(complaint: Complaint, responses: int) -> dict[str, Any]:
    """One line of a list: public fields only (never the complainant)."""
    return {
        "number": complaint.number,
        "kind": complaint.get_kind_display(),
        "category": complaint.category.name,
        "agency": complaint.agency.short_name or complaint.agency.name,
        "service": complaint.service.display_name if complaint.service else "",
        "status": complaint.status,
        "status_label": complaint.get_status_display(),
        "created_at": complaint.created_at,
        "time_zone": complaint.agency.time_zone,
        "age_days": presenters.age_days(complaint),
        "responses": responses,
    }


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The signed-in citizen's own complaints, confidential ones included."""
    rows = Complaint.objects.filter(complainant=user_of(request))
    rows = rows.select_related("agency", "category", "service").order_by("-created_at", "-pk")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "complaints/list_mine.html",
        {"page_obj": page, "rows": list_rows(list(page.object_list))},
    )
