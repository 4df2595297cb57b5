"""Public consultations on draft standards over JSON (/api/v1/consultations): the list, one
consultation with its components and comments, and the citizen's and the agency's actions.
docs/api.md, "Public consultations", is the contract.

Every change goes through `charters.consultations`; this module reads the request, decides
who may act (one place: `administers`) and shapes the answer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from layanan.accounts.models import User
from layanan.agencies.admin_scope import administered_agency_ids
from layanan.charters import components, consultations
from layanan.charters.actions import CharterBeyondAgency, CharterInvalid, CharterLocked
from layanan.charters.models import Comment, Consultation
from layanan.charters.spec import text_in
from layanan.http_errors import ApiError, with_language

router = Router(tags=["consultations"])

LARGEST_ID = 2**63 - 1  # beyond a database integer: no such row (and no overflow)


class Error(Schema):
    code: str
    message: str
    fields: dict[str, Any]


class ConsultationOut(Schema):
    id: int
    service: str  # the service's code
    service_name: str
    agency: str  # the lead agency's code
    version: int  # the draft's version number
    status: str  # open | closed | adopted
    opens_at: dt.datetime
    closes_at: dt.datetime
    adopted_at: dt.datetime | None
    effective_from: dt.date | None
    url: str


class AnswerOut(Schema):
    decision: str  # accepted | partly | rejected
    text: str
    answered_at: dt.datetime


class CommentOut(Schema):
    id: int
    component: str  # the target: `fee`, `requirements.ktp`, `procedure.verifikasi`
    text: str | None  # null when hidden
    stance: str | None
    created_at: dt.datetime
    hidden: bool
    hidden_reason: str
    answer: AnswerOut | None


class ComponentOut(Schema):
    key: str
    letter: str
    label: str
    in_force: dict[str, Any] | None
    draft: dict[str, Any]
    changed: bool
    reason: str | None
    support: int
    oppose: int


class ConsultationDetailOut(ConsultationOut):
    forum_date: dt.date | None
    forum_place: str
    participants: dict[str, int]
    in_force_version: int | None
    components: list[ComponentOut]
    comments: list[CommentOut]


class CommentIn(Schema):
    component: str = Field(
        description="A component (`fee`) or an item of it (`requirements.ktp`, "
        "`procedure.verifikasi`)",
        max_length=120,
    )
    text: str
    stance: str | None = Field(None, description="support | oppose (optional)")


class AnswerIn(Schema):
    decision: str = Field(description="accepted | partly | rejected")
    text: str


class AdoptIn(Schema):
    effective_date: dt.date | None = Field(
        None, description="The day the version applies (today or later, within a year)"
    )


class StanceIn(Schema):
    stance: str | None = Field(description="support | oppose | null (withdraw)")


class ReportIn(Schema):
    reason: str = ""


class HideIn(Schema):
    reason: str = ""


class StanceOut(Schema):
    component: str
    stance: str | None


class ReportedOut(Schema):
    comment: int
    reported: bool  # false when this account had reported the comment already


# -- who sees and who acts -------------------------------------------------------------------


def get_consultation(consultation_id: int) -> Consultation:
    if not 0 < consultation_id <= LARGEST_ID:
        raise Http404
    consultation = consultations.public().filter(pk=consultation_id).first()
    if consultation is None:
        raise Http404
    return consultation


def get_comment(consultation: Consultation, comment_id: int) -> Comment:
    if not 0 < comment_id <= LARGEST_ID:
        raise Http404
    comment = consultation.comments.filter(pk=comment_id).select_related("consultation").first()
    if comment is None:
        raise Http404
    return comment


def administers(user: User, consultation: Consultation) -> bool:
    """An admin of the service's lead agency (a superuser administers every agency)."""
    scope = administered_agency_ids(user)
    return scope is None or consultation.charter.service.lead_agency_id in scope


def require_admin(user: User, consultation: Consultation) -> None:
    if not administers(user, consultation):
        raise ApiError(
            403,
            "forbidden",
            _("Only an administrator of the agency that leads this service may do this."),
        )


def caller(request: HttpRequest) -> User:
    user: User = request.auth  # type: ignore[attr-defined]
    return user


def invalid(error: consultations.ConsultationInvalid) -> ApiError:
    return ApiError(
        400,
        "invalid",
        _("Some values need correcting."),
        {field: [message] for field, message in error.errors.items()},
    )


