"""Process analytics at /kantor/analitik/: per service and step, median and p90 time in step,
share of returns and bottleneck ranks, for the agency's supervisors and administrators."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import time_machine

from layanan.agencies.models import OfficerRole, Role
from layanan.cases import actions
from layanan.cases.models import Application
from layanan.charters.models import Service
from layanan.test import BaseTestCase, charter_content

WIB = ZoneInfo("Asia/Jakarta")
URL = "/kantor/analitik/"


def wib(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=WIB)


class AnalyticsTests(BaseTestCase):
    def act(self, application: Application, key: str, at: dt.datetime, **kw: str) -> Application:
        with time_machine.travel(at, tick=False):
            return actions.act_on_step(
                application=application,
                step=application.steps.get(key=key),
                officer=self.budi,
                action=kw.get("action", "approve"),
                note=kw.get("note", ""),
            )

    def finished(
        self,
        day: int,
        *,
        check: int,
        issue: int,
        returned: bool = False,
        service: Service | None = None,
    ) -> None:
        start = wib(day, 9)
        application = self.submitted(at=start, service=service)
        if returned:
            application = self.act(
                application, "verifikasi", wib(day, 9, 10), action="return", note="Buram."
            )
            with time_machine.travel(wib(day, 9, 20), tick=False):
                application = actions.resubmit_application(
                    application=application, citizen=self.siti
                )
        application = self.act(application, "verifikasi", start + dt.timedelta(minutes=check))
        self.act(application, "terbit", start + dt.timedelta(minutes=check + issue))

    def history(self) -> None:
        # checks of 30, 60, 90, 120, 150 minutes; issuing 240 each; the first two returned
        for i, day in enumerate((2, 3, 4, 5, 6)):
            self.finished(day, check=30 * (i + 1), issue=240, returned=i < 2)

    def page(self, query: str = "") -> str:
        with time_machine.travel(wib(20, 9), tick=False):
            response = self.client.get(URL + query)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_it_shows_median_p90_returns_and_ranks_per_step(self) -> None:
        self.history()
        duplicate = Service.objects.create(
            code="akta-kelahiran-2",
            name="Akta Kelahiran (salinan)",
            lead_agency=self.disdukcapil,
            category=Service.Category.CIVIL_REGISTRY,
            channels=["online"],
        )
        self.adopt(duplicate, charter_content())
        self.finished(9, check=30, issue=30, service=duplicate)
        self.login(self.ani)
        # the same for any number of steps and services: one query for the steps, one for
        # their returns, one for the services and one for their charters
        with self.assertNumQueries(18), time_machine.travel(wib(20, 9), tick=False):
            response = self.client.get(URL)
        html = response.content.decode()
        rows = {
            key: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip()
            for key, body in re.findall(r'data-step="akta-kelahiran/(\w+)">(.*?)</tr>', html, re.S)
        }
        # check: median of 30..150 is 90 minutes, p90 150; 2 of 5 returned (40 %)
        self.assertIn(
            "Verifikasi berkas 5 1 jam 30 menit kerja 2 jam 30 menit kerja 40% (2)",
            rows["verifikasi"],
        )
        # issuing: 4 working hours every time; the slowest median ranks first
        self.assertIn("Penerbitan akta 5 4 jam kerja 4 jam kerja 0% (0) 1", rows["terbit"])
        self.assertTrue(rows["verifikasi"].endswith(" 2"))
        self.assertLess(html.index('id="bottlenecks"'), html.index("Penerbitan akta"))

    def test_steps_with_few_completions_are_listed_but_not_ranked(self) -> None:
        self.finished(2, check=30, issue=60)
        self.login(self.ani)
        html = self.page()
        self.assertIn(
            "too few to rank", html.replace("terlalu sedikit untuk diperingkat", "too few to rank")
        )
        self.assertIn('data-step="akta-kelahiran/terbit"', html)

    def test_the_period_filter_leaves_older_steps_out(self) -> None:
        self.finished(2, check=30, issue=60)
        with time_machine.travel(wib(20, 9) + dt.timedelta(days=60), tick=False):
            self.login(self.ani)
            recent = self.client.get(URL + "?periode=30").content.decode()
            longer = self.client.get(URL + "?periode=90").content.decode()
        self.assertNotIn('data-step="akta-kelahiran/terbit"', recent)
        self.assertIn('data-step="akta-kelahiran/terbit"', longer)

    def test_a_bad_period_or_agency_answers_400_with_the_error_next_to_the_field(self) -> None:
        self.login(self.ani)
        for query in ("?periode=7", "?instansi=dpmptsp"):
            with self.subTest(query=query):
                response = self.client.get(URL + query)
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, "govuk-error-summary", status_code=400)
                self.assertContains(response, "govuk-error-message", status_code=400)

    def test_an_agency_administrator_sees_it_and_other_officers_do_not(self) -> None:
        rina = self.make_user("rina", "Rina Marlina")
        OfficerRole.objects.create(user=rina, unit=self.loket, role=Role.AGENCY_ADMIN)
        self.login(rina)
        self.assertEqual(self.client.get(URL).status_code, 200)
        for person in (self.budi, self.charlie, self.siti):
            with self.subTest(person=person.username):
                self.login(person)
                self.assertEqual(self.client.get(URL).status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get(URL).status_code, 302)

    def test_only_the_agencys_own_steps_are_counted(self) -> None:
        self.history()
        charlie_boss = self.make_user("dewi", "Dewi Lestari")
        OfficerRole.objects.create(user=charlie_boss, unit=self.perizinan, role=Role.SUPERVISOR)
        self.login(charlie_boss)
        html = self.page()
        self.assertNotIn("data-step=", html)
        self.assertIn("dpmptsp", html)
