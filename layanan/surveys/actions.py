"""Every change to surveys: inviting an applicant, answering online, entering a paper
questionnaire, importing a CSV. Keyword-only, atomic, each checks who acts.

One answer per invitation is enforced by a conditional update (`answered_at` from empty to a
time, exactly one row changed), so two submissions racing each other record one response.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.agencies.models import Agency, OfficerRole, Role, Unit
from layanan.cases.models import Application, StepState
from layanan.charters.models import Service
from layanan.lib import ikm
from layanan.surveys.models import ImportBatch, Invitation, Response
from layanan.surveys.questionnaire import PROFILE_CHOICES

ENDING_KINDS = ("completed", "rejected", "deemed_approved")
SUGGESTION_LIMIT = 2000


class SurveyError(Exception):
    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class InvalidInput(SurveyError):
    """Something given is wrong; `fields` says what, next to each field."""


class Closed(SurveyError):
    """The invitation was answered already or has expired."""


class NotAllowed(SurveyError):
    """Not for this person."""


@dataclass
class InvalidFile(SurveyError):
    """A CSV with problems: nothing was imported. `problems` names every bad row and column."""

    problems: list[ikm.Problem] = field(default_factory=list)
    duplicate_of: ImportBatch | None = None

    def __post_init__(self) -> None:
        SurveyError.__init__(self, _("Nothing was imported."))


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def key_for(invitation: Invitation) -> str:
    """The secret part of the invitation's link: derived from its nonce and the site's secret,
    so that the message can be written after the invitation; only its hash is stored, so a
    link handed out keeps working if the secret rotates."""
    return salted_hmac("layanan.surveys.invitation", invitation.nonce).hexdigest()[:32]


def unit_that_ended(application: Application) -> Unit | None:
    """The unit of the step that ended last (the decision or the product), else the unit of
    the step still open when the law decided (deemed approval)."""
    steps = application.steps.select_related("unit")
    ended = (
        steps.filter(state__in=(StepState.APPROVED, StepState.REJECTED), ended_at__isnull=False)
        .order_by("-ended_at", "-stage", "-position")
        .first()
    )
    if ended is not None:
        return ended.unit
    step = steps.order_by("-stage", "-position").first()
    return step.unit if step else None


def invite(*, application: Application, at: dt.datetime) -> Invitation | None:
    """The applicant's invitation to the survey about an ended application (completed,
    rejected or deemed approved); idempotent: a second call returns the first invitation.
    None for an application that has not ended that way."""
    if application.status not in ENDING_KINDS:
        return None
    existing = Invitation.objects.filter(application=application).first()
    if existing is not None:
        return existing
    nonce = secrets.token_hex(16)
    invitation = Invitation(
        application=application,
        agency=application.agency,
        service=application.service,
        unit=unit_that_ended(application),
        nonce=nonce,
        ended_on=application.agency.local_day(application.ended_at or at),
        expires_at=(application.ended_at or at) + dt.timedelta(days=settings.LAYANAN_SURVEY_DAYS),
    )
    invitation.key_hash = digest(key_for(invitation))
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError:  # made meanwhile by another pass
        return Invitation.objects.get(application=application)
    return invitation


# -- answers -------------------------------------------------------------------------------


def clean_answers(answers: dict[str, Any]) -> dict[str, int]:
    """The nine answers as integers 1–4; InvalidInput naming each missing or wrong one."""
    cleaned: dict[str, int] = {}
    problems: dict[str, list[str]] = {}
    for code in ikm.UNSUR:
        value = ikm.parse_answer(str(answers.get(code) or ""))
        if value is None:
            problems[code] = [_("Choose one of the four answers.")]
        else:
            cleaned[code] = value
    if problems:
        raise InvalidInput(_("Answer every question."), fields=problems)
    return cleaned


def clean_profile(profile: dict[str, str], suggestion: str) -> dict[str, str]:
    cleaned: dict[str, str] = {}
    problems: dict[str, list[str]] = {}
    for name, choices in PROFILE_CHOICES.items():
        value = (profile.get(name) or "").strip()
        if value and value not in choices.values:
            problems[name] = [_("Choose one of the options, or leave it empty.")]
        cleaned[name] = value
    if len(suggestion) > SUGGESTION_LIMIT:
        problems["suggestion"] = [
            _("Write at most %(limit)d characters.") % {"limit": SUGGESTION_LIMIT}
        ]
    if problems:
        raise InvalidInput(_("Check the highlighted answers."), fields=problems)
    cleaned["suggestion"] = suggestion.strip()
    return cleaned


@transaction.atomic
def answer_survey(
    *,
    invitation: Invitation,
    answers: dict[str, Any],
    profile: dict[str, str] | None = None,
    suggestion: str = "",
    at: dt.datetime | None = None,
) -> Response:
    """Record the applicant's answers to their invitation, once."""
    at = at or timezone.now()
    values = clean_answers(answers)
    extra = clean_profile(profile or {}, suggestion)
    taken = Invitation.objects.filter(
        pk=invitation.pk, answered_at__isnull=True, expires_at__gt=at
    ).update(answered_at=at)
    if taken != 1:
        raise Closed(_("This survey has already been answered or is closed."))
    invitation.answered_at = at
    return Response.objects.create(
        agency=invitation.agency,
        service=invitation.service,
        unit=invitation.unit,
        channel=Response.Channel.ONLINE,
        answered_on=invitation.agency.local_day(at),
        **values,
        **extra,
    )


