"""The NIK at rest: sealed in the database with a key outside it, found by a keyed hash, shown
in full only to those entitled to it, and kept readable through a key rotation.

siti is a citizen who saves her NIK on her profile and applies for a birth certificate with
the mother's NIK; budi is an officer of the units that process it (and a front-office officer
at the counter); charlie is an officer elsewhere; anyone may track the application.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from io import StringIO
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from layanan.accounts.models import DataAccess
from layanan.accounts.nik_store import KeyringError, SealError, keyring, keyring_path, nik_hash
from layanan.agencies.models import OfficerRole, Role
from layanan.cases.models import Application
from layanan.cases.tests.test_api import ApiTestCase
from layanan.citizens.access import citizens_with_nik
from layanan.citizens.models import Profile
from layanan.citizens.sealing import count_by_key
from layanan.lib.sealed import is_sealed, key_id_of
from layanan.test import ANSWERS, PDF, BaseTestCase

SITI_NIK = "3399016501950002"
MOTHER_NIK = ANSWERS["nik_ibu"]  # 3374015508900001
MOTHER_MASKED = "337401******0001"
PROFILE = {"full_name": "Siti Rahayu", "email": "siti@example.test", "phone": "", "address": ""}


def raw_profile_nik(profile_pk: int) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nik, nik_hash FROM citizens_profile WHERE id = %s", [profile_pk])
        row = cursor.fetchone()
    return row[0], row[1]


def raw_answers(number: str) -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT answers FROM cases_application WHERE number = %s", [number])
        (value,) = cursor.fetchone()
    return value if isinstance(value, dict) else json.loads(value)


class SealedKeysMixin:
    """Each test that changes keys works on a copy of the keyring, in a directory of its own."""

    def copy_keyring(self) -> Path:
        keyring()  # make sure the default keyring exists before copying it
        directory = Path(tempfile.mkdtemp())
        shutil.copy2(keyring_path(), directory / "nik.json")
        self.addCleanup(shutil.rmtree, directory, True)  # type: ignore[attr-defined]
        return directory


class ProfileNikTests(SealedKeysMixin, BaseTestCase):
    def setUp(self) -> None:
        self.login(self.siti)
        response = self.client.post("/profil/", {**PROFILE, "nik": SITI_NIK})
        self.assertEqual(response.status_code, 302, response.content.decode()[:1000])
        self.profile = Profile.objects.get(user=self.siti)

    def test_the_column_holds_a_sealed_value_and_a_keyed_hash_not_the_nik(self) -> None:
        stored, stored_hash = raw_profile_nik(self.profile.pk)
        self.assertTrue(stored.startswith("sealed:"), stored)
        self.assertNotIn(SITI_NIK, stored)
        self.assertNotIn(SITI_NIK[-8:], stored)
        self.assertEqual(len(stored_hash), 64)
        self.assertNotIn(SITI_NIK, stored_hash)
        self.assertEqual(stored_hash, nik_hash(SITI_NIK))

    def test_round_trip_the_citizen_sees_her_own_nik_in_full(self) -> None:
        self.assertEqual(Profile.objects.get(user=self.siti).nik, SITI_NIK)
        response = self.client.get("/profil/")
        self.assertContains(response, f'value="{SITI_NIK}"')

    def test_the_same_nik_is_sealed_differently_each_time(self) -> None:
        first, hash_first = raw_profile_nik(self.profile.pk)
        self.client.post("/profil/", {**PROFILE, "nik": ""})
        self.client.post("/profil/", {**PROFILE, "nik": SITI_NIK})
        second, hash_second = raw_profile_nik(self.profile.pk)
        self.assertNotEqual(first, second)
        self.assertEqual(hash_first, hash_second)

    def test_removing_the_nik_clears_the_hash(self) -> None:
        self.client.post("/profil/", {**PROFILE, "nik": ""})
        self.assertEqual(raw_profile_nik(self.profile.pk), ("", ""))
        self.assertEqual(citizens_with_nik(SITI_NIK), [])

    def test_a_look_up_by_the_hash_finds_the_citizen(self) -> None:
        self.assertEqual(citizens_with_nik(SITI_NIK), [self.siti])
        self.assertEqual(citizens_with_nik("3399016501950003"), [])

    def test_the_column_cannot_be_filtered_on_by_mistake(self) -> None:
        from django.core.exceptions import FieldError

        with self.assertRaises(FieldError):
            Profile.objects.filter(nik=SITI_NIK).exists()

    def test_another_keyring_is_a_clear_error_not_a_nik_in_clear(self) -> None:
        key_id = key_id_of(raw_profile_nik(self.profile.pk)[0])
        with (
            override_settings(LAYANAN_KEYS_DIR=tempfile.mkdtemp()),
            self.assertRaises(SealError) as caught,
        ):
            self.client.get("/profil/")
        self.assertIn(key_id, str(caught.exception))

    def test_a_damaged_keyring_is_a_clear_error_naming_the_file(self) -> None:
        directory = Path(tempfile.mkdtemp())
        (directory / "nik.json").write_text("{not json")
        with (
            override_settings(LAYANAN_KEYS_DIR=directory),
            self.assertRaises(KeyringError) as caught,
        ):
            self.client.get("/profil/")
        self.assertIn(str(directory / "nik.json"), str(caught.exception))

    def test_a_damaged_or_shared_keyring_fails_the_start_up_check(self) -> None:
        from django.core.management.base import SystemCheckError

        from layanan.accounts.nik_store import check_keyring

        directory = self.copy_keyring()
        with override_settings(LAYANAN_KEYS_DIR=directory):
            self.assertEqual(check_keyring(), [])
            (directory / "nik.json").chmod(0o644)
            self.assertEqual([m.id for m in check_keyring()], ["layanan_keys.W001"])
            (directory / "nik.json").write_text("{not json")
            with self.assertRaises(SystemCheckError) as caught:
                call_command("check", stdout=StringIO(), stderr=StringIO())
        self.assertIn("layanan_keys.E001", str(caught.exception))

    def test_a_new_keyring_is_readable_by_its_owner_only(self) -> None:
        directory = Path(tempfile.mkdtemp()) / "keys"
        with override_settings(LAYANAN_KEYS_DIR=directory):
            keyring()
        self.assertEqual((directory / "nik.json").stat().st_mode & 0o777, 0o600)
        self.assertEqual(directory.stat().st_mode & 0o777, 0o700)

    def test_the_default_keyring_is_in_the_data_directory(self) -> None:
        self.assertEqual(keyring_path().parent, settings.DATA_DIR / "keys")


class AnswerNikTests(ApiTestCase):
    def setUp(self) -> None:
        self.application = self.submitted()
        self.number = self.application.number

    def test_the_answers_hold_a_sealed_nik(self) -> None:
        stored = raw_answers(self.number)
        self.assertTrue(is_sealed(stored["nik_ibu"]), stored)
        self.assertNotIn(MOTHER_NIK, json.dumps(stored))
        self.assertEqual(stored["nama_anak"], "Putri")  # other answers as they were

    def test_changing_one_answer_keeps_the_sealed_nik_as_it_was(self) -> None:
        number = self.draft()
        before = raw_answers(number)["nik_ibu"]
        response = self.call(
            "patch", f"/api/v1/applications/{number}", "siti", json={"answers": {"nama_anak": "A"}}
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(raw_answers(number)["nik_ibu"], before)
        self.assertEqual(response.json()["answers"]["nik_ibu"], MOTHER_NIK)

    def test_the_web_pages_of_the_citizen_show_it_in_full(self) -> None:
        self.login(self.siti)
        self.assertContains(self.client.get(f"/permohonan/{self.number}/"), MOTHER_NIK)
        number = self.draft()
        self.assertContains(self.client.get(f"/permohonan/{number}/periksa/"), MOTHER_NIK)
        page = self.client.get(f"/permohonan/{number}/isian/data/")
        self.assertContains(page, f'value="{MOTHER_NIK}"')

    def test_the_api_gives_the_applicant_the_nik_in_full(self) -> None:
        response = self.call("get", f"/api/v1/applications/{self.number}", "siti")
        self.assertEqual(response.json()["answers"]["nik_ibu"], MOTHER_NIK)

    def test_the_api_gives_an_officer_the_nik_in_full_and_logs_the_read(self) -> None:
        response = self.call("get", f"/api/v1/applications/{self.number}", "budi")
        self.assertEqual(response.json()["answers"]["nik_ibu"], MOTHER_NIK)
        self.assertTrue(
            DataAccess.objects.filter(
                citizen=self.siti, reader=self.budi, application_number=self.number
            ).exists()
        )

    def test_the_step_page_shows_it_in_full_to_the_unit_and_logs_the_read(self) -> None:
        self.login(self.budi)
        response = self.client.get(f"/kantor/langkah/{self.number}/verifikasi/")
        self.assertContains(response, MOTHER_NIK)
        self.assertTrue(
            DataAccess.objects.filter(
                citizen=self.siti, reader=self.budi, application_number=self.number
            ).exists()
        )

    def test_an_officer_elsewhere_sees_nothing(self) -> None:
        self.login(self.charlie)
        response = self.client.get(f"/kantor/langkah/{self.number}/verifikasi/")
        self.assertEqual(response.status_code, 404)
        self.assertNotContains(response, MOTHER_NIK, status_code=404)

    def test_public_tracking_shows_neither_the_nik_nor_its_mask(self) -> None:
        page = self.client.get(f"/lacak/{self.number}/")
        self.assertEqual(page.status_code, 200)
        api = self.client.get(f"/api/v1/track/{self.number}")
        self.assertEqual(api.status_code, 200)
        for body in (page.content.decode(), api.content.decode()):
            self.assertNotIn(MOTHER_NIK, body)
            self.assertNotIn(MOTHER_MASKED, body)

    def test_a_page_not_entitled_to_it_gets_the_mask(self) -> None:
        from layanan.cases.views_citizen import answer_rows

        rows = {row["key"]: row["value"] for row in answer_rows(self.application)}
        self.assertEqual(rows["nik_ibu"], MOTHER_MASKED)
        full = {r["key"]: r["value"] for r in answer_rows(self.application, full_nik=True)}
        self.assertEqual(full["nik_ibu"], MOTHER_NIK)


class CounterNikTests(BaseTestCase):
    """budi at the counter finds siti by the NIK of her KTP-el."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        OfficerRole.objects.create(user=cls.budi, unit=cls.loket, role=Role.FRONT_OFFICE)

    def setUp(self) -> None:
        self.client.force_login(self.siti)
        self.client.post("/profil/", {**PROFILE, "nik": SITI_NIK})
        self.client.logout()
        self.login(self.budi)

    def counter(self, **data: str) -> Any:
        return self.client.post(
            "/kantor/loket/", {"service": "akta-kelahiran", "full_name": "", "nik": "", **data}
        )

    def test_the_nik_as_contact_finds_the_citizen(self) -> None:
        response = self.counter(contact="3399 0165 0195 0002")
        self.assertEqual(response.status_code, 302, response.content.decode()[:2000])
        application = Application.objects.get()
        self.assertEqual(application.applicant, self.siti)

    def test_a_nik_nobody_has_says_so_next_to_the_contact(self) -> None:
        response = self.counter(contact="3399016501950003")
        self.assertContains(response, "id_contact", status_code=400)
        self.assertContains(response, "Tidak ada akun dengan NIK ini", status_code=400, html=False)
        self.assertFalse(Application.objects.exists())

    def test_a_nik_two_accounts_hold_names_nobody_for_sure(self) -> None:
        self.client.force_login(self.agus)
        self.client.post("/profil/", {**PROFILE, "email": "agus@example.test", "nik": SITI_NIK})
        self.login(self.budi)
        response = self.counter(contact=SITI_NIK)
        self.assertContains(response, "Lebih dari satu akun memakai NIK ini", status_code=400)
        self.assertFalse(Application.objects.exists())

    def test_a_new_account_with_a_nik_that_has_one_is_refused(self) -> None:
        response = self.counter(contact="0812 9999 0000", full_name="Tono", nik=SITI_NIK)
        self.assertContains(response, "Sudah ada akun dengan NIK ini", status_code=400)
        self.assertFalse(Application.objects.exists())
        self.assertFalse(Profile.objects.exclude(user=self.siti).exists())

    def test_the_filing_officer_sees_the_nik_while_filing_and_the_receipt_masks_it(self) -> None:
        self.counter(contact=SITI_NIK)
        application = Application.objects.get()
        base = f"/permohonan/{application.number}"
        self.assertEqual(self.client.post(f"{base}/isian/data/", ANSWERS).status_code, 302)
        self.assertContains(self.client.get(f"{base}/periksa/"), MOTHER_NIK)
        from django.core.files.uploadedfile import SimpleUploadedFile

        self.client.post(
            f"{base}/dokumen/",
            {"requirement": "surat_lahir", "file": SimpleUploadedFile("lahir.pdf", PDF)},
        )
        response = self.client.post(f"{base}/periksa/", {"declaration": "on"})
        self.assertEqual(response.status_code, 302, response.content.decode()[:3000])
        receipt = self.client.get(response["Location"])
        self.assertContains(receipt, "339901******0002")
        self.assertNotContains(receipt, SITI_NIK)
        # Once filed, the officer's filing pages are closed: the answers are the citizen's.
        self.assertEqual(self.client.get(f"{base}/periksa/").status_code, 404)


