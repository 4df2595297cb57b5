"""Who may see or touch which application: the one place that decides.

Views and the API call these and never fetch protected rows themselves. Anything a user may
not see is answered as if it did not exist (404), so numbers cannot be probed.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from layanan.accounts.models import User
from layanan.agencies.models import OfficerRole, Role
from layanan.cases.models import EDITABLE_STATUSES, Application, Step
from layanan.lib import tracking


def canonical_number(text: str) -> str | None:
    """The stored (display) form of a typed tracking number, or None if it cannot be one."""
    if not text or len(text) > 40 or not tracking.is_valid(text):
        return None
    return tracking.format(text)


# The roles that work on applications. An agency administrator maintains units, officers and
# charters; holding that role alone opens no citizen's application (least privilege).
CASE_ROLES = (Role.FRONT_OFFICE, Role.PROCESSOR, Role.APPROVER, Role.SUPERVISOR)


def officer_unit_ids(user: User, *, roles: tuple[str, ...] | None = None) -> set[int]:
    """Units where the user holds one of `roles` (by default: a role that works on cases)."""
    if not user.is_authenticated:
        return set()
    rows = OfficerRole.objects.filter(user=user, role__in=roles or CASE_ROLES)
    return set(rows.values_list("unit_id", flat=True))


def officer_roles(user: User) -> set[tuple[int, str]]:
    """Every (unit id, role) the user holds, in one query."""
    if not user.is_authenticated:
        return set()
    return set(OfficerRole.objects.filter(user=user).values_list("unit_id", "role"))


def is_officer(user: User) -> bool:
    """Any role in any unit, agency administrator included: the back office's pages open
    (the compensation list is theirs too); applications need a role in `CASE_ROLES`."""
    return bool(user.is_authenticated and OfficerRole.objects.filter(user=user).exists())


def supervised_unit_ids(user: User) -> set[int]:
    return officer_unit_ids(user, roles=(Role.SUPERVISOR,))


def applications_for_officer(user: User) -> QuerySet[Application]:
    """Applications with at least one step in one of the officer's units.

    A correlated EXISTS, not a join with DISTINCT: read newest first, the list stops after a
    page of matches instead of joining and de-duplicating every step of every application."""
    units = officer_unit_ids(user)
    return Application.objects.filter(
        Exists(Step.objects.filter(application=OuterRef("pk"), unit_id__in=units))
    )


def _by_number(number: str) -> QuerySet[Application]:
    canonical = canonical_number(number)
    if canonical is None:
        raise Http404("no such application")
    return Application.objects.filter(number=canonical).select_related(
        "service", "charter", "agency", "service__lead_agency"
    )


def get_application_for_applicant(user: User, number: str) -> Application:
    """The applicant's own application, or one a front-office officer is filing for a
    walk-in citizen (only while it is a draft or returned, and only by that officer)."""
    application = (
        _by_number(number)
        .filter(Q(applicant_id=user.pk) | Q(filed_by_id=user.pk, status__in=EDITABLE_STATUSES))
        .first()
    )
    if application is None:
        raise Http404("no such application")
    return application


def get_application_for_officer(user: User, number: str) -> Application:
    units = officer_unit_ids(user)
    # A draft is still the citizen's own: officers see an application once it is submitted.
    application = (
        _by_number(number)
        .filter(steps__unit_id__in=units)
        .exclude(status="draft")
        .distinct()
        .first()
    )
    if application is None:
        raise Http404("no such application")
    return application


def get_application_for_viewer(user: User, number: str) -> tuple[Application, bool]:
    """The applicant or an officer of an involved unit; returns (application, is_applicant)."""
    units = officer_unit_ids(user)
    application = (
        _by_number(number)
        .filter(Q(applicant_id=user.pk) | (Q(steps__unit_id__in=units) & ~Q(status="draft")))
        .distinct()
        .first()
    )
    if application is None:
        raise Http404("no such application")
    return application, application.applicant_id == user.pk


def get_application_for_public(number: str) -> Application:
    """For the tracking page: anyone with the number, drafts excluded."""
    application = _by_number(number).exclude(status="draft").first()
    if application is None:
        raise Http404("no such application")
    return application


def get_step_for_officer(user: User, number: str, key: str) -> Step:
    """A step the officer may act on: one in their units (supervisors included)."""
    application = get_application_for_officer(user, number)
    step = (
        application.steps.select_related("unit", "agency", "assignee")
        .filter(key=key, unit_id__in=officer_unit_ids(user))
        .first()
    )
    if step is None:
        raise Http404("no such step")
    step.application = application
    return step


def can_act_on_step(user: User, step: Step) -> bool:
    """The charter names the role that works a step (a signatory step needs an approver);
    an officer holding that role in the step's unit may act, and so may its supervisors."""
    role = step.spec().get("role") or Role.PROCESSOR
    return OfficerRole.objects.filter(
        user=user, unit_id=step.unit_id, role__in={role, Role.SUPERVISOR}
    ).exists()


def files_on_behalf(user: User, application: Application) -> bool:
    """A front-office officer filling in a walk-in citizen's application at the counter (the
    pages then name the citizen and speak of "the applicant")."""
    return application.filed_by_id == user.pk and application.applicant_id != user.pk


def can_record_items(user: User, application: Application) -> bool:
    """Who ticks the physical items a citizen hands in (a water sample): the front-office
    officer filing the application at the counter, while it is a draft or returned; once it is
    being processed, an officer who may act on one of its active steps (the citizen brought
    the item to the office after applying online)."""
    if not user.is_authenticated:
        return False
    if application.filed_by_id == user.pk and application.is_editable_by_citizen:
        return True
    if application.status == "draft":
        return False
    active = application.steps.filter(state="active", unit_id__in=officer_unit_ids(user))
    return any(can_act_on_step(user, step) for step in active)


def get_application_for_item_receipt(user: User, number: str) -> Application:
    application = _by_number(number).first()
    if application is None or not can_record_items(user, application):
        raise Http404("no such application")
    return application
