"""Every change to services and charter versions goes through these functions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.agencies.models import Agency, Unit
from layanan.charters import duties
from layanan.charters.models import Charter, Service
from layanan.charters.spec import Problem, UnitRef, participating_agencies, read_charter


class CharterInvalid(Exception):
    """The charter cannot be saved or adopted; `problems` says why, each with its path."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


class CharterLocked(Exception):
    """An adopted or superseded version was asked to change."""


class CharterBeyondAgency(Exception):
    """An agency's administrator asked to adopt a charter whose procedure involves another
    agency: a cross-agency procedure binds agencies they do not administer."""


def known_units() -> dict[str, UnitRef]:
    return {
        code: UnitRef(code=code, agency_code=agency_code)
        for code, agency_code in Unit.objects.filter(active=True).values_list(
            "code", "agency__code"
        )
    }


def check_charter(content: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """Read and check components against the units that exist now."""
    return read_charter(content, units=known_units())


@transaction.atomic
def save_draft(
    *,
    service: Service,
    content: Mapping[str, Any],
    by: User | None,
    change_note: str = "",
    charter: Charter | None = None,
) -> tuple[Charter, list[Problem]]:
    """Write a draft: a new version, or the given draft/consultation version in place.

    A draft may be incomplete; it is stored in normalised form and the problems that
    would stop its adoption are returned, so the editor can show them.
    """
    normalised, problems = check_charter(content)
    if charter is None:
        latest = service.charters.aggregate(latest=Max("version"))["latest"] or 0
        created = Charter.objects.create(
            service=service,
            version=latest + 1,
            status=Charter.Status.DRAFT,
            content=normalised,
            change_note=change_note,
            created_by=by,
        )
        return created, problems
    locked = Charter.objects.select_for_update().get(pk=charter.pk)
    if not locked.is_editable:
        raise CharterLocked(
            _("Version %(v)d is adopted and can no longer change.") % {"v": locked.version}
        )
    consultation = getattr(locked, "consultation", None)
    if consultation is not None and consultation.is_open():
        raise CharterLocked(
            _(
                "Version %(v)d is open for public comments; it can be revised when the "
                "comment period ends."
            )
            % {"v": locked.version}
        )
    locked.content = normalised
    locked.change_note = change_note
    locked.save(update_fields=["content", "change_note"])
    return locked, problems


@transaction.atomic
def adopt_charter(
    *,
    charter: Charter,
    by: User | None,
    effective_from: Any = None,
    within_agencies: set[int] | None = None,
) -> Charter:
    """Check a draft completely, put it in force, and retire the version it replaces.

    `within_agencies` (ids) is given when an agency's administrator adopts: the service's
    lead agency and the agency of every step must be among them, else CharterBeyondAgency.
    Only a superuser (who passes None) adopts a cross-agency procedure."""
    # the service first, as every writer of its versions does (start_draft, save_draft,
    # bring_into_force, the duties): one version is set at a time
    Service.objects.select_for_update().get(pk=charter.service_id)
    locked = Charter.objects.select_for_update().select_related("service").get(pk=charter.pk)
    if not locked.is_editable:
        raise CharterLocked(
            _("Version %(v)d is already %(status)s.")
            % {"v": locked.version, "status": locked.get_status_display()}
        )
    normalised, problems = check_charter(locked.content)
    if problems:
        raise CharterInvalid(problems)
    if within_agencies is not None:
        involved = set(
            Agency.objects.filter(code__in=participating_agencies(normalised)).values_list(
                "pk", flat=True
            )
        ) | {locked.service.lead_agency_id}
        if not involved <= within_agencies:
            raise CharterBeyondAgency(
                _(
                    "Version %(v)d involves another agency in its procedure: only a "
                    "superuser adopts a cross-agency procedure."
                )
                % {"v": locked.version}
            )
    now = timezone.now()
    today = locked.service.day_of_filing(now)
    effective = effective_from or today
    if effective > today:
        # Set now, in force from its date (`bring_into_force`); the version in force stays
        # until then, and applications made before keep it.
        if Charter.objects.filter(service=locked.service, status=Charter.Status.SCHEDULED).exists():
            raise CharterLocked(
                _("Another version of this service is already set to come into force.")
            )
        locked.content = normalised
        locked.status = Charter.Status.SCHEDULED
        locked.adopted_at = now
        locked.adopted_by = by
        locked.effective_from = effective
        locked.save(
            update_fields=["content", "status", "adopted_at", "adopted_by", "effective_from"]
        )
        duties.standard_set(locked, now=now)
        return locked
    Charter.objects.filter(
        service=locked.service,
        status__in=(Charter.Status.ADOPTED, Charter.Status.SCHEDULED),
    ).exclude(pk=locked.pk).update(status=Charter.Status.SUPERSEDED, superseded_at=now)
    locked.content = normalised
    locked.status = Charter.Status.ADOPTED
    locked.adopted_at = now
    locked.adopted_by = by
    locked.effective_from = effective
    locked.save(update_fields=["content", "status", "adopted_at", "adopted_by", "effective_from"])
    put_in_force(locked)
    duties.standard_set(locked, now=now)
    return locked


def put_in_force(charter: Charter) -> None:
    agencies = Agency.objects.filter(code__in=charter.agency_codes())
    charter.service.agencies.set([charter.service.lead_agency, *agencies])


def bring_into_force(*, service: Service | None = None, now: Any = None) -> list[Charter]:
    """Versions set with an effective date that has come: adopted now, the version they
    replace superseded (the worker's job; `charter_in_force` already answers them)."""
    now = now or timezone.now()
    due = Charter.objects.filter(status=Charter.Status.SCHEDULED).select_related(
        "service__lead_agency"
    )
    if service is not None:
        due = due.filter(service=service)
    started = []
    for candidate in due:
        if candidate.effective_from and candidate.effective_from > candidate.service.day_of_filing(
            now
        ):
            continue
        with transaction.atomic():
            Service.objects.select_for_update().get(pk=candidate.service_id)
            locked = (
                Charter.objects.select_for_update()
                .select_related("service__lead_agency")
                .filter(pk=candidate.pk, status=Charter.Status.SCHEDULED)
                .first()
            )
            if locked is None:
                continue  # brought into force by another process meanwhile
            Charter.objects.filter(service=locked.service, status=Charter.Status.ADOPTED).update(
                status=Charter.Status.SUPERSEDED, superseded_at=now
            )
            Charter.objects.filter(pk=locked.pk).update(status=Charter.Status.ADOPTED)
            locked.status = Charter.Status.ADOPTED
            put_in_force(locked)
            duties.standard_set(locked, now=now)
            started.append(locked)
    return started


def run() -> None:
    """The worker's periodic job."""
    bring_into_force()


def charter_in_force(service: Service) -> Charter | None:
    """The version applications are made under now: the adopted one, or the one set with an
    effective date that has come (the worker's `run` records the change of status within a
    minute; until then this read already answers the new version). One query, no write."""
    versions = list(
        service.charters.filter(status__in=(Charter.Status.ADOPTED, Charter.Status.SCHEDULED))
    )
    scheduled = next((c for c in versions if c.status == Charter.Status.SCHEDULED), None)
    if (
        scheduled is not None
        and scheduled.effective_from is not None
        and scheduled.effective_from <= service.day_of_filing()
    ):
        return scheduled
    return next((c for c in versions if c.status == Charter.Status.ADOPTED), None)
