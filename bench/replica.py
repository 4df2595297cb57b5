"""Replication lag of a PostgreSQL streaming replica on this machine: how long after a commit
on the primary a public read on the replica sees it.

    .venv/bin/python bench/replica.py              # 300 commits
    .venv/bin/python bench/replica.py --commits 50

Starts a throwaway primary and a hot-standby replica (layanan/lib/testing/pgcluster.py: the
same helper as the replica test, with `fsync=off` as a throwaway cluster may, but commits
flushed and sent at once as in production), then commits one row at a time on the
primary and polls the replica until the row is there. The figure is an upper bound on the lag a
visitor can meet on this machine: the poll adds up to its own round trip. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from layanan.lib.testing.pgcluster import NoPostgres, primary_and_replica  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=300)
    parser.add_argument("--quick", action="store_true", help="20 commits: a smoke test")
    options = parser.parse_args()
    commits = 20 if options.quick else options.commits
    try:
        # Commits flushed as in production: with synchronous_commit off (the throwaway
        # default) the WAL writer sends them in 200 ms batches and the lag is that batching.
        clusters = primary_and_replica(primary_options=("synchronous_commit=on",))
        primary, replica = clusters.__enter__()
    except NoPostgres as missing:
        print(json.dumps({"benchmark": "replica_lag", "skipped": str(missing)}))
        return
    try:
        with (
            psycopg.connect(primary.url(), autocommit=True) as writer,
            psycopg.connect(replica.url(), autocommit=True) as reader,
        ):
            writer.execute("CREATE TABLE lag (id integer PRIMARY KEY)")
            while not reader.execute("SELECT to_regclass('lag')").fetchone()[0]:  # type: ignore[index]
                time.sleep(0.01)
            lags = []
            for number in range(commits):
                writer.execute("INSERT INTO lag VALUES (%s)", [number])
                committed = time.perf_counter()
                while not reader.execute("SELECT 1 FROM lag WHERE id = %s", [number]).fetchone():
                    pass
                lags.append((time.perf_counter() - committed) * 1000)
    finally:
        clusters.__exit__(None, None, None)
    print(
        json.dumps(
            {
                "benchmark": "replica_lag",
                "machine": f"{platform.machine()}, {os.cpu_count()} cores, PostgreSQL "
                f"{primary.bindir.parent.name}",
                "commits": commits,
                "lag_ms_p50": round(statistics.median(lags), 2),
                "lag_ms_p99": round(percentile(lags, 0.99), 2),
                "lag_ms_max": round(max(lags), 2),
            }
        )
    )


if __name__ == "__main__":
    main()
