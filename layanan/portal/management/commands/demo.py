import os
import sys
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from layanan.accounts.second_factor import DEMO_SECRET
from layanan.lib.phone import national
from layanan.portal.demo_complaints import OPEN311_KEY
from layanan.portal.demo_data import ACCOUNTS, PASSWORD, load_demo
from layanan.portal.processes import gunicorn_command, layanan_command, run_together


class Command(BaseCommand):
    help = "Set up the demo (migrate, demo catalogue, demo accounts) and run the service."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument(
            "--load-only", action="store_true", help="load the demo data, then exit"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if not os.environ.get("LAYANAN_SITE_URL") and not options["load_only"]:
            # the samples' signed documents carry their verification address for good: the
            # address of the server this command starts, unless a public one is configured
            settings.LAYANAN_SITE_URL = f"http://127.0.0.1:{options['port']}"
        report, account_changes, applications = load_demo()
        self.stdout.write(
            f"Demo data: {report.changed} catalogue change(s), {account_changes} account "
            f"change(s), {applications} sample application(s) created."
        )
        if options["load_only"]:
            return
        url = f"http://127.0.0.1:{options['port']}/"
        self.stdout.write(self.banner(url))
        env = {
            **os.environ,
            "DEBUG": os.environ.get("DEBUG", "false"),
            # links in messages lead to this server unless a public address is configured
            "LAYANAN_SITE_URL": os.environ.get("LAYANAN_SITE_URL") or url,
        }
        status = run_together(
            [
                gunicorn_command(port=options["port"], workers=options["workers"]),
            ],
            restartable=[[*layanan_command(), "worker"]],
            env=env,
        )
        self.stdout.write("Stopped.")
        sys.exit(status)

    def banner(self, url: str) -> str:
        width = max(len(a.username) for a in ACCOUNTS)
        lines = [
            "",
            "Layanan demo is running:",
            f"  {url}            public site (catalogue: {url}layanan/)",
            f"  {url}jaminan/    guarantee register: applications late today, compensation owed",
            f"  {url}kantor/     officers' queue (late steps first)",
            f"  {url}pengaduan/  public complaints; file one at {url}pengaduan/baru/",
            f"  {url}verifikasi/ check an issued document; certificates at "
            f"{url}verifikasi/sertifikat/",
            f"  {url}open311/v2/discovery.json  Open311 GeoReport v2 (api_key: {OPEN311_KEY})",
            f"  {url}admin/      Django admin",
            "",
            f"Demo accounts (password for all: {PASSWORD}):",
            *(
                f"  {a.username.ljust(width)}  {a.description}"
                + (f" (or sign in with {national(a.phone)})" if a.phone else "")
                + (" [code needed]" if a.officer else "")
                for a in ACCOUNTS
            ),
            "",
            "Officers sign in with a second code: the demo TOTP secret (base32, 30 s, 6 digits,",
            f"SHA-1) is {DEMO_SECRET}. Add it to any authenticator app, or print the code now:",
            '  python -c "import base64,hmac,struct,time;'
            f"k=base64.b32decode('{DEMO_SECRET}');"
            "h=hmac.digest(k,struct.pack('>Q',int(time.time())//30),'sha1');"
            "o=h[-1]&15;print('%06d'%((struct.unpack('>I',h[o:o+4])[0]&0x7fffffff)%10**6))\"",
            f"  oathtool --totp -b {DEMO_SECRET}",
            "This secret is public: never use it outside the demo.",
            "",
            "Press Ctrl-C to stop the web server and the worker.",
            "",
        ]
        return "\n".join(lines)
