"""Every public page renders for an anonymous visitor, in Indonesian and in English."""

from django.urls import reverse

from layanan.agencies.models import CalendarDay
from layanan.charters.actions import adopt_charter, save_draft
from layanan.test import BaseTestCase, charter_content


class PublicPagesTests(BaseTestCase):
    def test_the_home_page_offers_a_service_search(self) -> None:
        response = self.client.get("/")
        self.assertContains(response, 'action="/layanan/"')
        self.assertContains(response, "Akta Kelahiran")
        self.assertContains(response, '<html lang="id"')

    def test_the_catalogue_lists_services_grouped_by_agency(self) -> None:
        response = self.client.get(reverse("charters:catalogue"))
        self.assertContains(response, "Dinas Kependudukan dan Pencatatan Sipil")
        self.assertContains(response, 'href="/layanan/akta-kelahiran/"')
        self.assertContains(response, "3 hari kerja")
        self.assertContains(response, "Gratis")

    def test_the_catalogue_groups_by_category_and_searches(self) -> None:
        response = self.client.get("/layanan/?kelompok=category&q=akta")
        self.assertContains(response, "Kependudukan dan pencatatan sipil")
        self.assertContains(response, 'id="kependudukan"')
        self.assertContains(response, "akta-kelahiran")
        empty = self.client.get("/layanan/?q=zzzz")
        self.assertContains(empty, "Layanan tidak ditemukan")

    def test_a_bad_grouping_falls_back_to_agency(self) -> None:
        response = self.client.get("/layanan/?kelompok=<script>")
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "<script>")

    def test_a_charter_page_shows_the_service_delivery_components_first(self) -> None:
        response = self.client.get("/layanan/akta-kelahiran/")
        html = response.content.decode()
        order = [
            html.index(f'id="{part}"')
            for part in (
                "persyaratan",
                "prosedur",
                "waktu",
                "biaya",
                "produk",
                "pengaduan",
                "jaminan",
                "lainnya",
                "versi",
            )
        ]
        self.assertEqual(order, sorted(order), "components appear in the regulated order")
        self.assertContains(response, "Surat keterangan lahir")
        self.assertContains(response, "Loket Pelayanan")
        self.assertContains(response, "Kutipan akta kelahiran")
        self.assertContains(response, "Mohon maaf atas keterlambatan.")
        self.assertContains(response, "UU 24/2013 tentang Administrasi Kependudukan")

    def test_a_charter_page_shows_parallel_steps_and_the_version_history(self) -> None:
        content = charter_content(change_note="x")
        content.pop("change_note")
        content["procedure"]["stages"][1]["steps"].append(
            {
                "key": "izin",
                "name": "Cek izin",
                "unit": "dpmptsp-perizinan",
                "time_limit": {"amount": 1, "unit": "working_days"},
            }
        )
        draft, _ = save_draft(
            service=self.akta, content=content, by=None, change_note="Tambah DPMPTSP"
        )
        adopt_charter(charter=draft, by=None)
        response = self.client.get("/layanan/akta-kelahiran/")
        self.assertContains(response, "pada waktu yang sama")
        self.assertContains(response, "Tambah DPMPTSP")
        self.assertContains(response, "Dinas Penanaman Modal dan PTSP")
        old = self.client.get("/layanan/akta-kelahiran/?versi=1")
        self.assertContains(old, "bukan standar yang berlaku")

    def test_unknown_services_and_versions_are_404(self) -> None:
        self.assertEqual(self.client.get("/layanan/tidak-ada/").status_code, 404)
        self.assertEqual(self.client.get("/layanan/akta-kelahiran/?versi=9").status_code, 404)
        self.assertEqual(self.client.get("/layanan/akta-kelahiran/?versi=x").status_code, 404)

    def test_a_draft_is_not_public(self) -> None:
        draft, _ = save_draft(service=self.akta, content=charter_content(), by=None)
        response = self.client.get(f"/layanan/akta-kelahiran/?versi={draft.version}")
        self.assertEqual(response.status_code, 404)

    def test_the_agency_pages_show_contacts_maklumat_and_days_off(self) -> None:
        CalendarDay.objects.create(
            agency=self.disdukcapil, date="2099-01-02", kind="closed", name="Tutup"
        )
        listing = self.client.get(reverse("agencies:list"))
        self.assertContains(listing, 'href="/instansi/disdukcapil/"')
        page = self.client.get("/instansi/disdukcapil/")
        self.assertContains(page, "(0271) 123456")
        self.assertContains(page, "Kami siap melayani sesuai standar pelayanan.")
        self.assertContains(page, "Akta Kelahiran")
        self.assertEqual(self.client.get("/instansi/tidak-ada/").status_code, 404)

    def test_static_pages_render(self) -> None:
        for url in ("/aksesibilitas/", "/lisensi/", "/masuk/"):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 200)

    def test_english_is_one_switch_away(self) -> None:
        response = self.client.post("/bahasa/", {"language": "en", "next": "/layanan/"})
        self.assertRedirects(response, "/layanan/", fetch_redirect_response=False)
        page = self.client.get("/layanan/akta-kelahiran/")
        self.assertContains(page, '<html lang="en"')
        self.assertContains(page, "Birth Certificate")
        self.assertContains(page, "3 working days")
        self.assertContains(page, "Free of charge")

    def test_the_404_page_is_friendly(self) -> None:
        response = self.client.get("/tidak-ada-halaman/")
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, "layanan.css", status_code=404)

    def test_a_failed_sign_in_is_a_400_with_the_message(self) -> None:
        response = self.client.post("/masuk/", {"username": "siti", "password": "salah"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "govuk-error-summary", status_code=400)

    def test_sign_in_works_with_username_email_or_phone(self) -> None:
        self.siti.phone = "+6281234567890"
        self.siti.save(update_fields=["phone"])
        for login in ("siti", "siti@example.test", "0812-3456-7890"):
            with self.subTest(login=login):
                self.client.logout()
                response = self.client.post(
                    "/masuk/", {"username": login, "password": "correct horse battery"}
                )
                self.assertEqual(response.status_code, 302)


class LanguageTests(BaseTestCase):
    def test_indonesian_even_when_the_browser_asks_for_english(self) -> None:
        response = self.client.get("/layanan/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        self.assertContains(response, '<html lang="id"')

    def test_the_chosen_language_is_remembered(self) -> None:
        self.client.post("/bahasa/", {"language": "en", "next": "/"})
        self.assertContains(self.client.get("/instansi/"), '<html lang="en"')
        self.client.post("/bahasa/", {"language": "id", "next": "/"})
        self.assertContains(self.client.get("/instansi/"), '<html lang="id"')

    def test_an_unknown_language_cookie_falls_back_to_indonesian(self) -> None:
        self.client.cookies["django_language"] = "fr"
        self.assertContains(self.client.get("/"), '<html lang="id"')


class UnstorableInputTests(BaseTestCase):
    def test_a_nul_in_the_address_is_400_not_500(self) -> None:
        for url in ("/layanan/?q=a%00b", "/lacak/?nomor=%00", "/api/v1/services/a%00b"):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 400)
