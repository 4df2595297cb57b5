"""A document is as private as its case: an officer of the issuing agency whose unit has no
step in the application can neither download it nor revoke it (nor give its file)."""

from __future__ import annotations

from layanan.agencies.models import OfficerRole, Role, Unit
from layanan.documents.tests.helpers import DocumentTestCase


class UninvolvedUnitTests(DocumentTestCase):
    def setUp(self) -> None:
        super().setUp()
        arsip = Unit.objects.create(agency=self.disdukcapil, code="disdukcapil-arsip", name="Arsip")
        self.dedi = self.make_user("dedi", "Dedi Kurniawan")
        for role in (Role.FRONT_OFFICE, Role.APPROVER):
            OfficerRole.objects.create(user=self.dedi, unit=arsip, role=role)

    def test_an_officer_of_an_uninvolved_unit_of_the_agency_gets_404_everywhere(self):
        document = self.issued()
        self.login(self.dedi)
        number = document.application.number
        self.assertEqual(self.client.get(f"/permohonan/{number}/").status_code, 404)
        for url in (
            f"/dokumen/{document.code}/unduh/",
            f"/permohonan/{number}/produk/",
            f"/dokumen/{document.code}/cabut/",
        ):
            self.assertEqual(self.client.get(url).status_code, 404, url)
        revoke = self.client.post(f"/dokumen/{document.code}/cabut/", {"reason": "Iseng."})
        self.assertEqual(revoke.status_code, 404)
        bearer = {"Authorization": f"Bearer {self.token('dedi')}"}
        api_file = self.client.get(f"/api/v1/documents/{document.code}/file", headers=bearer)
        self.assertEqual(api_file.status_code, 404)
        api_revoke = self.client.post(
            f"/api/v1/documents/{document.code}/revoke",
            {"reason": "Iseng."},
            content_type="application/json",
            headers=bearer,
        )
        self.assertEqual(api_revoke.status_code, 404)
        document.refresh_from_db()
        self.assertEqual(document.state, "issued")
        # the case's own approver still may
        self.download(document, self.budi)


class FileResponseTests(DocumentTestCase):
    def test_the_api_download_streams_with_the_web_downloads_headers(self):
        document = self.issued()
        content = self.download(document)
        bearer = {"Authorization": f"Bearer {self.token('siti')}"}
        response = self.client.get(f"/api/v1/documents/{document.code}/file", headers=bearer)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.streaming)
        self.assertEqual(b"".join(response.streaming_content), content)  # type: ignore[attr-defined]
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response["Content-Security-Policy"], "default-src 'none'; sandbox")
        self.assertEqual(response["Cache-Control"], "private, no-store")
        self.assertIn("attachment;", response["Content-Disposition"])
