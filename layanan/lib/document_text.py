"""The document's title and body from the charter's product component (pure functions).

The body may name, in braces, the facts of the application: {nomor} (tracking number),
{layanan} (service), {instansi} (issuing agency), {pemohon} (applicant's name), {tanggal}
(issue date), {judul} (the title) and any field of the charter's form by its key, e.g.
{nama_anak}. The charter reader refuses any other name (charters.spec), so a document never
fails to render.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from typing import Any

FIXED_NAMES = ("nomor", "layanan", "instansi", "pemohon", "tanggal", "judul")
DEFAULT_BODY = (
    "Berdasarkan permohonan nomor {nomor} untuk layanan {layanan}, {instansi} menerbitkan "
    "{judul} ini atas nama {pemohon}, sesuai dengan standar pelayanan yang berlaku."
)


def names_in(template: str) -> list[str] | None:
    """The names a body template uses, or None when its braces do not parse."""
    try:
        return [name for _text, name, _spec, _conv in string.Formatter().parse(template) if name]
    except ValueError:
        return None


def unknown_names(template: str, form_keys: Iterable[str]) -> list[str] | None:
    """The names in braces a body template may not use ([] when all are fine), or None when
    its braces do not parse."""
    names = names_in(template)
    if names is None:
        return None
    allowed = set(FIXED_NAMES) | set(form_keys)
    return sorted({name for name in names if name not in allowed})


class Facts(dict[str, str]):
    """Missing names print as empty text rather than failing."""

    def __missing__(self, key: str) -> str:
        return ""


def fill(template: str, facts: Mapping[str, Any]) -> str:
    if names_in(template) is None:
        return template
    return template.format_map(Facts({key: str(value) for key, value in facts.items()}))
