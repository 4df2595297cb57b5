"""A copy of one's data (UU 27/2022): asked for on /profil/data/ or through the API, prepared
by the worker's task as a JSON file and an offline HTML page, downloadable by its owner only,
for LAYANAN_EXPORT_KEEP_HOURS; then a periodic job deletes the files. siti asks; agus is
another citizen; budi an officer who read her application."""

from __future__ import annotations

import datetime as dt
import json
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import time_machine
from django.conf import settings
from django.test import override_settings

from layanan.accounts.actions import record_read
from layanan.accounts.models import DataAccess
from layanan.accounts.tokens import issue_token
from layanan.citizens.actions_profile import update_profile
from layanan.citizens.exports import (
    ExportError,
    build_export,
    collect_sections,
    delete_expired_exports,
)
from layanan.citizens.models import DataExport
from layanan.portal.worker import Worker
from layanan.test import BaseTestCase, ConcurrentTestCase

NIK = "3374015508900001"


@contextmanager
def signals_kept() -> Iterator[None]:
    """The worker installs its stop handlers; give pytest its own back afterwards."""
    kept = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in kept.items():
            signal.signal(number, handler)


def give_profile(test: BaseTestCase | ConcurrentTestCase) -> None:
    update_profile(
        citizen=test.siti,
        by=test.siti,
        full_name="Siti Rahayu",
        email="siti@example.test",
        phone="+6281234567890",
        nik=NIK,
        address="Jl. Melati 5",
    )


def export_sections(body: bytes) -> dict:
    document = json.loads(body)
    assert set(document) == {"header", "sections"}
    return document["sections"]


class WorkerPreparesTheCopyTests(ConcurrentTestCase):
    def worker_pass(self) -> None:
        with signals_kept():
            Worker().run(once=True)

    def test_asked_on_the_web_prepared_by_the_worker_downloaded_by_the_owner(self) -> None:
        give_profile(self)
        application = self.submitted(self.siti)
        record_read(
            reader=self.budi,
            citizen=self.siti,
            place=DataAccess.Place.OFFICE_STEP,
            application_number=application.number,
        )
        self.client.force_login(self.siti)
        response = self.client.post("/profil/data/salinan/")
        self.assertRedirects(response, "/profil/data/")
        page = self.client.get("/profil/data/")
        self.assertContains(page, "Sedang disiapkan")
        export = DataExport.objects.get(citizen=self.siti)
        self.assertEqual(self.client.get(f"/profil/data/salinan/{export.pk}.json").status_code, 404)
        self.worker_pass()
        export.refresh_from_db()
        self.assertEqual(export.state, DataExport.State.READY)
        self.assertContains(self.client.get("/profil/data/"), "Siap diunduh")
        download = self.client.get(f"/profil/data/salinan/{export.pk}.json")
        self.assertEqual(download.status_code, 200)
        self.assertEqual(download["Content-Disposition"].split(";")[0], "attachment")
        sections = export_sections(b"".join(download.streaming_content))  # type: ignore[attr-defined]
        self.assertEqual(sections["profile"]["nik"], NIK)  # in full: her own data
        self.assertEqual(sections["profile"]["address"], "Jl. Melati 5")
        self.assertNotIn("nik_hash", sections["profile"])
        self.assertEqual(sections["account"]["email"], "siti@example.test")
        (record,) = sections["applications"]
        self.assertEqual(record["number"], application.number)
        self.assertEqual(record["answers"]["nik_ibu"], NIK)
        self.assertEqual(record["charter_version"], self.akta_v1.version)
        self.assertEqual(record["documents"][0]["requirement"], "surat_lahir")
        self.assertIn("submitted", [event["kind"] for event in record["events"]])
        self.assertEqual([step["key"] for step in record["steps"]], ["verifikasi", "terbit"])
        html = self.client.get(f"/profil/data/salinan/{export.pk}.html")
        text = b"".join(html.streaming_content).decode()  # type: ignore[attr-defined]
        self.assertIn('<html lang="id">', text)
        self.assertIn("Permohonan Anda", text)  # headings in her language
        self.assertIn(application.number, text)
        self.assertNotIn("<script", text)
        self.assertNotIn('src="http', text)  # nothing fetched: it reads offline
        # nobody else gets it
        self.client.force_login(self.agus)
        for fmt in ("json", "html"):
            self.assertEqual(
                self.client.get(f"/profil/data/salinan/{export.pk}.{fmt}").status_code, 404
            )

    def test_through_the_api(self) -> None:
        give_profile(self)
        token, _row = issue_token(self.siti)
        headers = {"authorization": f"Bearer {token}"}
        created = self.client.post("/api/v1/me/export", headers=headers)
        self.assertEqual(created.status_code, 202)
        export_id = created.json()["id"]
        again = self.client.post("/api/v1/me/export", headers=headers)
        self.assertEqual(again.json()["id"], export_id)  # one at a time while it is prepared
        pending = self.client.get(f"/api/v1/me/export/{export_id}", headers=headers)
        self.assertEqual(pending.status_code, 202)
        self.assertEqual(pending.json(), {"id": export_id, "state": "queued"})
        self.worker_pass()
        ready = self.client.get(f"/api/v1/me/export/{export_id}", headers=headers)
        self.assertEqual(ready.status_code, 200)
        self.assertEqual(ready.json()["sections"]["profile"]["nik"], NIK)
        self.assertIn("27/2022", ready.json()["header"]["legal_basis"])
        other, _row = issue_token(self.agus)
        stranger = self.client.get(
            f"/api/v1/me/export/{export_id}", headers={"authorization": f"Bearer {other}"}
        )
        self.assertEqual(stranger.status_code, 404)
        self.assertEqual(self.client.get(f"/api/v1/me/export/{export_id}").status_code, 401)


