"""What a person may see of the access log ("Siapa yang melihat data saya"), in words, and the
one way an agency holds a read back for an investigation.

Every page, download, API response and export of a person's access log reads it through
`visible_reads`: a deferred read is left out of all of them until its deferral ends, and then
appears in its place (by the time of the read). `export_section` is the access log's part of
the personal-data export (settings `LAYANAN_PERSONAL_DATA_EXPORTERS`)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from layanan.accounts.models import AccessDeferral, DataAccess, User
from layanan.agencies.admin_scope import EVERYTHING, administered_agency_ids
from layanan.lib.display import datetime_in_words

Place = DataAccess.Place
Purpose = DataAccess.Purpose

# Why each place reads somebody's data, for rows written without a purpose (all rows before
# purposes were kept) and for call sites that know nothing more precise.
PLACE_PURPOSE: dict[str, Purpose] = {
    Place.OFFICE_STEP: Purpose.PROCESS,
    Place.OFFICE_DOCUMENT: Purpose.PROCESS,
    Place.API_APPLICATION: Purpose.PROCESS,
    Place.COMPENSATIONS: Purpose.COMPENSATION,
    Place.COUNTER_SEARCH: Purpose.COUNTER,
    Place.COUNTER_FILING: Purpose.COUNTER,
    Place.COUNTER_RECEIPT: Purpose.COUNTER,
    Place.ADMIN_USERS: Purpose.ADMINISTER,
    Place.ADMIN_USER: Purpose.ADMINISTER,
    Place.ADMIN_ACCOUNT_EVENTS: Purpose.ADMINISTER,
    Place.ADMIN_SETUP_CODES: Purpose.ADMINISTER,
    Place.ADMIN_ACCESS_LOG: Purpose.AUDIT,
    Place.ADMIN_OFFICERS: Purpose.ADMINISTER,
    Place.OFFICE_COMPLAINT: Purpose.COMPLAINT,
    Place.COMPLAINT_EXPORT: Purpose.COMPLAINT_REPORT,
    Place.API_COMPLAINT: Purpose.COMPLAINT,
}

# What the reader did, completing "An officer of ... ___": without and with the row's `what`.
ACTIONS: dict[str, tuple[Any, Any]] = {
    Place.OFFICE_STEP: (
        gettext_lazy("opened your data"),
        gettext_lazy("opened your application at “%(what)s”"),
    ),
    Place.OFFICE_DOCUMENT: (
        gettext_lazy("opened one of your documents"),
        gettext_lazy("opened your document “%(what)s”"),
    ),
    Place.API_APPLICATION: (
        gettext_lazy("read your data through the API"),
        gettext_lazy("read your document “%(what)s” through the API"),
    ),
    Place.COMPENSATIONS: (
        gettext_lazy("saw your name on the list of compensations owed"),
        gettext_lazy("saw your name on the list of compensations owed"),
    ),
    Place.COUNTER_SEARCH: (
        gettext_lazy("found your account by your contact details"),
        gettext_lazy("found your account by your contact details"),
    ),
    Place.COUNTER_FILING: (
        gettext_lazy("saw your application while filing it for you"),
        gettext_lazy("saw your application while filing it for you"),
    ),
    Place.COUNTER_RECEIPT: (
        gettext_lazy("printed your receipt"),
        gettext_lazy("printed your receipt for “%(what)s”"),
    ),
    Place.ADMIN_USERS: (
        gettext_lazy("saw your account on the list of accounts"),
        gettext_lazy("saw your account on the list of accounts"),
    ),
    Place.ADMIN_USER: (
        gettext_lazy("opened your account"),
        gettext_lazy("opened your account"),
    ),
    Place.ADMIN_ACCOUNT_EVENTS: (
        gettext_lazy("read the history of your account"),
        gettext_lazy("read the history of your account"),
    ),
    Place.ADMIN_SETUP_CODES: (
        gettext_lazy("saw your counter codes"),
        gettext_lazy("saw your counter codes"),
    ),
    Place.ADMIN_ACCESS_LOG: (
        gettext_lazy("read the record of who looked at your data"),
        gettext_lazy("read the record of who looked at your data"),
    ),
    Place.ADMIN_OFFICERS: (
        gettext_lazy("saw your account among the officers' roles"),
        gettext_lazy("saw your account among the officers' roles"),
    ),
    Place.OFFICE_COMPLAINT: (
        gettext_lazy("opened your complaint"),
        gettext_lazy("opened your complaint “%(what)s”"),
    ),
    Place.COMPLAINT_EXPORT: (
        gettext_lazy("exported your complaint"),
        gettext_lazy("exported your complaint for %(what)s"),
    ),
    Place.API_COMPLAINT: (
        gettext_lazy("read your complaint through the API"),
        gettext_lazy("read your complaint “%(what)s” through the API"),
    ),
}


def visible_reads(citizen: User, *, now: dt.datetime | None = None) -> QuerySet[DataAccess]:
    """The reads of `citizen`'s data the citizen may see at `now`, newest first: every read
    except those an agency is holding back (`defer_read`) until then. The one query behind
    the citizen's page, its download, the API and the export."""
    now = now or timezone.now()
    return (
        DataAccess.objects.filter(citizen=citizen)
        .filter(Q(hidden_until__isnull=True) | Q(hidden_until__lte=now))
        .select_related("reader", "agency")
        .order_by("-at", "-id")
    )


