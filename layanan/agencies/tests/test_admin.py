"""Calendar days move due dates, so the admin never deletes them nor changes their date."""

from django.urls import reverse

from layanan.agencies.models import CalendarDay
from layanan.test import BaseTestCase


class CalendarDayAdminTests(BaseTestCase):
    def test_a_day_can_be_reopened_but_not_deleted_or_moved(self) -> None:
        day = CalendarDay.objects.create(
            agency=self.disdukcapil, date="2026-12-01", kind="closed", name="Banjir"
        )
        self.login(self.root)
        delete = reverse("admin:agencies_calendarday_delete", args=[day.pk])
        self.assertEqual(self.client.post(delete, {"post": "yes"}).status_code, 403)
        change = reverse("admin:agencies_calendarday_change", args=[day.pk])
        self.client.post(
            change, {"kind": "open", "name": "Banjir (dibatalkan)", "date": "2027-01-01"}
        )
        day.refresh_from_db()
        self.assertEqual((day.kind, str(day.date)), ("open", "2026-12-01"))
