"""The agency's pages for a new standard, through HTTP: who may open them, the draft's
components, the public forum, publication, answers, moderation and adoption, each refusal
shown and nothing written on bad input."""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from layanan.accounts.models import User
from layanan.agencies.models import OfficerRole, Role
from layanan.charters import consultations
from layanan.charters.actions import save_draft
from layanan.charters.models import Charter, Comment, Consultation, ConsultationEvent, Service
from layanan.test import PDF, BaseTestCase, charter_content, published_consultation

BASE = "/kantor/standar/"


class OfficeTestCase(BaseTestCase):
    adi: User
    rina: User
    izin: Service

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.adi = cls.make_user("adi", "Adi Nugroho", is_staff=True)
        OfficerRole.objects.create(user=cls.adi, unit=cls.loket, role=Role.AGENCY_ADMIN)
        cls.rina = cls.make_user("rina", "Rina Wati", is_staff=True)
        OfficerRole.objects.create(user=cls.rina, unit=cls.perizinan, role=Role.AGENCY_ADMIN)
        cls.izin = Service.objects.create(
            code="izin-usaha",
            name="Izin Usaha",
            lead_agency=cls.dpmptsp,
            category=Service.Category.LICENSING,
            channels=["online"],
        )

    def draft(self, **changes: Any) -> Charter:
        """A draft of akta with its consultation, changed by `changes` (the facilities by
        default)."""
        charter = consultations.start_draft(service=self.akta, by=self.adi)
        content = dict(charter.content)
        content.update(changes or {"facilities": "Ruang tunggu dan pojok laktasi."})
        save_draft(service=self.akta, content=content, by=self.adi, charter=charter)
        return charter

    def forum_data(self, **extra: Any) -> dict[str, Any]:
        data: dict[str, Any] = {
            "forum_date": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
            "forum_place": "Aula kantor",
            "participants_service_users": "12",
            "participants_academics": "2",
            "reason_facilities": "Menambah pojok laktasi.",
            "reason_en_facilities": "",
            "minutes": SimpleUploadedFile("ba.pdf", PDF, content_type="application/pdf"),
        }
        data.update(extra)
        return data

    def ended(self) -> Consultation:
        """A consultation of akta published 30 days ago: its comment period is over."""
        past = timezone.now() - dt.timedelta(days=30)
        return published_consultation(self.akta, by=self.adi, now=past)


class AccessTests(OfficeTestCase):
    def test_an_agency_admin_sees_the_services_of_their_agency_only(self) -> None:
        self.login(self.adi)
        page = self.client.get(BASE)
        self.assertContains(page, "Akta Kelahiran")
        self.assertNotContains(page, "Izin Usaha")
        self.assertContains(page, "Susun versi baru")
        self.login(self.root)
        self.assertContains(self.client.get(BASE), "Izin Usaha")

    def test_officers_citizens_and_strangers_cannot_reach_it(self) -> None:
        consultation = consultations.start_draft(service=self.akta, by=self.adi).consultation
        urls = [
            BASE,
            f"{BASE}konsultasi/{consultation.pk}/",
            f"{BASE}konsultasi/{consultation.pk}/komentar/",
            f"{BASE}versi/{consultation.charter_id}/",
        ]
        for user in (self.budi, self.siti):
            self.login(user)
            for url in urls:
                with self.subTest(user=user.username, url=url):
                    self.assertEqual(self.client.get(url).status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get(BASE).status_code, 302)
        self.assertIn("/masuk/", self.client.get(BASE)["Location"])

    def test_an_admin_of_another_agency_gets_404_everywhere(self) -> None:
        consultation = self.ended()
        comment = Comment.objects.create(
            consultation=consultation, author=self.siti, target="fee", component="fee", text="x"
        )
        self.login(self.rina)
        pk = consultation.pk
        for method, url in [
            ("get", f"{BASE}konsultasi/{pk}/"),
            ("get", f"{BASE}konsultasi/{pk}/komentar/"),
            ("get", f"{BASE}versi/{consultation.charter_id}/"),
            ("post", f"{BASE}konsultasi/{pk}/umumkan/"),
            ("post", f"{BASE}konsultasi/{pk}/tetapkan/"),
            ("post", f"{BASE}konsultasi/{pk}/komentar/{comment.pk}/jawab/"),
            ("post", f"{BASE}konsultasi/{pk}/komentar/{comment.pk}/sembunyikan/"),
            ("post", f"{BASE}layanan/akta-kelahiran/susun/"),
        ]:
            with self.subTest(url=url):
                self.assertEqual(getattr(self.client, method)(url).status_code, 404)
        comment.refresh_from_db()
        self.assertFalse(comment.is_answered or comment.is_hidden)

    def test_the_office_queue_links_agency_admins_to_the_standards(self) -> None:
        self.login(self.adi)
        self.assertContains(self.client.get("/kantor/"), f'href="{BASE}"')
        self.login(self.budi)
        self.assertNotContains(self.client.get("/kantor/"), f'href="{BASE}"')

    def test_a_session_without_the_second_factor_is_sent_to_sign_in(self) -> None:
        self.client.force_login(self.adi)  # password only
        response = self.client.get(BASE)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/masuk/", response["Location"])