class ExpiryTests(BaseTestCase):
    def test_the_files_are_deleted_when_the_time_is_over(self) -> None:
        self.login(self.siti)
        start = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)
        with time_machine.travel(start, tick=False):
            self.client.post("/profil/data/salinan/")
            export = DataExport.objects.get(citizen=self.siti)
            build_export.call(export.pk)
            export.refresh_from_db()
        files = [Path(settings.PRIVATE_FILES_ROOT) / export.json_file]
        self.assertTrue(files[0].exists())
        self.assertEqual(export.expires_at, start + dt.timedelta(hours=72))
        with time_machine.travel(start + dt.timedelta(hours=71), tick=False):
            self.assertEqual(
                self.client.get(f"/profil/data/salinan/{export.pk}.html").status_code, 200
            )
        with time_machine.travel(start + dt.timedelta(hours=72, minutes=1), tick=False):
            self.assertEqual(
                self.client.get(f"/profil/data/salinan/{export.pk}.html").status_code, 404
            )
            self.assertEqual(delete_expired_exports(), 1)
        export.refresh_from_db()
        self.assertEqual(export.state, DataExport.State.EXPIRED)
        self.assertFalse(files[0].exists())
        token, _row = issue_token(self.siti)
        gone = self.client.get(
            f"/api/v1/me/export/{export.pk}", headers={"authorization": f"Bearer {token}"}
        )
        self.assertEqual(gone.status_code, 410)

    @override_settings(LAYANAN_EXPORT_KEEP_HOURS=2)
    def test_the_time_kept_is_a_setting(self) -> None:
        self.login(self.siti)
        self.client.post("/profil/data/salinan/")
        export = DataExport.objects.get(citizen=self.siti)
        build_export.call(export.pk)
        export.refresh_from_db()
        assert export.ready_at is not None
        assert export.expires_at is not None
        self.assertEqual(export.expires_at - export.ready_at, dt.timedelta(hours=2))

    def test_asking_needs_to_be_signed_in(self) -> None:
        response = self.client.post("/profil/data/salinan/")
        self.assertEqual(response.status_code, 302)
        self.assertFalse(DataExport.objects.exists())

    @override_settings(
        LAYANAN_PERSONAL_DATA_EXPORTERS=[
            "layanan.citizens.personal_data.export_section",
            "layanan.citizens.personal_data.export_section",
        ]
    )
    def test_two_exporters_of_one_section_are_an_error(self) -> None:
        with self.assertRaises(ExportError):
            collect_sections(self.siti)
