import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from layanan.cases.events import verify_all


class Command(BaseCommand):
    help = "Check the hash chain of every application's event log."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="operation", required=True)
        sub.add_parser("verify", help="check every chain and name the first broken link")

    def handle(self, *args: Any, **options: Any) -> None:
        checked, broken = verify_all()
        for link in broken:
            self.stderr.write(f"broken: {link}")
        if broken:
            self.stderr.write(f"{len(broken)} of {checked} chain(s) broken.")
            sys.exit(1)
        self.stdout.write(f"{checked} chain(s) intact.")
