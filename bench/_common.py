"""What the benchmarks share: a fresh database for one run and the machine's description.

Not a benchmark itself (`make bench` runs bench/*.py except the files starting with "_").
SQLite: a new file in a temporary data dir (WAL, as in production). PostgreSQL, when
DATABASE_URL is set: a new database `<its name>_bench` on that server, dropped afterwards.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@contextmanager
def fresh_database() -> Iterator[str]:
    """Configure Django on an empty, migrated database; yields "SQLite" or "PostgreSQL"."""
    with tempfile.TemporaryDirectory(prefix="layanan-bench-") as data_dir:
        os.environ["LAYANAN_DATA_DIR"] = data_dir
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "layanan.settings")
        import django
        from django.conf import settings

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        if connection.vendor == "postgresql":
            name = settings.DATABASES["default"]["NAME"]
            # only the name: the other TEST settings keep Django's defaults (CHARSET, ...)
            connection.settings_dict["TEST"]["NAME"] = f"{name}_bench"
            connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
            try:
                yield "PostgreSQL"
            finally:
                connection.creation.destroy_test_db(name, verbosity=0)
            return
        call_command("migrate", verbosity=0)
        yield "SQLite"


def machine(database: str) -> str:
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{database}, load average {os.getloadavg()[0]:.1f} (shared machine)"
    )


def one_service_world() -> tuple[Any, Any, Any, Any, Any]:
    """The smallest world the sweep and partition benchmarks need (Django set up, database
    migrated): one agency with a front office and a back office, one citizen and one service
    with an adopted charter. Returns (agency, front office, citizen, service, charter)."""
    from layanan.accounts.models import User
    from layanan.agencies.models import Agency, Unit
    from layanan.charters.actions import adopt_charter, save_draft
    from layanan.charters.models import Service
    from layanan.test import charter_content

    agency = Agency.objects.create(code="disdukcapil", name="Disdukcapil", region_code="33.99")
    loket = Unit.objects.create(agency=agency, code="disdukcapil-loket", name="Loket")
    Unit.objects.create(agency=agency, code="disdukcapil-capil", name="Capil")
    citizen = User.objects.create_user(username="warga", password="x")  # noqa: S106
    service = Service.objects.create(
        code="akta-kelahiran", name="Akta", lead_agency=agency, category="kependudukan"
    )
    draft, _ = save_draft(service=service, content=charter_content(), by=None)
    charter = adopt_charter(charter=draft, by=None)
    return agency, loket, citizen, service, charter
