"""What a message received by WhatsApp or SMS asks, and the answer it gets.

The pure core reads a message: `parse_command` finds the command word (in Indonesian or
English, any case, with spaces and punctuation around it) and what follows it; `parse_choice`
reads a numbered answer ("2", "2.", "(2)"). A pressed button's id is read the same way as
typed text, so every button has a typed twin that works by SMS.

The commands:

- STATUS (CEK, LACAK) <tracking number>: the application's status, current step, who holds it
  and its due date; the applicant (matched by the phone number on their account) also gets
  the link to their own page, anyone else the public tracking page's facts and link only;
- PERBAIKI <tracking number>, or any other reply from an applicant whose application waits for
  corrections: the link to correct it;
- SURVEI (SKM): the satisfaction survey of the sender's ended application, one question a
  message (`surveys_by_message`);
- ADUAN (PENGADUAN, LAPOR): a complaint, asked for one part a message
  (`complaints_by_message`); BATAL leaves a survey or complaint under way;
- BERHENTI (STOP): no more messages on this channel to this number (one confirmation is still
  sent); MULAI (START) turns them back on;
- anything else: a short help text.

Replies are short, in the account's language (Bahasa Indonesia by default), and never carry a
NIK or a document; they are outbox rows (`jobs.plan_reply`) sent by the channel they came by.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from layanan.accounts.actions import switch_channel
from layanan.accounts.models import AccountEvent, User
from layanan.cases.access import canonical_number
from layanan.cases.models import Application, Status, StepState
from layanan.cases.presenters import local_time, status_sentence, step_name
from layanan.lib.links import absolute_url
from layanan.notifications import jobs
from layanan.notifications.models import Conversation, InboundMessage

# -- the pure core --------------------------------------------------------------------------

VERBS: dict[str, tuple[str, ...]] = {
    "status": ("STATUS", "CEK", "LACAK"),
    "correct": ("PERBAIKI", "PERBAIKAN", "KOREKSI"),
    "survey": ("SURVEI", "SURVEY", "SKM"),
    "complaint": ("ADUAN", "PENGADUAN", "LAPOR", "COMPLAINT"),
    "cancel": ("BATAL", "CANCEL"),
    "stop": ("BERHENTI", "STOP", "UNSUBSCRIBE"),
    "start": ("MULAI", "START"),
    "help": ("BANTUAN", "HELP", "MENU"),
}
WORDS = {word: verb for verb, words in VERBS.items() for word in words}
# Commands that take nothing after them: a message that only starts with one of their words
# ("Stop pungli di kelurahan", "Mulai kemarin jalan rusak") is text, never an unsubscription.
ALONE = frozenset({"stop", "start", "cancel", "help", "survey", "complaint"})
# What interrupts a complaint or a survey under way; anything else is its next answer.
INTERRUPTING = frozenset({"stop", "start", "cancel"})
TEXT = "text"  # not a command: an answer within a conversation, or something to help with

_FIRST_WORD = re.compile(r"[\W_]*([^\W\d_]+)(.*)", re.DOTALL)
_EDGES = " \t\r\n.,;:!?'\"()[]*_~"
# "(2)", "2.", "*2*": decorations around the digits, but no sign ("-1" is no answer)
_CHOICE = re.compile(r"[^\w+\-]*(\d{1,3})[\W_]*")


@dataclass(frozen=True)
class Command:
    verb: str  # a key of VERBS, or TEXT
    argument: str  # what follows the command word (or the whole text), trimmed


def clean(text: str) -> str:
    """One spelling of what people type: compatibility forms folded (full-width letters,
    non-breaking spaces), runs of spaces made one, punctuation around it dropped."""
    folded = unicodedata.normalize("NFKC", text or "")
    return " ".join(folded.split()).strip(_EDGES)


def parse_command(text: str) -> Command:
    """The command a message gives; never raises. "cek status 7kq4-m9tx-4c." and
    "STATUS: 7KQ4-M9TX-4C" both give ("status", the number as typed)."""
    cleaned = clean(text)
    match = _FIRST_WORD.fullmatch(cleaned)
    if match is None:
        return Command(TEXT, cleaned)
    word, rest = match.group(1).upper(), match.group(2)
    verb = WORDS.get(word)
    if verb is None or (rest[:1].isalnum()):
        return Command(TEXT, cleaned)
    rest = rest.strip(_EDGES)
    # "CEK STATUS …": a second word of the same command adds nothing
    again = _FIRST_WORD.fullmatch(rest)
    if again and WORDS.get(again.group(1).upper()) == verb and not again.group(2)[:1].isalnum():
        rest = again.group(2).strip(_EDGES)
    if verb in ALONE and rest:
        return Command(TEXT, cleaned)
    return Command(verb, rest)


def parse_choice(text: str, count: int) -> int | None:
    """A numbered answer from 1 to `count` ("2", "2.", "(2)", " 2 "), else None."""
    match = _CHOICE.fullmatch(unicodedata.normalize("NFKC", text or "").strip())
    if match is None:
        return None
    number = int(match.group(1))
    return number if 1 <= number <= count else None


def numbered(options: list[str]) -> str:
    return "\n".join(f"{number}. {option}" for number, option in enumerate(options, start=1))


def buttons_for(options: list[str]) -> list[dict[str, str]]:
    """WhatsApp buttons whose ids are the typed answers ("1", "2" …); titles are cut to the
    24 characters WhatsApp shows."""
    return [
        {"id": str(number), "title": option[:24]} for number, option in enumerate(options, start=1)
    ][:10]


# -- answering ------------------------------------------------------------------------------


@dataclass
class Exchange:
    """One received message being answered: who sent it, where their conversation stands."""

    inbound: InboundMessage
    conversation: Conversation
    user: User | None
    language: str

    def reply(
        self, text: str, *, buttons: list[dict[str, str]] | None = None, kind: str = "reply"
    ) -> int:
        return jobs.plan_reply(
            self.inbound, text, buttons=buttons, kind=kind, language=self.language
        )

    def set_topic(self, topic: str, state: dict[str, object] | None = None) -> None:
        self.conversation.topic = topic
        self.conversation.state = state or {}
        self.conversation.save(update_fields=["topic", "state", "updated_at"])


@transaction.atomic
def answer(inbound: InboundMessage) -> str:
    """Answer a received message (already stored, its sender matched to an account); returns
    what it was taken as, also kept on the row."""
    conversation, _created = Conversation.objects.select_for_update().get_or_create(
        channel=inbound.channel, address=inbound.sender
    )
    conversation.last_inbound_at = max(
        filter(None, [conversation.last_inbound_at, inbound.received_at])
    )
    conversation.save(update_fields=["last_inbound_at", "updated_at"])
    exchange = Exchange(
        inbound,
        conversation,
        inbound.user,
        inbound.user.message_language if inbound.user else settings.LANGUAGE_CODE,
    )
    with translation.override(exchange.language):
        outcome = dispatch(exchange, parse_command(inbound.payload or inbound.text))
    InboundMessage.objects.filter(pk=inbound.pk).update(outcome=outcome[:40])
    return outcome


def dispatch(exchange: Exchange, command: Command) -> str:
    from layanan.notifications import complaints_by_message, surveys_by_message

    conversation = exchange.conversation
    if command.verb == "start":
        return start_messages(exchange)
    if conversation.stopped_at is not None:
        return "ignored_stopped"  # they asked for silence: only MULAI is answered
    if command.verb == "stop":
        return stop_messages(exchange)
    if command.verb == "cancel":
        return cancel_topic(exchange)
    if conversation.topic and command.verb not in INTERRUPTING:
        # a complaint or survey under way: "STATUS …" or "LAPOR" typed now is its answer
        command = Command(TEXT, clean(exchange.inbound.payload or exchange.inbound.text))
    if command.verb == "status":
        return tell_status(exchange, command.argument)
    if command.verb == "correct":
        return send_correction_links(exchange, command.argument)
    if command.verb == "survey":
        return surveys_by_message.begin(exchange)
    if command.verb == "complaint":
        return complaints_by_message.begin(exchange)
    if command.verb == TEXT and conversation.topic == "survey":
        return surveys_by_message.go_on(exchange, command.argument)
    if command.verb == TEXT and conversation.topic == "complaint":
        return complaints_by_message.go_on(exchange, command.argument)
    if command.verb == TEXT and returned_applications(exchange.user):
        return send_correction_links(exchange, "")
    return send_help(exchange)


def help_text() -> str:
    return "\n".join(
        [
            _("Send one of:"),
            _("STATUS <number>: the status of an application"),
            _("PERBAIKI <number>: the link to correct a returned application"),
            _("SURVEI: the satisfaction survey"),
            _("ADUAN: file a complaint"),
            _("BERHENTI: no more messages here"),
        ]
    )


def send_help(exchange: Exchange) -> str:
    exchange.reply(help_text())
    return "help"


# -- status -----------------------------------------------------------------------------------


def tell_status(exchange: Exchange, typed: str) -> str:
    """The applicant's own application in full (its page's link), anyone else's as the public
    tracking page shows it: no name, NIK, answers or documents in either."""
    number = canonical_number(typed.replace(" ", ""))
    if number is None:
        exchange.reply(
            _("Send STATUS and the tracking number from your receipt, e.g. STATUS 7KQ4-M9TX-4C.")
        )
        return "status_malformed"
    application = (
        Application.objects.filter(number=number)
        .exclude(status=Status.DRAFT)
        .select_related("service", "agency")
        .first()
    )
    if application is None:
        exchange.reply(
            _("No application has the number %(number)s: check it on your receipt.")
            % {"number": number}
        )
        return "status_not_found"
    own = exchange.user is not None and application.applicant_id == exchange.user.pk
    exchange.reply(status_text(application, own=own))
    return "status_own" if own else "status_public"


def status_text(application: Application, *, own: bool) -> str:
    """What the public tracking page says (service, status, the steps under way with their
    unit and due date, the due date), and the link: the applicant's own page for the
    applicant, the public tracking page for anyone else."""
    lines = [
        f"{application.number}: {application.service.display_name}",
        status_sentence(application),
    ]
    steps = application.steps.filter(
        state__in=(StepState.ACTIVE, StepState.RETURNED)
    ).select_related("unit", "agency")
    for step in steps.order_by("stage", "position"):
        lines.append(
            _("Now: %(step)s, %(unit)s (%(agency)s)")
            % {
                "step": step_name(application, step.key),
                "unit": step.unit.name,
                "agency": step.agency.short_name or step.agency.name,
            }
        )
    if application.is_open and application.due_at is not None:
        due = local_time(application.due_at, application.agency.time_zone)
        lines.append(_("Due by %(due)s.") % {"due": due})
    if own and application.status == Status.RETURNED:
        lines.append(_("Correct it here: %(link)s") % {"link": detail_link(application)})
    elif own:
        lines.append(_("Details: %(link)s") % {"link": detail_link(application)})
    else:
        link = absolute_url(reverse("cases:track", args=[application.number]))
        lines.append(_("Details: %(link)s") % {"link": link})
    return "\n".join(lines)


def detail_link(application: Application) -> str:
    """The applicant's page of the application, where a returned one is corrected."""
    return absolute_url(reverse("cases:detail", args=[application.number]))


