"""Sign up, sign in by email or phone, password reset by email (the profile: test_profile)."""

import re
from typing import Any
from unittest import mock

from django.core import mail
from django.test import override_settings

from layanan.accounts.models import AccountEvent, User
from layanan.citizens.models import Profile
from layanan.test import PASSWORD, BaseTestCase

# Account mails are tasks queued after commit; here they run at once.
MAILS_AT_ONCE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

SIGN_UP = {
    "full_name": "Wati Susanti",
    "nik": "3399016501950002",
    "email": "wati@example.test",
    "phone": "+62 812 1111 2222",
    "address": "Jl. Merdeka 1, Kota Contoh",
    "password1": "sangat-rahasia-2026",
    "password2": "sangat-rahasia-2026",
}


@override_settings(TASKS=MAILS_AT_ONCE)
class SignUpTests(BaseTestCase):
    def sign_up(self, data: dict[str, str]) -> Any:
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post("/daftar/", data)

    def test_a_password_is_kept_as_typed_spaces_included(self) -> None:
        spaced = " sangat rahasia 2026 "
        self.sign_up({**SIGN_UP, "password1": spaced, "password2": spaced})
        user = User.objects.get(email="wati@example.test")
        self.assertTrue(user.check_password(spaced))
        signed_in = self.client.post(
            "/masuk/", {"username": "wati@example.test", "password": spaced}
        )
        self.assertEqual(signed_in.status_code, 302)

    def test_a_citizen_signs_up_is_welcomed_by_mail_and_signs_in(self) -> None:
        response = self.sign_up(SIGN_UP)
        self.assertRedirects(response, "/daftar/terkirim/")
        self.assertNotIn("_auth_user_id", self.client.session)
        user = User.objects.get(email="wati@example.test")
        self.assertEqual(
            (user.phone, Profile.objects.get(user=user).nik), ("+6281211112222", "3399016501950002")
        )
        self.assertEqual([m.to for m in mail.outbox], [["wati@example.test"]])
        self.assertIn("Akun Anda sudah siap", mail.outbox[0].body)
        page = self.client.get("/daftar/terkirim/")
        self.assertContains(page, "Periksa email atau HP Anda")
        for login in ("wati@example.test", "081211112222"):
            self.client.logout()
            signed_in = self.client.post(
                "/masuk/", {"username": login, "password": "sangat-rahasia-2026"}
            )
            self.assertEqual(signed_in.status_code, 302, login)

    def test_the_page_to_return_to_is_kept_for_signing_in(self) -> None:
        response = self.sign_up({**SIGN_UP, "next": "/layanan/"})
        self.assertRedirects(response, "/daftar/terkirim/?next=%2Flayanan%2F")
        page = self.client.get(response["Location"])
        self.assertContains(page, 'href="/masuk/?next=%2Flayanan%2F"')
        elsewhere = self.client.get("/daftar/terkirim/?next=https://jahat.test/")
        self.assertContains(elsewhere, 'href="/masuk/"')

    def test_bad_input_is_400_next_to_the_field_and_creates_nothing(self) -> None:
        cases = {
            "nik": {**SIGN_UP, "nik": "3399013213950002"},
            "email": {**SIGN_UP, "email": "", "phone": ""},
            "password2": {**SIGN_UP, "password2": "lain"},
            "password1": {**SIGN_UP, "password1": "12345678", "password2": "12345678"},
        }
        for field, data in cases.items():
            with self.subTest(field=field):
                response = self.client.post("/daftar/", data)
                self.assertEqual(response.status_code, 400)
                self.assertIn(field, response.context["form"].errors)
        self.assertFalse(User.objects.filter(full_name="Wati Susanti").exists())

    def test_sign_up_leaves_an_audit_row_without_values(self) -> None:
        self.client.post("/daftar/", SIGN_UP)
        user = User.objects.get(email="wati@example.test")
        event = AccountEvent.objects.get(user=user)
        self.assertEqual(
            (event.kind, event.actor, event.fields),
            (
                AccountEvent.Kind.REGISTERED,
                user,
                ["address", "email", "full_name", "nik", "phone"],
            ),
        )
        self.assertNotIn("3399016501950002", event.note)

    def test_a_phone_only_citizen_signs_up_and_in_with_any_writing(self) -> None:
        response = self.sign_up({**SIGN_UP, "email": "", "phone": "0812-7777-1234"})
        self.assertRedirects(response, "/daftar/terkirim/")
        user = User.objects.get(phone="+6281277771234")
        self.assertEqual((user.username, user.email), ("+6281277771234", ""))
        self.assertEqual(mail.outbox, [])  # no address to write to
        for login in ("0812 7777 1234", "+62 812 7777 1234", "081277771234"):
            self.client.logout()
            signed_in = self.client.post(
                "/masuk/", {"username": login, "password": "sangat-rahasia-2026"}
            )
            self.assertEqual(signed_in.status_code, 302, login)
        # the header names them by their number as they write it
        self.assertContains(self.client.get("/permohonan/"), ">0812-7777-1234</a>")

    def test_a_number_already_taken_in_another_writing_is_answered_alike(self) -> None:
        User.objects.filter(pk=self.agus.pk).update(phone="+6281211112222")
        for writing in ("0812 1111 2222", "+62 812-1111-2222", "(0812) 1111 2222"):
            with self.subTest(writing=writing):
                mail.outbox.clear()
                response = self.sign_up({**SIGN_UP, "email": "", "phone": writing})
                self.assertRedirects(response, "/daftar/terkirim/")
                self.assertNotIn("_auth_user_id", self.client.session)
                # the owner of the number is told, at the address of their account
                self.assertEqual([m.to for m in mail.outbox], [[self.agus.email]])
                self.assertIn("Anda sudah memiliki akun", mail.outbox[0].body)
                self.assertIn("http://127.0.0.1:8000/masuk/lupa-sandi/", mail.outbox[0].body)
        self.assertFalse(User.objects.filter(full_name="Wati Susanti").exists())
        self.assertEqual(User.objects.filter(phone="+6281211112222").get(), self.agus)

    def test_a_number_taken_between_the_check_and_the_save_is_answered_alike_too(self) -> None:
        User.objects.filter(pk=self.agus.pk).update(phone="+6281211112222")
        # the first look runs before agus's sign-up commits; the second sees it
        with mock.patch("layanan.citizens.actions.accounts_using", side_effect=[[], [self.agus]]):
            response = self.sign_up({**SIGN_UP, "email": "", "phone": "0812 1111 2222"})
        self.assertRedirects(response, "/daftar/terkirim/")
        self.assertFalse(User.objects.filter(full_name="Wati Susanti").exists())
        self.assertEqual([m.to for m in mail.outbox], [[self.agus.email]])

    def test_every_error_names_its_field(self) -> None:
        response = self.client.post("/daftar/", {})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            {field: list(errors) for field, errors in response.context["form"].errors.items()},
            {
                "full_name": ["Masukkan nama lengkap Anda"],
                "email": ["Masukkan alamat email atau nomor HP (atau keduanya)"],
                "password1": ["Masukkan kata sandi"],
                "password2": ["Masukkan kata sandi sekali lagi"],
            },
        )
        self.assertNotContains(response, "Kolom ini wajib diisi", status_code=400)
        bad = self.client.post(
            "/daftar/",
            {**SIGN_UP, "email": "wati@", "phone": "0812 1111", "full_name": "W" * 201},
        )
        self.assertEqual(
            {field: list(errors) for field, errors in bad.context["form"].errors.items()},
            {
                "full_name": ["Nama lengkap paling banyak 200 karakter"],
                "email": ["Masukkan alamat email dengan format yang benar, seperti nama@contoh.id"],
                "phone": [
                    "Masukkan nomor HP Anda dengan 10 sampai 13 angka, seperti 0812 3456 7890"
                ],
            },
        )
        # the summary links each message to its field
        self.assertContains(
            bad, '<a href="#id_phone">Masukkan nomor HP Anda dengan', status_code=400
        )
        self.assertFalse(User.objects.filter(email="wati@").exists())

    def test_a_taken_address_gets_the_same_answer_as_a_new_one(self) -> None:
        new = self.sign_up({**SIGN_UP, "email": "baru@example.test", "phone": ""})
        self.client.logout()
        taken = self.sign_up({**SIGN_UP, "email": "Siti@Example.test", "phone": ""})
        self.assertEqual((new.status_code, new["Location"]), (taken.status_code, taken["Location"]))
        self.assertNotIn("sessionid", taken.cookies)
        self.assertNotIn("sessionid", new.cookies)
        self.assertEqual(
            [m.to for m in mail.outbox], [["baru@example.test"], ["siti@example.test"]]
        )
        self.assertIn("Anda sudah memiliki akun", mail.outbox[1].body)
        self.assertEqual(User.objects.filter(email__iexact="siti@example.test").count(), 1)
        # the pages shown after either are the same page (but for the form's CSRF token)
        pages = [
            re.sub(r'value="[^"]{64}"', "", self.client.get(answer["Location"]).content.decode())
            for answer in (new, taken)
        ]
        self.assertEqual(pages[0], pages[1])

    def test_web_sign_in_is_rate_limited(self) -> None:
        for _ in range(5):
            self.client.post("/masuk/", {"username": "agus", "password": "x"})
        locked = self.client.post(
            "/masuk/", {"username": "agus", "password": "correct horse battery"}
        )
        self.assertEqual(locked.status_code, 429)


