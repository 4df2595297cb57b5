"""The clock in the same words in every state, on the application page, the tracking page and
in the API; completed applications say when, against the promise; the fee is stated with
the promise that nothing else is lawful."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import time_machine
from django.conf import settings

from layanan.cases import actions
from layanan.cases.models import Application
from layanan.cases.tests.test_api import ApiTestCase
from layanan.test import charter_content

# Monday 30 November 2026, 09:00 WIB; the akta charter: 3 working days from the file complete.
MONDAY = dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC)
PAUSED = "dihentikan sementara"
NOT_STARTED = "penghitungan waktu belum dimulai"


def visible(html: str) -> str:
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


class ClockWordingTests(ApiTestCase):
    def setUp(self) -> None:
        self.clock = time_machine.travel(MONDAY, tick=False)
        self.clock.start()
        self.addCleanup(self.clock.stop)

    def move_to(self, moment: dt.datetime) -> None:
        self.clock.stop()
        self.clock = time_machine.travel(moment, tick=False)
        self.clock.start()

    def pages(self, number: str) -> dict[str, str]:
        """What the citizen's page, the tracking page and both API answers say."""
        self.login(self.siti)
        detail = self.client.get(f"/permohonan/{number}/")
        self.assertEqual(detail.status_code, 200)
        track = self.client.get(f"/lacak/{number}/")
        api: dict[str, Any] = self.call("get", f"/api/v1/applications/{number}", "siti").json()
        public: dict[str, Any] = self.call("get", f"/api/v1/track/{number}").json()
        return {
            "detail": visible(detail.content.decode()),
            "track": visible(track.content.decode()),
            "api": api["status_label"] + " " + api["due_explanation"],
            "public": public["status_label"] + " " + public["due_explanation"],
        }

    def act(self, number: str, key: str, action: str, note: str = "") -> Application:
        application = Application.objects.get(number=number)
        return actions.act_on_step(
            application=application,
            step=application.steps.get(key=key),
            officer=self.budi,
            action=action,
            note=note,
        )

    def assert_everywhere(self, number: str, *present: str, absent: tuple[str, ...] = ()) -> None:
        for where, text in self.pages(number).items():
            with self.subTest(where=where):
                for words in present:
                    self.assertIn(words, text)
                for words in absent:
                    self.assertNotIn(words, text)

    def test_before_the_file_is_complete_the_rule_and_todays_projection(self) -> None:
        draft = self.draft()
        explanation = self.call("get", f"/api/v1/applications/{draft}", "siti").json()
        self.assertEqual(
            explanation["due_explanation"],
            "3 hari kerja sejak berkas dinyatakan lengkap; bila lengkap hari ini: paling lambat "
            "3 Desember 2026.",
        )
        self.assertEqual(explanation["due_at_text"], "")
        number = self.submitted_number()
        self.assert_everywhere(
            number,
            "Sedang diproses: kelengkapan berkas sedang diperiksa.",
            "3 hari kerja sejak berkas dinyatakan lengkap; bila lengkap hari ini: paling lambat "
            "3 Desember 2026.",
            absent=(PAUSED, "Tenggat —"),
        )
        # on Friday the projection counts from Friday, over the weekend
        self.move_to(MONDAY + dt.timedelta(days=4))
        self.assert_everywhere(number, "bila lengkap hari ini: paling lambat 9 Desember 2026.")

    def test_a_clock_that_counts_from_submission_is_worded_so(self) -> None:
        self.adopt(self.akta, charter_content(clock_starts="submission"))
        draft = self.draft()
        answer = self.call("get", f"/api/v1/applications/{draft}", "siti").json()
        self.assertEqual(
            answer["due_explanation"],
            "3 hari kerja sejak permohonan diajukan; bila diajukan hari ini: paling lambat "
            "3 Desember 2026.",
        )
        number = self.submitted_number()
        self.assert_everywhere(
            number,
            "Sedang diproses.",
            "3 hari kerja sejak permohonan diajukan pada 30 November 2026.",
            absent=("bila diajukan", "belum dimulai", PAUSED),
        )

    def test_returned_before_the_clock_started_is_not_called_paused(self) -> None:
        number = self.submitted_number()
        self.act(number, "verifikasi", "return", "Foto buram")
        self.assert_everywhere(
            number,
            "Dikembalikan kepada pemohon untuk diperbaiki; penghitungan waktu belum dimulai.",
            "3 hari kerja sejak berkas dinyatakan lengkap; " + NOT_STARTED,
            absent=(PAUSED,),
        )
        self.call("post", f"/api/v1/applications/{number}/resubmit", "siti")
        self.assert_everywhere(
            number, "bila lengkap hari ini: paling lambat", absent=(PAUSED, "belum dimulai")
        )

    def test_running_paused_resubmitted_and_completed(self) -> None:
        number = self.submitted_number()
        self.act(number, "verifikasi", "approve")
        self.assert_everywhere(
            number,
            "Sedang diproses.",
            "3 hari kerja sejak berkas dinyatakan lengkap pada 30 November 2026.",
            absent=(PAUSED, "belum dimulai", "bila lengkap"),
        )
        self.assertIn("3 Desember 2026 16.00 WIB", self.pages(number)["detail"])
        self.act(number, "terbit", "return", "Nama ayah salah")
        self.assert_everywhere(
            number,
            "Dikembalikan kepada pemohon untuk perbaikan; penghitungan waktu dihentikan "
            "sementara sampai pemohon mengirim ulang perbaikan.",
            "dihentikan sementara sejak 30 November 2026 09.00 WIB menunggu perbaikan",
            absent=("belum dimulai",),
        )
        self.move_to(MONDAY + dt.timedelta(days=1))  # Tuesday 09:00: one working day paused
        self.login(self.siti)
        self.client.post(f"/permohonan/{number}/periksa/", {"declaration": "on"})
        self.assertEqual(Application.objects.get(number=number).status, "in_progress")
        self.assert_everywhere(
            number,
            "dihentikan sementara selama 1 hari kerja menunggu perbaikan",
            absent=("belum dimulai", "sejak 30 November 2026 09.00 WIB menunggu"),
        )
        self.assertIn("4 Desember 2026 16.00 WIB", self.pages(number)["detail"])
        self.act(number, "terbit", "approve")
        expected = "Selesai 1 Desember 2026 09.00 WIB, 3 hari kerja sebelum batas waktu."
        pages = self.pages(number)
        self.assertIn(expected, pages["detail"])
        self.assertIn(expected, pages["track"])
        for answer in (
            self.call("get", f"/api/v1/track/{number}").json(),
            self.call("get", f"/api/v1/applications/{number}", "siti").json(),
        ):
            self.assertEqual(answer["completion"]["text"], expected)
            self.assertEqual(answer["completion"]["comparison"], "early")
            self.assertEqual(answer["completion"]["working_days"], 3)
        self.assertNotIn("Tenggat", pages["track"].split("Riwayat")[0].split("Langkah")[0])

    def test_a_late_completion_says_how_late_in_english_too(self) -> None:
        number = self.submitted_number()
        self.act(number, "verifikasi", "approve")
        self.move_to(dt.datetime(2026, 12, 8, 3, 0, tzinfo=dt.UTC))  # Tuesday 8 Dec 10:00 WIB
        self.act(number, "terbit", "approve")
        self.assertIn(
            "Selesai 8 Desember 2026 10.00 WIB, terlambat 3 hari kerja.",
            self.pages(number)["track"],
        )
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        page = visible(self.client.get(f"/lacak/{number}/").content.decode())
        self.assertIn("Completed 8 December 2026 10:00 WIB, 3 working days late.", page)
        answer = self.call(
            "get", f"/api/v1/track/{number}", headers={"Accept-Language": "en"}
        ).json()
        self.assertEqual(answer["completion"]["comparison"], "late")
        self.assertEqual(answer["ended_at_text"], "8 December 2026 10:00 WIB")

    def test_a_completion_on_the_due_day_compares_the_instants(self) -> None:
        number = self.submitted_number()
        self.act(number, "verifikasi", "approve")  # due Thursday 3 December 16.00 WIB
        self.move_to(dt.datetime(2026, 12, 3, 7, 42, tzinfo=dt.UTC))  # 14.42 WIB
        self.act(number, "terbit", "approve")
        expected = "Selesai 3 Desember 2026 14.42 WIB, 1 jam 18 menit kerja sebelum batas waktu."
        pages = self.pages(number)
        self.assertIn(expected, pages["track"])
        self.assertIn(expected, pages["detail"])
        self.assertNotIn("tepat pada batas waktu", pages["track"])
        answer = self.call("get", f"/api/v1/track/{number}").json()["completion"]
        self.assertEqual(
            (answer["comparison"], answer["working_days"], answer["working_minutes"]),
            ("early", 0, 78),
        )
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        page = visible(self.client.get(f"/lacak/{number}/").content.decode())
        self.assertIn(
            "Completed 3 December 2026 14:42 WIB, 1 working hour and 18 minutes before the due "
            "time.",
            page,
        )

    def test_a_completion_hours_late_says_the_working_hours(self) -> None:
        number = self.submitted_number()
        self.act(number, "verifikasi", "approve")  # due Thursday 3 December 16.00 WIB
        self.move_to(dt.datetime(2026, 12, 4, 3, 0, tzinfo=dt.UTC))  # Friday 10.00 WIB
        self.act(number, "terbit", "approve")
        self.assertIn(
            "Selesai 4 Desember 2026 10.00 WIB, 2 jam kerja setelah batas waktu.",
            self.pages(number)["track"],
        )
        answer = self.call("get", f"/api/v1/track/{number}").json()["completion"]
        self.assertEqual(
            (answer["comparison"], answer["working_days"], answer["working_minutes"]),
            ("late", 0, 120),
        )

    def test_a_service_in_working_hours_reads_in_hours(self) -> None:
        content = charter_content(
            clock_starts="submission", time_limit={"amount": 4, "unit": "working_hours"}
        )
        for stage in content["procedure"]["stages"]:
            for step in stage["steps"]:
                step["time_limit"] = {"amount": 2, "unit": "working_hours"}
        self.adopt(self.akta, content)
        number = self.submitted_number()  # Monday 09.00: due 13.00 WIB
        self.move_to(dt.datetime(2026, 11, 30, 4, 30, tzinfo=dt.UTC))  # 11.30 WIB
        self.act(number, "verifikasi", "approve")
        self.act(number, "terbit", "approve")
        self.assertIn(
            "Selesai 30 November 2026 11.30 WIB, 1 jam 30 menit kerja sebelum batas waktu.",
            self.pages(number)["track"],
        )

    def test_a_completion_in_the_due_minute_is_exactly_on_time(self) -> None:
        number = self.submitted_number()
        self.act(number, "verifikasi", "approve")
        self.move_to(dt.datetime(2026, 12, 3, 9, 0, 30, tzinfo=dt.UTC))  # 16.00.30 WIB
        self.act(number, "terbit", "approve")
        self.assertIn(
            "Selesai 3 Desember 2026 16.00 WIB, tepat pada batas waktu.",
            self.pages(number)["track"],
        )
        answer = self.call("get", f"/api/v1/track/{number}").json()["completion"]
        self.assertEqual((answer["comparison"], answer["working_minutes"]), ("on_due_day", 0))

    def test_an_ended_application_says_the_clock_stopped(self) -> None:
        number = self.submitted_number()
        self.act(number, "verifikasi", "approve")
        self.act(number, "terbit", "reject", "Tidak memenuhi syarat")
        self.assert_everywhere(
            number,
            "Ditolak.",
            "penghitungan waktu berhenti pada 30 November 2026 09.00 WIB",
            absent=("bila lengkap", "sebelum batas waktu", "terlambat"),
        )

    def test_times_are_shown_in_the_agencys_zone(self) -> None:
        self.disdukcapil.time_zone = "Asia/Makassar"
        self.disdukcapil.save(update_fields=["time_zone"])
        number = self.submitted_number()
        self.act(number, "verifikasi", "approve")
        pages = self.pages(number)
        self.assertIn("3 Desember 2026 16.00 WITA", pages["detail"])
        self.assertIn("30 November 2026 10.00 WITA", pages["track"])
        self.assertNotRegex(pages["track"], r"\+0[789]")