def front_office_units(officer: User) -> list[Unit]:
    return list(
        Unit.objects.filter(
            officer_roles__user=officer, officer_roles__role=Role.FRONT_OFFICE, active=True
        )
        .select_related("agency")
        .distinct()
        .order_by("agency__name", "name")
    )


def administered_agencies(user: User) -> list[Agency]:
    if user.is_superuser and user.is_active:
        return list(Agency.objects.order_by("name"))
    return list(
        Agency.objects.filter(
            units__officer_roles__user=user, units__officer_roles__role=Role.AGENCY_ADMIN
        )
        .distinct()
        .order_by("name")
    )


def services_of(agency: Agency) -> list[Service]:
    return list(
        Service.objects.filter(lead_agency=agency).order_by("name")
        | Service.objects.filter(agencies=agency).order_by("name")
    )


@transaction.atomic
def enter_paper_response(
    *,
    officer: User,
    unit: Unit,
    service: Service | None,
    answered_on: dt.date,
    answers: dict[str, Any],
    profile: dict[str, str] | None = None,
    suggestion: str = "",
) -> Response:
    """A paper questionnaire typed in by a front-office officer of `unit`."""
    if not OfficerRole.objects.filter(user=officer, unit=unit, role=Role.FRONT_OFFICE).exists():
        raise NotAllowed(_("Only front-office officers of the unit enter its questionnaires."))
    problems: dict[str, list[str]] = {}
    today = timezone.localdate()
    if answered_on > today:
        problems["answered_on"] = [_("The date cannot be in the future.")]
    if service is not None and service.pk not in {s.pk for s in services_of(unit.agency)}:
        problems["service"] = [_("Choose a service of the unit's agency.")]
    try:
        values = clean_answers(answers)
    except InvalidInput as invalid:
        problems.update(invalid.fields)
        values = {}
    try:
        extra = clean_profile(profile or {}, suggestion)
    except InvalidInput as invalid:
        problems.update(invalid.fields)
        extra = {}
    if problems:
        raise InvalidInput(_("Check the highlighted answers."), fields=problems)
    return Response.objects.create(
        agency=unit.agency,
        service=service,
        unit=unit,
        channel=Response.Channel.PAPER,
        answered_on=answered_on,
        entered_by=officer,
        entered_at=timezone.now(),
        **values,
        **extra,
    )


# -- importing a CSV -----------------------------------------------------------------------


def describe(problem: ikm.Problem) -> str:
    """One problem of a CSV in the reader's language, naming the data row and the column."""
    where = {"row": problem.row, "column": problem.column, "value": problem.value}
    if problem.kind == "no_column":
        return _("The header has no column %(column)s.") % where
    if problem.kind == "duplicate_column":
        return _("The header names column %(column)s more than once.") % where
    if problem.kind == "no_rows":
        return _("The file has no data rows.")
    if problem.kind == "missing":
        return _("Data row %(row)d, column %(column)s: no answer.") % where
    if problem.kind == "future":
        return _("Data row %(row)d, column %(column)s: the date is in the future.") % where
    if problem.kind == "too_long":
        return _("Data row %(row)d, column %(column)s: longer than %(limit)d characters.") % {
            **where,
            "limit": SUGGESTION_LIMIT,
        }
    if problem.column in ikm.UNSUR:
        return (
            _("Data row %(row)d, column %(column)s: '%(value)s' is not an answer from 1 to 4.")
            % where
        )
    return _("Data row %(row)d, column %(column)s: '%(value)s' is not a valid value.") % where


