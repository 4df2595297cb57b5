"""The demo citizens have phone numbers, sign in with them, and the start banner says so; the
demo officers sign in with the code of the published demo secret."""

from __future__ import annotations

import base64
import shlex
import subprocess
import sys

from django.core.cache import cache
from django.test import TestCase
from django_otp.plugins.otp_totp.models import TOTPDevice

from layanan.accounts.models import User
from layanan.accounts.second_factor import DEMO_KEY, DEMO_SECRET
from layanan.portal.demo_data import PASSWORD, ensure_accounts
from layanan.portal.management.commands.demo import Command
from layanan.test import totp_code


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


class DemoSecondFactorTests(TestCase):
    """petugas, atasan and admin sign in with the published demo secret; nobody else has it."""

    def setUp(self) -> None:
        cache.clear()
        ensure_accounts()

    def test_the_demo_officers_have_the_demo_key_and_the_citizens_none(self) -> None:
        owners = set(
            TOTPDevice.objects.filter(key=DEMO_KEY, confirmed=True).values_list(
                "user__username", flat=True
            )
        )
        self.assertEqual(owners, {"petugas", "atasan", "admin"})
        self.assertFalse(TOTPDevice.objects.filter(user__username__startswith="warga").exists())
        self.assertEqual(ensure_accounts(), 0)  # loading again changes nothing

    def test_petugas_signs_in_with_the_code_of_the_published_secret(self) -> None:
        response = self.client.post("/masuk/", {"username": "petugas", "password": PASSWORD})
        self.assertRedirects(response, "/masuk/kode/", fetch_redirect_response=False)
        self.assertNotIn("_auth_user_id", self.client.session)
        code = totp_code(base64.b32decode(DEMO_SECRET).hex())
        self.assertEqual(self.client.post("/masuk/kode/", {"code": code}).status_code, 302)
        self.assertEqual(
            User.objects.get(pk=self.client.session["_auth_user_id"]).username, "petugas"
        )

    def test_the_banner_prints_the_secret_and_a_command_that_gives_the_code(self) -> None:
        banner = Command().banner("http://127.0.0.1:8000/")
        self.assertIn("LAYANANDEMOTOTPA", banner)
        self.assertIn("admin    superuser (Django admin) [code needed]", banner)
        line = next(line for line in banner.splitlines() if "python -c" in line)
        program = shlex.split(line.strip())[2]
        for _attempt in range(3):  # the 30 s step may turn between the two computations
            printed = subprocess.run(
                [sys.executable, "-c", program], capture_output=True, text=True, check=True
            ).stdout.strip()
            if printed == totp_code(DEMO_KEY):
                break
        self.assertEqual(printed, totp_code(DEMO_KEY))
