"""Public consultation on a draft standard: every change to it goes through these functions.

The path of a new version (UU 25/2009 Pasal 20(2), PP 96/2012; ../shared/REGULATION.md):

1. `start_draft` copies the version in force into a new draft, with its consultation.
2. `record_forum`: the public forum that discussed it — date, place, who took part, minutes —
   and the reason for each change.
3. `publish_consultation` opens the comment period: `comment_days` working days of the lead
   agency's calendar (default 7), to be published within `publish_days` working days of the
   minutes (default 5). While it is open the draft does not change.
4. Citizens `write_comment` on a component or one of its items, `take_stance` on a
   component, and `report_comment`; a moderator may `hide_comment` with a reason.
5. After the period the agency revises the draft (`actions.save_draft`) and `answer_comment`s
   every visible comment; `adopt_consultation` then sets the version with its effective
   date, and freezes the public report (`report_of`).

Each step writes a ConsultationEvent (the audit trail; the notification planner reads it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.agencies.calendars import calendar_for
from layanan.charters import components
from layanan.charters.actions import adopt_charter, charter_in_force, check_charter
from layanan.charters.models import (
    Charter,
    Comment,
    CommentReport,
    Consultation,
    ConsultationEvent,
    Follow,
    Service,
    Stance,
)
from layanan.lib.display import datetime_in_words

MAX_COMMENT = 2000
RECENT = dt.timedelta(days=365)  # a set standard's consultation stays listed this long
MAX_ANSWER = 4000
MAX_REASON = 2000


class ConsultationInvalid(Exception):
    """Input that cannot be taken: `errors` maps each field to its message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)


