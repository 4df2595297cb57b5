"""The public consultation pages through HTTP: the list, one consultation with its draft
beside the version in force, the citizen's comment, stance and report, the report after
adoption, and the consultation on the service's charter page (never stale)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from unittest import mock

import time_machine
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from layanan.accounts.models import User
from layanan.charters import consultations
from layanan.charters.models import (
    Comment,
    CommentReport,
    Consultation,
    Follow,
    Service,
    Stance,
)
from layanan.test import BaseTestCase, charter_content, published_consultation

# Monday 2 March 2026, 09:00 WIB: seven working days later is Wednesday 11 March.
MONDAY = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)
DURING = MONDAY + dt.timedelta(days=1)

REQUIREMENTS = [
    {"key": "surat_lahir", "name": "Surat keterangan lahir dari bidan", "kind": "document"},
    {"key": "nik_ibu", "name": "NIK ibu", "kind": "field", "field": "nik_ibu"},
    {"key": "kk", "name": "Kartu keluarga", "kind": "document"},
]
CHANGES = {
    "requirements": REQUIREMENTS,
    "fee": {"amount": 25000, "legal_basis": "Perda 3/2025 tentang Retribusi"},
    "facilities": "Ruang tunggu, kursi roda dan pojok laktasi.",
}


def text_of(response: Any) -> str:
    """The page's text without tags and with single spaces."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