class DraftingTests(OfficeTestCase):
    def test_starting_a_draft_once_and_the_refusal_of_a_second(self) -> None:
        self.login(self.adi)
        response = self.client.post(f"{BASE}layanan/akta-kelahiran/susun/")
        draft = Charter.objects.get(service=self.akta, version=2)
        self.assertRedirects(response, f"{BASE}versi/{draft.pk}/")
        self.assertEqual(draft.content, self.akta_v1.content)
        self.assertTrue(Consultation.objects.filter(charter=draft).exists())
        again = self.client.post(f"{BASE}layanan/akta-kelahiran/susun/")
        self.assertContains(again, "Versi 2 layanan ini sedang disusun.", status_code=409)
        self.assertEqual(self.akta.charters.count(), 2)
        listing = self.client.get(BASE)
        self.assertContains(listing, "Versi 2")
        self.assertContains(listing, f"{BASE}konsultasi/{draft.consultation.pk}/")

    def test_editing_the_components_as_yaml_with_the_problems_listed(self) -> None:
        draft = consultations.start_draft(service=self.akta, by=self.adi)
        self.login(self.adi)
        url = f"{BASE}versi/{draft.pk}/"
        page = self.client.get(url)
        self.assertContains(page, "legal_basis:")
        broken = self.client.post(url, {"components": "legal_basis: [unclosed"})
        self.assertContains(broken, 'id="id_components_error"', status_code=400)
        self.assertContains(broken, "YAML", status_code=400)
        draft.refresh_from_db()
        self.assertEqual(draft.content, self.akta_v1.content)
        incomplete = charter_content(
            facilities="Ruang tunggu ber-AC.", time_limit={"amount": 1, "unit": "working_days"}
        )
        saved = self.client.post(url, {"components": yaml.safe_dump(incomplete)}, follow=True)
        self.assertContains(saved, "time_limit: ")  # the reader's problem with its path
        self.assertContains(saved, "g. Sarana dan prasarana")  # a component the draft changes
        draft.refresh_from_db()
        self.assertEqual(draft.content["facilities"]["id"], "Ruang tunggu ber-AC.")

    def test_a_draft_written_in_the_admin_gets_its_consultation_on_the_office_page(self) -> None:
        draft, _problems = save_draft(
            service=self.akta, content=charter_content(executors=6), by=self.adi
        )
        self.login(self.adi)
        response = self.client.post(f"{BASE}versi/{draft.pk}/konsultasi/")
        consultation = Consultation.objects.get(charter=draft)
        self.assertRedirects(response, f"{BASE}konsultasi/{consultation.pk}/")

    def test_the_draft_cannot_change_while_comments_are_open(self) -> None:
        consultation = published_consultation(self.akta, by=self.adi)
        self.login(self.adi)
        url = f"{BASE}versi/{consultation.charter_id}/"
        self.assertNotContains(self.client.get(url), 'name="components"')
        response = self.client.post(url, {"components": yaml.safe_dump(charter_content())})
        self.assertEqual(response.status_code, 409)
        consultation.charter.refresh_from_db()
        self.assertNotEqual(
            consultation.charter.content["facilities"], charter_content()["facilities"]
        )


