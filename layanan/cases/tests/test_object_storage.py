"""Documents in S3-compatible object storage (LAYANAN_S3_BUCKET), against a local S3 server
(moto's, on loopback): an upload through the API is stored in the bucket and nowhere on disk,
reads back through the access-checked download, and its object is deleted with the document;
the daily clean-up lists the bucket to find files no document names."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path
from typing import Any

import boto3
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from moto.server import ThreadedMotoServer

from layanan.cases.models import Document, private_storage
from layanan.cases.storage import prune_unreferenced_files
from layanan.lib.testing import free_port
from layanan.test import ANSWERS, PASSWORD, PDF, BaseTestCase

BUCKET = "layanan-dokumen"
KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


class ObjectStorageTests(BaseTestCase):
    server: ThreadedMotoServer
    endpoint: str

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        port = free_port()
        cls.server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        cls.server.start()
        cls.addClassCleanup(cls.server.stop)
        cls.endpoint = f"http://127.0.0.1:{port}"

    def setUp(self) -> None:
        self.s3 = boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1", **KEYS)
        self.s3.create_bucket(Bucket=BUCKET)
        private = {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": self.endpoint,
                "region_name": "us-east-1",
                "access_key": KEYS["aws_access_key_id"],
                "secret_key": KEYS["aws_secret_access_key"],
                "addressing_style": "path",
                "default_acl": None,
                "file_overwrite": False,
            },
        }
        # A folder of its own: other tests in this process keep the same bytes on disk.
        self.disk = Path(tempfile.mkdtemp(prefix="layanan-not-used-"))
        self.addCleanup(shutil.rmtree, self.disk, True)
        overridden = override_settings(
            STORAGES={**settings.STORAGES, "private": private}, PRIVATE_FILES_ROOT=self.disk
        )
        overridden.enable()
        self.addCleanup(overridden.disable)
        # The file field took its storage when the models loaded (as conftest.py does).
        field = Document._meta.get_field("file")
        self.addCleanup(setattr, field, "storage", field.storage)
        field.storage = private_storage()

    def objects(self) -> dict[str, bytes]:
        listed = self.s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])
        return {
            item["Key"]: self.s3.get_object(Bucket=BUCKET, Key=item["Key"])["Body"].read()
            for item in listed
        }

    def api(self, method: str, url: str, **kwargs: Any) -> Any:
        token = self.client.post(
            "/api/v1/auth/token",
            {"username": "siti", "password": PASSWORD},
            content_type="application/json",
        ).json()["token"]
        return getattr(self.client, method)(
            url, headers={"Authorization": f"Bearer {token}"}, **kwargs
        )

    def test_a_document_is_kept_in_the_bucket_read_back_and_deleted(self) -> None:
        number = self.api(
            "post",
            "/api/v1/applications",
            data={"service": "akta-kelahiran", "answers": ANSWERS},
            content_type="application/json",
        ).json()["number"]
        uploaded = self.api(
            "post",
            f"/api/v1/applications/{number}/documents",
            data={"requirement": "surat_lahir", "file": SimpleUploadedFile("lahir.pdf", PDF)},
        )
        self.assertEqual(uploaded.status_code, 201, uploaded.content)
        sha256 = uploaded.json()["sha256"]
        key = f"documents/{sha256[:2]}/{sha256}.pdf"
        self.assertEqual(self.objects(), {key: PDF})
        self.assertFalse((self.disk / "documents").exists())

        document = Document.objects.get(application__number=number)
        self.client.force_login(self.siti)
        download = self.client.get(f"/permohonan/{number}/dokumen/{document.pk}/")
        self.assertEqual(download.status_code, 200)
        self.assertEqual(download.getvalue(), PDF)

        with self.captureOnCommitCallbacks(execute=True):
            removed = self.api("delete", f"/api/v1/applications/{number}/documents/surat_lahir")
        self.assertEqual(removed.status_code, 204)
        self.assertEqual(self.objects(), {})

    def test_the_clean_up_deletes_only_objects_no_document_names(self) -> None:
        kept = self.submitted()
        name = Document.objects.get(application=kept).file.name
        self.s3.put_object(Bucket=BUCKET, Key=name, Body=PDF)
        orphan = "documents/ab/" + "ab" * 32 + ".pdf"
        self.s3.put_object(Bucket=BUCKET, Key=orphan, Body=b"left by a rolled-back upload")

        self.assertEqual(prune_unreferenced_files(), 0)  # both too young to judge
        self.assertEqual(prune_unreferenced_files(older_than=dt.timedelta(seconds=-60)), 1)
        self.assertEqual(list(self.objects()), [name])
