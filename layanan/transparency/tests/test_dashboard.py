"""The public dashboard at /dasbor/: figures for the whole government, an agency and a service
over a month, quarter or year; charts with a summary and a table; the league table; the IKM
block; and a fixed number of queries whatever the number of applications."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import time_machine
from django.test import override_settings

from layanan.charters.models import Service
from layanan.guarantees.tests.test_sweep import MONDAY
from layanan.surveys.models import Response
from layanan.transparency.rollups import run_pass
from layanan.transparency.tests.helpers import RollupTestCase

LATER = MONDAY + dt.timedelta(hours=2)


class DashboardTests(RollupTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.done = self.submitted(at=MONDAY)
        self.finish(self.done, LATER)
        # A service whose clock starts at submission: the open one has a due date at once.
        self.izin = self.service_with("izin-y")
        self.open = self.submitted(self.agus, service=self.izin, at=MONDAY)

    def get(self, url: str, **params: str) -> Any:
        with time_machine.travel(LATER, tick=False):
            return self.client.get(url, params)

    def test_the_whole_government_for_a_month(self) -> None:
        page = self.get("/dasbor/", periode="2026-11")
        self.assertContains(page, '<h1 class="govuk-heading-xl">Dasbor kinerja</h1>', html=False)
        text = page.content.decode()
        self.assertIn("November 2026", text)
        totals = page.context["totals"]
        self.assertEqual((totals["received"], totals["completed"], totals["still_open"]), (2, 1, 1))
        self.assertEqual(page.context["figures"].on_time_percent, 100.0)
        self.assertEqual(page.context["figures"].median_days, 0)

    def test_the_worker_does_not_change_what_the_page_says(self) -> None:
        before = self.get("/dasbor/", periode="2026").context["totals"]
        run_pass()
        self.assertEqual(self.get("/dasbor/", periode="2026").context["totals"], before)

    def test_quarter_year_and_a_month_without_applications(self) -> None:
        self.assertEqual(self.get("/dasbor/", periode="2026-Q4").context["totals"]["received"], 2)
        self.assertEqual(self.get("/dasbor/", periode="2026").context["totals"]["received"], 2)
        empty = self.get("/dasbor/", periode="2026-10")
        self.assertEqual(empty.context["totals"]["received"], 0)
        self.assertContains(empty, "Tidak ada permohonan yang diterima")

    def test_a_bad_period_is_refused_with_a_message_by_the_field(self) -> None:
        page = self.get("/dasbor/", periode="2026-13")
        self.assertEqual(page.status_code, 400)
        self.assertContains(page, "govuk-error-summary", status_code=400)
        self.assertContains(page, 'href="#id_periode"', status_code=400)
        self.assertContains(page, "<title>Kesalahan:", status_code=400)

    def test_charts_are_images_with_a_summary_and_a_table(self) -> None:
        page = self.get("/dasbor/", periode="2026-11").content.decode()
        self.assertEqual(page.count('<svg role="img"'), 3)
        for slug in ("received", "channels", "days"):
            self.assertIn(f'aria-describedby="chart-{slug}-desc"', page)
            self.assertIn(f'<desc id="chart-{slug}-desc">', page)
        self.assertEqual(page.count('<table class="govuk-table">'), 3)
        self.assertIn("100 % permohonan diajukan secara daring", page)

    def test_an_agency_and_a_service(self) -> None:
        agency = self.get("/dasbor/disdukcapil/", periode="2026")
        self.assertEqual(agency.context["totals"]["received"], 2)
        self.assertContains(agency, "/dasbor/layanan/akta-kelahiran/?periode=2026")
        self.assertNotIn("league", agency.context)
        service = self.get("/dasbor/layanan/akta-kelahiran/", periode="2026")
        self.assertEqual(service.context["totals"]["received"], 1)
        self.assertEqual(self.get("/dasbor/tidak-ada/").status_code, 404)
        self.assertEqual(self.get("/dasbor/layanan/tidak-ada/").status_code, 404)
        Service.objects.create(
            code="draf", name="Draf", lead_agency=self.disdukcapil, category="perizinan"
        )
        self.assertEqual(self.get("/dasbor/layanan/draf/").status_code, 404)

    def test_late_right_now_counts_open_applications_past_due(self) -> None:
        self.open.refresh_from_db()
        assert self.open.due_at is not None
        with time_machine.travel(self.open.due_at + dt.timedelta(minutes=1), tick=False):
            page = self.client.get("/dasbor/")
        self.assertEqual(page.context["figures"].late_now, 1)
        self.assertEqual(self.get("/dasbor/").context["figures"].late_now, 0)

    def test_the_league_table_ranks_only_above_the_minimum_and_shows_the_interval(self) -> None:
        page = self.get("/dasbor/", periode="2026")
        (row,) = page.context["league"]
        self.assertIsNone(row.rank)
        self.assertContains(page, "Belum diperingkat")
        with override_settings(LAYANAN_LEAGUE_MIN_DECIDED=1):
            page = self.get("/dasbor/", periode="2026")
        (row,) = page.context["league"]
        self.assertEqual((row.rank, row.decided, row.on_time), (1, 1, 1))
        self.assertContains(page, "20–100 %")  # Wilson 95 % for 1 of 1: 0.21-1, rounded outwards

    def test_no_survey_yet_then_the_ikm_of_the_answers_in_the_period(self) -> None:
        self.assertContains(self.get("/dasbor/"), "Belum ada hasil survei")

        def answered(on: dt.date, answer: int) -> None:
            Response.objects.create(
                agency=self.disdukcapil,
                channel=Response.Channel.PAPER,
                answered_on=on,
                **{f"u{i}": answer for i in range(1, 10)},
            )

        answered(dt.date(2026, 10, 1), 4)  # the first day of the quarter counts ...
        answered(dt.date(2026, 12, 31), 4)  # ... and so does the last one,
        answered(dt.date(2026, 9, 30), 1)  # but not the days either side of it
        answered(dt.date(2027, 1, 1), 1)
        page = self.get("/dasbor/disdukcapil/", periode="2026-Q4")
        ikm = page.context["ikm"]
        self.assertEqual((ikm["respondents"], ikm["ikm"], ikm["mutu"]), (2, Decimal("100.00"), "A"))
        self.assertContains(page, "(A, Sangat Baik)")
        # Another agency's answers are not this agency's.
        self.assertContains(
            self.get("/dasbor/dpmptsp/", periode="2026-Q4"), "Belum ada hasil survei"
        )

    def test_the_number_of_queries_does_not_grow_with_applications(self) -> None:
        # cursors, 2 event tails, rollups, late now, the IKM's answers and population, league,
        # agencies: 9 (+1 per log with gaps: ids a rolled-back transaction took, on
        # PostgreSQL, where a parallel test run shares the sequences)
        run_pass()
        with time_machine.travel(LATER, tick=False):
            before = self.queries("/dasbor/", periode="2026")
        self.assertLessEqual(before, 11)
        for _more in range(3):
            self.submitted(self.agus, at=MONDAY)
        run_pass()
        with time_machine.travel(LATER, tick=False):
            self.assertEqual(self.queries("/dasbor/", periode="2026"), before)
