"""A copy of everything Layanan holds about a citizen (UU 27/2022, the right of access and to
a copy in a structured form).

The citizen asks (`request_export`, from /profil/data/ or `POST /api/v1/me/export`); a task
of the worker (`build_export`) collects the sections of every app named in
settings.LAYANAN_PERSONAL_DATA_EXPORTERS (the contract is in `layanan.lib.data_rights`),
writes them as one JSON file and one HTML page that reads without a network (its style is
inside it), both in the private storage under exports/, and marks the export ready. The
files can be downloaded by their owner for LAYANAN_EXPORT_KEEP_HOURS; a periodic job
(`delete_expired_exports`) deletes them afterwards and marks the export expired.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from layanan.accounts.actions import record_account_event
from layanan.accounts.models import AccountEvent, User
from layanan.cases.models import private_storage
from layanan.citizens.models import DataExport
from layanan.lib.data_rights import plain

logger = logging.getLogger("layanan.citizens")

# The headings of the sections this code knows, in the citizen's language; a section added
# by another app without a heading here reads as its key.
SECTION_TITLES = {
    "account": gettext_lazy("Your account"),
    "profile": gettext_lazy("Your profile"),
    "applications": gettext_lazy("Your applications"),
    "issued_documents": gettext_lazy("Documents issued to you"),
    "payments": gettext_lazy("Fees and payments"),
    "compensations": gettext_lazy("Compensation for late service"),
    "complaints": gettext_lazy("Your complaints"),
    "survey_invitations": gettext_lazy("Satisfaction surveys"),
    "consultation_comments": gettext_lazy("Your comments on draft service standards"),
    "consultation_stances": gettext_lazy("Your support or opposition on draft standards"),
    "followed_services": gettext_lazy("Services you follow"),
    "messages": gettext_lazy("Messages sent to you"),
    "data_requests": gettext_lazy("Your correction and restriction requests"),
    "access_log": gettext_lazy("Who looked at your data"),
    "vault_documents": gettext_lazy("Your document vault"),
    "consents": gettext_lazy("Your consents"),
}


class ExportError(Exception):
    """Two exporters gave the same section: a configuration error, never silently merged."""


def keep_for() -> dt.timedelta:
    return dt.timedelta(hours=settings.LAYANAN_EXPORT_KEEP_HOURS)


def collect_sections(citizen: User) -> dict[str, Any]:
    """Every section of every exporter in settings, merged, each value made JSON-ready
    (`plain`: an exporter may give dates and times as they are)."""
    sections: dict[str, Any] = {}
    for path in settings.LAYANAN_PERSONAL_DATA_EXPORTERS:
        for name, value in import_string(path)(citizen).items():
            if name in sections:
                raise ExportError(f"section {name!r} is given twice (again by {path})")
            sections[name] = plain(value)
    return sections


def export_document(citizen: User, *, at: dt.datetime) -> dict[str, Any]:
    """The whole export: the header, then the sections."""
    return {
        "header": {
            "subject": {"id": citizen.pk, "name": citizen.full_name, "username": citizen.username},
            "prepared_at": at.isoformat(),
            "controller": f"{settings.LAYANAN_SITE_NAME} — {settings.LAYANAN_REGION_NAME}",
            "about": _(
                "Layanan is the public-service platform of %(region)s: it holds your "
                "applications to public services, your complaints and what you told about "
                "yourself, and records every look at your data."
            )
            % {"region": settings.LAYANAN_REGION_NAME},
            "legal_basis": _(
                "Law 27/2022 on Personal Data Protection (UU PDP): your right to access your "
                "personal data and to a copy of it. Layanan processes it to deliver public "
                "services (Law 27/2022 article 20(2)(e); Law 25/2009 on Public Services)."
            ),
        },
        "sections": collect_sections(citizen),
    }


def request_export(*, citizen: User, language: str) -> DataExport:
    """Queue the preparation of a copy; the worker builds it (`build_export`). While one is
    still being prepared, asking again returns that one instead of queueing another."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=citizen.pk).exists()
        waiting = DataExport.objects.filter(citizen=citizen, state=DataExport.State.QUEUED).first()
        if waiting is not None:
            return waiting
        export = DataExport.objects.create(
            citizen=citizen,
            state=DataExport.State.QUEUED,
            language=language,
            requested_at=timezone.now(),
        )
        record_account_event(
            user=citizen, actor=citizen, kind=AccountEvent.Kind.DATA_EXPORT_REQUESTED
        )
        transaction.on_commit(lambda: build_export.enqueue(export.pk))
    return export


@task()
def build_export(export_id: int) -> str:
    """Prepare one export (a task of the worker). Claimed with a conditional update, so a
    task run twice writes it once."""
    export = DataExport.objects.select_related("citizen").filter(pk=export_id).first()
    if export is None or export.state != DataExport.State.QUEUED:
        return "skipped"
    try:
        with translation.override(export.language):
            at = timezone.now()
            document = export_document(export.citizen, at=at)
            json_bytes = json.dumps(document, ensure_ascii=False, indent=2).encode()
            html_text = render_to_string(
                "citizens/export_page.html",
                {
                    "document": document,
                    "sections": [
                        {"key": key, "title": SECTION_TITLES.get(key, key), "value": value}
                        for key, value in document["sections"].items()
                    ],
                    "language": export.language,
                },
            )
    except Exception:
        logger.exception("preparing export %s failed", export_id)
        DataExport.objects.filter(pk=export_id, state=DataExport.State.QUEUED).update(
            state=DataExport.State.FAILED
        )
        raise
    folder = f"exports/{get_random_string(32)}"
    storage = private_storage()
    json_name = storage.save(f"{folder}/data.json", ContentFile(json_bytes))
    html_name = storage.save(f"{folder}/data.html", ContentFile(html_text.encode()))
    claimed = DataExport.objects.filter(pk=export_id, state=DataExport.State.QUEUED).update(
        state=DataExport.State.READY,
        ready_at=at,
        expires_at=at + keep_for(),
        json_file=json_name,
        html_file=html_name,
    )
    if not claimed:  # another run finished first, or the account was closed meanwhile
        storage.delete(json_name)
        storage.delete(html_name)
        return "skipped"
    return "ready"


def delete_export_files(export: DataExport) -> None:
    storage = private_storage()
    for name in (export.json_file, export.html_file):
        if name:
            storage.delete(name)


def delete_expired_exports() -> int:
    """A periodic job: delete the files of the exports whose time is over. Returns how many."""
    moment = timezone.now()
    deleted = 0
    expired = DataExport.objects.filter(
        state=DataExport.State.READY, expires_at__lte=moment
    ).order_by("expires_at")[:500]
    for export in expired:
        claimed = DataExport.objects.filter(pk=export.pk, state=DataExport.State.READY).update(
            state=DataExport.State.EXPIRED, json_file="", html_file=""
        )
        if claimed:
            delete_export_files(export)
            deleted += 1
    return deleted
