"""The citizen's pages of the document vault and of their consents (/profil/dokumen/,
/profil/persetujuan/), and the one-press attachment of a vault document to an application
(the documents page of `cases` shows the offers, see `citizens.vault.offers_html`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from layanan.accounts.current import user_of
from layanan.cases import access as cases_access
from layanan.cases import actions
from layanan.cases.actions import CaseError
from layanan.cases.forms import upload_field
from layanan.cases.storage import private_file_response
from layanan.cases.views_citizen import documents_page
from layanan.citizens import consents as consent_actions
from layanan.citizens import vault
from layanan.citizens.models import Consent, VaultDocument


class VaultForm(forms.Form):
    use_required_attribute = False
    type = forms.ChoiceField(
        label=gettext_lazy("Type of document"),
        error_messages={
            "required": gettext_lazy("Choose the type of document"),
            "invalid_choice": gettext_lazy("Choose the type of document"),
        },
    )
    file = upload_field()
    issued_on = forms.DateField(
        label=gettext_lazy("Date of issue"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("Enter a real date, for example 2024-03-17")},
    )
    expires_on = forms.DateField(
        label=gettext_lazy("Valid until"),
        help_text=gettext_lazy("Leave it empty when the document does not expire (a KTP-el)."),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("Enter a real date, for example 2029-03-17")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Choose a type")), *vault.type_choices()]


def add_errors(form: forms.Form, error: CaseError) -> None:
    for field, problems in error.fields.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)
    if not error.fields:
        form.add_error(None, error.message)


def vault_page(request: HttpRequest, form: VaultForm, *, status: int = 200) -> HttpResponse:
    user = user_of(request)
    on = vault.today()
    rows = [
        {
            "document": document,
            "type_name": vault.type_name(document.type),
            "expired": document.is_expired(on),
        }
        for document in vault.vault_of(user)
    ]
    return render(request, "citizens/vault.html", {"rows": rows, "form": form}, status=status)


@login_required
def documents(request: HttpRequest) -> HttpResponse:
    """The vault: its documents (expired ones marked) and the upload form."""
    if request.method != "POST":
        return vault_page(request, VaultForm())
    form = VaultForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            document = vault.add_document(
                owner=user_of(request),
                type=data["type"],
                upload=data["file"],
                issued_on=data["issued_on"],
                expires_on=data["expires_on"],
            )
        except CaseError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("%(type)s was added to your vault.") % {"type": vault.type_name(document.type)},
            )
            return redirect("citizens:vault")
    return vault_page(request, form, status=400)


@login_required
def download(request: HttpRequest, pk: int) -> FileResponse:
    """A vault file, for its owner only (anybody else: not found)."""
    document = get_object_or_404(VaultDocument, pk=pk, owner=user_of(request))
    return private_file_response(
        document.file.open("rb"),
        filename=document.original_name,
        content_type=document.content_type,
    )


@login_required
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, then remove a vault document (copies given to applications stay with them)."""
    document = get_object_or_404(VaultDocument, pk=pk, owner=user_of(request))
    name = vault.type_name(document.type)
    if request.method == "POST":
        vault.remove_own_document(owner=user_of(request), pk=document.pk)
        messages.success(request, _("%(type)s was removed from your vault.") % {"type": name})
        return redirect("citizens:vault")
    return render(request, "citizens/vault_remove.html", {"document": document, "type_name": name})


@login_required
@require_POST
def attach(request: HttpRequest, number: str) -> HttpResponse:
    """The "use from the vault" button of an application's documents page: attach a copy,
    recording the consent (given by the applicant, or by the counter officer filing for
    them once they ticked that the applicant agreed)."""
    user = user_of(request)
    application = cases_access.get_application_for_applicant(user, number)
    if not application.is_editable_by_citizen:
        return redirect("cases:detail", number=application.number)
    requirement = request.POST.get("requirement", "")
    try:
        document, consent = vault.attach_from_vault(
            application=application,
            requirement=requirement,
            vault_document_id=request.POST.get("vault_document"),
            by=user,
            channel=vault.channel_for(user, application, api=False),
            agreed=request.POST.get("agreed") == "yes",
        )
    except CaseError as error:
        message = next(iter(error.fields.values()), [error.message])[0]
        return documents_page(request, application, status=400, offer_errors={requirement: message})
    messages.success(
        request,
        _(
            "%(requirement)s was attached from the vault. The consent is listed on your "
            "page of consents."
        )
        % {"requirement": actions.requirement_name(application, document.requirement)},
    )
    del consent
    return redirect("cases:documents", number=application.number)


CONSENTS_PAGE_SIZE = 20


@login_required
def consents(request: HttpRequest) -> HttpResponse:
    """Every consent the citizen gave (or a counter officer recorded for them)."""
    user = user_of(request)
    page = Paginator(
        Consent.objects.filter(citizen=user).select_related(
            "application", "given_by", "withdrawn_by"
        ),
        CONSENTS_PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    consents = list(page.object_list)
    problems = consent_actions.withdrawal_problems(consents)
    rows = [
        {
            "consent": consent,
            "recorded_by": vault.recorder_name(consent),
            "agencies": ", ".join(agency["name"] for agency in consent.agencies),
            "problem": problems[consent.pk],
        }
        for consent in consents
    ]
    return render(request, "citizens/consents.html", {"rows": rows, "page_obj": page})


@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, then withdraw a consent; refused with the reason once processing started."""
    user = user_of(request)
    consent = get_object_or_404(Consent.objects.select_related("application"), pk=pk, citizen=user)
    problem = consent_actions.withdrawal_problem(consent)
    if request.method == "POST" and problem is None:
        try:
            consent_actions.withdraw(consent, by=user, at=timezone.now())
        except CaseError as error:
            problem = error.message
        else:
            messages.success(
                request,
                _(
                    "The consent was withdrawn. Application %(number)s is a draft again: "
                    "complete it and submit it when you are ready."
                )
                % {"number": consent.application.number},
            )
            return redirect("citizens:consents")
    status = 409 if request.method == "POST" and problem else 200
    return render(
        request,
        "citizens/consent_withdraw.html",
        {
            "consent": consent,
            "problem": problem,
            "agencies": ", ".join(agency["name"] for agency in consent.agencies),
            "submitted": consent.application.status != "draft",
        },
        status=status,
    )
