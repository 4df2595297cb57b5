"""A citizen's message channels and language: on the profile page (/profil/), in
`GET/PATCH /api/v1/me`, at the counter with an officer, by default at sign-up, and in the demo.

siti is a citizen with an email address and no phone; agus a citizen with both; budi the
front-office officer of the Disdukcapil counter; Tono a walk-in citizen with only a phone.
"""

from __future__ import annotations

from typing import Any

from layanan.accounts.models import AccountEvent, User
from layanan.agencies.models import OfficerRole, Role
from layanan.cases.models import Application
from layanan.citizens.models import Profile
from layanan.portal.demo_data import ensure_accounts
from layanan.test import PASSWORD, BaseTestCase

SITI = {"full_name": "Siti Rahayu", "email": "siti@example.test", "phone": "", "nik": ""}
SHOWN = {"message_channels": "1", "language": "id"}


def channel_events(user: User) -> list[tuple[list[str], str]]:
    rows = user.account_events.filter(kind=AccountEvent.Kind.CHANNELS_CHANGED)
    return [(row.fields, row.actor.username if row.actor else "") for row in rows]


class ProfileChannelTests(BaseTestCase):
    def setUp(self) -> None:
        self.login(self.siti)

    def save(self, **changes: Any) -> Any:
        return self.client.post("/profil/", {**SITI, **SHOWN, **changes})

    def test_the_page_shows_the_choice_with_where_each_goes(self) -> None:
        page = self.client.get("/profil/")
        self.assertContains(page, 'name="channels" value="email"')
        self.assertContains(page, "Ke siti@example.test.")
        self.assertContains(page, "Memerlukan nomor HP di akun Anda.")
        self.assertEqual(page.context["channels_form"].initial["channels"], ["email"])

    def test_whatsapp_with_the_number_typed_on_the_same_form(self) -> None:
        response = self.save(phone="0812 5555 0001", channels=["whatsapp", "email"], language="en")
        self.assertRedirects(response, "/profil/", fetch_redirect_response=False)
        self.siti.refresh_from_db()
        self.assertEqual(
            (self.siti.chosen_channels(), self.siti.language), (["whatsapp", "email"], "en")
        )
        self.assertEqual(channel_events(self.siti), [(["language", "notify_whatsapp"], "siti")])

    def test_whatsapp_without_a_phone_is_refused_next_to_the_field(self) -> None:
        response = self.save(channels=["whatsapp"], address="Jl. Baru 2")
        self.assertContains(response, "Pesan lewat WhatsApp memerlukan nomor HP", status_code=400)
        self.assertContains(response, 'href="#id_channels_0"', status_code=400)
        self.siti.refresh_from_db()
        self.assertEqual(self.siti.chosen_channels(), ["email"])
        written = Profile.objects.filter(user=self.siti, address="Jl. Baru 2")
        self.assertFalse(written.exists())  # nothing written
        self.assertEqual(channel_events(self.siti), [])

    def test_no_channel_at_all_is_refused(self) -> None:
        response = self.save()
        self.assertContains(response, "Pilih sedikitnya satu cara", status_code=400)

    def test_a_page_without_the_section_keeps_the_choice(self) -> None:
        response = self.client.post("/profil/", {**SITI, "address": "Jl. Baru 2"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(channel_events(self.siti), [])

    def test_a_citizen_reached_by_no_channel_is_told_why(self) -> None:
        User.objects.filter(pk=self.siti.pk).update(notify_email=False)
        self.assertContains(self.client.get("/profil/"), "Saat ini Anda tidak menerima pesan")


class ApiChannelTests(BaseTestCase):
    def setUp(self) -> None:
        token = self.client.post(
            "/api/v1/auth/token",
            {"username": "siti", "password": PASSWORD},
            content_type="application/json",
        ).json()["token"]
        self.headers = {"Authorization": f"Bearer {token}"}

    def patch(self, body: dict[str, Any]) -> Any:
        return self.client.patch(
            "/api/v1/me", body, content_type="application/json", headers=self.headers
        )

    def test_read_and_change(self) -> None:
        me = self.client.get("/api/v1/me", headers=self.headers).json()
        self.assertEqual((me["channels"], me["language"]), (["email"], "id"))
        response = self.patch({"phone": "0812 5555 0001", "channels": ["sms", "email"]})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            (response.json()["channels"], response.json()["phone"]),
            (["sms", "email"], "+6281255550001"),
        )
        self.assertEqual(channel_events(self.siti), [(["notify_sms"], "siti")])
        self.assertEqual(self.patch({"language": "en"}).json()["language"], "en")

    def test_refusals_name_the_field_and_change_nothing(self) -> None:
        cases: list[tuple[dict[str, Any], str]] = [
            ({"channels": ["whatsapp"]}, "channels"),
            ({"channels": "email"}, "channels"),
            ({"channels": ["pigeon"]}, "channels"),
            ({"channels": []}, "channels"),
            ({"language": "fr"}, "language"),
            ({"email": "", "phone": "0812 5555 0001"}, "channels"),  # email chosen, none left
        ]
        for body, field in cases:
            with self.subTest(body=body):
                response = self.patch(body)
                self.assertEqual(response.status_code, 400)
                self.assertIn(field, response.json()["fields"])
        self.siti.refresh_from_db()
        self.assertEqual((self.siti.chosen_channels(), self.siti.phone), (["email"], ""))
        self.assertEqual(channel_events(self.siti), [])


class CounterChannelTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        OfficerRole.objects.create(user=cls.budi, unit=cls.loket, role=Role.FRONT_OFFICE)

    def setUp(self) -> None:
        self.login(self.budi)

    def file(self, **data: Any) -> Any:
        return self.client.post("/kantor/loket/", {"service": "akta-kelahiran", **data})

    def test_a_new_phone_only_citizen_chooses_whatsapp(self) -> None:
        response = self.file(
            contact="0812 9999 0000",
            full_name="Tono Sugiarto",
            nik="3399011203800003",
            channels=["whatsapp"],
            language="id",
        )
        self.assertEqual(response.status_code, 302)
        tono = User.objects.get(phone="+6281299990000")
        self.assertEqual(tono.chosen_channels(), ["whatsapp"])
        changed = [(["language", "notify_sms", "notify_whatsapp"], "budi")]
        self.assertEqual(channel_events(tono), changed)

    def test_email_for_a_citizen_without_an_address_is_refused(self) -> None:
        response = self.file(contact="0812 9999 0000", full_name="Tono", channels=["email"])
        self.assertContains(response, "akun warga tidak memilikinya", status_code=400)
        self.assertFalse(User.objects.filter(phone="+6281299990000").exists())
        self.assertFalse(Application.objects.exists())

    def test_a_new_account_by_email_takes_a_phone_for_whatsapp(self) -> None:
        response = self.file(
            contact="wati@example.test",
            full_name="Wati",
            phone="0812-7777-0002",
            channels=["whatsapp", "email"],
        )
        self.assertEqual(response.status_code, 302)
        wati = User.objects.get(email="wati@example.test")
        self.assertEqual(
            (wati.phone, wati.chosen_channels()), ("+6281277770002", ["whatsapp", "email"])
        )

    def test_the_counter_never_changes_an_existing_accounts_number(self) -> None:
        response = self.file(contact="siti@example.test", phone="0812 7777 0003")
        self.assertContains(response, "di profilnya", status_code=400)
        self.siti.refresh_from_db()
        self.assertEqual(self.siti.phone, "")
        self.assertFalse(Application.objects.exists())

    def test_ticking_nothing_keeps_the_choice(self) -> None:
        self.assertEqual(self.file(contact="siti@example.test").status_code, 302)
        self.assertEqual(channel_events(self.siti), [])


class DefaultsTests(BaseTestCase):
    def sign_up(self, **contact: str) -> User:
        data = {"full_name": "Wati", "nik": "", "address": "", "email": "", "phone": ""}
        password = {"password1": "sangat-rahasia-2026", "password2": "sangat-rahasia-2026"}
        self.assertEqual(
            self.client.post("/daftar/", {**data, **contact, **password}).status_code, 302
        )
        return User.objects.get(full_name="Wati")

    def test_phone_only_gets_sms(self) -> None:
        self.assertEqual(self.sign_up(phone="0812 7777 0001").chosen_channels(), ["sms"])

    def test_with_email_gets_email(self) -> None:
        user = self.sign_up(email="wati@example.test", phone="0812 7777 0001")
        self.assertEqual(user.chosen_channels(), ["email"])

    def test_the_demo_citizens_channels(self) -> None:
        ensure_accounts()
        chosen = {
            name: User.objects.get(username=name).chosen_channels() for name in ("warga", "warga2")
        }
        self.assertEqual(chosen, {"warga": ["whatsapp", "email"], "warga2": ["email"]})
        self.assertEqual(ensure_accounts(), 0)