# -- corrections ------------------------------------------------------------------------------


def returned_applications(user: User | None, number: str | None = None) -> list[Application]:
    """The sender's applications waiting for their corrections, the newest three (or the one
    numbered `number`, however old)."""
    if user is None:
        return []
    waiting = Application.objects.filter(applicant=user, status=Status.RETURNED)
    if number is not None:
        waiting = waiting.filter(number=number)
    return list(waiting.order_by("-submitted_at")[:3])


def send_correction_links(exchange: Exchange, typed: str) -> str:
    """The link to correct each of the sender's returned applications (or the one named)."""
    number = canonical_number(typed.replace(" ", "")) if typed else None
    waiting = [] if typed and number is None else returned_applications(exchange.user, number)
    if not waiting:
        exchange.reply(
            _("None of your applications waits for corrections. Send STATUS <number> to ask.")
        )
        return "correction_none"
    lines = [
        _("%(number)s was returned for correction. Correct it here: %(link)s")
        % {"number": application.number, "link": detail_link(application)}
        for application in waiting
    ]
    exchange.reply("\n".join(lines))
    return "correction_link"


# -- topics and stopping ----------------------------------------------------------------------


def cancel_topic(exchange: Exchange) -> str:
    if not exchange.conversation.topic:
        return send_help(exchange)
    exchange.set_topic("")
    exchange.reply(_("Cancelled. Nothing was sent."))
    return "cancelled"


