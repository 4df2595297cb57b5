"""The background worker: periodic jobs, and the queued tasks (django-tasks, database backend).

Periodic jobs are named in settings.LAYANAN_PERIODIC_JOBS as (dotted path, seconds); each app
that needs one (e.g. the guarantee sweep) adds its entry there, so the worker never imports
the apps it serves. A job that raises is logged and tried again at its next turn.

Queued tasks (one-off jobs such as sending a message) are run by django-tasks-db's own worker
through its public entry point, the `db_worker` management command, in batch mode: each turn
runs the tasks that are ready (at most TASKS_PER_TURN) and returns, so that one process serves
both. That command installs its own signal handlers; while it runs, SIGINT and SIGTERM are held
back and delivered to ours once it returns, so a stop request ends the worker after the task
under way, never in the middle of one.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, close_old_connections
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string

from layanan.portal.models import WorkerHeartbeat

logger = logging.getLogger("layanan.worker")
STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}
TASKS_PER_TURN = 100
TASK_RESULTS_KEPT_DAYS = 14
FAILED_TASK_RESULTS_KEPT_DAYS = 90  # long enough to look into a failure
HEARTBEAT_EVERY = 10.0  # seconds between two writes of the heartbeat row


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


def prune_task_results() -> None:
    """A periodic job: forget the results of tasks that finished long ago (the outbox keeps
    each message's own history), with django-tasks-db's own command."""
    call_command(
        "prune_db_task_results",
        queue_name="*",
        min_age_days=TASK_RESULTS_KEPT_DAYS,
        failed_min_age_days=FAILED_TASK_RESULTS_KEPT_DAYS,
        verbosity=0,
    )


class Worker:
    def __init__(self, *, interval: float = 1.0) -> None:
        self.interval = interval
        self.running = True
        self.jobs = periodic_jobs()
        self.worker_id = get_random_string(32)
        self.heartbeat_name = f"{socket.gethostname()}:{os.getpid()}"[:200]
        self.next_heartbeat_at = 0.0

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
        """Run the tasks that are ready, then return (the `db_worker` command in batch mode)."""
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            call_command(
                "db_worker",
                queue_name="*",
                batch=True,
                max_tasks=TASKS_PER_TURN,
                startup_delay=False,
                reload=False,
                worker_id=self.worker_id,
                # Quiet: its start and stop lines every turn would drown the log. Our tasks log
                # their own failures, and a failed task keeps its traceback in its result row.
                verbosity=0,
            )
        finally:
            self.listen()
            signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)

    def beat(self, now: float) -> None:
        """Record that this worker is alive (read by /sehat/), at most every HEARTBEAT_EVERY s."""
        if now < self.next_heartbeat_at:
            return
        self.next_heartbeat_at = now + HEARTBEAT_EVERY
        try:
            WorkerHeartbeat.objects.update_or_create(
                worker=self.heartbeat_name, defaults={"last_seen": timezone.now()}
            )
            # The rows of workers that stopped long ago (earlier processes) are not kept.
            WorkerHeartbeat.objects.filter(
                last_seen__lt=timezone.now() - dt.timedelta(days=1)
            ).delete()
        except DatabaseError:
            logger.exception("worker heartbeat not recorded; the database is not answering")

    def listen(self) -> None:
        signal.signal(signal.SIGINT, self.stop)
        signal.signal(signal.SIGTERM, self.stop)

    def run(self, *, once: bool = False) -> None:
        self.listen()
        logger.info("worker started with %d periodic job(s)", len(self.jobs))
        while self.running:
            close_old_connections()
            self.beat(time.monotonic())
            self.run_due_jobs(time.monotonic())
            self.run_queued_tasks()
            if once:
                return
            time.sleep(self.interval)