class RotationTests(SealedKeysMixin, ApiTestCase):
    def setUp(self) -> None:
        self.directory = self.copy_keyring()
        self.override = override_settings(LAYANAN_KEYS_DIR=self.directory)
        self.override.enable()
        self.addCleanup(self.override.disable)
        self.application = self.submitted()
        self.client.force_login(self.siti)
        self.client.post("/profil/", {**PROFILE, "nik": SITI_NIK})
        self.profile = Profile.objects.get(user=self.siti)
        self.old = keyring().current

    def test_rotate_then_reencrypt_keeps_every_value_readable_and_retires_the_old_key(self):
        call_command("keys", "rotate", stdout=StringIO())
        new = keyring().current
        self.assertNotEqual(new, self.old)
        # New writes use the new key; old values still open.
        number = self.draft()
        self.assertEqual(key_id_of(raw_answers(number)["nik_ibu"]), new)
        self.assertEqual(key_id_of(raw_profile_nik(self.profile.pk)[0]), self.old)
        self.assertContains(self.client.get("/profil/"), SITI_NIK)

        call_command("keys", "reencrypt", "--batch-size", "1", stdout=StringIO())
        self.assertEqual(set(count_by_key()), {new})
        self.assertEqual(key_id_of(raw_profile_nik(self.profile.pk)[0]), new)
        self.assertEqual(raw_profile_nik(self.profile.pk)[1], nik_hash(SITI_NIK))

        call_command("keys", "retire", self.old, stdout=StringIO())
        self.assertNotIn(self.old, keyring().sealing)
        self.assertNotIn(self.old, (self.directory / "nik.json").read_text())
        self.assertContains(self.client.get("/profil/"), SITI_NIK)
        response = self.call("get", f"/api/v1/applications/{self.application.number}", "siti")
        self.assertEqual(response.json()["answers"]["nik_ibu"], MOTHER_NIK)
        self.assertEqual(citizens_with_nik(SITI_NIK), [self.siti])

    def test_a_key_still_in_use_is_not_retired(self) -> None:
        call_command("keys", "rotate", stdout=StringIO())
        with self.assertRaises(SystemExit):
            call_command("keys", "retire", self.old, stderr=StringIO())
        self.assertIn(self.old, keyring().sealing)

    def test_the_current_key_is_not_retired(self) -> None:
        with self.assertRaises(SystemExit):
            call_command("keys", "retire", self.old, stderr=StringIO())
        self.assertIn(self.old, keyring().sealing)

    def test_the_rotated_keyring_file_stays_private(self) -> None:
        call_command("keys", "rotate", stdout=StringIO())
        self.assertEqual((self.directory / "nik.json").stat().st_mode & 0o777, 0o600)


