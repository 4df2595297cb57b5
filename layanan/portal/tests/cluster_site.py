"""A small site on a throwaway PostgreSQL cluster (`layanan.lib.testing.pgcluster`), for the
tests that run real servers against it (test_replica.py, test_database_down.py).

`python -m layanan.portal.tests.cluster_site` fills the database named by DATABASE_URL with
the tables and the tests' small catalogue and people (`layanan.test.Scenario`) and one
submitted application, and prints its number. The tables are made from the models without
replaying the migrations (`migrate --run-syncdb` with every app's migrations turned off):
replaying them takes 10-15 s here, more than these tests' whole budget; what the migrations
add beyond the tables (the append-only triggers of the event logs, built-in complaint
categories) plays no part in what these tests check.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import Message
from pathlib import Path
from typing import Any

import psycopg

from layanan.lib.testing import free_port, wait_until_answering
from layanan.lib.testing.pgcluster import Cluster
from layanan.portal.processes import gunicorn_command

DATABASE = "layanan"


def build() -> str:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "layanan.settings")
    django.setup()
    from django.apps import apps
    from django.conf import settings
    from django.core.management import call_command

    settings.MIGRATION_MODULES = {config.label: None for config in apps.get_app_configs()}
    call_command("migrate", run_syncdb=True, verbosity=0)

    from django.contrib.auth.hashers import Argon2PasswordHasher

    from layanan.accounts.models import User
    from layanan.test import PASSWORD, Scenario

    # As in the tests' own settings (conftest.py): Argon2 for every person costs seconds.
    # Only siti signs in, through the server, which knows Argon2 and not MD5.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    Scenario.create_scenario()
    argon2 = Argon2PasswordHasher()
    User.objects.filter(username="siti").update(password=argon2.encode(PASSWORD, argon2.salt()))
    return Scenario().submitted().number


def load_site(primary: Cluster, data_dir: Path) -> str:
    """Create the database on `primary` and fill it; the number of the one application."""
    with psycopg.connect(primary.url(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {DATABASE}")
    env = {**os.environ, "DATABASE_URL": primary.url(DATABASE), "LAYANAN_DATA_DIR": str(data_dir)}
    env.pop("DATABASE_REPLICA_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "layanan.portal.tests.cluster_site"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    return done.stdout.strip().splitlines()[-1]


@contextmanager
def web_server(data_dir: Path, **env: str) -> Iterator[str]:
    """gunicorn with one worker on a free port, with `env` added; yields its address."""
    port = free_port()
    environment = {**os.environ, "LAYANAN_DATA_DIR": str(data_dir), "DEBUG": "false", **env}
    log = open(data_dir / "web.log", "ab")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        gunicorn_command(port=port, workers=1), env=environment, stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_until_answering(url + "/lacak/", process=server, seconds=30)
        except RuntimeError:
            raise RuntimeError((data_dir / "web.log").read_text()) from None
        yield url
    finally:
        server.terminate()
        server.wait(timeout=15)
        log.close()


def request(
    url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, Message, bytes]:
    """(status, headers, body) of one request; error statuses are answers too."""
    sent = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310
    try:
        with urllib.request.urlopen(sent, timeout=10) as response:  # noqa: S310 - loopback only
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def temporary_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="layanan-cluster-site-"))


def replayed(primary: Cluster, replica: Cluster, seconds: float = 20) -> float:
    """Wait until the replica has replayed everything the primary wrote so far; return the
    seconds it took."""
    started = time.monotonic()
    with psycopg.connect(primary.url(), autocommit=True) as conn:
        row = conn.execute("SELECT pg_current_wal_lsn()").fetchone()
        assert row is not None
        target = row[0]
    with psycopg.connect(replica.url(), autocommit=True) as conn:
        while time.monotonic() - started < seconds:
            done = conn.execute(
                "SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s) >= 0", [target]
            ).fetchone()
            if done and done[0]:
                return time.monotonic() - started
            time.sleep(0.01)
    raise RuntimeError(f"the replica did not catch up within {seconds} s")


def sql(cluster: Cluster, statement: str, params: Any = None, database: str = DATABASE) -> Any:
    with psycopg.connect(cluster.url(database), autocommit=True) as conn:
        cursor = conn.execute(statement, params)
        return cursor.fetchall() if cursor.description else None


if __name__ == "__main__":
    print(build())
