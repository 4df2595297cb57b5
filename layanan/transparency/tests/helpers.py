"""Applications carried to their end through the real actions, for the transparency tests."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from layanan.cases import actions
from layanan.cases.models import Application
from layanan.guarantees.tests.test_sweep import SweepTestCase
from layanan.transparency.models import COUNTERS, HISTOGRAMS, Rollup


class RollupTestCase(SweepTestCase):
    def finish(self, application: Application, at: dt.datetime, action: str = "approve") -> None:
        """Approve every step in turn (or reject at the first) at `at`."""
        with time_machine.travel(at, tick=False):
            for _turn in range(20):
                fresh = Application.objects.get(pk=application.pk)
                step = fresh.steps.filter(state="active").order_by("pk").first()
                if step is None:
                    return
                note = "Tidak memenuhi syarat" if action == "reject" else ""
                actions.act_on_step(
                    application=fresh, step=step, officer=self.budi, action=action, note=note
                )

    def queries(self, url: str, **params: str) -> int:
        """How many queries a GET of `url` makes."""
        with CaptureQueriesContext(connection) as captured:
            self.assertEqual(self.client.get(url, params).status_code, 200)
        return len(captured.captured_queries)

    def rows(self) -> set[tuple[object, ...]]:
        """Every rollup row, comparable (histograms as sorted pairs)."""
        return {
            tuple(tuple(sorted(v.items())) if isinstance(v, dict) else v for v in row)
            for row in Rollup.objects.values_list(
                "scope", "month", "agency_pk", "service_pk", *COUNTERS, *HISTOGRAMS
            )
        }
