from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from layanan.cli import cli_language
from layanan.portal import partitions
from layanan.portal.partitions import PartitioningError


class Command(BaseCommand):
    help = (
        "Partition the events, steps and alarms tables by ranges of applications on "
        "PostgreSQL (docs/partitioning.md)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="operation", required=True)
        sub.add_parser("status", help="list each table's partitions")
        ensure = sub.add_parser("ensure", help="make the partitions new applications will need")
        ensure.add_argument(
            "--ahead",
            type=int,
            default=partitions.DEFAULT_AHEAD,
            help="partitions to keep ready past the current one (default %(default)s)",
        )
        convert = sub.add_parser(
            "convert", help="turn an unpartitioned table into a partitioned one (downtime)"
        )
        convert.add_argument(
            "--table",
            required=True,
            choices=[*partitions.TABLES, "all"],
            help="the table to convert, or all three",
        )
        convert.add_argument(
            "--applications-per-partition",
            type=int,
            default=partitions.DEFAULT_WIDTH,
            help="width of each partition in application ids (default %(default)s)",
        )
        convert.add_argument("--ahead", type=int, default=partitions.DEFAULT_AHEAD)
        convert.add_argument("--batch", type=int, default=partitions.DEFAULT_BATCH)
        convert.add_argument(
            "--dry-run", action="store_true", help="print the plan and change nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(cli_language()):
            self.run_operation(options)

    def run_operation(self, options: dict[str, Any]) -> None:
        try:
            if options["operation"] == "status":
                for line in partitions.status_lines():
                    self.stdout.write(line)
            elif options["operation"] == "ensure":
                made = partitions.ensure(ahead=options["ahead"], say=self.stdout.write)
                if not made:
                    self.stdout.write(translation.gettext("Every partition needed exists."))
            else:
                self.convert(options)
        except PartitioningError as problem:
            raise CommandError(str(problem)) from None

    def convert(self, options: dict[str, Any]) -> None:
        labels = list(partitions.TABLES) if options["table"] == "all" else [options["table"]]
        for label in labels:
            partitions.convert(
                label,
                width=options["applications_per_partition"],
                ahead=options["ahead"],
                batch=options["batch"],
                dry_run=options["dry_run"],
                say=self.stdout.write,
            )
        if options["dry_run"]:
            self.stdout.write(translation.gettext("Dry run: nothing was changed."))
