import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from layanan.portal.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Write one archive (tar.gz) with the database, the uploaded documents, the keys and "
        "the secret key, and a manifest of their SHA-256 hashes (docs/operations.md)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "path", help="the archive to write, or a directory to write a dated archive into"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = create_backup(Path(options["path"]).expanduser())
        except BackupError as problem:
            raise CommandError(str(problem)) from None
        for line in report.lines:
            self.stdout.write(line)
        self.stdout.write(json.dumps(report.summary, sort_keys=True))
