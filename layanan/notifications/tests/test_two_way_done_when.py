"""Issue 15's "done when", end to end through both local providers (`notifications.testing`)
and the signed webhooks, as a citizen and the providers see it:

- a citizen whose profile chooses WhatsApp receives a message naming the tracking number when
  she submits; a signed "STATUS <number>" from her phone gets a reply with the status; an
  unsigned one is refused (403);
- a failed delivery falls back to the next channel, and a provider failure shows on /sehat/;
- a citizen with only a phone number resets their password by a code sent to that phone.
"""

from __future__ import annotations

import json
import re

import time_machine
from django.test import SimpleTestCase, override_settings
from django.utils import timezone

from layanan.cases.presenters import status_sentence
from layanan.notifications import health, jobs
from layanan.notifications.channels import ProviderRefused
from layanan.notifications.checks import channels_configured
from layanan.notifications.models import InboundMessage, Message
from layanan.notifications.testing import provider_channels
from layanan.notifications.tests.inbound import (
    SITI_PHONE,
    InboundTestCase,
    whatsapp_status,
    whatsapp_text,
)
from layanan.notifications.tests.test_phone_channels import due_rows
from layanan.test import BaseTestCase


class DoneWhenTests(InboundTestCase):
    def deliver(self) -> None:
        """The worker's turn: plan from new events, send every due row."""
        jobs.plan_messages()
        for pk in due_rows():
            jobs.send_message_now(pk)

    def test_submit_then_ask_status_by_whatsapp_and_an_unsigned_message_is_refused(self) -> None:
        with provider_channels() as (cloud, twilio):
            application = self.submitted()
            self.deliver()
            (submitted,) = cloud.sent
            self.assertEqual(submitted["to"], SITI_PHONE.lstrip("+"))
            self.assertIn(application.number, json.dumps(submitted))

            response = self.post_whatsapp(whatsapp_text(SITI_PHONE, f"status {application.number}"))
            self.assertEqual(response.status_code, 200)
            self.deliver()
            reply = cloud.sent[-1]
            # she wrote a moment ago: the answer goes as free text inside the 24-hour window
            self.assertEqual(reply["type"], "text")
            self.assertEqual(reply["to"], SITI_PHONE.lstrip("+"))
            application.refresh_from_db()
            self.assertIn(application.number, reply["text"]["body"])
            self.assertIn(str(status_sentence(application)), reply["text"]["body"])

            received = InboundMessage.objects.count()
            for signed in ("", "sha256=" + "0" * 64):
                response = self.post_whatsapp(
                    whatsapp_text(SITI_PHONE, f"STATUS {application.number}"), signed=signed
                )
                self.assertEqual(response.status_code, 403)
            self.assertEqual(InboundMessage.objects.count(), received, "nothing stored")
            self.assertEqual(len(cloud.sent), 2, "and nothing answered")
            self.assertEqual(twilio.sent, [])

    def test_a_failed_delivery_falls_back_and_a_provider_failure_shows_on_sehat(self) -> None:
        self.siti.notify_sms = True
        self.siti.save(update_fields=["notify_sms"])
        with provider_channels() as (cloud, twilio):
            application = self.submitted()
            self.deliver()
            whatsapp = Message.objects.get(channel="whatsapp", kind="submitted")
            self.assertEqual(whatsapp.status, "sent")
            self.assertEqual(twilio.sent, [])

            # Meta reports the message failed (the phone left WhatsApp): SMS carries it
            failed = whatsapp_status(
                whatsapp.provider_id,
                "failed",
                errors=[{"code": 131026, "title": "Message undeliverable"}],
            )
            self.assertEqual(self.post_whatsapp(failed).status_code, 200)
            self.deliver()
            whatsapp.refresh_from_db()
            self.assertEqual(whatsapp.status, "failed")
            (sms,) = twilio.sent
            self.assertEqual(sms["To"], SITI_PHONE)
            self.assertIn(application.number, sms["Body"])
            self.assertEqual(Message.objects.get(channel="sms").fallback_for, whatsapp)

            # the token expires: the next message is kept for later, and /sehat/ says why
            self.assertTrue(self.client.get("/sehat/").json()["channels"]["whatsapp"]["ok"])
            cloud.fail_with("expired_token")
            self.submitted()
            self.deliver()
            health = self.client.get("/sehat/").json()
            self.assertFalse(health["channels"]["whatsapp"]["ok"])
            self.assertIn("190", health["channels"]["whatsapp"]["last_error"])
            self.assertEqual(len(health["alerts"]), 1)
            self.assertTrue(health["alerts"][0].startswith("whatsapp: "))
            self.assertEqual(
                Message.objects.filter(channel="whatsapp", status="pending").count(), 1
            )


