"""The citizen's document vault and its reuse with consent (issue 14, "once-only").

A citizen keeps documents (KTP-el, KK, a diploma, ...) once, and attaches one to an
application with one press instead of uploading it again, where the charter's document
requirement names its type (`document_types`). Attaching records a `Consent` that freezes what
the citizen agreed to — which data, which application, which agencies will see it and why —
and copies the file into the application's documents (`cases.actions.attach_copy`): the agency
works on its copy, never on the vault, and a vault file is only ever served to its owner.

`cases` does not know the vault: its documents page and its API reach it through two settings
hooks implemented here, `LAYANAN_REQUIREMENT_OFFERS` (`offers_html`) and
`LAYANAN_DOCUMENT_SOURCES` (`attach_from_request`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet, Sum
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.cases import access, actions, prefill
from layanan.cases.actions import InvalidInput, LimitReached, StorageFull
from layanan.cases.events import read_new_events
from layanan.cases.models import Application, Document
from layanan.cases.storage import DISK_FULL_ERRORS, MB, StoreFull, ensure_room
from layanan.cases.uploads import UploadRefused, check_upload
from layanan.citizens.models import Consent, VaultDocument
from layanan.documents.models import IssuedDocument
from layanan.lib.display import date_in_words
from layanan.lib.personal_data import DOCUMENT_TYPES, document_type_name

logger = logging.getLogger(__name__)


def today() -> dt.date:
    return timezone.localdate()


def language() -> str:
    return "en" if (get_language() or "id").startswith("en") else "id"


def type_name(code: str) -> str:
    return document_type_name(code, language())


def type_choices() -> list[tuple[str, str]]:
    return [(code, type_name(code)) for code in DOCUMENT_TYPES]


# -- keeping documents ---------------------------------------------------------------------------


def vault_of(user: User) -> QuerySet[VaultDocument]:
    """The citizen's vault documents, newest first."""
    return VaultDocument.objects.filter(owner=user).order_by("-added_at", "-pk")


def vault_limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def vault_problem(owner: User, *, size: int, what: str) -> str | None:
    """Why one more file of `size` bytes cannot be kept in `owner`'s vault, or None
    (LAYANAN_MAX_VAULT_FILES, default 30; LAYANAN_MAX_VAULT_BYTES, default 100 MB)."""
    kept = VaultDocument.objects.filter(owner=owner).aggregate(size=Sum("size"))
    count = VaultDocument.objects.filter(owner=owner).count()
    most_files = vault_limit("LAYANAN_MAX_VAULT_FILES", 30)
    if count + 1 > most_files:
        return _(
            "%(what)s cannot be added: your vault already holds %(count)d documents, the most "
            "allowed. Remove one you no longer need first"
        ) % {"what": what, "count": most_files}
    most_bytes = vault_limit("LAYANAN_MAX_VAULT_BYTES", 100 * MB)
    if (kept["size"] or 0) + size > most_bytes:
        return _(
            "%(what)s cannot be added: the files in your vault may total at most %(mb)d MB"
        ) % {
            "what": what,
            "mb": most_bytes // MB,
        }
    return None


def check_dates(
    issued_on: dt.date | None, expires_on: dt.date | None, *, on: dt.date
) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if issued_on is not None and issued_on > on:
        problems["issued_on"] = [_("The date of issue cannot be in the future")]
    if issued_on is not None and expires_on is not None and expires_on < issued_on:
        problems["expires_on"] = [_("The expiry date must be after the date of issue")]
    return problems


