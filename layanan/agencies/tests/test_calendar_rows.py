"""An agency's calendar built from national and agency rows together."""

import datetime as dt

from layanan.agencies.calendars import calendar_for
from layanan.agencies.models import CalendarDay
from layanan.test import BaseTestCase


class CalendarRowsTests(BaseTestCase):
    def test_national_and_agency_closures_both_count(self) -> None:
        # Tuesday 1 and Wednesday 2 December 2026: one closed nationally, one by the agency
        CalendarDay.objects.create(date=dt.date(2026, 12, 1), kind="closed", name="Nasional")
        CalendarDay.objects.create(
            agency=self.disdukcapil, date=dt.date(2026, 12, 2), kind="closed", name="Banjir"
        )
        calendar = calendar_for(self.disdukcapil)
        self.assertFalse(calendar.is_working_day(dt.date(2026, 12, 1)))
        self.assertFalse(calendar.is_working_day(dt.date(2026, 12, 2)))
        self.assertTrue(calendar.is_working_day(dt.date(2026, 12, 3)))