def purpose_of(read: DataAccess) -> str:
    """Why, in words ("to process the step “Verifikasi berkas” of your application")."""
    purpose = read.purpose or PLACE_PURPOSE.get(read.place, Purpose.PROCESS)
    detail = read.purpose_detail
    if purpose == Purpose.PROCESS and detail:
        return _("to process the step “%(detail)s” of your application") % {"detail": detail}
    return str(Purpose(purpose).label)


def officer_of(read: DataAccess) -> str:
    """Who read, as the person is told: an officer or an administrator, never the account's
    name (as `cases.api.assignee_for` tells an applicant the unit, not the officer). The row's
    number is the reference the person quotes to the agency, which knows the officer."""
    if read.agency_name:
        return _("Officer")
    if read.reader.is_staff or read.reader.is_superuser:
        return _("Administrator")
    return _("Officer")


def action_of(read: DataAccess) -> str:
    """What the reader did ("opened your document “ktp.pdf”")."""
    plain, with_what = ACTIONS.get(read.place, ACTIONS[Place.OFFICE_STEP])
    # A step's name is said once, in the purpose ("to process the step ...").
    same = read.purpose in ("", Purpose.PROCESS) and read.what == read.purpose_detail
    what = "" if same else read.what
    return str(with_what) % {"what": what} if what else str(plain)


def when_of(read: DataAccess) -> str:
    zone = read.agency.time_zone if read.agency is not None else None
    return datetime_in_words(read.at, zone)


def who_of(read: DataAccess) -> str:
    if read.agency_name and read.unit_name:
        return _("An officer of %(agency)s, %(unit)s,") % {
            "agency": read.agency_name,
            "unit": read.unit_name,
        }
    if read.agency_name:
        return _("An officer of %(agency)s") % {"agency": read.agency_name}
    if read.reader.is_staff or read.reader.is_superuser:
        return _("An administrator of Layanan")
    return _("An officer")


def sentence(read: DataAccess) -> str:
    """The read as one sentence: "An officer of Dinas PUPR, Bidang Bangunan, opened your
    document “ktp.pdf” for application G5MD-QVSQ-NB to process your application, 12 March
    2026 10.41 WIB." Needs `reader` and `agency` loaded (as `visible_reads` does)."""
    parts = {
        "who": who_of(read),
        "action": action_of(read),
        "purpose": purpose_of(read),
        "when": when_of(read),
        "number": read.application_number,
    }
    if read.application_number:
        return _("%(who)s %(action)s for application %(number)s %(purpose)s, %(when)s.") % parts
    return _("%(who)s %(action)s %(purpose)s, %(when)s.") % parts