class ForumAndPublicationTests(OfficeTestCase):
    def test_the_forum_form_asks_a_reason_for_exactly_the_changed_components(self) -> None:
        charter = self.draft(facilities="Ruang laktasi.", executors=9)
        self.login(self.adi)
        page = self.client.get(f"{BASE}konsultasi/{charter.consultation.pk}/")
        self.assertContains(page, 'name="reason_facilities"')
        self.assertContains(page, 'name="reason_executors"')
        self.assertNotContains(page, 'name="reason_fee"')
        for key, _label in Consultation.PARTICIPANT_GROUPS:
            self.assertContains(page, f'name="participants_{key}"')

    def test_bad_forum_input_is_refused_next_to_each_field_and_nothing_is_written(self) -> None:
        charter = self.draft()
        consultation = charter.consultation
        self.login(self.adi)
        url = f"{BASE}konsultasi/{consultation.pk}/"
        tomorrow = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
        cases = {
            "forum_date": self.forum_data(forum_date=""),
            "forum_date ": self.forum_data(forum_date=tomorrow),
            "participants_academics": self.forum_data(participants_academics="-3"),
            "participants_service_users": self.forum_data(
                participants_service_users="", participants_academics=""
            ),
            "minutes": self.forum_data(
                minutes=SimpleUploadedFile("ba.txt", b"hello", content_type="text/plain")
            ),
        }
        for field, data in cases.items():
            with self.subTest(field=field):
                response = self.client.post(url, data)
                self.assertContains(response, f'id="id_{field.strip()}_error"', status_code=400)
        no_minutes = self.forum_data()
        del no_minutes["minutes"]
        self.assertContains(
            self.client.post(url, no_minutes), 'id="id_minutes_error"', status_code=400
        )
        consultation.refresh_from_db()
        self.assertIsNone(consultation.forum_date)
        self.assertFalse(consultation.minutes)
        self.assertFalse(consultation.events.exists())

    def test_recording_the_forum_then_publishing_with_the_deadlines_shown(self) -> None:
        charter = self.draft()
        consultation = charter.consultation
        self.login(self.adi)
        url = f"{BASE}konsultasi/{consultation.pk}/"
        refused = self.client.post(f"{url}umumkan/")
        self.assertContains(refused, "Catat forum konsultasi publik", status_code=409)
        self.assertEqual(self.client.post(url, self.forum_data()).status_code, 302)
        consultation.refresh_from_db()
        self.assertEqual(consultation.participants["service_users"], 12)
        self.assertEqual(consultation.reasons["facilities"]["id"], "Menambah pojok laktasi.")
        self.assertEqual(consultation.events.get().kind, ConsultationEvent.Kind.PREPARED)
        page = self.client.get(url)
        deadline = consultations.publish_deadline(consultation)
        assert deadline is not None
        self.assertContains(page, 'id="publish-deadline"')
        self.assertContains(page, str(deadline.day))
        self.assertContains(page, 'id="would-close"')
        self.assertContains(self.client.get(f"{url}berita-acara/"), "", status_code=200)
        published = self.client.post(f"{url}umumkan/")
        self.assertRedirects(published, url)
        consultation.refresh_from_db()
        self.assertEqual(consultation.status, "open")
        self.assertEqual(
            list(consultation.events.values_list("kind", flat=True)), ["prepared", "published"]
        )
        again = self.client.post(f"{url}umumkan/")
        self.assertContains(again, "sudah diumumkan", status_code=409)

    def test_publishing_is_refused_without_a_reason_for_a_change(self) -> None:
        charter = self.draft()
        consultation = charter.consultation
        self.login(self.adi)
        url = f"{BASE}konsultasi/{consultation.pk}/"
        self.client.post(url, self.forum_data(reason_facilities=""))
        page = self.client.get(url)
        self.assertContains(page, "Tuliskan alasan perubahan pada")
        refused = self.client.post(f"{url}umumkan/")
        self.assertContains(refused, "Tuliskan alasan perubahan pada", status_code=409)
        consultation.refresh_from_db()
        self.assertIsNone(consultation.published_at)