@transaction.atomic
def add_document(
    *,
    owner: User,
    type: str,
    upload: UploadedFile,
    issued_on: dt.date | None = None,
    expires_on: dt.date | None = None,
    added_by: User | None = None,
    source: str = VaultDocument.Source.UPLOAD,
) -> VaultDocument:
    """Keep an uploaded document in `owner`'s vault, with the checks of an application's
    upload (`cases.uploads.check_upload`) and the disk's free space (`ensure_room`).
    Raises InvalidInput (field by field), LimitReached or StorageFull; nothing is kept then."""
    if type not in DOCUMENT_TYPES:
        message = _("Choose the type of document")
        raise InvalidInput(message, fields={"type": [message]})
    what = type_name(type)
    problems = check_dates(issued_on, expires_on, on=today())
    try:
        content_type, content = check_upload(upload, what=what)
    except UploadRefused as refused:
        problems["file"] = [refused.message]
        content_type, content = "", b""
    if problems:
        raise InvalidInput(_("Some details need correcting."), fields=problems)
    return keep(
        owner=owner,
        type=type,
        content=content,
        content_type=content_type,
        original_name=upload.name or "dokumen",
        issued_on=issued_on,
        expires_on=expires_on,
        added_by=added_by or owner,
        source=source,
    )


def keep(
    *,
    owner: User,
    type: str,
    content: bytes,
    content_type: str,
    original_name: str,
    issued_on: dt.date | None,
    expires_on: dt.date | None,
    added_by: User,
    source: str,
    issued_code: str = "",
) -> VaultDocument:
    """Write checked content into the vault (inside the caller's transaction). The file gets
    its own random name. The limits apply to what the citizen adds, not to what a service
    issued them."""
    what = type_name(type)
    actions.hold_row(User, owner.pk)  # the limits count the owner's rows
    limited = source != VaultDocument.Source.ISSUED
    if limited and (problem := vault_problem(owner, size=len(content), what=what)):
        raise LimitReached(problem, fields={"file": [problem]})
    document = VaultDocument(
        owner=owner,
        type=type,
        original_name=original_name[:200],
        content_type=content_type,
        size=len(content),
        sha256=hash_of(content),
        issued_on=issued_on,
        expires_on=expires_on,
        source=source,
        issued_code=issued_code,
        added_by=added_by,
        added_at=timezone.now(),
    )
    try:
        ensure_room(len(content))
        document.file.save("vault", ContentFile(content), save=False)
    except (StoreFull, OSError) as error:
        if isinstance(error, OSError) and error.errno not in DISK_FULL_ERRORS:
            raise
        message = actions.storage_full_message(what)
        raise StorageFull(message, fields={"file": [message]}) from None
    try:
        document.save()
    except BaseException:
        vault_storage().delete(document.file.name)
        raise
    return document


def vault_storage() -> Any:
    """Where the vault's files are (the private storage, as the field holds it)."""
    return VaultDocument._meta.get_field("file").storage


def hash_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def remove_document(*, document: VaultDocument, by: User) -> None:
    """The citizen removes a document from their vault; the copies already given to
    applications stay with them (the consents say so), the vault's own file is deleted."""
    name = document.file.name
    document.delete()
    if name:
        transaction.on_commit(lambda: vault_storage().delete(name))


@transaction.atomic
def remove_own_document(*, owner: User, pk: int) -> VaultDocument | None:
    """Remove the vault document `pk` if it is `owner`'s; None when there is none."""
    document = VaultDocument.objects.filter(owner=owner, pk=pk).first()
    if document is not None:
        remove_document(document=document, by=owner)
    return document


# -- reuse with consent --------------------------------------------------------------------------


def accepted_types(application: Application, requirement: str) -> list[str]:
    """The document types the application's requirement accepts (its charter version's
    `document_types`); empty when it names none or is not a document requirement."""
    for spec in application.charter.content["requirements"]:
        if spec["key"] == requirement and spec["kind"] == "document":
            return list(spec.get("document_types", []))
    return []


def unexpired(owner: User, *, on: dt.date | None = None) -> QuerySet[VaultDocument]:
    """The owner's vault documents that have not expired (only those are ever offered)."""
    on = on or today()
    return vault_of(owner).filter(Q(expires_on=None) | Q(expires_on__gte=on))


def offered(
    application: Application, requirement: str, *, on: dt.date | None = None
) -> list[VaultDocument]:
    """The applicant's vault documents that may be attached for `requirement`: of a type it
    accepts and not expired, newest first."""
    types = accepted_types(application, requirement)
    if not types:
        return []
    return list(unexpired(application.applicant, on=on).filter(type__in=types))


