"""The lead agency's duties after a standard is set: the maklumat within 7 working days of its
agency calendar, the yearly evaluation and the three-yearly review; reminders to the agency's
administrators once, a missed day recorded once and shown in public, the maklumat published
on /kantor/maklumat/ and shown with its date on the agency's page.

The scenario is set on Monday 6 July 2026, 09.00 WIB. adi administers Disdukcapil (which leads
the birth certificate); dewi administers DPMPTSP; budi is an officer without that role.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine

from layanan.accounts.models import User
from layanan.agencies.models import CalendarDay, OfficerRole, Role
from layanan.charters.models import Charter, Duty, Maklumat
from layanan.notifications import duties as duty_job
from layanan.notifications.models import Message
from layanan.test import BaseTestCase, charter_content

WIB = ZoneInfo("Asia/Jakarta")


def wib(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=WIB)


T0 = wib(2026, 7, 6)


class DutyTestCase(BaseTestCase):
    adi: User
    dewi: User

    @classmethod
    def setUpTestData(cls) -> None:
        with time_machine.travel(T0, tick=False):
            super().setUpTestData()
            cls.adi = cls.make_user("adi", "Adi Nugroho", is_staff=True)
            cls.dewi = cls.make_user("dewi", "Dewi Lestari", is_staff=True)
            OfficerRole.objects.create(user=cls.adi, unit=cls.loket, role=Role.AGENCY_ADMIN)
            OfficerRole.objects.create(user=cls.dewi, unit=cls.perizinan, role=Role.AGENCY_ADMIN)

    def run_job(self, at: dt.datetime) -> None:
        with time_machine.travel(at, tick=False):
            duty_job.run()

    def duty(self, kind: str, charter: Charter | None = None) -> Duty:
        rows = Duty.objects.filter(kind=kind, service=self.akta)
        if charter is not None:
            rows = rows.filter(charter=charter)
        return rows.order_by("-pk").first()  # type: ignore[return-value]

    def state(self) -> list[tuple[object, ...]]:
        return list(
            Duty.objects.order_by("pk").values_list(
                "pk", "reminded_at", "breached_at", "closed_at", "due_on"
            )
        ) + list(Message.objects.order_by("pk").values_list("pk", "recipient", "duty_id"))


class OpeningTests(DutyTestCase):
    def test_setting_a_standard_opens_the_maklumat_duty_on_the_agency_calendar(self) -> None:
        CalendarDay.objects.create(
            agency=self.disdukcapil, date=dt.date(2026, 7, 8), kind="closed", name="Rapat kerja"
        )
        with time_machine.travel(T0, tick=False):
            v2 = self.adopt(self.akta, charter_content(executors=6), note="Tambah petugas")
        duty = self.duty(Duty.Kind.MAKLUMAT, v2)
        self.assertEqual(duty.agency, self.disdukcapil)
        self.assertEqual(duty.basis_on, dt.date(2026, 7, 6))
        # 7, 9, 10, 13, 14, 15, 16 July: the closure on the 8th is not a working day
        self.assertEqual(duty.due_on, dt.date(2026, 7, 16))
        self.assertEqual(duty.remind_on, dt.date(2026, 7, 14))
        yearly = self.duty(Duty.Kind.YEARLY)
        review = self.duty(Duty.Kind.REVIEW)
        self.assertEqual((yearly.charter, yearly.due_on), (v2, dt.date(2027, 7, 6)))
        self.assertEqual((review.charter, review.due_on), (v2, dt.date(2029, 7, 6)))
        # the duties owed for version 1 were replaced, not left open beside them
        self.assertEqual(
            Duty.objects.filter(service=self.akta, kind=Duty.Kind.YEARLY, closed_at=None).count(),
            1,
        )

    def test_a_scheduled_version_owes_its_maklumat_at_once_and_its_evaluation_from_force(
        self,
    ) -> None:
        from layanan.charters.actions import adopt_charter, bring_into_force, save_draft

        with time_machine.travel(T0, tick=False):
            draft, _problems = save_draft(
                service=self.akta, content=charter_content(executors=6), by=None
            )
            v2 = adopt_charter(charter=draft, by=None, effective_from=dt.date(2026, 8, 3))
        self.assertEqual(v2.status, Charter.Status.SCHEDULED)
        self.assertEqual(self.duty(Duty.Kind.MAKLUMAT, v2).due_on, dt.date(2026, 7, 15))
        self.assertEqual(self.duty(Duty.Kind.YEARLY).charter, self.akta_v1)
        bring_into_force(now=wib(2026, 8, 3))
        yearly = self.duty(Duty.Kind.YEARLY)
        self.assertEqual(yearly.charter, v2)
        self.assertEqual(yearly.basis_on, dt.date(2026, 7, 6))  # the day it was set


class JobTests(DutyTestCase):
    def test_it_reminds_the_agency_admins_once_before_the_due_day(self) -> None:
        self.run_job(wib(2026, 7, 10))  # the reminder day is Monday the 13th
        self.assertFalse(Message.objects.exists())
        self.run_job(wib(2026, 7, 13))
        message = Message.objects.get()
        self.assertEqual(message.recipient, "adi@example.test")
        self.assertEqual(message.duty, self.duty(Duty.Kind.MAKLUMAT))
        self.assertEqual(message.status, Message.Status.PENDING)
        self.assertIn("15 Juli 2026", message.subject)
        self.assertIn("/kantor/maklumat/disdukcapil/", message.body)
        before = self.state()
        self.run_job(wib(2026, 7, 13, 10))
        self.run_job(wib(2026, 7, 14))
        self.assertEqual(self.state(), before)

    def test_an_agency_without_an_admin_address_gets_a_skipped_row_not_silence(self) -> None:
        User.objects.filter(pk=self.adi.pk).update(email="")
        self.run_job(wib(2026, 7, 13))
        message = Message.objects.get()
        self.assertEqual((message.recipient, message.status), ("", Message.Status.SKIPPED))

    def test_a_missed_day_is_recorded_once_and_shown_on_the_register(self) -> None:
        self.run_job(wib(2026, 7, 15, 15))  # the due day itself: not missed yet
        self.assertIsNone(self.duty(Duty.Kind.MAKLUMAT).breached_at)
        self.run_job(wib(2026, 7, 16))
        breached_at = self.duty(Duty.Kind.MAKLUMAT).breached_at
        self.assertEqual(breached_at, wib(2026, 7, 16))
        before = self.state()
        self.run_job(wib(2026, 7, 16, 12))
        self.run_job(wib(2026, 7, 20))
        self.assertEqual(self.state(), before)
        with time_machine.travel(wib(2026, 7, 20), tick=False):
            page = self.client.get("/jaminan/").content.decode()
        self.assertIn("Kewajiban instansi yang terlewat", page)
        self.assertIn("Umumkan atau tegaskan kembali maklumat", page)
        self.assertIn("15 Juli 2026", page)
        self.assertIn("belum", page)
        # the register's filter applies: another agency, or another year, has none
        with time_machine.travel(wib(2026, 7, 20), tick=False):
            other = self.client.get("/jaminan/", {"instansi": "dpmptsp"}).content.decode()
            year = self.client.get("/jaminan/", {"tahun": "2025"}).content.decode()
        self.assertNotIn("15 Juli 2026", other)
        self.assertNotIn("15 Juli 2026", year)

    def test_a_withdrawn_service_owes_nothing_more(self) -> None:
        self.akta.active = False
        self.akta.save(update_fields=["active"])
        self.run_job(wib(2026, 7, 16))
        self.assertIsNone(self.duty(Duty.Kind.MAKLUMAT).breached_at)
        with time_machine.travel(wib(2026, 7, 20), tick=False):
            page = self.client.get("/jaminan/").content.decode()
        self.assertIn("dalam 7 hari kerja", page)  # the configured period, told
        self.assertNotIn("15 Juli 2026", page)

    def test_an_overdue_evaluation_is_announced_on_the_charter_page(self) -> None:
        with time_machine.travel(wib(2027, 7, 6, 15), tick=False):
            page = self.client.get("/layanan/akta-kelahiran/").content.decode()
        self.assertIn("Belum pernah dievaluasi", page)
        self.assertNotIn("Terlambat", page)
        self.run_job(wib(2027, 7, 7))
        yearly = self.duty(Duty.Kind.YEARLY)
        self.assertEqual(yearly.breached_at, wib(2027, 7, 7))
        with time_machine.travel(wib(2027, 7, 7), tick=False):
            page = self.client.get("/layanan/akta-kelahiran/").content.decode()
            listing = self.client.get("/layanan/akta-kelahiran/evaluasi/").content.decode()
            register = self.client.get("/jaminan/").content.decode()
            api = self.client.get("/api/v1/services/akta-kelahiran").json()["evaluation"]
        self.assertEqual(
            api,
            {
                "last_evaluated_at": None,
                "due": [
                    {"kind": "yearly", "due_on": "2027-07-06", "overdue": True},
                    {"kind": "review", "due_on": "2029-07-06", "overdue": False},
                ],
            },
        )
        for shown in (page, listing):
            self.assertIn("Terlambat", shown)
            self.assertIn("6 Juli 2027", shown)
        self.assertIn("Evaluasi tahunan", register)


class MaklumatPageTests(DutyTestCase):
    url = "/kantor/maklumat/disdukcapil/"

    def test_only_the_agency_admins_reach_it(self) -> None:
        self.assertEqual(self.client.get(self.url).status_code, 302)  # sign in first
        for person, status in ((self.siti, 403), (self.budi, 403), (self.dewi, 404)):
            self.login(person)
            self.assertEqual(self.client.get(self.url).status_code, status, person.username)
            response = self.client.post(self.url, {"text": "Kami siap."})
            self.assertEqual(response.status_code, status, person.username)
        self.assertFalse(Maklumat.objects.exists())
        self.login(self.adi)
        self.assertEqual(self.client.get("/kantor/maklumat/")["Location"], self.url)
        self.assertContains(self.client.get(self.url), "Kami siap melayani sesuai standar")
        self.login(self.root)
        self.assertContains(self.client.get("/kantor/maklumat/"), self.url)

    def test_an_empty_text_is_refused_next_to_the_field_and_nothing_is_written(self) -> None:
        self.login(self.adi)
        response = self.client.post(self.url, {"text": "   "})
        self.assertContains(response, "govuk-error-message", status_code=400)
        self.assertContains(response, "Tulis maklumat pelayanan.", status_code=400)
        response = self.client.post(self.url, {"text": "x" * 5001})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Maklumat.objects.exists())
        self.disdukcapil.refresh_from_db()
        self.assertEqual(self.disdukcapil.maklumat, "Kami siap melayani sesuai standar pelayanan.")
        self.assertIsNone(self.duty(Duty.Kind.MAKLUMAT).closed_at)

    def test_publishing_does_the_duty_and_shows_on_the_agency_page_with_its_date(self) -> None:
        self.login(self.adi)
        text = "Dengan ini kami menyatakan sanggup menyelenggarakan pelayanan sesuai standar."
        with time_machine.travel(wib(2026, 7, 9), tick=False):
            response = self.client.post(self.url, {"text": text})
        self.assertEqual(response.status_code, 302)
        maklumat = Maklumat.objects.get()
        self.assertEqual((maklumat.agency, maklumat.published_by), (self.disdukcapil, self.adi))
        self.assertFalse(maklumat.reconfirmed)
        self.assertEqual(list(maklumat.standards.all()), [self.akta_v1])
        duty = self.duty(Duty.Kind.MAKLUMAT)
        self.assertEqual((duty.closed_as, duty.done_on), (Duty.Closed.DONE, dt.date(2026, 7, 9)))
        self.assertIsNone(duty.breached_at)
        page = self.client.get("/instansi/disdukcapil/")
        self.assertContains(page, text)
        self.assertContains(page, "9 Juli 2026")
        # re-confirming: the same text again, recorded as such
        with time_machine.travel(wib(2026, 7, 10), tick=False):
            self.login(self.adi)  # a day later: a new session (officers' sessions idle out)
            response = self.client.post(self.url, {"text": text})
        self.assertEqual(response["Location"], self.url)
        self.assertTrue(Maklumat.objects.order_by("-pk").first().reconfirmed)  # type: ignore[union-attr]
        # nothing was missed: the job records no breach and sends no reminder afterwards
        self.run_job(wib(2026, 7, 20))
        self.assertFalse(Duty.objects.filter(breached_at__isnull=False).exists())
        self.assertFalse(Message.objects.exists())

    def test_publishing_late_does_the_duty_and_the_breach_stays_public(self) -> None:
        self.login(self.adi)
        with time_machine.travel(wib(2026, 7, 17), tick=False):  # before the job noticed
            self.client.post(self.url, {"text": "Kami siap melayani."})
        duty = self.duty(Duty.Kind.MAKLUMAT)
        self.assertEqual(duty.done_on, dt.date(2026, 7, 17))
        self.assertEqual(duty.breached_at, wib(2026, 7, 17))
        with time_machine.travel(wib(2026, 7, 20), tick=False):
            page = self.client.get("/jaminan/").content.decode()
        self.assertIn("terlambat, pada 17 Juli 2026", page)