class CommentTests(OfficeTestCase):
    def setUp(self) -> None:
        self.consultation = published_consultation(self.akta, by=self.adi)
        self.first = consultations.write_comment(
            consultation=self.consultation, author=self.siti, target="fee", text="Terlalu mahal."
        )
        self.second = consultations.write_comment(
            consultation=self.consultation,
            author=self.agus,
            target="requirements.surat_lahir",
            text="Surat lahir sulit didapat.",
        )
        consultations.report_comment(comment=self.second, reporter=self.siti, reason="Kasar")
        self.url = f"{BASE}konsultasi/{self.consultation.pk}/komentar/"
        self.login(self.adi)

    def test_comments_grouped_by_component_with_filters_and_counters(self) -> None:
        page = self.client.get(self.url)
        self.assertContains(page, "Terlalu mahal.")
        self.assertContains(page, "Surat lahir sulit didapat.")
        self.assertContains(page, "Kasar")  # the report's reason
        self.assertContains(page, "Belum dijawab: 2")
        self.assertContains(page, "Dilaporkan: 1")
        reported = self.client.get(self.url + "?tampil=dilaporkan")
        self.assertNotContains(reported, "Terlalu mahal.")
        self.assertContains(reported, "Surat lahir sulit didapat.")
        self.assertNotContains(self.client.get(self.url + "?tampil=disembunyikan"), "mahal")
        overview = self.client.get(f"{BASE}konsultasi/{self.consultation.pk}/")
        self.assertContains(overview, "Belum dijawab: 2")

    def test_answering_changing_an_answer_and_bad_answers(self) -> None:
        answer = f"{self.url}{self.first.pk}/jawab/"
        prefix = f"c{self.first.pk}"
        bad = self.client.post(answer, {f"{prefix}-decision": "rejected", f"{prefix}-text": ""})
        self.assertContains(bad, "Tuliskan alasan tanggapan tidak diterima.", status_code=400)
        self.assertContains(bad, f'id="id_{prefix}-text_error"', status_code=400)
        unknown = self.client.post(answer, {f"{prefix}-decision": "maybe", f"{prefix}-text": "x"})
        self.assertEqual(unknown.status_code, 400)
        self.first.refresh_from_db()
        self.assertFalse(self.first.is_answered)
        ok = self.client.post(
            answer, {f"{prefix}-decision": "rejected", f"{prefix}-text": "Tarif diatur perda."}
        )
        self.assertEqual(ok.status_code, 302)
        self.client.post(
            answer, {f"{prefix}-decision": "partly", f"{prefix}-text": "Keringanan bagi lansia."}
        )
        self.first.refresh_from_db()
        self.assertEqual(
            (self.first.decision, self.first.answer), ("partly", "Keringanan bagi lansia.")
        )
        self.assertEqual(
            self.consultation.events.filter(kind="answered", comment=self.first).count(), 2
        )
        self.assertContains(self.client.get(self.url), "Belum dijawab: 1")

    def test_hiding_needs_a_reason_and_is_logged(self) -> None:
        hide = f"{self.url}{self.second.pk}/sembunyikan/"
        prefix = f"h{self.second.pk}"
        refused = self.client.post(hide, {f"{prefix}-reason": "  "})
        self.assertContains(refused, "Tuliskan alasan tanggapan disembunyikan.", status_code=400)
        self.second.refresh_from_db()
        self.assertFalse(self.second.is_hidden)
        self.assertEqual(
            self.client.post(hide, {f"{prefix}-reason": "Kata kasar"}).status_code, 302
        )
        self.second.refresh_from_db()
        self.assertEqual(self.second.hidden_reason, "Kata kasar")
        self.assertTrue(self.consultation.events.filter(kind="hidden", actor=self.adi).exists())
        hidden = self.client.get(self.url + "?tampil=disembunyikan")
        self.assertContains(hidden, "Kata kasar")
        again = self.client.post(hide, {f"{prefix}-reason": "lagi"})
        self.assertEqual(again.status_code, 409)


