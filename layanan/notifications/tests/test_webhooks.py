"""The providers' webhooks over HTTP: the handshake, signatures, received messages stored once,
delivery statuses, Twilio's SMS calls."""

from __future__ import annotations

import datetime as dt
import json

from django.test import Client, override_settings
from django.utils import timezone
from twilio.request_validator import RequestValidator

from layanan.accounts.models import AccountEvent
from layanan.lib.links import absolute_url
from layanan.notifications.models import Conversation, InboundMessage, Message
from layanan.notifications.tests.inbound import (
    AUTH_TOKEN,
    SITI_PHONE,
    STRANGER_PHONE,
    VERIFY_TOKEN,
    InboundTestCase,
    signature,
    whatsapp_status,
    whatsapp_text,
)


class HandshakeTests(InboundTestCase):
    def test_the_verify_token_gets_the_challenge_back(self):
        response = self.client.get(
            "/webhooks/whatsapp/",
            {
                "hub.mode": "subscribe",
                "hub.verify_token": VERIFY_TOKEN,
                "hub.challenge": "1158201444",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"1158201444")
        self.assertTrue(response["Content-Type"].startswith("text/plain"))

    def test_another_token_is_refused(self):
        with self.assertLogs("layanan.notifications.webhooks", "WARNING"):
            response = self.client.get(
                "/webhooks/whatsapp/",
                {"hub.mode": "subscribe", "hub.verify_token": "tebakan", "hub.challenge": "1"},
            )
        self.assertEqual(response.status_code, 403)

    @override_settings(WHATSAPP_VERIFY_TOKEN="")
    def test_no_token_configured_refuses_every_handshake(self):
        response = self.client.get(
            "/webhooks/whatsapp/",
            {"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"},
        )
        self.assertEqual(response.status_code, 403)


class SignatureTests(InboundTestCase):
    def test_an_unsigned_message_is_refused_and_nothing_is_written(self):
        with self.assertLogs("layanan.notifications.webhooks", "WARNING") as logs:
            response = self.post_whatsapp(whatsapp_text(SITI_PHONE, "STATUS"), signed="")
        self.assertEqual(response.status_code, 403)
        self.assertIn("no X-Hub-Signature-256", logs.output[0])
        self.assertFalse(InboundMessage.objects.exists())
        self.assertFalse(Message.objects.exists())
        self.assertFalse(Conversation.objects.exists())

    def test_a_signature_header_outside_ascii_is_refused_not_an_error(self):
        for signed in ("sha256=\u00ff" + "0" * 63, "sha256=\u0661" * 2):
            response = self.post_whatsapp(whatsapp_text(SITI_PHONE, "halo"), signed=signed)
            self.assertEqual(response.status_code, 403)
        self.assertFalse(InboundMessage.objects.exists())

    def test_a_wrong_signature_is_refused(self):
        payload = whatsapp_text(SITI_PHONE, "STATUS")
        forged = signature(json.dumps(payload).encode(), secret="bukan-rahasianya")
        with self.assertLogs("layanan.notifications.webhooks", "WARNING"):
            response = self.post_whatsapp(payload, signed=forged)
        self.assertEqual(response.status_code, 403)
        self.assertFalse(InboundMessage.objects.exists())

    @override_settings(WHATSAPP_APP_SECRET="")
    def test_without_an_app_secret_everything_is_refused(self):
        with self.assertLogs("layanan.notifications.webhooks", "WARNING"):
            response = self.post_whatsapp(whatsapp_text(SITI_PHONE, "STATUS"))
        self.assertEqual(response.status_code, 403)

    def test_signed_json_that_is_not_json_is_a_bad_request(self):
        body = b"{not json"
        response = self.client.post(
            "/webhooks/whatsapp/",
            body,
            content_type="application/json",
            headers={"X-Hub-Signature-256": signature(body)},
        )
        self.assertEqual(response.status_code, 400)

    def test_a_provider_needs_no_csrf_token_nor_session(self):
        payload = whatsapp_text(SITI_PHONE, "halo")
        body = json.dumps(payload).encode()
        provider = Client(enforce_csrf_checks=True)
        response = provider.post(
            "/webhooks/whatsapp/",
            body,
            content_type="application/json",
            headers={"X-Hub-Signature-256": signature(body)},
        )
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("sessionid", response.cookies)
        fields = {"From": SITI_PHONE, "Body": "halo", "MessageSid": "SMcsrf"}
        signed = RequestValidator(AUTH_TOKEN).compute_signature(
            absolute_url("/webhooks/sms/"), fields
        )
        response = provider.post("/webhooks/sms/", fields, headers={"X-Twilio-Signature": signed})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(InboundMessage.objects.count(), 2)

    def test_a_signed_payload_we_do_not_read_is_still_accepted(self):
        with self.assertLogs("layanan.notifications.webhooks", "INFO"):
            response = self.post_whatsapp({"object": "page", "entry": [{"changes": [1]}]})
        self.assertEqual(response.status_code, 200)
        self.assertFalse(InboundMessage.objects.exists())


class ReceivedTests(InboundTestCase):
    def test_a_repeated_webhook_is_stored_and_answered_once(self):
        payload = whatsapp_text(SITI_PHONE, "halo", wamid="wamid.sama")
        for _time in range(2):
            self.assertEqual(self.post_whatsapp(payload).status_code, 200)
        inbound = InboundMessage.objects.get()
        self.assertEqual((inbound.sender, inbound.user), (SITI_PHONE, self.siti))
        self.assertEqual(inbound.replies.count(), 1)

    def test_the_conversation_window_opens_with_each_message(self):
        self.say("halo")
        conversation = Conversation.objects.get(channel="whatsapp", address=SITI_PHONE)
        opened = conversation.last_inbound_at
        assert opened is not None
        self.assertLess(timezone.now() - opened, dt.timedelta(minutes=2))

    @override_settings(LAYANAN_INBOUND_SENDER_LIMIT=2)
    def test_a_flood_from_one_number_is_not_answered(self):
        self.say("satu")
        self.say("dua")
        with self.assertLogs("layanan.notifications.webhooks", "WARNING"):
            self.post_whatsapp(whatsapp_text(SITI_PHONE, "tiga"))
        third = InboundMessage.objects.latest("pk")
        self.assertEqual(third.outcome, "throttled")
        self.assertEqual(Message.objects.filter(inbound__sender=SITI_PHONE).count(), 2)
        # another number is counted on its own
        self.say("halo", phone=STRANGER_PHONE)
        # over the limit, BERHENTI still takes effect (an opt-out is never lost)
        self.post_whatsapp(whatsapp_text(SITI_PHONE, "BERHENTI"))
        self.assertIsNotNone(Conversation.objects.get(address=SITI_PHONE).stopped_at)
        self.siti.refresh_from_db()
        self.assertFalse(self.siti.notify_whatsapp)


class DeliveryStatusTests(InboundTestCase):
    def sent_reply(self, wamid: str) -> Message:
        reply = self.say("halo")
        Message.objects.filter(pk=reply.pk).update(
            status=Message.Status.SENT, provider_id=wamid, sent_at=timezone.now()
        )
        return reply

    def test_delivered_then_read(self):
        reply = self.sent_reply("wamid.keluar1")
        self.post_whatsapp(whatsapp_status("wamid.keluar1", "delivered"))
        reply.refresh_from_db()
        self.assertEqual(reply.status, Message.Status.DELIVERED)
        self.assertIsNotNone(reply.delivered_at)
        self.post_whatsapp(whatsapp_status("wamid.keluar1", "read"))
        reply.refresh_from_db()
        self.assertEqual(reply.status, Message.Status.READ)
        self.assertIsNotNone(reply.read_at)

    def test_a_failure_falls_back_to_email_she_allows(self):
        reply = self.sent_reply("wamid.keluar2")
        failed = whatsapp_status(
            "wamid.keluar2",
            "failed",
            errors=[{"code": 131026, "title": "Message undeliverable"}],
        )
        self.assertEqual(self.post_whatsapp(failed).status_code, 200)
        reply.refresh_from_db()
        self.assertEqual(reply.status, Message.Status.FAILED)
        self.assertIn("131026", reply.last_error)
        fallback = Message.objects.get(fallback_for=reply)
        self.assertEqual((fallback.channel, fallback.recipient), ("email", self.siti.email))

    def test_a_late_delivered_report_leaves_a_failed_message_failed(self):
        reply = self.sent_reply("wamid.keluar3")
        self.post_whatsapp(whatsapp_status("wamid.keluar3", "failed"))
        self.post_whatsapp(whatsapp_status("wamid.keluar3", "delivered"))
        reply.refresh_from_db()
        self.assertEqual(reply.status, Message.Status.FAILED)
        self.assertEqual(Message.objects.filter(fallback_for=reply).count(), 1)

    def test_a_status_for_a_message_of_nobody_changes_nothing(self):
        response = self.post_whatsapp(whatsapp_status("wamid.lain", "delivered"))
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Message.objects.exists())


