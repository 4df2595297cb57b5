"""The supervisor's overview at /kantor/ringkasan/: late and escalated steps, open work per
officer, steps waiting longest; supervisors only (ani), bounded lists, empty states."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from layanan.cases.events import record_event
from layanan.cases.models import Application, Step
from layanan.cases.tests.test_office_pages import OfficeTestCase
from layanan.cases.views_supervisor import LATE_PAGE_SIZE, LONGEST

URL = "/kantor/ringkasan/"


def row_of(html: str, text: str) -> str:
    """The table row that holds `text`."""
    at = html.index(text)
    return html[html.rindex("<tr", 0, at) : html.index("</tr>", at)]


class SupervisorOverviewTests(OfficeTestCase):
    def late(self, application: Application, days: int = 3) -> Step:
        step = application.steps.get(key="verifikasi")
        Step.objects.filter(pk=step.pk).update(due_at=timezone.now() - dt.timedelta(days=days))
        return step

    def escalate(self, application: Application, *, very: bool = False) -> None:
        """What the guarantees sweep writes when a step is late (and very late)."""
        with transaction.atomic():
            at = timezone.now()
            if very:
                record_event(application, "very_late", at=at, actor=None, step="verifikasi")
            record_event(
                application,
                "escalated",
                at=at,
                actor=None,
                step="verifikasi",
                data={"to": "agency_head" if very else "supervisor"},
            )

    def test_only_supervisors_may_open_it_and_only_they_see_the_link(self) -> None:
        self.login(self.budi)
        self.assertEqual(self.client.get(URL).status_code, 403)
        self.assertNotContains(self.client.get("/kantor/"), URL)
        self.login(self.siti)
        self.assertEqual(self.client.get(URL).status_code, 403)
        self.client.logout()
        self.assertRedirects(self.client.get(URL), f"/masuk/?next={URL}", target_status_code=200)
        self.login(self.ani)
        self.assertContains(self.client.get("/kantor/"), f'href="{URL}"')
        self.assertEqual(self.client.get(URL).status_code, 200)

    def test_empty_units_say_so(self) -> None:
        self.login(self.ani)
        page = self.client.get(URL)
        self.assertContains(page, "Ringkasan atasan")
        self.assertContains(page, "Tidak ada langkah yang terlambat di unit Anda.")
        self.assertContains(page, "Tidak ada langkah terbuka di unit Anda.", count=2)

    def test_late_and_escalated_steps_of_the_units(self) -> None:
        on_time = self.submitted()
        late = self.submitted(self.agus)
        self.late(late, days=2)
        escalated = self.submitted()
        self.late(escalated, days=5)
        self.escalate(escalated)
        very = self.submitted()
        self.late(very, days=9)
        self.escalate(very, very=True)
        self.login(self.ani)
        html = self.client.get(URL).content.decode()
        section = html[html.index('id="late"') : html.index('id="workload"')]
        self.assertIn("3 langkah terlambat", section)
        self.assertNotIn(on_time.number, section)
        # Most late first; each says whether and to whom it was escalated.
        self.assertLess(section.index(very.number), section.index(escalated.number))
        self.assertLess(section.index(escalated.number), section.index(late.number))
        rows = {a.number: row_of(section, a.number) for a in (late, escalated, very)}
        self.assertIn("Belum", rows[late.number])
        self.assertIn("Kepada atasan", rows[escalated.number])
        self.assertIn("Kepada kepala instansi", rows[very.number])
        self.assertIn("lyn-marker--late", rows[late.number])
        # charlie's unit is not ani's: its late steps are not listed.
        self.login(self.charlie)
        self.assertEqual(self.client.get(URL).status_code, 403)

    def test_open_work_per_officer(self) -> None:
        mine = [self.submitted() for _ in range(2)]
        for application in mine:
            Step.objects.filter(application=application, key="verifikasi").update(
                assignee=self.budi
            )
        self.late(mine[0])
        self.submitted(self.agus)  # nobody holds it
        self.login(self.ani)
        html = self.client.get(URL).content.decode()
        section = html[html.index('id="workload"') : html.index('id="longest"')]
        self.assertIn("3 langkah terbuka", section)
        budi = row_of(section, "Budi Santoso")
        self.assertRegex(budi, r">2</td>.*>1</td>")
        ani = row_of(section, "Ani Yudhoyono")
        self.assertRegex(ani, r">0</td>.*>0</td>")
        nobody = row_of(section, "Belum ditugaskan")
        self.assertRegex(nobody, r">1</td>.*>0</td>")
        self.assertNotIn("Charlie", section)

    def test_steps_waiting_longest_are_limited_and_oldest_first(self) -> None:
        applications = [self.submitted() for _ in range(LONGEST + 2)]
        oldest = applications[-1]
        Step.objects.filter(application=oldest, key="verifikasi").update(
            started_at=timezone.now() - dt.timedelta(days=12)
        )
        self.login(self.ani)
        html = self.client.get(URL).content.decode()
        section = html[html.index('id="longest"') :]
        self.assertEqual(section.count("/kantor/langkah/"), LONGEST)
        self.assertLess(section.index(oldest.number), section.index(applications[0].number))
        self.assertIn("12 hari", section)
        self.assertIn(f"{LONGEST} langkah terbuka yang paling awal dimulai", section)

    def test_the_caption_counts_the_steps_shown_not_the_limit(self) -> None:
        self.submitted()
        self.submitted()
        self.login(self.ani)
        html = self.client.get(URL).content.decode()
        section = html[html.index('id="longest"') :]
        self.assertEqual(section.count("/kantor/langkah/"), 2)
        self.assertIn("2 langkah terbuka yang paling awal dimulai", section)

    def test_the_late_list_is_paginated_and_queries_do_not_grow(self) -> None:
        first = self.submitted()
        self.late(first)
        self.login(self.ani)
        self.client.get(URL)
        with CaptureQueriesContext(connection) as one:
            self.client.get(URL)
        for _ in range(LATE_PAGE_SIZE):
            self.late(self.submitted(), days=1)
        with CaptureQueriesContext(connection) as many:
            page = self.client.get(URL)
        self.assertEqual(len(one.captured_queries), len(many.captured_queries))
        self.assertContains(page, f"{LATE_PAGE_SIZE + 1} langkah terlambat")
        self.assertContains(page, "?page=2")
        second = self.client.get(URL, {"page": "2"})
        html = second.content.decode()
        late_section = html[html.index('id="late"') : html.index('id="workload"')]
        self.assertEqual(late_section.count("/kantor/langkah/"), 1)

    def test_the_overview_takes_a_fixed_number_of_queries(self) -> None:
        for _ in range(3):
            self.late(self.submitted())
        self.login(self.ani)
        self.client.get(URL)
        # session, user, the second-factor device that verified the session, officer check,
        # supervised units, late count, late page, workload, officers, longest, unit names,
        # the header's roles.
        with self.assertNumQueries(12):
            self.assertEqual(self.client.get(URL).status_code, 200)
