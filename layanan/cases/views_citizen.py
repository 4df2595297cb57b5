"""The citizen's pages: start, answer page by page, documents, check, submit, follow up.

Long forms are split into pages by the `group` of each form field (GOV.UK's task-list
pattern); a check-your-answers page comes before submission.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from layanan.accounts.current import user_of
from layanan.accounts.models import DataAccess
from layanan.cases import access, actions, prefill
from layanan.cases.answers import answers_form_class, open_answers
from layanan.cases.forms import DeclarationForm, DocumentForm, ItemsForm
from layanan.cases.models import Application, Document
from layanan.cases.presenters import (
    application_marker,
    item_rows,
    per_day_compensation,
    public_view,
)
from layanan.cases.storage import private_file_response
from layanan.charters.actions import charter_in_force
from layanan.charters.models import Service
from layanan.charters.spec import is_needed, text_in
from layanan.lib import phone
from layanan.lib.display import date_in_words
from layanan.lib.nik import NikError, mask_nik

# -- pages of the form ---------------------------------------------------------------------------


def record_counter_read(request: HttpRequest, application: Application) -> None:
    """The counter officer filing for a citizen sees the citizen's data on the citizen's own
    pages: each such page is recorded in the citizen's access log."""
    user = user_of(request)
    if access.files_on_behalf(user, application):
        actions.record_access(
            application=application, officer=user, place=DataAccess.Place.COUNTER_FILING
        )


def form_pages(application: Application) -> list[dict[str, Any]]:
    """The form's fields grouped into pages, in order, with whether each page is answered."""
    language = get_language() or "id"
    pages: dict[str, dict[str, Any]] = {}
    for spec in application.charter.content.get("form", []):
        title = text_in(spec.get("group"), language) or str(_("Application details"))
        slug = slugify(text_in(spec.get("group"), "id")) or "data"
        page = pages.setdefault(slug, {"slug": slug, "title": title, "keys": [], "done": True})
        page["keys"].append(spec["key"])
        if spec["required"] and application.answers.get(spec["key"]) in (None, ""):
            page["done"] = False
    return list(pages.values())


def document_requirements(application: Application) -> list[dict[str, Any]]:
    language = get_language() or "id"
    current = {
        d.requirement: d for d in application.documents.filter(replaced=False).order_by("pk")
    }
    return [
        {
            "key": r["key"],
            "name": text_in(r["name"], language),
            "note": text_in(r.get("note"), language),
            "required": is_needed(r, application.answers),
            "document": current.get(r["key"]),
        }
        for r in application.charter.content["requirements"]
        if r["kind"] == "document"
    ]


def date_answer(value: object) -> object:
    """A date answer (stored as ISO text) in words: "2 Desember 2026"."""
    try:
        return date_in_words(dt.date.fromisoformat(str(value)))
    except ValueError:
        return value


def missing_rows(application: Application, missing: dict[str, list[str]]) -> list[dict[str, str]]:
    """What stops a submission, each message with a link to where it is put right: the
    question on its page, the document's upload form, the counter's list of items."""
    pages = {row["key"]: row["page"] for row in answer_rows(application)}
    kinds = {r["key"]: r["kind"] for r in application.charter.content["requirements"]}
    number = application.number
    rows: list[dict[str, str]] = []
    for key, messages_ in missing.items():
        if key in pages:
            spec = next(s for s in application.charter.content["form"] if s["key"] == key)
            anchor = f"id_{key}_0" if spec["type"] == "select" else f"id_{key}"
            href = f"{reverse('cases:answers', args=[number, pages[key]])}#{anchor}"
        elif kinds.get(key) == "document":
            href = f"{reverse('cases:documents', args=[number])}?persyaratan={key}#id_file"
        elif kinds.get(key) == "item":
            href = f"{reverse('cases:documents', args=[number])}#barang"
        else:
            href = ""
        rows.extend({"message": message, "href": href} for message in messages_)
    return rows


def nik_answer(value: str, *, in_full: bool) -> str:
    """A NIK answer as the reader may see it: in full for those entitled to it (the citizen,
    the officer filing it at the counter, the officers processing it, whose read is logged),
    else masked."""
    if in_full or not value:
        return value
    try:
        return mask_nik(value)
    except NikError:
        return "*" * len(value)


