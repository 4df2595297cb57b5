"""The JSON API contract, end to end, through HTTP with bearer tokens."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from layanan.accounts.models import DataAccess
from layanan.cases.models import Application
from layanan.test import ANSWERS, PASSWORD, PDF, BaseTestCase, otp_for


class ApiTestCase(BaseTestCase):
    def token(self, username: str) -> str:
        response = self.client.post(
            "/api/v1/auth/token",
            # officers also give the code of their authenticator app
            {"username": username, "password": PASSWORD, "otp": otp_for(username)},
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 200, response.content)
        return str(response.json()["token"])

    def call(self, method: str, url: str, user: str | None = None, **kwargs: Any) -> Any:
        headers = {}
        if user:
            headers["Authorization"] = f"Bearer {self.token(user)}"
        headers.update(kwargs.pop("headers", {}))
        if "json" in kwargs:
            kwargs["data"] = kwargs.pop("json")
            kwargs["content_type"] = "application/json"
        return getattr(self.client, method)(url, headers=headers, **kwargs)

    def draft(self, user: str = "siti", answers: dict[str, Any] | None = None) -> str:
        response = self.call(
            "post",
            "/api/v1/applications",
            user,
            json={"service": "akta-kelahiran", "answers": answers or ANSWERS},
        )
        self.assertEqual(response.status_code, 201, response.content)
        return str(response.json()["number"])

    def upload(
        self, number: str, user: str = "siti", content: bytes = PDF, name: str = "lahir.pdf"
    ) -> Any:
        return self.call(
            "post",
            f"/api/v1/applications/{number}/documents",
            user,
            data={"requirement": "surat_lahir", "file": SimpleUploadedFile(name, content)},
        )

    def submitted_number(self) -> str:
        number = self.draft()
        self.assertEqual(self.upload(number).status_code, 201)
        response = self.call("post", f"/api/v1/applications/{number}/submit", "siti")
        self.assertEqual(response.status_code, 200, response.content)
        return number


class AuthTests(ApiTestCase):
    def test_wrong_credentials_are_401(self) -> None:
        response = self.call(
            "post", "/api/v1/auth/token", json={"username": "siti", "password": "salah"}
        )
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.json()["code"], "invalid_credentials")

    def test_login_is_rate_limited(self) -> None:
        for _ in range(5):
            self.call("post", "/api/v1/auth/token", json={"username": "agus", "password": "x"})
        response = self.call(
            "post", "/api/v1/auth/token", json={"username": "agus", "password": PASSWORD}
        )
        self.assertEqual(response.status_code, 429)

    def test_applications_need_a_token(self) -> None:
        response = self.client.get("/api/v1/applications")
        self.assertEqual(response.status_code, 401)
        self.assertEqual(set(response.json()), {"code", "message", "fields"})
        bad = self.client.get("/api/v1/applications", headers={"Authorization": "Bearer nope"})
        self.assertEqual(bad.status_code, 401)


class ServicesTests(ApiTestCase):
    def test_the_catalogue(self) -> None:
        services = self.client.get("/api/v1/services").json()
        self.assertEqual(
            services,
            [
                {
                    "code": "akta-kelahiran",
                    "name": "Akta Kelahiran",
                    "agency": {"code": "disdukcapil", "name": self.disdukcapil.name},
                    "time_limit": {"amount": 3, "unit": "working_days"},
                    "fee": 0,
                    "fee_kind": "free",
                    "charter_version": 1,
                }
            ],
        )

    def test_a_service_with_its_form_requirements_and_procedure(self) -> None:
        body = self.client.get("/api/v1/services/akta-kelahiran").json()
        self.assertEqual(body["form"][2]["choices"][0], {"value": "l", "label": "Laki-laki"})
        self.assertEqual(
            body["requirements"][0],
            {
                "key": "surat_lahir",
                "name": "Surat keterangan lahir",
                "kind": "document",
                "required": True,
                "field": "",
                "note": "",
                "where": "",
                "not_needed_when": None,
                "document_types": [],
            },
        )
        step = body["procedure"]["stages"][0]["steps"][0]
        self.assertEqual(step["unit"], "disdukcapil-loket")
        self.assertEqual(step["time_limit"], {"amount": 1, "unit": "working_days"})
        self.assertEqual(self.client.get("/api/v1/services/tidak-ada").status_code, 404)


class ApplicationJourneyTests(ApiTestCase):
    def test_apply_attach_submit_and_officers_approve_every_step(self) -> None:
        number = self.submitted_number()
        detail = self.call("get", f"/api/v1/applications/{number}", "siti").json()
        self.assertEqual(detail["status"], "in_progress")
        states = {s["key"]: s["state"] for s in detail["steps"]}
        self.assertEqual(states, {"verifikasi": "active", "terbit": "pending"})
        self.assertIsNotNone(detail["steps"][0]["due_at"])
        for key in ("verifikasi", "terbit"):
            response = self.call(
                "post",
                f"/api/v1/applications/{number}/steps/{key}/actions",
                "budi",
                json={"action": "approve", "note": ""},
            )
            self.assertEqual(response.status_code, 200, response.content)
        final = self.call("get", f"/api/v1/applications/{number}", "siti").json()
        self.assertEqual(final["status"], "completed")

    def test_approving_a_finished_step_is_409(self) -> None:
        number = self.submitted_number()
        url = f"/api/v1/applications/{number}/steps/verifikasi/actions"
        self.call("post", url, "budi", json={"action": "approve"})
        again = self.call("post", url, "budi", json={"action": "approve"})
        self.assertEqual(again.status_code, 409)
        self.assertEqual(again.json()["code"], "conflict")

    def test_an_officer_outside_the_unit_gets_404(self) -> None:
        number = self.submitted_number()
        response = self.call(
            "post",
            f"/api/v1/applications/{number}/steps/verifikasi/actions",
            "charlie",
            json={"action": "approve"},
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(
            self.call("get", f"/api/v1/applications/{number}", "charlie").status_code, 404
        )

    def test_another_citizen_cannot_read_it(self) -> None:
        number = self.submitted_number()
        self.assertEqual(
            self.call("get", f"/api/v1/applications/{number}", "agus").status_code, 404
        )
        listing = self.call("get", "/api/v1/applications", "agus").json()
        self.assertEqual(listing["count"], 0)

    def test_the_same_idempotency_key_never_creates_two(self) -> None:
        token = self.token("siti")
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "abc-123"}
        body = {"service": "akta-kelahiran", "answers": ANSWERS}
        first = self.client.post(
            "/api/v1/applications", body, content_type="application/json", headers=headers
        )
        second = self.client.post(
            "/api/v1/applications", body, content_type="application/json", headers=headers
        )
        self.assertEqual((first.status_code, second.status_code), (201, 200))
        self.assertEqual(first.json()["number"], second.json()["number"])
        self.assertEqual(Application.objects.filter(applicant=self.siti).count(), 1)

    def test_return_resubmit_and_reject_need_a_reason(self) -> None:
        number = self.submitted_number()
        url = f"/api/v1/applications/{number}/steps/verifikasi/actions"
        empty = self.call("post", url, "budi", json={"action": "return", "note": " "})
        self.assertEqual(empty.status_code, 400)
        self.assertIn("note", empty.json()["fields"])
        returned = self.call("post", url, "budi", json={"action": "return", "note": "Foto buram"})
        self.assertEqual(returned.json()["status"], "returned")
        self.assertEqual(self.upload(number).status_code, 201)
        resubmitted = self.call("post", f"/api/v1/applications/{number}/resubmit", "siti")
        self.assertEqual(resubmitted.json()["status"], "in_progress")
        rejected = self.call("post", url, "budi", json={"action": "reject", "note": "Data palsu"})
        self.assertEqual(rejected.json()["status"], "rejected")

    def test_withdraw(self) -> None:
        number = self.submitted_number()
        response = self.call("post", f"/api/v1/applications/{number}/withdraw", "siti")
        self.assertEqual(response.json()["status"], "withdrawn")
        again = self.call("post", f"/api/v1/applications/{number}/withdraw", "siti")
        self.assertEqual(again.status_code, 409)

    def test_officers_list_their_units_applications_and_views_are_logged(self) -> None:
        number = self.submitted_number()
        listing = self.call("get", "/api/v1/applications", "budi").json()
        self.assertEqual([a["number"] for a in listing["results"]], [number])
        self.call("get", f"/api/v1/applications/{number}", "budi")
        self.assertTrue(
            DataAccess.objects.filter(
                application_number=number,
                place=DataAccess.Place.API_APPLICATION,
                reader=self.budi,
                citizen__username="siti",
            ).exists()
        )


class BadInputTests(ApiTestCase):
    def test_unknown_service_is_404(self) -> None:
        response = self.call(
            "post", "/api/v1/applications", "siti", json={"service": "x", "answers": {}}
        )
        self.assertEqual(response.status_code, 404)

    def test_malformed_answers_are_400_naming_the_field(self) -> None:
        response = self.call(
            "post",
            "/api/v1/applications",
            "siti",
            json={"service": "akta-kelahiran", "answers": {"jenis_kelamin": "x", "warna": "biru"}},
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(set(response.json()["fields"]), {"jenis_kelamin", "warna"})
        self.assertFalse(Application.objects.exists())

    def test_a_nik_with_an_impossible_date_or_region_is_400(self) -> None:
        for nik in ("3374013213900001", "0074015508900001", "33740155089000"):
            with self.subTest(nik=nik):
                response = self.call(
                    "post",
                    "/api/v1/applications",
                    "siti",
                    json={"service": "akta-kelahiran", "answers": {"nik_ibu": nik}},
                )
                self.assertEqual(response.status_code, 400)
                self.assertIn("nik_ibu", response.json()["fields"])

    def test_submit_lists_what_is_missing(self) -> None:
        number = self.draft(answers={"nama_anak": "Putri"})
        response = self.call("post", f"/api/v1/applications/{number}/submit", "siti")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            set(response.json()["fields"]), {"nik_ibu", "jenis_kelamin", "surat_lahir"}
        )

    def test_refused_files_store_nothing(self) -> None:
        number = self.draft()
        cases = [
            (b"", "kosong.pdf"),
            (b"<html><script>alert(1)</script></html>", "surat.pdf"),
            (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "gambar.pdf"),
            (b"MZ\x90\x00\x03" + b"\x00" * 100, "program.pdf"),
            (PDF, "surat.png"),
        ]
        for content, name in cases:
            with self.subTest(name=name):
                response = self.upload(number, content=content, name=name)
                self.assertEqual(response.status_code, 400)
                self.assertIn("file", response.json()["fields"])
        self.assertFalse(Application.objects.get(number=number).documents.exists())

    @override_settings(LAYANAN_MAX_UPLOAD_BYTES=1024)
    def test_a_file_over_the_limit_is_400(self) -> None:
        number = self.draft()
        response = self.upload(number, content=PDF + b"0" * 2000)
        self.assertEqual(response.status_code, 400)

    def test_broken_json_is_400_not_500(self) -> None:
        token = self.token("siti")
        response = self.client.post(
            "/api/v1/applications",
            "{not json",
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )
        self.assertEqual(response.status_code, 400)


class TrackingTests(ApiTestCase):
    def test_the_public_view_has_no_personal_data(self) -> None:
        number = self.submitted_number()
        body = self.client.get(f"/api/v1/track/{number}").json()
        self.assertEqual(body["status"], "in_progress")
        self.assertEqual(body["steps"][0]["unit"], "Loket Pelayanan")
        text = str(body)
        for secret in ("Siti", "3374015508900001", "Putri", "lahir.pdf", "siti@example.test"):
            self.assertNotIn(secret, text)

    def test_unknown_or_malformed_numbers_are_404(self) -> None:
        for number in ("2345-6789-AB", "not-a-number", "x" * 50):
            with self.subTest(number=number):
                self.assertEqual(self.client.get(f"/api/v1/track/{number}").status_code, 404)

    def test_a_draft_is_not_tracked(self) -> None:
        number = self.draft()
        self.assertEqual(self.client.get(f"/api/v1/track/{number}").status_code, 404)


class PatchAnswersTests(ApiTestCase):
    def test_answers_of_a_draft_can_be_changed_with_a_json_body(self) -> None:
        number = self.draft(answers={"nama_anak": "Putri"})
        response = self.call(
            "patch",
            f"/api/v1/applications/{number}",
            "siti",
            json={"answers": {"jenis_kelamin": "p", "nik_ibu": "3374015508900001"}},
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["answers"]["jenis_kelamin"], "p")
        bad = self.call(
            "patch", f"/api/v1/applications/{number}", "siti", json={"answers": {"nik_ibu": "1"}}
        )
        self.assertEqual(bad.status_code, 400)
        self.assertIn("nik_ibu", bad.json()["fields"])


class AssigneeVisibilityTests(ApiTestCase):
    def test_the_applicant_sees_the_unit_and_officers_see_the_assignee(self) -> None:
        from layanan.cases.models import Step

        number = self.submitted()
        Step.objects.filter(application__number=number, key="verifikasi").update(assignee=self.budi)
        citizen = self.call("get", f"/api/v1/applications/{number}", "siti")
        self.assertEqual(citizen.status_code, 200)
        steps = {s["key"]: s for s in citizen.json()["steps"]}
        self.assertEqual(steps["verifikasi"]["assignee"], "Loket Pelayanan")
        self.assertEqual(steps["verifikasi"]["unit_name"], "Loket Pelayanan")
        self.assertEqual(steps["terbit"]["assignee"], "Bidang Pencatatan Sipil")
        self.assertNotIn("budi", citizen.content.decode())
        officer = self.call("get", f"/api/v1/applications/{number}", "ani")
        steps = {s["key"]: s for s in officer.json()["steps"]}
        self.assertEqual(steps["verifikasi"]["assignee"], "budi")
        self.assertIsNone(steps["terbit"]["assignee"])
        self.assertEqual(steps["terbit"]["unit_name"], "Bidang Pencatatan Sipil")

    def test_an_officer_without_the_steps_role_gets_403_from_the_action(self) -> None:
        from layanan.agencies.models import OfficerRole, Role

        dewi = self.make_user("dewi", "Dewi Lestari")
        OfficerRole.objects.create(user=dewi, unit=self.capil, role=Role.FRONT_OFFICE)
        number = self.submitted()
        self.call(
            "post",
            f"/api/v1/applications/{number}/steps/verifikasi/actions",
            "budi",
            json={"action": "approve"},
        )
        response = self.call(
            "post",
            f"/api/v1/applications/{number}/steps/terbit/actions",
            "dewi",
            json={"action": "approve"},
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json()["code"], "forbidden")
        self.assertEqual(
            Application.objects.get(number=number).steps.get(key="terbit").state, "active"
        )