def stop_messages(exchange: Exchange) -> str:
    """BERHENTI: the confirmation is queued first (a kind `send_message_now` sends to a
    stopped number), then the number is marked stopped and the account's choice of this
    channel turned off, with an audit row."""
    exchange.reply(
        _("You will receive no more messages here. Send MULAI to receive them again."),
        kind=jobs.STOP_CONFIRMATION,
    )
    conversation = exchange.conversation
    conversation.stopped_at = timezone.now()
    conversation.topic, conversation.state = "", {}
    conversation.save(update_fields=["stopped_at", "topic", "state", "updated_at"])
    if exchange.user is not None:
        switch_channel(
            user=exchange.user,
            channel=exchange.inbound.channel,
            on=False,
            kind=AccountEvent.Kind.CHANNEL_STOPPED,
            note=exchange.inbound.channel,
        )
    return "stop"


def start_messages(exchange: Exchange) -> str:
    """MULAI: messages on this channel again, and the account's choice of it back on."""
    conversation = exchange.conversation
    if conversation.stopped_at is not None:
        conversation.stopped_at = None
        conversation.save(update_fields=["stopped_at", "updated_at"])
    if exchange.user is not None:
        switch_channel(
            user=exchange.user,
            channel=exchange.inbound.channel,
            on=True,
            kind=AccountEvent.Kind.CHANNELS_CHANGED,
            note=exchange.inbound.channel,
        )
    exchange.reply(_("Messages are on again. Send BERHENTI to stop them."))
    return "start"