def conflict(error: consultations.ConsultationConflict) -> ApiError:
    fields: dict[str, Any] = {"unanswered": error.unanswered} if error.unanswered else {}
    return ApiError(409, "not_allowed", error.message, fields)


@contextmanager
def refusals() -> Iterator[None]:
    """An action's refusal as the API answers it: 400 with the fields, 409, or 403 for a
    procedure that binds another agency (adoption)."""
    try:
        yield
    except consultations.ConsultationInvalid as error:
        raise invalid(error) from None
    except consultations.ConsultationConflict as error:
        raise conflict(error) from None
    except CharterBeyondAgency as error:
        raise ApiError(403, "forbidden", str(error)) from None
    except (CharterLocked, CharterInvalid) as error:
        raise ApiError(409, "not_allowed", str(error)) from None


# -- shapes ----------------------------------------------------------------------------------


def public_url(consultation: Consultation) -> str:
    return reverse("consultations:detail", args=[consultation.pk])


def summary(consultation: Consultation, now: dt.datetime) -> dict[str, Any]:
    charter = consultation.charter
    service = charter.service
    adopted = consultation.adopted_at is not None
    return {
        "id": consultation.pk,
        "service": service.code,
        "service_name": service.display_name,
        "agency": service.lead_agency.code,
        "version": charter.version,
        "status": consultation.status_at(now),
        "opens_at": consultation.published_at,
        "closes_at": consultation.closes_at,
        "adopted_at": consultation.adopted_at,
        "effective_from": charter.effective_from if adopted else None,
        "url": public_url(consultation),
    }


def comment_view(comment: Comment) -> dict[str, Any]:
    hidden = comment.is_hidden
    return {
        "id": comment.pk,
        "component": comment.target,
        "text": None if hidden else comment.text,
        "stance": None if hidden else (comment.stance or None),
        "created_at": comment.created_at,
        "hidden": hidden,
        "hidden_reason": comment.hidden_reason if hidden else "",
        "answer": (
            {
                "decision": comment.decision,
                "text": comment.answer,
                "answered_at": comment.answered_at,
            }
            if comment.answered_at is not None
            else None
        ),
    }


def detail(consultation: Consultation, now: dt.datetime) -> dict[str, Any]:
    language = get_language() or "id"
    draft = consultation.charter.content
    before = consultations.compared_version(consultation.charter)
    before_content = before.content if before is not None else None
    changed = set(components.changed(draft, before_content))
    counts: dict[tuple[str, str], int] = {}
    for component, stance in consultation.stances.values_list("component", "stance"):
        counts[(component, stance)] = counts.get((component, stance), 0) + 1
    return {
        **summary(consultation, now),
        "forum_date": consultation.forum_date,
        "forum_place": consultation.forum_place,
        "participants": consultation.participants,
        "in_force_version": before.version if before is not None else None,
        "components": [
            {
                "key": c.key,
                "letter": c.letter,
                "label": str(c.label),
                "in_force": components.part_of(before_content, c.key)
                if before_content is not None
                else None,
                "draft": components.part_of(draft, c.key),
                "changed": c.key in changed,
                "reason": text_in(consultation.reasons[c.key], language)
                if c.key in consultation.reasons
                else None,
                "support": counts.get((c.key, Comment.Stance.SUPPORT), 0),
                "oppose": counts.get((c.key, Comment.Stance.OPPOSE), 0),
            }
            for c in components.COMPONENTS
        ],
        "comments": [comment_view(c) for c in consultation.comments.order_by("pk")],
    }


# -- reading ---------------------------------------------------------------------------------


@router.get(
    "",
    response=list[ConsultationOut],
    auth=None,
    summary="Consultations open, closed and not yet set, and those set in the last year",
)
def list_consultations(request: HttpRequest) -> list[dict[str, Any]]:
    with_language(request)
    now = timezone.now()
    rows = consultations.listed(now)
    return [summary(c, now) for c in rows.order_by("-published_at", "-pk")]


@router.get(
    "/{consultation_id}",
    response={200: ConsultationDetailOut, 404: Error},
    auth=None,
    summary="One consultation: each component in force and in the draft, and the comments",
)
def consultation_detail(request: HttpRequest, consultation_id: int) -> dict[str, Any]:
    with_language(request)
    return detail(get_consultation(consultation_id), timezone.now())