class PhoneOnlyResetTests(BaseTestCase):
    def test_a_citizen_with_only_a_phone_number_resets_the_password_by_sms(self) -> None:
        agus = self.agus
        agus.email, agus.phone = "", "+6285712345678"
        agus.save(update_fields=["email", "phone"])
        with provider_channels() as (cloud, twilio):
            response = self.client.post(
                "/masuk/lupa-sandi/telepon/", {"phone": "0857-1234-5678", "channel": "sms"}
            )
            self.assertRedirects(response, "/masuk/lupa-sandi/telepon/kode/")
            (sent,) = twilio.sent
            self.assertEqual(sent["To"], "+6285712345678")
            code = re.search(r"\b\d{6}\b", sent["Body"])
            assert code is not None, sent["Body"]
            self.assertEqual(cloud.sent, [])
            # the outbox keeps that a code went, never the code itself
            self.assertNotIn(code[0], Message.objects.get(kind="phone_code").body)

        new_password = "kopi-tubruk-di-alun-alun"
        response = self.client.post(
            "/masuk/lupa-sandi/telepon/kode/",
            {"code": code[0], "password1": new_password, "password2": new_password},
        )
        self.assertRedirects(response, "/masuk/", fetch_redirect_response=False)
        self.assertTrue(self.client.login(username=agus.username, password=new_password))
        self.client.logout()
        again = self.client.post(
            "/masuk/lupa-sandi/telepon/kode/",
            {"code": code[0], "password1": "lain-lagi-123!", "password2": "lain-lagi-123!"},
        )
        # a code works once: the page asks for a number again, the password stays
        self.assertRedirects(again, "/masuk/lupa-sandi/telepon/")
        self.assertTrue(self.client.login(username=agus.username, password=new_password))


class LoudButDiscreetTests(BaseTestCase):
    def test_sehat_shows_a_providers_refusal_without_the_phone_number_in_it(self) -> None:
        health.refused(
            "sms", ProviderRefused("The number +6281234567890 is unverified", code="21608")
        )
        body = self.client.get("/sehat/").json()
        self.assertFalse(body["channels"]["sms"]["ok"])
        self.assertIn("21608", body["channels"]["sms"]["last_error"])
        self.assertNotIn("6281234567890", json.dumps(body))

    def test_an_interrupted_code_is_failed_not_sent_again_without_its_code(self) -> None:
        with time_machine.travel(timezone.now(), tick=False) as traveller:
            code = Message.objects.create(
                user=self.siti,
                kind="phone_code",
                channel="sms",
                recipient="+6281234567890",
                subject="Kode",
                body="Kode Layanan Anda: ••••••",
                status=Message.Status.SENDING,
                next_attempt_at=timezone.now(),
            )
            traveller.shift(jobs.STUCK_AFTER * 2)
            jobs.release_stuck()
        code.refresh_from_db()
        self.assertEqual(code.status, Message.Status.FAILED)
        self.assertEqual(jobs.requeue_lost(), 0)


class DeployCheckTests(SimpleTestCase):
    """What `layanan check --deploy` adds about the channels (its other checks need a
    database, so the channels' check is called as the check framework calls it)."""

    def warnings(self) -> list[str]:
        return [warning.id or "" for warning in channels_configured()]

    def test_a_channel_left_on_the_console_or_deaf_to_replies_is_warned_of(self) -> None:
        with override_settings(
            LAYANAN_CHANNELS={
                "email": "layanan.notifications.channels.email.EmailChannel",
                "whatsapp": "layanan.notifications.channels.console.ConsoleWhatsApp",
                "sms": "layanan.notifications.channels.console.ConsoleSms",
            }
        ):
            self.assertEqual(
                self.warnings(), ["layanan.notifications.W001", "layanan.notifications.W002"]
            )
        with provider_channels(WHATSAPP_APP_SECRET="", WHATSAPP_VERIFY_TOKEN=""):
            self.assertEqual(self.warnings(), ["layanan.notifications.W003"])
        with provider_channels(WHATSAPP_APP_SECRET="s", WHATSAPP_VERIFY_TOKEN="v"):
            self.assertEqual(self.warnings(), [])
