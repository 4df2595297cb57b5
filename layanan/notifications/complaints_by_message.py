"""A complaint filed by messages: the kind, the agency and topic, what happened, the privacy
choice, each asked in one message; then it is filed through `complaints.actions.file_complaint`,
the web form's and Open311's own action (the same validation, time limits and events), and the
reply gives its number and the complainant's private link.

The state between messages is the conversation's (`topic` "complaint"); BATAL leaves it and
nothing is filed. The sender's phone number is the complaint's contact, and their account (when
the number is on one) its complainant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from layanan.complaints.actions import MIN_DESCRIPTION, Filing, InvalidInput, file_complaint
from layanan.complaints.models import Category, Kind, Privacy
from layanan.complaints.models import Channel as ComplaintChannel
from layanan.lib.phone import try_normalise
from layanan.notifications.complaints import complainant_link
from layanan.notifications.conversation import buttons_for, numbered, parse_choice

if TYPE_CHECKING:
    from layanan.notifications.conversation import Exchange

TOPIC = "complaint"
KINDS = (Kind.COMPLAINT, Kind.SUGGESTION, Kind.INFORMATION)
PRIVACIES = (Privacy.PUBLIC, Privacy.ANONYMOUS, Privacy.CONFIDENTIAL)
PAGE = 9  # categories a message; "0" shows the next ones


def privacy_options() -> list[str]:
    return [
        _("Public: published with your name"),
        _("Anonymous: published without your name"),
        _("Confidential: not published"),
    ]


def categories() -> list[Category]:
    """The topics people can complain about, each of one agency, as the web form lists them."""
    return list(
        Category.objects.filter(active=True)
        .select_related("agency")
        .order_by("agency__name", "position", "name")
    )


def category_title(category: Category) -> str:
    return f"{category.agency.short_name or category.agency.name}: {category.name}"


def begin(exchange: Exchange) -> str:
    exchange.set_topic(TOPIC, {"step": "kind"})
    return ask(exchange, exchange.conversation.state)


def ask(exchange: Exchange, state: dict[str, Any]) -> str:
    step = state.get("step")
    if step == "kind":
        options = [str(kind.label) for kind in KINDS]
        text = "\n".join(
            [_("What would you like to send?"), numbered(options), _("Reply 1–3, or BATAL.")]
        )
        exchange.reply(text, buttons=buttons_for(options))
    elif step == "category":
        everything = categories()
        page = int(state.get("page", 0))
        shown = everything[page * PAGE : (page + 1) * PAGE]
        options = [category_title(category) for category in shown]
        lines = [_("Which agency and topic?"), numbered(options)]
        if len(everything) > (page + 1) * PAGE:
            lines.append(_("0. More choices"))
        lines.append(_("Reply with the number, or BATAL."))
        exchange.reply("\n".join(lines), buttons=buttons_for(options))
    elif step == "description":
        exchange.reply(
            _("What happened? Write it in one message (when, where, who), at least %(n)d letters.")
            % {"n": MIN_DESCRIPTION}
        )
    else:
        options = privacy_options()
        text = "\n".join([_("Who may read it?"), numbered(options), _("Reply 1–3, or BATAL.")])
        exchange.reply(text, buttons=buttons_for(options))
    return "complaint"


def go_on(exchange: Exchange, typed: str) -> str:
    """The answer to the part asked last; a wrong answer asks it again."""
    state = dict(exchange.conversation.state or {})
    step = state.get("step")
    if step == "kind":
        choice = parse_choice(typed, len(KINDS))
        if choice is not None:
            state.update(step="category", kind=str(KINDS[choice - 1]), page=0)
    elif step == "category":
        everything = categories()
        page = int(state.get("page", 0))
        shown = everything[page * PAGE : (page + 1) * PAGE]
        if typed.strip() == "0" and len(everything) > (page + 1) * PAGE:
            state["page"] = page + 1
        elif (choice := parse_choice(typed, len(shown))) is not None:
            state.update(step="description", category=shown[choice - 1].pk)
    elif step == "description":
        if len(typed.strip()) >= MIN_DESCRIPTION:
            state.update(step="privacy", description=typed.strip())
        else:
            exchange.reply(
                _("Say what happened, in at least %(n)d characters.") % {"n": MIN_DESCRIPTION}
            )
    else:
        choice = parse_choice(typed, len(PRIVACIES))
        if choice is not None:
            state["privacy"] = str(PRIVACIES[choice - 1])
            return file(exchange, state)
    exchange.set_topic(TOPIC, state)
    return ask(exchange, state)


def file(exchange: Exchange, state: dict[str, Any]) -> str:
    """File it with the complaints app's own action; its refusal is said and the part it
    concerns asked again."""
    chosen = int(state.get("category") or 0)
    category = Category.objects.select_related("agency").filter(pk=chosen).first()
    if category is None:
        state.update(step="category", page=0)
        exchange.set_topic(TOPIC, state)
        return ask(exchange, state)
    user = exchange.user
    filing = Filing(
        category=category,
        description=str(state.get("description", "")),
        kind=str(state.get("kind", Kind.COMPLAINT)),
        privacy=str(state["privacy"]),
        contact_name=(user.full_name if user is not None else ""),
        # a number from abroad is not one the complaints app can call back
        contact_phone=try_normalise(exchange.inbound.sender) or "",
    )
    channel = (
        ComplaintChannel.WHATSAPP
        if exchange.inbound.channel == "whatsapp"
        else ComplaintChannel.SMS
    )
    try:
        complaint, _key = file_complaint(filing=filing, complainant=user, channel=channel)
    except InvalidInput as refused:
        problems = [message for messages in refused.fields.values() for message in messages]
        exchange.reply(" ".join(problems) or refused.message)
        state["step"] = "description" if "description" in refused.fields else "category"
        state["page"] = 0
        exchange.set_topic(TOPIC, state)
        return ask(exchange, state)
    exchange.set_topic("")
    exchange.reply(
        _("Received: complaint %(number)s. Follow it (keep this link, it is yours): %(link)s")
        % {"number": complaint.number, "link": complainant_link(complaint)}
    )
    return "complaint_filed"