class FeeTests(ApiTestCase):
    def test_a_free_service_says_gratis_and_that_nothing_else_is_lawful(self) -> None:
        self.login(self.siti)
        start = visible(self.client.get("/layanan/akta-kelahiran/ajukan/").content.decode())
        self.assertIn("Biaya Gratis", start)
        self.assertIn("Tidak ada pungutan apa pun yang sah", start)
        number = self.submitted_number()
        detail = visible(self.client.get(f"/permohonan/{number}/").content.decode())
        self.assertIn("Biaya Gratis", detail)
        fee = self.call("get", f"/api/v1/applications/{number}", "siti").json()["fee"]
        self.assertEqual((fee["amount"], fee["text"]), (0, "Gratis"))

    def test_a_paid_service_states_the_official_fee_in_one_rupiah_format(self) -> None:
        self.adopt(
            self.akta,
            charter_content(fee={"amount": 50000, "legal_basis": "Perda 3/2024"}),
        )
        self.login(self.siti)
        start = visible(self.client.get("/layanan/akta-kelahiran/ajukan/").content.decode())
        self.assertIn("Rp50.000", start)
        self.assertIn("Perda 3/2024", start)
        self.assertIn("Hanya biaya ini yang sah", start)
        draft = self.draft()
        check = visible(self.client.get(f"/permohonan/{draft}/periksa/").content.decode())
        self.assertIn("Rp50.000", check)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        check = visible(self.client.get(f"/permohonan/{draft}/periksa/").content.decode())
        self.assertIn("Rp50.000", check)  # the same format in English
        self.assertIn("This is the only lawful charge", check)
        self.assertNotIn("Rp50,000", check)
