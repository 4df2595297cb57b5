"""Signed calls of the WhatsApp Cloud API and Twilio, built as the providers build them, for the
tests of the webhooks and of the conversations (siti writes from her phone, +6281234567890)."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from typing import Any

from django.test import override_settings
from twilio.request_validator import RequestValidator

from layanan.lib.links import absolute_url
from layanan.notifications.models import InboundMessage, Message
from layanan.test import BaseTestCase

APP_SECRET = "rahasia-aplikasi-meta"
VERIFY_TOKEN = "token-verifikasi"
AUTH_TOKEN = "token-twilio"
SITI_PHONE = "+6281234567890"
STRANGER_PHONE = "+6285700001111"
_ids = itertools.count(1)


def whatsapp_value(**value: Any) -> dict[str, Any]:
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": value}]}],
    }


def whatsapp_text(phone: str, text: str, *, wamid: str = "") -> dict[str, Any]:
    """A typed message as the Cloud API reports it (the sender without the plus)."""
    return whatsapp_value(
        messaging_product="whatsapp",
        metadata={"display_phone_number": "6281100000000", "phone_number_id": "1234"},
        contacts=[{"profile": {"name": "Warga"}, "wa_id": phone.lstrip("+")}],
        messages=[
            {
                "from": phone.lstrip("+"),
                "id": wamid or f"wamid.in{next(_ids)}",
                "timestamp": str(int(time.time())),
                "type": "text",
                "text": {"body": text},
            }
        ],
    )


def whatsapp_button(phone: str, button_id: str, title: str) -> dict[str, Any]:
    return whatsapp_value(
        messaging_product="whatsapp",
        messages=[
            {
                "from": phone.lstrip("+"),
                "id": f"wamid.in{next(_ids)}",
                "timestamp": str(int(time.time())),
                "type": "interactive",
                "interactive": {
                    "type": "button_reply",
                    "button_reply": {"id": button_id, "title": title},
                },
            }
        ],
    )


def whatsapp_status(wamid: str, status: str, **extra: Any) -> dict[str, Any]:
    return whatsapp_value(
        messaging_product="whatsapp",
        statuses=[
            {
                "id": wamid,
                "status": status,
                "timestamp": str(int(time.time())),
                "recipient_id": "6281234567890",
                **extra,
            }
        ],
    )


def signature(body: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@override_settings(
    WHATSAPP_APP_SECRET=APP_SECRET,
    WHATSAPP_VERIFY_TOKEN=VERIFY_TOKEN,
    TWILIO_AUTH_TOKEN=AUTH_TOKEN,
)
class InboundTestCase(BaseTestCase):
    """siti has her phone on her account and chose WhatsApp and email."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.siti.phone = SITI_PHONE
        cls.siti.notify_whatsapp = True
        cls.siti.save(update_fields=["phone", "notify_whatsapp"])

    def post_whatsapp(self, payload: Any, *, signed: str | None = None) -> Any:
        body = json.dumps(payload).encode()
        headers = {"X-Hub-Signature-256": signed if signed is not None else signature(body)}
        return self.client.post(
            "/webhooks/whatsapp/", body, content_type="application/json", headers=headers
        )

    def say(self, text: str, phone: str = SITI_PHONE) -> Message:
        """Send `text` by WhatsApp from `phone`; the one reply it got (the last, if several)."""
        response = self.post_whatsapp(whatsapp_text(phone, text))
        self.assertEqual(response.status_code, 200)
        inbound = InboundMessage.objects.filter(sender=phone).latest("pk")
        reply = inbound.replies.order_by("pk").last()
        assert reply is not None, f"no reply to {text!r} ({inbound.outcome})"
        return reply

    def post_sms(self, path: str, fields: dict[str, str], *, signed: str | None = None) -> Any:
        if signed is None:
            signed = RequestValidator(AUTH_TOKEN).compute_signature(absolute_url(path), fields)
        return self.client.post(path, fields, headers={"X-Twilio-Signature": signed})
