"""The citizen's rights under UU 27/2022 on the web: /profil/data/ (a copy of one's data,
correction and restriction requests, closing the account) and the data-protection officer's
pages at /kantor/data-pribadi/. Thin: access, validate, act, respond."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from layanan.accounts.actions import record_read, record_reads
from layanan.accounts.current import user_of
from layanan.accounts.models import DataAccess, User
from layanan.cases.models import private_storage
from layanan.cases.storage import private_file_response
from layanan.citizens.closure import (
    ClosureRefused,
    close_account,
    closure_problem,
    password_problem,
)
from layanan.citizens.exports import request_export
from layanan.citizens.forms_rights import AnswerForm, CloseAccountForm, RightsRequestForm
from layanan.citizens.models import DataExport, RightsRequest
from layanan.citizens.rights import (
    RequestError,
    answer_rights_request,
    can_answer,
    file_rights_request,
)
from layanan.lib.display import datetime_in_words

OFFICE_PAGE_SIZE = 50
FORMATS = {"json": ("json_file", "application/json"), "html": ("html_file", "text/html")}


def when(moment: dt.datetime | None) -> str:
    return datetime_in_words(moment, settings.TIME_ZONE) if moment else ""


@login_required
@never_cache
def data_rights(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    moment = timezone.now()
    exports = list(DataExport.objects.filter(citizen=user).order_by("-requested_at")[:5])
    requests = list(RightsRequest.objects.filter(citizen=user).order_by("-filed_at")[:50])
    return render(
        request,
        "citizens/data_rights.html",
        {
            "exports": [
                {
                    "export": export,
                    "requested": when(export.requested_at),
                    "expires": when(export.expires_at),
                    "downloadable": export.is_downloadable_at(moment),
                }
                for export in exports
            ],
            "requests": [
                {
                    "request": item,
                    "filed": when(item.filed_at),
                    "due": when(item.due_at),
                    "answered": when(item.answered_at),
                    "late": item.is_late_at(moment),
                }
                for item in requests
            ],
            "restrictions": [item for item in requests if item.restriction_in_force],
            "keep_hours": settings.LAYANAN_EXPORT_KEEP_HOURS,
        },
    )


@require_POST
@login_required
def export_request(request: HttpRequest) -> HttpResponse:
    request_export(citizen=user_of(request), language=get_language() or "id")
    messages.success(
        request, _("We are preparing a copy of your data. Come back to this page in a moment.")
    )
    return redirect("citizens:data_rights")


@login_required
@never_cache
def export_download(request: HttpRequest, export_id: int, fmt: str) -> HttpResponseBase:
    """The owner's own copy while it lasts; 404 for anybody else and after it expired."""
    export = get_object_or_404(DataExport, pk=export_id, citizen=user_of(request))
    if fmt not in FORMATS or not export.is_downloadable_at(timezone.now()):
        raise Http404
    field, content_type = FORMATS[fmt]
    handle = private_storage().open(getattr(export, field), "rb")
    return private_file_response(
        handle,
        filename=f"data-saya-{export.requested_at:%Y%m%d}.{fmt}",
        content_type=content_type,
    )


@login_required
def rights_request_new(request: HttpRequest) -> HttpResponse:
    form = RightsRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            file_rights_request(
                citizen=user_of(request),
                kind=form.cleaned_data["kind"],
                data=form.cleaned_data["which"],
                details=form.cleaned_data["details"],
                reason=form.cleaned_data["reason"],
            )
        except RequestError as error:
            form.add_error("which" if error.field == "data" else error.field, error.message)
        else:
            messages.success(
                request, _("Your request was recorded. It will be answered within 3 × 24 hours.")
            )
            return redirect("citizens:data_rights")
    status = 400 if request.method == "POST" else 200
    return render(request, "citizens/rights_request_new.html", {"form": form}, status=status)


@login_required
@never_cache
@sensitive_post_parameters("password")
def account_close(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    form = CloseAccountForm(request.POST if request.method == "POST" else None)
    problem = closure_problem(user)
    if request.method == "POST" and form.is_valid() and not problem:
        wrong = password_problem(request, user, form.cleaned_data["password"])
        if wrong:
            form.add_error("password", wrong[1])
        else:
            try:
                close_account(citizen=user)
            except ClosureRefused as refused:
                problem = refused.message
            else:
                logout(request)
                return render(request, "citizens/account_closed.html")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "citizens/account_close.html", {"form": form, "problem": problem}, status=status
    )


# -- the data-protection officer ---------------------------------------------------------------


def officer_of(request: HttpRequest) -> User:
    user = user_of(request)
    if not can_answer(user):
        raise PermissionDenied(_("This page is for the data-protection officer."))
    return user


@login_required
@never_cache
def office_requests(request: HttpRequest) -> HttpResponse:
    officer = officer_of(request)
    moment = timezone.now()
    page = Paginator(
        RightsRequest.objects.filter(answered_at__isnull=True)
        .select_related("citizen")
        .order_by("due_at", "id"),
        OFFICE_PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    open_requests = list(page.object_list)
    record_reads(
        reader=officer,
        place=DataAccess.Place.DATA_REQUESTS,
        shown=[(item.citizen_id, "") for item in open_requests],
    )
    return render(
        request,
        "citizens/office_requests.html",
        {
            "page_obj": page,
            "rows": [
                {
                    "request": item,
                    "filed": when(item.filed_at),
                    "due": when(item.due_at),
                    "late": item.is_late_at(moment),
                }
                for item in open_requests
            ],
        },
    )


@login_required
@never_cache
def office_answer(request: HttpRequest, request_id: int) -> HttpResponse:
    officer = officer_of(request)
    item = get_object_or_404(RightsRequest.objects.select_related("citizen"), pk=request_id)
    form = AnswerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            answer_rights_request(request=item, officer=officer, **form.cleaned_data)
        except RequestError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("The answer was recorded and the citizen told."))
            return redirect("citizens:office_requests")
    record_read(
        reader=officer,
        citizen=item.citizen,
        place=DataAccess.Place.DATA_REQUESTS,
    )
    status = 400 if request.method == "POST" else 200
    context = {
        "item": item,
        "form": form,
        "filed": when(item.filed_at),
        "due": when(item.due_at),
        "late": item.is_late_at(timezone.now()),
    }
    return render(request, "citizens/office_answer.html", context, status=status)