@override_settings(TASKS=MAILS_AT_ONCE)
class PasswordResetTests(BaseTestCase):
    def test_a_reset_link_by_email_sets_a_new_password(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post("/masuk/lupa-sandi/", {"email": "siti@example.test"})
        self.assertRedirects(response, "/masuk/lupa-sandi/terkirim/")
        self.assertEqual(len(mail.outbox), 1)
        link = re.search(r"http://testserver(/masuk/sandi-baru/\S+)", str(mail.outbox[0].body))
        assert link is not None
        form = self.client.get(link.group(1), follow=True)
        self.assertContains(form, "new_password1")
        done = self.client.post(
            form.redirect_chain[-1][0],
            {"new_password1": "kata-sandi-baru-99", "new_password2": "kata-sandi-baru-99"},
        )
        self.assertRedirects(done, "/masuk/sandi-baru/selesai/")
        self.siti.refresh_from_db()
        self.assertTrue(self.siti.check_password("kata-sandi-baru-99"))

    def test_the_reset_forms_name_their_fields(self) -> None:
        empty = self.client.post("/masuk/lupa-sandi/", {"email": ""})
        self.assertEqual(empty.context["form"].errors, {"email": ["Masukkan alamat email Anda"]})
        self.assertEqual(len(mail.outbox), 0)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post("/masuk/lupa-sandi/", {"email": "siti@example.test"})
        link = re.search(r"http://testserver(/masuk/sandi-baru/\S+)", str(mail.outbox[0].body))
        assert link is not None
        form = self.client.get(link.group(1), follow=True)
        url = form.redirect_chain[-1][0]
        blank = self.client.post(url, {"new_password1": "", "new_password2": ""})
        self.assertEqual(
            blank.context["form"].errors,
            {
                "new_password1": ["Masukkan kata sandi baru"],
                "new_password2": ["Masukkan kata sandi baru sekali lagi"],
            },
        )
        different = self.client.post(
            url, {"new_password1": "kata-sandi-baru-99", "new_password2": "kata-sandi-lain-99"}
        )
        self.assertEqual(
            different.context["form"].errors, {"new_password2": ["Kedua kata sandi tidak sama."]}
        )
        self.siti.refresh_from_db()
        self.assertTrue(self.siti.check_password(PASSWORD))
