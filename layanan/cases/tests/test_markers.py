"""Where an application stands, in word and shape: a step returned to the applicant waits for
them (its clock paused) in the queue and on the step page; the applicant's own list shows the
markers officers get, "waiting for you" when it is their turn, and what the clock counts from
before it starts; the citizen's page promises no fixed date while the clock is paused; the
history does not say the time limit starts at the completeness check when it ran from
submission."""

from __future__ import annotations

import datetime as dt
import re

import time_machine
from django.conf import settings
from django.utils import timezone

from layanan.cases import actions
from layanan.cases.models import Application, Step
from layanan.test import BaseTestCase, charter_content

# Monday 30 November 2026, 09:00 WIB
MONDAY = dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC)
PAUSED_TAG = "lyn-marker--paused"


def row_of(html: str, number: str) -> str:
    row = re.search(rf"<tr[^>]*>(?:(?!</tr>).)*{number}(?:(?!</tr>).)*</tr>", html, re.S)
    assert row is not None, number
    return row.group(0)


class MarkerTestCase(BaseTestCase):
    def setUp(self) -> None:
        clock = time_machine.travel(MONDAY, tick=False)
        clock.start()
        self.addCleanup(clock.stop)

    def act(self, application: Application, key: str, action: str, note: str = "") -> None:
        application.refresh_from_db()
        actions.act_on_step(
            application=application,
            step=application.steps.get(key=key),
            officer=self.budi,
            action=action,
            note=note,
        )

    def returned_at_terbit(self) -> Application:
        """Clock running (file complete), then the approver's step returned to the applicant."""
        application = self.submitted()
        self.act(application, "verifikasi", "approve")
        self.act(application, "terbit", "return", "Nama ayah salah")
        application.refresh_from_db()
        return application


class PausedStepTests(MarkerTestCase):
    def test_the_queue_and_the_step_page_say_waiting_for_the_applicant(self) -> None:
        application = self.returned_at_terbit()
        step = application.steps.get(key="terbit")
        self.assertIsNotNone(step.paused_at)
        # even when its (stale) due date is close or past, a paused step is neither
        Step.objects.filter(pk=step.pk).update(due_at=timezone.now() + dt.timedelta(hours=2))
        self.login(self.budi)
        row = row_of(self.client.get("/kantor/").content.decode(), application.number)
        self.assertIn(PAUSED_TAG, row)
        self.assertIn("Menunggu pemohon", row)
        self.assertRegex(row, rf'{PAUSED_TAG}"><svg[^>]*aria-hidden="true"')
        self.assertNotIn("Segera jatuh tempo", row)
        page = self.client.get(f"/kantor/langkah/{application.number}/terbit/")
        self.assertContains(page, "Menunggu pemohon")
        self.assertNotContains(page, "Segera jatuh tempo")
        Step.objects.filter(pk=step.pk).update(due_at=timezone.now() - dt.timedelta(hours=2))
        row = row_of(self.client.get("/kantor/").content.decode(), application.number)
        self.assertIn("Menunggu pemohon", row)
        self.assertNotIn("Terlambat", row)
        # nor listed among the late ones
        late = self.client.get("/kantor/", {"terlambat": "on"})
        self.assertNotContains(late, application.number)

    def test_english_says_waiting_for_the_applicant(self) -> None:
        application = self.returned_at_terbit()
        self.login(self.budi)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        page = self.client.get("/kantor/")
        self.assertIn(
            "Waiting for the applicant", row_of(page.content.decode(), application.number)
        )

    def test_the_citizens_pages_promise_no_fixed_date_while_paused(self) -> None:
        application = self.returned_at_terbit()
        self.login(self.siti)
        for url in (f"/permohonan/{application.number}/", f"/lacak/{application.number}/"):
            with self.subTest(url=url):
                page = self.client.get(url)
                self.assertEqual(page.status_code, 200)
                self.assertNotContains(page, "Paling lambat selesai pada")
                self.assertContains(
                    page,
                    "Sebelum dihentikan sementara, paling lambat selesai pada 3 Desember 2026 "
                    "16.00 WIB; tanggal itu mundur sebanyak waktu kerja yang dipakai pemohon",
                )
        # once resubmitted the date is a promise again
        self.client.post(f"/permohonan/{application.number}/periksa/", {"declaration": "on"})
        self.assertEqual(Application.objects.get(pk=application.pk).status, "in_progress")
        self.assertContains(
            self.client.get(f"/lacak/{application.number}/"), "Paling lambat selesai pada"
        )


