"""LAYANAN_CACHE_URL: several app servers share one Redis cache, so that the limits kept in
the cache (unknown tracking numbers, complaints without a token) count every server's
requests once, atomically. Against a real redis-server started on loopback."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator

import pytest
import redis
from django.test import Client, override_settings

from layanan import counters
from layanan.lib.testing import free_port


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    server = shutil.which("redis-server")
    if server is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run the shared-cache test: no redis-server (apt install redis)")
        pytest.skip("no redis-server on this machine (apt install redis-server)")
    port = free_port()
    folder = tempfile.mkdtemp(prefix="layanan-redis-")
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", folder],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def redis_cache(url: str) -> dict[str, dict[str, str]]:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "layanan",
        }
    }


def test_counts_from_parallel_requests_are_all_kept(redis_url: str) -> None:
    with override_settings(CACHES=redis_cache(redis_url)):

        def count() -> None:
            for _ in range(100):
                counters.increment("shared-test", expires_in=60)

        threads = [threading.Thread(target=count) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert counters.read("shared-test") == 400


@pytest.mark.django_db
def test_the_tracking_limit_is_kept_in_the_shared_cache(redis_url: str) -> None:
    with override_settings(CACHES=redis_cache(redis_url), LAYANAN_TRACK_FAILURES_ALLOWED=2):
        first, second = Client(), Client()  # two app servers' visitors from one address
        assert first.get("/lacak/salah-1/").status_code == 400  # malformed: counted
        assert second.get("/lacak/salah-2/").status_code == 400
        refused = first.get("/lacak/salah-3/")
        assert refused.status_code == 429
        kept = list(redis.Redis.from_url(redis_url).scan_iter("layanan:*track-failures*"))
        assert len(kept) == 1
