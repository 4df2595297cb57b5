import os
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from layanan.portal.data_dir import secure_data_dir
from layanan.portal.processes import gunicorn_command, layanan_command, run_together


class Command(BaseCommand):
    help = "Run in production: gunicorn with N workers plus the background worker, DEBUG off."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--host", default="127.0.0.1", help="address to bind (default: %(default)s)"
        )
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
        parser.add_argument(
            "--no-migrate", action="store_true", help="do not apply migrations before starting"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)  # tightens the data dir too
        else:
            secure_data_dir()
        host = options["host"] if options["host"] not in ("0.0.0.0", "::") else "127.0.0.1"  # noqa: S104
        env = {
            **os.environ,
            "DEBUG": "false",
            # Links in messages: the configured public address, else this server itself.
            "LAYANAN_SITE_URL": os.environ.get("LAYANAN_SITE_URL")
            or f"http://{host}:{options['port']}/",
        }
        status = run_together(
            [
                gunicorn_command(
                    port=options["port"], workers=options["workers"], host=options["host"]
                ),
            ],
            restartable=[[*layanan_command(), "worker"]],
            env=env,
        )
        sys.exit(status)
