"""pytest configuration shared by every app's tests."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

# Property tests check what holds, not how fast: no per-example deadline, which a shared
# two-core machine under load overruns now and then (a 200 ms example of a template fill
# failed a merge run at load 12).
hypothesis_settings.register_profile("layanan", deadline=None)
hypothesis_settings.load_profile("layanan")


def pytest_configure(config: pytest.Config) -> None:
    """Tests use a per-process memory cache: the file cache of the data dir would be shared by
    parallel test processes and would carry sign-in failures from one test to the next."""
    from django.conf import settings

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Documents are stored once by content (cases/storage.py): parallel test processes get a
    # folder each, or they would see, keep and delete each other's files.
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        settings.PRIVATE_FILES_ROOT = Path(settings.PRIVATE_FILES_ROOT) / worker
        # and a signing directory each: two processes making the demo root CA at once would
        # leave certificates of one root beside the other's
        settings.LAYANAN_SIGNING_DIR = Path(settings.LAYANAN_SIGNING_DIR) / worker
    # The free-space floor for uploads (256 MB in production) is about the machine, not the
    # code: a test machine may have less free, and the full-disk tests set their own floor.
    # Servers the tests start in subprocesses read the variable.
    os.environ["LAYANAN_UPLOAD_MIN_FREE_MB"] = "0"
    settings.LAYANAN_UPLOAD_MIN_FREE_BYTES = 0
    # Password hashing is deliberately slow; tests sign in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True, scope="session")
def _own_private_files() -> None:
    """The file fields' storage (documents, complaint attachments) was made from the settings
    before `pytest_configure` gave this process its own folder: point it there too."""
    from layanan.cases.models import Document, private_storage
    from layanan.citizens.models import VaultDocument
    from layanan.complaints.models import Attachment
    from layanan.documents.models import IssuedDocument

    Document._meta.get_field("file").storage = private_storage()
    Attachment._meta.get_field("file").storage = private_storage()
    IssuedDocument._meta.get_field("file").storage = private_storage()
    VaultDocument._meta.get_field("file").storage = private_storage()


@pytest.fixture(scope="session")
def loaded_demo() -> Path:
    """A data dir with the demo loaded (`layanan demo --load-only`), made once per test run:
    each browser test module serves its own copy (`portal/tests/test_browser.site`), so the
    modules stay independent without each paying for the migrations and the demo data."""
    data_dir = Path(tempfile.mkdtemp(prefix="layanan-demo-template-"))
    env = {**os.environ, "LAYANAN_DATA_DIR": str(data_dir)}
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "-m", "layanan.cli", "demo", "--load-only"],
        env=env,
        check=True,
        capture_output=True,
    )
    return data_dir
