"""Local servers that speak the providers' APIs, for tests (and a demo without accounts).

`FakeCloudApi` answers WhatsApp Cloud API sends (POST /<phone-number-id>/messages) and
`FakeTwilio` Twilio's Messages.json, each a real HTTP server on 127.0.0.1 in a thread. They
record every request and can be told to fail the way the real ones do (an expired token, an
undeliverable number, a server error). `provider_channels()` points the settings at them and
selects the real channel classes:

    with provider_channels() as (cloud, twilio):
        cloud.fail_with("expired_token")
        ...
        self.assertIn("T-2026-…", cloud.requests[0].body["text"]["body"])
"""

from __future__ import annotations

import base64
import itertools
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from django.test import override_settings

PHONE_NUMBER_ID = "100200300"
WHATSAPP_TOKEN = "token-of-the-test"  # noqa: S105 (the fake server's, not a secret)
TWILIO_SID = "AC" + "0" * 32
TWILIO_TOKEN = "twilio-token-of-the-test"  # noqa: S105
TWILIO_FROM = "+15005550006"


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any  # the JSON (Cloud API) or the form as a dict of first values (Twilio)


@dataclass
class Failure:
    status: int
    body: dict[str, Any]
    times: int | None  # None: until told otherwise


class FakeServer:
    """A threaded HTTP server on a free port of 127.0.0.1; subclasses answer POSTs."""

    failures: dict[str, tuple[int, dict[str, Any]]] = {}

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.failure: Failure | None = None
        self.lock = threading.Lock()
        self.ids = itertools.count(1)
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                status, answer = server.answer(self.path, dict(self.headers.items()), raw)
                encoded = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(encoded)))
                self.end_headers()
                self.wfile.write(encoded)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet in the test output

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    def fail_with(self, kind: str, *, times: int | None = None) -> None:
        """Answer the next `times` sends (all, when None) with failure `kind`."""
        status, body = self.failures[kind]
        self.failure = Failure(status, body, times)

    def recover(self) -> None:
        self.failure = None

    def take_failure(self) -> tuple[int, dict[str, Any]] | None:
        with self.lock:
            failure = self.failure
            if failure is None:
                return None
            if failure.times is not None:
                failure.times -= 1
                if failure.times <= 0:
                    self.failure = None
            return failure.status, failure.body

    def answer(self, path: str, headers: dict[str, str], raw: str) -> tuple[int, dict[str, Any]]:
        raise NotImplementedError


def graph_error(code: int, message: str, *, kind: str = "OAuthException") -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "code": code, "fbtrace_id": "Afake"}}


class FakeCloudApi(FakeServer):
    """WhatsApp Cloud API: POST /<phone-number-id>/messages with the bearer token."""

    failures = {
        "expired_token": (
            401,
            graph_error(190, "Error validating access token: Session has expired."),
        ),
        "undeliverable": (
            400,
            graph_error(131026, "Message undeliverable", kind="OAuthException"),
        ),
        "server_error": (500, graph_error(131000, "Something went wrong")),
        "rate_limited": (429, graph_error(130429, "Rate limit hit")),
    }

    def answer(self, path: str, headers: dict[str, str], raw: str) -> tuple[int, dict[str, Any]]:
        body = json.loads(raw or "{}")
        self.requests.append(Recorded("POST", path, headers, body))
        if path.rstrip("/") != f"/{PHONE_NUMBER_ID}/messages":
            return 400, graph_error(100, "Unsupported post request: object does not exist")
        failure = self.take_failure()
        if failure is not None:
            return failure
        if headers.get("Authorization") != f"Bearer {WHATSAPP_TOKEN}":
            return 401, graph_error(190, "Invalid OAuth access token.")
        wamid = f"wamid.FAKE{next(self.ids):08d}"
        return 200, {
            "messaging_product": "whatsapp",
            "contacts": [{"input": body.get("to", ""), "wa_id": body.get("to", "")}],
            "messages": [{"id": wamid}],
        }

    @property
    def sent(self) -> list[dict[str, Any]]:
        return [r.body for r in self.requests]


def twilio_error(status: int, code: int, message: str) -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


class FakeTwilio(FakeServer):
    """Twilio's Messages resource: POST /2010-04-01/Accounts/<sid>/Messages.json, basic auth."""

    failures = {
        "auth": (401, twilio_error(401, 20003, "Authenticate")),
        "invalid_number": (400, twilio_error(400, 21211, "The 'To' number is not valid.")),
        "unsubscribed": (400, twilio_error(400, 21610, "Attempt to send to unsubscribed")),
        "server_error": (500, twilio_error(500, 20500, "Internal Server Error")),
    }

    def answer(self, path: str, headers: dict[str, str], raw: str) -> tuple[int, dict[str, Any]]:
        form = {key: values[0] for key, values in parse_qs(raw).items()}
        self.requests.append(Recorded("POST", path, headers, form))
        if path != f"/2010-04-01/Accounts/{TWILIO_SID}/Messages.json":
            return 404, twilio_error(404, 20404, "The requested resource was not found")
        failure = self.take_failure()
        if failure is not None:
            return failure
        expected = base64.b64encode(f"{TWILIO_SID}:{TWILIO_TOKEN}".encode()).decode()
        if headers.get("Authorization") != f"Basic {expected}":
            return 401, twilio_error(401, 20003, "Authenticate")
        sid = f"SM{next(self.ids):032x}"
        return 201, {
            "sid": sid,
            "account_sid": TWILIO_SID,
            "to": form.get("To", ""),
            "from": form.get("From", ""),
            "messaging_service_sid": form.get("MessagingServiceSid"),
            "body": form.get("Body", ""),
            "status": "queued",
            "num_segments": "1",
            "direction": "outbound-api",
            "api_version": "2010-04-01",
            "uri": f"/2010-04-01/Accounts/{TWILIO_SID}/Messages/{sid}.json",
        }

    @property
    def sent(self) -> list[dict[str, str]]:
        return [r.body for r in self.requests]


@dataclass
class Providers:
    cloud: FakeCloudApi
    twilio: FakeTwilio
    settings: dict[str, Any] = field(default_factory=dict)

    def __iter__(self) -> Iterator[Any]:
        return iter((self.cloud, self.twilio))


@contextmanager
def provider_channels(**extra_settings: Any) -> Iterator[Providers]:
    """Both fake providers running, and the settings pointing the real WhatsApp and SMS
    channels at them (email stays as the test runner has it)."""
    cloud, twilio = FakeCloudApi(), FakeTwilio()
    cloud.start()
    twilio.start()
    values: dict[str, Any] = {
        "WHATSAPP_API_BASE": cloud.base,
        "WHATSAPP_TOKEN": WHATSAPP_TOKEN,
        "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
        "TWILIO_API_BASE": twilio.base,
        "TWILIO_ACCOUNT_SID": TWILIO_SID,
        "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "TWILIO_FROM": TWILIO_FROM,
        "TWILIO_MESSAGING_SERVICE_SID": "",
        "LAYANAN_CHANNELS": {
            "email": "layanan.notifications.channels.email.EmailChannel",
            "whatsapp": "layanan.notifications.channels.whatsapp.CloudApiWhatsApp",
            "sms": "layanan.notifications.channels.sms.TwilioSms",
        },
        **extra_settings,
    }
    try:
        with override_settings(**values):
            yield Providers(cloud, twilio, values)
    finally:
        cloud.stop()
        twilio.stop()
