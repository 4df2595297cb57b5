"""`GET /api/v1/me` and `PATCH /api/v1/me`, and pre-filling over the API (`"prefill": true`
when starting an application, `profile_consent` before submitting, the consent recorded on
submission), through HTTP with bearer tokens."""

from __future__ import annotations

from typing import Any

from layanan.accounts.models import AccountEvent
from layanan.charters.models import Service
from layanan.citizens.models import Consent, Profile
from layanan.citizens.tests.test_prefill import AGENCIES, FORM, NIK, STEPS, skck_service
from layanan.test import PASSWORD, BaseTestCase, charter_content, otp_for

EMPTY = {
    "full_name": "Siti Rahayu",
    "nik": "",
    "kk_number": "",
    "birth_place": "",
    "birth_date": None,
    "address": "",
    "region_code": "",
    "phone": "",
    "email": "siti@example.test",
    "channels": ["email"],
    "language": "id",
}


class ApiTestCase(BaseTestCase):
    def setUp(self) -> None:
        response = self.client.post(
            "/api/v1/auth/token",
            {"username": "siti", "password": PASSWORD},
            content_type="application/json",
        )
        self.headers = {"Authorization": f"Bearer {response.json()['token']}"}

    def call(self, method: str, url: str, body: Any = None, **headers: str) -> Any:
        kwargs: dict[str, Any] = {"headers": {**self.headers, **headers}}
        if body is not None:
            kwargs.update(data=body, content_type="application/json")
        return getattr(self.client, method)(url, **kwargs)


