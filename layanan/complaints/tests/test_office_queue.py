"""The complaints queue at /kantor/pengaduan/: what each officer's units handle, the filters,
the order by due date, the markers, pagination and the empty state."""

from __future__ import annotations

import datetime as dt

import time_machine

from layanan.complaints.models import Complaint
from layanan.complaints.tests.office import OfficeTestCase
from layanan.complaints.views_office import PAGE_SIZE


class QueueTests(OfficeTestCase):
    def test_the_counter_officer_sees_the_complaints_of_the_agency(self) -> None:
        complaint = self.file()
        self.login(self.budi)
        response = self.client.get("/kantor/pengaduan/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, complaint.number)
        self.assertContains(response, f"/kantor/pengaduan/{complaint.number}/")

    def test_an_officer_of_another_agency_sees_none_of_them(self) -> None:
        complaint = self.file()
        self.login(self.charlie)
        response = self.client.get("/kantor/pengaduan/")
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, complaint.number)
        self.assertContains(response, "lyn-empty-queue")

    def test_a_citizen_is_refused_and_a_visitor_signs_in_first(self) -> None:
        self.login(self.siti)
        self.assertEqual(self.client.get("/kantor/pengaduan/").status_code, 403)
        self.client.logout()
        response = self.client.get("/kantor/pengaduan/")
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/masuk/?next="))

    def test_it_is_sorted_by_due_date_and_marks_the_overdue(self) -> None:
        start = dt.datetime(2027, 6, 7, 9, 0, tzinfo=dt.UTC)
        with time_machine.travel(start, tick=False):
            early = self.file()
        with time_machine.travel(start + dt.timedelta(days=7), tick=False):
            late = self.file(description="Pelayanan KTP-el ditolak tanpa alasan.")
        with time_machine.travel(start + dt.timedelta(days=8), tick=False):
            self.login(self.budi)
            page = self.client.get("/kantor/pengaduan/").content.decode()
            self.assertLess(page.index(early.number), page.index(late.number))
            self.assertIn("lyn-marker--late", page)
            overdue = self.client.get("/kantor/pengaduan/?terlambat=on").content.decode()
        self.assertIn(early.number, overdue)
        self.assertNotIn(late.number, overdue)

    def test_filters_by_status_kind_and_category(self) -> None:
        complaint = self.file()
        suggestion = self.file(
            category=self.umum, kind="aspirasi", description="Mohon ditambah kursi tunggu."
        )
        self.login(self.budi)
        by_kind = self.client.get("/kantor/pengaduan/?jenis=aspirasi")
        self.assertContains(by_kind, suggestion.number)
        self.assertNotContains(by_kind, complaint.number)
        by_category = self.client.get("/kantor/pengaduan/?kategori=disdukcapil.pungli")
        self.assertContains(by_category, complaint.number)
        self.assertNotContains(by_category, suggestion.number)
        verified = self.client.get("/kantor/pengaduan/?status=verified")
        self.assertNotContains(verified, complaint.number)
        self.assertContains(verified, "lyn-empty-queue")
        self.assertContains(self.client.get("/kantor/pengaduan/?status=all"), complaint.number)

    def test_a_forwarded_complaints_category_is_offered_to_the_new_unit(self) -> None:
        complaint = self.file()
        self.login(self.budi)
        self.client.post(
            f"/kantor/pengaduan/{complaint.number}/tindakan/verifikasi/",
            {"verifikasi-revision": 0},
        )
        self.client.post(
            f"/kantor/pengaduan/{complaint.number}/tindakan/teruskan/",
            {"teruskan-revision": 1, "teruskan-unit": self.perizinan.pk},
        )
        self.login(self.charlie)
        response = self.client.get("/kantor/pengaduan/?kategori=disdukcapil.pungli")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, complaint.number)

    def test_an_unknown_filter_value_is_a_400_with_a_message(self) -> None:
        self.login(self.budi)
        response = self.client.get("/kantor/pengaduan/?status=nonsense")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "govuk-error-summary", status_code=400)

    def test_pages_of_twenty_five(self) -> None:
        for _ in range(PAGE_SIZE + 1):
            self.file()
        last = Complaint.objects.order_by("-due_at", "-created_at", "-pk").first()
        assert last is not None
        self.login(self.budi)
        first_page = self.client.get("/kantor/pengaduan/")
        self.assertContains(first_page, "govuk-pagination")
        self.assertContains(first_page, "page=2")
        second = self.client.get("/kantor/pengaduan/?page=2")
        self.assertEqual(second.status_code, 200)
        self.assertContains(second, last.number)

    def test_the_queue_takes_a_fixed_number_of_queries(self) -> None:
        # session, user, second-factor device, officer check, roles (units), roles (handled
        # complaints), categories, count, page, the header's roles: ten, with 3 rows or 8.
        for _ in range(3):
            self.file()
        self.login(self.budi)
        self.client.get("/kantor/pengaduan/")
        with self.assertNumQueries(10):
            self.assertEqual(self.client.get("/kantor/pengaduan/").status_code, 200)
        for _ in range(5):
            self.file()
        with self.assertNumQueries(10):
            self.assertEqual(self.client.get("/kantor/pengaduan/").status_code, 200)
