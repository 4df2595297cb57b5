"""Two sweeps at the same moment (two workers, or the worker and a cron pass) record every
breach exactly once; a sweep that stopped halfway is completed by the next one."""

from __future__ import annotations

import datetime as dt
import threading

from django.db import connection

from layanan.guarantees.models import Alarm, Breach
from layanan.guarantees.sweep import Summary, fire_alarms, plan_alarms, sweep
from layanan.test import ConcurrentTestCase

WIB = dt.timezone(dt.timedelta(hours=7))
MONDAY = dt.datetime(2026, 11, 30, 9, 0, tzinfo=WIB)
LATER = dt.datetime(2027, 6, 1, 9, 0, tzinfo=WIB)


class ConcurrentSweepTests(ConcurrentTestCase):
    def submit_some(self, count: int) -> None:
        for _ in range(count):
            self.submitted(at=MONDAY)

    def test_two_sweeps_at_once_record_each_breach_once(self) -> None:
        self.submit_some(6)
        plan_alarms()
        barrier = threading.Barrier(2, timeout=30)
        results: list[Summary] = []
        errors: list[BaseException] = []

        def one_sweep() -> None:
            try:
                barrier.wait()
                results.append(sweep(LATER))
            except BaseException as error:  # reported below
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=one_sweep) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertEqual(errors, [])
        total = sum(r.new_breaches for r in results)
        self.assertEqual(total, Breach.objects.count())
        self.assertEqual(Breach.objects.filter(step_key="verifikasi", level="late").count(), 6)
        self.assertEqual(sweep(LATER).new_breaches, 0)

    def test_a_sweep_stopped_halfway_is_finished_by_the_next(self) -> None:
        self.submit_some(3)
        plan_alarms()
        first = Alarm.objects.filter(fired=False).order_by("fire_at", "pk").first()
        assert first is not None
        # A crash after some alarms: fire only those due before the first one's time + 1 s.
        partial = fire_alarms(first.fire_at + dt.timedelta(seconds=1))
        self.assertGreater(partial.checked, 0)
        rest = sweep(LATER)
        everything = Breach.objects.count()
        self.assertEqual(partial.new_breaches + rest.new_breaches, everything)
        self.assertEqual(sweep(LATER).new_breaches, 0)
