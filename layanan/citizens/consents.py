"""Withdrawing a consent (UU 27/2022: consent may be withdrawn as easily as it was given).

A consent can be withdrawn while the agency has not started processing its application
(`cases.actions.processing_started`: a draft, or submitted with nothing done on it yet). The
data it put there is detached — for a document, the application's copy is removed; for
profile data, the answers of the form fields it filled are emptied — and a submitted
application returns to draft (`cases.actions.return_to_draft`, an event on its timeline; its
clock and due dates are cleared), to be completed and submitted again. The consent row stays,
marked withdrawn, with when and by whom.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.cases import actions
from layanan.cases.actions import CaseError
from layanan.citizens.models import Consent


class WithdrawalRefused(CaseError):
    """The consent cannot be withdrawn now (processing started, or already withdrawn)."""

    code = "not_allowed"


def withdrawal_problems(consents: list[Consent]) -> dict[int, str | None]:
    """`withdrawal_problem` of each consent of a list, by its id, asking whether processing
    started once per application (an application usually has a document and a profile
    consent), not once per consent."""
    started: dict[int, bool] = {}
    problems: dict[int, str | None] = {}
    for consent in consents:
        if consent.application_id not in started and not consent.is_withdrawn:
            started[consent.application_id] = actions.processing_started(consent.application)
        problems[consent.pk] = withdrawal_problem(
            consent, started=started.get(consent.application_id)
        )
    return problems


def withdrawal_problem(consent: Consent, *, started: bool | None = None) -> str | None:
    """Why `consent` cannot be withdrawn now, or None. `started`: whether processing of its
    application started, when the caller has asked already."""
    if consent.is_withdrawn:
        return _("This consent was already withdrawn.")
    application = consent.application
    if application.has_ended:
        return _("Application %(number)s has ended; its record is kept as the law requires.") % {
            "number": application.number
        }
    if actions.processing_started(application) if started is None else started:
        return _(
            "The agency has already started processing application %(number)s, so this "
            "consent can no longer be withdrawn. Contact the agency if the data must be "
            "corrected."
        ) % {"number": application.number}
    return None


@transaction.atomic
def withdraw(consent: Consent, *, by: User, at: dt.datetime) -> Consent:
    """Withdraw `consent` (by the citizen, or the counter officer on their behalf): detach its
    data from the application and bring the application back to draft. Raises
    WithdrawalRefused with a message for people when it cannot be."""
    actions.hold_row(type(consent.application), consent.application_id)
    consent = Consent.objects.select_related("application").get(pk=consent.pk)
    if problem := withdrawal_problem(consent):
        raise WithdrawalRefused(problem)
    application = consent.application
    reason = _("Consent withdrawn: %(what)s") % {"what": consent.what}
    try:
        application = actions.return_to_draft(
            application=application, by=by, reason=str(reason), at=at
        )
    except actions.CaseError as error:
        raise WithdrawalRefused(error.message) from None
    if consent.kind == Consent.Kind.DOCUMENT and consent.document_id is not None:
        document = application.documents.filter(pk=consent.document_id).first()
        if document is not None:
            actions.detach_document(
                application=application, document=document, by=by, reason=str(reason)
            )
    elif consent.kind == Consent.Kind.PROFILE and consent.fields:
        actions.clear_answers(
            application=application, keys=list(consent.fields), by=by, reason=str(reason)
        )
    updated = Consent.objects.filter(pk=consent.pk, withdrawn_at=None).update(
        withdrawn_at=at, withdrawn_by=by
    )
    if updated != 1:
        raise WithdrawalRefused(_("This consent was already withdrawn."))
    consent.withdrawn_at, consent.withdrawn_by = at, by
    return consent
