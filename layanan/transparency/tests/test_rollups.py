"""The rollups: counted once by the worker's passes, the same as a rebuild from the logs, and
what the register and dashboard read is the same before and after the worker has run."""

from __future__ import annotations

import datetime as dt
import io
import json

import time_machine
from django.core.management import call_command

from layanan.cases import actions
from layanan.cases.models import Application
from layanan.guarantees.tests.test_sweep import MINUTE, MONDAY
from layanan.transparency.models import Rollup, Scope
from layanan.transparency.rollups import rebuild, run_pass
from layanan.transparency.tests.helpers import RollupTestCase

DAY = dt.timedelta(days=1)


class RollupTests(RollupTestCase):
    def story(self) -> dict[str, Application]:
        """One of each: completed on time, rejected, late with a compensation owed and then
        paid, withdrawn; the worker passes at odd moments in between."""
        service = self.service_with("izin-x", compensation={"kind": "fixed", "amount": 25000})
        done = self.submitted(at=MONDAY)
        self.finish(done, MONDAY + dt.timedelta(hours=2))
        run_pass()
        rejected = self.submitted(self.agus, at=MONDAY + MINUTE)
        self.finish(rejected, MONDAY + dt.timedelta(hours=3), action="reject")
        late = self.submitted(service=service, at=MONDAY)
        run_pass()
        late.refresh_from_db()
        assert late.due_at is not None
        self.sweep_at(late.due_at + MINUTE)
        withdrawn = self.submitted(self.agus, at=MONDAY + 2 * MINUTE)
        with time_machine.travel(MONDAY + dt.timedelta(hours=4), tick=False):
            actions.withdraw_application(
                application=Application.objects.get(pk=withdrawn.pk), citizen=self.agus
            )
        return {"done": done, "rejected": rejected, "late": late, "withdrawn": withdrawn}

    def whole_government(self, month: str = "2026-11") -> Rollup:
        return Rollup.objects.get(scope=Scope.ALL, month=month)

    def test_a_pass_counts_each_event_once_and_a_second_pass_nothing(self) -> None:
        self.story()
        run_pass()
        first = self.rows()
        self.assertEqual(run_pass(), 0)
        self.assertEqual(self.rows(), first)
        november = self.whole_government()
        self.assertEqual(
            (
                november.received,
                november.received_online,
                november.still_open,
                november.completed,
                november.rejected,
                november.withdrawn,
                november.on_time,
            ),
            (4, 4, 1, 1, 1, 1, 1),  # rejected before its file was complete: no due date
        )
        self.assertEqual(november.completion_days, {"0": 1})
        # The late application fell late in December: its step's limit and its own.
        december = self.whole_government("2026-12")
        self.assertEqual(
            (december.breaches_late, december.compensations_owed, december.amount_owed),
            (2, 1, 25000),
        )

    def test_a_rebuild_gives_the_rows_the_passes_gave(self) -> None:
        self.story()
        run_pass()
        incremental = self.rows()
        out = io.StringIO()
        call_command("rollups", "rebuild", stdout=out)
        self.assertGreater(json.loads(out.getvalue().splitlines()[-1])["events"], 10)
        self.assertEqual(self.rows(), incremental)
        self.assertEqual(rebuild(), json.loads(out.getvalue().splitlines()[-1])["events"])
        self.assertEqual(self.rows(), incremental)

    def test_three_scopes_add_up(self) -> None:
        self.story()
        run_pass()
        services = Rollup.objects.filter(scope=Scope.SERVICE, month="2026-11")
        agency = Rollup.objects.get(
            scope=Scope.AGENCY, month="2026-11", agency_pk=self.disdukcapil.pk
        )
        self.assertEqual(sum(row.received for row in services), agency.received)
        self.assertEqual(agency.received, self.whole_government().received)
        by_service = {row.service_pk: row.received for row in services}
        self.assertEqual(by_service[self.akta.pk], 3)

    def test_paying_moves_the_compensation_from_owed_to_paid(self) -> None:
        self.story()
        self.login(self.ani)
        from layanan.guarantees.models import Compensation

        compensation = Compensation.objects.get()
        self.client.post(f"/kantor/kompensasi/{compensation.pk}/bayar/", {"reference": "TRF-1"})
        run_pass()
        december = self.whole_government("2026-12")
        self.assertEqual(
            (
                december.compensations_owed,
                december.amount_owed,
                december.compensations_paid,
                december.amount_paid,
            ),
            (0, 0, 1, 25000),
        )

    def test_the_register_reads_the_same_before_and_after_the_worker(self) -> None:
        self.story()
        before = self.client.get("/jaminan/data.json").json()
        self.assertEqual(sum(row["late"] for row in before["rows"]), 2)
        run_pass()
        self.assertEqual(self.client.get("/jaminan/data.json").json(), before)
        self.assertEqual(
            self.client.get("/jaminan/data.csv").content,
            self.client.get("/jaminan/data.csv").content,
        )

    def test_the_register_does_not_read_the_applications(self) -> None:
        self.story()
        run_pass()
        before = self.queries("/jaminan/data.json")
        self.assertLessEqual(before, 10)
        for _more in range(3):
            self.submitted(self.agus, at=MONDAY + DAY)
        run_pass()
        self.assertEqual(self.queries("/jaminan/data.json"), before)


