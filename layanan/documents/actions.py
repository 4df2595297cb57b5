"""Every change to issued documents: prepared when an application completes, generated and
signed by the worker, revoked by a signing officer. Keyword-only; each writes the event the
applicant sees in their timeline through `cases.actions.record_product_event`.

Issuing is claimed with a conditional update (a `pending` row whose `retry_at` has come,
`attempts` from n to n+1, exactly one row) that also moves `retry_at` a lease ahead, so a
second worker does not claim it again while the first signs. The heavy part (PDF, signature)
runs outside any transaction; the file is stored under a name of its own (an existing file is
never replaced), and the row becomes `issued` only if it is still `pending` and still claimed
by this attempt when the file is ready; otherwise this attempt's own file is removed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from layanan.accounts.models import User
from layanan.cases.actions import record_product_event
from layanan.cases.models import Application
from layanan.cases.uploads import UploadRefused, check_upload
from layanan.charters.spec import text_in
from layanan.documents import access, codes, keys, pdf, signing
from layanan.documents.models import IssuedDocument, Kind, State
from layanan.lib import document_text
from layanan.lib.links import absolute_url

logger = logging.getLogger("layanan.documents")
MAX_BACKOFF = dt.timedelta(hours=6)
# How long a claimed document is left to its worker before another may claim it again.
LEASE = dt.timedelta(minutes=15)
REASON_LIMIT = 1000


class DocumentError(Exception):
    code = "invalid"

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class InvalidInput(DocumentError):
    pass


class NotAllowed(DocumentError):
    code = "not_allowed"


class Conflict(DocumentError):
    code = "conflict"


class AlreadyRevoked(Conflict):
    pass


class AlreadyGiven(Conflict):
    pass


def verify_url(code: str) -> str:
    return absolute_url(reverse("documents:verify", args=[code]))


def title_of(application: Application) -> str:
    product = application.charter.content.get("product") or {}
    return str(product.get("title") or text_in(product.get("name"), "id") or "")[:200]


# -- preparing ---------------------------------------------------------------------------------


def needs_upload(application: Application) -> bool:
    """The charter's product is made elsewhere (uploaded) or comes with such a file (both)."""
    product = application.charter.content.get("product") or {}
    return product.get("issued_as") in ("uploaded", "both")


def prepare_document(*, application: Application, at: dt.datetime) -> IssuedDocument | None:
    """The product row of a completed application, `pending` until signed; None when it
    exists already (a second pass over the same event). Call inside a transaction."""
    if IssuedDocument.objects.filter(application=application, kind=Kind.PRODUCT).exists():
        return None
    try:
        with transaction.atomic():
            return IssuedDocument.objects.create(
                application=application,
                agency=application.agency,
                kind=Kind.PRODUCT,
                code=codes.new_code(),
                title=title_of(application),
                owner_initials=codes.initials(application.applicant.full_name),
                needs_upload=needs_upload(application),
                created_at=at,
            )
    except IntegrityError:  # made meanwhile by another pass (or, rarely, a code reused)
        return None


# -- generating and signing ----------------------------------------------------------------------


def answer_texts(application: Application) -> dict[str, str]:
    """Each form answer as printed: a choice by its label, a checkbox as Ya/Tidak."""
    texts: dict[str, str] = {}
    for field in application.charter.content.get("form") or []:
        value = application.answers.get(field["key"])
        if value is None:
            continue
        if field.get("type") == "select":
            labels = {
                str(choice.get("value")): text_in(choice.get("label"), "id")
                for choice in field.get("choices") or []
            }
            texts[field["key"]] = labels.get(str(value), str(value))
        elif field.get("type") == "checkbox":
            texts[field["key"]] = "Ya" if value else "Tidak"
        elif field.get("type") == "nik":
            continue  # a NIK is sealed in the answers; never printed from here
        else:
            texts[field["key"]] = str(value)
    return texts


