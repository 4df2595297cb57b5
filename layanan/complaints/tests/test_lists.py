"""/pengaduan/ (the public list with figures per agency), /pengaduan/saya/ (one's own), and the
links to the complaint form from the charter page, the home page and the menu."""

from __future__ import annotations

import datetime as dt

from layanan.complaints import actions
from layanan.complaints.models import Complaint
from layanan.complaints.tests.web import ComplaintPageTestCase

LIST = "/pengaduan/"


class PublicListTests(ComplaintPageTestCase):
    def test_an_empty_list_says_so(self) -> None:
        response = self.client.get(LIST)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Belum ada pengaduan yang dipublikasikan.")
        self.assertContains(response, "Belum ada angka.")

    def test_confidential_complaints_and_identities_are_never_listed(self) -> None:
        public, _key = self.file(description="Antrean loket tidak dilayani satu jam.")
        anonymous, _key = self.file(complainant=self.agus, privacy="anonim")
        secret, _key = self.file(privacy="rahasia", description="Rahasia: petugas minta uang.")
        response = self.client.get(LIST)
        self.assertContains(response, public.number)
        self.assertContains(response, anonymous.number)
        self.assertNotContains(response, secret.number)
        for personal in ("Siti", "Agus", "siti@example.test", "Rahasia: petugas"):
            self.assertNotContains(response, personal)
        self.assertContains(response, "2 pengaduan")

    def test_filters_by_agency_status_kind_and_topic(self) -> None:
        umum = actions.categories_for(self.dpmptsp).get(code="umum")
        capil, _key = self.file()
        izin, _key = self.file(category=umum, kind="aspirasi")
        actions.verify_complaint(complaint=capil, officer=self.ani)
        cases = {
            "instansi=dpmptsp": izin,
            "status=verified": capil,
            "jenis=aspirasi": izin,
            "kategori=disdukcapil.pungli": capil,
        }
        for query, shown in cases.items():
            with self.subTest(query=query):
                response = self.client.get(f"{LIST}?{query}")
                self.assertContains(response, shown.number)
                hidden = izin if shown == capil else capil
                self.assertNotContains(response, hidden.number)
        none = self.client.get(f"{LIST}?instansi=dpmptsp&status=verified")
        self.assertContains(none, "Tidak ada pengaduan yang sesuai dengan saringan ini.")

    def test_an_unknown_filter_value_is_400_with_a_message(self) -> None:
        response = self.client.get(f"{LIST}?status=lenyap")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Pilih salah satu dari daftar", status_code=400)

    def test_pages_of_twenty_in_a_fixed_number_of_queries(self) -> None:
        for _n in range(23):
            self.file()
        # the filters' choices (2), the count and the page (2), its answers (1), figures (3)
        with self.assertNumQueries(8):
            response = self.client.get(LIST)
        self.assertContains(response, "23 pengaduan")
        self.assertEqual(response.content.decode().count('href="/pengaduan/PGD-'), 20)
        self.assertContains(response, "?page=2")
        second = self.client.get(f"{LIST}?page=2")
        self.assertEqual(second.content.decode().count('href="/pengaduan/PGD-'), 3)
        for _n in range(5):
            self.file(privacy="anonim")
        with self.assertNumQueries(8):
            self.client.get(LIST)

    def test_figures_per_agency_with_the_median_handling_time(self) -> None:
        for days in (2, 4, 9):
            complaint, _key = self.file()
            actions.verify_complaint(complaint=complaint, officer=self.ani)
            complaint, _feedback = actions.resolve_complaint(
                complaint=complaint, officer=self.ani, outcome="Beres."
            )
            Complaint.objects.filter(pk=complaint.pk).update(
                resolved_at=complaint.created_at + dt.timedelta(days=days)
            )
        self.file()  # still open
        response = self.client.get(LIST)
        figures = response.context["figures"]
        self.assertEqual(len(figures), 1)
        self.assertEqual((figures[0].total, figures[0].open, figures[0].resolved), (4, 1, 3))
        self.assertEqual(figures[0].median_days, 4.0)
        self.assertContains(response, "4,0 hari (dari 3 pengaduan)")


class MyComplaintsTests(ComplaintPageTestCase):
    def test_a_citizen_lists_her_own_complaints_confidential_ones_included(self) -> None:
        mine, _key = self.file(privacy="rahasia")
        theirs, _key = self.file(complainant=self.agus)
        self.login(self.siti)
        response = self.client.get("/pengaduan/saya/")
        self.assertContains(response, mine.number)
        self.assertNotContains(response, theirs.number)

    def test_it_needs_signing_in_and_says_when_there_are_none(self) -> None:
        response = self.client.get("/pengaduan/saya/")
        self.assertRedirects(response, "/masuk/?next=/pengaduan/saya/")
        self.login(self.agus)
        self.assertContains(self.client.get("/pengaduan/saya/"), "Anda belum mengirim pengaduan")


class LinksTests(ComplaintPageTestCase):
    def test_the_charter_page_links_illegal_levies_next_to_the_fee(self) -> None:
        response = self.client.get("/layanan/akta-kelahiran/")
        self.assertContains(
            response,
            'href="/pengaduan/baru/?kategori=disdukcapil.pungli&amp;layanan=akta-kelahiran">'
            "Laporkan pungutan liar</a>",
        )
        self.assertContains(
            response, 'href="/pengaduan/baru/?kategori=disdukcapil.umum&amp;layanan=akta-kelahiran"'
        )

    def test_the_menu_and_the_home_page_lead_to_complaints(self) -> None:
        home = self.client.get("/")
        self.assertContains(home, 'href="/pengaduan/"')
        self.assertContains(home, 'href="/pengaduan/baru/"')
        self.login(self.siti)
        self.assertContains(self.client.get("/permohonan/"), 'href="/pengaduan/saya/"')

    def test_an_application_page_links_a_complaint_about_it(self) -> None:
        application = self.submitted()
        self.login(self.siti)
        page = self.client.get(f"/permohonan/{application.number}/")
        link = (
            f"/pengaduan/baru/?permohonan={application.number}&amp;layanan=akta-kelahiran"
            "&amp;kategori=disdukcapil.umum"
        )
        self.assertContains(page, link)
        form = self.client.get(link.replace("&amp;", "&"))
        self.assertContains(form, f'value="{application.number}"')
        self.assertContains(form, '<option value="disdukcapil.umum" selected>')
        response = self.client.post(
            "/pengaduan/baru/",
            self.form_data(
                category="disdukcapil.umum",
                application_number=application.number.lower(),
                service="akta-kelahiran",
            ),
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Complaint.objects.get().application, application)