DATE_COLUMN = "tanggal"
SUGGESTION_COLUMN = "saran"
PROFILE_COLUMNS = {
    "jenis_kelamin": "sex",
    "usia": "age_band",
    "pendidikan": "education",
    "pekerjaan": "occupation",
}


def read_import(
    text: str, *, default_date: dt.date, today: dt.date
) -> tuple[list[dict[str, Any]], list[ikm.Problem]]:
    """The rows of an import as Response fields, and every problem. The unsur columns are
    checked exactly as `layanan ikm` checks them; the optional columns `tanggal` (YYYY-MM-DD),
    `saran`, `jenis_kelamin`, `usia`, `pendidikan` and `pekerjaan` must hold a valid value
    or nothing."""
    table = ikm.read_table(text)
    answered, problems = ikm.read_answers(table)
    if any(problem.row == 0 for problem in problems):
        return [], problems
    by_row = dict(answered)
    rows: list[dict[str, Any]] = []
    for number, cells in table.rows:
        row: dict[str, Any] = {"answered_on": default_date}
        written = table.cell(cells, DATE_COLUMN)
        if written:
            try:
                row["answered_on"] = dt.date.fromisoformat(written)
            except ValueError:
                problems.append(ikm.Problem(number, DATE_COLUMN, "invalid", written))
            else:
                if row["answered_on"] > today:
                    problems.append(ikm.Problem(number, DATE_COLUMN, "future", written))
        for column, name in PROFILE_COLUMNS.items():
            value = table.cell(cells, column).lower()
            if value and value not in PROFILE_CHOICES[name].values:
                problems.append(ikm.Problem(number, column, "invalid", value))
            row[name] = value
        row["suggestion"] = table.cell(cells, SUGGESTION_COLUMN)
        if len(row["suggestion"]) > SUGGESTION_LIMIT:
            problems.append(ikm.Problem(number, SUGGESTION_COLUMN, "too_long"))
        if number in by_row:
            row.update(zip(ikm.UNSUR, by_row[number], strict=True))
            rows.append(row)
    problems.sort(key=lambda p: (p.row, p.column not in ikm.UNSUR, p.column))
    return rows, problems


@transaction.atomic
def import_responses(
    *,
    admin: User,
    agency: Agency,
    service: Service | None,
    unit: Unit | None,
    default_date: dt.date,
    file_name: str,
    content: bytes,
) -> ImportBatch:
    """Import a CSV of responses collected elsewhere: every row, or (on any problem) none."""
    if agency.pk not in {a.pk for a in administered_agencies(admin)}:
        raise NotAllowed(_("Only the agency's administrators import its survey responses."))
    fields: dict[str, list[str]] = {}
    if unit is not None and unit.agency_id != agency.pk:
        fields["unit"] = [_("Choose a unit of the agency.")]
    if service is not None and service.pk not in {s.pk for s in services_of(agency)}:
        fields["service"] = [_("Choose a service of the agency.")]
    if fields:
        raise InvalidInput(_("Check the highlighted answers."), fields=fields)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(
            _("The file is not a CSV in UTF-8."),
            fields={"file": [_("Save the spreadsheet as CSV UTF-8 and choose it again.")]},
        ) from None
    rows, problems = read_import(text, default_date=default_date, today=timezone.localdate())
    if problems:
        raise InvalidFile(problems=problems)
    file_digest = hashlib.sha256(content).hexdigest()
    earlier = ImportBatch.objects.filter(agency=agency, digest=file_digest).first()
    if earlier is not None:
        raise InvalidFile(duplicate_of=earlier)
    batch = ImportBatch.objects.create(
        agency=agency,
        imported_by=admin,
        file_name=file_name[:200],
        digest=file_digest,
        rows=len(rows),
    )
    now = timezone.now()
    Response.objects.bulk_create(
        [
            Response(
                agency=agency,
                service=service,
                unit=unit,
                channel=Response.Channel.IMPORT,
                entered_by=admin,
                entered_at=now,
                batch=batch,
                **row,
            )
            for row in rows
        ],
        batch_size=500,
    )
    return batch
