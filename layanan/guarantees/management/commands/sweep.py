import datetime as dt
import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from layanan.guarantees.sweep import sweep


class Command(BaseCommand):
    help = (
        "One pass of the guarantee sweep: find missed deadlines and carry out the charters' "
        "guarantees. The last line is a JSON summary."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--at",
            help="pretend it is this instant (ISO 8601 with a time zone), for drills and tests",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        at = None
        if options.get("at"):
            try:
                at = dt.datetime.fromisoformat(options["at"])
            except ValueError:
                raise CommandError(f"'{options['at']}' is not an ISO 8601 instant") from None
            if at.tzinfo is None:
                raise CommandError("give the time zone, e.g. 2027-01-04T09:00:00+07:00")
        summary = sweep(at)
        self.stdout.write(json.dumps(summary.as_dict()))
