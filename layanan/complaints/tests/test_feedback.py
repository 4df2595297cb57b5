"""The one-click "is it resolved?" page: the choice on GET (nothing changes), the answer on
POST, once, until the link expires, without signing in."""

from __future__ import annotations

import datetime as dt
import re

import time_machine
from django.utils import timezone

from layanan.complaints import actions
from layanan.complaints.models import Complaint, Status
from layanan.complaints.tests.web import ComplaintPageTestCase
from layanan.notifications.complaints import feedback_links


class FeedbackTests(ComplaintPageTestCase):
    def setUp(self) -> None:
        super().setUp()
        complaint, _access = self.file(complainant=None, contact_email="tono@example.test")
        actions.verify_complaint(complaint=complaint, officer=self.ani)
        self.complaint, self.key = actions.resolve_complaint(
            complaint=complaint, officer=self.ani, outcome="Uang dikembalikan, petugas ditegur."
        )
        self.url = f"/pengaduan/{complaint.number}/tanggapan/"

    def fresh(self) -> Complaint:
        return Complaint.objects.get(pk=self.complaint.pk)

    def test_the_link_shows_the_choice_and_changes_nothing(self) -> None:
        response = self.client.get(f"{self.url}?kunci={self.key}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Referrer-Policy"], "same-origin")
        self.assertContains(response, "Uang dikembalikan, petugas ditegur.")
        self.assertContains(response, "Sudah selesai")
        self.assertContains(response, "Belum selesai")
        self.assertEqual(self.fresh().status, Status.RESOLVED)

    def test_the_messages_links_open_with_their_answer_chosen(self) -> None:
        links = feedback_links(self.fresh())
        self.assertEqual(set(links), {"ya", "tidak"})
        path = links["tidak"][links["tidak"].index("/pengaduan/") :]
        response = self.client.get(path)
        chosen = re.findall(r'<input type="radio"[^>]*checked[^>]*>', response.content.decode())
        self.assertEqual(len(chosen), 1)
        self.assertIn('value="tidak"', chosen[0])
        self.assertEqual(self.fresh().status, Status.RESOLVED)

    def test_resolved_closes_it_with_the_rating_and_the_link_works_once(self) -> None:
        data = {"kunci": self.key, "verdict": "ya", "rating": "4"}
        response = self.client.post(self.url, data)
        self.assertContains(response, "Terima kasih atas jawaban Anda")
        complaint = self.fresh()
        self.assertEqual(
            (complaint.status, complaint.complainant_verdict, complaint.rating),
            (Status.CLOSED, "resolved", 4),
        )
        # the public page shows both views
        public = self.client.get(f"/pengaduan/{complaint.number}/")
        self.assertContains(public, "Menilai penanganannya 4 dari 5")
        # once
        self.assertEqual(self.client.post(self.url, data).status_code, 410)
        self.assertEqual(self.client.get(f"{self.url}?kunci={self.key}").status_code, 410)

    def test_not_resolved_needs_a_reason_and_reopens_it(self) -> None:
        refused = self.client.post(self.url, {"kunci": self.key, "verdict": "tidak"})
        self.assertEqual(refused.status_code, 400)
        self.assertContains(refused, "Tuliskan apa yang masih bermasalah", status_code=400)
        self.assertEqual(self.fresh().status, Status.RESOLVED)
        response = self.client.post(
            self.url, {"kunci": self.key, "verdict": "tidak", "reason": "Uang belum kembali."}
        )
        self.assertContains(response, "dibuka kembali")
        complaint = self.fresh()
        self.assertEqual(
            (complaint.status, complaint.complainant_verdict, complaint.times_reopened),
            (Status.IN_FOLLOW_UP, "not_resolved", 1),
        )
        self.assertTrue(
            complaint.events.filter(kind="reopened", note="Uang belum kembali.").exists()
        )

    def test_no_choice_is_refused(self) -> None:
        response = self.client.post(self.url, {"kunci": self.key, "rating": "9"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.fresh().status, Status.RESOLVED)

    def test_an_expired_or_wrong_link_no_longer_works(self) -> None:
        self.assertEqual(self.client.get(f"{self.url}?kunci=salah").status_code, 410)
        self.assertEqual(self.client.get(self.url).status_code, 410)
        later = timezone.now() + dt.timedelta(days=15)
        with time_machine.travel(later):
            self.assertEqual(self.client.get(f"{self.url}?kunci={self.key}").status_code, 410)
            response = self.client.post(self.url, {"kunci": self.key, "verdict": "ya"})
            self.assertEqual(response.status_code, 410)
        self.assertEqual(self.fresh().status, Status.RESOLVED)

    def test_the_signed_in_complainant_answers_without_the_key(self) -> None:
        complaint, _access = self.file()
        actions.verify_complaint(complaint=complaint, officer=self.ani)
        actions.resolve_complaint(complaint=complaint, officer=self.ani, outcome="Selesai.")
        url = f"/pengaduan/{complaint.number}/tanggapan/"
        self.assertEqual(self.client.get(url).status_code, 410)
        self.login(self.siti)
        self.assertEqual(self.client.get(url).status_code, 200)
        self.assertContains(self.client.get(f"/pengaduan/{complaint.number}/"), url)
        response = self.client.post(url, {"verdict": "ya"})
        self.assertEqual(response.status_code, 200)
        complaint.refresh_from_db()
        self.assertEqual(complaint.status, Status.CLOSED)
