import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from layanan.transparency.rollups import rebuild, run_pass


class Command(BaseCommand):
    help = (
        "The public statistics' rollups. `rollups rebuild` counts everything again from the "
        "start of the event logs (after loading data, or to repair); `rollups update` counts "
        "the events not counted yet, as the worker does every minute. The last line is JSON."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["rebuild", "update"])

    def handle(self, *args: Any, **options: Any) -> None:
        events = rebuild() if options["action"] == "rebuild" else run_pass()
        self.stdout.write(json.dumps({"events": events}))
