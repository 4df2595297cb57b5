"""The demo citizens have phone numbers, sign in with them, and the start banner says so."""

from __future__ import annotations

from django.core.cache import cache
from django.test import TestCase

from layanan.accounts.models import User
from layanan.portal.demo_data import PASSWORD, ensure_accounts
from layanan.portal.management.commands.demo import Command


class DemoPhoneTests(TestCase):
    def setUp(self) -> None:
        cache.clear()
        ensure_accounts()

    def test_the_demo_citizens_have_their_numbers(self) -> None:
        phones = dict(User.objects.values_list("username", "phone"))
        self.assertEqual(phones["warga"], "+6281200000001")
        self.assertEqual(phones["warga2"], "+6281200000002")
        self.assertEqual(phones["petugas"], "")
        self.assertEqual(ensure_accounts(), 0)  # loading again changes nothing

    def test_warga_signs_in_with_the_number_as_printed(self) -> None:
        for login, username in (("0812-0000-0001", "warga"), ("0812 0000 0002", "warga2")):
            self.client.logout()
            response = self.client.post("/masuk/", {"username": login, "password": PASSWORD})
            self.assertEqual(response.status_code, 302, login)
            user = User.objects.get(pk=self.client.session["_auth_user_id"])
            self.assertEqual(user.username, username)

    def test_a_number_somebody_signed_up_with_is_not_taken_from_them(self) -> None:
        User.objects.filter(username="warga2").update(phone="")
        wati = User.objects.create_user(username="wati", phone="+6281200000002")
        ensure_accounts()
        wati.refresh_from_db()
        self.assertEqual(wati.phone, "+6281200000002")
        self.assertEqual(User.objects.get(username="warga2").phone, "")

    def test_the_start_banner_prints_the_numbers(self) -> None:
        banner = Command().banner("http://127.0.0.1:8000/")
        self.assertIn("warga    citizen (or sign in with 0812-0000-0001)", banner)
        self.assertIn("warga2   citizen (or sign in with 0812-0000-0002)", banner)
