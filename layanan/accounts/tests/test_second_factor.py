"""The second factor on every surface: /masuk/, the admin, and the API token endpoint.

budi (officer) and root (superuser) must give a code after the password; siti (citizen) signs
in with her password alone until she turns two-step verification on herself.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from typing import Any

import time_machine
from django.core.cache import cache
from django.core.checks import run_checks
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from layanan.accounts import throttle
from layanan.accounts.models import AccountEvent, ApiToken, User
from layanan.accounts.second_factor import DEMO_KEY
from layanan.agencies.models import OfficerRole, Role
from layanan.test import (
    PASSWORD,
    BaseTestCase,
    otp_code,
    second_factor_device,
    sign_in_with_code,
    totp_code,
)

SECRET = re.compile(r'<code id="secret-key">([A-Z2-7 ]+)</code>')


def key_of(secret_text: str) -> str:
    """The hex key of the secret the enrolment page shows in groups of four."""
    secret = secret_text.replace(" ", "")
    return base64.b32decode(secret + "=" * (-len(secret) % 8)).hex()


class SecondFactorTestCase(BaseTestCase):
    def setUp(self) -> None:
        cache.clear()  # attempt counters live in the cache

    def password(self, user: User, **extra: Any) -> Any:
        self.client.logout()
        return self.client.post(
            "/masuk/", {"username": user.username, "password": PASSWORD, **extra}
        )

    def signed_in_as(self) -> str | None:
        return self.client.session.get("_auth_user_id")

    def kinds(self, user: User) -> list[str]:
        return list(
            AccountEvent.objects.filter(user=user).order_by("pk").values_list("kind", flat=True)
        )


class OfficerWebSignInTests(SecondFactorTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.device = second_factor_device(self.budi)

    def test_a_password_alone_does_not_sign_budi_in(self) -> None:
        response = self.password(self.budi, next="/kantor/")
        self.assertRedirects(response, "/masuk/kode/", fetch_redirect_response=False)
        self.assertIsNone(self.signed_in_as())
        queue = self.client.get("/kantor/")
        self.assertEqual(queue.status_code, 302)
        self.assertIn("/masuk/", queue["Location"])
        page = self.client.get("/masuk/kode/")
        self.assertContains(page, "Masukkan kode Anda")
        self.assertContains(page, 'autocomplete="one-time-code"')

    def test_the_code_signs_him_in_and_follows_next(self) -> None:
        self.password(self.budi, next="/kantor/")
        response = self.client.post("/masuk/kode/", {"code": totp_code(self.device.key)})
        self.assertRedirects(response, "/kantor/", fetch_redirect_response=False)
        self.assertEqual(self.signed_in_as(), str(self.budi.pk))
        self.assertEqual(self.client.get("/kantor/").status_code, 200)

    def test_a_wrong_code_is_refused_next_to_the_field(self) -> None:
        self.password(self.budi)
        right = totp_code(self.device.key)
        wrong = f"{(int(right) + 1) % 1_000_000:06d}"
        response = self.client.post("/masuk/kode/", {"code": wrong})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.context["form"].errors,
            {
                "code": [
                    "Kode tidak benar. Masukkan 6 angka yang ditampilkan aplikasi Anda saat "
                    "ini, atau kode pemulihan yang belum dipakai"
                ]
            },
        )
        self.assertIsNone(self.signed_in_as())
        empty = self.client.post("/masuk/kode/", {"code": ""})
        self.assertContains(empty, "Masukkan kode dari aplikasi autentikator", status_code=400)

    def test_five_wrong_codes_lock_the_account_even_for_the_right_code(self) -> None:
        self.password(self.budi)
        for attempt in range(5):
            with time_machine.travel(dt.timedelta(minutes=attempt)):
                self.client.post("/masuk/kode/", {"code": "000000"})
        locked = self.client.post("/masuk/kode/", {"code": otp_code(self.budi)})
        # the wait runs from the fifth wrong code (4 minutes in): 9 minutes from now
        self.assertContains(
            locked, "Terlalu banyak percobaan. Coba lagi dalam 9 menit.", status_code=429
        )
        self.assertIsNone(self.signed_in_as())
        # the owner proving themselves another way (a password reset) lifts it
        throttle.clear_account(self.budi)
        done = self.client.post("/masuk/kode/", {"code": otp_code(self.budi)})
        self.assertEqual(done.status_code, 302)
        self.assertEqual(self.signed_in_as(), str(self.budi.pk))

    def test_the_password_step_expires_after_ten_minutes(self) -> None:
        self.password(self.budi)
        with time_machine.travel(dt.timedelta(minutes=11)):
            response = self.client.post("/masuk/kode/", {"code": otp_code(self.budi)})
        self.assertRedirects(response, "/masuk/", fetch_redirect_response=False)
        self.assertIsNone(self.signed_in_as())

    def test_a_code_without_the_password_step_goes_back_to_the_password(self) -> None:
        response = self.client.post("/masuk/kode/", {"code": otp_code(self.budi)})
        self.assertRedirects(response, "/masuk/", fetch_redirect_response=False)
        self.assertIsNone(self.signed_in_as())

    def test_a_recovery_code_works_once(self) -> None:
        recovery = StaticDevice.objects.create(user=self.budi, name="recovery codes")
        StaticToken.objects.create(device=recovery, token="abcd2345")
        StaticToken.objects.create(device=recovery, token="wxyz6789")
        self.password(self.budi)
        response = self.client.post("/masuk/kode/", {"code": "ABCD 2345"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.signed_in_as(), str(self.budi.pk))
        self.assertContains(
            self.client.get("/"), "Anda memakai kode pemulihan. Tersisa 1 kode pemulihan."
        )
        self.assertEqual(self.kinds(self.budi)[-1], "recovery_code_used")
        self.password(self.budi)
        again = self.client.post("/masuk/kode/", {"code": "abcd2345"})
        self.assertEqual(again.status_code, 400)
        self.assertIsNone(self.signed_in_as())
        self.assertEqual(list(recovery.token_set.values_list("token", flat=True)), ["wxyz6789"])

    def test_the_code_step_cannot_be_skipped_by_a_password_reset_in_between(self) -> None:
        self.password(self.budi)
        self.budi.set_password("another long password 2026")
        self.budi.save(update_fields=["password"])
        response = self.client.post("/masuk/kode/", {"code": otp_code(self.budi)})
        self.assertRedirects(response, "/masuk/", fetch_redirect_response=False)
        self.assertIsNone(self.signed_in_as())


class EnrolmentTests(SecondFactorTestCase):
    def test_an_officer_without_an_app_sets_one_up_then_is_signed_in(self) -> None:
        response = self.password(self.charlie, next="/kantor/")
        self.assertRedirects(
            response, "/akun/verifikasi-dua-langkah/", fetch_redirect_response=False
        )
        self.assertIsNone(self.signed_in_as())
        page = self.client.get("/akun/verifikasi-dua-langkah/")
        self.assertContains(page, "<svg")
        self.assertContains(page, "Petugas masuk dengan kata sandi dan kode")
        found = SECRET.search(page.content.decode())
        assert found is not None
        key = key_of(found.group(1))
        self.assertNotEqual(key, DEMO_KEY)
        wrong = self.client.post("/akun/verifikasi-dua-langkah/", {"code": "12345"})
        self.assertEqual(wrong.status_code, 400)
        self.assertIsNone(self.signed_in_as())
        self.assertFalse(TOTPDevice.objects.filter(user=self.charlie, confirmed=True).exists())
        done = self.client.post("/akun/verifikasi-dua-langkah/", {"code": totp_code(key)})
        self.assertRedirects(done, "/akun/kode-pemulihan/", fetch_redirect_response=False)
        self.assertEqual(self.signed_in_as(), str(self.charlie.pk))
        device = TOTPDevice.objects.get(user=self.charlie)
        self.assertTrue(device.confirmed)
        self.assertEqual(device.key, key)
        codes_page = self.client.get("/akun/kode-pemulihan/")
        codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", codes_page.content.decode())
        self.assertEqual(len(codes), 10)
        stored = StaticToken.objects.filter(device__user=self.charlie)
        self.assertEqual(sorted(codes), sorted(stored.values_list("token", flat=True)))
        self.assertContains(codes_page, 'href="/kantor/"')
        # shown once
        self.assertRedirects(
            self.client.get("/akun/kode-pemulihan/"), "/profil/", fetch_redirect_response=False
        )
        self.assertIn("second_factor_enabled", self.kinds(self.charlie))
        # from now on: password, then code
        self.assertRedirects(
            self.password(self.charlie), "/masuk/kode/", fetch_redirect_response=False
        )

    def test_the_demo_key_is_refused_when_confirming(self) -> None:
        self.password(self.charlie)
        self.client.get("/akun/verifikasi-dua-langkah/")
        TOTPDevice.objects.filter(user=self.charlie).update(key=DEMO_KEY)
        response = self.client.post("/akun/verifikasi-dua-langkah/", {"code": totp_code(DEMO_KEY)})
        self.assertContains(
            response,
            "Kunci ini sudah dipublikasikan dan tidak dapat melindungi akun.",
            status_code=400,
        )
        self.assertFalse(TOTPDevice.objects.filter(user=self.charlie, confirmed=True).exists())
        self.assertIsNone(self.signed_in_as())

    def test_the_deploy_check_warns_about_a_demo_device(self) -> None:
        def warnings() -> list[str]:
            return [
                message.id or ""
                for message in run_checks(include_deployment_checks=True)
                if message.id == "layanan.accounts.W001"
            ]

        self.assertEqual(warnings(), [])
        TOTPDevice.objects.create(user=self.budi, key=DEMO_KEY, confirmed=True)
        self.assertEqual(warnings(), ["layanan.accounts.W001"])


class CitizenTests(SecondFactorTestCase):
    def test_siti_signs_in_with_her_password_alone(self) -> None:
        response = self.password(self.siti)
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertEqual(self.signed_in_as(), str(self.siti.pk))
        self.assertContains(self.client.get("/profil/"), "Nonaktif")

    def test_siti_turns_it_on_from_her_profile_and_off_again(self) -> None:
        self.login(self.siti)
        page = self.client.get("/akun/verifikasi-dua-langkah/")
        found = SECRET.search(page.content.decode())
        assert found is not None
        key = key_of(found.group(1))
        self.assertNotContains(page, "Petugas masuk dengan kata sandi dan kode")
        self.client.post("/akun/verifikasi-dua-langkah/", {"code": totp_code(key)})
        self.assertEqual(len(self.client.get("/akun/kode-pemulihan/").context["codes"]), 10)
        self.assertContains(self.client.get("/profil/"), "Anda memiliki 10 kode pemulihan")
        # now the password alone is not enough
        self.assertRedirects(
            self.password(self.siti), "/masuk/kode/", fetch_redirect_response=False
        )
        self.assertEqual(sign_in_with_code(self.client, self.siti).status_code, 302)
        self.assertEqual(self.signed_in_as(), str(self.siti.pk))
        # turning it off takes a current code
        refused = self.client.post("/akun/verifikasi-dua-langkah/matikan/", {"code": "000000"})
        self.assertEqual(refused.status_code, 400)
        self.assertTrue(TOTPDevice.objects.filter(user=self.siti).exists())
        off = self.client.post(
            "/akun/verifikasi-dua-langkah/matikan/", {"code": otp_code(self.siti)}
        )
        self.assertRedirects(off, "/profil/", fetch_redirect_response=False)
        self.assertFalse(TOTPDevice.objects.filter(user=self.siti).exists())
        self.assertFalse(StaticDevice.objects.filter(user=self.siti).exists())
        self.assertEqual(
            self.kinds(self.siti)[-2:], ["second_factor_enabled", "second_factor_removed"]
        )
        self.assertRedirects(self.password(self.siti), "/", fetch_redirect_response=False)

    def test_an_officer_cannot_turn_it_off(self) -> None:
        self.login(self.budi)
        response = self.client.post(
            "/akun/verifikasi-dua-langkah/matikan/", {"code": otp_code(self.budi)}
        )
        self.assertEqual(response.status_code, 403)
        self.assertTrue(TOTPDevice.objects.filter(user=self.budi, confirmed=True).exists())
        self.assertNotContains(self.client.get("/profil/"), "/akun/verifikasi-dua-langkah/matikan/")


class AdminTests(SecondFactorTestCase):
    def test_the_admin_sign_in_asks_for_the_code(self) -> None:
        device = second_factor_device(self.root)
        self.client.logout()
        form = self.client.get("/admin/login/?next=/admin/")
        self.assertContains(form, 'name="username"')
        response = self.client.post(
            "/admin/login/?next=/admin/", {"username": "root", "password": PASSWORD}
        )
        self.assertRedirects(response, "/masuk/kode/", fetch_redirect_response=False)
        self.assertIsNone(self.signed_in_as())
        refused = self.client.get("/admin/")
        self.assertEqual(refused.status_code, 302)
        self.assertIn("/admin/login/", refused["Location"])
        done = self.client.post("/masuk/kode/", {"code": totp_code(device.key)})
        self.assertRedirects(done, "/admin/", fetch_redirect_response=False)
        self.assertEqual(self.client.get("/admin/").status_code, 200)

    def test_a_session_without_the_code_is_not_let_into_the_admin(self) -> None:
        self.client.force_login(self.root)  # e.g. a session from before the second factor
        response = self.client.get("/admin/accounts/user/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/admin/login/", response["Location"])

    def test_a_session_without_the_code_is_signed_out_of_the_back_office_too(self) -> None:
        second_factor_device(self.budi)
        self.client.force_login(self.budi)  # a password alone, e.g. from before the upgrade
        response = self.client.get("/kantor/")
        self.assertRedirects(response, "/masuk/?next=/kantor/", fetch_redirect_response=False)
        self.assertIsNone(self.signed_in_as())
        # the same officer, verified by a code, works as before
        self.login(self.budi)
        self.assertEqual(self.client.get("/kantor/").status_code, 200)

    def test_a_citizen_made_an_officer_must_sign_in_again_with_a_code(self) -> None:
        self.client.force_login(self.agus)
        self.assertEqual(self.client.get("/profil/").status_code, 200)
        OfficerRole.objects.create(user=self.agus, unit=self.loket, role=Role.PROCESSOR)
        # read again at the latest a minute later (the session keeps it that long)
        with time_machine.travel(dt.timedelta(minutes=2)):
            response = self.client.get("/profil/")
        self.assertEqual(response.status_code, 302)
        self.assertIsNone(self.signed_in_as())

    def test_an_administrator_resets_a_lost_phone_and_the_officer_enrols_again(self) -> None:
        second_factor_device(self.budi)
        StaticDevice.objects.create(user=self.budi, name="recovery codes")
        self.login(self.root)
        response = self.client.post(
            "/admin/accounts/user/",
            {"action": "reset_second_factor", "_selected_action": [self.budi.pk]},
        )
        self.assertEqual(response.status_code, 302)
        self.assertFalse(TOTPDevice.objects.filter(user=self.budi).exists())
        self.assertFalse(StaticDevice.objects.filter(user=self.budi).exists())
        event = AccountEvent.objects.filter(user=self.budi).latest("pk")
        self.assertEqual((event.kind, event.actor), ("second_factor_removed", self.root))
        self.assertRedirects(
            self.password(self.budi),
            "/akun/verifikasi-dua-langkah/",
            fetch_redirect_response=False,
        )

    def test_the_admin_has_no_page_to_give_an_account_a_key(self) -> None:
        self.login(self.root)
        for url in ("/admin/otp_totp/totpdevice/add/", "/admin/otp_static/staticdevice/add/"):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.get("/admin/").status_code, 200)


class ApiTokenSecondFactorTests(SecondFactorTestCase):
    def token(self, username: str, **extra: Any) -> Any:
        return self.client.post(
            "/api/v1/auth/token",
            {"username": username, "password": PASSWORD, **extra},
            content_type="application/json",
        )

    def test_an_officer_without_a_code_gets_otp_required(self) -> None:
        second_factor_device(self.budi)
        response = self.token("budi")
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.json()["code"], "otp_required")
        self.assertEqual(
            response.json()["message"], "Kirim kode dari aplikasi autentikator Anda sebagai otp."
        )
        self.assertFalse(ApiToken.objects.exists())

    def test_an_officer_who_never_set_up_an_app_is_told_to_on_the_website(self) -> None:
        response = self.token("charlie", otp="123456")
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.json()["code"], "otp_required")
        self.assertIn("situs web", response.json()["message"])
        self.assertFalse(ApiToken.objects.exists())

    def test_a_wrong_code_is_invalid_otp(self) -> None:
        second_factor_device(self.budi)
        response = self.token("budi", otp="000000")
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.json()["code"], "invalid_otp")
        self.assertFalse(ApiToken.objects.exists())

    def test_the_right_code_gets_a_token_for_twelve_hours(self) -> None:
        response = self.token("budi", otp=otp_code(self.budi))
        self.assertEqual(response.status_code, 200, response.content)
        row = ApiToken.objects.get(user=self.budi)
        lifetime = row.expires_at - row.created_at
        self.assertAlmostEqual(lifetime.total_seconds(), 12 * 3600, delta=5)
        listing = self.client.get(
            "/api/v1/applications",
            headers={"Authorization": f"Bearer {response.json()['token']}"},
        )
        self.assertEqual(listing.status_code, 200)

    def test_wrong_codes_are_limited(self) -> None:
        second_factor_device(self.budi)
        for attempt in range(5):
            with time_machine.travel(dt.timedelta(minutes=attempt)):
                self.token("budi", otp="000000")
        response = self.token("budi", otp=otp_code(self.budi))
        self.assertEqual(response.status_code, 429)
        self.assertEqual(response.json()["code"], "rate_limited")
        self.assertFalse(ApiToken.objects.exists())

    def test_a_citizen_needs_no_code_until_she_turns_it_on(self) -> None:
        self.assertEqual(self.token("siti").status_code, 200)
        second_factor_device(self.siti)
        refused = self.token("siti")
        self.assertEqual(refused.json()["code"], "otp_required")
        self.assertEqual(self.token("siti", otp=otp_code(self.siti)).status_code, 200)
