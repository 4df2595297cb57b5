import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from layanan.accounts import throttle


class Command(BaseCommand):
    help = (
        "Lift the attempt limits of an account (named by its user name, email address or "
        "phone number in any writing) or of a client address."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("name", nargs="?", default="", help="any name of the account")
        parser.add_argument("--address", default="", help="a client address, e.g. 203.0.113.5")

    def handle(self, *args: Any, **options: Any) -> None:
        name, address = options["name"].strip(), options["address"].strip()
        if not name and not address:
            self.stderr.write("Name an account or give --address.")
            sys.exit(2)
        deleted = throttle.unlock(name=name, address=address)
        self.stdout.write(f"{deleted} counter(s) cleared.")
