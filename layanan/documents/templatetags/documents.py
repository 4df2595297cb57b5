"""The documents issued for an application, for the applicant's and the officers' pages.

Those pages belong to `cases`, which knows nothing of documents; their templates load this
library (as they load `surveys` for the survey link)."""

from __future__ import annotations

from typing import Any

from django import template

from layanan.cases.models import Application
from layanan.documents import access

register = template.Library()


@register.simple_tag(takes_context=True)
def issued_documents(context: dict[str, Any], application: Application) -> list[dict[str, Any]]:
    """Each document with what the viewer may do with it."""
    request = context.get("request")
    user = getattr(request, "user", None)
    rows = []
    for document in access.documents_of(application).order_by("pk"):
        rows.append(
            {
                "document": document,
                "can_download": bool(user and access.can_download(user, document)),
                "can_revoke": bool(user and access.can_revoke(user, document)),
                "can_upload": bool(user and access.can_upload(user, document)),
            }
        )
    return rows
