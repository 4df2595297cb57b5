"""One-time password-setup codes: given at the counter, printed on the receipt, redeemed at
/akun/kode/ to choose a password.

budi (front office) files for Tono, a walk-in citizen with only a phone number, and gives him
a code; siti has an email address and a password, so she gets no code.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

import time_machine
from django.contrib.auth.hashers import check_password
from django.utils import timezone

from layanan.accounts.models import AccountEvent, User
from layanan.citizens.models import PasswordSetupCode
from layanan.citizens.tests.test_counter import TONO, CounterTestCase

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

NEW_PASSWORD = "pohon mangga berbuah lebat"
CODE = re.compile(r'<p class="govuk-heading-l lyn-code">([A-Z0-9]{4}-[A-Z0-9]{4})</p>')


class SetupCodeTestCase(CounterTestCase):
    def file_for_tono(self) -> str:
        """Files and submits for Tono; returns the counter receipt's URL."""
        return self.fill_and_submit(self.start(TONO))

    def give_code(self, receipt_url: str) -> str:
        response = self.client.post(receipt_url, follow=True)
        self.assertEqual(response.status_code, 200)
        found = CODE.search(response.content.decode())
        assert found is not None, "no code on the receipt"
        return found.group(1)

    def redeem(
        self, code: str, *, who: str = "0812-9999-0000", again: str = ""
    ) -> _MonkeyPatchedWSGIResponse:
        self.client.logout()
        return self.client.post(
            "/akun/kode/",
            {
                "identifier": who,
                "code": code,
                "password1": NEW_PASSWORD,
                "password2": again or NEW_PASSWORD,
            },
        )

    @property
    def tono(self) -> User:
        return User.objects.get(phone="+6281299990000")


class IssueTests(SetupCodeTestCase):
    def test_the_receipt_prints_a_code_only_its_hash_is_kept(self) -> None:
        receipt = self.file_for_tono()
        before = self.client.get(receipt).content.decode()
        self.assertIn("Berikan kode sekali pakai untuk kata sandi", before)
        self.assertIn("Anda belum punya kata sandi", before)
        self.assertIn("http://testserver/masuk/lupa-sandi/telepon/", before)
        response = self.client.post(receipt, follow=True)
        self.assertRedirects(response, receipt + "#setup-code")
        page = response.content.decode()
        found = CODE.search(page)
        assert found is not None
        code = found.group(1)
        self.assertIn("http://testserver/akun/kode/", page)
        self.assertIn("Diajukan di loket atas nama Tono Sugiarto", page)
        self.assertIn("no-store", response["Cache-Control"])
        row = PasswordSetupCode.objects.get(user=self.tono)
        self.assertEqual(row.issued_by, self.budi)
        assert row.application is not None
        self.assertEqual(row.application.number, receipt.split("/")[3])
        self.assertNotIn(code.replace("-", ""), row.code_hash)
        self.assertTrue(check_password(code.replace("-", ""), row.code_hash))
        self.assertEqual(row.expires_at - row.issued_at, dt.timedelta(hours=72))
        self.assertIsNone(row.used_at)
        # A reload shows the same code again (it used to give a new one and void the printed
        # one); the database changes nothing.
        again = self.client.get(receipt).content.decode()
        self.assertIn(code, again)
        self.assertEqual(PasswordSetupCode.objects.filter(user=self.tono).count(), 1)
        # Another session (the officer signed in again) is told a code was given, not which.
        self.client.logout()
        self.login(self.budi)
        later = self.client.get(receipt).content.decode()
        self.assertNotIn(code, later)
        self.assertIn("Kode telah diberikan pada", later)
        self.assertIn("Budi Santoso", later)

    def test_a_new_code_replaces_the_earlier_one(self) -> None:
        receipt = self.file_for_tono()
        first = self.give_code(receipt)
        self.login(self.budi)
        second = self.give_code(receipt)
        self.assertNotEqual(first, second)
        response = self.redeem(first)
        self.assertContains(response, "kode yang lebih baru", status_code=400)
        self.assertFalse(self.tono.has_usable_password())
        self.assertEqual(self.redeem(second).status_code, 302)

    def test_a_citizen_with_a_password_and_email_gets_no_code(self) -> None:
        application = self.start({"service": "akta-kelahiran", "contact": "siti@example.test"})
        receipt = self.fill_and_submit(application)
        page = self.client.get(receipt).content.decode()
        self.assertNotIn("Berikan kode sekali pakai", page)
        self.assertIn("lupa kata sandi", page)
        response = self.client.post(receipt)
        self.assertContains(response, "Warga ini sudah punya kata sandi", status_code=400)
        self.assertFalse(PasswordSetupCode.objects.exists())

    def test_no_code_for_an_officers_account(self) -> None:
        """A counter officer must not set a colleague's password (charlie has no email)."""
        User.objects.filter(pk=self.charlie.pk).update(email="", phone="+6281277770000")
        application = self.start({"service": "akta-kelahiran", "contact": "0812 7777 0000"})
        self.assertEqual(application.applicant, self.charlie)
        receipt = self.fill_and_submit(application)
        self.assertNotIn("Berikan kode sekali pakai", self.client.get(receipt).content.decode())
        self.assertEqual(self.client.post(receipt).status_code, 400)
        self.assertFalse(PasswordSetupCode.objects.exists())

    def test_nobody_but_the_filing_officer_gives_a_code(self) -> None:
        receipt = self.file_for_tono()
        for someone in (self.dewi, self.siti):
            self.login(someone)
            self.assertEqual(self.client.post(receipt).status_code, 404)
        self.assertFalse(PasswordSetupCode.objects.exists())


