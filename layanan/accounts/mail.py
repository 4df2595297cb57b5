"""Mail about an account itself (not about an application, which the `notifications` outbox
sends from the Event log): the password-reset link, "your account is ready", "you already
have an account". Each is a task queued after the transaction commits, so that a request
takes the same time whether or not a mail goes out, and a rolled-back change sends nothing."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django_tasks import task

logger = logging.getLogger("layanan.accounts")


@task()
def send_account_mail(recipient: str, subject: str, body: str) -> None:
    """Send one account mail now (run by the task worker)."""
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient])
    except Exception:
        logger.exception("sending an account mail failed")
        raise


def mail_after_commit(*, recipient: str, subject: str, body: str) -> None:
    """Queue an account mail once the current transaction commits (at once outside one)."""
    if not recipient:
        return
    # One line: a header cannot hold a newline.
    subject = " ".join(subject.split())
    transaction.on_commit(
        lambda: send_account_mail.enqueue(recipient=recipient, subject=subject, body=body)
    )
