"""Who may use the counter, and whose account a contact written at the counter names.

Views call these and never decide access themselves. What a user may not see answers 404,
as in `cases.access`, so that tracking numbers cannot be probed.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from layanan.accounts.identifiers import find_user_by_identifier, users_named
from layanan.accounts.models import User
from layanan.accounts.nik_store import nik_hash
from layanan.agencies.models import OfficerRole, Role
from layanan.cases.access import canonical_number
from layanan.cases.models import Application, Channel, Status
from layanan.lib.nik import NikError, normalise_nik


def is_front_office(user: User) -> bool:
    return bool(
        user.is_authenticated
        and OfficerRole.objects.filter(user=user, role=Role.FRONT_OFFICE).exists()
    )


def ensure_front_office(user: User) -> None:
    if not is_front_office(user):
        raise PermissionDenied(_("This page is for front-office officers."))


def citizens_named(identifier: str) -> list[User]:
    """The accounts (at most two) an email address, user name or phone number (written any
    usual way) names, by the rules sign-in uses (`accounts.identifiers`)."""
    return users_named(identifier)


def citizens_with_nik(number: str) -> list[User]:
    """The accounts (at most two) whose profile holds the NIK `number` (16 digits, separators
    allowed), found by its keyed hash: the sealed column itself cannot be searched."""
    try:
        digits = normalise_nik(number)
    except NikError:
        return []
    return list(
        User.objects.filter(profile__nik_hash=nik_hash(digits), is_active=True).order_by("pk")[:2]
    )


def find_citizen(identifier: str) -> User | None:
    """The one account `identifier` names, or None. Two accounts for one writing (an email
    address two accounts share) name nobody for sure."""
    return find_user_by_identifier(identifier)


def get_counter_filing(user: User, number: str) -> Application:
    """A submitted application `user` filed at the counter: its counter receipt is theirs
    to print. Anyone else (another officer, the citizen) gets 404; the citizen has their own
    receipt."""
    if not is_front_office(user):
        raise Http404("no such application")  # unseen, not forbidden: numbers are not probed
    canonical = canonical_number(number)
    application = (
        Application.objects.filter(
            number=canonical or "",
            filed_by_id=user.pk,
            channel=Channel.COUNTER,
        )
        .exclude(status=Status.DRAFT)
        .exclude(applicant_id=user.pk)
        .select_related("service", "charter", "agency", "applicant", "filed_by")
        .first()
    )
    if canonical is None or application is None:
        raise Http404("no such application")
    return application


def get_own_application_number(user: User, number: str) -> str:
    """The canonical tracking number of an application `user` applied for (filed online or
    at the counter): the citizen's access log can be narrowed to it. Any other number,
    including one the user filed for somebody else at the counter, answers 404."""
    canonical = canonical_number(number)
    if (
        canonical is None
        or not Application.objects.filter(number=canonical, applicant_id=user.pk).exists()
    ):
        raise Http404("no such application")
    return canonical