class RedeemTests(SetupCodeTestCase):
    def test_the_code_sets_the_password_once_then_the_citizen_signs_in(self) -> None:
        receipt = self.file_for_tono()
        number = receipt.split("/")[3]
        code = self.give_code(receipt)
        self.client.logout()
        self.assertContains(
            self.client.get("/akun/kode/"), "Buat kata sandi dengan kode dari loket"
        )
        # The number written another way than at the counter, the code in lower case.
        response = self.redeem(code.lower(), who="+62 812 9999 0000")
        self.assertRedirects(response, "/masuk/", fetch_redirect_response=False)
        self.assertTrue(self.tono.check_password(NEW_PASSWORD))
        self.assertIsNotNone(PasswordSetupCode.objects.get(user=self.tono).used_at)
        # Giving and using the code are in the account's audit trail, with who did it.
        trail = list(
            AccountEvent.objects.filter(user=self.tono)
            .order_by("pk")
            .values_list("kind", "actor__username")
        )
        self.assertEqual(
            trail[-2:],
            [
                ("setup_code_issued", self.budi.username),
                ("password_set_with_code", self.tono.username),
            ],
        )
        signed_in = self.client.post(
            "/masuk/", {"username": "0812 9999 0000", "password": NEW_PASSWORD}
        )
        self.assertEqual(signed_in.status_code, 302)
        self.assertContains(self.client.get("/permohonan/"), number)
        # Used once; a second use is refused and changes nothing.
        self.client.logout()
        again = self.client.post(
            "/akun/kode/",
            {
                "identifier": "081299990000",
                "code": code,
                "password1": "another long password",
                "password2": "another long password",
            },
        )
        self.assertContains(again, "Kode ini sudah dipakai", status_code=400)
        self.assertTrue(self.tono.check_password(NEW_PASSWORD))

    def test_an_expired_code_is_refused(self) -> None:
        code = self.give_code(self.file_for_tono())
        with time_machine.travel(timezone.now() + dt.timedelta(hours=72, minutes=1)):
            response = self.redeem(code)
        self.assertContains(response, "Kode ini sudah kedaluwarsa", status_code=400)
        self.assertFalse(self.tono.has_usable_password())
        self.assertIsNone(PasswordSetupCode.objects.get(user=self.tono).used_at)

    def test_a_wrong_code_or_another_citizen_is_refused_alike(self) -> None:
        code = self.give_code(self.file_for_tono())
        for who, typed in (("0812-9999-0000", "ABCD-EFGH"), ("siti@example.test", code)):
            with self.subTest(who=who):
                response = self.redeem(typed, who=who)
                self.assertContains(
                    response,
                    "Kode tidak cocok dengan alamat email atau nomor HP ini",
                    status_code=400,
                )
        self.assertFalse(self.tono.has_usable_password())
        self.assertTrue(User.objects.get(pk=self.siti.pk).check_password("correct horse battery"))

    def test_form_errors_name_the_field_and_keep_the_code(self) -> None:
        code = self.give_code(self.file_for_tono())
        self.client.logout()
        empty = self.client.post("/akun/kode/", {})
        self.assertEqual(empty.status_code, 400)
        for message in (
            "Masukkan alamat email atau nomor HP yang Anda berikan di loket",
            "Masukkan kode yang tercetak pada tanda terima Anda",
            "Masukkan kata sandi baru",
            "Masukkan kata sandi baru sekali lagi",
        ):
            self.assertContains(empty, message, status_code=400)
        self.assertNotContains(empty, "Kolom ini wajib diisi", status_code=400)
        different = self.redeem(code, again="pohon mangga berbuah manis")
        self.assertContains(different, "Kedua kata sandi baru tidak sama", status_code=400)
        weak = self.client.post(
            "/akun/kode/",
            {
                "identifier": "0812-9999-0000",
                "code": code,
                "password1": "12345678",
                "password2": "12345678",
            },
        )
        self.assertEqual(weak.status_code, 400)
        self.assertIn('id="id_password1_error"', weak.content.decode())
        # None of this used the code up.
        self.assertIsNone(PasswordSetupCode.objects.get(user=self.tono).used_at)
        self.assertEqual(self.redeem(code).status_code, 302)

    def test_guessing_is_stopped_after_five_wrong_codes(self) -> None:
        code = self.give_code(self.file_for_tono())
        for _ in range(5):
            self.assertEqual(self.redeem("ABCD-EFGH").status_code, 400)
        # Locked, whatever the writing of the number and even with the right code.
        response = self.redeem(code, who="+62 812 9999 0000")
        self.assertContains(response, "Terlalu banyak percobaan", status_code=429)
        self.assertFalse(self.tono.has_usable_password())

    def test_a_signed_in_user_is_sent_to_their_profile(self) -> None:
        self.login(self.siti)
        self.assertRedirects(self.client.get("/akun/kode/"), "/profil/")


class AdminTests(SetupCodeTestCase):
    def test_administrators_read_who_gave_which_code_and_change_nothing(self) -> None:
        self.give_code(self.file_for_tono())
        row = PasswordSetupCode.objects.get()
        self.login(self.root)
        listing = self.client.get("/admin/citizens/passwordsetupcode/")
        self.assertContains(listing, "Budi Santoso")
        self.assertContains(listing, "Tono Sugiarto")
        detail = self.client.get(f"/admin/citizens/passwordsetupcode/{row.pk}/change/")
        self.assertEqual(detail.status_code, 200)
        self.assertNotContains(detail, row.code_hash)
        self.assertEqual(self.client.get("/admin/citizens/passwordsetupcode/add/").status_code, 403)
        deleted = self.client.post(
            f"/admin/citizens/passwordsetupcode/{row.pk}/delete/", {"post": "yes"}
        )
        self.assertEqual(deleted.status_code, 403)
        self.assertTrue(PasswordSetupCode.objects.filter(pk=row.pk).exists())