def answer_rows(application: Application, *, full_nik: bool = False) -> list[dict[str, Any]]:
    """The answers as shown on a page; NIK answers masked unless `full_nik` (see
    `nik_answer`: the caller says whether the reader is entitled to them)."""
    language = get_language() or "id"
    answers = open_answers(application.answers)
    rows = []
    for spec in application.charter.content.get("form", []):
        value = answers.get(spec["key"])
        if spec["type"] == "select":
            labels = {c["value"]: text_in(c["label"], language) for c in spec["choices"]}
            value = labels.get(value, value)
        elif spec["type"] == "checkbox":
            value = _("Yes") if value else _("No")
        elif spec["type"] == "phone" and value:
            value = phone.national(value)
        elif spec["type"] == "date" and value:
            value = date_answer(value)
        elif spec["type"] == "nik" and value:
            value = nik_answer(value, in_full=full_nik)
        elif spec["type"] == "number" and value not in (None, "") and spec.get("unit"):
            value = f"{value} {text_in(spec['unit'], language)}"
        rows.append(
            {
                "key": spec["key"],
                "label": text_in(spec["label"], language),
                "value": value,
                "page": slugify(text_in(spec.get("group"), "id")) or "data",
            }
        )
    return rows


# -- start ---------------------------------------------------------------------------------------


def start(request: HttpRequest, code: str) -> HttpResponse:
    # An unknown service is 404 for everyone, before asking anyone to sign in.
    service = get_object_or_404(Service, code=code, active=True)
    charter = charter_in_force(service)
    if charter is None or not service.accepts_online:
        raise Http404  # a counter-only service has no online form
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    refusal = ""
    if request.method == "POST":
        try:
            application, _created = actions.create_application(
                citizen=user_of(request), service=service, answers={}
            )
        except actions.CaseError as error:
            refusal = error.message
        else:
            return redirect("cases:tasks", number=application.number)
    language = get_language() or "id"
    return render(
        request,
        "cases/start.html",
        {
            "service": service,
            "charter": charter,
            "requirements": [text_in(r["name"], language) for r in charter.content["requirements"]],
            "refusal": refusal,
        },
        status=400 if refusal else 200,
    )


# -- my applications -----------------------------------------------------------------------------


