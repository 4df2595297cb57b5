"""Expected completion: the worker's estimate, stored on the application and shown on the
tracking page, the applicant's page and the API."""

from __future__ import annotations

import datetime as dt
from unittest import mock
from zoneinfo import ZoneInfo

import time_machine

from layanan.accounts.tokens import issue_token
from layanan.cases import actions
from layanan.cases.models import Application
from layanan.test import BaseTestCase
from layanan.transparency import forecast

WIB = ZoneInfo("Asia/Jakarta")


def wib(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=WIB)


class ForecastTests(BaseTestCase):
    def approve(self, application: Application, key: str, at: dt.datetime) -> Application:
        with time_machine.travel(at, tick=False):
            return actions.act_on_step(
                application=application,
                step=application.steps.get(key=key),
                officer=self.budi,
                action="approve",
            )

    def finished(self, day: int, *, check: int, issue: int) -> Application:
        """An application submitted at 09:00 on `day`, its check taking `check` working
        minutes and the issuing `issue` more."""
        start = wib(day, 9)
        application = self.submitted(at=start)
        application = self.approve(application, "verifikasi", start + dt.timedelta(minutes=check))
        return self.approve(application, "terbit", start + dt.timedelta(minutes=check + issue))

    def history(self) -> None:
        self.finished(2, check=60, issue=120)  # Monday
        self.finished(3, check=30, issue=240)
        self.finished(4, check=90, issue=180)  # medians: check 60, issue 180

    def test_an_open_application_gets_the_sum_of_the_medians_of_its_remaining_steps(self) -> None:
        self.history()
        application = self.submitted(at=wib(9, 9))  # Monday; the check starts at once
        forecast.run(now=wib(9, 9, 30))
        application.refresh_from_db()
        # check: 09:00 + 60 = 10:00, then the issuing step: + 180 = 13:00
        self.assertEqual(application.expected_completion_at, wib(9, 13))
        basis = application.expected_completion_basis
        self.assertEqual(
            basis["steps"],
            [
                {"key": "verifikasi", "minutes": 60, "completions": 3},
                {"key": "terbit", "minutes": 180, "completions": 3},
            ],
        )

        answer = self.client.get(f"/api/v1/track/{application.number}").json()
        self.assertEqual(dt.datetime.fromisoformat(answer["expected_completion"]), wib(9, 13))
        self.assertIn("median", answer["expected_completion_explanation"])
        page = self.client.get(f"/lacak/{application.number}/")
        self.assertContains(page, 'id="perkiraan-selesai"')
        self.assertContains(page, "9 November 2026 13.00 WIB")

        token, _row = issue_token(self.siti)
        mine = self.client.get(
            f"/api/v1/applications/{application.number}",
            headers={"Authorization": f"Bearer {token}"},
        ).json()
        self.assertEqual(dt.datetime.fromisoformat(mine["expected_completion"]), wib(9, 13))
        self.login(self.siti)
        self.assertContains(self.client.get(f"/permohonan/{application.number}/"), "13.00 WIB")

    def test_a_step_under_way_longer_than_usual_is_expected_to_end_now(self) -> None:
        self.history()
        application = self.submitted(at=wib(9, 9))
        forecast.run(now=wib(9, 14))  # the check has taken 5 hours; usually 1
        application.refresh_from_db()
        self.assertEqual(application.expected_completion_at, wib(10, 9))  # 14:00 + 3 h

    def test_the_estimate_moves_when_a_step_ends(self) -> None:
        self.history()
        application = self.submitted(at=wib(9, 9))
        forecast.run(now=wib(9, 9, 5))
        application = self.approve(application, "verifikasi", wib(9, 15))
        forecast.run(now=wib(9, 15, 5))
        application.refresh_from_db()
        self.assertEqual(application.expected_completion_at, wib(10, 10))  # 15:00 + 180 min

    def test_too_few_completions_give_no_estimate(self) -> None:
        self.finished(2, check=60, issue=120)
        self.finished(3, check=30, issue=240)
        application = self.submitted(at=wib(9, 9))
        forecast.run(now=wib(9, 9, 30))
        application.refresh_from_db()
        self.assertIsNone(application.expected_completion_at)
        self.assertEqual(application.expected_completion_basis["reason"], "too_few_completions")
        answer = self.client.get(f"/api/v1/track/{application.number}").json()
        self.assertIsNone(answer["expected_completion"])
        self.assertContains(self.client.get(f"/lacak/{application.number}/"), "perkiraan-selesai")

    def test_a_returned_application_has_no_estimate_and_an_ended_one_loses_it(self) -> None:
        self.history()
        application = self.submitted(at=wib(9, 9))
        forecast.run(now=wib(9, 9, 30))
        with time_machine.travel(wib(9, 10), tick=False):
            actions.act_on_step(
                application=application,
                step=application.steps.get(key="verifikasi"),
                officer=self.budi,
                action="return",
                note="Surat lahir tidak terbaca.",
            )
        forecast.run(now=wib(9, 10, 5))
        application.refresh_from_db()
        self.assertIsNone(application.expected_completion_at)
        self.assertEqual(application.expected_completion_basis, {"reason": "returned"})

        other = self.submitted(at=wib(9, 9))
        forecast.run(now=wib(9, 9, 40))
        other = self.approve(other, "verifikasi", wib(9, 10))
        other = self.approve(other, "terbit", wib(9, 11))
        forecast.run(now=wib(9, 11, 5))
        other.refresh_from_db()
        self.assertIsNone(other.expected_completion_at)
        answer = self.client.get(f"/api/v1/track/{other.number}").json()
        self.assertIsNone(answer["expected_completion"])
        self.assertEqual(answer["expected_completion_explanation"], "")

    def test_the_sweep_reaches_applications_without_new_events(self) -> None:
        application = self.submitted(at=wib(9, 9))
        forecast.run(now=wib(9, 9, 5))  # no history yet: unknown
        self.history()  # completions of other applications only
        forecast.run(now=wib(9, 9, 10))
        application.refresh_from_db()
        self.assertEqual(application.expected_completion_at, wib(9, 13))

    def test_record_expected_completion_keeps_no_estimate_on_an_ended_application(self) -> None:
        application = self.finished(2, check=60, issue=120)
        changed = actions.record_expected_completion(
            application=application, at=wib(20, 9), basis={"method": "x"}
        )
        self.assertFalse(changed)
        application.refresh_from_db()
        self.assertIsNone(application.expected_completion_at)

    def test_one_pass_drains_a_backlog_of_events_batch_by_batch(self) -> None:
        self.history()
        numbers = [self.submitted(at=wib(9, 9)).number for _ in range(3)]
        with (
            mock.patch.object(forecast, "BATCH", 5),
            mock.patch.object(forecast, "SWEEP_PER_PASS", 1),  # the sweep alone cannot do it
        ):
            forecast.run(now=wib(9, 9, 30))
        for number in numbers:
            estimate = Application.objects.get(number=number).expected_completion_at
            self.assertEqual(estimate, wib(9, 13), number)