class MeApiTests(ApiTestCase):
    def test_it_needs_a_token(self) -> None:
        self.assertEqual(self.client.get("/api/v1/me").status_code, 401)
        self.assertEqual(self.client.patch("/api/v1/me", {}).status_code, 401)

    def test_the_profile_has_every_attribute(self) -> None:
        response = self.call("get", "/api/v1/me")
        self.assertEqual((response.status_code, response.json()), (200, EMPTY))

    def test_a_patch_changes_what_it_sends_and_gives_the_nik_in_full(self) -> None:
        response = self.call(
            "patch",
            "/api/v1/me",
            {
                "nik": "3374-0165-0195-0002",
                "birth_date": "1995-01-25",
                "region_code": "3374011001",
                "phone": "0812 0000 0001",
            },
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(
            response.json(),
            {
                **EMPTY,
                "nik": NIK,
                "birth_date": "1995-01-25",
                "region_code": "33.74.01.1001",
                "phone": "+6281200000001",
            },
        )
        self.assertEqual(self.call("get", "/api/v1/me").json()["nik"], NIK)
        event = AccountEvent.objects.get(user=self.siti, kind=AccountEvent.Kind.PROFILE_CHANGED)
        self.assertEqual(sorted(event.fields), ["birth_date", "nik", "phone", "region_code"])
        # null clears
        cleared = self.call("patch", "/api/v1/me", {"phone": None})
        self.assertEqual(cleared.json()["phone"], "")

    def test_any_problem_is_400_with_every_field_and_nothing_is_written(self) -> None:
        response = self.call(
            "patch",
            "/api/v1/me",
            {"full_name": "Siti R.", "kk_number": "123", "region_code": "99.01.01.1001"},
        )
        self.assertEqual(response.status_code, 400)
        body = response.json()
        self.assertEqual(body["code"], "invalid")
        self.assertEqual(
            body["fields"],
            {
                "kk_number": ["Nomor KK terdiri atas tepat 16 angka, seperti 3374 0112 0318 0042"],
                "region_code": ["Bagian pertama kode wilayah ini bukan kode provinsi"],
            },
        )
        self.siti.refresh_from_db()
        self.assertEqual(self.siti.full_name, "Siti Rahayu")
        self.assertEqual(
            [(p.kk_number, p.region_code) for p in Profile.objects.filter(user=self.siti)],
            [("", "")] * Profile.objects.filter(user=self.siti).count(),
        )
        self.assertFalse(AccountEvent.objects.filter(kind=AccountEvent.Kind.PROFILE_CHANGED))

    def test_the_nik_and_the_date_of_birth_must_agree_whichever_is_sent(self) -> None:
        self.assertEqual(self.call("patch", "/api/v1/me", {"nik": NIK}).status_code, 200)
        response = self.call("patch", "/api/v1/me", {"birth_date": "1995-02-25"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("birth_date", response.json()["fields"])
        english = self.call(
            "patch", "/api/v1/me", {"birth_date": "1995-02-25"}, **{"Accept-Language": "en"}
        )
        self.assertEqual(
            english.json()["fields"]["birth_date"],
            [
                "Your NIK gives 25 January 1995 as your date of birth: check the date of "
                "birth and the NIK, one of them is probably mistyped"
            ],
        )

    def test_unknown_keys_and_non_text_values_are_refused(self) -> None:
        response = self.call("patch", "/api/v1/me", {"password": "x", "full_name": 12})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.json()["fields"],
            {
                "password": ["Ini bukan bagian dari profil."],
                "full_name": ["Kirim ini sebagai teks."],
            },
        )


class ApiPrefillTests(ApiTestCase):
    skck: Service

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.skck = skck_service(cls)

    def setUp(self) -> None:
        super().setUp()
        self.call("patch", "/api/v1/me", {"nik": NIK, "birth_date": "1995-01-25"})

    def test_the_service_says_which_fields_take_the_profile(self) -> None:
        form = self.client.get("/api/v1/services/skck").json()["form"]
        self.assertEqual(
            {f["key"]: f["profile"] for f in form},
            {
                "nik": "nik",
                "nama": "full_name",
                "lahir": "birth_date",
                "telepon": "phone",
                "keperluan": "",
            },
        )

    def test_without_prefill_nothing_is_taken(self) -> None:
        created = self.call("post", "/api/v1/applications", {"service": "skck"})
        self.assertEqual(created.status_code, 201)
        self.assertEqual(created.json()["answers"], {})
        self.assertIsNone(created.json()["profile_consent"])

    def test_prefill_takes_what_is_not_sent_and_submitting_records_the_consent(self) -> None:
        created = self.call(
            "post",
            "/api/v1/applications",
            {
                "service": "skck",
                "prefill": True,
                "answers": {"nama": "Siti R.", "keperluan": "Kerja"},
            },
        )
        self.assertEqual(created.status_code, 201, created.content)
        body = created.json()
        self.assertEqual(
            body["answers"],
            {"nama": "Siti R.", "keperluan": "Kerja", "nik": NIK, "lahir": "1995-01-25"},
        )
        number = body["number"]
        self.assertEqual(
            body["profile_consent"],
            {
                "fields": {"nik": "nik", "lahir": "birth_date"},
                "what": "NIK, Tanggal lahir",
                "agencies": AGENCIES,
                "purpose": f"permohonan {number} untuk layanan Surat Keterangan",
            },
        )
        self.assertFalse(Consent.objects.exists())
        submitted = self.call("post", f"/api/v1/applications/{number}/submit")
        self.assertEqual(submitted.status_code, 200, submitted.content)
        self.assertIsNone(submitted.json()["profile_consent"])  # no longer before submitting
        consent = Consent.objects.get()
        self.assertEqual(
            (consent.channel, consent.given_by, consent.fields, consent.agencies),
            (Consent.Channel.API, self.siti, {"nik": "nik", "lahir": "birth_date"}, AGENCIES),
        )

    def test_a_changed_set_replaces_the_consent_on_resubmission(self) -> None:
        created = self.call(
            "post",
            "/api/v1/applications",
            {
                "service": "skck",
                "prefill": True,
                "answers": {"nama": "Siti R.", "keperluan": "Kerja"},
            },
        )
        number = created.json()["number"]
        self.call("post", f"/api/v1/applications/{number}/submit")
        officer = self.client.post(
            "/api/v1/auth/token",
            {"username": "budi", "password": PASSWORD, "otp": otp_for("budi")},
            content_type="application/json",
        ).json()["token"]
        returned = self.client.post(
            f"/api/v1/applications/{number}/steps/verifikasi/actions",
            {"action": "return", "note": "Tanggal lahir dicek lagi"},
            content_type="application/json",
            headers={"Authorization": f"Bearer {officer}"},
        )
        self.assertEqual(returned.json()["status"], "returned")
        # resubmitted unchanged: the same consent stands
        self.call("post", f"/api/v1/applications/{number}/resubmit")
        self.assertEqual(Consent.objects.count(), 1)
        self.client.post(
            f"/api/v1/applications/{number}/steps/verifikasi/actions",
            {"action": "return", "note": "Tanggal lahir salah"},
            content_type="application/json",
            headers={"Authorization": f"Bearer {officer}"},
        )
        changed = self.call(
            "patch", f"/api/v1/applications/{number}", {"answers": {"lahir": "1995-01-24"}}
        )
        self.assertEqual(changed.status_code, 200, changed.content)
        self.call("post", f"/api/v1/applications/{number}/resubmit")
        old, new = Consent.objects.order_by("pk")
        self.assertEqual(
            (old.fields, old.withdrawn_by), ({"nik": "nik", "lahir": "birth_date"}, self.siti)
        )
        self.assertIsNotNone(old.withdrawn_at)
        self.assertEqual((new.fields, new.what, new.withdrawn_at), ({"nik": "nik"}, "NIK", None))

    def test_a_profile_value_the_fields_rules_refuse_is_left_out(self) -> None:
        strict = [dict(f) for f in FORM]
        strict[3]["rules"] = {"min_length": 13}  # the phone: 13 digits or more
        self.adopt(
            self.skck,
            charter_content(
                form=strict,
                requirements=[
                    {"key": "keperluan", "name": "Keperluan", "kind": "field", "field": "keperluan"}
                ],
                procedure=STEPS,
            ),
        )
        self.call("patch", "/api/v1/me", {"phone": "0812 0000 0001"})  # 12 digits
        created = self.call("post", "/api/v1/applications", {"service": "skck", "prefill": True})
        self.assertEqual(created.status_code, 201, created.content)
        self.assertEqual(
            created.json()["answers"],
            {"nik": NIK, "nama": "Siti Rahayu", "lahir": "1995-01-25"},
        )