class MyApplicationsTests(MarkerTestCase):
    def test_each_row_says_where_the_application_stands(self) -> None:
        late = self.submitted()
        self.act(late, "verifikasi", "approve")
        Application.objects.filter(pk=late.pk).update(due_at=MONDAY - dt.timedelta(days=2))
        soon = self.submitted()
        self.act(soon, "verifikasi", "approve")
        Application.objects.filter(pk=soon.pk).update(due_at=MONDAY + dt.timedelta(hours=3))
        on_track = self.submitted()
        self.act(on_track, "verifikasi", "approve")
        returned = self.returned_at_terbit()
        waiting = self.submitted()  # the completeness check has not finished: no clock yet
        done = self.submitted()
        self.act(done, "verifikasi", "approve")
        self.act(done, "terbit", "approve")
        self.login(self.siti)
        html = self.client.get("/permohonan/").content.decode()
        for application, tag, word in (
            (late, "lyn-marker--late", "Terlambat"),
            (soon, "lyn-marker--soon", "Segera jatuh tempo"),
            (on_track, "lyn-marker--on-track", "Sesuai jadwal"),
            (returned, "lyn-marker--your-turn", "Menunggu Anda"),
        ):
            with self.subTest(word=word):
                row = row_of(html, application.number)
                self.assertIn(tag, row)
                self.assertIn(word, row)
                self.assertRegex(row, rf'{tag}"><svg[^>]*aria-hidden="true"')
        row = row_of(html, waiting.number)
        self.assertIn("belum dimulai — dihitung sejak berkas lengkap", row)
        self.assertNotIn("lyn-marker", row)
        self.assertNotIn("—</", row.replace("belum dimulai —", ""))
        self.assertNotIn("lyn-marker", row_of(html, done.number))
        self.assertIn("3 Desember 2026 16.00 WIB", row_of(html, on_track.number))

    def test_the_query_count_does_not_grow_with_the_rows(self) -> None:
        self.submitted()
        self.returned_at_terbit()
        self.login(self.siti)
        self.client.get("/permohonan/")  # warm the session and the charter cache
        # session, user, count, the page of applications with service and agency, the roles
        # for the header: the markers are worked out from the rows themselves
        with self.assertNumQueries(5):
            self.client.get("/permohonan/")
        for _ in range(5):
            application = self.submitted()
            self.act(application, "verifikasi", "approve")
        with self.assertNumQueries(5):
            page = self.client.get("/permohonan/")
        self.assertContains(page, "Sesuai jadwal", count=5)
        self.assertContains(page, "Menunggu Anda", count=1)

    def test_the_pagination_links_lead_to_the_next_page(self) -> None:
        numbers = [self.submitted().number for _ in range(21)]
        self.login(self.siti)
        first = self.client.get("/permohonan/")
        self.assertContains(first, 'href="?page=2"')
        self.assertNotContains(first, numbers[0])  # the oldest is on page 2
        second = self.client.get("/permohonan/", {"page": 2})
        self.assertContains(second, numbers[0])
        self.assertNotContains(second, numbers[-1])


class FileCompleteLabelTests(MarkerTestCase):
    def history(self, number: str) -> str:
        page = self.client.get(f"/lacak/{number}/").content.decode()
        return page.split("Riwayat", 1)[1]

    def test_a_clock_from_submission_is_not_said_to_start_at_the_completeness_check(self) -> None:
        self.adopt(self.akta, charter_content(clock_starts="submission"))
        application = self.submitted()
        self.act(application, "verifikasi", "approve")
        history = self.history(application.number)
        self.assertIn("Berkas dinyatakan lengkap (jangka waktu dihitung sejak pengajuan)", history)
        self.assertNotIn("mulai dihitung", history)
        events = self.client.get(f"/api/v1/track/{application.number}").json()["events"]
        labels = {e["kind"]: e["label"] for e in events}
        self.assertEqual(
            labels["file_complete"],
            "Berkas dinyatakan lengkap (jangka waktu dihitung sejak pengajuan)",
        )
        self.login(self.budi)
        step_page = self.client.get(f"/kantor/langkah/{application.number}/terbit/")
        self.assertContains(step_page, "jangka waktu dihitung sejak pengajuan")
        self.assertNotContains(step_page, "mulai dihitung")

    def test_a_clock_from_the_complete_file_starts_there(self) -> None:
        application = self.submitted()
        self.act(application, "verifikasi", "approve")
        self.assertIn(
            "Berkas dinyatakan lengkap: jangka waktu mulai dihitung",
            self.history(application.number),
        )
