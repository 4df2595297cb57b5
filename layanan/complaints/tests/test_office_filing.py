"""Filing a complaint at the counter or by phone for a citizen, and the receipt to print."""

from __future__ import annotations

from typing import Any

from layanan.accounts.models import DataAccess
from layanan.agencies.models import OfficerRole, Role
from layanan.complaints.actions import access_key_for, check_access_key
from layanan.complaints.models import Complaint, Status
from layanan.complaints.tests.office import OfficeTestCase

URL = "/kantor/pengaduan/loket/"


class CounterFilingTests(OfficeTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.login(self.budi)

    def form(self, **changes: Any) -> dict[str, Any]:
        data = {
            "channel": "loket",
            "account": "",
            "contact_name": "",
            "contact_email": "",
            "contact_phone": "",
            "category": self.pungli.pk,
            "kind": "pengaduan",
            "privacy": "publik",
            "description": "Diminta uang Rp100.000 untuk mempercepat KTP-el.",
            "application_number": "",
            "address": "",
            "happened_on": "",
            "loss": "",
            "remedy": "",
            "compensation_claimed": "",
        }
        data.update(changes)
        return data

    def test_the_form_groups_categories_by_agency(self) -> None:
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, f'<optgroup label="{self.disdukcapil.name}">')
        self.assertContains(response, f'<optgroup label="{self.dpmptsp.name}">')

    def test_for_a_citizen_with_an_account_found_by_email(self) -> None:
        response = self.client.post(URL, self.form(account="SITI@example.test"))
        complaint = Complaint.objects.get()
        self.assertRedirects(
            response, f"/kantor/pengaduan/{complaint.number}/tanda-terima/", 302, 200
        )
        self.assertEqual(
            (complaint.complainant, complaint.filed_by, complaint.channel, complaint.status),
            (self.siti, self.budi, "loket", Status.RECEIVED),
        )
        self.assertTrue(
            DataAccess.objects.filter(
                reader=self.budi, citizen=self.siti, place="counter_search"
            ).exists()
        )
        receipt = self.client.get(response["Location"])
        self.assertContains(receipt, complaint.number)
        self.assertContains(receipt, "<svg")  # the QR code of the complaint's page
        key = receipt.content.decode().split("?kunci=")[1].split('"')[0]
        self.assertTrue(check_access_key(complaint, key))

    def test_for_a_caller_without_an_account(self) -> None:
        response = self.client.post(
            URL,
            self.form(
                channel="telepon",
                contact_name="Joko Widodo",
                contact_phone="0812 3456 7890",
                privacy="rahasia",
            ),
        )
        self.assertEqual(response.status_code, 302)
        complaint = Complaint.objects.get()
        self.assertIsNone(complaint.complainant)
        self.assertEqual(
            (complaint.contact_name, complaint.contact_phone, complaint.channel),
            ("Joko Widodo", "+6281234567890", "telepon"),
        )
        receipt = self.client.get(response["Location"])
        self.assertContains(receipt, "Joko Widodo")

    def test_bad_input_is_400_and_nothing_is_filed(self) -> None:
        cases = [
            (self.form(account="nobody@example.test"), "id_account_error"),
            (self.form(account="3374015508900009"), "id_account_error"),
            (self.form(contact_name="Joko"), "id_contact_name_error"),
            (self.form(account="siti@example.test", description="short"), "id_description_error"),
            (self.form(account="siti@example.test", category=""), "id_category_error"),
            (self.form(account="siti@example.test", category="99999"), "id_category_error"),
            (self.form(account="siti@example.test", channel="email"), "id_channel_error"),
            (
                self.form(account="siti@example.test", application_number="ABCD-EFGH-JK"),
                "id_application_number_error",
            ),
            (
                self.form(account="siti@example.test", compensation_claimed="-5"),
                "id_compensation_claimed_error",
            ),
        ]
        for data, error in cases:
            with self.subTest(error=error, data=data):
                response = self.client.post(URL, data)
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, error, status_code=400)
        self.assertFalse(Complaint.objects.exists())

    def test_only_front_office_officers_file(self) -> None:
        self.login(self.charlie)
        self.assertEqual(self.client.get(URL).status_code, 403)
        self.assertEqual(
            self.client.post(URL, self.form(account="siti@example.test")).status_code, 403
        )
        self.login(self.siti)
        self.assertEqual(self.client.get(URL).status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get(URL).status_code, 302)
        self.assertFalse(Complaint.objects.exists())

    def test_the_receipt_is_the_filing_officers_only(self) -> None:
        self.client.post(URL, self.form(account="siti@example.test"))
        complaint = Complaint.objects.get()
        receipt = f"/kantor/pengaduan/{complaint.number}/tanda-terima/"
        OfficerRole.objects.create(user=self.ani, unit=self.loket, role=Role.FRONT_OFFICE)
        for person in (self.ani, self.charlie, self.siti):
            self.login(person)
            self.assertEqual(self.client.get(receipt).status_code, 404, person)
        # the filing officer may print it again, with the same private link
        self.login(self.budi)
        page = self.client.get(receipt)
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, f"?kunci={access_key_for(complaint)}")