@router.get(
    "/{consultation_id}/report",
    response={200: dict[str, Any], 404: Error},
    auth=None,
    summary="The public consultation report, once the version is set",
)
def consultation_report(request: HttpRequest, consultation_id: int) -> dict[str, Any]:
    with_language(request)
    consultation = get_consultation(consultation_id)
    if consultation.adopted_at is None:
        raise Http404
    return {
        "id": consultation.pk,
        "service": consultation.charter.service.code,
        **consultation.report,
    }


# -- the public's part -----------------------------------------------------------------------


@router.post(
    "/{consultation_id}/comments",
    response={201: CommentOut, 400: Error, 401: Error, 404: Error, 409: Error},
    summary="Comment on a component, requirement or step while the period is open",
)
def write_comment(
    request: HttpRequest, consultation_id: int, data: CommentIn
) -> Status[dict[str, Any]]:
    with_language(request)
    consultation = get_consultation(consultation_id)
    with refusals():
        comment = consultations.write_comment(
            consultation=consultation,
            author=caller(request),
            target=data.component,
            text=data.text,
            stance=data.stance or "",
        )
    return Status(201, comment_view(comment))


@router.put(
    "/{consultation_id}/stances/{component}",
    response={200: StanceOut, 400: Error, 401: Error, 404: Error, 409: Error},
    summary="Support or oppose a component (null withdraws), while the period is open",
)
def take_stance(
    request: HttpRequest, consultation_id: int, component: str, data: StanceIn
) -> dict[str, Any]:
    with_language(request)
    consultation = get_consultation(consultation_id)
    with refusals():
        consultations.take_stance(
            consultation=consultation,
            citizen=caller(request),
            component=component,
            stance=data.stance or "",
        )
    return {"component": component, "stance": data.stance or None}


@router.post(
    "/{consultation_id}/comments/{comment_id}/report",
    response={200: ReportedOut, 201: ReportedOut, 400: Error, 401: Error, 404: Error, 409: Error},
    summary="Report a comment to the moderators",
)
def report_comment(
    request: HttpRequest, consultation_id: int, comment_id: int, data: ReportIn
) -> Status[dict[str, Any]]:
    with_language(request)
    comment = get_comment(get_consultation(consultation_id), comment_id)
    with refusals():
        first = consultations.report_comment(
            comment=comment, reporter=caller(request), reason=data.reason
        )
    return Status(201 if first else 200, {"comment": comment.pk, "reported": first})


# -- the agency's part -----------------------------------------------------------------------


@router.post(
    "/{consultation_id}/comments/{comment_id}/hide",
    response={200: CommentOut, 400: Error, 401: Error, 403: Error, 404: Error, 409: Error},
    summary="Hide a comment that breaks the rules, with the reason (agency admins)",
)
def hide_comment(
    request: HttpRequest, consultation_id: int, comment_id: int, data: HideIn
) -> dict[str, Any]:
    with_language(request)
    consultation = get_consultation(consultation_id)
    comment = get_comment(consultation, comment_id)
    require_admin(caller(request), consultation)
    with refusals():
        hidden = consultations.hide_comment(comment=comment, by=caller(request), reason=data.reason)
    return comment_view(hidden)


@router.post(
    "/{consultation_id}/comments/{comment_id}/answer",
    response={200: CommentOut, 400: Error, 401: Error, 403: Error, 404: Error, 409: Error},
    summary="Answer a comment, or change the answer until the version is set (agency admins)",
)
def answer_comment(
    request: HttpRequest, consultation_id: int, comment_id: int, data: AnswerIn
) -> dict[str, Any]:
    with_language(request)
    consultation = get_consultation(consultation_id)
    comment = get_comment(consultation, comment_id)
    require_admin(caller(request), consultation)
    with refusals():
        answered = consultations.answer_comment(
            comment=comment, by=caller(request), decision=data.decision, text=data.text
        )
    return comment_view(answered)


@router.post(
    "/{consultation_id}/adopt",
    response={
        200: ConsultationDetailOut,
        400: Error,
        401: Error,
        403: Error,
        404: Error,
        409: Error,
    },
    summary="Set the draft as the standard from its effective date (agency admins)",
)
def adopt(request: HttpRequest, consultation_id: int, data: AdoptIn) -> dict[str, Any]:
    with_language(request)
    consultation = get_consultation(consultation_id)
    user = caller(request)
    require_admin(user, consultation)
    with refusals():
        consultations.adopt_consultation(
            consultation=consultation,
            by=user,
            effective_date=data.effective_date,
            within_agencies=administered_agency_ids(user),
        )
    return detail(get_consultation(consultation_id), timezone.now())