@login_required
def my_applications(request: HttpRequest) -> HttpResponse:
    rows = (
        Application.objects.filter(applicant=user_of(request))
        .select_related("service", "agency")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    for application in page.object_list:
        # The markers officers see, in the applicant's terms; before the clock starts, what
        # it will count from instead of an empty due date.
        application.marker = application_marker(application)
        application.waiting_for_clock = application.due_at is None and application.is_open
    return render(request, "cases/mine.html", {"page_obj": page})


@login_required
def tasks(request: HttpRequest, number: str) -> HttpResponse:
    """The task list of a draft or returned application, or its status once submitted."""
    application = access.get_application_for_applicant(user_of(request), number)
    if not application.is_editable_by_citizen:
        return redirect("cases:detail", number=application.number)
    pages = form_pages(application)
    documents = document_requirements(application)
    items = item_rows(application)
    returned = (
        application.steps.filter(state="returned") if application.status == "returned" else []
    )
    # A submitted application that went back to draft (a consent withdrawn) says so and when.
    back_to_draft = (
        application.events.filter(kind__in=("submitted", "returned_to_draft"))
        .order_by("-seq")
        .first()
        if application.status == "draft"
        else None
    )
    record_counter_read(request, application)
    return render(
        request,
        "cases/tasks.html",
        {
            "application": application,
            "back_to_draft": (
                back_to_draft
                if back_to_draft and back_to_draft.kind == "returned_to_draft"
                else None
            ),
            "pages": pages,
            "documents": documents,
            "items": items,
            "at_counter": application.filed_by_id == request.user.pk,
            "documents_done": all(d["document"] or not d["required"] for d in documents)
            and (
                # at the counter, the items handed in are ticked with the documents
                application.filed_by_id != request.user.pk
                or all(i["received"] or not i["required"] for i in items)
            ),
            "ready": all(p["done"] for p in pages),
            "returned": returned,
            "on_behalf": access.files_on_behalf(user_of(request), application),
        },
    )


@login_required
def answer_page(request: HttpRequest, number: str, page: str) -> HttpResponse:
    application = access.get_application_for_applicant(user_of(request), number)
    if not application.is_editable_by_citizen:
        return redirect("cases:detail", number=application.number)
    current = next((p for p in form_pages(application) if p["slug"] == page), None)
    if current is None:
        raise Http404
    form_class = answers_form_class(application.charter, keys=current["keys"])
    # Never-answered fields that take the applicant's profile are offered filled from it,
    # marked so (cases.prefill); saving the page makes them this application's answers.
    opened, from_profile = prefill.prefill(
        application, open_answers(application.answers), keys=current["keys"]
    )
    if request.method == "POST":
        form = form_class(data=request.POST)
        if form.is_valid():
            try:
                actions.update_answers(
                    application=application, citizen=user_of(request), answers=form.cleaned_data
                )
            except actions.CaseError as error:
                for field, problems in error.fields.items():
                    for problem in problems:
                        form.add_error(field if field in form.fields else None, problem)
            else:
                return redirect("cases:tasks", number=application.number)
        status = 400
    else:
        # The citizen, or the officer filing for them at the counter: both see the NIK.
        form = form_class(initial=opened)
        status = 200
    if request.method == "POST":
        # shown again with the answers as sent: marked only where the profile's value stayed
        from_profile = {k for k in from_profile if request.POST.get(k) == str(opened[k])}
    on_behalf = access.files_on_behalf(user_of(request), application)
    note = (
        _("Filled in from the citizen's profile. It may be changed for this application only.")
        if on_behalf
        else _("Filled in from your profile. You may change it for this application only.")
    )
    for key in from_profile:
        marked = form.fields[key]
        marked.help_text = f"{note} {marked.help_text}".strip()
        form[key].help_text = marked.help_text  # a bound field made while cleaning copied it
    record_counter_read(request, application)
    return render(
        request,
        "cases/answer_page.html",
        {
            "application": application,
            "page": current,
            "form": form,
            "from_profile": from_profile,
            "on_behalf": on_behalf,
        },
        status=status,
    )


def documents_page(
    request: HttpRequest,
    application: Application,
    *,
    form: DocumentForm | None = None,
    items_form: ItemsForm | None = None,
    status: int = 200,
    offer_errors: dict[str, str] | None = None,
) -> HttpResponse:
    requirements = document_requirements(application)
    for requirement, html in requirement_offers(
        request, application, requirements, offer_errors or {}
    ).items():
        for row in requirements:
            if row["key"] == requirement:
                row["offers"] = html
    items = item_rows(application)
    at_counter = application.filed_by_id == request.user.pk
    if form is None:
        form = DocumentForm(
            initial={"requirement": request.GET.get("persyaratan")},
            choices=[(r["key"], r["name"]) for r in requirements],
        )
    if items_form is None and at_counter and items:
        items_form = ItemsForm(
            initial={"items": [i["key"] for i in items if i["received"]]},
            choices=[(i["key"], i["name"]) for i in items],
        )
    record_counter_read(request, application)
    return render(
        request,
        "cases/documents.html",
        {
            "application": application,
            "requirements": requirements,
            "form": form,
            "items": items,
            "items_form": items_form,
            "at_counter": at_counter,
            "on_behalf": access.files_on_behalf(user_of(request), application),
            "offer_errors": [
                {"message": message, "href": f"#brankas-{key}"}
                for key, message in (offer_errors or {}).items()
            ],
        },
        status=status,
    )


def requirement_offers(
    request: HttpRequest,
    application: Application,
    requirements: list[dict[str, Any]],
    errors: dict[str, str],
) -> dict[str, str]:
    """What the apps above `cases` offer instead of an upload, as HTML by requirement key
    (settings.LAYANAN_REQUIREMENT_OFFERS, dotted paths of functions
    `(request, application, requirements, errors) -> {requirement: html}`; `citizens` offers
    the applicant's vault documents with their consent). `errors`: a refused offer's message
    by requirement, shown with it."""
    offers: dict[str, str] = {}
    for path in getattr(settings, "LAYANAN_REQUIREMENT_OFFERS", []):
        for key, html in import_string(path)(request, application, requirements, errors).items():
            offers[key] = offers.get(key, "") + html
    return {key: mark_safe(html) for key, html in offers.items()}  # noqa: S308 - rendered templates


@login_required
def documents(request: HttpRequest, number: str) -> HttpResponse:
    application = access.get_application_for_applicant(user_of(request), number)
    if not application.is_editable_by_citizen:
        return redirect("cases:detail", number=application.number)
    if request.method != "POST":
        return documents_page(request, application)
    choices = [(r["key"], r["name"]) for r in document_requirements(application)]
    form = DocumentForm(request.POST, request.FILES, choices=choices)
    if form.is_valid():
        try:
            document = actions.attach_document(
                application=application,
                user=user_of(request),
                requirement=form.cleaned_data["requirement"],
                upload=form.cleaned_data["file"],
            )
        except actions.CaseError as error:
            for field, problems in error.fields.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
            if not error.fields:
                form.add_error(None, error.message)
        else:
            name = dict(choices)[document.requirement]
            messages.success(request, _("%(name)s was uploaded.") % {"name": name})
            return redirect("cases:documents", number=application.number)
    return documents_page(request, application, form=form, status=400)


@login_required
@require_POST
def remove_document(request: HttpRequest, number: str, document_id: int) -> HttpResponse:
    """Remove an uploaded document before the application is (re)submitted."""
    application = access.get_application_for_applicant(user_of(request), number)
    if not application.is_editable_by_citizen:
        return redirect("cases:detail", number=application.number)
    document = get_object_or_404(Document, pk=document_id, application=application)
    name = actions.requirement_name(application, document.requirement)
    try:
        actions.remove_document(application=application, user=user_of(request), document=document)
    except actions.CaseError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s was removed.") % {"name": name})
    return redirect("cases:documents", number=application.number)


@login_required
@require_POST
def receive_items(request: HttpRequest, number: str) -> HttpResponse:
    """The officer ticks the physical items the citizen handed in: at the counter while filing
    (from the documents page), or later from the processing step page (`next`)."""
    application = access.get_application_for_item_receipt(user_of(request), number)
    items = item_rows(application)
    form = ItemsForm(request.POST, choices=[(i["key"], i["name"]) for i in items])
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    if form.is_valid():
        try:
            actions.record_items_received(
                application=application,
                officer=user_of(request),
                received=set(form.cleaned_data["items"]),
            )
        except actions.CaseError as error:
            form.add_error("items", error.fields.get("items", [error.message])[0])
        else:
            messages.success(request, _("The list of items received was saved."))
            return redirect(
                next_url or reverse("cases:documents", args=[application.number]) + "#barang"
            )
    if next_url or not application.is_editable_by_citizen:
        messages.error(request, _("Tick only the items this service asks for"))
        return redirect(next_url or reverse("office:queue"))
    return documents_page(request, application, items_form=form, status=400)


@login_required
def check_answers(request: HttpRequest, number: str) -> HttpResponse:
    application = access.get_application_for_applicant(user_of(request), number)
    if not application.is_editable_by_citizen:
        return redirect("cases:detail", number=application.number)
    at_counter = application.filed_by_id == request.user.pk
    form = DeclarationForm(
        request.POST if request.method == "POST" else None, at_counter=at_counter
    )
    missing: dict[str, list[str]] = {}
    on_behalf = access.files_on_behalf(user_of(request), application)
    if request.method == "POST":
        if not form.is_valid():
            missing = actions.missing_requirements(application)
        else:
            function = (
                actions.submit_application
                if application.status == "draft"
                else actions.resubmit_application
            )
            version = application.charter_id
            try:
                function(application=application, citizen=user_of(request))
            except actions.CaseError as error:
                missing = error.fields or {"": [error.message]}
                if application.charter_id != version:  # moved to the standard now in force
                    missing = {"": [error.message], **missing}
            else:
                if on_behalf:
                    # The counter's own receipt, printed for the citizen (the `citizens` app
                    # serves it; only its URL name is known here).
                    return redirect("citizens:counter_receipt", number=application.number)
                if application.status == "draft":
                    return redirect("cases:receipt", number=application.number)
                messages.success(
                    request,
                    _("Your corrections were sent. The clock runs again.")
                    if application.clock_started_at
                    else _(
                        "Your corrections were sent. The file is checked again for completeness."
                    ),
                )
                return redirect("cases:detail", number=application.number)
    errors = missing_rows(application, missing)
    record_counter_read(request, application)
    # What submitting consents to (cases.prefill): stated here, above the button that
    # records it.
    profile_fields = prefill.from_profile(application)
    consent: dict[str, Any] | None = None
    if profile_fields:
        consent = {"fields": profile_fields, **prefill.consent_terms(application, profile_fields)}
        consent["agency_names"] = [agency["name"] for agency in consent["agencies"]]
    rows = answer_rows(application, full_nik=True)
    for row in rows:
        row["from_profile"] = row["key"] in profile_fields
    if form.errors:
        errors += [
            {"message": str(m), "href": "#id_declaration"} for m in form.errors["declaration"]
        ]
    return render(
        request,
        "cases/check.html",
        {
            "application": application,
            # the citizen, or the officer filing for them at the counter: both are entitled
            "rows": rows,
            "consent": consent,
            "documents": document_requirements(application),
            "items": item_rows(application),
            "at_counter": at_counter,
            "form": form,
            "errors": errors,
            "on_behalf": on_behalf,
        },
        status=400 if errors else 200,
    )


@login_required
def receipt(request: HttpRequest, number: str) -> HttpResponse:
    application = access.get_application_for_applicant(user_of(request), number)
    if application.status == "draft":
        return redirect("cases:tasks", number=application.number)
    record_counter_read(request, application)
    return render(
        request,
        "cases/receipt.html",
        {
            "application": application,
            "view": public_view(application),
        },
    )


@login_required
def detail(request: HttpRequest, number: str) -> HttpResponse:
    application = access.get_application_for_applicant(user_of(request), number)
    if application.status == "draft":
        return redirect("cases:tasks", number=application.number)
    steps = list(application.steps.select_related("unit", "agency"))
    record_counter_read(request, application)
    guarantee_events = list(
        application.events.filter(
            public=True,
            kind__in=(
                "late",
                "very_late",
                "apology",
                "compensation_owed",
                "compensation_withdrawn",
                "compensation_paid",
                "deemed_approved",
            ),
        ).order_by("seq")
    )
    # A per-day compensation still owed: what it comes to now (it grows until the end).
    last_compensation = [e.kind for e in guarantee_events if e.kind.startswith("compensation_")]
    calendars = actions.AgencyCalendars()  # one reading of the calendar for the whole page
    per_day = (
        per_day_compensation(application, calendar=calendars(application.agency.code))
        if last_compensation and last_compensation[-1] == "compensation_owed"
        else None
    )
    return render(
        request,
        "cases/detail.html",
        {
            "application": application,
            "view": public_view(application, calendars=calendars),
            "marker": application_marker(application),
            "returned": [s for s in steps if s.state == "returned"],
            "rejected": [s for s in steps if s.state == "rejected"],
            "rows": answer_rows(application, full_nik=True),  # the citizen's own
            "documents": document_requirements(application),
            # What the charter's guarantee did for this application: delays, apology,
            # compensation, deemed approval (public events written by the guarantee sweep).
            "guarantee_events": [
                e for e in guarantee_events if e.kind not in ("compensation_withdrawn",)
            ],
            "per_day_compensation": per_day,
            # A summary; every read is on the citizen's own access-log page.
            "accesses": access_summary(application)
            if application.applicant_id == request.user.pk
            else None,
        },
    )


def access_summary(application: Application) -> dict[str, Any]:
    """How often others looked at the applicant's data about this application, and the last
    time (who and when): two index-backed queries however many reads there were."""
    reads = DataAccess.objects.filter(
        citizen_id=application.applicant_id, application_number=application.number
    )
    return {"count": reads.count(), "latest": reads.select_related("reader").first()}


@login_required
def withdraw(request: HttpRequest, number: str) -> HttpResponse:
    application = access.get_application_for_applicant(user_of(request), number)
    if application.applicant_id != request.user.pk:
        raise Http404  # only the citizen withdraws, not the officer who filed it
    if application.has_ended:
        return redirect("cases:detail", number=application.number)
    if request.method == "POST":
        try:
            actions.withdraw_application(application=application, citizen=user_of(request))
        except actions.CaseError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your application was withdrawn."))
        return redirect("cases:detail", number=application.number)
    return render(request, "cases/withdraw.html", {"application": application})


@login_required
def download(request: HttpRequest, number: str, document_id: int) -> FileResponse:
    """A document, to its applicant or an officer of an involved unit; never inline."""
    user = user_of(request)
    application, is_applicant = access.get_application_for_viewer(user, number)
    document = get_object_or_404(Document, pk=document_id, application=application)
    if not document.is_stored:
        raise Http404  # deleted when the application was withdrawn
    if not is_applicant:
        actions.record_access(
            application=application,
            officer=user,
            place=DataAccess.Place.OFFICE_DOCUMENT,
            # the requirement tells the applicant which document ("KTP-el"), the file which copy
            what=f"{actions.requirement_name(application, document.requirement)} "
            f"({document.original_name})",
        )
    return private_file_response(
        document.file.open("rb"),
        filename=document.original_name,
        content_type=document.content_type,
    )
