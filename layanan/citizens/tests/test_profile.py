"""The citizen's profile (/profil/): shown with the phone as people write it, saved through
`update_profile`, which records which fields changed (never their values)."""

from __future__ import annotations

from typing import Any

from layanan.accounts.models import AccountEvent, User
from layanan.citizens.models import Profile
from layanan.test import BaseTestCase

SITI = {
    "full_name": "Siti Rahayu",
    "email": "siti@example.test",
    "phone": "",
    "nik": "",
    "address": "",
}


class ProfileTests(BaseTestCase):
    def setUp(self) -> None:
        self.login(self.siti)

    def save(self, **changes: Any) -> Any:
        return self.client.post("/profil/", {**SITI, **changes})

    def test_it_needs_a_sign_in(self) -> None:
        self.client.logout()
        response = self.client.get("/profil/")
        self.assertRedirects(response, "/masuk/?next=/profil/")

    def test_the_profile_can_be_changed(self) -> None:
        response = self.save(full_name="Siti R.", address="Desa", phone="+62 812 0000 0001")
        self.assertRedirects(response, "/profil/", fetch_redirect_response=False)
        self.siti.refresh_from_db()
        self.assertEqual(
            (self.siti.full_name, self.siti.phone, Profile.objects.get(user=self.siti).address),
            ("Siti R.", "+6281200000001", "Desa"),
        )
        page = self.client.get("/profil/")
        self.assertContains(page, 'value="0812-0000-0001"')
        self.assertContains(page, "Profil Anda telah disimpan.")

    def test_saving_records_which_fields_changed_who_and_when(self) -> None:
        self.save(full_name="Siti R.", nik="3399016501950002", phone="0812 0000 0001")
        event = AccountEvent.objects.get(user=self.siti)
        self.assertEqual(
            (event.kind, event.actor, event.fields),
            (AccountEvent.Kind.PROFILE_CHANGED, self.siti, ["full_name", "nik", "phone"]),
        )
        self.assertIsNotNone(event.at)
        # the values are not in the audit trail
        row = AccountEvent.objects.filter(pk=event.pk).values().get()
        self.assertNotIn("3399016501950002", str(row))
        self.assertNotIn("+6281200000001", str(row))

    def test_saving_without_a_change_records_nothing(self) -> None:
        response = self.save()
        self.assertRedirects(response, "/profil/")
        self.assertFalse(AccountEvent.objects.exists())
        # the same number in another writing is no change either
        User.objects.filter(pk=self.siti.pk).update(phone="+6281200000001")
        self.save(phone="0812-0000-0001")
        self.assertFalse(AccountEvent.objects.exists())

    def test_a_number_another_account_has_is_refused_in_any_writing(self) -> None:
        User.objects.filter(pk=self.agus.pk).update(phone="+6281200000002")
        response = self.save(full_name="Siti R.", phone="+62 812 0000 0002")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, 'value="+62 812 0000 0002"', status_code=400)  # as typed
        self.assertEqual(
            response.context["form"].errors["phone"],
            [
                "Nomor HP ini sudah dipakai sebuah akun: masuk dengan nomor ini, "
                "atau masukkan nomor lain"
            ],
        )
        self.siti.refresh_from_db()
        self.assertEqual((self.siti.full_name, self.siti.phone), ("Siti Rahayu", ""))
        self.assertFalse(AccountEvent.objects.exists())

    def test_errors_name_the_field(self) -> None:
        response = self.save(full_name="", email="", phone="0812-34", nik="123")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            {field: list(errors) for field, errors in response.context["form"].errors.items()},
            {
                "full_name": ["Masukkan nama lengkap Anda"],
                "nik": ["NIK terdiri atas tepat 16 digit."],
                "phone": [
                    "Masukkan nomor HP Anda dengan 10 sampai 13 angka, seperti 0812 3456 7890"
                ],
            },
        )
        self.assertNotContains(response, "Kolom ini wajib diisi", status_code=400)
        self.siti.refresh_from_db()
        self.assertEqual(self.siti.full_name, "Siti Rahayu")
