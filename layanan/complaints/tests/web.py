"""Scaffolding of the complaint pages' tests: the categories, a valid filing as a browser
posts it, and complaints made through the actions."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache

from layanan.accounts.models import AttemptCounter
from layanan.complaints import actions
from layanan.complaints.models import Category, Complaint
from layanan.test import BaseTestCase

FORM = "/pengaduan/baru/"


class ComplaintPageTestCase(BaseTestCase):
    pungli: Category
    umum: Category

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        actions.ensure_builtin_categories(cls.disdukcapil)
        actions.ensure_builtin_categories(cls.dpmptsp)
        cls.pungli = Category.objects.get(agency=cls.disdukcapil, code="pungli")
        cls.umum = Category.objects.get(agency=cls.disdukcapil, code="umum")

    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        AttemptCounter.objects.all().delete()

    def form_data(self, **changes: Any) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": "pengaduan",
            "category": "disdukcapil.pungli",
            "description": "Petugas loket meminta uang Rp50.000 untuk mempercepat akta.",
            "privacy": "publik",
            "address": "",
            "contact_name": "Tono Sugiarto",
            "contact_email": "tono@example.test",
            "contact_phone": "0812 9999 0000",
            "website": "",
        }
        data.update(changes)
        return {name: value for name, value in data.items() if value is not None}

    def file(self, **changes: Any) -> tuple[Complaint, str]:
        """A complaint filed through the actions (not the page): siti's unless told."""
        complainant = changes.pop("complainant", self.siti)
        filing = actions.Filing(
            category=changes.pop("category", self.pungli),
            description=changes.pop("description", "Petugas meminta uang Rp50.000 di loket."),
        )
        for name, value in changes.items():
            setattr(filing, name, value)
        return actions.file_complaint(filing=filing, complainant=complainant)
