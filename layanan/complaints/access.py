"""Who may see or handle which complaint: the one place that decides.

The handling unit sees everything, the complainant's identity and contact included, whatever
the privacy; nobody else does. Before forwarding, a complaint is with its agency: the officers
who receive complaints there (front office) and the supervisors handle it. After forwarding,
the officers of the unit it was forwarded to. A confidential (*rahasia*) complaint does not
exist for anybody else (404), so its number cannot be probed.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from layanan.accounts.models import User
from layanan.agencies.models import OfficerRole, Role
from layanan.cases.access import CASE_ROLES
from layanan.complaints.models import NUMBER_PREFIX, Complaint, Privacy
from layanan.lib import tracking

Viewer = User | AnonymousUser
# Who receives complaints for the agency as a whole, before they are forwarded to a unit.
DESK_ROLES = (Role.FRONT_OFFICE, Role.SUPERVISOR)


def canonical_number(text: str) -> str | None:
    """The stored form of a typed complaint number, or None if it cannot be one."""
    text = (text or "").strip()
    if not text or len(text) > 40 or not tracking.is_valid(text, prefix=NUMBER_PREFIX):
        return None
    return tracking.format(text)


def _roles(user: Viewer) -> list[tuple[int, int, str]]:
    """(unit id, agency id, role) of every officer role the user holds."""
    if not user.is_authenticated:
        return []
    return list(
        OfficerRole.objects.filter(user=user, role__in=CASE_ROLES).values_list(
            "unit_id", "unit__agency_id", "role"
        )
    )


def handling_filter(user: Viewer) -> Q | None:
    """A filter on Complaint for what the user handles, or None for nothing."""
    roles = _roles(user)
    if not roles:
        return None
    units = {unit for unit, _agency, _role in roles}
    desk_agencies = {agency for _unit, agency, role in roles if role in DESK_ROLES}
    condition = Q(unit_id__in=units)
    if desk_agencies:
        condition |= Q(unit__isnull=True, agency_id__in=desk_agencies)
    return condition


def handling_unit_ids(user: Viewer) -> set[int]:
    return {unit for unit, _agency, _role in _roles(user)}


def can_handle(user: Viewer, complaint: Complaint) -> bool:
    for unit, agency, role in _roles(user):
        if complaint.unit_id is not None and unit == complaint.unit_id:
            return True
        if complaint.unit_id is None and agency == complaint.agency_id and role in DESK_ROLES:
            return True
    return False


def complaints_for_officer(user: Viewer) -> QuerySet[Complaint]:
    condition = handling_filter(user)
    if condition is None:
        return Complaint.objects.none()
    return Complaint.objects.filter(condition)


def _by_number(number: str) -> Complaint:
    canonical = canonical_number(number)
    complaint = (
        Complaint.objects.select_related("agency", "unit", "category", "service")
        .filter(number=canonical)
        .first()
        if canonical
        else None
    )
    if complaint is None:
        raise Http404
    return complaint


def get_complaint_for_officer(user: Viewer, number: str) -> Complaint:
    complaint = _by_number(number)
    if not can_handle(user, complaint):
        raise Http404
    return complaint


def get_complaint_for_viewer(user: Viewer, number: str, key: str = "") -> tuple[Complaint, str]:
    """The complaint and how much of it this viewer sees: "full" for the complainant (signed
    in, or holding the receipt's key) and the handling unit, "public" for everyone else.
    A confidential complaint is 404 to everyone else."""
    from layanan.complaints.actions import check_access_key, is_complainant

    complaint = _by_number(number)
    if is_complainant(user, complaint) or check_access_key(complaint, key):
        return complaint, "full"
    if user.is_authenticated and can_handle(user, complaint):
        return complaint, "full"
    if complaint.privacy == Privacy.CONFIDENTIAL:
        raise Http404
    return complaint, "public"


def public_complaints() -> QuerySet[Complaint]:
    """Every complaint anyone may read about (never the confidential ones)."""
    return Complaint.objects.exclude(privacy=Privacy.CONFIDENTIAL)
