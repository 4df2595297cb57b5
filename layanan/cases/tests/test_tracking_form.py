"""The public tracking form at /lacak/: errors as a GOV.UK error summary, 400 or 404."""

from __future__ import annotations

from layanan.cases.models import Application
from layanan.test import BaseTestCase

SUMMARY = 'class="govuk-error-summary" data-module="govuk-error-summary" tabindex="-1" autofocus'


class TrackingFormTests(BaseTestCase):
    def assert_summary(self, response: object, status: int, message: str) -> None:
        html = response.content.decode()  # type: ignore[attr-defined]
        self.assertEqual(response.status_code, status)  # type: ignore[attr-defined]
        self.assertIn("<title>Kesalahan: Lacak permohonan", html)
        self.assertIn(SUMMARY, html)
        self.assertIn(f'<a href="#nomor">{message}', html)
        self.assertIn('id="nomor_error"', html)
        self.assertRegex(html, r'<input[^>]*aria-invalid="true"[^>]*id="nomor"')
        self.assertNotIn("govuk-notification-banner", html)

    def test_a_first_visit_shows_the_form_without_errors(self) -> None:
        page = self.client.get("/lacak/")
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "govuk-error-summary")
        self.assertContains(page, '<label class="govuk-label govuk-label--s" for="nomor">')
        self.assertContains(page, 'id="nomor_helptext"')

    def test_submitting_it_empty_is_a_400_with_a_summary(self) -> None:
        for typed in ("", "   "):
            self.assert_summary(
                self.client.get("/lacak/", {"nomor": typed}),
                400,
                "Masukkan nomor registrasi dari tanda terima Anda",
            )

    def test_a_malformed_number_is_a_400_with_a_summary(self) -> None:
        for typed in ("ABCD", "7KQ4-M9TX-4D", "x" * 41):
            response = self.client.get("/lacak/", {"nomor": typed})
            self.assertEqual(response.status_code, 400, typed)
            self.assertContains(response, SUMMARY, status_code=400)
        self.assert_summary(
            self.client.get("/lacak/", {"nomor": "ABCD"}),
            400,
            "Masukkan nomor registrasi seperti tertulis pada tanda terima Anda",
        )
        self.assert_summary(
            self.client.get("/lacak/ABCD/"),
            400,
            "Masukkan nomor registrasi seperti tertulis pada tanda terima Anda",
        )

    def test_an_unknown_well_formed_number_is_a_404_with_a_summary(self) -> None:
        application = self.submitted()
        number = application.number
        Application.objects.filter(pk=application.pk).update(status="draft")  # not trackable
        self.assertRedirects(
            self.client.get("/lacak/", {"nomor": number.lower()}),
            f"/lacak/{number}/",
            target_status_code=404,
        )
        self.assert_summary(
            self.client.get(f"/lacak/{number}/"),
            404,
            f"Tidak ada permohonan dengan nomor {number}",
        )

    def test_a_known_number_shows_the_tracking_page(self) -> None:
        application = self.submitted()
        page = self.client.get(f"/lacak/{application.number}/")
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "govuk-error-summary")
        self.assertContains(page, "Loket Pelayanan")
