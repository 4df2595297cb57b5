"""The sweep, with the clock moved by time-machine: breaches exactly once, at the right minute."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from layanan.agencies.models import ServiceHours
from layanan.cases import actions
from layanan.cases.models import Application, Event
from layanan.charters.models import Service
from layanan.guarantees.models import Breach, Compensation
from layanan.guarantees.sweep import fire_alarms, sweep
from layanan.test import ANSWERS, PDF, BaseTestCase, charter_content

WIB = dt.timezone(dt.timedelta(hours=7))
MONDAY = dt.datetime(2026, 11, 30, 9, 0, tzinfo=WIB)
MINUTE = dt.timedelta(minutes=1)


class SweepTestCase(BaseTestCase):
    def approve(self, application: Application, key: str, at: dt.datetime) -> Application:
        with time_machine.travel(at, tick=False):
            fresh = Application.objects.get(pk=application.pk)
            return actions.act_on_step(
                application=fresh,
                step=fresh.steps.get(key=key),
                officer=self.budi,
                action="approve",
            )

    def service_with(self, code: str, **guarantee: Any) -> Service:
        service = Service.objects.create(
            code=code,
            name=code,
            lead_agency=self.disdukcapil,
            category="perizinan",
            channels=["online"],
        )
        self.adopt(
            service,
            charter_content(
                fee={"amount": 100000, "legal_basis": "Perda 1/2026"},
                clock_starts="submission",
                guarantee={"apology": "Kami mohon maaf.", **guarantee},
            ),
        )
        return service

    def sweep_at(self, at: dt.datetime) -> dict[str, Any]:
        return sweep(at).as_dict()


class BreachTimingTests(SweepTestCase):
    def test_no_breach_a_minute_before_one_a_minute_after_none_on_the_next_pass(self) -> None:
        application = self.submitted(at=MONDAY)
        due = application.steps.get(key="verifikasi").due_at
        assert due is not None
        self.assertEqual(due, dt.datetime(2026, 12, 1, 16, 0, tzinfo=WIB))
        before = self.sweep_at(due - MINUTE)
        self.assertEqual(before["new_breaches"], 0)
        self.assertEqual(before["reminders"], 1)  # 80 % of the step's time had passed
        after = self.sweep_at(due + MINUTE)
        self.assertEqual(after["new_breaches"], 1)
        self.assertEqual(self.sweep_at(due + 2 * MINUTE)["new_breaches"], 0)
        breach = Breach.objects.get()
        self.assertEqual(
            (breach.step_key, breach.level, breach.due_at), ("verifikasi", "late", due)
        )
        late = Event.objects.get(application=application, kind="late")
        self.assertTrue(late.public)
        self.assertTrue(Event.objects.filter(application=application, kind="escalated").exists())

    def test_paused_time_is_never_counted(self) -> None:
        application = self.submitted(at=MONDAY)
        step = application.steps.get(key="verifikasi")
        with time_machine.travel(MONDAY + dt.timedelta(hours=2), tick=False):
            actions.act_on_step(
                application=Application.objects.get(pk=application.pk),
                step=step,
                officer=self.budi,
                action="return",
                note="Foto buram",
            )
        # The citizen takes three working days; the old due date passes meanwhile.
        old_due = step.due_at
        assert old_due is not None
        self.assertEqual(self.sweep_at(old_due + dt.timedelta(hours=1))["new_breaches"], 0)
        with time_machine.travel(dt.datetime(2026, 12, 3, 11, 0, tzinfo=WIB), tick=False):
            actions.resubmit_application(
                application=Application.objects.get(pk=application.pk), citizen=self.siti
            )
        step.refresh_from_db()
        assert step.due_at is not None
        self.assertGreater(step.due_at, old_due)
        self.assertEqual(self.sweep_at(step.due_at - MINUTE)["new_breaches"], 0)
        self.assertEqual(self.sweep_at(step.due_at + MINUTE)["new_breaches"], 1)

    def test_a_step_done_in_time_never_breaches(self) -> None:
        application = self.submitted(at=MONDAY)
        self.approve(application, "verifikasi", MONDAY + dt.timedelta(hours=1))
        terbit = Application.objects.get(pk=application.pk).steps.get(key="terbit")
        self.approve(application, "terbit", MONDAY + dt.timedelta(hours=2))
        assert terbit.due_at is not None
        self.assertEqual(self.sweep_at(terbit.due_at + dt.timedelta(days=30))["new_breaches"], 0)

    def test_very_late_escalates_to_the_head_of_the_agency(self) -> None:
        application = self.submitted(at=MONDAY)
        due = application.steps.get(key="verifikasi").due_at
        assert due is not None
        summary = self.sweep_at(due + dt.timedelta(days=10))
        self.assertEqual(summary["new_breaches"], 2)  # late and very late of the step
        self.assertTrue(Breach.objects.filter(level="very_late").exists())
        head = Event.objects.get(application=application, kind="escalated", data__to="agency_head")
        self.assertFalse(head.public)


class ConsequenceTests(SweepTestCase):
    def test_compensation_and_apology_when_the_application_is_late(self) -> None:
        service = self.service_with(
            "izin-a", compensation={"kind": "refund_percent", "percent": 50}
        )
        application = self.submitted(service=service, at=MONDAY)
        assert application.due_at is not None
        summary = self.sweep_at(application.due_at + MINUTE)
        self.assertEqual(summary["compensations"], 1)
        compensation = Compensation.objects.get(application=application)
        self.assertEqual((compensation.amount, compensation.status), (50000, "owed"))
        apology = Event.objects.get(application=application, kind="apology")
        self.assertEqual((apology.note, apology.public), ("Kami mohon maaf.", True))
        self.login(self.siti)
        page = self.client.get(f"/permohonan/{application.number}/")
        self.assertContains(page, "Kami mohon maaf.")
        self.assertContains(page, "50.000")

    def test_a_refund_of_a_tariff_is_counted_on_the_amount_billed_for_the_answers(self) -> None:
        content = charter_content(
            fee={
                "kind": "formula",
                "legal_basis": "Perda 1/2026",
                "formula": {
                    "field": "luas",
                    "tiers": [{"up_to": 100, "rate": 1000}, {"rate": 500}],
                },
                "due": "before_issue",
            },
            clock_starts="submission",
            guarantee={"compensation": {"kind": "refund_percent", "percent": 50}},
        )
        content["form"].append({"key": "luas", "label": "Luas", "type": "number", "unit": "m²"})
        service = Service.objects.create(
            code="pbg",
            name="PBG",
            lead_agency=self.disdukcapil,
            category="perizinan",
            channels=["online"],
        )
        self.adopt(service, content)
        with time_machine.travel(MONDAY, tick=False):
            application, _created = actions.create_application(
                citizen=self.siti, service=service, answers={**ANSWERS, "luas": "150"}
            )
            actions.attach_document(
                application=application,
                user=self.siti,
                requirement="surat_lahir",
                upload=SimpleUploadedFile("lahir.pdf", PDF),
            )
            application = actions.submit_application(application=application, citizen=self.siti)
        assert application.due_at is not None
        self.sweep_at(application.due_at + MINUTE)
        # half of 100 x Rp1.000 + 50 x Rp500, not of the charter's least amount (Rp0)
        self.assertEqual(Compensation.objects.get(application=application).amount, 62500)

    def test_per_day_compensation_is_settled_when_the_application_ends(self) -> None:
        service = self.service_with(
            "izin-b", compensation={"kind": "per_day", "amount": 20000, "cap": 50000}
        )
        application = self.submitted(service=service, at=MONDAY)
        assert application.due_at is not None
        self.sweep_at(application.due_at + MINUTE)
        self.assertEqual(Compensation.objects.get().amount, 20000)
        ended = application.due_at + dt.timedelta(days=14)
        self.approve(application, "verifikasi", ended)
        self.approve(application, "terbit", ended + MINUTE)
        self.sweep_at(ended + 2 * MINUTE)
        self.assertEqual(Compensation.objects.get().amount, 50000)  # capped

    def test_per_day_compensation_counts_the_agency_own_service_days(self) -> None:
        """Disdukcapil also opens on Saturday mornings: a Saturday is a day late, although
        its four hours are half of a weekday's."""
        for weekday in range(5):
            ServiceHours.objects.create(
                agency=self.disdukcapil, weekday=weekday, opens=dt.time(8), closes=dt.time(16)
            )
        ServiceHours.objects.create(
            agency=self.disdukcapil, weekday=5, opens=dt.time(8), closes=dt.time(12)
        )
        service = self.service_with(
            "izin-d", compensation={"kind": "per_day", "amount": 20000, "cap": 200000}
        )
        application = self.submitted(service=service, at=MONDAY)
        self.assertEqual(application.due_at, dt.datetime(2026, 12, 3, 16, 0, tzinfo=WIB))
        self.sweep_at(dt.datetime(2026, 12, 3, 16, 1, tzinfo=WIB))
        self.assertEqual(Compensation.objects.get().amount, 20000)
        late = Event.objects.get(application=application, kind="late", step="")
        self.assertIn("1 hari kerja", late.note)
        # ended on Monday morning: Friday, Saturday and Monday late (840 working minutes,
        # which 480-minute days would have counted as 2)
        ended = dt.datetime(2026, 12, 7, 10, 0, tzinfo=WIB)
        self.approve(application, "verifikasi", ended)
        self.approve(application, "terbit", ended + MINUTE)
        self.sweep_at(ended + 2 * MINUTE)
        self.assertEqual(Compensation.objects.get().amount, 60000)

    def test_compensations_of_a_batch_are_owed_in_a_fixed_number_of_queries(self) -> None:
        service = self.service_with("izin-e", compensation={"kind": "fixed", "amount": 25000})

        def queries_to_fire(count: int, monday: dt.datetime) -> int:
            applications = [self.submitted(service=service, at=monday) for _ in range(count)]
            self.sweep_at(monday + dt.timedelta(hours=1))  # plans their alarms
            due = applications[0].due_at
            assert due is not None
            with CaptureQueriesContext(connection) as queries:
                summary = fire_alarms(due + MINUTE)
            self.assertEqual(summary.compensations, count)
            return len(queries)

        two = queries_to_fire(2, MONDAY)
        fire_alarms(MONDAY + dt.timedelta(days=60))  # their remaining (very late) alarms
        # five late applications cost what two did: one read and one insert for all
        five = queries_to_fire(5, MONDAY + dt.timedelta(days=70))
        self.assertEqual(five, two)
        self.assertEqual(Compensation.objects.filter(status="owed", amount=25000).count(), 7)
        self.assertEqual(Event.objects.filter(kind="compensation_owed").count(), 7)

    def test_deemed_approval_happens_exactly_at_the_limit(self) -> None:
        service = self.service_with(
            "izin-c", deemed_approval={"legal_basis": "UU 30/2014 Pasal 53"}
        )
        application = self.submitted(service=service, at=MONDAY)
        due = application.due_at
        assert due is not None
        self.assertEqual(self.sweep_at(due)["deemed_approved"], 0)
        summary = self.sweep_at(due + dt.timedelta(seconds=1))
        self.assertEqual(summary["deemed_approved"], 1)
        application.refresh_from_db()
        self.assertEqual(application.status, "deemed_approved")
        event = Event.objects.get(application=application, kind="deemed_approved")
        self.assertEqual(event.note, "UU 30/2014 Pasal 53")
        self.login(self.budi)
        step = application.steps.get(key="verifikasi")
        response = self.client.post(
            f"/kantor/langkah/{application.number}/{step.key}/tindakan/",
            {"keputusan-action": "reject", "keputusan-note": "Terlambat"},
        )
        self.assertEqual(response.status_code, 302)
        application.refresh_from_db()
        self.assertEqual(application.status, "deemed_approved", "officers can no longer reject")

    def test_the_command_prints_a_json_summary_last(self) -> None:
        self.submitted(at=MONDAY)
        out = StringIO()
        call_command("sweep", "--at", "2027-06-01T09:00:00+07:00", stdout=out)
        summary = json.loads(out.getvalue().strip().splitlines()[-1])
        self.assertEqual(
            set(summary),
            {
                "checked",
                "new_breaches",
                "escalations",
                "compensations",
                "deemed_approved",
                "reminders",
                "complaint_deadlines_missed",
                "complaints_withdrawn",
                "complaints_closed",
                "data_requests_missed",
            },
        )
        self.assertGreater(summary["new_breaches"], 0)


