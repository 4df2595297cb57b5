"""SQLite locked by another process: a request waits out a short lock and is answered; a lock
held past the busy timeout gets 503 "try again" (HTML in the visitor's language, JSON under
/api/, /sehat/ says the database is unavailable), and the next request after the lock is
released is answered again without restarting anything."""

from __future__ import annotations

import sqlite3
import threading
import time
from unittest import skipUnless

from django.db import connection
from django.test import Client

from layanan.test import PASSWORD, ConcurrentTestCase

BUSY_SECONDS = 0.5


@skipUnless(connection.vendor == "sqlite", "locks the SQLite database file")
class LockedDatabaseTests(ConcurrentTestCase):
    def setUp(self) -> None:
        super().setUp()
        # The settings' busy timeout (LAYANAN_SQLITE_BUSY_SECONDS) is 20 s; the connection
        # is opened again with half a second so that the test stays quick.
        options = connection.settings_dict["OPTIONS"]
        self.addCleanup(options.__setitem__, "timeout", options["timeout"])
        options["timeout"] = BUSY_SECONDS
        connection.close()
        self.addCleanup(connection.close)
        self.client = Client(raise_request_exception=False)

    def lock(self) -> sqlite3.Connection:
        """Another process's connection holding the file exclusively (readers too, in WAL)."""
        holder = sqlite3.connect(
            connection.settings_dict["NAME"], isolation_level=None, check_same_thread=False
        )
        holder.execute("PRAGMA locking_mode=EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("UPDATE accounts_user SET full_name = full_name WHERE id = 0")
        return holder

    def test_a_short_lock_is_waited_out(self) -> None:
        holder = self.lock()
        threading.Timer(BUSY_SECONDS / 3, holder.close).start()
        started = time.monotonic()
        response = self.client.get("/layanan/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Akta Kelahiran")
        self.assertGreater(time.monotonic() - started, BUSY_SECONDS / 4)

    def test_a_long_lock_answers_503_then_the_site_recovers(self) -> None:
        holder = self.lock()
        try:
            page = self.client.get("/layanan/")
            api = self.client.get("/api/v1/services", headers={"accept-language": "en"})
            health = self.client.get("/sehat/")
        finally:
            holder.close()
        self.assertEqual(page.status_code, 503)
        self.assertEqual(page["Retry-After"], "30")
        self.assertContains(page, "layanan sedang tidak dapat digunakan", status_code=503)
        self.assertNotIn("Traceback", page.content.decode())
        self.assertEqual(api.status_code, 503)
        self.assertEqual(api["Retry-After"], "30")
        self.assertEqual(
            api.json(),
            {
                "code": "unavailable",
                "message": "The service is temporarily unavailable: try again in 30 seconds.",
                "fields": {},
            },
        )
        self.assertEqual(health.status_code, 503)
        self.assertEqual(health.json()["database"], "unavailable")

        self.assertEqual(self.client.get("/layanan/").status_code, 200)
        self.assertEqual(self.client.get("/sehat/").json()["database"], "ok")

    def test_a_signed_in_page_answers_503_while_locked(self) -> None:
        self.client.force_login(self.siti)
        connection.close()  # as a new request's connection: the holder must be alone
        holder = self.lock()
        try:
            response = self.client.get("/permohonan/")
        finally:
            holder.close()
        self.assertEqual(response.status_code, 503)
        self.assertContains(response, "Coba lagi dalam 30 detik", status_code=503)
        self.assertEqual(self.client.get("/permohonan/").status_code, 200)

    def test_a_write_waits_for_another_writer_and_reads_go_on(self) -> None:
        """The lock met in practice (WAL): another process writing for longer than the busy
        timeout. Pages that read are answered; signing in, which writes, gets 503."""
        writer = sqlite3.connect(
            connection.settings_dict["NAME"], isolation_level=None, check_same_thread=False
        )
        writer.execute("BEGIN IMMEDIATE")
        credentials = {"username": "siti", "password": PASSWORD}
        try:
            read = self.client.get("/layanan/")
            sign_in = self.client.post("/masuk/", credentials)
        finally:
            writer.execute("ROLLBACK")
            writer.close()
        self.assertEqual(read.status_code, 200)
        self.assertEqual(sign_in.status_code, 503)
        self.assertEqual(sign_in["Retry-After"], "30")
        self.assertEqual(self.client.post("/masuk/", credentials).status_code, 302)
