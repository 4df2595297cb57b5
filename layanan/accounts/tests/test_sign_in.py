"""Sign-in on the web (/masuk/) and through the API token endpoint, by user name, email
address or phone number in any writing; one plain message when it fails; the attempt limit."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from layanan.accounts.identifiers import email_taken, find_user_by_identifier, phone_taken
from layanan.accounts.models import ApiToken, User
from layanan.test import PASSWORD, BaseTestCase

WRITINGS = ("0812 0000 0001", "+62 812 0000 0001", "0812-0000-0001", "(0812) 0000.0001")


class SignInTestCase(BaseTestCase):
    def setUp(self) -> None:
        cache.clear()  # the attempt counters live in the cache
        User.objects.filter(pk=self.siti.pk).update(phone="+6281200000001")

    def sign_in(self, login: str, password: str = PASSWORD) -> Any:
        self.client.logout()
        return self.client.post("/masuk/", {"username": login, "password": password})

    def token(self, login: str, password: str = PASSWORD) -> Any:
        return self.client.post(
            "/api/v1/auth/token",
            {"username": login, "password": password},
            content_type="application/json",
        )


class WebSignInTests(SignInTestCase):
    def test_a_phone_number_in_any_writing_signs_siti_in(self) -> None:
        for login in WRITINGS:
            with self.subTest(login=login):
                response = self.sign_in(login)
                self.assertRedirects(response, "/", fetch_redirect_response=False)
                self.assertEqual(self.client.session["_auth_user_id"], str(self.siti.pk))

    def test_email_in_any_case_and_user_name_sign_in_too(self) -> None:
        for login in ("Siti@Example.TEST", "siti", " siti@example.test "):
            with self.subTest(login=login):
                self.assertEqual(self.sign_in(login).status_code, 302)
                self.assertEqual(self.client.session["_auth_user_id"], str(self.siti.pk))

    def test_the_page_asks_for_email_or_phone_with_the_box_focused(self) -> None:
        page = self.client.get("/masuk/")
        self.assertContains(page, "Email atau nomor HP")
        self.assertContains(page, 'autocomplete="username"')
        self.assertRegex(page.content.decode(), r'<input[^>]*name="username"[^>]*autofocus')

    def test_a_wrong_password_says_so_once_next_to_the_first_field(self) -> None:
        response = self.sign_in("0812 0000 0001", "salah")
        self.assertEqual(response.status_code, 400)
        self.assertNotIn("_auth_user_id", self.client.session)
        page = response.content.decode()
        # once in the error summary (linking to the field) and once next to the field
        self.assertEqual(page.count("Email/nomor HP atau kata sandi salah"), 2)
        self.assertIn('href="#id_username">Email/nomor HP atau kata sandi salah', page)
        self.assertNotIn("Kolom ini wajib diisi", page)

    def test_an_unknown_number_is_the_same_message(self) -> None:
        response = self.sign_in("0812 9999 9999")
        self.assertContains(response, "Email/nomor HP atau kata sandi salah", status_code=400)

    def test_empty_fields_are_named(self) -> None:
        response = self.client.post("/masuk/", {"username": "", "password": ""})
        self.assertContains(response, "Masukkan email atau nomor HP Anda", status_code=400)
        self.assertContains(response, "Masukkan kata sandi Anda", status_code=400)
        self.assertNotContains(response, "Kolom ini wajib diisi", status_code=400)

    def test_a_very_long_name_is_refused_naming_the_field(self) -> None:
        response = self.sign_in("a" * 250 + "@example.test")
        self.assertEqual(
            response.context["form"].errors,
            {"username": ["Email atau nomor HP paling banyak 254 karakter"]},
        )

    def test_an_email_shared_by_two_accounts_signs_neither_in(self) -> None:
        User.objects.filter(pk=self.agus.pk).update(email="siti@example.test")
        self.assertEqual(self.sign_in("siti@example.test").status_code, 400)
        self.assertEqual(self.sign_in("0812 0000 0001").status_code, 302)

    def test_rewriting_the_number_does_not_buy_more_attempts(self) -> None:
        for attempt in range(5):
            self.sign_in(WRITINGS[attempt % len(WRITINGS)], "salah")
        locked = self.sign_in("+6281200000001")
        self.assertEqual(locked.status_code, 429)
        self.assertNotIn("_auth_user_id", self.client.session)
        # another person's name from the same address is not locked
        self.assertEqual(self.sign_in("agus").status_code, 302)

    def test_the_english_page(self) -> None:
        self.client.cookies["django_language"] = "en"
        page = self.client.post("/masuk/", {"username": "siti", "password": "salah"})
        self.assertContains(page, "Email or phone number", status_code=400)
        self.assertContains(page, "Email/phone number or password is incorrect", status_code=400)


class ApiTokenTests(SignInTestCase):
    def test_a_phone_number_in_any_writing_gets_siti_a_token(self) -> None:
        for login in WRITINGS:
            with self.subTest(login=login):
                response = self.token(login)
                self.assertEqual(response.status_code, 200, response.content)
                self.assertTrue(response.json()["token"])
        self.assertEqual(set(ApiToken.objects.values_list("user__username", flat=True)), {"siti"})
        self.assertEqual(ApiToken.objects.count(), len(WRITINGS))

    def test_the_token_works_for_the_phone_owner(self) -> None:
        token = self.token("+62 812-0000-0001").json()["token"]
        listing = self.client.get(
            "/api/v1/applications", headers={"Authorization": f"Bearer {token}"}
        )
        self.assertEqual(listing.status_code, 200)

    def test_a_wrong_password_is_401_with_one_plain_message(self) -> None:
        response = self.token("0812 0000 0001", "salah")
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.json()["code"], "invalid_credentials")
        self.assertEqual(response.json()["message"], "Email/nomor HP atau kata sandi salah")
        self.assertFalse(ApiToken.objects.exists())

    def test_rewriting_the_number_does_not_buy_more_attempts(self) -> None:
        for attempt in range(5):
            self.token(WRITINGS[attempt % len(WRITINGS)], "salah")
        self.assertEqual(self.token("081200000001").status_code, 429)
        self.assertFalse(ApiToken.objects.exists())


class LookupIndexTests(SignInTestCase):
    def test_every_lookup_is_served_by_an_index(self) -> None:
        if connection.vendor != "sqlite":
            self.skipTest("the plan is read with SQLite's EXPLAIN QUERY PLAN")
        with CaptureQueriesContext(connection) as captured:
            for text in ("0812 0000 0001", "0812 9999 9999", "Siti@Example.test", "siti"):
                find_user_by_identifier(text)
            phone_taken("+6281200000001", exclude=self.agus)
            email_taken("SITI@example.test", exclude=self.agus)
        self.assertEqual(len(captured), 7)
        with connection.cursor() as cursor:
            for query in captured:
                cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
                plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
                self.assertNotIn("SCAN accounts_user", plan, query["sql"])
