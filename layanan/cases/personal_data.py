"""Applications in the citizen's rights (the contract is in `layanan.lib.data_rights`).

At closure an application stays as the record of the public service given (its number,
service, charter version, status, dates, steps and events: the archive; docs/privacy.md has
the retention table), without the citizen's personal data: the answers are emptied, the
uploaded files deleted (their rows keep requirement, size and SHA-256 as the record of what
was given), and the stored public snapshots dropped, to be built again on the next read. The
public tracking page keeps working, from the anonymised record.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F

from layanan.accounts.models import User
from layanan.cases.answers import open_answers
from layanan.cases.models import Application, Document, Event, PublicSnapshot
from layanan.cases.presenters import event_label, step_name
from layanan.cases.storage import release_after_commit
from layanan.lib.data_rights import plain


def export_section(citizen: User) -> dict[str, Any]:
    """Every application of the citizen: what was asked and answered, the documents given
    (their details; the files are downloaded from the application's page), the steps and
    the events the applicant sees."""
    applications = (
        Application.objects.filter(applicant=citizen)
        .select_related("service", "charter", "agency")
        .prefetch_related("steps__unit", "steps__agency", "documents")
        .order_by("created_at", "id")
    )
    return {"applications": [application_record(a) for a in applications]}


def application_record(application: Application) -> dict[str, Any]:
    events = Event.objects.filter(application=application, public=True).order_by("seq")
    return {
        "number": application.number,
        "service": {"code": application.service.code, "name": application.service.name},
        "agency": {"code": application.agency.code, "name": application.agency.name},
        "charter_version": application.charter.version,
        "channel": application.channel,
        "status": application.status,
        "created_at": plain(application.created_at),
        "submitted_at": plain(application.submitted_at),
        "due_at": plain(application.due_at),
        "ended_at": plain(application.ended_at),
        "answers": plain(open_answers(application.answers)),
        "documents": [
            {
                "requirement": document.requirement,
                "name": document.original_name,
                "content_type": document.content_type,
                "size": document.size,
                "sha256": document.sha256,
                "uploaded_at": plain(document.uploaded_at),
                "replaced": document.replaced,
                "file_kept": document.is_stored,
            }
            for document in application.documents.all()
        ],
        "steps": [
            {
                "key": step.key,
                "name": step_name(application, step.key),
                "unit": step.unit.name,
                "agency": step.agency.name,
                "state": step.state,
                "started_at": plain(step.started_at),
                "due_at": plain(step.due_at),
                "ended_at": plain(step.ended_at),
                "note": step.note,
            }
            for step in application.steps.all()
        ],
        "events": [
            {
                "at": plain(event.at),
                "kind": event.kind,
                "what": str(event_label(application, event)),
                "step": event.step,
                "note": event.note,
            }
            for event in events
        ],
    }


def erase(citizen: User, *, at: dt.datetime) -> None:
    """Empty the answers, delete the uploaded files (after the commit, unless another
    application still names the same content) and rename the documents by their
    requirement; drop the public snapshots. Nothing else of the record changes."""
    applications = Application.objects.filter(applicant=citizen)
    ids = list(applications.values_list("pk", flat=True))
    if not ids:
        return
    # The public version moves, so that no snapshot built before this moment is served.
    applications.update(answers={}, idempotency_key=None, public_version=F("public_version") + 1)
    PublicSnapshot.objects.filter(application_id__in=ids).delete()

    documents = Document.objects.filter(application_id__in=ids)
    names = set(documents.exclude(file="").values_list("file", flat=True))
    for document in documents.only("pk", "requirement", "content_type"):
        extension = document.content_type.rsplit("/", 1)[-1]
        Document.objects.filter(pk=document.pk).update(
            file="", original_name=f"{document.requirement}.{extension}"
        )
    release_after_commit(names)
