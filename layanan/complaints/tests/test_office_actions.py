"""Every action of the complaint's back-office page through HTTP: each one done, redirected
with a message; bad input answered 400 next to the field with nothing written; a stale page
refused with a clear message; another agency's officer 404; a citizen 403."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from layanan.complaints.models import Complaint, ComplaintEvent, Status
from layanan.complaints.tests.office import OfficeTestCase


class ActionTestCase(OfficeTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.login(self.budi)

    def assert_done(
        self, response: Any, complaint: Complaint, status: str, *, back: str = ""
    ) -> Complaint:
        self.assertEqual(response.status_code, 302, getattr(response, "content", b"")[:2000])
        self.assertEqual(response["Location"], back or self.page(complaint))
        complaint.refresh_from_db()
        self.assertEqual(complaint.status, status)
        page = self.client.get(response["Location"])
        self.assertContains(page, "govuk-notification-banner--success")
        return complaint

    def assert_refused(self, response: Any, complaint: Complaint, field: str) -> None:
        """400, the message next to the field, and nothing written."""
        before = (complaint.status, complaint.revision)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "govuk-error-summary", status_code=400)
        self.assertContains(response, f'id="id_{field}_error"', status_code=400)
        complaint.refresh_from_db()
        self.assertEqual((complaint.status, complaint.revision), before)

    def verified(self, **changes: Any) -> Complaint:
        complaint = self.file(**changes)
        self.act(complaint, "verifikasi", {"note": ""})
        complaint.refresh_from_db()
        return complaint


class VerifyAndCompletionTests(ActionTestCase):
    def test_verify(self) -> None:
        complaint = self.file()
        response = self.act(complaint, "verifikasi", {"note": "Berkas lengkap."})
        complaint = self.assert_done(response, complaint, Status.VERIFIED)
        self.assertTrue(complaint.events.filter(kind="verified", actor=self.budi).exists())

    def test_ask_to_complete_needs_a_note(self) -> None:
        complaint = self.file()
        self.assert_refused(
            self.act(complaint, "kelengkapan", {"note": " "}), complaint, "kelengkapan-note"
        )
        response = self.act(complaint, "kelengkapan", {"note": "Sebutkan tanggal kejadian."})
        self.assert_done(response, complaint, Status.INCOMPLETE)

    def test_a_stale_page_changes_nothing_and_says_so(self) -> None:
        complaint = self.file()
        stale = complaint.revision
        done = self.act(
            complaint, "tanggapan", {"note": "Sedang kami periksa.", "public": "internal"}
        )
        self.client.get(done["Location"])  # its message read
        events = ComplaintEvent.objects.count()
        response = self.client.post(
            f"{self.page(complaint)}tindakan/verifikasi/",
            {"verifikasi-revision": stale, "verifikasi-note": ""},
            follow=True,
        )
        self.assertEqual(response.redirect_chain, [(self.page(complaint), 302)])
        self.assertContains(response, str(complaint.number))
        self.assertNotContains(response, "govuk-notification-banner--success")
        self.assertContains(response, "govuk-notification-banner")
        complaint.refresh_from_db()
        self.assertEqual(complaint.status, Status.RECEIVED)
        self.assertEqual(ComplaintEvent.objects.count(), events)

    def test_an_action_the_status_does_not_allow_is_400(self) -> None:
        complaint = self.verified()
        response = self.act(complaint, "verifikasi", {"note": ""})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "govuk-error-summary", status_code=400)

    def test_a_missing_revision_is_400(self) -> None:
        complaint = self.file()
        response = self.client.post(f"{self.page(complaint)}tindakan/verifikasi/", {})
        self.assertEqual(response.status_code, 400)
        complaint.refresh_from_db()
        self.assertEqual(complaint.status, Status.RECEIVED)

    def test_an_unknown_action_is_404_and_get_is_405(self) -> None:
        complaint = self.file()
        self.assertEqual(
            self.client.post(f"{self.page(complaint)}tindakan/hapus/", {}).status_code, 404
        )
        self.assertEqual(
            self.client.get(f"{self.page(complaint)}tindakan/verifikasi/").status_code, 405
        )


class ForwardAndFollowUpTests(ActionTestCase):
    def test_forward_to_another_agencys_unit(self) -> None:
        complaint = self.verified()
        page = self.client.get(self.page(complaint))
        self.assertContains(page, f'<optgroup label="{self.dpmptsp.name}">')
        response = self.act(complaint, "teruskan", {"unit": self.perizinan.pk, "note": ""})
        # the complaint left budi's units: back to his queue
        complaint = self.assert_done(
            response, complaint, Status.FORWARDED, back="/kantor/pengaduan/"
        )
        self.assertEqual((complaint.unit, complaint.agency), (self.perizinan, self.dpmptsp))
        # now it is DPMPTSP's: budi no longer sees it, charlie does
        self.assertEqual(self.client.get(self.page(complaint)).status_code, 404)
        self.login(self.charlie)
        self.assertEqual(self.client.get(self.page(complaint)).status_code, 200)

    def test_forward_needs_a_unit_from_the_list(self) -> None:
        complaint = self.verified()
        for unit in ("", "999999", "x"):
            self.assert_refused(
                self.act(complaint, "teruskan", {"unit": unit}), complaint, "teruskan-unit"
            )

    def test_plan_respond_resolve(self) -> None:
        complaint = self.verified()
        self.assert_refused(self.act(complaint, "rencana", {"note": ""}), complaint, "rencana-note")
        response = self.act(complaint, "rencana", {"note": "Petugas dipanggil atasan."})
        self.assert_done(response, complaint, Status.IN_FOLLOW_UP)
        response = self.act(
            complaint, "tanggapan", {"note": "Catatan pemeriksaan.", "public": "internal"}
        )
        self.assert_done(response, complaint, Status.IN_FOLLOW_UP)
        self.assertFalse(complaint.events.get(kind="responded").public)
        refused = self.act(complaint, "tanggapan", {"note": "Tanpa pilihan."})
        self.assert_refused(refused, complaint, "tanggapan-public")
        # the error summary leads to the first option of the radio group
        self.assertContains(refused, 'href="#id_tanggapan-public_0"', status_code=400)
        self.assert_refused(
            self.act(
                complaint,
                "selesai",
                {"outcome": "Uang dikembalikan.", "compensation_amount": "50000"},
            ),
            complaint,
            "selesai-compensation_due_on",
        )
        self.assert_refused(
            self.act(complaint, "selesai", {"outcome": "Selesai.", "compensation_amount": "lima"}),
            complaint,
            "selesai-compensation_amount",
        )
        due = timezone.localdate() + dt.timedelta(days=14)
        response = self.act(
            complaint,
            "selesai",
            {
                "outcome": "Uang dikembalikan; petugas diberi sanksi.",
                "compensation_amount": "50000",
                "compensation_due_on": due.isoformat(),
            },
        )
        complaint = self.assert_done(response, complaint, Status.RESOLVED)
        self.assertEqual(
            (complaint.compensation_amount, complaint.compensation_due_on), (50000, due)
        )
        self.assertContains(self.client.get(self.page(complaint)), "Rp50.000")

    def test_a_payment_date_in_the_past_is_refused_by_the_action(self) -> None:
        complaint = self.verified()
        past = timezone.localdate() - dt.timedelta(days=1)
        self.assert_refused(
            self.act(
                complaint,
                "selesai",
                {"outcome": "Selesai.", "compensation_amount": "1000", "compensation_due_on": past},
            ),
            complaint,
            "selesai-compensation_due_on",
        )


class RejectDuplicateLaporTests(ActionTestCase):
    def test_reject_needs_a_ground_and_a_reason(self) -> None:
        complaint = self.file()
        self.assert_refused(
            self.act(complaint, "tolak", {"reason": "Bukan kewenangan kami."}),
            complaint,
            "tolak-ground",
        )
        self.assert_refused(
            self.act(complaint, "tolak", {"ground": "other", "reason": ""}),
            complaint,
            "tolak-reason",
        )
        response = self.act(
            complaint,
            "tolak",
            {"ground": "outside_authority", "reason": "Silakan ke Dinas Perhubungan."},
        )
        complaint = self.assert_done(response, complaint, Status.REJECTED)
        self.assertContains(self.client.get(self.page(complaint)), "lyn-no-actions")

    def test_a_duplicate_is_suggested_and_linked(self) -> None:
        first = self.file(address="Loket 3, Mal Pelayanan Publik")
        second = self.file(
            address="loket 3, mal pelayanan publik", description="Diminta uang di loket tiga."
        )
        page = self.client.get(self.page(second))
        self.assertContains(page, f'name="duplikat-primary" value="{first.number}"')
        response = self.act(second, "duplikat", {"primary": first.number})
        second = self.assert_done(response, second, Status.REJECTED)
        self.assertEqual(second.duplicate_of, first)
        self.assertContains(self.client.get(self.page(first)), second.number)

    def test_a_duplicate_of_an_unknown_or_unseen_complaint_is_refused(self) -> None:
        complaint = self.file()
        actions_elsewhere = self.file(
            category=self.pungli, description="Pungutan di loket perizinan."
        )
        # moved to DPMPTSP: budi's units no longer handle it
        self.act(actions_elsewhere, "verifikasi", {"note": ""})
        self.act(actions_elsewhere, "teruskan", {"unit": self.perizinan.pk})
        for number in ("PGD-0000-0000-00", actions_elsewhere.number, "xyz"):
            self.assert_refused(
                self.act(complaint, "duplikat", {"primary": number}),
                complaint,
                "duplikat-primary",
            )

    def test_record_the_lapor_link(self) -> None:
        complaint = self.file()
        self.assert_refused(
            self.act(complaint, "lapor", {"link": "received_from", "number": ""}),
            complaint,
            "lapor-number",
        )
        response = self.act(complaint, "lapor", {"link": "received_from", "number": "LPR-123"})
        complaint = self.assert_done(response, complaint, Status.RECEIVED)
        self.assertEqual(
            (complaint.lapor_link, complaint.lapor_number), ("received_from", "LPR-123")
        )


class PermissionTests(ActionTestCase):
    def test_another_agency_gets_404_and_nothing_changes(self) -> None:
        complaint = self.file()
        self.login(self.charlie)
        response = self.act(complaint, "verifikasi", {"note": ""})
        self.assertEqual(response.status_code, 404)
        complaint.refresh_from_db()
        self.assertEqual((complaint.status, complaint.events.count()), (Status.RECEIVED, 1))

    def test_a_citizen_gets_403_and_a_visitor_the_sign_in(self) -> None:
        complaint = self.file()
        self.login(self.siti)
        self.assertEqual(self.act(complaint, "verifikasi", {"note": ""}).status_code, 403)
        self.client.logout()
        response = self.act(complaint, "verifikasi", {"note": ""})
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/masuk/"))
        complaint.refresh_from_db()
        self.assertEqual(complaint.status, Status.RECEIVED)
