"""The short texts sent by WhatsApp and SMS: one line per message kind, naming the tracking or
complaint number, what happened and the link, never a NIK or what a document says.

Each kind's text is also the body of the WhatsApp template of that kind (used outside the
24-hour window): its placeholders, in the order of `PARAMS`, are the template's {{1}}, {{2}} …
(docs/channels.md lists them for registering the templates with Meta).
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# kind → (text with named placeholders, the placeholders in the template's order)
SHORT: dict[str, tuple[Promise, tuple[str, ...]]] = {
    # an application's events, to the applicant
    "submitted": (
        _("Layanan: application {number} was received. Follow it here: {link}"),
        ("number", "link"),
    ),
    "returned": (
        _("Layanan: application {number} was returned for correction. Correct it here: {link}"),
        ("number", "link"),
    ),
    "completed": (
        _("Layanan: application {number} is completed. Your result: {link}"),
        ("number", "link"),
    ),
    "rejected": (
        _("Layanan: application {number} was rejected. The reason: {link}"),
        ("number", "link"),
    ),
    "late": (
        _("Layanan: application {number} is past its time limit. Follow it here: {link}"),
        ("number", "link"),
    ),
    "deemed_approved": (
        _("Layanan: application {number} is deemed approved by law. Details: {link}"),
        ("number", "link"),
    ),
    "compensation_owed": (
        _("Layanan: compensation is owed to you for application {number}. Details: {link}"),
        ("number", "link"),
    ),
    "bill_issued": (
        _("Layanan: the fee for application {number} is {amount}, payment code {code}. {link}"),
        ("number", "amount", "code", "link"),
    ),
    # an application's events, to officers
    "escalated": (
        _("Layanan: application {number} is late and was escalated to you. Open it: {link}"),
        ("number", "link"),
    ),
    "reminder": (
        _("Layanan: a step of application {number} waits for you. Open it: {link}"),
        ("number", "link"),
    ),
    # the survey invitation
    "survey_invitation": (
        _(
            "Layanan: how was the service for application {number}? Reply SURVEI to answer "
            "by message, or here: {link}"
        ),
        ("number", "link"),
    ),
    # a complaint's events, to the complainant
    "complaint_filed": (
        _("Layanan: we received your complaint {number}. Follow it here: {link}"),
        ("number", "link"),
    ),
    "complaint_verified": (
        _("Layanan: your complaint {number} was verified and is being handled: {link}"),
        ("number", "link"),
    ),
    "complaint_completion_requested": (
        _("Layanan: your complaint {number} needs more information from you: {link}"),
        ("number", "link"),
    ),
    "complaint_forwarded": (
        _("Layanan: your complaint {number} was forwarded to the unit that handles it: {link}"),
        ("number", "link"),
    ),
    "complaint_follow_up_planned": (
        _("Layanan: a follow-up is planned for your complaint {number}: {link}"),
        ("number", "link"),
    ),
    "complaint_responded": (
        _("Layanan: there is an answer to your complaint {number}: {link}"),
        ("number", "link"),
    ),
    "complaint_resolved": (
        _("Layanan: your complaint {number} is marked resolved. Is it? Tell us: {link}"),
        ("number", "link"),
    ),
    "complaint_closed": (
        _("Layanan: your complaint {number} is closed: {link}"),
        ("number", "link"),
    ),
    "complaint_rejected": (
        _("Layanan: your complaint {number} was not accepted. The reason: {link}"),
        ("number", "link"),
    ),
    "complaint_withdrawn": (
        _("Layanan: your complaint {number} was withdrawn: {link}"),
        ("number", "link"),
    ),
    "complaint_duplicate_linked": (
        _("Layanan: your complaint {number} is handled together with an earlier one: {link}"),
        ("number", "link"),
    ),
    "complaint_deadline_missed": (
        _("Layanan: your complaint {number} is past its deadline and was escalated: {link}"),
        ("number", "link"),
    ),
    "complaint_duplicate_outcome": (
        _("Layanan: the complaint {number} that yours was joined to has an outcome."),
        ("number",),
    ),
    # a complaint's events, to officers
    "complaint_officer_escalated": (
        _("Layanan: complaint {number} is late and was escalated to you. Open it: {link}"),
        ("number", "link"),
    ),
    "complaint_officer_forwarded": (
        _("Layanan: complaint {number} was forwarded to your unit. Open it: {link}"),
        ("number", "link"),
    ),
    "complaint_officer_reopened": (
        _("Layanan: complaint {number} was reopened. Open it: {link}"),
        ("number", "link"),
    ),
    # public consultations
    "consultation_answered": (
        _("Layanan: your comment on a draft service standard was answered: {link}"),
        ("link",),
    ),
    "consultation_opened": (
        _("Layanan: a draft standard of a service you follow is open for comment: {link}"),
        ("link",),
    ),
    # duties of an agency about its standards, to its administrators
    "duty_maklumat": (
        _("Layanan: the maklumat of {agency} is due by {due}: {link}"),
        ("agency", "due", "link"),
    ),
    "duty_yearly": (
        _("Layanan: the yearly evaluation of a service standard is due by {due}: {link}"),
        ("due", "link"),
    ),
    "duty_review": (
        _("Layanan: the review of a service standard is due by {due}: {link}"),
        ("due", "link"),
    ),
}


def short_text(kind: str, values: dict[str, Any]) -> tuple[str, list[str]]:
    """(the short text, the WhatsApp template's body parameters) of a message of `kind`, in
    the active language. Every placeholder must be given."""
    text, names = SHORT[kind]
    params = [str(values[name]) for name in names]
    return str(text).format(**{name: values[name] for name in names}), params
