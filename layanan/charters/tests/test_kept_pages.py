"""The catalogue and the charter page are kept rendered per charter version and language: a
new version shows at once, each language gets its own copy, and a kept page costs few queries."""

from __future__ import annotations

from layanan.charters.models import Service
from layanan.test import BaseTestCase, charter_content

PAID = {"amount": 30000, "legal_basis": "PP 76/2020"}


class KeptPagesTests(BaseTestCase):
    def test_a_new_version_shows_at_once_on_the_catalogue_and_the_charter_page(self) -> None:
        for address in ("/layanan/", "/layanan/?kelompok=category", "/layanan/akta-kelahiran/"):
            self.assertContains(self.client.get(address), "Gratis")
            self.assertContains(self.client.get(address), "Gratis")  # from the kept copy
        self.adopt(self.akta, charter_content(fee=PAID), note="Retribusi")
        for address in ("/layanan/", "/layanan/?kelompok=category", "/layanan/akta-kelahiran/"):
            page = self.client.get(address)
            self.assertContains(page, "Rp30.000")
            self.assertNotContains(page, "Gratis")
        self.assertContains(self.client.get("/layanan/akta-kelahiran/"), "Retribusi")

    def test_each_language_has_its_own_copy(self) -> None:
        self.assertContains(self.client.get("/layanan/akta-kelahiran/"), "Persyaratan")
        self.client.cookies["django_language"] = "en"
        english = self.client.get("/layanan/akta-kelahiran/")
        self.assertContains(english, "Requirements")
        self.assertNotContains(english, "Persyaratan")
        self.assertContains(self.client.get("/layanan/"), "Birth Certificate")

    def test_a_renamed_service_shows_its_new_name_on_its_page(self) -> None:
        self.client.get("/layanan/akta-kelahiran/")
        Service.objects.filter(pk=self.akta.pk).update(name="Akta Kelahiran Anak")
        self.assertContains(self.client.get("/layanan/akta-kelahiran/"), "Akta Kelahiran Anak")

    def test_a_kept_page_costs_few_queries(self) -> None:
        self.client.get("/layanan/")
        self.client.get("/layanan/akta-kelahiran/")
        with self.assertNumQueries(1):
            self.client.get("/layanan/")
        # the service, its versions, and its evaluation status (live, beside the kept part)
        with self.assertNumQueries(3):
            self.client.get("/layanan/akta-kelahiran/")

    def test_a_search_is_answered_live(self) -> None:
        self.client.get("/layanan/")
        page = self.client.get("/layanan/", {"q": "akta"})
        self.assertContains(page, "Akta Kelahiran")
        self.assertContains(self.client.get("/layanan/", {"q": "zzz"}), "zzz")
