"""The web server killed (SIGKILL, master and workers) in the middle of a stream of
submissions, then started again (issue 12). Its clients do what docs/api.md asks of one: each
call is sent again, the create with the same `Idempotency-Key`, until it gets an answer; a
submit whose answer was lost answers 409 when sent again, and the client then reads the
application to see that it went through.

Afterwards every application the server acknowledged exists exactly once, each is whole (its
steps and its `created` event, written in the same transaction as the row) and each submitted
one has its document, its `submitted` event and an active step. A real gunicorn on the test
database (SQLite or PostgreSQL), so the test case commits (TransactionTestCase).
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from django.db.models import Count, Q

from layanan.accounts.tokens import issue_token
from layanan.cases.models import Application, Document
from layanan.lib.testing import free_port
from layanan.test import ANSWERS, PDF, ConcurrentTestCase, process_env

CLIENTS = 3
SUBMISSIONS_EACH = 4
KILL_AFTER = 4  # acknowledged creates before the kill
RETRY_FOR = 60.0  # seconds a client keeps sending one call again


class Answer(Exception):
    """A call that kept failing for RETRY_FOR seconds."""


def multipart(fields: dict[str, str], name: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    return b"".join(
        parts
    ) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


class Server:
    """gunicorn with two workers on the test database, in its own process group."""

    def __init__(self) -> None:
        self.port = free_port()
        self.env = process_env()
        self.log = Path(self.env["LAYANAN_DATA_DIR"]) / "gunicorn.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    *("-m", "gunicorn", "layanan.wsgi:application"),
                    *("--bind", f"127.0.0.1:{self.port}", "--workers", "2", "--preload"),
                ],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def call(
        self,
        method: str,
        path: str,
        *,
        token: str,
        body: bytes = b"",
        content_type: str = "application/json",
        key: str = "",
    ) -> tuple[int, Any]:
        """Send until an answer that is not a failure of the server (no answer, 5xx)."""
        headers = {"Authorization": f"Bearer {token}", "Content-Type": content_type}
        if key:
            headers["Idempotency-Key"] = key
        deadline = time.monotonic() + RETRY_FOR
        while time.monotonic() < deadline:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                status, text = response.status, response.read()
            except (OSError, http.client.HTTPException):
                time.sleep(0.05)
                continue
            finally:
                connection.close()
            if status < 500:
                return status, json.loads(text) if text else None
            time.sleep(0.05)
        raise Answer(f"{method} {path}: no answer for {RETRY_FOR} s")


class ServerKilledTests(ConcurrentTestCase):
    def test_every_acknowledged_application_exists_once_and_whole(self) -> None:
        citizens = [self.make_user(f"warga{i}", f"Warga {i}") for i in range(CLIENTS)]
        tokens = [issue_token(citizen)[0] for citizen in citizens]
        server = Server()
        self.addCleanup(shutil.rmtree, server.env["LAYANAN_DATA_DIR"], True)
        acknowledged: list[tuple[str, str, str]] = []  # (citizen, key, number)
        submitted: list[str] = []
        failures: list[str] = []
        lock = threading.Lock()
        enough = threading.Event()

        def client(index: int) -> None:
            token = tokens[index]
            try:
                for _ in range(SUBMISSIONS_EACH):
                    key = uuid.uuid4().hex
                    status, body = server.call(
                        "POST",
                        "/api/v1/applications",
                        token=token,
                        key=key,
                        body=json.dumps({"service": "akta-kelahiran", "answers": ANSWERS}).encode(),
                    )
                    assert status in (200, 201), (status, body)
                    number = body["number"]
                    with lock:
                        acknowledged.append((citizens[index].username, key, number))
                        if len(acknowledged) >= KILL_AFTER:
                            enough.set()
                    form, content_type = multipart({"requirement": "surat_lahir"}, "lahir.pdf", PDF)
                    status, body = server.call(
                        "POST",
                        f"/api/v1/applications/{number}/documents",
                        token=token,
                        body=form,
                        content_type=content_type,
                    )
                    assert status == 201, (status, body)
                    path = f"/api/v1/applications/{number}"
                    status, body = server.call("POST", path + "/submit", token=token)
                    if status == 409:  # sent again after its answer was lost: did it go through?
                        status, body = server.call("GET", path, token=token)
                    assert status == 200, (status, body)
                    assert body["status"] == "in_progress", body
                    with lock:
                        submitted.append(number)
            except (AssertionError, Answer) as failure:
                failures.append(repr(failure))

        server.start()
        threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        try:
            for thread in threads:
                thread.start()
            self.assertTrue(enough.wait(60), "the clients did not get going")
            server.kill()  # mid-stream: the other clients have calls in flight
            killed_with = len(acknowledged)
            time.sleep(0.3)
            server.start()
            for thread in threads:
                thread.join(timeout=120)
        finally:
            server.stop()
        self.assertEqual(failures, [], server.log.read_text()[-3000:])
        total = CLIENTS * SUBMISSIONS_EACH
        self.assertLess(killed_with, total, "the kill came after the stream ended")
        self.assertEqual(len(acknowledged), total)
        self.assertEqual(len(submitted), total)

        rows = Application.objects.filter(applicant__in=citizens).select_related("applicant")
        rows = rows.annotate(
            steps_count=Count("steps", distinct=True),
            created_events=Count("events", filter=Q(events__kind="created"), distinct=True),
            submitted_events=Count("events", filter=Q(events__kind="submitted"), distinct=True),
            active_steps=Count("steps", filter=Q(steps__state="active"), distinct=True),
        )
        by_key = {(a.applicant.username, a.idempotency_key): a for a in rows}
        # exactly once: one row per acknowledged key, and no row of a key nobody was told of
        self.assertEqual(len(rows), total)
        self.assertEqual(set(by_key), {(who, key) for who, key, _n in acknowledged})
        for who, key, number in acknowledged:
            application = by_key[(who, key)]
            self.assertEqual(application.number, number)
            self.assertEqual(application.status, "in_progress", number)
            self.assertEqual((application.steps_count, application.created_events), (2, 1), number)
            self.assertEqual(
                (application.submitted_events, application.active_steps), (1, 1), number
            )
            current = Document.objects.filter(application=application, replaced=False)
            self.assertEqual(current.count(), 1, number)