def document_terms(
    application: Application,
    vault_document: VaultDocument,
    requirement: str,
    *,
    agencies: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """What the citizen agrees to when attaching `vault_document`, in the current language:
    the words frozen in the Consent. They name the document by its type, never by its file
    name (which may carry the citizen's name), and the application by its number."""
    service = application.service.display_name
    return {
        "what": _("%(type)s from your document vault, as “%(requirement)s”")
        % {
            "type": type_name(vault_document.type),
            "requirement": actions.requirement_name(application, requirement),
        },
        "agencies": prefill.agencies_of(application) if agencies is None else agencies,
        "purpose": _("To examine and decide application %(number)s for the service “%(service)s”")
        % {"number": application.number, "service": service},
    }


def consent_sentence(terms: dict[str, Any], application: Application) -> str:
    """The consent in one sentence, as shown next to the button that gives it."""
    return _(
        "I agree that a copy of %(what)s is added to application %(number)s and seen by "
        "%(agencies)s. Purpose: %(purpose)s."
    ) % {
        "what": terms["what"],
        "number": application.number,
        "agencies": ", ".join(agency["name"] for agency in terms["agencies"]),
        "purpose": terms["purpose"],
    }


def channel_for(user: User, application: Application, *, api: bool) -> str:
    if access.files_on_behalf(user, application):
        return Consent.Channel.COUNTER
    return Consent.Channel.API if api else Consent.Channel.WEB


@transaction.atomic
def attach_from_vault(
    *,
    application: Application,
    requirement: str,
    vault_document_id: Any,
    by: User,
    channel: str,
    agreed: bool = True,
) -> tuple[Document, Consent]:
    """Attach a copy of the applicant's vault document for `requirement`, recording the
    consent. `by` is the applicant, or the counter officer filing for them (channel counter,
    who must confirm that the citizen `agreed`). Refused (InvalidInput, under
    `vault_document` or `agreed`) when the document is not the applicant's, is expired or is
    of a type the requirement does not accept; NotAllowed when the application is not a draft
    or returned; the limits of an upload apply."""
    actions.ensure_documents_editable(application)
    actions.document_requirement(application, requirement)
    if channel == Consent.Channel.COUNTER and not agreed:
        message = _("Confirm that the applicant agreed to use this document from their vault")
        raise InvalidInput(message, fields={"agreed": [message]})
    try:
        pk = int(vault_document_id)
    except (TypeError, ValueError):
        pk = 0
    vault_document = VaultDocument.objects.filter(pk=pk, owner_id=application.applicant_id).first()
    if vault_document is None or isinstance(vault_document_id, bool):
        message = _("Choose a document from the applicant's own vault")
        raise InvalidInput(message, fields={"vault_document": [message]})
    if vault_document.is_expired(today()):
        message = _("%(type)s in the vault expired on %(date)s; upload a valid one") % {
            "type": type_name(vault_document.type),
            "date": date_in_words(vault_document.expires_on),
        }
        raise InvalidInput(message, fields={"vault_document": [message]})
    types = accepted_types(application, requirement)
    if vault_document.type not in types:
        message = _("%(requirement)s does not accept %(type)s") % {
            "requirement": actions.requirement_name(application, requirement),
            "type": type_name(vault_document.type),
        }
        raise InvalidInput(message, fields={"vault_document": [message]})
    # Pressed again (the documents page still offers the document once it is attached):
    # the copy and the consent already given stand; a second pair would replace the copy and
    # leave two consents in force, one naming a copy that is gone.
    given = (
        Consent.objects.filter(
            application=application,
            kind=Consent.Kind.DOCUMENT,
            requirement=requirement,
            vault_document=vault_document,
            withdrawn_at=None,
        )
        .exclude(document=None)
        .select_related("document")
        .first()
    )
    if given is not None and given.document is not None:
        return given.document, given
    with vault_document.file.open("rb") as handle:
        content = handle.read()
    copy = actions.attach_copy(
        application=application,
        user=by,
        requirement=requirement,
        content=content,
        content_type=vault_document.content_type,
        original_name=vault_document.original_name,
        source="vault",
    )
    terms = document_terms(application, vault_document, requirement)
    consent = Consent.objects.create(
        citizen_id=application.applicant_id,
        application=application,
        kind=Consent.Kind.DOCUMENT,
        vault_document=vault_document,
        document=copy,
        requirement=requirement,
        what=terms["what"][:300],
        agencies=terms["agencies"],
        purpose=terms["purpose"][:300],
        channel=channel,
        given_by=by,
        given_at=timezone.now(),
    )
    return copy, consent


# -- the hooks of `cases` ------------------------------------------------------------------------


def offers_html(
    request: HttpRequest,
    application: Application,
    requirements: list[dict[str, Any]],
    errors: dict[str, str],
) -> dict[str, str]:
    """settings.LAYANAN_REQUIREMENT_OFFERS: for each document requirement of the documents
    page, the applicant's vault documents that fit it, each with its consent and one button
    ("Gunakan dari brankas"). `errors`: a refused attachment's message, by requirement."""
    user = request.user
    assert isinstance(user, User)
    on_behalf = access.files_on_behalf(user, application)
    html: dict[str, str] = {}
    accepting = {r["key"]: accepted_types(application, r["key"]) for r in requirements}
    if not any(accepting.values()):
        return html
    # one read of the vault and of the agencies for the whole page, not one per requirement
    # and document
    kept = list(unexpired(application.applicant))
    agencies = prefill.agencies_of(application)
    for requirement in requirements:
        documents = [d for d in kept if d.type in accepting[requirement["key"]]]
        if not documents:
            continue
        rows = []
        for document in documents:
            terms = document_terms(application, document, requirement["key"], agencies=agencies)
            rows.append(
                {
                    "document": document,
                    "type_name": type_name(document.type),
                    "consent": consent_sentence(terms, application),
                }
            )
        html[requirement["key"]] = render_to_string(
            "citizens/_vault_offers.html",
            {
                "application": application,
                "requirement": requirement,
                "rows": rows,
                "on_behalf": on_behalf,
                "error": errors.get(requirement["key"], ""),
                "action": reverse("citizens:attach_from_vault", args=[application.number]),
            },
            request=request,
        )
    return html


def attach_from_request(
    application: Application, *, user: User, requirement: str, data: dict[str, Any]
) -> Document | None:
    """settings.LAYANAN_DOCUMENT_SOURCES: `POST /api/v1/applications/{number}/documents`
    with JSON `{"requirement", "vault_document": id}`; None when the body names no vault
    document. The consent is recorded with channel api (counter when the caller is the
    officer filing for the citizen, with `"agreed": true`)."""
    if "vault_document" not in data:
        return None
    channel = channel_for(user, application, api=True)
    document, _consent = attach_from_vault(
        application=application,
        requirement=requirement,
        vault_document_id=data["vault_document"],
        by=user,
        channel=channel,
        agreed=data.get("agreed") is True,
    )
    return document


# -- the citizen's rights (UU 27/2022) -----------------------------------------------------------


def vault_row(document: VaultDocument, *, on: dt.date | None = None) -> dict[str, Any]:
    return {
        "id": document.pk,
        "type": document.type,
        "type_name": type_name(document.type),
        "name": document.original_name,
        "content_type": document.content_type,
        "size": document.size,
        "sha256": document.sha256,
        "issued_on": document.issued_on,
        "expires_on": document.expires_on,
        "expired": document.is_expired(on or today()),
        "source": document.source,
        "issued_code": document.issued_code,
        "added_at": document.added_at,
    }


def consent_row(consent: Consent) -> dict[str, Any]:
    return {
        "id": consent.pk,
        "kind": consent.kind,
        "application": consent.application.number,
        "requirement": consent.requirement,
        "fields": consent.fields,
        "what": consent.what,
        "agencies": consent.agencies,
        "purpose": consent.purpose,
        "channel": consent.channel,
        "given_at": consent.given_at,
        "given_by": recorder_name(consent),
        "withdrawn_at": consent.withdrawn_at,
    }


def recorder_name(consent: Consent) -> str:
    """Who recorded a consent, as the citizen reads it: "you", or the counter officer by name."""
    if consent.given_by_id == consent.citizen_id:
        return str(_("You"))
    officer = consent.given_by
    return officer.full_name or officer.username


def export_section(citizen: User) -> dict[str, Any]:
    """The vault and the consents, for the export of everything held about the citizen."""
    on = today()
    consents = Consent.objects.filter(citizen=citizen).select_related("application", "given_by")
    return {
        "vault_documents": [jsonable(vault_row(document, on=on)) for document in vault_of(citizen)],
        "consents": [jsonable(consent_row(consent)) for consent in consents],
    }


def jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value.isoformat() if isinstance(value, dt.date | dt.datetime) else value
        for key, value in row.items()
    }