class SmsTests(InboundTestCase):
    def test_a_signed_sms_is_answered_through_the_outbox(self):
        response = self.post_sms(
            "/webhooks/sms/",
            {"From": "+6281234567890", "Body": "bantuan", "MessageSid": "SM0001"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/xml")
        self.assertIn(b"<Response/>", response.content)
        inbound = InboundMessage.objects.get(channel="sms")
        reply = inbound.replies.get()
        self.assertEqual((reply.channel, reply.recipient), ("sms", SITI_PHONE))
        self.assertIn("STATUS", reply.body)

    def test_text_no_database_keeps_is_cleaned(self):
        fields = {"From": "081234567890", "Body": "hal\x00o", "MessageSid": "SM0004"}
        self.assertEqual(self.post_sms("/webhooks/sms/", fields).status_code, 200)
        inbound = InboundMessage.objects.get()
        self.assertEqual((inbound.text, inbound.sender), ("halo", SITI_PHONE))

    @override_settings(
        LAYANAN_SITE_URL="https://layanan.example.go.id",
        SECURE_SSL_REDIRECT=True,
        SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    )
    def test_behind_a_tls_proxy_the_public_address_is_what_twilio_signed(self):
        fields = {"From": SITI_PHONE, "Body": "halo", "MessageSid": "SMproxy"}
        signed = RequestValidator(AUTH_TOKEN).compute_signature(
            "https://layanan.example.go.id/webhooks/sms/", fields
        )
        # the proxy passes the call on as plain HTTP to its own host name
        response = self.client.post(
            "/webhooks/sms/",
            fields,
            headers={"X-Twilio-Signature": signed, "X-Forwarded-Proto": "https"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(InboundMessage.objects.get().provider_id, "SMproxy")

    def test_an_unsigned_or_forged_sms_is_refused(self):
        fields = {"From": "+6281234567890", "Body": "BERHENTI", "MessageSid": "SM0002"}
        with self.assertLogs("layanan.notifications.webhooks", "WARNING"):
            self.assertEqual(self.post_sms("/webhooks/sms/", fields, signed="").status_code, 403)
            forged = self.post_sms("/webhooks/sms/", fields, signed="c2lhcGEgaW5pPw==")
            self.assertEqual(forged.status_code, 403)
        self.assertFalse(InboundMessage.objects.exists())
        self.assertFalse(AccountEvent.objects.filter(kind="channel_stopped").exists())

    def test_a_signature_over_other_fields_is_refused(self):
        signed_for = {"From": "+6281234567890", "Body": "halo", "MessageSid": "SM0003"}
        sent = {**signed_for, "Body": "BERHENTI"}
        forged = RequestValidator(AUTH_TOKEN).compute_signature(
            absolute_url("/webhooks/sms/"), signed_for
        )
        with self.assertLogs("layanan.notifications.webhooks", "WARNING"):
            response = self.post_sms("/webhooks/sms/", sent, signed=forged)
        self.assertEqual(response.status_code, 403)

    def test_delivery_callbacks_update_the_message(self):
        self.siti.notify_sms = True
        self.siti.save(update_fields=["notify_sms"])
        self.post_sms("/webhooks/sms/", {"From": SITI_PHONE, "Body": "hai", "MessageSid": "SM9"})
        reply = Message.objects.get(channel="sms")
        Message.objects.filter(pk=reply.pk).update(status="sent", provider_id="SMkeluar")
        self.post_sms(
            "/webhooks/sms/status/", {"MessageSid": "SMkeluar", "MessageStatus": "delivered"}
        )
        reply.refresh_from_db()
        self.assertEqual(reply.status, Message.Status.DELIVERED)

    def test_an_undelivered_sms_fails_with_its_error_code(self):
        self.post_sms("/webhooks/sms/", {"From": SITI_PHONE, "Body": "hai", "MessageSid": "SM8"})
        reply = Message.objects.get(channel="sms")
        Message.objects.filter(pk=reply.pk).update(status="sent", provider_id="SMgagal")
        response = self.post_sms(
            "/webhooks/sms/status/",
            {"MessageSid": "SMgagal", "MessageStatus": "undelivered", "ErrorCode": "30003"},
        )
        self.assertEqual(response.status_code, 200)
        reply.refresh_from_db()
        self.assertEqual(reply.status, Message.Status.FAILED)
        self.assertIn("30003", reply.last_error)
        # siti allows WhatsApp before SMS only: email comes after SMS
        self.assertEqual(Message.objects.get(fallback_for=reply).channel, "email")

    def test_an_unsigned_status_is_refused(self):
        with self.assertLogs("layanan.notifications.webhooks", "WARNING"):
            response = self.post_sms(
                "/webhooks/sms/status/", {"MessageSid": "x", "MessageStatus": "failed"}, signed=""
            )
        self.assertEqual(response.status_code, 403)