def what_of(read: DataAccess) -> str:
    """The place and what was shown there, for the table and the download."""
    place = str(read.get_place_display())
    return f"{place}: {read.what}" if read.what else place


def as_item(read: DataAccess) -> dict[str, Any]:
    """One read as the API, the download and the export give it."""
    return {
        "id": read.pk,
        "at": read.at.isoformat(),
        "agency": read.agency_name,
        "unit": read.unit_name,
        "officer": officer_of(read),
        "what": what_of(read),
        "application": read.application_number,
        "purpose": purpose_of(read),
        "sentence": sentence(read),
    }


def export_section(citizen: User) -> dict[str, Any]:
    """The access log's part of the personal-data export (a function of settings
    `LAYANAN_PERSONAL_DATA_EXPORTERS`): every read the citizen may see now, newest first."""
    return {"access_log": [as_item(read) for read in visible_reads(citizen).iterator()]}


# -- deferral --------------------------------------------------------------------------------


def max_deferral_days() -> int:
    return int(getattr(settings, "LAYANAN_ACCESS_DEFERRAL_MAX_DAYS", 90))


class DeferralRefused(Exception):
    """The deferral cannot be made: `fields` maps each field to its messages."""

    def __init__(self, message: str, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


def may_defer(user: User, read: DataAccess) -> bool:
    """An administrator of the agency the reader acted for (or a superuser) may defer it."""
    agencies = administered_agency_ids(user)
    if agencies is EVERYTHING:
        return read.agency_id is not None
    return read.agency_id is not None and read.agency_id in (agencies or set())


def latest_end(read: DataAccess) -> dt.date:
    """The last day a read may stay hidden: the limit counts from the read itself, so that
    deferrals made one after another never hide it longer."""
    zone = ZoneInfo(read.agency.time_zone if read.agency else settings.TIME_ZONE)
    return timezone.localtime(read.at, zone).date() + dt.timedelta(days=max_deferral_days())


@transaction.atomic
def defer_read(
    *, read: DataAccess, by: User, until: dt.date | None, reason: str, now: dt.datetime
) -> AccessDeferral:
    """Hide `read` from its citizen until the end of the day `until` (in the agency's time
    zone), for an investigation. Raises PermissionError when `by` does not administer the
    reading agency, DeferralRefused (with field messages) for a missing reason or a day
    outside the limit; nothing is written then."""
    read = (
        DataAccess.objects.select_for_update(of=("self",)).select_related("agency").get(pk=read.pk)
    )
    if not may_defer(by, read):
        raise PermissionError("not an administrator of the reading agency")
    assert read.agency is not None  # may_defer checked it
    problems: dict[str, list[str]] = {}
    reason = (reason or "").strip()
    if not reason:
        problems["reason"] = [_("Enter why this read is held back")]
    zone = ZoneInfo(read.agency.time_zone)
    today = timezone.localtime(now, zone).date()
    last = latest_end(read)
    if until is None:
        problems["until"] = [_("Enter the last day the read is held back")]
    elif until < today:
        problems["until"] = [_("The last day must be today or later")]
    elif until > last:
        problems["until"] = [
            _("The last day can be %(day)s at the latest (%(days)s days after the read)")
            % {"day": last.isoformat(), "days": max_deferral_days()}
        ]
    if problems:
        raise DeferralRefused(next(iter(problems.values()))[0], problems)
    assert until is not None
    ends = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    read.hidden_until = ends
    read.save(update_fields=["hidden_until"])
    return AccessDeferral.objects.create(
        access=read, by=by, agency=read.agency, reason=reason, until=ends, at=now
    )
