"""Two officers acting on the same step at the same moment: exactly one action takes effect.

Real threads with their own database connections, on SQLite and on PostgreSQL (the suite runs
on both).
"""

from __future__ import annotations

import threading

from django.db import connection

from layanan.agencies.models import OfficerRole, Role
from layanan.cases import actions
from layanan.cases.models import Application, Event
from layanan.test import ConcurrentTestCase


class SimultaneousActionTests(ConcurrentTestCase):
    def test_exactly_one_of_two_simultaneous_decisions_takes_effect(self) -> None:
        dewi = self.make_user("dewi", "Dewi")
        OfficerRole.objects.create(user=dewi, unit=self.loket, role=Role.PROCESSOR)
        application = self.submitted()

        barrier = threading.Barrier(2, timeout=30)
        outcomes: list[str] = []

        def decide(officer_pk: int, action: str, note: str) -> None:
            try:
                from layanan.accounts.models import User

                officer = User.objects.get(pk=officer_pk)
                seen = Application.objects.get(pk=application.pk)
                step = seen.steps.get(key="verifikasi")
                barrier.wait()
                actions.act_on_step(
                    application=seen, step=step, officer=officer, action=action, note=note
                )
                outcomes.append(action)
            except actions.AlreadyHandled:
                outcomes.append("already handled")
            finally:
                connection.close()

        threads = [
            threading.Thread(target=decide, args=(self.budi.pk, "approve", "")),
            threading.Thread(target=decide, args=(dewi.pk, "reject", "Data tidak sesuai")),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        self.assertEqual(len(outcomes), 2, outcomes)
        self.assertIn("already handled", outcomes)
        winner = next(o for o in outcomes if o != "already handled")
        application.refresh_from_db()
        step = application.steps.get(key="verifikasi")
        if winner == "approve":
            self.assertEqual((application.status, step.state), ("in_progress", "approved"))
        else:
            self.assertEqual((application.status, step.state), ("rejected", "rejected"))
        decisions = Event.objects.filter(
            application=application, kind__in=("step_approved", "rejected")
        )
        self.assertEqual(decisions.count(), 1)