@transaction.atomic
def erase(citizen: User, *, at: dt.datetime) -> None:
    """Account closure: the vault documents and their files go. The consents stay as the
    proof of what was agreed (their frozen words name types, applications and agencies, not
    the citizen), without the link to the removed vault rows."""
    names = [name for name in vault_of(citizen).values_list("file", flat=True) if name]
    VaultDocument.objects.filter(owner=citizen).delete()
    transaction.on_commit(lambda: delete_files(names))


def delete_after_commit(names: list[str]) -> None:
    if names:
        transaction.on_commit(lambda: delete_files(names))


def delete_files(names: Iterable[str]) -> None:
    storage = vault_storage()
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.exception("vault file %s could not be deleted", name)


# -- products issued by Layanan ------------------------------------------------------------------

ISSUED_CURSOR = "citizens.vault"
ISSUED_KINDS = ("document_issued", "document_revoked")
BATCH = 200


def issued_type(application: Application) -> str:
    """The vault type of an application's product: the charter's `product.document_type`,
    else "dokumen-layanan"."""
    declared = application.charter.content.get("product", {}).get("document_type", "")
    return declared if declared in DOCUMENT_TYPES else "dokumen-layanan"


def keep_issued(issued: IssuedDocument) -> VaultDocument | None:
    """Put a signed product into its applicant's vault, once (the unique constraint on owner
    and verification code makes a second pass a no-op). Returns the new row, or None."""
    application = issued.application
    owner = application.applicant
    if not issued.is_valid or not issued.file.name:
        return None
    if VaultDocument.objects.filter(owner=owner, issued_code=issued.code).exists():
        return None
    with issued.file.open("rb") as handle:
        content = handle.read()
    issued_on = timezone.localdate(issued.issued_at) if issued.issued_at else None
    try:
        with transaction.atomic():
            return keep(
                owner=owner,
                type=issued_type(application),
                content=content,
                content_type="application/pdf",
                original_name=f"{issued.code}.pdf",
                issued_on=issued_on,
                expires_on=None,
                added_by=owner,
                source=VaultDocument.Source.ISSUED,
                issued_code=issued.code,
            )
    except IntegrityError:
        return None  # another pass kept it first


