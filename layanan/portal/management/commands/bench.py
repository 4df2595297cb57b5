import json
from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from layanan.cases.models import Application
from layanan.cli import cli_language
from layanan.portal.benchdata import DEMO_KEY_PREFIX, generate
from layanan.portal.demo_data import load_demo


class Command(BaseCommand):
    help = (
        "Data for benchmarks and load tests. `bench generate --applications N` loads the demo "
        "and adds N generated applications (see docs/benchmarks.md); the last line is JSON."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        make = sub.add_parser(
            "generate", help="load the demo, then add N generated applications in bulk"
        )
        make.add_argument("--applications", type=int, required=True, metavar="N")
        make.add_argument("--seed", type=int, default=12, help="same seed, same rows (12)")
        make.add_argument(
            "--force",
            action="store_true",
            help="add to a database that already holds applications (other than the demo's)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate(cli_language())
        count = options["applications"]
        if count < 1:
            raise CommandError(_("--applications must be at least 1."))
        call_command("migrate", interactive=False, verbosity=0)
        # the demo's samples (`layanan demo`) are part of what is generated: they may be there
        others = Application.objects.exclude(idempotency_key__startswith=DEMO_KEY_PREFIX)
        if others.exists() and not options["force"]:
            raise CommandError(
                _(
                    "This database already holds %(count)d applications: generated data would "
                    "mix with them. Use an empty database, or add --force."
                )
                % {"count": others.count()}
            )
        _report, _accounts, _samples = load_demo()
        summary = generate(applications=count, seed=options["seed"])
        figures = summary.as_dict()
        self.stdout.write(
            f"{count} application(s) generated in {figures['seconds']} s "
            f"({round(count / max(summary.seconds, 0.001))} a second): "
            + ", ".join(f"{status} {n}" for status, n in figures["by_status"].items())
        )
        self.stdout.write(json.dumps(figures))
