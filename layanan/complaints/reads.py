"""Looks at complainants' data by the back office, written to the one access log
(`accounts.DataAccess`) that each person reads on their own page (/profil/akses/).

Recorded: every page or attachment of an *anonim* or *rahasia* complaint shown to an officer
(the page shows who complained), and every export row (the export holds every complainant's
identity). A complainant without an account has no page to read the log on; for them the
complaint's own event log records who handled it.
"""

from __future__ import annotations

from collections.abc import Iterable

from layanan.accounts.actions import record_read, record_reads
from layanan.accounts.models import DataAccess, User
from layanan.complaints.models import Complaint


def record_identity_read(
    *,
    reader: User,
    complaint: Complaint,
    what: str = "",
    place: DataAccess.Place = DataAccess.Place.OFFICE_COMPLAINT,
) -> None:
    if complaint.complainant_id is None:
        return
    record_read(
        reader=reader,
        citizen=complaint.complainant,  # type: ignore[arg-type]
        place=place,
        what=f"{complaint.number} {what}".strip(),
        unit=complaint.unit,
        purpose=DataAccess.Purpose.COMPLAINT,
        purpose_detail=complaint.number,
    )


def record_export_reads(*, reader: User, complaints: Iterable[Complaint]) -> None:
    """One insert for the whole export."""
    shown = [(int(c.complainant_id), "") for c in complaints if c.complainant_id is not None]
    if shown:
        record_reads(
            reader=reader,
            place=DataAccess.Place.COMPLAINT_EXPORT,
            shown=shown,
            what="SP4N-LAPOR!",
        )
