import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from layanan.cases.events import verify_all
from layanan.complaints.events import verify_all_complaints


class Command(BaseCommand):
    help = "Check the hash chain of every application's and every complaint's event log."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="operation", required=True)
        sub.add_parser("verify", help="check every chain and name the first broken link")

    def handle(self, *args: Any, **options: Any) -> None:
        checked, broken = verify_all()
        complaints_checked, complaints_broken = verify_all_complaints()
        for link in [*broken, *complaints_broken]:
            self.stderr.write(f"broken: {link}")
        if broken or complaints_broken:
            self.stderr.write(f"{len(broken)} of {checked} chain(s) broken.")
            self.stderr.write(
                f"{len(complaints_broken)} of {complaints_checked} complaint chain(s) broken."
            )
            sys.exit(1)
        # The first line is the applications' (as before complaints existed).
        self.stdout.write(f"{checked} chain(s) intact.")
        self.stdout.write(f"{complaints_checked} complaint chain(s) intact.")
