"""The worker's own periodic job: old task results are forgotten, recent and failed ones kept."""

from __future__ import annotations

import datetime as dt
import time

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from layanan.notifications.tasks import send_message
from layanan.portal.worker import Worker
from layanan.test import BaseTestCase


class TaskResultPruningTests(BaseTestCase):
    def finished(self, *, days_ago: int, status: str) -> str:
        result = send_message.enqueue(0)
        DBTaskResult.objects.filter(pk=result.id).update(
            status=status, finished_at=timezone.now() - dt.timedelta(days=days_ago)
        )
        return str(result.id)

    def test_the_worker_forgets_results_older_than_two_weeks_and_failures_after_90_days(
        self,
    ) -> None:
        old = self.finished(days_ago=15, status="SUCCESSFUL")
        recent = self.finished(days_ago=2, status="SUCCESSFUL")
        failed = self.finished(days_ago=15, status="FAILED")
        failed_long_ago = self.finished(days_ago=91, status="FAILED")
        waiting = str(send_message.enqueue(0).id)
        Worker().run_due_jobs(time.monotonic())  # the first turn runs every periodic job
        kept = {str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)}
        self.assertEqual(kept, {recent, failed, waiting})
        self.assertNotIn(old, kept)
        self.assertNotIn(failed_long_ago, kept)
