"""A water test with a fixed fee paid before the result is issued, a building permit with a
tariff per m² paid before processing, an inspection whose fee is assessed; tini is the
treasurer (bendahara penerimaan) of Disdukcapil, the agency that is paid."""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext
from typing import Any

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from layanan.accounts.models import User
from layanan.agencies.models import OfficerRole, Role
from layanan.cases import actions
from layanan.cases.models import Application
from layanan.cases.tests.test_api import ApiTestCase
from layanan.charters.models import Service
from layanan.payments.billing import issue_awaited_bills
from layanan.test import ANSWERS, PDF, charter_content

BASIS = "Perda Kabupaten Contoh 1/2024 tentang Pajak Daerah dan Retribusi Daerah"
LUAS = {"key": "luas", "label": "Luas bangunan", "type": "number", "unit": "m²"}
FIXED = {"amount": 85000, "legal_basis": BASIS, "due": "before_issue"}
TARIFF = {
    "kind": "formula",
    "legal_basis": BASIS,
    "formula": {"field": "luas", "tiers": [{"up_to": 100, "rate": 1000}, {"rate": 500}]},
    "due": "before_processing",
}
ASSESSED = {
    "kind": "assessed",
    "legal_basis": BASIS,
    "assessed": {"step": "verifikasi", "min": 100000, "max": 750000},
}
# Monday 6 April 2026, 09:00 WIB (Disdukcapil's zone)
MONDAY = dt.datetime(2026, 4, 6, 2, 0, tzinfo=dt.UTC)


class PaymentTestCase(ApiTestCase):
    tini: User
    services: dict[str, Service]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.tini = cls.make_user("tini", "Tini Bendahara")
        OfficerRole.objects.create(user=cls.tini, unit=cls.loket, role=Role.TREASURER)
        cls.services = {}
        for code, fee, extra in (
            ("uji-air", FIXED, ()),
            ("pbg", TARIFF, (LUAS,)),
            ("inspeksi", ASSESSED, ()),
        ):
            content = charter_content(fee=fee)
            content["form"] = [*content["form"], *extra]
            service = Service.objects.create(
                code=code,
                name=code,
                lead_agency=cls.disdukcapil,
                category=Service.Category.HEALTH,
                channels=["online"],
            )
            cls.adopt(service, content)
            cls.services[code] = service

    def apply(self, code: str, *, at: dt.datetime = MONDAY, **answers: Any) -> Application:
        service = self.akta if code == "akta-kelahiran" else self.services[code]
        with time_machine.travel(at, tick=False):
            application, _created = actions.create_application(
                citizen=self.siti, service=service, answers={**ANSWERS, **answers}
            )
            actions.attach_document(
                application=application,
                user=self.siti,
                requirement="surat_lahir",
                upload=SimpleUploadedFile("lahir.pdf", PDF),
            )
            return actions.submit_application(application=application, citizen=self.siti)

    def approve(
        self, application: Application, key: str, *, at: dt.datetime, amount: Any = None
    ) -> Application:
        with time_machine.travel(at, tick=False):
            application.refresh_from_db()
            return actions.act_on_step(
                application=application,
                step=application.steps.get(key=key),
                officer=self.budi,
                action="approve",
                amount=amount,
            )

    def bills(self, at: dt.datetime) -> int:
        with time_machine.travel(at, tick=False):
            return issue_awaited_bills()

    def pay(
        self,
        number: str,
        *,
        user: str = "tini",
        at: dt.datetime | None = MONDAY + dt.timedelta(hours=4),
        **payment: Any,
    ) -> Any:
        """The treasurer's API call, at `at` (None: now)."""
        body = {"amount": 85000, "method": "tunai", "reference": "BKU-0001", **payment}
        with time_machine.travel(at, tick=False) if at else nullcontext():
            return self.call("post", f"/api/v1/applications/{number}/payments", user, json=body)