def sheet_for(document: IssuedDocument, *, at: dt.datetime, attachment_pages: int = 0) -> pdf.Sheet:
    application = document.application
    agency = document.agency
    with override("id"):
        issued_on = date_format(at.astimezone(ZoneInfo(agency.time_zone)).date(), "j F Y")
    product = application.charter.content.get("product") or {}
    facts = {
        **answer_texts(application),
        "nomor": application.number,
        "layanan": application.service.name,
        "instansi": agency.name,
        "pemohon": application.applicant.full_name,
        "tanggal": issued_on,
        "judul": document.title,
    }
    default = document_text.ATTACHED_BODY if document.upload else document_text.DEFAULT_BODY
    body = document_text.fill(str(product.get("body") or default), facts)
    details = [
        ("Nomor permohonan", application.number),
        ("Layanan", application.service.name),
        ("Atas nama", application.applicant.full_name),
    ]
    if attachment_pages:
        details.append(("Lampiran", f"{attachment_pages} halaman"))
    return pdf.Sheet(
        agency=agency.name,
        region=settings.LAYANAN_REGION_NAME,
        title=document.title,
        body=body,
        code=document.code,
        number=application.number,
        issued_on=issued_on,
        verify_url=verify_url(document.code),
        details=details,
    )


def document_pdf(document: IssuedDocument, *, at: dt.datetime) -> bytes:
    """The PDF to sign: the letter Layanan writes, followed by the uploaded file if any."""
    if not document.upload:
        return pdf.render(sheet_for(document, at=at))
    with document.upload.open("rb") as handle:
        attachment = handle.read()
    cover = pdf.render(sheet_for(document, at=at, attachment_pages=pdf.page_count(attachment)))
    return pdf.with_attachment(cover, attachment)


