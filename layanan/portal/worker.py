"""The background worker: queued tasks (django-tasks, database backend) and periodic jobs.

Periodic jobs are named in settings.LAYANAN_PERIODIC_JOBS as (dotted path, seconds); each app
that needs one (e.g. the guarantee sweep) adds its entry there, so the worker never imports
the apps it serves. A job that raises is logged and tried again at its next turn.
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import Any

from django.conf import settings
from django.db import close_old_connections
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string
from django_tasks_db.management.commands.db_worker import Worker as TaskWorker

logger = logging.getLogger("layanan.worker")


@dataclass
class PeriodicJob:
    path: str
    every: float
    run: Callable[[], Any]
    next_at: float = 0.0


def periodic_jobs() -> list[PeriodicJob]:
    return [
        PeriodicJob(path=path, every=float(seconds), run=import_string(path))
        for path, seconds in getattr(settings, "LAYANAN_PERIODIC_JOBS", [])
    ]


class Worker:
    def __init__(self, *, interval: float = 1.0) -> None:
        self.interval = interval
        self.running = True
        self.jobs = periodic_jobs()
        self.worker_id = get_random_string(32)

    def stop(self, signum: int, frame: FrameType | None) -> None:
        logger.info("worker stopping (%s)", signal.strsignal(signum))
        self.running = False

    def run_due_jobs(self, now: float) -> None:
        for job in self.jobs:
            if now < job.next_at:
                continue
            job.next_at = now + job.every
            try:
                job.run()
            except Exception:
                logger.exception(
                    "periodic job %s failed; it runs again in %ss", job.path, job.every
                )

    def run_queued_tasks(self) -> None:
        TaskWorker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=self.worker_id,
            excluded_queue_names=[],
        ).run()

    def run(self, *, once: bool = False) -> None:
        signal.signal(signal.SIGINT, self.stop)
        signal.signal(signal.SIGTERM, self.stop)
        logger.info("worker started with %d periodic job(s)", len(self.jobs))
        while self.running:
            close_old_connections()
            self.run_due_jobs(time.monotonic())
            self.run_queued_tasks()
            if once:
                return
            time.sleep(self.interval)
