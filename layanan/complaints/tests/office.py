"""Scaffolding of the back-office tests: budi receives complaints at the Disdukcapil counter
(front office there, besides his processing roles), ani supervises, charlie works at DPMPTSP
(another agency), siti and agus are citizens."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from layanan.agencies.models import OfficerRole, Role
from layanan.complaints import actions
from layanan.complaints.models import Category, Complaint
from layanan.test import PDF, BaseTestCase


class OfficeTestCase(BaseTestCase):
    pungli: Category
    umum: Category

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        OfficerRole.objects.create(user=cls.budi, unit=cls.loket, role=Role.FRONT_OFFICE)
        actions.ensure_builtin_categories(cls.disdukcapil)
        actions.ensure_builtin_categories(cls.dpmptsp)
        cls.pungli = Category.objects.get(agency=cls.disdukcapil, code="pungli")
        cls.umum = Category.objects.get(agency=cls.disdukcapil, code="umum")

    def file(self, *, attachment: bool = False, **changes: Any) -> Complaint:
        filing = actions.Filing(
            category=changes.pop("category", self.pungli),
            description=str(changes.pop("description", "Petugas loket meminta uang Rp50.000.")),
        )
        complainant = changes.pop("complainant", self.siti)
        for name, value in changes.items():
            setattr(filing, name, value)
        files = [SimpleUploadedFile("kuitansi.pdf", PDF, "application/pdf")] if attachment else []
        complaint, _key = actions.file_complaint(
            filing=filing, complainant=complainant, attachments=files
        )
        return complaint

    def page(self, complaint: Complaint) -> str:
        return f"/kantor/pengaduan/{complaint.number}/"

    def act(self, complaint: Complaint, action: str, data: dict[str, Any]) -> Any:
        complaint.refresh_from_db()
        prefix = {
            "verifikasi": "verifikasi",
            "kelengkapan": "kelengkapan",
            "teruskan": "teruskan",
            "rencana": "rencana",
            "tanggapan": "tanggapan",
            "selesai": "selesai",
            "tolak": "tolak",
            "duplikat": "duplikat",
            "lapor": "lapor",
        }[action]
        posted = {f"{prefix}-revision": complaint.revision}
        posted.update({f"{prefix}-{name}": value for name, value in data.items()})
        return self.client.post(f"{self.page(complaint)}tindakan/{action}/", posted)
