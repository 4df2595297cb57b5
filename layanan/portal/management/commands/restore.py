import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from layanan.portal.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore an archive written by `layanan backup` into an empty data directory (and "
        "an empty database); every file is checked against the manifest first."
    )
    requires_system_checks: list[str] = []  # the database may not exist yet

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", help="the archive written by `layanan backup`")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the database and files of a data directory that is not empty",
        )
        parser.add_argument(
            "--sha256",
            default="",
            help="the archive's SHA-256 as recorded at backup time; refuse any other archive",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = restore_backup(
                Path(options["path"]).expanduser(),
                force=options["force"],
                sha256=options["sha256"],
            )
        except BackupError as problem:
            raise CommandError(str(problem)) from None
        for line in report.lines:
            self.stdout.write(line)
        self.stdout.write(json.dumps(report.summary, sort_keys=True))
