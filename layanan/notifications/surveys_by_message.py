"""The satisfaction survey (SKM) answered by messages: one question a message, resumable.

SURVEI (or the invitation's button, whose id is "SURVEI") opens the survey of the sender's
ended application that has an open invitation; each answer is a number from 1 to 4 (a button
by WhatsApp, a typed digit by SMS). The answers wait in the conversation's state until the
ninth, then go through `surveys.actions.answer_survey`, the web form's own action (the same
validation, once per invitation), and the state is emptied. SURVEI again in the middle goes
on where it stopped; BATAL leaves it.

The survey is anonymous: the received rows of the answers keep no text (the number a person
chose is not kept beside their phone number), and the response keeps no account.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from layanan.notifications.conversation import buttons_for, numbered, parse_choice
from layanan.notifications.models import InboundMessage
from layanan.surveys.actions import Closed, InvalidInput, answer_survey
from layanan.surveys.models import Invitation
from layanan.surveys.questionnaire import QUESTIONS

if TYPE_CHECKING:
    from layanan.notifications.conversation import Exchange

TOPIC = "survey"


def open_invitation(exchange: Exchange) -> Invitation | None:
    """The newest invitation of the sender's applications that is still open."""
    if exchange.user is None:
        return None
    return (
        Invitation.objects.filter(
            application__applicant=exchange.user,
            answered_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("service", "application")
        .order_by("-created_at")
        .first()
    )


def begin(exchange: Exchange) -> str:
    state = exchange.conversation.state or {}
    if exchange.conversation.topic == TOPIC and state.get("invitation"):
        return ask(exchange, state)  # resumed where it stopped
    invitation = open_invitation(exchange)
    if invitation is None:
        exchange.reply(_("You have no satisfaction survey to answer now. Thank you."))
        return "survey_none"
    state = {"invitation": invitation.pk, "answers": {}}
    exchange.set_topic(TOPIC, state)
    exchange.reply(
        _(
            "Survey on %(service)s (%(number)s): 9 short questions, anonymous. "
            "Send BATAL to stop; SURVEI later goes on."
        )
        % {"service": invitation.service.display_name, "number": invitation.application.number}
    )
    return ask(exchange, state)


def ask(exchange: Exchange, state: dict[str, Any]) -> str:
    index = len(state.get("answers") or {})
    question = QUESTIONS[index]
    options = [str(option) for option in question.answers]
    text = "\n".join(
        [
            _("Question %(n)d of %(total)d: %(question)s")
            % {"n": index + 1, "total": len(QUESTIONS), "question": question.text},
            numbered(options),
            _("Reply 1–4."),
        ]
    )
    exchange.reply(text, buttons=buttons_for(options), kind="survey_question")
    return "survey"


def go_on(exchange: Exchange, typed: str) -> str:
    """An answer to the question asked last."""
    forget_text(exchange.inbound)
    state = dict(exchange.conversation.state or {})
    answers: dict[str, int] = dict(state.get("answers") or {})
    choice = parse_choice(typed, 4)
    if choice is None:
        exchange.reply(_("Please reply with a number from 1 to 4."))
        return ask(exchange, state)
    answers[QUESTIONS[len(answers)].code] = choice
    state["answers"] = answers
    if len(answers) < len(QUESTIONS):
        exchange.set_topic(TOPIC, state)
        return ask(exchange, state)
    return finish(exchange, state)


def finish(exchange: Exchange, state: dict[str, Any]) -> str:
    exchange.set_topic("")  # the answers leave the conversation whatever happens next
    invitation = Invitation.objects.filter(pk=int(state.get("invitation") or 0)).first()
    if invitation is None or exchange.user is None:
        exchange.reply(_("This survey is closed."))
        return "survey_closed"
    answers = {code: str(value) for code, value in state["answers"].items()}
    try:
        answer_survey(invitation=invitation, answers=answers)
    except Closed:
        exchange.reply(_("This survey has already been answered or is closed."))
        return "survey_closed"
    except InvalidInput:
        exchange.reply(_("Some answers were not understood; send SURVEI to start again."))
        return "survey_invalid"
    exchange.reply(_("Thank you! Your answers were recorded anonymously."))
    return "survey_answered"


def forget_text(inbound: InboundMessage) -> None:
    """An answer of the survey is not kept beside the phone number that sent it."""
    InboundMessage.objects.filter(pk=inbound.pk).update(text="", payload="")
