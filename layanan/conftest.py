"""pytest configuration shared by every app's tests."""

import pytest


def pytest_configure(config: pytest.Config) -> None:
    """Tests use a per-process memory cache: the file cache of the data dir would be shared by
    parallel test processes and would carry sign-in failures from one test to the next."""
    from django.conf import settings

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Password hashing is deliberately slow; tests sign in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    from django.core.cache import cache

    cache.clear()
