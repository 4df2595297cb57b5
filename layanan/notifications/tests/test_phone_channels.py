"""Messages by WhatsApp (Cloud API) and SMS (Twilio), against local servers that speak those
APIs (`notifications.testing`): the person's chosen channels carry every message, the 24-hour
window picks free text or a template, a failure falls back to the next channel they allow, an
expired token shows on /sehat/ and alerts the administrators once, and the short texts are
short, in the person's language and free of NIKs.

Most tests plan and send as the worker does (`jobs.plan_messages`, then `send_message_now`,
what the task runs, for each due row); one runs the real worker end to end.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import time_machine
from django.core import mail
from django.test import SimpleTestCase, override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from layanan.complaints import actions as complaint_actions
from layanan.complaints.models import Category
from layanan.notifications import complaints as complaint_messages
from layanan.notifications import jobs
from layanan.notifications.channels import ProviderRefused, TryLater, Undeliverable
from layanan.notifications.channels.sms import STATUS_CALLBACK_PATH
from layanan.notifications.channels.whatsapp import error_of
from layanan.notifications.models import Conversation, Message
from layanan.notifications.short import SHORT, short_text
from layanan.notifications.testing import provider_channels
from layanan.notifications.tests.test_outbox import WorkerTestCase
from layanan.test import ANSWERS, BaseTestCase

START = dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC)
SITI_PHONE = "+6281234567890"
NIK = ANSWERS["nik_ibu"]


def due_rows() -> list[int]:
    return list(
        Message.objects.filter(status="pending", next_attempt_at__lte=dt.datetime.now(dt.UTC))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


class PhoneChannelTestCase(BaseTestCase):
    def choose(self, *channels: str, language: str = "") -> None:
        self.siti.phone = SITI_PHONE
        self.siti.notify_whatsapp = "whatsapp" in channels
        self.siti.notify_sms = "sms" in channels
        self.siti.notify_email = "email" in channels
        self.siti.language = language
        self.siti.save()

    def deliver(self) -> list[str]:
        """One turn of the worker: plan, then send every due row (what each task runs)."""
        jobs.plan_messages()
        complaint_messages.plan_messages()
        return [jobs.send_message_now(pk) for pk in due_rows()]

    def row(self, channel: str) -> Message:
        return Message.objects.filter(channel=channel).order_by("-pk")[0]


class ChosenChannelTests(PhoneChannelTestCase):
    def test_inside_the_window_the_short_text_goes_as_text(self) -> None:
        self.choose("whatsapp", "email")
        Conversation.objects.create(
            channel="whatsapp", address=SITI_PHONE, last_inbound_at=dt.datetime.now(dt.UTC)
        )
        with provider_channels() as (cloud, twilio):
            application = self.submitted()
            self.assertEqual(sorted(self.deliver()), ["sent", "sent"])
        (sent,) = cloud.sent
        self.assertEqual(sent["messaging_product"], "whatsapp")
        self.assertEqual(sent["to"], SITI_PHONE.lstrip("+"))
        self.assertEqual(sent["type"], "text")
        self.assertTrue(sent["text"]["preview_url"])
        self.assertIn(application.number, sent["text"]["body"])
        self.assertIn(f"/permohonan/{application.number}/", sent["text"]["body"])
        self.assertEqual(cloud.requests[0].headers["Authorization"], "Bearer token-of-the-test")
        row = self.row("whatsapp")
        self.assertEqual((row.status, row.kind, row.user), ("sent", "submitted", self.siti))
        self.assertTrue(row.provider_id.startswith("wamid."))
        self.assertEqual(len(mail.outbox), 1, "the email goes too")
        self.assertEqual(twilio.sent, [], "one phone channel only")

    def test_outside_the_window_the_template_of_the_kind_goes(self) -> None:
        self.choose("whatsapp")
        Conversation.objects.create(
            channel="whatsapp",
            address=SITI_PHONE,
            last_inbound_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=25),
        )
        with provider_channels() as (cloud, _twilio):
            application = self.submitted()
            self.deliver()
        (sent,) = cloud.sent
        self.assertEqual(sent["type"], "template")
        template = sent["template"]
        self.assertEqual(template["name"], "layanan_submitted")
        self.assertEqual(template["language"], {"code": "id"})
        parameters = [p["text"] for p in template["components"][0]["parameters"]]
        self.assertEqual(parameters[0], application.number)
        self.assertTrue(parameters[1].endswith(f"/permohonan/{application.number}/"))
        self.assertEqual(mail.outbox, [], "she chose WhatsApp only")
        self.assertNotIn(NIK, str(sent))

    @override_settings(
        WHATSAPP_TEMPLATES={"submitted": {"name": "permohonan_diterima", "languages": {"en": "en"}}}
    )
    def test_english_when_the_person_chose_it_and_templates_renamed_by_setting(self) -> None:
        self.choose("whatsapp", "email", language="en")
        with provider_channels() as (cloud, _twilio):
            application = self.submitted()
            self.deliver()
        template = cloud.sent[0]["template"]
        self.assertEqual(template["name"], "permohonan_diterima")
        self.assertEqual(template["language"]["code"], "en")
        row = self.row("whatsapp")
        self.assertEqual(row.language, "en")
        self.assertIn("was received", row.body)
        self.assertEqual(mail.outbox[0].subject, f"Application {application.number} received")

    def test_buttons_go_as_reply_buttons_or_a_list_within_the_window(self) -> None:
        self.choose("whatsapp")
        Conversation.objects.create(
            channel="whatsapp", address=SITI_PHONE, last_inbound_at=dt.datetime.now(dt.UTC)
        )
        few = [{"id": f"s{n}", "title": f"Pilihan nomor {n} yang panjang"} for n in range(3)]
        many = [{"id": f"s{n}", "title": f"Pilihan {n} yang sangat amat panjang"} for n in range(5)]
        with provider_channels() as (cloud, _twilio):
            for buttons in (few, many):
                row = Message.objects.create(
                    kind="reply",
                    channel="whatsapp",
                    recipient=SITI_PHONE,
                    subject="Survei",
                    body="Seberapa mudah persyaratannya?",
                    buttons=buttons,
                    next_attempt_at=dt.datetime.now(dt.UTC),
                    event=self.submitted().events.first(),
                )
                self.assertEqual(jobs.send_message_now(row.pk), "sent")
        buttons_sent, list_sent = (body["interactive"] for body in cloud.sent)
        self.assertEqual(buttons_sent["type"], "button")
        titles = [b["reply"]["title"] for b in buttons_sent["action"]["buttons"]]
        self.assertEqual(len(titles), 3)
        self.assertTrue(all(len(title) <= 20 for title in titles))
        self.assertEqual(list_sent["type"], "list")
        rows = list_sent["action"]["sections"][0]["rows"]
        self.assertEqual([r["id"] for r in rows], [f"s{n}" for n in range(5)])
        self.assertTrue(all(len(r["title"]) <= 24 for r in rows))
        self.assertEqual(list_sent["action"]["button"], "Pilih")

    def test_a_one_time_code_outside_the_window_goes_in_the_authentication_template(
        self,
    ) -> None:
        self.choose("whatsapp")
        with provider_channels() as (cloud, _twilio):
            sent = jobs.send_code_now(
                user=self.siti,
                channel_name="whatsapp",
                text="Kode Layanan Anda: 482913",
                stored="Kode Layanan Anda: ******",
                code="482913",
            )
        self.assertTrue(sent)
        template = cloud.sent[0]["template"]
        self.assertEqual(template["name"], "layanan_phone_code")
        body, button = template["components"]
        self.assertEqual(body["parameters"], [{"type": "text", "text": "482913"}])
        self.assertEqual((button["type"], button["parameters"][0]["text"]), ("button", "482913"))
        row = Message.objects.get(kind="phone_code")
        self.assertNotIn("482913", row.body + str(row.params))

    def test_a_reply_outside_the_window_is_not_sent_without_a_template(self) -> None:
        self.choose("whatsapp")
        with provider_channels() as (cloud, _twilio):
            row = Message.objects.create(
                kind="survey_question",
                channel="whatsapp",
                recipient=SITI_PHONE,
                user=self.siti,
                subject="Survei",
                body="Seberapa mudah persyaratannya?",
                next_attempt_at=dt.datetime.now(dt.UTC),
                event=self.submitted().events.first(),
            )
            self.assertEqual(jobs.send_message_now(row.pk), "failed")
        self.assertEqual(cloud.requests, [])
        row.refresh_from_db()
        self.assertIn("24-hour window", row.last_error)

    def test_sms_goes_through_twilio_with_the_status_callback(self) -> None:
        self.choose("sms", "email")
        with provider_channels() as (cloud, twilio):
            application = self.submitted()
            self.deliver()
        (form,) = twilio.sent
        self.assertEqual(form["To"], SITI_PHONE)
        self.assertEqual(form["From"], "+15005550006")
        self.assertEqual(form["StatusCallback"], f"http://127.0.0.1:8000{STATUS_CALLBACK_PATH}")
        self.assertIn(application.number, form["Body"])
        self.assertNotIn(NIK, form["Body"])
        self.assertTrue(twilio.requests[0].headers["Authorization"].startswith("Basic "))
        self.assertTrue(self.row("sms").provider_id.startswith("SM"))
        self.assertEqual(cloud.sent, [])

    def test_a_person_with_no_usable_channel_gets_a_visible_skipped_row(self) -> None:
        self.choose("whatsapp")
        self.siti.phone = ""
        self.siti.save(update_fields=["phone"])
        self.submitted()
        self.assertEqual(self.deliver(), [])
        rows = list(Message.objects.values_list("status", "recipient"))
        self.assertEqual(rows, [("skipped", "")])

    def test_an_anonymous_complainant_who_left_a_phone_gets_an_sms(self) -> None:
        complaint_actions.ensure_builtin_categories(self.disdukcapil)
        filing = complaint_actions.Filing(
            category=Category.objects.get(agency=self.disdukcapil, code="pungli"),
            description="Diminta uang.",
        )
        filing.privacy = "anonim"
        filing.contact_phone = "0812-1111-2222"
        with provider_channels() as (_cloud, twilio):
            complaint, _key = complaint_actions.file_complaint(filing=filing, complainant=None)
            self.deliver()
        (form,) = twilio.sent
        self.assertEqual(form["To"], "+6281211112222")
        self.assertIn(complaint.number, form["Body"])
        self.assertEqual(self.row("sms").kind, "complaint_filed")


class FallbackTests(PhoneChannelTestCase):
    def test_an_undeliverable_whatsapp_falls_back_to_sms_at_once(self) -> None:
        self.choose("whatsapp", "sms", "email")
        with provider_channels() as (cloud, twilio):
            cloud.fail_with("undeliverable")
            application = self.submitted()
            self.assertEqual(sorted(self.deliver()), ["failed", "sent"])
            self.assertEqual(self.deliver(), ["sent"])  # the fallback, queued on commit
        whatsapp, sms = self.row("whatsapp"), self.row("sms")
        self.assertEqual(whatsapp.status, "failed")
        self.assertIn("131026", whatsapp.last_error)
        self.assertEqual((sms.fallback_for, sms.status), (whatsapp, "sent"))
        self.assertIn(application.number, twilio.sent[0]["Body"])
        self.assertEqual(len(mail.outbox), 1, "the email was sent once, beside")

    def test_with_email_beside_it_an_undeliverable_whatsapp_is_not_sent_twice(self) -> None:
        self.choose("whatsapp", "email")
        with provider_channels() as (cloud, _twilio):
            cloud.fail_with("undeliverable")
            self.submitted()
            self.deliver()
        self.assertEqual(Message.objects.filter(fallback_for__isnull=False).count(), 0)
        self.assertEqual(len(mail.outbox), 1)

    def test_the_last_failed_attempt_falls_back(self) -> None:
        self.choose("whatsapp", "sms")
        with provider_channels() as (cloud, twilio):
            cloud.fail_with("server_error")
            with time_machine.travel(START, tick=False):
                self.submitted()
                self.assertEqual(self.deliver(), ["retry"])
            whatsapp = self.row("whatsapp")
            moment = START
            for attempt in range(2, 6):
                moment += jobs.backoff(attempt - 1) + dt.timedelta(seconds=1)
                with time_machine.travel(moment, tick=False):
                    outcome = self.deliver()
                whatsapp.refresh_from_db()
                self.assertEqual(whatsapp.attempts, attempt)
            self.assertEqual(outcome, ["failed"])
            self.assertEqual(whatsapp.status, "failed")
            with time_machine.travel(moment, tick=False):
                self.assertEqual(self.deliver(), ["sent"])
        self.assertEqual(len(cloud.requests), 5)
        self.assertEqual(self.row("sms").fallback_for, whatsapp)
        self.assertEqual(len(twilio.sent), 1)

    def test_a_number_twilio_refuses_falls_back_to_email(self) -> None:
        self.choose("sms", "email")
        self.siti.notify_email = False
        self.siti.save(update_fields=["notify_email"])
        with provider_channels() as (_cloud, twilio):
            twilio.fail_with("invalid_number")
            self.submitted()
            self.assertEqual(self.deliver(), ["failed"])
        self.assertEqual(
            self.row("sms").last_error, "Undeliverable: 21211: The 'To' number is not valid."
        )
        self.assertEqual(mail.outbox, [], "she did not choose email: no fallback")


class ProviderFailureTests(PhoneChannelTestCase):
    def health(self) -> dict[str, Any]:
        body: dict[str, Any] = self.client.get("/sehat/").json()
        return body

    def test_an_expired_token_shows_on_sehat_alerts_once_and_recovers(self) -> None:
        self.choose("whatsapp")
        with provider_channels() as (cloud, _twilio):
            cloud.fail_with("expired_token")
            with time_machine.travel(START, tick=False):
                self.submitted()
                self.assertEqual(self.deliver(), ["retry"])
                self.submitted()
                self.assertEqual(self.deliver(), ["retry"])
            body = self.health()
            self.assertFalse(body["channels"]["whatsapp"]["ok"])
            self.assertIn("190", body["channels"]["whatsapp"]["last_error"])
            self.assertEqual(len(body["alerts"]), 1)
            self.assertTrue(body["alerts"][0].startswith("whatsapp: "))
            alerts = [m for m in mail.outbox if "whatsapp" in m.subject]
            self.assertEqual(len(alerts), 1, "the administrators are told once")
            self.assertEqual(alerts[0].to, ["root@example.test"])
            cloud.recover()
            with time_machine.travel(START + dt.timedelta(minutes=2), tick=False):
                self.assertEqual(self.deliver(), ["sent", "sent"])
        body = self.health()
        self.assertTrue(body["channels"]["whatsapp"]["ok"])
        self.assertEqual(body["alerts"], [])

    def test_provider_error_codes_map_to_what_the_sender_does(self) -> None:
        import requests

        cases = {
            (401, 190): ProviderRefused,
            (400, 100): ProviderRefused,
            (403, 10): ProviderRefused,
            (400, 132001): ProviderRefused,
            (400, 131026): Undeliverable,
            (400, 131047): Undeliverable,
            (400, 131030): Undeliverable,
            (429, 130429): TryLater,
            (400, 131048): TryLater,
            (500, 131000): TryLater,
            (503, None): TryLater,
        }
        for (status, code), expected in cases.items():
            response = requests.Response()
            response.status_code = status
            error = {"error": {"code": code, "message": "m"}} if code else {}
            response._content = __import__("json").dumps(error).encode()
            with self.subTest(status=status, code=code):
                self.assertIsInstance(error_of(response), expected)


class TwilioMappingTests(PhoneChannelTestCase):
    def test_twilio_error_codes_map_to_what_the_sender_does(self) -> None:
        from twilio.base.exceptions import TwilioRestException

        from layanan.notifications.channels.sms import error_of as twilio_error_of

        cases = {
            (401, 20003): ProviderRefused,
            (400, 21606): ProviderRefused,  # the sender is not ours to use
            (400, 21211): Undeliverable,
            (400, 21614): Undeliverable,
            (400, 21610): Undeliverable,
            (429, 20429): TryLater,
            (500, 20500): TryLater,
            (503, None): TryLater,
        }
        for (status, code), expected in cases.items():
            error = TwilioRestException(status, "/Messages.json", msg="m", code=code)
            with self.subTest(status=status, code=code):
                self.assertIsInstance(twilio_error_of(error), expected)

    def test_a_messaging_service_sends_instead_of_a_number(self) -> None:
        self.choose("sms")
        with provider_channels(TWILIO_MESSAGING_SERVICE_SID="MG" + "1" * 32) as (_cloud, twilio):
            self.submitted()
            self.assertEqual(self.deliver(), ["sent"])
        (form,) = twilio.sent
        self.assertEqual(form["MessagingServiceSid"], "MG" + "1" * 32)
        self.assertNotIn("From", form)

    def test_a_provider_that_does_not_answer_is_tried_later(self) -> None:
        self.choose("whatsapp", "sms")
        with provider_channels() as providers:
            providers.cloud.stop()  # nothing listens there any more
            providers.twilio.stop()
            self.submitted()
            self.assertEqual(self.deliver(), ["retry"])
        row = self.row("whatsapp")
        self.assertEqual((row.status, row.attempts), ("pending", 1))
        self.assertIn("ConnectionError", row.last_error)


class ShortTextProperties(SimpleTestCase):
    @settings(max_examples=40, deadline=None)
    @given(
        kind=st.sampled_from(sorted(SHORT)),
        language=st.sampled_from(["id", "en"]),
        number=st.from_regex(r"[A-Z]{2,4}-20[0-9]{2}-[0-9]{6,8}", fullmatch=True),
        key=st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=40, max_size=64),
    )
    def test_short_texts_are_short_and_carry_only_their_values(
        self, kind: str, language: str, number: str, key: str
    ) -> None:
        from django.utils import translation

        link = f"https://layanan.example.go.id/pengaduan/{number}/?kunci={key}"
        values = {
            "number": number,
            "link": link,
            "amount": "Rp150.000",
            "code": "8800123456789012",
            "agency": "Dinas Kependudukan dan Pencatatan Sipil",
            "due": "31 Desember 2026",
        }
        with translation.override(language):
            text, params = short_text(kind, values)
        self.assertLessEqual(len(text), 320)
        self.assertNotIn("{", text)
        for value in params:
            self.assertIn(value, text)
        without_values = text
        for value in sorted(params, key=len, reverse=True):  # the link holds the number
            without_values = without_values.replace(value, "")
        self.assertIsNone(re.search(r"\d{16}", without_values), "no NIK-like number of its own")


class ShortTextTests(BaseTestCase):
    def test_every_planned_phone_row_is_short_and_has_no_nik(self) -> None:
        self.siti.phone, self.siti.notify_sms = SITI_PHONE, True
        self.siti.save()
        application = self.submitted()
        from layanan.cases import actions

        actions.act_on_step(
            application=application,
            step=application.steps.get(key="verifikasi"),
            officer=self.budi,
            action="return",
            note=f"NIK {NIK} salah ketik",
        )
        jobs.plan_messages()
        rows = Message.objects.filter(channel="sms")
        self.assertEqual(sorted(rows.values_list("kind", flat=True)), ["returned", "submitted"])
        for row in rows:
            self.assertLessEqual(len(row.body), 320)
            self.assertNotIn(NIK, row.body + str(row.params))
        self.assertIn(NIK, Message.objects.get(channel="email", kind="returned").body)


class WorkerEndToEndTests(WorkerTestCase):
    def test_a_citizen_who_chose_whatsapp_receives_the_tracking_number_when_she_submits(
        self,
    ) -> None:
        self.siti.phone, self.siti.notify_whatsapp = SITI_PHONE, True
        self.siti.save()
        with provider_channels() as (cloud, _twilio):
            application = self.submitted()
            self.worker_pass()
        (sent,) = cloud.sent
        self.assertEqual(sent["to"], SITI_PHONE.lstrip("+"))
        self.assertIn(application.number, str(sent))
        self.assertEqual(len(mail.outbox), 1)
        whatsapp = Message.objects.get(channel="whatsapp")
        self.assertEqual(whatsapp.status, "sent")


class SurveyInvitationTests(PhoneChannelTestCase):
    def test_the_survey_invitation_goes_by_the_chosen_phone_channel_too(self) -> None:
        from layanan.notifications.surveys import plan_messages as plan_survey_messages
        from layanan.surveys.tests.helpers import make_invitation

        self.choose("sms", "email")
        application = self.submitted()
        key = make_invitation(application)
        with provider_channels() as (_cloud, twilio):
            plan_survey_messages()
            for pk in due_rows():
                jobs.send_message_now(pk)
        sms = Message.objects.get(channel="sms", kind="survey_invitation")
        self.assertEqual(sms.status, "sent")
        (form,) = twilio.sent
        self.assertIn(application.number, form["Body"])
        self.assertIn(key, form["Body"])
        self.assertTrue(Message.objects.filter(channel="email", kind="survey_invitation"))