class ConsultationConflict(Exception):
    """The consultation is not in the state the request needs (closed, still open, comments
    unanswered…); `unanswered` lists the comment ids that stop an adoption."""

    def __init__(self, message: str, *, unanswered: list[int] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.unanswered = unanswered or []


def log(
    consultation: Consultation,
    kind: str,
    *,
    actor: User | None,
    comment: Comment | None = None,
    at: dt.datetime | None = None,
    **data: Any,
) -> ConsultationEvent:
    return ConsultationEvent.objects.create(
        consultation=consultation,
        kind=kind,
        actor=actor,
        comment=comment,
        at=at or timezone.now(),
        data=data,
    )


# -- drafting --------------------------------------------------------------------------------


@transaction.atomic
def start_draft(*, service: Service, by: User | None, change_note: str = "") -> Charter:
    """A new draft version copied from the version in force, with its consultation.

    Refused while another version of the service is being drafted or consulted on: one
    draft at a time, so that the public comments on one text."""
    Service.objects.select_for_update().get(pk=service.pk)  # one draft at a time
    open_draft = service.charters.filter(
        status__in=(Charter.Status.DRAFT, Charter.Status.CONSULTATION)
    ).first()
    if open_draft is not None:
        raise ConsultationConflict(
            _("Version %(v)d of this service is already being drafted.") % {"v": open_draft.version}
        )
    if service.charters.filter(status=Charter.Status.SCHEDULED).exists():
        raise ConsultationConflict(
            _("A version of this service is set and not yet in force; draft after it starts.")
        )
    in_force = charter_in_force(service)
    latest = service.charters.aggregate(latest=Max("version"))["latest"] or 0
    charter = Charter.objects.create(
        service=service,
        version=latest + 1,
        status=Charter.Status.DRAFT,
        content=dict(in_force.content) if in_force else {},
        change_note=change_note,
        created_by=by,
    )
    consultation_for(charter, by=by)
    return charter


def consultation_for(charter: Charter, *, by: User | None) -> Consultation:
    """The consultation of a draft, created with the configured periods when missing (a draft
    written in the admin or imported gets one the first time it is prepared)."""
    consultation, _created = Consultation.objects.get_or_create(
        charter=charter,
        defaults={
            "created_by": by,
            "publish_days": settings.LAYANAN_CONSULTATION_PUBLISH_DAYS,
            "comment_days": settings.LAYANAN_CONSULTATION_COMMENT_DAYS,
        },
    )
    return consultation


def read_participants(raw: Mapping[str, Any]) -> tuple[dict[str, int], dict[str, str]]:
    participants: dict[str, int] = {}
    errors: dict[str, str] = {}
    known = {key for key, _label in Consultation.PARTICIPANT_GROUPS}
    for key in raw:
        if key not in known:
            errors[f"participants.{key}"] = _("Unknown group of participants.")
    for key, _label in Consultation.PARTICIPANT_GROUPS:
        value = raw.get(key, 0)
        if value in (None, ""):
            value = 0
        try:
            number = int(value)
        except (TypeError, ValueError):
            errors[f"participants.{key}"] = _("Enter a whole number.")
            continue
        if isinstance(value, bool) or number < 0 or number > 100_000:
            errors[f"participants.{key}"] = _("Enter a whole number from 0 to 100,000.")
            continue
        participants[key] = number
    if not errors and not any(participants.values()):
        errors["participants"] = _("Say how many people of each group took part in the forum.")
    return participants, errors


@transaction.atomic
def record_forum(
    *,
    consultation: Consultation,
    by: User | None,
    forum_date: dt.date | None,
    forum_place: str,
    participants: Mapping[str, Any],
    reasons: Mapping[str, Any],
    minutes: UploadedFile | None = None,
) -> Consultation:
    """Record the public forum (before publication) and the reason for each change."""
    from layanan.cases.uploads import UploadRefused, check_upload

    locked = (
        Consultation.objects.select_for_update()
        .select_related("charter__service")
        .get(pk=consultation.pk)
    )
    if locked.published_at is not None:
        raise ConsultationConflict(_("The consultation is published; its forum is on record."))
    errors: dict[str, str] = {}
    service = locked.charter.service
    if forum_date is None:
        errors["forum_date"] = _("Enter the date of the public forum.")
    elif forum_date > service.day_of_filing():
        errors["forum_date"] = _("The forum cannot be in the future.")
    place = (forum_place or "").strip()
    if len(place) > 200:
        errors["forum_place"] = _("Use at most 200 characters.")
    counted, participant_errors = read_participants(participants)
    errors.update(participant_errors)
    kept_reasons: dict[str, dict[str, str]] = {}
    for key, value in reasons.items():
        if key not in components.BY_KEY:
            errors[f"reasons.{key}"] = _("Unknown component.")
            continue
        text = value if isinstance(value, Mapping) else {"id": str(value or ""), "en": ""}
        cleaned = {lang: str(text.get(lang) or "").strip() for lang in ("id", "en")}
        if any(len(t) > MAX_REASON for t in cleaned.values()):
            errors[f"reasons.{key}"] = _("Use at most 2,000 characters.")
        elif cleaned["id"] or cleaned["en"]:
            kept_reasons[key] = cleaned
    content: bytes | None = None
    if minutes is not None:
        try:
            content_type, content = check_upload(minutes, what=_("the minutes"))
        except UploadRefused as refused:
            errors["minutes"] = refused.message
        else:
            if content_type != "application/pdf":
                errors["minutes"] = _("The minutes must be a PDF.")
    elif not locked.minutes:
        errors["minutes"] = _("Upload the minutes (berita acara) of the forum as a PDF.")
    if errors:
        raise ConsultationInvalid(errors)
    locked.forum_date = forum_date
    locked.forum_place = place
    locked.participants = counted
    locked.reasons = kept_reasons
    if content is not None:
        locked.minutes_sha256 = hashlib.sha256(content).hexdigest()
        locked.minutes.save("berita-acara.pdf", ContentFile(content), save=False)
    locked.save(
        update_fields=[
            "forum_date",
            "forum_place",
            "participants",
            "reasons",
            "minutes",
            "minutes_sha256",
        ]
    )
    log(locked, ConsultationEvent.Kind.PREPARED, actor=by, participants=counted)
    return locked


def public() -> QuerySet[Consultation]:
    """The consultations the public sees: published ones (a draft being prepared is not)."""
    return Consultation.objects.filter(published_at__isnull=False).select_related(
        "charter__service__lead_agency"
    )


def listed(now: dt.datetime) -> QuerySet[Consultation]:
    """What /konsultasi/ and GET /api/v1/consultations list: published consultations not yet
    set, and those set within the last year."""
    return public().filter(Q(adopted_at__isnull=True) | Q(adopted_at__gte=now - RECENT))


def compared_version(charter: Charter) -> Charter | None:
    """The version a draft is compared with and would replace: the latest one set before it
    (in force while the draft is discussed; once the draft is set, the one it replaced)."""
    return (
        charter.service.charters.filter(
            version__lt=charter.version,
            status__in=(
                Charter.Status.ADOPTED,
                Charter.Status.SCHEDULED,
                Charter.Status.SUPERSEDED,
            ),
        )
        .order_by("-version")
        .first()
    )


def publication_blockers(charter: Charter, consultation: Consultation | None) -> list[str]:
    """What stops the draft's publication now, each as a sentence: the reader's problems with
    their path (it must be complete: it could be set as it is), a draft that changes nothing,
    a changed component without its reason, the forum and its minutes not on record."""
    normalised, problems = check_charter(charter.content)
    found = [str(p) for p in problems]
    before = compared_version(charter)
    if before is not None:
        changed = components.changed(normalised, before.content)
        if not changed:
            found.append(_("The draft changes nothing in the standard in force."))
        missing = [k for k in changed if consultation is None or k not in consultation.reasons]
        if missing:
            found.append(
                _("Give the reason for the change of: %(components)s.")
                % {"components": ", ".join(str(components.BY_KEY[k].label) for k in missing)}
            )
    if consultation is None or consultation.forum_date is None or not consultation.minutes:
        found.append(_("Record the public forum and its minutes before publishing the draft."))
    return found


def publish_deadline(consultation: Consultation) -> dt.date | None:
    """The last day to publish: `publish_days` working days after the forum's minutes."""
    if consultation.forum_date is None:
        return None
    calendar = calendar_for(consultation.charter.service.lead_agency)
    return calendar.add_working_days(consultation.forum_date, consultation.publish_days)


@transaction.atomic
def publish_consultation(
    *, consultation: Consultation, by: User | None, now: dt.datetime | None = None
) -> Consultation:
    """Open the comment period. The draft must be complete (it could be adopted as it is),
    the forum recorded, and every changed component must say why it changes."""
    now = now or timezone.now()
    locked = (
        Consultation.objects.select_for_update()
        .select_related("charter__service")
        .get(pk=consultation.pk)
    )
    charter = Charter.objects.select_for_update().get(pk=locked.charter_id)
    if locked.published_at is not None or not charter.is_editable:
        raise ConsultationConflict(_("This consultation is already published."))
    blockers = publication_blockers(charter, locked)
    if blockers:
        raise ConsultationConflict(
            _("The draft cannot be published yet: %(why)s") % {"why": " ".join(blockers)}
        )
    normalised, _problems = check_charter(charter.content)
    calendar = calendar_for(charter.service.lead_agency)
    locked.published_at = now
    locked.published_by = by
    locked.closes_at = calendar.add_working_days_at(now, locked.comment_days)
    locked.published_content = normalised
    locked.save(update_fields=["published_at", "published_by", "closes_at", "published_content"])
    Charter.objects.filter(pk=charter.pk).update(
        status=Charter.Status.CONSULTATION, content=normalised
    )
    locked.charter.refresh_from_db()
    deadline = publish_deadline(locked)
    log(
        locked,
        ConsultationEvent.Kind.PUBLISHED,
        actor=by,
        at=now,
        closes_at=locked.closes_at.isoformat(),
        late=bool(deadline and charter.service.day_of_filing(now) > deadline),
    )
    return locked


# -- the public's part -----------------------------------------------------------------------


def require_open(consultation: Consultation, now: dt.datetime) -> None:
    status = consultation.status_at(now)
    if status == Consultation.Status.PREPARING:
        raise ConsultationConflict(_("This consultation is not open yet."))
    if status != Consultation.Status.OPEN:
        raise ConsultationConflict(_("The comment period of this consultation has ended."))


def valid_target(consultation: Consultation, target: str) -> bool:
    charter = consultation.charter
    before = compared_version(charter)
    return target in components.targets(charter.content, before.content if before else None, "id")


@transaction.atomic
def write_comment(
    *,
    consultation: Consultation,
    author: User,
    target: str,
    text: str,
    stance: str = "",
    now: dt.datetime | None = None,
) -> Comment:
    """A signed-in citizen comments on a component (or one requirement or step) while the
    period is open; a stance given with it becomes their stance on the component."""
    now = now or timezone.now()
    errors: dict[str, str] = {}
    target = (target or "").strip()
    text = (text or "").strip()
    if not target:
        errors["component"] = _("Choose the part of the standard you comment on.")
    elif not valid_target(consultation, target):
        errors["component"] = _("This draft has no such component, requirement or step.")
    if not text:
        errors["text"] = _("Write your comment.")
    elif len(text) > MAX_COMMENT:
        errors["text"] = _("Use at most 2,000 characters.")
    if stance and stance not in Comment.Stance.values:
        errors["stance"] = _("Choose support or oppose.")
    if errors:
        raise ConsultationInvalid(errors)
    locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
    require_open(locked, now)
    component = components.component_of(target)
    comment = Comment.objects.create(
        consultation=locked,
        author=author,
        target=target,
        component=component,
        text=text,
        stance=stance,
    )
    if stance:
        keep_stance(locked, author, component, stance)
    log(locked, ConsultationEvent.Kind.COMMENTED, actor=author, comment=comment, at=now)
    return comment


def keep_stance(consultation: Consultation, citizen: User, component: str, stance: str) -> None:
    if stance:
        Stance.objects.update_or_create(
            consultation=consultation,
            citizen=citizen,
            component=component,
            defaults={"stance": stance},
        )
    else:
        Stance.objects.filter(
            consultation=consultation, citizen=citizen, component=component
        ).delete()


@transaction.atomic
def take_stance(
    *,
    consultation: Consultation,
    citizen: User,
    component: str,
    stance: str,
    now: dt.datetime | None = None,
) -> None:
    """Support or oppose a component ("" withdraws the stance); one per citizen and
    component, changeable until the period ends."""
    now = now or timezone.now()
    if component not in components.BY_KEY:
        raise ConsultationInvalid({"component": _("Choose a component of the standard.")})
    if stance and stance not in Comment.Stance.values:
        raise ConsultationInvalid({"stance": _("Choose support or oppose.")})
    locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
    require_open(locked, now)
    keep_stance(locked, citizen, component, stance)
    log(
        locked,
        ConsultationEvent.Kind.STANCE,
        actor=citizen,
        at=now,
        component=component,
        stance=stance,
    )


@transaction.atomic
def report_comment(*, comment: Comment, reporter: User, reason: str = "") -> bool:
    """A reader reports a comment to the moderators; True the first time, False when this
    reader had reported it already."""
    reason = (reason or "").strip()
    if len(reason) > 500:
        raise ConsultationInvalid({"reason": _("Use at most 500 characters.")})
    if comment.consultation.adopted_at is not None:
        # nobody moderates any more: the comments stand in the report as they are
        raise ConsultationConflict(_("The consultation is closed for good: the standard is set."))
    if comment.is_hidden:
        raise ConsultationConflict(_("This comment is already hidden."))
    try:
        with transaction.atomic():
            CommentReport.objects.create(comment=comment, reporter=reporter, reason=reason)
    except IntegrityError:
        return False
    log(comment.consultation, ConsultationEvent.Kind.REPORTED, actor=reporter, comment=comment)
    return True


@transaction.atomic
def hide_comment(*, comment: Comment, by: User, reason: str) -> Comment:
    """A moderator hides a comment that breaks the rules. The text is kept, the reason is
    public, and the hiding is logged and counted in the report."""
    reason = (reason or "").strip()
    if not reason:
        raise ConsultationInvalid({"reason": _("Say why the comment is hidden.")})
    if len(reason) > 500:
        raise ConsultationInvalid({"reason": _("Use at most 500 characters.")})
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    if locked.consultation.adopted_at is not None:
        raise ConsultationConflict(_("The consultation is closed for good: the standard is set."))
    if locked.is_hidden:
        raise ConsultationConflict(_("This comment is already hidden."))
    locked.hidden_at = timezone.now()
    locked.hidden_by = by
    locked.hidden_reason = reason
    locked.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    log(locked.consultation, ConsultationEvent.Kind.HIDDEN, actor=by, comment=locked, reason=reason)
    return locked


@transaction.atomic
def answer_comment(*, comment: Comment, by: User, decision: str, text: str) -> Comment:
    """The agency's answer: accepted, partly accepted, or not accepted with the reason. It may
    be given while the period is open, and changed until the standard is set; the commenter
    is told (each answer is an event)."""
    errors: dict[str, str] = {}
    text = (text or "").strip()
    if decision not in Comment.Decision.values:
        errors["decision"] = _("Choose accepted, partly accepted or not accepted.")
    if not text:
        errors["text"] = (
            _("Give the reason the comment is not accepted.")
            if decision == Comment.Decision.REJECTED
            else _("Write the answer.")
        )
    elif len(text) > MAX_ANSWER:
        errors["text"] = _("Use at most 4,000 characters.")
    if errors:
        raise ConsultationInvalid(errors)
    locked = Comment.objects.select_for_update().select_related("consultation").get(pk=comment.pk)
    if locked.consultation.adopted_at is not None:
        raise ConsultationConflict(_("The consultation is closed for good: the standard is set."))
    if locked.consultation.published_at is None:
        raise ConsultationConflict(_("This consultation is not open yet."))
    first = locked.answered_at is None
    locked.decision = decision
    locked.answer = text
    locked.answered_at = timezone.now()
    locked.answered_by = by
    locked.save(update_fields=["decision", "answer", "answered_at", "answered_by"])
    log(
        locked.consultation,
        ConsultationEvent.Kind.ANSWERED,
        actor=by,
        comment=locked,
        decision=decision,
        first=first,
    )
    return locked


def unanswered(consultation: Consultation) -> list[int]:
    """Visible comments without an answer (a hidden comment needs none: it was removed for
    breaking the rules, and the hiding is public)."""
    return list(
        consultation.comments.filter(answered_at__isnull=True, hidden_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def adopt_consultation(
    *,
    consultation: Consultation,
    by: User | None,
    effective_date: dt.date | None,
    within_agencies: set[int] | None = None,
    now: dt.datetime | None = None,
) -> Charter:
    """Set the draft as the standard after its comment period, once every comment has its
    answer; in force from `effective_date` (today or later), the report frozen."""
    now = now or timezone.now()
    locked = (
        Consultation.objects.select_for_update()
        .select_related("charter__service")
        .get(pk=consultation.pk)
    )
    status = locked.status_at(now)
    if status == Consultation.Status.ADOPTED:
        raise ConsultationConflict(_("This version is already set as the standard."))
    if status == Consultation.Status.PREPARING:
        raise ConsultationConflict(
            _("The draft has not been published for comments; it cannot be set yet.")
        )
    if status == Consultation.Status.OPEN:
        raise ConsultationConflict(
            _("The comment period is open until %(closes)s; the standard can be set after it.")
            % {
                "closes": datetime_in_words(
                    locked.closes_at, locked.charter.service.lead_agency.time_zone
                )
            }
        )
    waiting = unanswered(locked)
    if waiting:
        raise ConsultationConflict(
            _("%(n)d comment(s) have no answer yet.") % {"n": len(waiting)}, unanswered=waiting
        )
    today = locked.charter.service.day_of_filing(now)
    if effective_date is None:
        raise ConsultationInvalid({"effective_date": _("Enter the date the standard applies.")})
    if effective_date < today:
        raise ConsultationInvalid({"effective_date": _("The date cannot be in the past.")})
    if effective_date > today + dt.timedelta(days=366):
        raise ConsultationInvalid(
            {"effective_date": _("The date must be within a year from today.")}
        )
    charter = adopt_charter(
        charter=locked.charter,
        by=by,
        effective_from=effective_date,
        within_agencies=within_agencies,
    )
    locked.adopted_at = now
    locked.charter = charter
    locked.report = report_of(locked, now=now)
    locked.save(update_fields=["adopted_at", "report"])
    log(
        locked,
        ConsultationEvent.Kind.ADOPTED,
        actor=by,
        at=now,
        effective_date=effective_date.isoformat(),
    )
    return charter


def report_of(consultation: Consultation, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """The public consultation report: the period, the forum, the comments and stances per
    component, every answer, and what changed because of the consultation (the components
    whose text at adoption differs from the text published for comments)."""
    charter = consultation.charter
    comments = list(consultation.comments.order_by("pk"))
    stances = Counter(consultation.stances.values_list("component", "stance"))
    per_component = []
    for component in components.COMPONENTS:
        mine = [c for c in comments if c.component == component.key]
        per_component.append(
            {
                "component": component.key,
                "comments": len(mine),
                "hidden": sum(1 for c in mine if c.is_hidden),
                "support": stances[(component.key, Comment.Stance.SUPPORT)],
                "oppose": stances[(component.key, Comment.Stance.OPPOSE)],
            }
        )
    decisions = Counter(c.decision for c in comments if c.decision)
    deadline = publish_deadline(consultation)
    published_on = (
        charter.service.day_of_filing(consultation.published_at)
        if consultation.published_at
        else None
    )
    return {
        "version": charter.version,
        "forum_date": consultation.forum_date.isoformat() if consultation.forum_date else None,
        "forum_place": consultation.forum_place,
        "participants": consultation.participants,
        "published_at": consultation.published_at.isoformat()
        if consultation.published_at
        else None,
        "publish_deadline": deadline.isoformat() if deadline else None,
        "published_late": bool(deadline and published_on and published_on > deadline),
        "closes_at": consultation.closes_at.isoformat() if consultation.closes_at else None,
        "comments": len(comments),
        "hidden": sum(1 for c in comments if c.is_hidden),
        "commenters": len({c.author_id for c in comments}),
        "per_component": per_component,
        "decisions": {d: decisions[d] for d in Comment.Decision.values},
        "answers": [
            {
                "comment": c.pk,
                "component": c.target,
                "text": "" if c.is_hidden else c.text,
                "hidden": c.is_hidden,
                "hidden_reason": c.hidden_reason,
                "decision": c.decision,
                "answer": c.answer,
            }
            for c in comments
        ],
        "changed_by_consultation": components.changed(
            charter.content, consultation.published_content
        )
        if consultation.published_content
        else [],
        "effective_from": charter.effective_from.isoformat() if charter.effective_from else None,
        "adopted_at": (now or timezone.now()).isoformat(),
    }


# -- following a service ---------------------------------------------------------------------


def follow(*, service: Service, citizen: User) -> bool:
    """True when the citizen starts following now, False when they already did."""
    _follow, created = Follow.objects.get_or_create(service=service, citizen=citizen)
    return created


def unfollow(*, service: Service, citizen: User) -> bool:
    deleted, _rows = Follow.objects.filter(service=service, citizen=citizen).delete()
    return bool(deleted)
