"""Messages about complaints, sent by the real worker: the complainant is told of each public
change with the private link, the resolution carries one-click links that really answer, the
complainants of duplicates are told the outcome, supervisors get escalations, and an internal
response or an anonymous complainant's identity reaches nobody it should not."""

from __future__ import annotations

import datetime as dt
import re

from django.core import mail

from layanan.complaints import actions
from layanan.complaints.models import Category, Complaint, Status
from layanan.complaints.sweep import run as complaint_sweep
from layanan.notifications.models import Message
from layanan.notifications.tests.test_outbox import WorkerTestCase


class ComplaintMessageTests(WorkerTestCase):
    def setUp(self) -> None:
        super().setUp()
        actions.ensure_builtin_categories(self.disdukcapil)
        self.pungli = Category.objects.get(agency=self.disdukcapil, code="pungli")

    def file(self, **changes: object) -> Complaint:
        filing = actions.Filing(category=self.pungli, description="Diminta uang Rp50.000.")
        complainant = changes.pop("complainant", self.siti)
        for name, value in changes.items():
            setattr(filing, name, value)
        complaint, _key = actions.file_complaint(filing=filing, complainant=complainant)  # type: ignore[arg-type]
        return complaint

    def test_the_complainant_follows_every_public_change_and_answers_with_one_click(self) -> None:
        complaint = self.file()
        complaint = actions.verify_complaint(complaint=complaint, officer=self.ani)
        complaint = actions.respond(
            complaint=complaint, officer=self.ani, note="Catatan internal petugas.", public=False
        )
        complaint, _key = actions.resolve_complaint(
            complaint=complaint, officer=self.ani, outcome="Uang dikembalikan."
        )
        self.worker_pass()
        to_siti = [m for m in mail.outbox if m.to == ["siti@example.test"]]
        self.assertEqual(len(to_siti), 3, [m.subject for m in to_siti])  # filed, verified, resolved
        self.assertTrue(all(complaint.number in m.subject for m in to_siti))
        self.assertFalse(any("Catatan internal" in m.body for m in mail.outbox))
        private = f"/pengaduan/{complaint.number}/?kunci={actions.access_key_for(complaint)}"
        self.assertIn(private, to_siti[0].body)
        opened = self.client.get(private, follow=True)  # the key is kept, the address cleaned
        self.assertEqual(opened.status_code, 200)
        self.assertContains(opened, "Diminta uang Rp50.000.")
        links = re.findall(r"http://\S+/tanggapan/\?\S+", str(to_siti[-1].body))
        self.assertEqual(len(links), 2, to_siti[-1].body)
        not_resolved = next(link for link in links if "jawaban=tidak" in link)
        path = not_resolved.split("://", 1)[1].split("/", 1)[1]
        page = self.client.get("/" + path)
        self.assertEqual(page.status_code, 200)
        self.worker_pass()
        self.assertEqual(len(mail.outbox), len(to_siti), "nothing new without an answer")

    def test_a_complainant_without_an_account_is_written_to_at_the_address_they_gave(self) -> None:
        self.file(complainant=None, privacy="anonim", contact_email="warga@example.test")
        self.file(complainant=None, privacy="anonim")
        self.worker_pass()
        self.assertEqual([m.to for m in mail.outbox], [["warga@example.test"]])
        self.assertEqual(Message.objects.filter(status="skipped").count(), 1)

    def test_duplicates_are_told_the_outcome_and_supervisors_the_missed_limit(self) -> None:
        first = self.file()
        second = self.file(complainant=self.agus)
        actions.link_duplicate(complaint=second, primary=first, officer=self.ani)
        self.worker_pass()
        mail.outbox.clear()
        first = actions.verify_complaint(complaint=first, officer=self.ani)
        actions.resolve_complaint(complaint=first, officer=self.ani, outcome="Sudah ditegur.")
        self.worker_pass()
        to_agus = [m for m in mail.outbox if m.to == ["agus@example.test"]]
        self.assertEqual(len(to_agus), 1)
        self.assertIn("Sudah ditegur.", to_agus[0].body)
        self.assertNotIn("Siti", to_agus[0].body)

        late = self.file(privacy="rahasia")
        mail.outbox.clear()
        self.assertEqual(complaint_sweep(late.created_at + dt.timedelta(days=10)).missed, 1)
        self.worker_pass()
        to_ani = [m for m in mail.outbox if m.to == ["ani@example.test"]]
        self.assertEqual(len(to_ani), 1)
        self.assertIn(f"/kantor/pengaduan/{late.number}/", to_ani[0].body)
        late.refresh_from_db()
        self.assertEqual(late.status, Status.RECEIVED)