class CalendarCorrectionTests(SweepTestCase):
    def test_a_closure_moves_due_dates_and_withdraws_a_breach_that_no_longer_holds(self) -> None:
        from layanan.agencies.models import CalendarDay
        from layanan.guarantees.models import Breach

        application = self.submitted(at=MONDAY)
        step = application.steps.get(key="verifikasi")
        old_due = step.due_at
        assert old_due is not None  # Tuesday 1 December 16:00 WIB
        self.assertEqual(self.sweep_at(old_due + MINUTE)["new_breaches"], 1)
        # The agency announces it was closed on Tuesday (e.g. a flood): that day never counted.
        with time_machine.travel(old_due + dt.timedelta(minutes=5), tick=False):
            CalendarDay.objects.create(
                agency=self.disdukcapil, date=dt.date(2026, 12, 1), kind="closed", name="Banjir"
            )
        self.sweep_at(old_due + dt.timedelta(minutes=10))
        step.refresh_from_db()
        new_due = step.due_at
        assert new_due is not None
        self.assertEqual(new_due, dt.datetime(2026, 12, 2, 16, 0, tzinfo=WIB))
        breach = Breach.objects.get(due_at=old_due)
        self.assertIsNotNone(breach.withdrawn_at)
        kinds = list(
            Event.objects.filter(application=application, public=True).values_list(
                "kind", flat=True
            )
        )
        self.assertIn("due_recomputed", kinds)
        self.assertIn("breach_withdrawn", kinds)
        # Late again only after the new due date, and once.
        self.assertEqual(self.sweep_at(new_due - MINUTE)["new_breaches"], 0)
        self.assertEqual(self.sweep_at(new_due + MINUTE)["new_breaches"], 1)
        self.assertEqual(self.sweep_at(new_due + 2 * MINUTE)["new_breaches"], 0)
        self.assertNotContains(self.client.get("/jaminan/"), "Banjir")

    def test_a_day_saved_earlier_but_committed_after_the_last_pass_is_not_skipped(self) -> None:
        """On PostgreSQL `updated_at` is taken before commit: a day saved at 10:00:00 by a slow
        transaction can appear after one saved at 10:00:30 was read. The next pass reads it."""
        from layanan.agencies.models import CalendarDay

        application = self.submitted(at=MONDAY)
        self.sweep_at(MONDAY + MINUTE)
        wall = dt.datetime(2026, 11, 30, 10, 0, tzinfo=WIB)
        with time_machine.travel(wall + dt.timedelta(seconds=30), tick=False):
            CalendarDay.objects.create(
                agency=self.dpmptsp, date=dt.date(2026, 12, 1), kind="closed", name="Rapat"
            )
        self.sweep_at(MONDAY + 2 * MINUTE)  # reads the 10:00:30 day; the mark is now 10:00:30
        with time_machine.travel(wall, tick=False):
            late = CalendarDay.objects.create(
                agency=self.disdukcapil, date=dt.date(2026, 12, 1), kind="closed", name="Banjir"
            )
        self.assertLess(late.updated_at, wall + dt.timedelta(seconds=30))
        self.sweep_at(MONDAY + 3 * MINUTE)
        step = application.steps.get(key="verifikasi")
        self.assertEqual(step.due_at, dt.datetime(2026, 12, 2, 16, 0, tzinfo=WIB))
        recomputed = Event.objects.filter(application=application, kind="due_recomputed")
        self.assertEqual(recomputed.count(), 1)  # the step (the clock has not started)
        self.assertIn("Banjir", recomputed.first().note)  # type: ignore[union-attr]
        self.sweep_at(MONDAY + 4 * MINUTE)  # the same version is not handled twice
        self.assertEqual(recomputed.count(), 1)


