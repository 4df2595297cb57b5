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


# A woman born 25 January 1995 in Kota Semarang; a family card issued there on 12 March 2018.
NIK = "3374016501950002"
WHOLE = {
    **SITI,
    "nik": "3374 0165 0195 0002",
    "kk_number": "3374 0112 0318 0042",
    "birth_place": "Semarang",
    "birth_date": "1995-01-25",
    "address": "Jl. Pandanaran 1",
    "region_code": "3374011001",
    "phone": "0812 0000 0001",
}


class WholeProfileTests(BaseTestCase):
    """Every attribute an application form may take from the profile."""

    def setUp(self) -> None:
        self.login(self.siti)

    def save(self, **changes: Any) -> Any:
        return self.client.post("/profil/", {**WHOLE, **changes})

    def test_each_attribute_is_kept_in_one_form(self) -> None:
        self.assertRedirects(self.save(), "/profil/", fetch_redirect_response=False)
        profile = Profile.objects.get(user=self.siti)
        self.assertEqual(
            (
                profile.nik,
                profile.kk_number,
                profile.birth_place,
                str(profile.birth_date),
                profile.region_code,
            ),
            (NIK, "3374011203180042", "Semarang", "1995-01-25", "33.74.01.1001"),
        )
        event = AccountEvent.objects.get(user=self.siti)
        self.assertEqual(
            sorted(event.fields),
            sorted(
                ["phone", "nik", "kk_number", "birth_place", "birth_date", "address", "region_code"]
            ),
        )
        self.assertNotIn("3374011203180042", str(AccountEvent.objects.values().get()))
        page = self.client.get("/profil/")
        for shown in ('value="3374011203180042"', 'value="1995-01-25"', 'value="33.74.01.1001"'):
            self.assertContains(page, shown)

    def test_a_region_code_with_dots_is_the_same_code(self) -> None:
        self.save()
        self.save(region_code="33.74.01.1001")
        self.assertEqual(AccountEvent.objects.filter(user=self.siti).count(), 1)

    def test_each_wrong_attribute_is_said_next_to_it_and_nothing_is_written(self) -> None:
        response = self.save(
            kk_number="3374011213180042", region_code="33.70.01.1001", birth_date="2999-01-01"
        )
        self.assertEqual(response.status_code, 400)
        errors = {field: list(e) for field, e in response.context["form"].errors.items()}
        self.assertEqual(
            errors,
            {
                "kk_number": [
                    "Angka ke-7 sampai ke-12 nomor KK ini bukan tanggal terbit yang sah "
                    "(hari, bulan, tahun)"
                ],
                "region_code": [
                    "Bagian kedua kode wilayah ini bukan kode kabupaten (01–69) atau kota (71–99)"
                ],
                "birth_date": ["Tanggal lahir tidak boleh sesudah hari ini"],
            },
        )
        self.assertContains(response, 'href="#id_kk_number"', status_code=400)
        self.assertFalse(Profile.objects.filter(user=self.siti).exists())
        self.assertFalse(AccountEvent.objects.exists())

    def test_a_date_of_birth_the_nik_contradicts_is_refused(self) -> None:
        response = self.save(birth_date="1995-01-26")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.context["form"].errors["birth_date"],
            [
                "Menurut NIK Anda, tanggal lahir Anda 25 Januari 1995: periksa tanggal lahir "
                "dan NIK, kemungkinan salah satunya salah ketik"
            ],
        )
        self.assertFalse(Profile.objects.filter(user=self.siti).exists())
        # either alone is fine
        self.assertEqual(self.save(birth_date="").status_code, 302)
        self.assertEqual(self.save(nik="", birth_date="1995-01-26").status_code, 302)

    def test_a_short_family_card_number_is_refused(self) -> None:
        response = self.save(kk_number="3374 0112 0318")
        self.assertEqual(
            response.context["form"].errors["kk_number"],
            ["Nomor KK terdiri atas tepat 16 angka, seperti 3374 0112 0318 0042"],
        )
