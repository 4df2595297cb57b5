"""API tokens: listed on the profile and revocable one by one, revoked by logout and by a
password change (reset link, counter code, or any other way), expiring sooner for officers."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import time_machine
from django.core import mail
from django.core.cache import cache
from django.test import override_settings

from layanan.accounts.models import AccountEvent, ApiToken, User
from layanan.accounts.tokens import issue_token
from layanan.agencies.models import OfficerRole, Role
from layanan.citizens.tests.test_setup_code import NEW_PASSWORD, SetupCodeTestCase
from layanan.test import PASSWORD, BaseTestCase, otp_code

NEW = "pohon mangga berbuah lebat"


class TokenTestCase(BaseTestCase):
    def setUp(self) -> None:
        cache.clear()

    def token(self, user: User, *, agent: str = "kurir/1.0", **extra: Any) -> str:
        body = {"username": user.username, "password": PASSWORD, **extra}
        response = self.client.post(
            "/api/v1/auth/token",
            body,
            content_type="application/json",
            headers={"User-Agent": agent},
        )
        self.assertEqual(response.status_code, 200, response.content)
        return str(response.json()["token"])

    def api(self, token: str) -> int:
        response = self.client.get(
            "/api/v1/applications", headers={"Authorization": f"Bearer {token}"}
        )
        return response.status_code

    def kinds(self, user: User) -> list[str]:
        return list(
            AccountEvent.objects.filter(user=user).order_by("pk").values_list("kind", flat=True)
        )


class ProfileListingTests(TokenTestCase):
    def test_siti_sees_her_tokens_and_revokes_one(self) -> None:
        phone_app = self.token(self.siti, agent="Aplikasi Warga Android")
        laptop = self.token(self.siti, agent="curl/8.5")
        self.api(laptop)
        self.token(self.agus, agent="Aplikasi Agus")
        self.login(self.siti)
        page = self.client.get("/profil/")
        self.assertContains(page, "Token akses API")
        self.assertContains(page, "Aplikasi Warga Android")
        self.assertContains(page, "curl/8.5")
        self.assertNotContains(page, "Aplikasi Agus")
        self.assertContains(page, "belum pernah")  # the phone app's token was never used
        row = ApiToken.objects.get(user=self.siti, label="curl/8.5")
        self.assertIsNotNone(row.last_used_at)
        response = self.client.post(f"/akun/token/{row.pk}/cabut/")
        self.assertRedirects(response, "/profil/", fetch_redirect_response=False)
        self.assertEqual(self.api(laptop), 401)
        self.assertEqual(self.api(phone_app), 200)
        self.assertNotContains(self.client.get("/profil/"), "curl/8.5")
        self.assertEqual(self.kinds(self.siti).count("token_issued"), 2)
        self.assertEqual(self.kinds(self.siti)[-1], "token_revoked")

    def test_another_persons_token_is_404_and_stays(self) -> None:
        agus_token = self.token(self.agus)
        row = ApiToken.objects.get(user=self.agus)
        self.login(self.siti)
        self.assertEqual(self.client.post(f"/akun/token/{row.pk}/cabut/").status_code, 404)
        self.assertEqual(self.api(agus_token), 200)
        self.assertNotIn("token_revoked", self.kinds(self.agus))

    def test_revoking_needs_a_post_and_a_sign_in(self) -> None:
        self.token(self.siti)
        row = ApiToken.objects.get(user=self.siti)
        self.assertEqual(self.client.post(f"/akun/token/{row.pk}/cabut/").status_code, 302)
        self.login(self.siti)
        self.assertEqual(self.client.get(f"/akun/token/{row.pk}/cabut/").status_code, 405)
        row.refresh_from_db()
        self.assertIsNone(row.revoked_at)

    def test_no_tokens_says_so(self) -> None:
        self.login(self.siti)
        self.assertContains(self.client.get("/profil/"), "Anda tidak memiliki token API.")


class LogoutTests(TokenTestCase):
    def test_logout_revokes_the_presented_token_only(self) -> None:
        first = self.token(self.siti)
        second = self.token(self.siti)
        response = self.client.post(
            "/api/v1/auth/logout", headers={"Authorization": f"Bearer {first}"}
        )
        self.assertEqual(response.status_code, 204)
        self.assertEqual(self.api(first), 401)
        self.assertEqual(self.api(second), 200)
        again = self.client.post(
            "/api/v1/auth/logout", headers={"Authorization": f"Bearer {first}"}
        )
        self.assertEqual(again.status_code, 401)
        self.assertEqual(again.json()["code"], "unauthenticated")
        self.assertEqual(self.kinds(self.siti).count("token_revoked"), 1)

    def test_logout_without_a_token_is_401(self) -> None:
        response = self.client.post("/api/v1/auth/logout")
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.json()["code"], "unauthenticated")


class LifetimeTests(TokenTestCase):
    def test_a_citizen_token_expires_after_30_days(self) -> None:
        token = self.token(self.siti)
        with time_machine.travel(dt.timedelta(days=29, hours=23)):
            self.assertEqual(self.api(token), 200)
        with time_machine.travel(dt.timedelta(days=30, minutes=1)):
            self.assertEqual(self.api(token), 401)
            self.login(self.siti)
            self.assertContains(self.client.get("/profil/"), "Anda tidak memiliki token API.")

    def test_an_officer_token_expires_after_12_hours(self) -> None:
        token = self.token(self.budi, otp=otp_code(self.budi))
        with time_machine.travel(dt.timedelta(hours=11, minutes=59)):
            self.assertEqual(self.api(token), 200)
        with time_machine.travel(dt.timedelta(hours=12, minutes=1)):
            self.assertEqual(self.api(token), 401)

    @override_settings(LAYANAN_TOKEN_DAYS=2, LAYANAN_OFFICER_TOKEN_HOURS=1)
    def test_the_lifetimes_are_configurable(self) -> None:
        citizen = self.token(self.siti)
        officer = self.token(self.budi, otp=otp_code(self.budi))
        with time_machine.travel(dt.timedelta(hours=1, minutes=1)):
            self.assertEqual(self.api(officer), 401)
            self.assertEqual(self.api(citizen), 200)
        with time_machine.travel(dt.timedelta(days=2, minutes=1)):
            self.assertEqual(self.api(citizen), 401)


class RoleChangeTests(TokenTestCase):
    def test_a_citizens_long_token_stops_when_the_account_becomes_an_officers(self) -> None:
        token = self.token(self.agus)
        self.assertEqual(self.api(token), 200)
        OfficerRole.objects.create(user=self.agus, unit=self.loket, role=Role.PROCESSOR)
        self.assertEqual(self.api(token), 401)


@override_settings(
    TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
)
class PasswordChangeTests(TokenTestCase):
    def test_a_password_reset_revokes_every_token(self) -> None:
        tokens = [self.token(self.siti), self.token(self.siti)]
        with self.captureOnCommitCallbacks(execute=True):  # the reset mail is sent as a task
            self.client.post("/masuk/lupa-sandi/", {"email": "siti@example.test"})
        link = re.search(r"http://testserver(/masuk/sandi-baru/\S+/)", str(mail.outbox[-1].body))
        assert link is not None
        form = self.client.get(link.group(1), follow=True)
        response = self.client.post(
            form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW}
        )
        self.assertEqual(response.status_code, 302)
        for token in tokens:
            self.assertEqual(self.api(token), 401)
        self.assertFalse(ApiToken.objects.filter(user=self.siti, revoked_at__isnull=True))
        self.assertEqual(self.kinds(self.siti)[-2:], ["password_reset", "token_revoked"])

    def test_a_password_changed_any_other_way_ends_the_old_tokens_too(self) -> None:
        token = self.token(self.siti)
        self.siti.set_password(NEW)  # e.g. by an administrator, or `layanan changepassword`
        self.siti.save(update_fields=["password"])
        self.assertEqual(self.api(token), 401)


class CounterCodeTests(SetupCodeTestCase):
    def test_setting_the_password_with_a_counter_code_revokes_the_tokens(self) -> None:
        code = self.give_code(self.file_for_tono())
        token, _row = issue_token(self.tono, label="old phone")
        response = self.redeem(code)
        self.assertEqual(response.status_code, 302)
        listing = self.client.get(
            "/api/v1/applications", headers={"Authorization": f"Bearer {token}"}
        )
        self.assertEqual(listing.status_code, 401)
        self.assertIsNotNone(ApiToken.objects.get(user=self.tono).revoked_at)
        self.assertTrue(self.tono.check_password(NEW_PASSWORD))
        self.assertEqual(
            list(
                AccountEvent.objects.filter(user=self.tono)
                .order_by("pk")
                .values_list("kind", flat=True)
            )[-2:],
            ["password_set_with_code", "token_revoked"],
        )
