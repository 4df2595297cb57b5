"""The public survey page /survei/<key>/: no sign-in, no JavaScript, one answer."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.utils import timezone

from layanan.surveys.actions import Closed, answer_survey
from layanan.surveys.models import Invitation, Response
from layanan.surveys.tests.helpers import ALL_FOURS, SurveyTestCase

UNSUR_IN_ORDER = (
    "Persyaratan",
    "Sistem, Mekanisme, dan Prosedur",
    "Waktu Penyelesaian",
    "Biaya/Tarif",
    "Produk Spesifikasi Jenis Pelayanan",
    "Kompetensi Pelaksana",
    "Perilaku Pelaksana",
    "Penanganan Pengaduan, Saran dan Masukan",
    "Sarana dan Prasarana",
)


class AnswerPageTests(SurveyTestCase):
    def setUp(self) -> None:
        self.invitation, self.link = self.invited()

    def test_the_nine_unsur_in_order_with_four_answers_each(self) -> None:
        response = self.client.get(self.link)
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        positions = [html.index(name) for name in UNSUR_IN_ORDER]
        self.assertEqual(positions, sorted(positions))
        for number in range(1, 10):
            for value in range(1, 5):
                self.assertIn(f'name="u{number}" value="{value}"', html)
        self.assertContains(response, "Tidak sesuai")  # Indonesian first
        self.assertContains(response, "Sangat sesuai")
        self.assertNotContains(response, "<script>")  # nothing inline; works without JS
        self.assertContains(response, "Akta Kelahiran")

    def test_the_labels_in_english(self) -> None:
        self.client.post("/bahasa/", {"language": "en"})
        response = self.client.get(self.link)
        self.assertContains(response, "Very fitting")
        self.assertContains(response, "It is handled well")
        self.assertContains(response, "Very expensive")

    def test_answering_records_an_anonymous_response_once(self) -> None:
        data = {
            **ALL_FOURS,
            "u3": "2",
            "sex": "p",
            "age_band": "30-39",
            "education": "",
            "occupation": "swasta",
            "suggestion": "Mohon ruang tunggu diperluas.",
        }
        response = self.client.post(self.link, data)
        self.assertRedirects(response, self.link, fetch_redirect_response=False)
        answer = Response.objects.get()
        self.assertEqual(answer.answers, [4, 4, 2, 4, 4, 4, 4, 4, 4])
        self.assertEqual((answer.sex, answer.age_band, answer.education), ("p", "30-39", ""))
        self.assertEqual(answer.channel, "online")
        self.assertEqual((answer.agency, answer.service), (self.disdukcapil, self.akta))
        self.assertIsNone(answer.entered_by)
        self.assertEqual(answer.suggestion, "Mohon ruang tunggu diperluas.")
        self.assertIsNotNone(Invitation.objects.get().answered_at)
        # the thank-you page, and a second answer is not counted
        self.assertContains(self.client.get(self.link), "Terima kasih")
        again = self.client.post(self.link, ALL_FOURS)
        self.assertContains(again, "Terima kasih")
        self.assertEqual(Response.objects.count(), 1)

    def test_two_answers_racing_record_one(self) -> None:
        stale = Invitation.objects.get()  # both loaded the open invitation
        answer_survey(invitation=self.invitation, answers=ALL_FOURS)
        with self.assertRaises(Closed):
            answer_survey(invitation=stale, answers=ALL_FOURS)
        self.assertEqual(Response.objects.count(), 1)

    def test_a_missing_answer_is_named_next_to_its_question(self) -> None:
        data = {**ALL_FOURS}
        del data["u5"]
        data["u8"] = "7"
        response = self.client.post(self.link, data)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "govuk-error-summary", status_code=400)
        self.assertContains(response, 'href="#id_u5_0"', status_code=400)
        self.assertContains(response, 'id="id_u8_error"', status_code=400)
        self.assertFalse(Response.objects.exists())
        self.assertIsNone(Invitation.objects.get().answered_at)

    def test_a_long_suggestion_or_an_unknown_profile_value_is_refused(self) -> None:
        response = self.client.post(
            self.link, {**ALL_FOURS, "suggestion": "x" * 2001, "education": "phd"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, 'id="id_suggestion_error"', status_code=400)
        self.assertContains(response, 'id="id_education_error"', status_code=400)
        self.assertFalse(Response.objects.exists())

    def test_an_expired_link_is_closed(self) -> None:
        later = self.invitation.expires_at + dt.timedelta(minutes=1)
        with time_machine.travel(later, tick=False):
            self.assertEqual(self.client.get(self.link).status_code, 410)
            response = self.client.post(self.link, ALL_FOURS)
        self.assertEqual(response.status_code, 410)
        self.assertFalse(Response.objects.exists())

    def test_an_unknown_key_is_not_found(self) -> None:
        self.assertEqual(
            self.client.get("/survei/0123456789abcdef0123456789abcdef/").status_code, 404
        )
        self.assertEqual(self.client.get("/survei/" + "x" * 100 + "/").status_code, 404)

    def test_no_sign_in_is_needed_and_a_signed_in_stranger_changes_nothing(self) -> None:
        self.login(self.agus)
        response = self.client.post(self.link, ALL_FOURS)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Response.objects.count(), 1)

    def test_the_answer_is_dated_in_the_agencys_zone(self) -> None:
        # 23:30 UTC is 06:30 the next morning in Jakarta
        moment = timezone.now().replace(hour=23, minute=30, second=0, microsecond=0)
        if moment > self.invitation.expires_at or moment < self.invitation.created_at:
            return
        answer_survey(invitation=self.invitation, answers=ALL_FOURS, at=moment)
        self.assertEqual(
            Response.objects.get().answered_on, (moment + dt.timedelta(hours=7)).date()
        )