def backoff(attempts: int) -> dt.timedelta:
    return min(dt.timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def issue_document(*, document_id: int, at: dt.datetime | None = None) -> str:
    """Generate and sign one pending document; returns what happened ("issued", "retry",
    "taken", "done"). A missing certificate is not an error of the pass: the document stays
    pending, with the reason in `last_error`, and is tried again later."""
    at = at or timezone.now()
    row = IssuedDocument.objects.filter(pk=document_id).values("state", "attempts").first()
    if row is None or row["state"] != State.PENDING:
        return "done"
    attempt = row["attempts"] + 1
    claimed = (
        IssuedDocument.objects.filter(pk=document_id, state=State.PENDING, attempts=attempt - 1)
        .exclude(retry_at__gt=at)
        .update(attempts=attempt, retry_at=at + LEASE)
    )
    if claimed != 1:
        return "taken"
    mine = IssuedDocument.objects.filter(pk=document_id, state=State.PENDING, attempts=attempt)
    document = IssuedDocument.objects.select_related(
        "agency",
        "application",
        "application__charter",
        "application__service",
        "application__applicant",
    ).get(pk=document_id)
    try:
        signer = keys.signer_for(document.agency)
        content = signing.sign_pdf(
            document_pdf(document, at=at),
            signer=signer,
            reason=f"{document.title} {document.code}",
            location=settings.LAYANAN_REGION_NAME,
            name=document.agency.name,
        )
    except keys.NoCertificate as error:
        logger.warning("document %s not signed: %s", document.code, error)
        mine.update(last_error=str(error)[:2000], retry_at=at + backoff(attempt))
        return "retry"
    except Exception as error:  # one document's failure must not stop the others' signing
        logger.exception("document %s not signed", document.code)
        mine.update(
            last_error=f"{error.__class__.__name__}: {error}"[:2000],
            retry_at=at + backoff(attempt),
        )
        return "retry"
    digest = hashlib.sha256(content).hexdigest()
    signer_name = signer.signing_cert.subject.human_friendly[:300] if signer.signing_cert else ""
    document.sha256 = digest
    storage = document.file.storage  # the field's, as the downloads read it
    # `save` picks a free name when one is taken: another attempt's file is never replaced.
    stored = storage.save(f"issued/{digest[:2]}/{document.code}.pdf", ContentFile(content))
    with transaction.atomic():
        done = mine.update(
            state=State.ISSUED,
            issued_at=at,
            file=stored,
            sha256=digest,
            size=len(content),
            signer=signer_name,
            last_error="",
        )
        if done != 1:
            transaction.on_commit(lambda: storage.delete(stored))
            return "taken"
        record_product_event(
            application=document.application,
            kind="document_issued",
            actor=None,
            at=at,
            note=document.title,
            data={"code": document.code, "sha256": digest},
        )
    return "issued"


def issue_pending_documents(*, limit: int = 50, at: dt.datetime | None = None) -> int:
    """Sign the pending documents whose turn has come; return how many were issued."""
    at = at or timezone.now()
    due = list(
        IssuedDocument.objects.filter(state=State.PENDING)
        .exclude(retry_at__gt=at)
        .exclude(needs_upload=True, upload="")  # waits for the signing officer's file
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(issue_document(document_id=pk, at=at) == "issued" for pk in due)


# -- the file made elsewhere ----------------------------------------------------------------------


def attach_product_file(
    *, document: IssuedDocument, officer: User, upload: UploadedFile, at: dt.datetime | None = None
) -> IssuedDocument:
    """The signing officer gives the file the agency made outside Layanan; the worker then
    signs it (after the cover letter, for "both") as the document. A PDF only, checked as
    every uploaded document is (readable, no JavaScript, launch action or embedded file).

    The file is read and checked before any transaction (parsing a PDF must not hold the
    database's write lock), stored under a free name, and removed again if the row is not
    written (given meanwhile, or an error): no file is left behind without its row."""
    if not access.can_upload(officer, document):
        raise NotAllowed(_("Only a signing officer of the issuing agency may give the file."))
    try:
        content_type, content = check_upload(upload, what=document.title)
    except UploadRefused as refused:
        raise InvalidInput(refused.message, fields={"file": [refused.message]}) from None
    if content_type != "application/pdf":
        message = _("The file of %(what)s must be a PDF") % {"what": document.title}
        raise InvalidInput(message, fields={"file": [message]})
    storage = document.upload.storage  # the field's, as the worker reads it
    stored = storage.save(f"issued/uploads/{document.code}.pdf", ContentFile(content))
    try:
        with transaction.atomic():
            locked = IssuedDocument.objects.select_for_update().get(pk=document.pk)
            if not locked.awaits_upload:
                raise AlreadyGiven(_("The file of this document was given already."))
            locked.upload.name = stored
            locked.uploaded_by = officer
            locked.uploaded_at = at or timezone.now()
            locked.retry_at = None
            locked.save(update_fields=["upload", "uploaded_by", "uploaded_at", "retry_at"])
    except BaseException:
        storage.delete(stored)
        raise
    return locked


# -- revoking ------------------------------------------------------------------------------------


@transaction.atomic
def revoke_document(
    *, document: IssuedDocument, officer: User, reason: str, at: dt.datetime | None = None
) -> IssuedDocument:
    """The agency's signing officer withdraws a document; from now on every check of it says
    revoked. The reason goes into the applicant's timeline."""
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput(
            _("Give the reason for revoking."),
            fields={"reason": [_("Give the reason for revoking.")]},
        )
    if len(reason) > REASON_LIMIT:
        message = _("At most %(count)d characters.") % {"count": REASON_LIMIT}
        raise InvalidInput(message, fields={"reason": [message]})
    if document.state == State.REVOKED:
        raise AlreadyRevoked(_("This document was revoked already."))
    if not access.can_revoke(officer, document):
        raise NotAllowed(_("Only a signing officer of the issuing agency may revoke it."))
    at = at or timezone.now()
    changed = IssuedDocument.objects.filter(pk=document.pk, state=State.ISSUED).update(
        state=State.REVOKED, revoked_at=at, revoked_by=officer, revocation_reason=reason
    )
    if changed != 1:
        raise AlreadyRevoked(_("This document was revoked already."))
    record_product_event(
        application=document.application,
        kind="document_revoked",
        actor=officer,
        at=at,
        note=reason,
        data={"code": document.code},
    )
    document.refresh_from_db()
    return document
