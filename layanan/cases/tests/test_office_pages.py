"""The back office: queues, the step page and its actions, assignment."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from layanan.cases import actions
from layanan.cases.models import Event, Step
from layanan.test import ANSWERS, BaseTestCase


class OfficeTestCase(BaseTestCase):
    """Officers at work on applications made with `submitted()` (layanan/test.py)."""


class QueueTests(OfficeTestCase):
    def test_a_citizen_cannot_open_the_back_office(self) -> None:
        self.login(self.siti)
        self.assertEqual(self.client.get("/kantor/").status_code, 403)

    def test_the_queue_lists_the_units_steps_by_due_date(self) -> None:
        first = self.submitted()
        second = self.submitted(self.agus)
        Step.objects.filter(application=second).update(
            due_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
        )
        self.login(self.budi)
        page = self.client.get("/kantor/")
        html = page.content.decode()
        self.assertLess(html.index(second.number), html.index(first.number))
        self.assertContains(page, "govuk-tag--red")
        late = self.client.get("/kantor/", {"terlambat": "on"})
        self.assertContains(late, second.number)
        self.assertNotContains(late, first.number)
        self.login(self.charlie)
        self.assertNotContains(self.client.get("/kantor/"), first.number)

    def test_queries_do_not_grow_with_the_number_of_rows(self) -> None:
        self.submitted()
        self.login(self.budi)
        self.client.get("/kantor/")
        with CaptureQueriesContext(connection) as one:
            self.client.get("/kantor/")
        for _ in range(5):
            self.submitted()
        with CaptureQueriesContext(connection) as six:
            self.client.get("/kantor/")
        self.assertEqual(len(one.captured_queries), len(six.captured_queries))

    def test_claim_assign_and_bulk_assign(self) -> None:
        application = self.submitted()
        step = application.steps.get(key="verifikasi")
        self.login(self.budi)
        url = f"/kantor/langkah/{application.number}/verifikasi/tugaskan/"
        self.client.post(url, {"assignee": "budi"})
        step.refresh_from_db()
        self.assertEqual(step.assignee, self.budi)
        self.client.post(url, {"assignee": "charlie"})  # not of this unit
        step.refresh_from_db()
        self.assertEqual(step.assignee, self.budi)
        self.client.post("/kantor/tugaskan/", {"step": [step.pk], "assignee": "ani"})
        step.refresh_from_db()
        self.assertEqual(step.assignee, self.ani)


class StepPageTests(OfficeTestCase):
    def test_opening_a_step_logs_the_view_of_personal_data(self) -> None:
        application = self.submitted()
        self.login(self.budi)
        page = self.client.get(f"/kantor/langkah/{application.number}/verifikasi/")
        self.assertContains(page, "Putri")
        self.assertTrue(
            Event.objects.filter(
                application=application, kind="data_viewed", actor=self.budi
            ).exists()
        )
        self.login(self.siti)
        self.assertContains(self.client.get(f"/permohonan/{application.number}/"), "Budi Santoso")

    def test_an_officer_elsewhere_gets_404(self) -> None:
        application = self.submitted()
        self.login(self.charlie)
        self.assertEqual(
            self.client.get(f"/kantor/langkah/{application.number}/verifikasi/").status_code, 404
        )

    def test_approve_both_steps_through_the_pages(self) -> None:
        application = self.submitted()
        self.login(self.budi)
        for key in ("verifikasi", "terbit"):
            response = self.client.post(
                f"/kantor/langkah/{application.number}/{key}/tindakan/", {"action": "approve"}
            )
            self.assertRedirects(response, "/kantor/")
        application.refresh_from_db()
        self.assertEqual(application.status, "completed")

    def test_a_return_without_reason_is_400_and_changes_nothing(self) -> None:
        application = self.submitted()
        self.login(self.budi)
        response = self.client.post(
            f"/kantor/langkah/{application.number}/verifikasi/tindakan/",
            {"action": "return", "note": ""},
        )
        self.assertEqual(response.status_code, 400)
        application.refresh_from_db()
        self.assertEqual(application.status, "in_progress")

    def test_acting_on_a_handled_step_says_so(self) -> None:
        application = self.submitted()
        self.login(self.budi)
        url = f"/kantor/langkah/{application.number}/verifikasi/tindakan/"
        self.client.post(url, {"action": "approve"})
        response = self.client.post(url, {"action": "reject", "note": "x"}, follow=True)
        self.assertContains(response, "udah ditangani")
        application.refresh_from_db()
        self.assertEqual(application.status, "in_progress")

    def test_comments_are_internal(self) -> None:
        application = self.submitted()
        self.login(self.budi)
        self.client.post(
            f"/kantor/langkah/{application.number}/verifikasi/komentar/", {"note": "Cek ulang"}
        )
        comment = Event.objects.get(application=application, kind="comment")
        self.assertFalse(comment.public)
        self.assertNotContains(self.client.get(f"/lacak/{application.number}/"), "Cek ulang")


class RedirectTests(OfficeTestCase):
    def test_assignment_never_redirects_off_site(self) -> None:
        application = self.submitted()
        self.login(self.budi)
        response = self.client.post(
            f"/kantor/langkah/{application.number}/verifikasi/tugaskan/",
            {"assignee": "budi", "next": "https://evil.example/phish"},
        )
        self.assertEqual(response["Location"], "/kantor/")


class RoleTests(OfficeTestCase):
    def test_a_step_is_worked_by_the_role_the_charter_names(self) -> None:
        from layanan.agencies.models import OfficerRole, Role

        dewi = self.make_user("dewi", "Dewi")  # a counter officer of the signing unit
        OfficerRole.objects.create(user=dewi, unit=self.capil, role=Role.FRONT_OFFICE)
        OfficerRole.objects.create(user=dewi, unit=self.loket, role=Role.PROCESSOR)
        application = self.submitted()
        self.login(dewi)
        self.client.post(
            f"/kantor/langkah/{application.number}/verifikasi/tindakan/", {"action": "approve"}
        )
        application.refresh_from_db()
        terbit = application.steps.get(key="terbit")
        self.assertEqual(terbit.state, "active")
        page = self.client.get(f"/kantor/langkah/{application.number}/terbit/")
        self.assertNotContains(page, 'value="approve"')
        denied = self.client.post(
            f"/kantor/langkah/{application.number}/terbit/tindakan/", {"action": "approve"}
        )
        self.assertEqual(denied.status_code, 403)
        terbit.refresh_from_db()
        self.assertEqual(terbit.state, "active")
        self.login(self.ani)  # the supervisor may act
        self.client.post(
            f"/kantor/langkah/{application.number}/terbit/tindakan/", {"action": "approve"}
        )
        application.refresh_from_db()
        self.assertEqual(application.status, "completed")

    def test_officers_do_not_see_drafts(self) -> None:
        application, _ = actions.create_application(
            citizen=self.siti, service=self.akta, answers=ANSWERS
        )
        self.login(self.budi)
        self.assertEqual(
            self.client.get(f"/kantor/langkah/{application.number}/verifikasi/").status_code, 404
        )
