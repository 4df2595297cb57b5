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

# The cover of a file made elsewhere (product.issued_as "uploaded", no body in the charter).
ATTACHED_BODY = (
    "Bersama ini {instansi} menerbitkan {judul} berdasarkan permohonan nomor {nomor} untuk "
    "layanan {layanan} atas nama {pemohon}, sebagaimana terlampir pada halaman berikut."
)


def names_in(template: str) -> list[str] | None:
    """The names a body template uses ("" for empty braces), or None when its braces do not
    parse or a name carries a format (`{tanggal:%d}`, `{nomor!r}`): only plain names print."""
    try:
        fields = list(string.Formatter().parse(template))
    except ValueError:
        return None
    if any(spec or conversion for _text, name, spec, conversion in fields if name is not None):
        return None
    return [name for _text, name, _spec, _conversion in fields if name is not None]


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
    try:
        return template.format_map(Facts({key: str(value) for key, value in facts.items()}))
    except (ValueError, LookupError, AttributeError):  # a template the reader would refuse
        return template