class ReviewedEdgeCaseTests(SweepTestCase):
    """Cases found in review: a pause around the due date, a late step returned and
    resubmitted, a correction undone, compensation withdrawn with its breach."""

    def return_and_resubmit(
        self, application: Application, returned: dt.datetime, back: dt.datetime
    ) -> None:
        with time_machine.travel(returned, tick=False):
            fresh = Application.objects.get(pk=application.pk)
            actions.act_on_step(
                application=fresh,
                step=fresh.steps.get(key="verifikasi"),
                officer=self.budi,
                action="return",
                note="Foto buram",
            )
        with time_machine.travel(back, tick=False):
            actions.resubmit_application(
                application=Application.objects.get(pk=application.pk), citizen=self.siti
            )

    def test_a_pause_across_the_due_time_does_not_lose_the_breach(self) -> None:
        application = self.submitted(at=MONDAY)
        due = application.steps.get(key="verifikasi").due_at
        assert due is not None  # Tuesday 16:00
        # Returned just after the due time, before any sweep; back the same evening (no
        # working time passes, so the due date does not move).
        self.return_and_resubmit(
            application, due + dt.timedelta(seconds=30), due + dt.timedelta(hours=4)
        )
        self.sweep_at(due + MINUTE)  # had the alarm fired while paused, it would be lost
        self.sweep_at(due + dt.timedelta(hours=5))
        self.assertEqual(Breach.objects.filter(step_key="verifikasi", level="late").count(), 1)

    def test_a_late_step_returned_and_resubmitted_is_not_late_twice(self) -> None:
        application = self.submitted(at=MONDAY)
        due = application.steps.get(key="verifikasi").due_at
        assert due is not None
        self.sweep_at(due + MINUTE)
        self.return_and_resubmit(
            application, due + dt.timedelta(hours=17), due + dt.timedelta(hours=19)
        )
        self.sweep_at(due + dt.timedelta(hours=20))
        self.assertEqual(Breach.objects.filter(step_key="verifikasi", level="late").count(), 1)
        self.assertEqual(
            Event.objects.filter(application=application, kind="late", step="verifikasi").count(), 1
        )

    def test_an_undone_correction_puts_the_breach_back(self) -> None:
        from layanan.agencies.models import CalendarDay

        application = self.submitted(at=MONDAY)
        due = application.steps.get(key="verifikasi").due_at
        assert due is not None
        self.sweep_at(due + MINUTE)
        with time_machine.travel(due + dt.timedelta(minutes=5), tick=False):
            day = CalendarDay.objects.create(
                agency=self.disdukcapil, date=dt.date(2026, 12, 1), kind="closed", name="Banjir"
            )
        self.sweep_at(due + dt.timedelta(minutes=10))
        self.assertIsNotNone(Breach.objects.get(due_at=due).withdrawn_at)
        with time_machine.travel(due + dt.timedelta(minutes=15), tick=False):
            day.kind = "open"  # the closure is undone: the day counts again
            day.save()
        self.sweep_at(due + dt.timedelta(minutes=20))
        breach = Breach.objects.get(due_at=due)
        self.assertIsNone(breach.withdrawn_at)
        self.assertEqual(Breach.objects.filter(level="late", withdrawn_at__isnull=True).count(), 1)


class CompensationWithdrawalTests(SweepTestCase):
    def test_a_withdrawn_breach_withdraws_its_compensation(self) -> None:
        from layanan.agencies.models import CalendarDay

        service = self.service_with("izin-w", compensation={"kind": "fixed", "amount": 10000})
        application = self.submitted(service=service, at=MONDAY)
        due = application.due_at
        assert due is not None
        self.sweep_at(due + MINUTE)
        self.assertEqual(Compensation.objects.get().status, "owed")
        with time_machine.travel(due + dt.timedelta(minutes=5), tick=False):
            CalendarDay.objects.create(
                agency=self.disdukcapil,
                date=due.astimezone(WIB).date(),
                kind="closed",
                name="Libur daerah",
            )
        self.sweep_at(due + dt.timedelta(minutes=10))
        self.assertEqual(Compensation.objects.get().status, "withdrawn")
        self.assertTrue(
            Event.objects.filter(application=application, kind="compensation_withdrawn").exists()
        )
        rows = self.client.get("/jaminan/data.json").json()["rows"]
        self.assertEqual(sum(r["compensations_owed"] for r in rows), 0)
