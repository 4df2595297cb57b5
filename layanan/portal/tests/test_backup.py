"""`layanan backup` and `layanan restore`, through the real CLI.

The scenario's rows are committed (a TransactionTestCase), backed up in-process from the
test database, and restored by a separate `layanan` process into a new, empty data
directory (and, on PostgreSQL, a new empty database); that process's `audit verify` and a
`layanan shell` listing then show what came back.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import uuid
from io import StringIO
from pathlib import Path
from typing import Any
from unittest import skipUnless

from django.conf import settings
from django.core.management import call_command
from django.db import connection

from layanan.cases import actions
from layanan.cases.models import Application, Document, Event
from layanan.test import ConcurrentTestCase

CLI = str(Path(sys.executable).with_name("layanan"))

# Run by the restored copy: what it holds, as JSON (documents read through the storage).
LISTING = """
import hashlib, json
from pathlib import Path
from django.conf import settings
from layanan.cases.models import Application, Document, Event
keys = Path(settings.DATA_DIR) / "keys"
print(json.dumps({
    "applications": sorted(Application.objects.values_list("number", "status")),
    "events": sorted(Event.objects.values_list("application__number", "seq", "hash")),
    "documents": sorted(
        (d.application.number, d.requirement, hashlib.sha256(d.file.open("rb").read()).hexdigest())
        for d in Document.objects.select_related("application")
    ),
    "keys": sorted(p.name for p in keys.iterdir()) if keys.is_dir() else [],
    "secret_key": settings.SECRET_KEY,
}))
"""


def postgres_tools() -> bool:
    return bool(shutil.which("pg_dump") and shutil.which("pg_restore"))


class BackupRestoreTests(ConcurrentTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.scratch = Path(tempfile.mkdtemp(prefix="layanan-backup-test-"))
        self.addCleanup(shutil.rmtree, self.scratch, ignore_errors=True)
        # whatever the keys/ folder holds travels (signing or NIK keys)
        keys = Path(settings.DATA_DIR) / "keys"
        keys.mkdir(exist_ok=True)
        self.key = keys / f"test-{uuid.uuid4().hex}.key"
        self.key.write_bytes(os.urandom(32))
        self.addCleanup(self.key.unlink, missing_ok=True)
        self.target_database = ""

    def scenario(self) -> dict[str, Any]:
        """Applications in three states, their documents on disk and events; what a restore
        must bring back, as the restored copy's listing writes it."""
        first = self.submitted()
        second = self.submitted(self.agus)
        actions.act_on_step(
            application=second,
            step=second.steps.get(key="verifikasi"),
            officer=self.budi,
            action="return",
            note="Surat tidak terbaca.",
        )
        draft, _created = actions.create_application(
            citizen=self.siti, service=self.akta, answers={}
        )
        numbers = {first.number, second.number, draft.number}
        documents = Document.objects.filter(application__number__in=numbers)
        self.assertEqual(documents.count(), 2)
        for document in documents:  # the files are on disk, where the storage put them
            self.assertTrue(Path(document.file.path).is_file())
        return {
            "applications": sorted(
                [a.number, a.status] for a in Application.objects.filter(number__in=numbers)
            ),
            "events": sorted(
                [e.application.number, e.seq, e.hash]
                for e in Event.objects.filter(application__number__in=numbers).select_related(
                    "application"
                )
            ),
            "documents": sorted(
                [d.application.number, d.requirement, hashlib.sha256(d.file.read()).hexdigest()]
                for d in documents.select_related("application")
            ),
        }

    def backup(self) -> tuple[Path, dict[str, Any], list[str]]:
        out = StringIO()
        call_command("backup", str(self.scratch), stdout=out)
        lines = out.getvalue().strip().splitlines()
        summary = json.loads(lines[-1])
        return Path(summary["archive"]), summary, lines[:-1]

    def environment(self, data_dir: Path) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
        env["LAYANAN_DATA_DIR"] = str(data_dir)
        env["LAYANAN_LANGUAGE"] = "en"
        if self.target_database:
            env["DATABASE_URL"] = self.target_database
        return env

    def cli(self, data_dir: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [CLI, *arguments],
            env=self.environment(data_dir),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    def check_round_trip(self) -> None:
        expected = self.scenario()
        archive, summary, lines = self.backup()
        self.assertEqual(oct(archive.stat().st_mode & 0o777), "0o600")
        self.assertEqual(summary["sha256"], hashlib.sha256(archive.read_bytes()).hexdigest())
        engine = "postgresql" if connection.vendor == "postgresql" else "sqlite"
        self.assertEqual(summary["database"], engine)
        self.assertEqual(
            [line.split(":")[0] for line in lines],
            [
                "database",
                "private",
                "media",
                "keys",
                "secret_key",
            ],
        )
        with tarfile.open(archive) as opened:
            manifest = json.load(opened.extractfile("manifest.json"))  # type: ignore[arg-type]
        self.assertIn(f"keys/{self.key.name}", manifest["files"])
        self.assertEqual(
            manifest["files"][f"keys/{self.key.name}"]["sha256"],
            hashlib.sha256(self.key.read_bytes()).hexdigest(),
        )
        self.assertIn("cases", manifest["migrations"])

        target = self.scratch / "restored"
        restored = self.cli(target, "restore", str(archive), "--sha256", summary["sha256"])
        self.assertEqual(restored.returncode, 0, restored.stderr)
        output = restored.stdout.strip().splitlines()
        self.assertTrue(output[0].startswith("verified: "), output)
        self.assertTrue(json.loads(output[-1])["restored"])

        verified = self.cli(target, "audit", "verify")
        self.assertEqual(verified.returncode, 0, verified.stderr)
        self.assertRegex(verified.stdout, r"\d+ chain\(s\) intact")

        listing = self.cli(target, "shell", "-c", LISTING)
        self.assertEqual(listing.returncode, 0, listing.stderr)
        found = json.loads(listing.stdout.strip().splitlines()[-1])
        for part in ("applications", "events", "documents"):
            restored_rows = [
                row for row in found[part] if row[0] in {a[0] for a in expected["applications"]}
            ]
            self.assertEqual(restored_rows, expected[part], part)
        self.assertIn(self.key.name, found["keys"])
        self.assertEqual((target / "keys" / self.key.name).read_bytes(), self.key.read_bytes())
        # the test settings keep their generated secret key in the data dir, as a service does
        secret_key = Path(settings.DATA_DIR) / "secret_key"
        self.assertTrue(secret_key.is_file())
        self.assertEqual(found["secret_key"], secret_key.read_text().strip())
        # readable by the service user only
        for path in [target / "keys" / self.key.name, *(target / "private").rglob("*")]:
            self.assertEqual(path.stat().st_mode & 0o077, 0, path)

        # a second restore into the same place is refused, unless forced
        again = self.cli(target, "restore", str(archive))
        self.assertNotEqual(again.returncode, 0)
        self.assertIn("not empty", again.stderr)
        forced = self.cli(target, "restore", str(archive), "--force")
        self.assertEqual(forced.returncode, 0, forced.stderr)

    def test_a_backup_restored_into_an_empty_data_directory_brings_everything_back(self) -> None:
        if connection.vendor == "postgresql":
            self.skipTest("the SQLite round trip; PostgreSQL has its own test")
        self.check_round_trip()
        self.assertTrue((self.scratch / "restored" / "layanan.sqlite3").is_file())

    @skipUnless(postgres_tools(), "pg_dump and pg_restore are not installed")
    def test_a_postgresql_backup_restores_into_an_empty_database(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("runs with DATABASE_URL=postgres://…")
        import psycopg
        from psycopg.conninfo import make_conninfo

        database = f"{connection.settings_dict['NAME']}_restored_{os.getpid()}"
        params = {
            "host": connection.settings_dict.get("HOST") or None,
            "port": connection.settings_dict.get("PORT") or None,
            "user": connection.settings_dict.get("USER") or None,
            "password": connection.settings_dict.get("PASSWORD") or None,
            "dbname": "postgres",
        }
        server = make_conninfo("", **{k: v for k, v in params.items() if v})
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}"')
            admin.execute(f'CREATE DATABASE "{database}"')

        def drop() -> None:
            with psycopg.connect(server, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

        self.addCleanup(drop)
        user = params["user"] or ""
        password = f":{params['password']}" if params["password"] else ""
        self.target_database = (
            f"postgres://{user}{password}@{params['host'] or '127.0.0.1'}:"
            f"{params['port'] or 5432}/{database}"
        )
        self.check_round_trip()

    def test_a_tampered_archive_is_refused_and_nothing_is_restored(self) -> None:
        self.scenario()
        archive, _summary, _lines = self.backup()
        unpacked = self.scratch / "unpacked"
        with tarfile.open(archive) as opened:
            opened.extractall(unpacked, filter="data")
        document = next(p for p in (unpacked / "private").rglob("*") if p.is_file())
        document.write_bytes(document.read_bytes() + b"%altered")
        tampered = self.scratch / "tampered.tar.gz"
        with tarfile.open(tampered, "w:gz") as packed:
            for path in sorted(unpacked.rglob("*")):
                if path.is_file():
                    packed.add(path, path.relative_to(unpacked).as_posix())
        target = self.scratch / "target"
        refused = self.cli(target, "restore", str(tampered))
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("does not match its manifest", refused.stderr)
        self.assertIn("altered: private/", refused.stderr)
        self.assertFalse((target / "layanan.sqlite3").exists())
        self.assertFalse(
            any((target / "private").rglob("*")) if (target / "private").exists() else False
        )
        self.assertFalse((target / "keys").exists())
        # the whole archive's hash, recorded at backup time, refuses a swapped archive too
        swapped = self.cli(target, "restore", str(archive), "--sha256", "0" * 64)
        self.assertNotEqual(swapped.returncode, 0)
        self.assertIn("SHA-256", swapped.stderr)
