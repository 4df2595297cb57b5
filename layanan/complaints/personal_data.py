"""Complaints in the citizen's rights (the contract is in `layanan.lib.data_rights`).

At closure a complaint stays as the record of the complaint handled (its number, subject,
what happened, the responses and their deadlines: public-service records), while the
complainant's contact details, the address given and the attachments' files go."""

from __future__ import annotations

import datetime as dt
from typing import Any

from layanan.accounts.models import User
from layanan.complaints.models import Attachment, Complaint, ComplaintEvent
from layanan.lib.data_rights import plain, row


def export_section(citizen: User) -> dict[str, Any]:
    complaints = Complaint.objects.filter(complainant=citizen).order_by("pk")
    public_events = ComplaintEvent.objects.filter(public=True)
    return {
        "complaints": [
            {
                **row(
                    complaint,
                    skip=("token", "open311_key", "filed_by", "complainant", "lapor_link"),
                ),
                "attachments": [
                    {
                        "name": a.original_name,
                        "content_type": a.content_type,
                        "size": a.size,
                        "uploaded_at": plain(a.uploaded_at),
                    }
                    for a in Attachment.objects.filter(complaint=complaint).order_by("pk")
                ],
                "responses": [
                    {"at": plain(e.at), "kind": e.kind, "note": e.note}
                    for e in public_events.filter(complaint=complaint).order_by("seq")
                ],
            }
            for complaint in complaints
        ]
    }


def erase(citizen: User, *, at: dt.datetime) -> None:
    complaints = Complaint.objects.filter(complainant=citizen)
    complaints.update(contact_name="", contact_email="", contact_phone="", address="")
    attachments = Attachment.objects.filter(complaint__complainant=citizen).exclude(file="")
    for attachment in attachments:
        attachment.file.delete(save=False)
        Attachment.objects.filter(pk=attachment.pk).update(file="", original_name="")
