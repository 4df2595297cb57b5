"""Tasks of `notifications`, run by the task worker (django-tasks, database backend)."""

from __future__ import annotations

import logging

from django_tasks import task

from layanan.notifications.jobs import send_message_now

logger = logging.getLogger("layanan.notifications")


@task()
def send_message(message_id: int) -> str:
    """Send one outbox message (see `jobs.send_message_now`); returns what happened.

    A transport failure is not an error of the task (the message waits for its next attempt);
    anything else is logged here, since the task worker runs quietly, and re-raised so that
    the task result records it."""
    try:
        return send_message_now(message_id)
    except Exception:
        logger.exception("sending message %s failed unexpectedly", message_id)
        raise
