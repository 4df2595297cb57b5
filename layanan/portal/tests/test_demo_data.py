"""`layanan demo --load-only`: the demo catalogue and accounts, loaded twice to the same data."""

import hashlib
import json
from io import StringIO

from django.core import serializers
from django.core.management import call_command
from django.test import TestCase

from layanan.accounts.models import User
from layanan.agencies.models import Agency, OfficerRole, Unit
from layanan.cases.models import Application, Event
from layanan.charters.models import Charter, Service
from layanan.portal.demo_data import PASSWORD

MODELS = (User, Agency, Unit, OfficerRole, Service, Charter, Application, Event)


def snapshot() -> str:
    data = []
    for model in MODELS:
        data.append(serializers.serialize("json", model.objects.order_by("pk")))
    return hashlib.sha256(json.dumps(data).encode()).hexdigest()


class DemoDataTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        call_command("demo", "--load-only", stdout=StringIO())

    def in_force(self, code: str) -> Charter:
        return Charter.objects.get(service__code=code, status="adopted")

    def test_loading_twice_gives_the_same_data(self) -> None:
        before = snapshot()
        out = StringIO()
        call_command("demo", "--load-only", stdout=out)
        self.assertIn(
            "0 catalogue change(s), 0 account change(s), 0 sample application(s) created",
            out.getvalue(),
        )
        self.assertEqual(snapshot(), before)

    def test_the_catalogue_is_a_realistic_kabupaten(self) -> None:
        services = Service.objects.filter(active=True, charters__status="adopted").distinct()
        self.assertGreaterEqual(services.count(), 12)
        self.assertGreaterEqual(Agency.objects.filter(services__in=services).distinct().count(), 5)

    def test_civil_registration_services_are_free_at_disdukcapil(self) -> None:
        for code in ("ktp-el", "kartu-keluarga", "akta-kelahiran"):
            with self.subTest(code=code):
                charter = self.in_force(code)
                self.assertEqual(charter.fee, 0)
                self.assertEqual(charter.service.lead_agency.code, "disdukcapil")

    def test_there_is_a_police_clearance_letter_with_a_fee(self) -> None:
        self.assertGreater(self.in_force("skck").fee, 0)

    def test_pbg_runs_dpmptsp_and_dpupr_in_parallel_in_five_working_days(self) -> None:
        charter = self.in_force("pbg-rumah-sederhana")
        self.assertEqual(charter.time_limit, {"amount": 5, "unit": "working_days"})
        parallel = [
            {step["agency"] for step in stage["steps"]}
            for stage in charter.stages
            if len(stage["steps"]) > 1
        ]
        self.assertIn({"dpmptsp", "dpupr"}, parallel)

    def test_a_business_permit_declares_deemed_approval(self) -> None:
        deemed = [
            c
            for c in Charter.objects.filter(status="adopted")
            if (c.guarantee.get("deemed_approval") or {}).get("legal_basis")
        ]
        self.assertTrue(deemed)
        self.assertEqual(deemed[0].service.category, "perizinan")

    def test_social_assistance_registration_and_other_cross_agency_services(self) -> None:
        self.assertTrue(Service.objects.filter(lead_agency__code="dinsos").exists())
        crossing = [
            c for c in Charter.objects.filter(status="adopted") if len(c.agency_codes()) > 1
        ]
        self.assertGreaterEqual(len(crossing), 4, [c.service.code for c in crossing])

    def test_the_demo_accounts(self) -> None:
        for username in ("warga", "warga2", "petugas", "atasan", "admin"):
            with self.subTest(username=username):
                self.assertTrue(User.objects.get(username=username).check_password(PASSWORD))
        units = Unit.objects.filter(active=True).count()
        petugas = OfficerRole.objects.filter(user__username="petugas")
        self.assertEqual(petugas.filter(role="processor").count(), units)
        self.assertEqual(petugas.filter(role="approver").count(), units)
        self.assertEqual(
            OfficerRole.objects.filter(user__username="atasan", role="supervisor").count(), units
        )
        self.assertTrue(User.objects.get(username="admin").is_superuser)
        self.assertFalse(OfficerRole.objects.filter(user__username="warga").exists())

    def test_every_demo_service_page_renders(self) -> None:
        for service in Service.objects.all():
            with self.subTest(code=service.code):
                self.assertEqual(self.client.get(f"/layanan/{service.code}/").status_code, 200)
        catalogue = self.client.get("/layanan/")
        for service in Service.objects.all():
            self.assertContains(catalogue, f'href="/layanan/{service.code}/"')

    def test_sample_applications_in_every_status_for_both_citizens(self) -> None:
        statuses = set(Application.objects.values_list("status", flat=True))
        self.assertEqual(
            statuses, {"draft", "in_progress", "returned", "completed", "rejected", "withdrawn"}
        )
        for username in ("warga", "warga2"):
            self.assertTrue(Application.objects.filter(applicant__username=username).exists())
        petugas = User.objects.get(username="petugas")
        self.client.force_login(petugas)
        self.assertContains(self.client.get("/kantor/"), "govuk-table")
        returned = Application.objects.get(status="returned")
        self.assertContains(self.client.get(f"/lacak/{returned.number}/"), returned.number)
