"""The contract between the apps and the citizen's rights under UU 27/2022 (`citizens.rights`).

Each app that holds a citizen's data names, in settings, a function of its own for each right:

- `LAYANAN_PERSONAL_DATA_EXPORTERS`: dotted paths to `(citizen: User) -> dict[str, Any]`. Each
  returns JSON-serialisable sections keyed by section name (`{"applications": [...]}`); the
  export is the merge of every section under a header (who, when, what Layanan is, the legal
  basis). A section name is owned by one exporter; two exporters giving the same name is an
  error, not a silent overwrite.
- `LAYANAN_PERSONAL_DATA_ERASERS`: dotted paths to `(citizen: User, *, at: datetime) -> None`.
  Each erases or anonymises its app's personal data of the citizen when the account is closed,
  keeping only what docs/privacy.md lists as retained. They run in one transaction, in the
  order listed, before the account row itself is anonymised (so they can still read the
  citizen's name, email and phone to find them in free text).

These helpers turn model rows into plain JSON values for the exporters.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import models


def plain(value: Any) -> Any:
    """A JSON-serialisable form of a field's value."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    return value


def row(instance: models.Model, *, skip: Iterable[str] = ()) -> dict[str, Any]:
    """Every concrete field of a row by name (a foreign key by its id), except `skip` and
    any field whose name ends in `_hash` (look-up hashes are not the citizen's data)."""
    left_out = set(skip)
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in left_out or field.name.endswith("_hash"):
            continue
        values[field.attname if field.is_relation else field.name] = plain(
            getattr(instance, field.attname if field.is_relation else field.name)
        )
    return values