def collect_issued(*, limit: int = BATCH) -> int:
    """The worker's job: read the case events (cursor `citizens.vault`); each product signed
    (`document_issued`) enters its applicant's vault, each product revoked
    (`document_revoked`) leaves it — a revoked document is never offered again. Returns how
    many documents entered."""
    added = 0
    while True:
        with transaction.atomic():
            events, done = read_new_events(ISSUED_CURSOR, limit=limit, now=timezone.now())
            if not events:
                return added
            for event in events:
                if event.kind not in ISSUED_KINDS or not event.data.get("code"):
                    continue
                issued = (
                    IssuedDocument.objects.select_related(
                        "application__applicant", "application__charter"
                    )
                    .filter(code=event.data["code"], application_id=event.application_id)
                    .first()
                )
                if issued is None:
                    continue
                if event.kind == "document_issued":
                    added += keep_issued(issued) is not None
                else:
                    revoked = VaultDocument.objects.filter(
                        owner_id=issued.application.applicant_id, issued_code=issued.code
                    )
                    names = [name for name in revoked.values_list("file", flat=True) if name]
                    revoked.delete()
                    delete_after_commit(names)
            done()


def run() -> None:
    """The periodic job (settings.LAYANAN_PERIODIC_JOBS)."""
    collect_issued()
