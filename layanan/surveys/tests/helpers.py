"""Applications that ended, and their invitations, for the survey tests."""

from __future__ import annotations

import datetime as dt
import re
import secrets

from django.core import mail
from django.utils import timezone

from layanan.cases import actions
from layanan.cases.models import Application
from layanan.notifications.jobs import plan_messages, skip_history
from layanan.notifications.models import Message
from layanan.notifications.surveys import plan_messages as plan_survey_messages
from layanan.notifications.tasks import send_message
from layanan.surveys.actions import digest, key_for
from layanan.surveys.invitations import invite_ended_applications
from layanan.surveys.models import Invitation
from layanan.test import BaseTestCase

ALL_FOURS = {f"u{i}": "4" for i in range(1, 10)}
EXAMPLE = (33, 31, 28, 40, 32, 33, 35, 28, 31)


def rows_with_totals(totals: tuple[int, ...], n: int) -> list[list[int]]:
    rows = [[0] * 9 for _ in range(n)]
    for column, total in enumerate(totals):
        base, extra = divmod(total, n)
        for index, row in enumerate(rows):
            row[column] = base + (1 if index < extra else 0)
    return rows


def make_invitation(application: Application) -> str:
    """An invitation for `application` whatever its state (for tests that need a link), and
    the key of its link."""
    invitation = Invitation(
        application=application,
        agency=application.agency,
        service=application.service,
        nonce=secrets.token_hex(16),
        ended_on=timezone.localdate(),
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    invitation.key_hash = digest(key_for(invitation))
    invitation.save()
    return key_for(invitation)


class SurveyTestCase(BaseTestCase):
    def completed(self, citizen=None) -> Application:
        """siti's (or `citizen`'s) birth certificate, approved at both steps by budi."""
        application = self.submitted(citizen)
        for key in ("verifikasi", "terbit"):
            application = actions.act_on_step(
                application=application,
                step=application.steps.get(key=key),
                officer=self.budi,
                action="approve",
                note="",
            )
        application.refresh_from_db()
        return application

    def rejected(self) -> Application:
        application = self.submitted()
        actions.act_on_step(
            application=application,
            step=application.steps.get(key="verifikasi"),
            officer=self.budi,
            action="reject",
            note="Surat keterangan lahir palsu.",
        )
        application.refresh_from_db()
        return application

    def invitation_link(self, application: Application) -> str:
        """Run the worker's passes and send the invitation email; the link it carries."""
        invite_ended_applications()
        plan_survey_messages()
        message = Message.objects.get(survey_invitation__application=application)
        send_message.call(message.pk)
        body = str(mail.outbox[-1].body)
        found = re.search(r"https?://\S+(/survei/\S+/)", body)
        assert found, body
        return found.group(1)

    def invited(self, application: Application | None = None) -> tuple[Invitation, str]:
        application = application or self.completed()
        link = self.invitation_link(application)
        return Invitation.objects.get(application=application), link


__all__ = ["ALL_FOURS", "EXAMPLE", "SurveyTestCase", "plan_messages", "skip_history"]
