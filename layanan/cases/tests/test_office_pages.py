"""The back office: queues, the step page and its actions, assignment."""

from __future__ import annotations

import datetime as dt
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from layanan.accounts.models import DataAccess, User
from layanan.agencies.models import OfficerRole, Role
from layanan.cases import actions
from layanan.cases.models import Application, Event, Step
from layanan.cases.views_office import PAGE_SIZE
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
        self.client.post("/kantor/tugaskan/", {"bulk-step": [step.pk], "bulk-assignee": "ani"})
        step.refresh_from_db()
        self.assertEqual(step.assignee, self.ani)


class StepPageTests(OfficeTestCase):
    def test_opening_a_step_logs_the_view_of_personal_data(self) -> None:
        application = self.submitted()
        self.login(self.budi)
        page = self.client.get(f"/kantor/langkah/{application.number}/verifikasi/")
        self.assertContains(page, "Putri")
        self.assertTrue(
            DataAccess.objects.filter(
                citizen=self.siti,
                reader=self.budi,
                place=DataAccess.Place.OFFICE_STEP,
                application_number=application.number,
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
                f"/kantor/langkah/{application.number}/{key}/tindakan/",
                {"keputusan-action": "approve"},
            )
            self.assertRedirects(response, "/kantor/")
        application.refresh_from_db()
        self.assertEqual(application.status, "completed")

    def test_a_return_without_reason_is_400_and_changes_nothing(self) -> None:
        application = self.submitted()
        self.login(self.budi)
        response = self.client.post(
            f"/kantor/langkah/{application.number}/verifikasi/tindakan/",
            {"keputusan-action": "return", "keputusan-note": ""},
        )
        self.assertEqual(response.status_code, 400)
        application.refresh_from_db()
        self.assertEqual(application.status, "in_progress")

    def test_acting_on_a_handled_step_says_so(self) -> None:
        application = self.submitted()
        self.login(self.budi)
        url = f"/kantor/langkah/{application.number}/verifikasi/tindakan/"
        self.client.post(url, {"keputusan-action": "approve"})
        response = self.client.post(
            url, {"keputusan-action": "reject", "keputusan-note": "x"}, follow=True
        )
        self.assertContains(response, "udah ditangani")
        application.refresh_from_db()
        self.assertEqual(application.status, "in_progress")

    def test_comments_are_internal(self) -> None:
        application = self.submitted()
        self.login(self.budi)
        self.client.post(
            f"/kantor/langkah/{application.number}/verifikasi/komentar/",
            {"komentar-note": "Cek ulang"},
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
        dewi = self.make_user("dewi", "Dewi")  # a counter officer of the signing unit
        OfficerRole.objects.create(user=dewi, unit=self.capil, role=Role.FRONT_OFFICE)
        OfficerRole.objects.create(user=dewi, unit=self.loket, role=Role.PROCESSOR)
        application = self.submitted()
        self.login(dewi)
        self.client.post(
            f"/kantor/langkah/{application.number}/verifikasi/tindakan/",
            {"keputusan-action": "approve"},
        )
        application.refresh_from_db()
        terbit = application.steps.get(key="terbit")
        self.assertEqual(terbit.state, "active")
        page = self.client.get(f"/kantor/langkah/{application.number}/terbit/")
        self.assertNotContains(page, 'value="approve"')
        denied = self.client.post(
            f"/kantor/langkah/{application.number}/terbit/tindakan/",
            {"keputusan-action": "approve"},
        )
        self.assertEqual(denied.status_code, 403)
        terbit.refresh_from_db()
        self.assertEqual(terbit.state, "active")
        self.login(self.ani)  # the supervisor may act
        self.client.post(
            f"/kantor/langkah/{application.number}/terbit/tindakan/",
            {"keputusan-action": "approve"},
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


LATE = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def ids_in(html: str) -> list[str]:
    return re.findall(r'\sid="([^"]+)"', html)


class DewiMixin(OfficeTestCase):
    """dewi works the counter of the signing unit (front office) and processes at the
    counter unit: she may work 'verifikasi' but not the approver's 'terbit'."""

    dewi: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.dewi = cls.make_user("dewi", "Dewi Lestari")
        OfficerRole.objects.create(user=cls.dewi, unit=cls.capil, role=Role.FRONT_OFFICE)
        OfficerRole.objects.create(user=cls.dewi, unit=cls.loket, role=Role.PROCESSOR)

    def at_terbit(self) -> Application:
        application = self.submitted()
        actions.act_on_step(
            application=application,
            step=application.steps.get(key="verifikasi"),
            officer=self.budi,
            action="approve",
        )
        application.refresh_from_db()
        return application


class QueueMarkerTests(OfficeTestCase):
    def test_late_due_soon_and_on_track_differ_by_word_and_shape(self) -> None:
        late, soon, on_track = self.submitted(), self.submitted(self.agus), self.submitted()
        Step.objects.filter(application=late).update(due_at=LATE)
        Step.objects.filter(application=soon).update(due_at=timezone.now() + dt.timedelta(hours=3))
        Step.objects.filter(application=on_track).update(
            due_at=timezone.now() + dt.timedelta(days=9)
        )
        self.login(self.budi)
        html = self.client.get("/kantor/").content.decode()
        for number, marker, word in (
            (late.number, "lyn-marker--late", "Terlambat"),
            (soon.number, "lyn-marker--soon", "Segera jatuh tempo"),
            (on_track.number, "lyn-marker--on-track", "Sesuai jadwal"),
        ):
            row = re.search(rf"<tr[^>]*>(?:(?!</tr>).)*{number}(?:(?!</tr>).)*</tr>", html, re.S)
            assert row is not None, number
            self.assertIn(marker, row.group(0))
            self.assertIn(word, row.group(0))
            self.assertRegex(row.group(0), rf'{marker}"><svg[^>]*aria-hidden="true"')

    def test_row_checkboxes_are_govuk_small_checkboxes_with_a_label(self) -> None:
        application = self.submitted()
        step = application.steps.get(key="verifikasi")
        self.login(self.budi)
        html = self.client.get("/kantor/").content.decode()
        self.assertIn('class="govuk-checkboxes govuk-checkboxes--small"', html)
        self.assertIn(f'id="bulk-step-{step.pk}"', html)
        self.assertRegex(
            html,
            rf'<label class="govuk-label govuk-checkboxes__label" for="bulk-step-{step.pk}">'
            rf'<span class="govuk-visually-hidden">Pilih {application.number}, Verifikasi berkas',
        )
        self.assertEqual(len(ids_in(html)), len(set(ids_in(html))))

    def test_filters_sit_in_a_wrapping_box(self) -> None:
        self.login(self.budi)
        html = self.client.get("/kantor/").content.decode()
        self.assertIn('class="lyn-filters__fields"', html)
        self.assertEqual(len(re.findall(r'class="lyn-filters__field[ "]', html)), 4)

    def test_the_queue_is_paginated_and_keeps_the_filter(self) -> None:
        last = self.submitted()
        Step.objects.filter(application=last).update(due_at=timezone.now() + dt.timedelta(days=9))
        for _ in range(PAGE_SIZE):
            application = self.submitted()
            Step.objects.filter(application=application).update(due_at=LATE)
        self.login(self.budi)
        one = self.client.get("/kantor/", {"milik": "kosong"})
        self.assertContains(one, f"{PAGE_SIZE + 1} langkah")
        self.assertNotContains(one, last.number)
        self.assertContains(one, "?milik=kosong&amp;page=2")
        two = self.client.get("/kantor/", {"milik": "kosong", "page": "2"})
        self.assertContains(two, last.number)
        self.assertEqual(two.content.decode().count('name="bulk-step"'), 1)
        late_only = self.client.get("/kantor/", {"terlambat": "on"})
        self.assertContains(late_only, f"{PAGE_SIZE} langkah")
        self.assertNotContains(late_only, "page=2")


class HtmxQueueTests(OfficeTestCase):
    def test_a_filter_request_from_htmx_gets_the_results_fragment(self) -> None:
        late = self.submitted()
        Step.objects.filter(application=late).update(due_at=LATE)
        other = self.submitted(self.agus)
        self.login(self.budi)
        fragment = self.client.get("/kantor/", {"terlambat": "on"}, headers={"HX-Request": "true"})
        self.assertEqual(fragment.status_code, 200)
        body = fragment.content.decode()
        self.assertNotIn("<html", body)
        self.assertNotIn("<h1", body)
        self.assertIn(late.number, body)
        self.assertNotIn(other.number, body)
        self.assertIn('hx-swap-oob="true"', body)  # the status line announces the count
        self.assertIn("HX-Request", fragment["Vary"])
        # Without JavaScript the same URL is the whole page, with the filter applied.
        page = self.client.get("/kantor/", {"terlambat": "on"})
        self.assertContains(page, "<h1")
        self.assertContains(page, late.number)
        self.assertNotContains(page, other.number)
        # Going back in history asks for the whole page again.
        restore = self.client.get(
            "/kantor/", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
        )
        self.assertContains(restore, "<h1")

    def test_the_queue_loads_htmx_from_our_own_static_files(self) -> None:
        self.login(self.budi)
        html = self.client.get("/kantor/").content.decode()
        self.assertIn('src="/static/layanan/office.js"', html)
        self.assertNotRegex(html, r'src="https?://')
        self.assertIn('hx-get="/kantor/"', html)
        script = self.client.get("/static/layanan/office.js")
        self.assertEqual(script.status_code, 200)
        # Citizens' pages do not carry it.
        self.login(self.siti)
        self.assertNotContains(self.client.get("/permohonan/"), "office.js")

    def test_claiming_from_the_queue_with_htmx_answers_with_the_row(self) -> None:
        application = self.submitted()
        step = application.steps.get(key="verifikasi")
        self.login(self.budi)
        self.assertContains(
            self.client.get("/kantor/"),
            f'hx-post="/kantor/langkah/{application.number}/verifikasi/tugaskan/"',
        )
        response = self.client.post(
            f"/kantor/langkah/{application.number}/verifikasi/tugaskan/",
            {"row": "1", "next": "/kantor/"},
            headers={"HX-Request": "true"},
        )
        self.assertEqual(response.status_code, 200)
        body = response.content.decode()
        self.assertTrue(body.startswith("<tr"), body[:80])
        self.assertIn(f'id="langkah-{step.pk}"', body)
        self.assertIn(
            f"Anda mengambil langkah &#x27;Verifikasi berkas&#x27; untuk {application.number}.",
            body,
        )
        self.assertNotIn("Ambil<", body)  # nothing left to claim
        step.refresh_from_db()
        self.assertEqual(step.assignee, self.budi)
        self.assertTrue(
            Event.objects.filter(application=application, kind="assigned", actor=self.budi).exists()
        )

    def test_claiming_without_javascript_redirects_back_with_a_message(self) -> None:
        application = self.submitted()
        self.login(self.budi)
        response = self.client.post(
            f"/kantor/langkah/{application.number}/verifikasi/tugaskan/",
            {"next": "/kantor/?milik=kosong"},
            follow=True,
        )
        self.assertRedirects(response, "/kantor/?milik=kosong")
        self.assertContains(
            response,
            f"Anda mengambil langkah &#x27;Verifikasi berkas&#x27; untuk {application.number}.",
        )
        self.assertEqual(application.steps.get(key="verifikasi").assignee, self.budi)


class ClaimAndAssignTests(DewiMixin):
    def test_the_step_page_has_a_claim_button(self) -> None:
        application = self.submitted()
        self.login(self.budi)
        url = f"/kantor/langkah/{application.number}/verifikasi/"
        self.assertContains(self.client.get(url), "Ambil")
        response = self.client.post(url + "tugaskan/", {"next": url}, follow=True)
        self.assertRedirects(response, url)
        self.assertContains(response, "Anda mengambil langkah")
        self.assertNotContains(response, ">Ambil<")
        self.assertEqual(application.steps.get(key="verifikasi").assignee, self.budi)

    def test_after_a_refused_comment_the_claim_returns_to_the_step_page(self) -> None:
        """The page answering a refused comment lives at …/komentar/ (POST only): the forms on it
        must send the officer back to the step page, not there (it answered 405)."""
        application = self.submitted()
        self.login(self.budi)
        url = f"/kantor/langkah/{application.number}/verifikasi/"
        refused = self.client.post(url + "komentar/", {"komentar-note": ""})
        self.assertEqual(refused.status_code, 400)
        nexts = re.findall(r'name="next" value="([^"]+)"', refused.content.decode())
        self.assertTrue(nexts)
        self.assertEqual(set(nexts), {url})
        claimed = self.client.post(url + "tugaskan/", {"next": nexts[0]}, follow=True)
        self.assertRedirects(claimed, url)

    def test_assigning_names_the_officer_application_and_step(self) -> None:
        application = self.submitted()
        self.login(self.budi)
        response = self.client.post(
            f"/kantor/langkah/{application.number}/verifikasi/tugaskan/",
            {"assignee": "dewi"},
            follow=True,
        )
        self.assertContains(
            response,
            f"Langkah &#x27;Verifikasi berkas&#x27; untuk {application.number} "
            "ditugaskan kepada Dewi Lestari.",
        )
        released = self.client.post(
            f"/kantor/langkah/{application.number}/verifikasi/tugaskan/",
            {"release": "1"},
            follow=True,
        )
        self.assertContains(released, "dilepas")
        self.assertIsNone(application.steps.get(key="verifikasi").assignee)

    def test_an_assignee_must_work_in_the_steps_unit_with_its_role(self) -> None:
        application = self.at_terbit()
        terbit = application.steps.get(key="terbit")
        self.login(self.budi)
        url = f"/kantor/langkah/{application.number}/terbit/tugaskan/"
        for who in ("charlie", "dewi", "nobody"):  # elsewhere; counter role only; unknown
            response = self.client.post(url, {"assignee": who}, follow=True)
            self.assertContains(response, "Bidang Pencatatan Sipil")
            terbit.refresh_from_db()
            self.assertIsNone(terbit.assignee, who)
        self.assertFalse(Event.objects.filter(application=application, kind="assigned").exists())
        htmx = self.client.post(
            url, {"assignee": "charlie", "row": "1"}, headers={"HX-Request": "true"}
        )
        self.assertEqual(htmx.status_code, 400)
        self.assertContains(htmx, "lyn-queue-status--error", status_code=400)

    def test_an_officer_without_the_steps_role_cannot_claim_it(self) -> None:
        application = self.at_terbit()
        self.login(self.dewi)
        url = f"/kantor/langkah/{application.number}/terbit/"
        page = self.client.get(url)
        self.assertNotContains(page, ">Ambil<")
        self.assertEqual(self.client.post(url + "tugaskan/").status_code, 403)
        htmx = self.client.post(url + "tugaskan/", {"row": "1"}, headers={"HX-Request": "true"})
        self.assertEqual(htmx.status_code, 403)
        self.assertContains(htmx, "peran lain", status_code=403)
        self.assertIsNone(application.steps.get(key="terbit").assignee)

    def test_the_rules_hold_in_the_actions_themselves(self) -> None:
        application = self.at_terbit()
        terbit = Step.objects.select_related("application__charter", "unit").get(
            application=application, key="terbit"
        )
        with self.assertRaises(actions.Forbidden):
            actions.act_on_step(
                application=application, step=terbit, officer=self.dewi, action="approve"
            )
        with self.assertRaises(actions.Forbidden):
            actions.assign_step(step=terbit, assignee=self.dewi, by=self.dewi)
        with self.assertRaises(actions.InvalidInput):
            actions.assign_step(step=terbit, assignee=self.charlie, by=self.budi)
        terbit.refresh_from_db()
        self.assertIsNone(terbit.assignee)
        application.refresh_from_db()
        self.assertEqual(application.status, "in_progress")


class BulkAssignTests(DewiMixin):
    def test_the_selected_steps_go_to_one_officer(self) -> None:
        one, two = self.submitted(), self.submitted(self.agus)
        steps = [a.steps.get(key="verifikasi") for a in (one, two)]
        self.login(self.budi)
        response = self.client.post(
            "/kantor/tugaskan/?milik=kosong",
            {"bulk-step": [s.pk for s in steps], "bulk-assignee": "dewi"},
            follow=True,
        )
        self.assertRedirects(response, "/kantor/?milik=kosong")
        self.assertContains(response, "2 langkah ditugaskan kepada Dewi Lestari.")
        for step in steps:
            step.refresh_from_db()
            self.assertEqual(step.assignee, self.dewi)

    def test_nothing_selected_is_a_400_with_an_error_summary(self) -> None:
        application = self.submitted()
        step = application.steps.get(key="verifikasi")
        self.login(self.budi)
        response = self.client.post("/kantor/tugaskan/", {"bulk-assignee": ""})
        self.assertEqual(response.status_code, 400)
        html = response.content.decode()
        self.assertRegex(html, r"<title>Kesalahan: Antrean kerja")
        self.assertIn(
            'class="govuk-error-summary" data-module="govuk-error-summary" tabindex="-1" autofocus',
            html,
        )
        self.assertIn(f'href="#bulk-step-{step.pk}">Pilih langkah yang akan ditugaskan', html)
        self.assertIn('href="#id_bulk-assignee">Pilih petugas', html)
        self.assertNotIn("govuk-notification-banner", html)
        step.refresh_from_db()
        self.assertIsNone(step.assignee)

    def test_one_step_that_cannot_go_to_the_officer_stops_them_all(self) -> None:
        first = self.submitted()
        later = self.at_terbit()
        chosen = [first.steps.get(key="verifikasi"), later.steps.get(key="terbit")]
        self.login(self.budi)
        response = self.client.post(
            "/kantor/tugaskan/",
            {"bulk-step": [s.pk for s in chosen], "bulk-assignee": "dewi"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(
            response, f"{later.number}: Dewi Lestari tidak dapat mengerjakan", status_code=400
        )
        for step in chosen:
            step.refresh_from_db()
            self.assertIsNone(step.assignee)
        self.assertFalse(Event.objects.filter(kind="assigned").exists())

    def test_steps_of_other_units_are_not_assignable(self) -> None:
        application = self.submitted()
        step = application.steps.get(key="verifikasi")
        self.login(self.charlie)
        response = self.client.post(
            "/kantor/tugaskan/", {"bulk-step": [step.pk], "bulk-assignee": "charlie"}
        )
        self.assertEqual(response.status_code, 400)
        step.refresh_from_db()
        self.assertIsNone(step.assignee)


class StepFormTests(OfficeTestCase):
    def test_the_decision_and_the_comment_have_their_own_ids_and_labels(self) -> None:
        application = self.submitted()
        self.login(self.budi)
        html = self.client.get(f"/kantor/langkah/{application.number}/verifikasi/").content.decode()
        self.assertNotIn('id="id_note"', html)
        self.assertIn('<label class="govuk-label" for="id_keputusan-note">', html)
        self.assertIn('<label class="govuk-label" for="id_komentar-note">', html)
        self.assertIn('id="id_keputusan-note_helptext"', html)
        self.assertIn('id="id_komentar-note_helptext"', html)
        self.assertIn('name="keputusan-action" value="approve"', html)
        ids = ids_in(html)
        self.assertEqual(len(ids), len(set(ids)), [i for i in ids if ids.count(i) > 1])

    def test_an_empty_comment_is_a_400_with_a_summary_that_takes_focus(self) -> None:
        application = self.submitted()
        self.login(self.budi)
        response = self.client.post(
            f"/kantor/langkah/{application.number}/verifikasi/komentar/", {"komentar-note": " "}
        )
        self.assertEqual(response.status_code, 400)
        html = response.content.decode()
        self.assertIn("<title>Kesalahan: ", html)
        self.assertIn('tabindex="-1" autofocus', html)
        self.assertIn('<a href="#id_komentar-note">Masukkan komentar internal</a>', html)
        self.assertIn('id="id_komentar-note_error"', html)
        self.assertNotIn('id="id_keputusan-note_error"', html)
        self.assertFalse(Event.objects.filter(application=application, kind="comment").exists())

    def test_a_return_without_reason_links_to_the_note_for_the_applicant(self) -> None:
        application = self.submitted()
        self.login(self.budi)
        response = self.client.post(
            f"/kantor/langkah/{application.number}/verifikasi/tindakan/",
            {"keputusan-action": "return", "keputusan-note": ""},
        )
        self.assertContains(
            response,
            '<a href="#id_keputusan-note">Masukkan alasan untuk pemohon</a>',
            status_code=400,
        )
        self.assertContains(response, "<title>Kesalahan: ", status_code=400)

    def test_success_messages_name_the_application_and_the_step(self) -> None:
        cases = (
            ("approve", "", "disetujui."),
            ("return", "Foto buram", "dikembalikan kepada pemohon untuk diperbaiki."),
            ("reject", "Bukan wewenang kami", "ditolak."),
        )
        for action, note, ending in cases:
            application = self.submitted()
            self.login(self.budi)
            response = self.client.post(
                f"/kantor/langkah/{application.number}/verifikasi/tindakan/",
                {"keputusan-action": action, "keputusan-note": note},
                follow=True,
            )
            self.assertContains(
                response,
                f"Langkah &#x27;Verifikasi berkas&#x27; untuk {application.number} {ending}",
            )
        comment = self.client.post(
            f"/kantor/langkah/{application.number}/verifikasi/komentar/",
            {"komentar-note": "Cek ulang"},
            follow=True,
        )
        self.assertContains(
            comment,
            "Komentar disimpan pada langkah &#x27;Verifikasi berkas&#x27; untuk "
            f"{application.number}.",
        )
        self.assertEqual(
            Event.objects.get(application=application, kind="comment").note, "Cek ulang"
        )


class HeaderTests(DewiMixin):
    def test_the_counter_link_is_for_front_office_officers_only(self) -> None:
        self.login(self.dewi)
        page = self.client.get("/kantor/")
        self.assertContains(page, 'href="/kantor/loket/">Loket</a>')
        self.assertContains(page, "Ajukan permohonan di loket")
        for person in (self.budi, self.siti):
            self.login(person)
            page = self.client.get("/permohonan/")
            self.assertNotContains(page, "/kantor/loket/")
        self.login(self.budi)
        self.assertNotContains(self.client.get("/kantor/"), "/kantor/loket/")

    def test_the_roles_cost_one_query_however_many_links(self) -> None:
        self.login(self.dewi)
        self.client.get("/permohonan/")
        with CaptureQueriesContext(connection) as queries:
            self.client.get("/permohonan/")
        role_queries = [q for q in queries.captured_queries if "agencies_officerrole" in q["sql"]]
        self.assertEqual(len(role_queries), 1, role_queries)


class SignedOutHtmxTests(OfficeTestCase):
    def test_a_signed_out_htmx_request_sends_the_whole_page_to_sign_in(self) -> None:
        response = self.client.get("/kantor/", {"milik": "saya"}, headers={"HX-Request": "true"})
        self.assertEqual(response.status_code, 204)
        self.assertEqual(response["HX-Redirect"], "/masuk/?next=/kantor/%3Fmilik%3Dsaya")
        self.assertRedirects(self.client.get("/kantor/"), "/masuk/?next=/kantor/")


class AssignListTests(DewiMixin):
    def test_the_step_page_offers_only_officers_who_may_hold_the_step(self) -> None:
        application = self.at_terbit()
        self.login(self.budi)
        page = self.client.get(f"/kantor/langkah/{application.number}/terbit/").content.decode()
        options = page[
            page.index('id="assign-to"') : page.index("</select>", page.index('id="assign-to"'))
        ]
        self.assertIn('value="budi"', options)
        self.assertIn('value="ani"', options)
        self.assertNotIn('value="dewi"', options)  # counter role only in this unit
        self.assertNotIn('value="charlie"', options)


class QueueQueryPinTests(OfficeTestCase):
    def test_the_queue_and_its_fragment_take_a_fixed_number_of_queries(self) -> None:
        # session, user, the second-factor device that verified the session, officer check,
        # roles, the units' codes and the charters naming them (the service filter, read from
        # the catalogue so that it costs the same at any number of applications), count, page,
        # colleagues, the header's roles: eleven, with one row or a full page, with or
        # without htmx.
        for _ in range(3):
            self.submitted()
        self.login(self.budi)
        self.client.get("/kantor/")
        with self.assertNumQueries(11):
            self.assertEqual(self.client.get("/kantor/").status_code, 200)
        with self.assertNumQueries(11):
            response = self.client.get("/kantor/", headers={"HX-Request": "true"})
        self.assertEqual(response.status_code, 200)