class ConsultationPageTests(BaseTestCase):
    def setUp(self) -> None:
        self.traveller = time_machine.travel(DURING, tick=False)
        self.traveller.start()
        self.addCleanup(self.traveller.stop)

    def published(self, changes: dict[str, Any] | None = None) -> Consultation:
        with time_machine.travel(MONDAY, tick=False):
            consultation = published_consultation(
                self.akta, by=self.root, changes=changes or CHANGES, now=MONDAY
            )
        assert consultation.closes_at is not None
        self.closes_at: dt.datetime = consultation.closes_at
        self.page = reverse("consultations:detail", args=[consultation.pk])
        return consultation

    def comment(
        self,
        consultation: Consultation,
        *,
        author: User | None = None,
        target: str = "fee",
        text: str = "Terlalu mahal.",
    ) -> Comment:
        return consultations.write_comment(
            consultation=consultation, author=author or self.siti, target=target, text=text
        )

    # -- /konsultasi/ ---------------------------------------------------------------------

    def test_the_list_is_empty_without_published_consultations(self) -> None:
        consultations.start_draft(service=self.akta, by=self.root)  # preparing: not public
        response = self.client.get("/konsultasi/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Tidak ada standar yang sedang dikonsultasikan")

    def test_the_list_shows_open_consultations_with_their_period_and_comments(self) -> None:
        consultation = self.published()
        self.comment(consultation)
        self.comment(consultation, author=self.agus, text="Setuju.")
        with self.assertNumQueries(2):  # the count and the page, whatever the number of rows
            response = self.client.get("/konsultasi/")
        page = text_of(response)
        self.assertIn("Akta Kelahiran, versi 2", page)
        self.assertIn("Dinas", page)  # the agency
        self.assertIn("Terbuka untuk tanggapan", page)
        self.assertIn("sampai 11 Maret 2026", page)
        self.assertIn("2 tanggapan", page)
        self.assertContains(response, f'href="{self.page}"')

    def test_the_list_keeps_closed_and_recently_adopted_ones_and_pages(self) -> None:
        consultation = self.published()
        with time_machine.travel(self.closes_at + dt.timedelta(hours=1), tick=False):
            self.assertContains(self.client.get("/konsultasi/"), "Masa tanggapan berakhir")
            consultations.adopt_consultation(
                consultation=consultation,
                by=self.root,
                effective_date=(self.closes_at + dt.timedelta(hours=1)).date(),
            )
        self.assertContains(self.client.get("/konsultasi/"), "Ditetapkan sebagai standar")
        with time_machine.travel(self.closes_at + dt.timedelta(days=400), tick=False):
            self.assertContains(self.client.get("/konsultasi/"), "Tidak ada standar")

    def test_the_list_pages(self) -> None:
        self.published()
        other = Service.objects.create(
            code="akta-kematian",
            name="Akta Kematian",
            lead_agency=self.disdukcapil,
            category=Service.Category.CIVIL_REGISTRY,
            channels=["online"],
        )
        self.adopt(other, charter_content())
        with time_machine.travel(MONDAY + dt.timedelta(hours=1), tick=False):
            published_consultation(other, by=self.root, now=MONDAY + dt.timedelta(hours=1))
        with mock.patch("layanan.charters.views_consultations.PAGE_SIZE", 1):
            first = self.client.get("/konsultasi/")
            second = self.client.get("/konsultasi/?page=2")
        self.assertContains(first, "Akta Kematian, versi 2")  # the latest published first
        self.assertNotContains(first, "Akta Kelahiran, versi 2")
        self.assertContains(first, 'rel="next"')
        self.assertContains(second, "Akta Kelahiran, versi 2")

    # -- /konsultasi/<id>/ ----------------------------------------------------------------

    def test_the_period_is_computed_on_the_agency_calendar(self) -> None:
        self.published()
        response = self.client.get(self.page)
        self.assertEqual(response.status_code, 200)
        self.assertRegex(
            text_of(response),
            r"7 hari kerja sejak diumumkan, sampai Rabu 11 Maret 2026 pukul \d\d\.\d\d WIB",
        )

    def test_english_is_available(self) -> None:
        self.published()
        self.client.cookies["django_language"] = "en"
        response = self.client.get(self.page)
        self.assertRegex(
            text_of(response),
            r"7 working days from publication, until Wednesday 11 March 2026 at \d\d:\d\d WIB",
        )

    def test_changes_are_highlighted_component_by_component(self) -> None:
        self.published()
        response = self.client.get(self.page)
        html = response.content.decode()
        # the requirements changed: one added, one renamed word by word
        section = html.split('id="komponen-requirements"')[1].split("</section>")[0]
        self.assertIn("Berubah", section)
        self.assertIn("Ditambahkan", section)
        added = '<ins><span class="govuk-visually-hidden">ditambahkan: </span>'
        self.assertIn(f"{added}Kartu keluarga</ins>", section)
        self.assertIn(f"Surat keterangan lahir {added}dari bidan</ins>", section)
        self.assertIn("Menyesuaikan peraturan daerah baru.", section)  # the reason
        # the fee in rupiah, before and after
        fee = html.split('id="komponen-fee"')[1].split("</section>")[0]
        self.assertIn("Rp25.000", fee)
        self.assertIn("<del>", fee)
        # an unchanged component is collapsed and says so
        product = html.split('id="komponen-product"')[1].split("</section>")[0]
        self.assertIn("Tidak berubah", product)
        self.assertIn("<details", product)
        self.assertIn("Kutipan akta kelahiran", product)
        # delivery components first, in the order of Pasal 21
        order = re.findall(r'id="komponen-([a-z_]+)"', html)
        self.assertEqual(order[:3], ["requirements", "procedure", "time_limit"])
        self.assertEqual(len(order), 14)

    def test_the_page_costs_the_same_queries_whatever_the_number_of_comments(self) -> None:
        consultation = self.published()
        self.comment(consultation)
        with CaptureQueriesContext(connection) as few:
            self.client.get(self.page)
        for n in range(5):
            self.comment(consultation, author=self.agus, target="requirements.kk", text=f"{n}")
        consultations.take_stance(
            consultation=consultation, citizen=self.agus, component="fee", stance="oppose"
        )
        with CaptureQueriesContext(connection) as many:
            self.client.get(self.page)
        self.assertEqual(len(many), len(few))

    def test_the_forum_and_its_minutes(self) -> None:
        consultation = self.published()
        response = self.client.get(self.page)
        page = text_of(response)
        self.assertIn("Aula kantor", page)
        self.assertIn("Pengguna layanan: 12", page)
        minutes = reverse("consultations:minutes", args=[consultation.pk])
        self.assertContains(response, minutes)
        pdf = self.client.get(minutes)
        self.assertEqual(pdf["Content-Type"], "application/pdf")
        self.assertTrue(b"".join(pdf.streaming_content).startswith(b"%PDF"))  # type: ignore[attr-defined]

    def test_a_consultation_being_prepared_is_not_public(self) -> None:
        charter = consultations.start_draft(service=self.akta, by=self.root)
        consultation = charter.consultation
        self.assertEqual(self.client.get(f"/konsultasi/{consultation.pk}/").status_code, 404)
        minutes = f"/konsultasi/{consultation.pk}/berita-acara.pdf"
        self.assertEqual(self.client.get(minutes).status_code, 404)

    def test_comments_show_answers_hidden_ones_and_counts(self) -> None:
        consultation = self.published()
        answered = self.comment(consultation, target="requirements.kk", text="Perlu KK asli?")
        consultations.answer_comment(
            comment=answered, by=self.root, decision="partly", text="Cukup fotokopi."
        )
        spam = self.comment(consultation, author=self.agus, text="Beli pulsa murah di sini!")
        consultations.hide_comment(comment=spam, by=self.root, reason="Iklan.")
        self.comment(consultation, author=self.agus, text="Biaya naik tanpa alasan.")
        consultations.take_stance(
            consultation=consultation, citizen=self.agus, component="fee", stance="oppose"
        )
        response = self.client.get(self.page)
        html = response.content.decode()
        requirements = text_of_html(html.split('id="komponen-requirements"')[1])
        self.assertIn("Persyaratan: Kartu keluarga", requirements)  # the item commented on
        self.assertIn("Diterima sebagian", requirements)
        self.assertIn("Cukup fotokopi.", requirements)
        fee = text_of_html(html.split('id="komponen-fee"')[1].split("</section>")[0])
        self.assertIn("Disembunyikan oleh moderator: Iklan.", fee)
        self.assertNotIn("pulsa", html)
        self.assertIn("Belum dijawab", fee)
        self.assertIn("Setuju: 0 · Tidak setuju: 1", fee)

    # -- the citizen's part -----------------------------------------------------------------

    def test_anonymous_readers_get_a_sign_in_link_and_cannot_post(self) -> None:
        consultation = self.published()
        response = self.client.get(self.page)
        self.assertContains(response, f'href="/masuk/?next={self.page}"')
        self.assertNotContains(response, 'name="fee-text"')
        posted = self.client.post(
            reverse("consultations:comment", args=[consultation.pk, "fee"]),
            {"fee-target": "fee", "fee-text": "Mahal."},
        )
        self.assertRedirects(posted, f"/masuk/?next={self.page}", fetch_redirect_response=False)
        self.assertEqual(Comment.objects.count(), 0)

    def test_a_citizen_comments_on_a_requirement_with_a_stance(self) -> None:
        consultation = self.published()
        self.login(self.siti)
        page = self.client.get(self.page)
        self.assertContains(page, 'value="requirements.kk"')
        response = self.client.post(
            reverse("consultations:comment", args=[consultation.pk, "requirements"]),
            {
                "requirements-target": "requirements.kk",
                "requirements-text": "KK tidak perlu, data sudah ada di Dukcapil.",
                "requirements-stance": "oppose",
            },
        )
        comment = Comment.objects.get()
        self.assertRedirects(
            response, f"{self.page}#komentar-{comment.pk}", fetch_redirect_response=False
        )
        self.assertEqual((comment.target, comment.stance), ("requirements.kk", "oppose"))
        self.assertEqual(
            list(Stance.objects.values_list("component", "stance")), [("requirements", "oppose")]
        )
        shown = text_of(self.client.get(self.page))
        self.assertIn("KK tidak perlu, data sudah ada di Dukcapil.", shown)
        self.assertIn("Sikap Anda: tidak setuju dengan komponen ini.", shown)
        self.assertIn("Terima kasih: tanggapan Anda sudah diterbitkan.", shown)

    def test_bad_input_comes_back_next_to_the_field_and_writes_nothing(self) -> None:
        consultation = self.published()
        self.login(self.siti)
        url = reverse("consultations:comment", args=[consultation.pk, "requirements"])
        empty = self.client.post(url, {"requirements-target": "requirements.kk"})
        self.assertEqual(empty.status_code, 400)
        self.assertContains(empty, 'id="id_requirements-text_error"', status_code=400)
        self.assertContains(empty, "Tuliskan tanggapan Anda.", status_code=400)
        self.assertContains(empty, 'href="#id_requirements-text"', status_code=400)  # summary
        self.assertContains(
            empty, '<details class="govuk-details" id="tulis-requirements" open>', status_code=400
        )
        self.assertTrue(empty.content.decode().count("<title>Kesalahan:"))
        unknown = self.client.post(
            url,
            {
                "requirements-target": "requirements.tidak_ada",
                "requirements-text": "Apa ini?",
                "requirements-stance": "maybe",
            },
        )
        self.assertEqual(unknown.status_code, 400)
        self.assertContains(unknown, 'id="id_requirements-target_error"', status_code=400)
        self.assertContains(unknown, 'id="id_requirements-stance_error"', status_code=400)
        self.assertContains(unknown, "Apa ini?", status_code=400)  # what was written is kept
        too_long = self.client.post(
            url, {"requirements-target": "requirements", "requirements-text": "x" * 2001}
        )
        self.assertContains(too_long, "Gunakan paling banyak 2.000 karakter.", status_code=400)
        stance = self.client.post(
            reverse("consultations:stance", args=[consultation.pk, "fee"]), {"stance": "maybe"}
        )
        self.assertEqual(stance.status_code, 400)
        self.assertEqual(Comment.objects.count() + Stance.objects.count(), 0)
        self.assertEqual(
            self.client.post(
                reverse("consultations:comment", args=[consultation.pk, "nothing"]), {}
            ).status_code,
            404,
        )

    def test_a_comment_may_be_about_an_item_the_draft_removes(self) -> None:
        consultation = self.published({"requirements": REQUIREMENTS[1:]})
        self.login(self.siti)
        page = self.client.get(self.page)
        self.assertContains(page, "Surat keterangan lahir (dihapus dalam rancangan)")
        response = self.client.post(
            reverse("consultations:comment", args=[consultation.pk, "requirements"]),
            {
                "requirements-target": "requirements.surat_lahir",
                "requirements-text": "Jangan dihapus: tanpa surat lahir data bisa salah.",
            },
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Comment.objects.get().target, "requirements.surat_lahir")
        section = self.client.get(self.page).content.decode()
        section = section.split('id="komponen-requirements"')[1].split("</section>")[0]
        self.assertIn("Dihapus", section)
        self.assertIn("Persyaratan: Surat keterangan lahir", text_of_html(section))

    def test_one_stance_per_component_changed_and_withdrawn(self) -> None:
        consultation = self.published()
        self.login(self.siti)
        url = reverse("consultations:stance", args=[consultation.pk, "fee"])
        response = self.client.post(url, {"stance": "support"})
        self.assertRedirects(response, f"{self.page}#komponen-fee", fetch_redirect_response=False)
        self.client.post(url, {"stance": "oppose"})
        self.assertEqual(list(Stance.objects.values_list("stance", flat=True)), ["oppose"])
        html = self.client.get(self.page).content.decode()
        fee = html.split('id="komponen-fee"')[1].split("</section>")[0]
        self.assertIn("Sikap Anda: tidak setuju dengan komponen ini.", text_of_html(fee))
        self.assertIn('value="support"', fee)
        self.assertNotIn('name="stance" value="oppose"', fee)  # the current choice
        self.client.post(url, {"stance": ""})
        self.assertEqual(Stance.objects.count(), 0)

    def test_outside_the_period_a_clear_page_with_409(self) -> None:
        consultation = self.published()
        with time_machine.travel(self.closes_at, tick=False):
            self.login(self.siti)  # a session of that day
            page = self.client.get(self.page)
            self.assertNotContains(page, 'name="fee-text"')
            self.assertContains(page, "Masa tanggapan telah berakhir")
            response = self.client.post(
                reverse("consultations:comment", args=[consultation.pk, "fee"]),
                {"fee-target": "fee", "fee-text": "Terlambat."},
            )
            self.assertEqual(response.status_code, 409)
            self.assertContains(
                response, "Masa tanggapan konsultasi ini telah berakhir.", status_code=409
            )
            stance = self.client.post(
                reverse("consultations:stance", args=[consultation.pk, "fee"]),
                {"stance": "support"},
            )
            self.assertEqual(stance.status_code, 409)
            # the closed period is said first, even to a comment that would be refused
            empty = self.client.post(
                reverse("consultations:comment", args=[consultation.pk, "fee"]), {}
            )
            self.assertEqual(empty.status_code, 409)
        self.assertEqual(Comment.objects.count() + Stance.objects.count(), 0)

    def test_a_reader_reports_a_comment(self) -> None:
        consultation = self.published()
        comment = self.comment(consultation, author=self.agus, text="Kasar sekali.")
        self.login(self.siti)
        url = reverse("consultations:report_comment", args=[consultation.pk, comment.pk])
        too_long = self.client.post(url, {f"lapor-{comment.pk}-reason": "x" * 501})
        self.assertEqual(too_long.status_code, 400)
        self.assertContains(too_long, f'id="id_lapor-{comment.pk}-reason_error"', status_code=400)
        self.assertEqual(CommentReport.objects.count(), 0)
        response = self.client.post(url, {f"lapor-{comment.pk}-reason": "Bahasa kasar."})
        self.assertRedirects(
            response, f"{self.page}#komentar-{comment.pk}", fetch_redirect_response=False
        )
        self.assertEqual(CommentReport.objects.get().reason, "Bahasa kasar.")
        again = self.client.post(url, {}, follow=True)
        self.assertContains(again, "Anda sudah melaporkan tanggapan ini.")
        self.assertEqual(CommentReport.objects.count(), 1)

    # -- the report -------------------------------------------------------------------------

    def test_the_report_is_public_only_after_adoption(self) -> None:
        consultation = self.published()
        comment = self.comment(consultation, target="requirements.kk", text="KK jangan wajib.")
        spam = self.comment(consultation, author=self.agus, text="Iklan obat.")
        consultations.take_stance(
            consultation=consultation, citizen=self.agus, component="fee", stance="support"
        )
        report = reverse("consultations:report", args=[consultation.pk])
        self.assertEqual(self.client.get(report).status_code, 404)
        after = self.closes_at + dt.timedelta(hours=1)
        with time_machine.travel(after, tick=False):
            self.assertEqual(self.client.get(report).status_code, 404)
            consultations.hide_comment(comment=spam, by=self.root, reason="Iklan.")
            consultations.answer_comment(
                comment=comment, by=self.root, decision="accepted", text="KK dihapus."
            )
            consultations.adopt_consultation(
                consultation=consultation, by=self.root, effective_date=after.date()
            )
            response = self.client.get(report)
            self.assertEqual(response.status_code, 200)
            page = text_of(response)
            self.assertIn("Aula kantor", page)
            self.assertIn("Pengguna layanan: 12", page)
            self.assertIn("2 dari 2 orang; 1 disembunyikan oleh moderator", page)
            self.assertIn("KK jangan wajib.", page)
            self.assertIn("KK dihapus.", page)
            self.assertIn("Disembunyikan oleh moderator: Iklan.", page)
            self.assertNotIn("Iklan obat.", page)
            self.assertIn("Diterima: 1", page)
            self.assertIn("Berlaku sejak", page)
            self.assertContains(self.client.get(self.page), report)
            self.assertContains(self.client.get("/layanan/akta-kelahiran/"), report)
            # nobody moderates a set standard's comments: a late report is refused, not kept
            self.login(self.agus)
            late = self.client.post(
                reverse("consultations:report_comment", args=[consultation.pk, comment.pk]), {}
            )
            self.assertEqual(late.status_code, 409)
            self.assertEqual(CommentReport.objects.count(), 0)

    # -- the service's charter page -----------------------------------------------------------

    @override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    )
    def test_the_charter_page_is_never_stale_about_its_consultation(self) -> None:
        before = self.client.get("/layanan/akta-kelahiran/")
        self.assertNotContains(before, "terbuka untuk tanggapan Anda")
        consultation = self.published()
        page = text_of(self.client.get("/layanan/akta-kelahiran/"))
        self.assertIn("Versi baru (2) standar ini terbuka untuk tanggapan Anda.", page)
        self.assertIn("0 tanggapan", page)
        self.comment(consultation)
        # kept: the service, its versions with this, and the evaluation status (read live)
        with self.assertNumQueries(3):
            page = text_of(self.client.get("/layanan/akta-kelahiran/"))
        self.assertIn("1 tanggapan", page)
        self.assertIn(self.page, self.client.get("/layanan/akta-kelahiran/").content.decode())
        with time_machine.travel(self.closes_at, tick=False):
            page = text_of(self.client.get("/layanan/akta-kelahiran/"))
            self.assertIn("Masa tanggapan untuk versi baru (2) standar ini telah berakhir", page)

    def test_citizens_follow_and_unfollow_a_service(self) -> None:
        anonymous = self.client.get("/layanan/akta-kelahiran/")
        self.assertContains(anonymous, "Masuk untuk mengikuti layanan ini")
        refused = self.client.post("/layanan/akta-kelahiran/ikuti/")
        self.assertRedirects(
            refused, "/masuk/?next=/layanan/akta-kelahiran/", fetch_redirect_response=False
        )
        self.assertEqual(Follow.objects.count(), 0)
        self.login(self.siti)
        self.assertContains(self.client.get("/layanan/akta-kelahiran/"), "Ikuti layanan ini")
        response = self.client.post("/layanan/akta-kelahiran/ikuti/", follow=True)
        self.assertContains(response, "Anda mengikuti layanan ini")
        self.assertContains(response, "Berhenti mengikuti layanan ini")
        self.assertEqual(Follow.objects.get().citizen, self.siti)
        self.client.post("/layanan/akta-kelahiran/berhenti-mengikuti/")
        self.assertEqual(Follow.objects.count(), 0)
        self.assertEqual(self.client.get("/layanan/akta-kelahiran/ikuti/").status_code, 405)

    def test_the_footer_links_the_consultations(self) -> None:
        self.assertContains(self.client.get("/"), 'href="/konsultasi/"')


def text_of_html(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
