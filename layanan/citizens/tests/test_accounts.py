"""Sign up, profile, sign in by email or phone, password reset by email."""

import re

from django.core import mail

from layanan.accounts.models import User
from layanan.citizens.models import Profile
from layanan.test import BaseTestCase

SIGN_UP = {
    "full_name": "Wati Susanti",
    "nik": "3399016501950002",
    "email": "wati@example.test",
    "phone": "+62 812 1111 2222",
    "address": "Jl. Merdeka 1, Kota Contoh",
    "password1": "sangat-rahasia-2026",
    "password2": "sangat-rahasia-2026",
}


class SignUpTests(BaseTestCase):
    def test_a_citizen_signs_up_and_is_signed_in(self) -> None:
        response = self.client.post("/daftar/", SIGN_UP)
        self.assertRedirects(response, "/permohonan/")
        user = User.objects.get(email="wati@example.test")
        self.assertEqual(
            (user.phone, Profile.objects.get(user=user).nik), ("+6281211112222", "3399016501950002")
        )
        self.client.logout()
        for login in ("wati@example.test", "081211112222"):
            self.client.logout()
            signed_in = self.client.post(
                "/masuk/", {"username": login, "password": "sangat-rahasia-2026"}
            )
            self.assertEqual(signed_in.status_code, 302, login)

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

    def test_an_address_already_used_is_refused(self) -> None:
        response = self.client.post("/daftar/", {**SIGN_UP, "email": "siti@example.test"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("email", response.context["form"].errors)

    def test_the_profile_can_be_changed(self) -> None:
        self.login(self.siti)
        response = self.client.post(
            "/profil/",
            {
                "full_name": "Siti R.",
                "email": "siti@example.test",
                "phone": "",
                "nik": "",
                "address": "Desa",
            },
        )
        self.assertRedirects(response, "/profil/")
        self.siti.refresh_from_db()
        self.assertEqual(
            (self.siti.full_name, Profile.objects.get(user=self.siti).address), ("Siti R.", "Desa")
        )

    def test_web_sign_in_is_rate_limited(self) -> None:
        for _ in range(5):
            self.client.post("/masuk/", {"username": "agus", "password": "x"})
        locked = self.client.post(
            "/masuk/", {"username": "agus", "password": "correct horse battery"}
        )
        self.assertEqual(locked.status_code, 429)


class PasswordResetTests(BaseTestCase):
    def test_a_reset_link_by_email_sets_a_new_password(self) -> None:
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
