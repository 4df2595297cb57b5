"""Throwaway PostgreSQL clusters for tests: a primary, a streaming replica, stop and start.

Made with the server binaries of this machine (`initdb`, `pg_ctl`, `pg_basebackup`) in a
temporary folder, on a free loopback port, never touching the system's own cluster. The
server refuses to run as root, so under root every command runs as the `postgres` user
(`runuser`), which then owns the folder. Settings favour speed over durability (`fsync=off`):
the data is thrown away.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from layanan.lib.testing import free_port

__all__ = [
    "Cluster",
    "NoPostgres",
    "find_bindir",
    "primary_and_replica",
]

SETTINGS = [
    "listen_addresses='127.0.0.1'",
    "fsync=off",
    "synchronous_commit=off",
    "full_page_writes=off",
    "wal_level=replica",
    "max_wal_senders=4",
    "hot_standby=on",
    "max_connections=40",
    "shared_buffers=32MB",
    "log_min_messages=warning",
]


class NoPostgres(Exception):
    """The PostgreSQL server binaries are not installed on this machine."""


def find_bindir() -> Path:
    """The folder of `initdb` and `pg_ctl`: $LAYANAN_PG_BINDIR, else Debian's newest
    /usr/lib/postgresql/<version>/bin, else wherever `pg_config --bindir` says."""
    candidates: list[Path] = []
    if named := os.environ.get("LAYANAN_PG_BINDIR"):
        candidates.append(Path(named))
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0,
        reverse=True,
    )
    candidates += versions
    if pg_config := shutil.which("pg_config"):
        found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        candidates.append(Path(found.stdout.strip()))
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    raise NoPostgres("no PostgreSQL server binaries (initdb, pg_ctl) on this machine")


def as_server_user() -> list[str]:
    """The prefix that runs a command as a user the server accepts (not root)."""
    if os.geteuid() != 0:
        return []
    return ["runuser", "-u", "postgres", "--"]


@dataclass
class Cluster:
    """One server: its data folder, its port and the binaries that run it."""

    bindir: Path
    datadir: Path
    port: int
    # Server settings given at each start (`-c name=value`), e.g. log_statement=all.
    options: tuple[str, ...] = ()
    log: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log = self.datadir.parent / f"{self.datadir.name}.log"

    def run(self, program: str, *args: str) -> None:
        command = [*as_server_user(), str(self.bindir / program), *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"{program} failed: {done.stderr or done.stdout}\n{log}")

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        # The socket goes into the data folder: the system's /var/run/postgresql is not ours.
        options = " ".join(
            [f"-p {self.port} -k {self.datadir}", *(f"-c {o}" for o in self.options)]
        )
        self.run(
            "pg_ctl", "start", "-w", "-t", "30", "-D", str(self.datadir), "-l", str(self.log),
            "-o", options,
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self.run("pg_ctl", "stop", "-w", "-t", "30", "-m", mode, "-D", str(self.datadir))

    def is_running(self) -> bool:
        return (self.datadir / "postmaster.pid").exists()


def owner() -> tuple[int, int]:
    account = pwd.getpwnam("postgres")
    return account.pw_uid, account.pw_gid


def owned_folder(prefix: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    if os.geteuid() == 0:
        os.chown(folder, *owner())
    return folder


def remove(folder: Path, clusters: list[Cluster]) -> None:
    for cluster in clusters:
        if cluster.is_running():
            with suppress(RuntimeError):
                cluster.stop("immediate")
    shutil.rmtree(folder, ignore_errors=True)


def new_primary(folder: Path, bindir: Path, options: tuple[str, ...] = ()) -> Cluster:
    primary = Cluster(bindir=bindir, datadir=folder / "primary", port=free_port(), options=options)
    primary.run(
        "initdb", "-D", str(primary.datadir), "-U", "postgres", "--auth=trust",
        "--no-sync", "--encoding=UTF8", "--locale=C.UTF-8",
    )  # fmt: skip
    with open(primary.datadir / "postgresql.conf", "a") as conf:
        conf.write("\n".join(SETTINGS) + "\n")
    if os.geteuid() == 0:
        os.chown(primary.datadir / "postgresql.conf", *owner())  # appended as root
    primary.start()
    return primary


@contextmanager
def primary_and_replica(
    *, primary_options: tuple[str, ...] = (), replica_options: tuple[str, ...] = ()
) -> Iterator[tuple[Cluster, Cluster]]:
    """A running primary and a hot-standby replica that streams from it, each started with
    its `options` (`name=value` server settings)."""
    bindir = find_bindir()
    folder = owned_folder("layanan-pg-")
    clusters: list[Cluster] = []
    try:
        primary = new_primary(folder, bindir, primary_options)
        clusters.append(primary)
        replica = Cluster(
            bindir=bindir, datadir=folder / "replica", port=free_port(), options=replica_options
        )
        primary.run(
            "pg_basebackup", "-D", str(replica.datadir), "-h", "127.0.0.1",
            "-p", str(primary.port), "-U", "postgres", "-R", "-X", "stream", "--no-sync",
        )  # fmt: skip
        replica.start()
        clusters.append(replica)
        yield primary, replica
    finally:
        remove(folder, clusters)
