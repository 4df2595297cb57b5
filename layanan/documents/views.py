"""The public verification pages, the certificates, and the download and revocation of issued
documents. Thin: access, validate, act, respond."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from layanan.accounts import throttle
from layanan.accounts.current import user_of
from layanan.accounts.models import DataAccess
from layanan.cases import access as case_access
from layanan.cases.actions import record_access
from layanan.cases.storage import private_file_response
from layanan.documents import access, actions, keys, verification
from layanan.documents.forms import CodeForm, FileForm, ProductFileForm, RevokeForm
from layanan.documents.models import Kind


def no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def refuse_check(
    request: HttpRequest, template: str, context: dict[str, Any], attempt: throttle.Attempt
) -> HttpResponse:
    """429: too many files checked from this client address; the upload is not read at all."""
    file_form = FileForm(data=QueryDict())
    file_form.errors.clear()
    file_form.add_error("berkas", attempt.message())
    context.update(file_form=file_form, error_forms=[file_form])
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(attempt.retry_after)
    return no_store(response)


@require_http_methods(["GET", "POST"])
def verify_home(request: HttpRequest) -> HttpResponse:
    """Type a code (GET) or upload a file (POST) to check a document."""
    code_form = CodeForm(request.GET or None)
    file_form = FileForm(request.POST, request.FILES) if request.method == "POST" else FileForm()
    if request.method == "GET" and code_form.is_valid():
        return redirect("documents:verify", code_form.cleaned_data["kode"])
    context: dict[str, Any] = {"code_form": code_form, "file_form": file_form, "answer": None}
    if request.method == "POST":
        attempt = throttle.begin_verification(request)
        if attempt.refused:
            return refuse_check(request, "documents/verify_home.html", context, attempt)
        attempt.failed()
        if file_form.is_valid():
            context["answer"] = verification.by_content(file_form.cleaned_data["berkas"])
        else:
            context["error_forms"] = [file_form]
            return no_store(render(request, "documents/verify_home.html", context, status=400))
    elif request.GET:
        context["error_forms"] = [code_form]
        return no_store(render(request, "documents/verify_home.html", context, status=400))
    return no_store(render(request, "documents/verify_home.html", context))


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """What the QR code opens: the document's status, and a file check against it."""
    document = access.by_code(code)
    answer = verification.of_document(document)
    file_form = FileForm(request.POST, request.FILES) if request.method == "POST" else FileForm()
    context: dict[str, Any] = {
        "answer": answer,
        "code": code,
        "file_form": file_form,
        "file_matches": None,
    }
    status = 200 if answer.status != "unknown" else 404
    if request.method == "POST":
        attempt = throttle.begin_verification(request)
        if attempt.refused:
            return refuse_check(request, "documents/verify.html", context, attempt)
        attempt.failed()
        if file_form.is_valid():
            context["file_matches"] = bool(
                answer.document
                and verification.sha256_of(file_form.cleaned_data["berkas"])
                == answer.document.sha256
            )
        else:
            context["error_forms"] = [file_form]
            status = 400
    return no_store(render(request, "documents/verify.html", context, status=status))


def certificates(request: HttpRequest) -> HttpResponse:
    return render(
        request, "documents/certificates.html", {"certificates": keys.published_certificates()}
    )


def certificate_pem(request: HttpRequest, slug: str) -> HttpResponse:
    found = [c for c in keys.published_certificates() if slug in (c.slug, "semua")]
    if not found:
        raise Http404("no such certificate")
    response = HttpResponse(b"".join(c.pem for c in found), content_type="application/x-pem-file")
    response["Content-Disposition"] = f'attachment; filename="{slug}.pem"'
    return response


@login_required
def download(request: HttpRequest, code: str) -> FileResponse:
    """The signed PDF, to its applicant or an officer of the issuing agency; never inline."""
    user = user_of(request)
    document = access.get_document_for_viewer(user, code)
    handle = access.open_file(document)
    if document.application.applicant_id != user.pk:
        record_access(
            application=document.application,
            officer=user,
            place=DataAccess.Place.OFFICE_DOCUMENT,
            what=document.title,
        )
    return private_file_response(
        handle, filename=f"{document.code}.pdf", content_type="application/pdf"
    )


@login_required
def product(request: HttpRequest, number: str) -> HttpResponse:
    """The completion message's link: the application's product once it is signed, else a
    page that says it is being prepared."""
    user = user_of(request)
    application, _is_applicant = case_access.get_application_for_viewer(user, number)
    document = access.documents_of(application).filter(kind=Kind.PRODUCT).first()
    if document is not None and access.can_download(user, document):
        return redirect("documents:download", document.code)
    return no_store(
        render(request, "documents/preparing.html", {"application": application}, status=404)
    )


@login_required
@require_http_methods(["GET", "POST"])
def revoke(request: HttpRequest, code: str) -> HttpResponse:
    user = user_of(request)
    document = access.get_document_for_signer(user, code)
    form = RevokeForm(request.POST or None)
    context: dict[str, Any] = {"document": document, "form": form}
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.revoke_document(
                    document=document, officer=user, reason=form.cleaned_data["reason"]
                )
            except actions.InvalidInput as error:
                for field, messages in error.fields.items():
                    for message in messages:
                        form.add_error(field, message)
            except actions.DocumentError as error:
                form.add_error(None, error.message)
            else:
                return redirect("documents:verify", document.code)
        context["error_forms"] = [form]
        return render(request, "documents/revoke.html", context, status=400)
    return render(request, "documents/revoke.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, code: str) -> HttpResponse:
    """The signing officer gives the file the agency made elsewhere; the worker signs it."""
    user = user_of(request)
    document = access.get_document_awaiting_upload(user, code)
    form = (
        ProductFileForm(request.POST, request.FILES)
        if request.method == "POST"
        else ProductFileForm()
    )
    context: dict[str, Any] = {"document": document, "form": form}
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.attach_product_file(
                    document=document, officer=user, upload=form.cleaned_data["file"]
                )
            except actions.InvalidInput as error:
                for field, messages in error.fields.items():
                    for message in messages:
                        form.add_error(field, message)
            except actions.DocumentError as error:
                form.add_error(None, error.message)
            else:
                # back to the application's final step, where the document now shows
                last = document.application.steps.order_by("-pk").first()
                if last is None:
                    return redirect("office:queue")
                return redirect("office:step", document.application.number, last.key)
        context["error_forms"] = [form]
        return render(request, "documents/upload.html", context, status=400)
    return render(request, "documents/upload.html", context)
