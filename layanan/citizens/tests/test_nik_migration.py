"""The data migrations that seal NIKs stored in clear before sealing existed
(citizens 0004 for profiles, cases 0006 for answers): they seal and hash every value, leave
sealed values alone when run again, and work on the historical models."""

from __future__ import annotations

import importlib
import json
from typing import Any

from django.db import connection
from django.db.migrations.loader import MigrationLoader

from layanan.accounts.nik_store import nik_hash
from layanan.citizens.models import Profile
from layanan.citizens.tests.test_nik_at_rest import MOTHER_NIK, raw_answers, raw_profile_nik
from layanan.lib.sealed import is_sealed
from layanan.test import BaseTestCase

SITI_NIK = "3399016501950002"

profiles_step = importlib.import_module("layanan.citizens.migrations.0004_seal_profile_nik")
answers_step = importlib.import_module("layanan.cases.migrations.0006_seal_nik_answers")


def apps_after(app: str, name: str) -> Any:
    return MigrationLoader(connection).project_state((app, name)).apps


class SealExistingNiksTests(BaseTestCase):
    def setUp(self) -> None:
        # What a database written before sealing holds: the NIK in clear, no hash.
        profile = Profile.objects.create(user=self.siti)
        self.application = self.submitted()
        answers = {**raw_answers(self.application.number), "nik_ibu": MOTHER_NIK}
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE citizens_profile SET nik = %s, nik_hash = '' WHERE id = %s",
                [SITI_NIK, profile.pk],
            )
            cursor.execute(
                "UPDATE cases_application SET answers = %s WHERE id = %s",
                [json.dumps(answers), self.application.pk],
            )
        self.profile_pk = profile.pk

    def run_steps(self) -> None:
        profiles_step.seal_profile_niks(apps_after("citizens", "0004_seal_profile_nik"), None)
        answers_step.seal_answers(apps_after("cases", "0006_seal_nik_answers"), None)

    def test_clear_niks_are_sealed_and_hashed(self) -> None:
        self.assertEqual(raw_profile_nik(self.profile_pk), (SITI_NIK, ""))
        self.run_steps()
        stored, stored_hash = raw_profile_nik(self.profile_pk)
        self.assertTrue(is_sealed(stored))
        self.assertEqual(stored_hash, nik_hash(SITI_NIK))
        self.assertEqual(Profile.objects.get(pk=self.profile_pk).nik, SITI_NIK)
        answers = raw_answers(self.application.number)
        self.assertTrue(is_sealed(answers["nik_ibu"]))
        self.assertEqual(answers["nama_anak"], "Putri")

    def test_running_again_changes_nothing(self) -> None:
        self.run_steps()
        first = (raw_profile_nik(self.profile_pk), raw_answers(self.application.number))
        self.run_steps()
        second = (raw_profile_nik(self.profile_pk), raw_answers(self.application.number))
        self.assertEqual(first, second)

    def test_reversing_opens_them_again(self) -> None:
        self.run_steps()
        profiles_step.open_profile_niks(apps_after("citizens", "0004_seal_profile_nik"), None)
        answers_step.open_answers(apps_after("cases", "0006_seal_nik_answers"), None)
        self.assertEqual(raw_profile_nik(self.profile_pk)[0], SITI_NIK)
        self.assertEqual(raw_answers(self.application.number)["nik_ibu"], MOTHER_NIK)
