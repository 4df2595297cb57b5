"""The demo loader's clock override: set back inside the block only, never forward, never
nested, always restored."""

import datetime as dt

from django.test import SimpleTestCase
from django.utils import timezone

from layanan.portal.demo_clock import ClockAlreadySet, clock_at


class DemoClockTests(SimpleTestCase):
    def test_the_clock_reads_the_moment_inside_and_the_real_time_after(self) -> None:
        moment = timezone.now() - dt.timedelta(days=20)
        with clock_at(moment):
            self.assertEqual(timezone.now(), moment)
            self.assertEqual(timezone.localdate(), timezone.localtime(moment).date())
        self.assertLess(abs(timezone.now() - (moment + dt.timedelta(days=20))), dt.timedelta(1))

    def test_it_is_restored_when_the_block_fails(self) -> None:
        moment = timezone.now() - dt.timedelta(hours=3)
        with self.assertRaises(ZeroDivisionError), clock_at(moment):
            1 / 0  # noqa: B018
        self.assertGreater(timezone.now(), moment + dt.timedelta(hours=2))

    def test_it_refuses_the_future_a_naive_moment_and_nesting(self) -> None:
        with self.assertRaises(ValueError):
            clock_at(timezone.now() + dt.timedelta(minutes=5)).__enter__()
        with self.assertRaises(ValueError):
            clock_at(dt.datetime(2026, 1, 5, 9, 0)).__enter__()
        past = timezone.now() - dt.timedelta(days=1)
        with clock_at(past), self.assertRaises(ClockAlreadySet), clock_at(past):
            pass
        self.assertGreater(timezone.now(), past)
