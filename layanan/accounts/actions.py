"""Writing the account audit trail and the access log. Apps that change an account (citizens:
sign-up, profile) call `record_account_event` in the same transaction as the change; every
page that shows somebody's personal data to somebody else calls `record_reads`."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from layanan.accounts.models import AccountEvent, DataAccess, User


def record_account_event(
    *,
    user: User,
    actor: User | None,
    kind: AccountEvent.Kind,
    fields: Iterable[str] = (),
    note: str = "",
) -> AccountEvent:
    """An audit row naming the changed fields (never their values)."""
    return AccountEvent.objects.create(
        user=user, actor=actor, kind=kind, fields=sorted(fields), note=note, at=timezone.now()
    )


def record_reads(
    *, reader: User, place: DataAccess.Place, shown: Iterable[tuple[int, str]], what: str = ""
) -> int:
    """`reader` was shown the data of several people at `place`: `shown` holds (person id,
    tracking number or "") for each row of the page. One access-log row per person and
    application, all in one insert, so that a list page does not make a query per row. A
    person looking at their own data is not recorded. Returns how many rows were written."""
    at = timezone.now()
    seen: dict[tuple[int, str], None] = {}
    for pk, number in shown:
        if pk != reader.pk:
            seen[(pk, number)] = None
    rows = [
        DataAccess(
            citizen_id=pk,
            reader=reader,
            place=place,
            what=what[:200],
            application_number=number,
            at=at,
        )
        for pk, number in seen
    ]
    DataAccess.objects.bulk_create(rows)
    return len(rows)


def record_read(
    *,
    reader: User,
    citizen: User,
    place: DataAccess.Place,
    what: str = "",
    application_number: str = "",
) -> int:
    """`reader` was shown `citizen`'s data at `place` (see `record_reads`)."""
    return record_reads(
        reader=reader, place=place, shown=[(citizen.pk, application_number)], what=what
    )