class AdminNikTests(BaseTestCase):
    """root browses the Django admin: no list or change page shows a NIK in full (a page
    that shows one must use `Profile.masked_nik`)."""

    def setUp(self) -> None:
        self.client.force_login(self.siti)
        self.client.post("/profil/", {**PROFILE, "nik": SITI_NIK})
        self.client.logout()
        self.application = self.submitted()
        self.login(self.root)

    def test_no_admin_page_shows_a_nik_in_full(self) -> None:
        from django.contrib import admin
        from django.urls import reverse

        objects = {"user": self.siti.pk, "application": self.application.pk}
        checked = 0
        for model in admin.site._registry:
            meta = model._meta
            pages = [reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")]
            if meta.model_name in objects:
                pages.append(
                    reverse(
                        f"admin:{meta.app_label}_{meta.model_name}_change",
                        args=[objects[meta.model_name]],
                    )
                )
            for url in pages:
                response = self.client.get(url)
                self.assertIn(response.status_code, (200, 302), url)
                body = response.content.decode()
                self.assertNotIn(SITI_NIK, body, url)
                self.assertNotIn(MOTHER_NIK, body, url)
                checked += 1
        self.assertGreater(checked, 5)

    def test_the_mask_the_admin_uses(self) -> None:
        self.assertEqual(Profile.objects.get(user=self.siti).masked_nik, "339901******0002")
