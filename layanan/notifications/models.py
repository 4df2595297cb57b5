"""The outbox: every message to a citizen is a row first, sent by the worker afterwards.

A message is planned from a committed Event (so it is never sent for a change that was rolled
back), sent with retries and backoff, and never deleted: when the mail server is down it waits
and is tried again.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from layanan.cases.models import Application, Event
from layanan.charters.models import ConsultationEvent, Duty
from layanan.complaints.models import Complaint, ComplaintEvent
from layanan.surveys.models import Invitation


class Message(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Not sent: no address")

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")

    # What the message is about: an application's event, a complaint's, the invitation to the
    # satisfaction survey of an ended application, or a public consultation's event (an answer
    # to a comment, a consultation opened on a followed service).
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="messages"
    )
    complaint_event = models.ForeignKey(
        ComplaintEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    complaint = models.ForeignKey(
        Complaint, null=True, blank=True, on_delete=models.PROTECT, related_name="messages"
    )
    survey_invitation = models.ForeignKey(
        Invitation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    consultation_event = models.ForeignKey(
        ConsultationEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # or a reminder to an agency's admins of a duty about its standards (charters.Duty)
    duty = models.ForeignKey(
        Duty, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    recipient = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "channel", "recipient"], name="notifications_once"
            ),
            models.UniqueConstraint(
                fields=["complaint_event", "channel", "recipient"],
                name="notifications_complaint_once",
            ),
            models.UniqueConstraint(
                fields=["survey_invitation", "channel", "recipient"],
                name="notifications_survey_once",
            ),
            models.UniqueConstraint(
                fields=["consultation_event", "channel", "recipient"],
                name="notifications_consultation_once",
            ),
            models.UniqueConstraint(
                fields=["duty", "channel", "recipient"], name="notifications_duty_once"
            ),
            models.CheckConstraint(
                condition=models.Q(event__isnull=False)
                | models.Q(complaint_event__isnull=False)
                | models.Q(survey_invitation__isnull=False)
                | models.Q(consultation_event__isnull=False)
                | models.Q(duty__isnull=False),
                name="notifications_about_something",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.channel} to {self.recipient}: {self.subject}"
