"""The outbox: every message to a citizen is a row first, sent by the worker afterwards.

A message is planned from a committed Event (so it is never sent for a change that was rolled
back), sent with retries and backoff, and never deleted: when the mail server is down it waits
and is tried again.
"""

from __future__ import annotations

from django.conf import settings
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
        # reported back by the provider (WhatsApp, SMS): each later than `sent`
        DELIVERED = "delivered", _("Delivered")
        READ = "read", _("Read")
        # undeliverable (the provider said so, or every attempt failed); a fallback row on the
        # next channel the person allows carries it on (`fallbacks`)
        FAILED = "failed", _("Failed")
        STOPPED = "stopped", _("Not sent: the recipient replied BERHENTI")

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        WHATSAPP = "whatsapp", _("WhatsApp")
        SMS = "sms", _("SMS")

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
    # or a reply to a message a citizen sent (WhatsApp, SMS), or a password-reset code
    # (kind "phone_code", about nothing else)
    inbound = models.ForeignKey(
        "InboundMessage", null=True, blank=True, on_delete=models.PROTECT, related_name="replies"
    )
    # a row written because an earlier one failed: same subject, next channel
    fallback_for = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="fallbacks"
    )
    # The person it is for, when it is someone with an account (their channel choices decide
    # the fallback); the recipient is their address on this row's channel.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # What it says, for the short texts and the WhatsApp template of its kind: an event's kind
    # ("submitted" …), "complaint", "survey", "survey_question", "reply", "phone_code" …
    kind = models.CharField(max_length=40, blank=True)
    language = models.CharField(max_length=8, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    # an email address, or an E.164 phone number for WhatsApp and SMS
    recipient = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=200)
    # the whole text by email; the short text (with its link) by WhatsApp and SMS
    body = models.TextField()
    # WhatsApp: the template's body parameters (outside the 24-hour window) and reply buttons
    # ([{"id": …, "title": …}], at most ten) for answers by a press
    params = models.JSONField(default=list, blank=True)
    buttons = models.JSONField(default=list, blank=True)
    # the provider's id of the sent message (WhatsApp "wamid…", the SMS gateway's), matched
    # by its delivery callbacks
    provider_id = models.CharField(max_length=128, blank=True, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
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
                | models.Q(duty__isnull=False)
                | models.Q(inbound__isnull=False)
                | models.Q(kind="phone_code"),
                name="notifications_about_something",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.channel} to {self.recipient}: {self.subject}"


class InboundMessage(models.Model):
    """A message a person sent to the installation's WhatsApp number or SMS number, kept as it
    came (each once: providers repeat a webhook they think was lost) with what was done."""

    channel = models.CharField(max_length=10, choices=Message.Channel.choices)
    sender = models.CharField(max_length=20)  # E.164
    provider_id = models.CharField(max_length=128)
    # the typed text, or the title of the pressed button and its id in `payload`
    text = models.TextField(blank=True)
    payload = models.CharField(max_length=200, blank=True)
    # the account whose phone number sent it, if any
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    received_at = models.DateTimeField()
    # what it was taken as: status, correction_link, survey, complaint, stop, start, help …
    outcome = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name = _("received message")
        verbose_name_plural = _("received messages")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "provider_id"], name="notifications_inbound_once"
            )
        ]
        indexes = [models.Index(fields=["channel", "sender", "-received_at"])]

    def __str__(self) -> str:
        return f"{self.channel} from {self.sender}"


class Conversation(models.Model):
    """One phone number on one channel: where its conversation stands (a complaint or a survey
    being answered one message at a time, resumable), when it last wrote (WhatsApp allows free
    text for 24 hours after that, templates otherwise), and whether it said BERHENTI."""

    channel = models.CharField(max_length=10, choices=Message.Channel.choices)
    address = models.CharField(max_length=20)  # E.164
    # "" (nothing under way), "complaint", "survey" …, with what was answered so far
    topic = models.CharField(max_length=40, blank=True)
    state = models.JSONField(default=dict, blank=True)
    last_inbound_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "address"], name="notifications_conversation_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.address}"


class ChannelHealth(models.Model):
    """Whether a channel's provider takes our messages: a refusal of the installation itself
    (an expired token, a wrong number id, a suspended account) marks it failing, alerts the
    administrators once and shows on /sehat/ until a send succeeds again."""

    channel = models.CharField(max_length=10, choices=Message.Channel.choices, unique=True)
    ok = models.BooleanField(default=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("channel health")
        verbose_name_plural = _("channel health")

    def __str__(self) -> str:
        return f"{self.channel}: {'ok' if self.ok else 'failing'}"