class WithdrawnBreachAndComplaintTests(RollupTestCase):
    def test_a_withdrawn_breach_leaves_the_month_it_was_counted_in(self) -> None:
        from layanan.agencies.models import CalendarDay

        application = self.submitted(at=MONDAY)
        old_due = application.steps.get(key="verifikasi").due_at
        assert old_due is not None
        self.sweep_at(old_due + MINUTE)
        run_pass()
        self.assertEqual(Rollup.objects.get(scope=Scope.ALL, month="2026-12").breaches_late, 1)
        with time_machine.travel(old_due + dt.timedelta(minutes=5), tick=False):
            CalendarDay.objects.create(
                agency=self.disdukcapil, date=dt.date(2026, 12, 1), kind="closed", name="Banjir"
            )
        self.sweep_at(old_due + dt.timedelta(minutes=10))
        register = self.client.get("/jaminan/data.json").json()
        self.assertEqual(sum(row["late"] for row in register["rows"]), 0)
        run_pass()
        self.assertEqual(Rollup.objects.get(scope=Scope.ALL, month="2026-12").breaches_late, 0)
        self.assertEqual(self.client.get("/jaminan/data.json").json(), register)
        incremental = self.rows()
        rebuild()
        self.assertEqual(self.rows(), incremental)

    def test_complaints_received_resolved_and_limits_missed(self) -> None:
        from layanan.complaints import actions as complaint_actions
        from layanan.complaints.models import Category

        complaint_actions.ensure_builtin_categories(self.disdukcapil)
        with time_machine.travel(MONDAY, tick=False):
            complaint_actions.file_complaint(
                filing=complaint_actions.Filing(
                    category=Category.objects.get(agency=self.disdukcapil, code="pungli"),
                    description="Diminta uang di loket.",
                    privacy="rahasia",
                ),
                complainant=self.siti,
            )
        self.sweep_at(MONDAY + dt.timedelta(days=7))
        run_pass()
        november = Rollup.objects.get(
            scope=Scope.SERVICE, month="2026-11", agency_pk=self.disdukcapil.pk, service_pk=0
        )
        self.assertEqual(november.complaints_received, 1)
        december = Rollup.objects.get(scope=Scope.ALL, month="2026-12")
        self.assertEqual(december.complaint_deadlines_missed, 1)
        page = self.client.get("/dasbor/", {"periode": "2026"})
        self.assertEqual(page.context["totals"]["complaints_received"], 1)
        self.assertEqual(page.context["totals"]["complaint_deadlines_missed"], 1)
