from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from layanan.portal.worker import Worker


class Command(BaseCommand):
    help = "Run the background worker: queued tasks and periodic jobs, until stopped."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
        parser.add_argument("--once", action="store_true", help="one pass, then exit")

    def handle(self, *args: Any, **options: Any) -> None:
        Worker(interval=options["interval"]).run(once=options["once"])