class AdoptionTests(OfficeTestCase):
    def set_standard(self, consultation: Consultation, date: dt.date | str) -> Any:
        return self.client.post(
            f"{BASE}konsultasi/{consultation.pk}/tetapkan/",
            {"effective_date": str(date)},
        )

    def test_refused_while_the_period_is_open(self) -> None:
        consultation = published_consultation(self.akta, by=self.adi)
        self.login(self.adi)
        page = self.client.get(f"{BASE}konsultasi/{consultation.pk}/")
        today = self.akta.day_of_filing().isoformat()
        self.assertContains(page, f'name="effective_date" value="{today}"')  # a date box reads ISO
        response = self.set_standard(consultation, timezone.localdate())
        self.assertContains(response, "Masa tanggapan terbuka sampai", status_code=409)
        consultation.refresh_from_db()
        self.assertIsNone(consultation.adopted_at)

    def test_refused_with_the_unanswered_comments_linked_then_adopted(self) -> None:
        past = timezone.now() - dt.timedelta(days=30)
        consultation = published_consultation(self.akta, by=self.adi, now=past)
        comment = Comment.objects.create(
            consultation=consultation,
            author=self.siti,
            target="fee",
            component="fee",
            text="Mahal",
        )
        self.login(self.adi)
        refused = self.set_standard(consultation, timezone.localdate())
        self.assertContains(refused, "1 komentar belum dijawab.", status_code=409)
        self.assertContains(
            refused, f"komentar/?tampil=belum#komentar-{comment.pk}", status_code=409
        )
        consultations.answer_comment(comment=comment, by=self.adi, decision="accepted", text="Ya")
        yesterday = timezone.localdate() - dt.timedelta(days=1)
        past_date = self.set_standard(consultation, yesterday)
        self.assertContains(past_date, "Tanggal tidak boleh sudah lewat.", status_code=400)
        self.assertContains(past_date, 'id="id_effective_date_error"', status_code=400)
        self.assertContains(self.set_standard(consultation, "kemarin"), "", status_code=400)
        consultation.refresh_from_db()
        self.assertIsNone(consultation.adopted_at)
        later = timezone.localdate() + dt.timedelta(days=10)
        done = self.set_standard(consultation, later)
        self.assertEqual(done.status_code, 302)
        consultation.refresh_from_db()
        charter = consultation.charter
        self.assertEqual((charter.status, charter.effective_from), ("scheduled", later))
        page = self.client.get(f"{BASE}konsultasi/{consultation.pk}/")
        self.assertContains(page, f'href="/konsultasi/{consultation.pk}/laporan/"')
        self.assertContains(page, 'id="adopted"')
        self.assertContains(page, "Adi Nugroho")  # the audit trail names the admin
        listing = self.client.get(BASE)
        self.assertContains(listing, "Ditetapkan, belum berlaku")
        answer = self.client.post(
            f"{BASE}konsultasi/{consultation.pk}/komentar/{comment.pk}/jawab/",
            {f"c{comment.pk}-decision": "rejected", f"c{comment.pk}-text": "Tidak"},
        )
        self.assertEqual(answer.status_code, 409)  # answers change only until adoption

    def test_a_cross_agency_procedure_is_set_by_a_superuser_only(self) -> None:
        consultation = self.ended()
        cross = charter_content()
        cross["procedure"]["stages"][1]["steps"][0]["unit"] = "dpmptsp-perizinan"
        save_draft(service=self.akta, content=cross, by=self.adi, charter=consultation.charter)
        self.login(self.adi)
        today = self.akta.day_of_filing()
        refused = self.set_standard(consultation, today)
        self.assertContains(refused, "lintas instansi", status_code=409)
        consultation.refresh_from_db()
        self.assertIsNone(consultation.adopted_at)
        self.login(self.root)
        self.assertEqual(self.set_standard(consultation, today).status_code, 302)
        consultation.refresh_from_db()
        self.assertEqual(consultation.charter.status, "adopted")
