"""Forgotten password, by phone: /masuk/lupa-sandi/telepon/ and
`POST /api/v1/auth/password-reset/phone[/confirm]`, through HTTP, with WhatsApp and SMS sent
by a recording channel (settings.LAYANAN_CHANNELS) so that the test reads the code.

tono is a citizen with only a phone number (and an API token); budi is an officer with a phone
number on his account; nobody has +6281299990000.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, ClassVar

import time_machine
from django.test import override_settings
from django.utils import timezone

from layanan.accounts.models import AccountEvent, ApiToken, PhoneCode, User
from layanan.accounts.tokens import issue_token
from layanan.notifications.channels import TryLater
from layanan.notifications.models import Message
from layanan.test import BaseTestCase

NEW_PASSWORD = "sawah hijau pagi"
REQUEST = "/api/v1/auth/password-reset/phone"
CONFIRM = f"{REQUEST}/confirm"


class RecordingChannel:
    """A WhatsApp or SMS provider that keeps what it was given."""

    name = "recording"
    max_attempts: int | None = 5
    sent: ClassVar[list[tuple[str, str]]] = []

    def send(self, message: Message, *, text: str | None = None) -> str:
        RecordingChannel.sent.append((message.recipient, text or message.body))
        return f"recorded.{len(RecordingChannel.sent)}"


class DownChannel:
    """A provider that cannot take anything now."""

    name = "down"
    max_attempts: int | None = 5

    def send(self, message: Message, *, text: str | None = None) -> str:
        raise TryLater("503 from the provider")


HERE = "layanan.accounts.tests.test_phone_reset"
CHANNELS = {
    "email": "layanan.notifications.channels.email.EmailChannel",
    "whatsapp": f"{HERE}.RecordingChannel",
    "sms": f"{HERE}.RecordingChannel",
}


@override_settings(LAYANAN_CHANNELS=CHANNELS)
class PhoneResetTestCase(BaseTestCase):
    tono: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.tono = User.objects.create_user(
            username="+6281211112222", phone="+6281211112222", full_name="Tono", password="x"
        )
        cls.budi.phone = "+6281233334444"
        cls.budi.save(update_fields=["phone"])

    def setUp(self) -> None:
        RecordingChannel.sent.clear()

    def ask(self, phone: str = "0812 1111 2222", channel: str = "whatsapp") -> Any:
        return self.client.post("/masuk/lupa-sandi/telepon/", {"phone": phone, "channel": channel})

    def confirm(self, code: str, password: str = NEW_PASSWORD) -> Any:
        return self.client.post(
            "/masuk/lupa-sandi/telepon/kode/",
            {"code": code, "password1": password, "password2": password},
        )

    def last_code(self) -> str:
        recipient, text = RecordingChannel.sent[-1]
        self.assertEqual(recipient, "+6281211112222")
        found = re.search(r"\b(\d{6})\b", text)
        assert found is not None, text
        return found.group(1)


class PhoneResetPageTests(PhoneResetTestCase):
    def test_linked_from_the_sign_in_page_and_the_email_reset_page(self) -> None:
        for page in ("/masuk/", "/masuk/lupa-sandi/"):
            self.assertContains(self.client.get(page), 'href="/masuk/lupa-sandi/telepon/"')

    def test_a_code_by_whatsapp_resets_the_password(self) -> None:
        response = self.ask()
        self.assertRedirects(response, "/masuk/lupa-sandi/telepon/kode/")
        self.assertContains(self.client.get(response["Location"]), "0812-1111-2222")
        code = self.last_code()
        self.assertIn(f"Kode Layanan Anda: {code}. Berlaku 10 menit.", RecordingChannel.sent[0][1])
        # The outbox keeps the message without the code.
        stored = Message.objects.get(user=self.tono, kind="phone_code")
        self.assertEqual((stored.channel, stored.status), ("whatsapp", "sent"))
        self.assertNotIn(code, stored.body)
        self.assertRedirects(self.confirm(code), "/masuk/", fetch_redirect_response=False)
        self.assertTrue(self.client.login(username="0812-1111-2222", password=NEW_PASSWORD))
        kinds = list(self.tono.account_events.values_list("kind", "fields"))
        self.assertIn(("phone_code_sent", []), kinds)
        self.assertIn(("password_reset_by_phone", ["password"]), kinds)

    def test_the_message_is_in_english_for_a_citizen_who_chose_it(self) -> None:
        User.objects.filter(pk=self.tono.pk).update(language="en")
        self.ask(channel="sms")
        self.assertRegex(RecordingChannel.sent[-1][1], r"^Your Layanan code: \d{6}\. Valid for 10")

    def test_a_used_code_is_refused(self) -> None:
        self.ask()
        code = self.last_code()
        self.confirm(code)
        self.ask()  # the session needs a number; a new code is sent, the old one stays used
        response = self.confirm(code, password="another long phrase")
        self.assertContains(response, "code", status_code=400)
        signed_in = self.client.login(username="+6281211112222", password="another long phrase")
        self.assertFalse(signed_in)

    def test_an_expired_code_is_refused(self) -> None:
        with time_machine.travel(timezone.now(), tick=False) as traveller:
            self.ask()
            traveller.shift(dt.timedelta(minutes=10, seconds=1))
            response = self.confirm(self.last_code())
        self.assertContains(response, "10 menit", status_code=400)
        self.assertFalse(self.client.login(username="+6281211112222", password=NEW_PASSWORD))

    def test_five_wrong_codes_exhaust_it(self) -> None:
        self.ask()
        code = self.last_code()
        wrong = f"{(int(code) + 1) % 1_000_000:06d}"
        for _try in range(PhoneCode.MAX_TRIES):
            self.assertEqual(self.confirm(wrong).status_code, 400)
        response = self.confirm(code)
        self.assertContains(response, "terlalu banyak", status_code=400)
        state = PhoneCode.objects.get(user=self.tono).state_at(timezone.now())
        self.assertEqual(state, "exhausted")

    def test_a_newer_code_replaces_the_older(self) -> None:
        self.ask()
        older = self.last_code()
        self.ask(channel="sms")
        newer = self.last_code()
        if older == newer:  # one chance in a million
            return
        response = self.confirm(older)
        self.assertContains(response, "Kode yang lebih baru", status_code=400)
        self.assertRedirects(self.confirm(newer), "/masuk/", fetch_redirect_response=False)

    def test_an_officer_and_an_unknown_number_get_the_same_answer_and_no_message(self) -> None:
        for phone in ("0812 3333 4444", "0812 9999 0000"):
            response = self.ask(phone=phone)
            self.assertRedirects(response, "/masuk/lupa-sandi/telepon/kode/")
        self.assertEqual(RecordingChannel.sent, [])
        self.assertFalse(PhoneCode.objects.exists())
        self.assertEqual(self.confirm("123456").status_code, 400)

    def test_requests_for_one_number_are_limited(self) -> None:
        for _try in range(3):
            self.assertEqual(self.ask(phone="+62 812-9999-0000").status_code, 302)
        response = self.ask(phone="0812 9999 0000")
        self.assertEqual(response.status_code, 429)
        self.assertGreater(int(response["Retry-After"]), 0)

    @override_settings(LAYANAN_CHANNELS={**CHANNELS, "whatsapp": f"{HERE}.DownChannel"})
    def test_a_provider_that_is_down_offers_the_other_channel(self) -> None:
        response = self.ask()
        self.assertContains(response, "Pilih SMS", status_code=503)
        self.assertFalse(PhoneCode.objects.exists())
        self.assertFalse(self.tono.account_events.filter(kind="phone_code_sent").exists())
        self.assertEqual(self.ask(channel="sms").status_code, 302)
        self.assertEqual(PhoneCode.objects.get(user=self.tono).channel, "sms")

    def test_bad_input_is_named_next_to_its_field(self) -> None:
        response = self.ask(phone="12", channel="pigeon")
        self.assertContains(response, "nomor HP akun Anda", status_code=400)
        self.assertEqual(RecordingChannel.sent, [])
        self.assertRedirects(
            self.client.get("/masuk/lupa-sandi/telepon/kode/"), "/masuk/lupa-sandi/telepon/"
        )


class PhoneResetApiTests(PhoneResetTestCase):
    def post(self, url: str, body: dict[str, str]) -> Any:
        return self.client.post(url, body, content_type="application/json")

    def request_code(self, phone: str, channel: str = "sms") -> Any:
        return self.post(REQUEST, {"phone": phone, "channel": channel})

    def test_request_and_confirm_revoke_the_tokens(self) -> None:
        secret, _row = issue_token(self.tono, label="phone app")
        response = self.request_code("0812-1111-2222")
        self.assertEqual(response.status_code, 202)
        body = {"phone": "+6281211112222", "code": self.last_code(), "password": NEW_PASSWORD}
        done = self.post(CONFIRM, body)
        self.assertEqual(done.status_code, 204)
        self.assertFalse(ApiToken.objects.filter(user=self.tono, revoked_at__isnull=True).exists())
        again = self.post(CONFIRM, body)
        self.assertEqual((again.status_code, list(again.json()["fields"])), (400, ["code"]))
        signed_in = {"username": "081211112222", "password": NEW_PASSWORD}
        token = self.post("/api/v1/auth/token", signed_in)
        self.assertEqual(token.status_code, 200, secret)

    def test_a_code_sent_to_a_former_number_opens_nothing(self) -> None:
        self.request_code("081211112222")
        code = self.last_code()  # in the hands of whoever has +6281211112222
        User.objects.filter(pk=self.tono.pk).update(phone="+6281255556666")
        body = {"phone": "081255556666", "code": code, "password": NEW_PASSWORD}
        answer = self.post(CONFIRM, body)
        self.assertEqual((answer.status_code, list(answer.json()["fields"])), (400, ["code"]))
        self.assertFalse(self.client.login(username="+6281211112222", password=NEW_PASSWORD))

    def test_unknown_number_same_answer_and_bad_input_named(self) -> None:
        known = self.request_code("081211112222", "whatsapp")
        unknown = self.request_code("081299990000", "whatsapp")
        self.assertEqual((known.status_code, known.json()), (unknown.status_code, unknown.json()))
        bad = self.post(REQUEST, {"phone": "x", "channel": "fax"})
        self.assertEqual((bad.status_code, bad.json()["code"]), (400, "invalid"))
        weak = {"phone": "081211112222", "code": self.last_code(), "password": "123"}
        answer = self.post(CONFIRM, weak)
        self.assertEqual((answer.status_code, list(answer.json()["fields"])), (400, ["password"]))

    @override_settings(LAYANAN_CHANNELS={**CHANNELS, "sms": f"{HERE}.DownChannel"})
    def test_a_provider_that_is_down_answers_503(self) -> None:
        response = self.request_code("081211112222")
        self.assertEqual((response.status_code, response.json()["code"]), (503, "not_sent"))
        self.assertIn("WhatsApp", response.json()["fields"]["channel"][0])
        sent = AccountEvent.objects.filter(user=self.tono, kind="phone_code_sent")
        self.assertFalse(sent.exists())

    def test_rate_limited_with_retry_after(self) -> None:
        for _try in range(3):
            self.request_code("081299990000")
        response = self.request_code("081299990000")
        self.assertEqual((response.status_code, response.json()["code"]), (429, "rate_limited"))
        self.assertGreater(int(response["Retry-After"]), 0)
