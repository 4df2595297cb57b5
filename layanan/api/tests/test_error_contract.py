"""The API answers every malformed, oversized or non-finite body in its JSON error shape,
in the client's language (Indonesian unless it sends Accept-Language: en), and changes
nothing."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from layanan.cases.models import Application
from layanan.test import ANSWERS, PASSWORD, BaseTestCase


class ErrorContractTests(BaseTestCase):
    def setUp(self) -> None:
        response = self.client.post(
            "/api/v1/auth/token",
            {"username": "siti", "password": PASSWORD},
            content_type="application/json",
        )
        self.bearer = {"Authorization": f"Bearer {response.json()['token']}"}

    def post(self, body: bytes | str, **headers: str) -> Any:
        return self.client.post(
            "/api/v1/applications",
            body,
            content_type="application/json",
            headers={**self.bearer, **headers},
        )

    def assert_refused(self, response: Any, status: int, code: str) -> dict[str, Any]:
        self.assertEqual(response.status_code, status, response.content)
        self.assertTrue(response["Content-Type"].startswith("application/json"))
        body: dict[str, Any] = response.json()
        self.assertEqual(set(body), {"code", "message", "fields"})
        self.assertEqual(body["code"], code)
        self.assertFalse(Application.objects.exists())
        return body

    def test_malformed_json_is_400_invalid_json_in_indonesian(self) -> None:
        for body in ("{not json", '{"service": "akta-kelahiran",', "", "\xff", '{"a": [1, 2'):
            with self.subTest(body=body):
                refused = self.assert_refused(self.post(body or "{"), 400, "invalid_json")
                self.assertEqual(refused["message"], "Isi permintaan bukan JSON yang valid.")

    def test_malformed_json_in_english_when_asked(self) -> None:
        refused = self.assert_refused(
            self.post("{not json", **{"Accept-Language": "en"}), 400, "invalid_json"
        )
        self.assertEqual(refused["message"], "The request body is not valid JSON.")

    def test_bytes_that_are_not_utf8_are_invalid_json(self) -> None:
        self.assert_refused(self.post(b'{"service": "\xff\xfe"}'), 400, "invalid_json")

    def test_non_finite_numbers_are_refused_anywhere_in_the_body(self) -> None:
        for number in ("NaN", "Infinity", "-Infinity", "1e999", "-1e999", "1E400"):
            for template in (
                '{"service": "akta-kelahiran", "answers": {"nama_anak": %s}}',
                '{"service": "akta-kelahiran", "answers": {"x": [1, {"y": %s}]}}',
                '{"service": %s, "answers": {}}',
            ):
                body = template % number
                with self.subTest(body=body):
                    refused = self.assert_refused(self.post(body), 400, "invalid_json")
                    self.assertIn("NaN", refused["message"])

    def test_large_finite_numbers_are_not_refused_as_json(self) -> None:
        body = '{"service": "akta-kelahiran", "answers": {"nama_anak": 1e308}}'
        response = self.post(body)
        self.assertNotEqual(response.json().get("code"), "invalid_json", response.content)

    def test_a_body_over_the_limit_is_413_in_the_json_shape(self) -> None:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        self.assertEqual(limit, 11 * 1024 * 1024)
        body = '{"service": "akta-kelahiran", "answers": {"nama_anak": "%s"}}' % ("a" * limit)
        refused = self.assert_refused(self.post(body), 413, "too_large")
        self.assertEqual(
            refused["message"], "Isi permintaan terlalu besar: paling banyak 11 MB diterima."
        )
        english = self.post(body, **{"Accept-Language": "en"}).json()["message"]
        self.assertEqual(english, "The request body is too large: at most 11 MB is accepted.")

    def test_an_oversized_upload_is_413_too(self) -> None:
        number = self.post(json.dumps({"service": "akta-kelahiran", "answers": ANSWERS}))
        number = number.json()["number"]
        big = SimpleUploadedFile("lahir.pdf", b"%PDF-1.4\n" + b"0" * (12 * 1024 * 1024))
        response = self.client.post(
            f"/api/v1/applications/{number}/documents",
            {"requirement": "surat_lahir", "file": big},
            headers=self.bearer,
        )
        self.assertEqual(response.status_code, 413)
        self.assertEqual(response.json()["code"], "too_large")
        self.assertFalse(Application.objects.get(number=number).documents.exists())

    def test_a_body_just_under_the_limit_is_read(self) -> None:
        response = self.post('{"service": "akta-kelahiran", "answers": {"nama_anak": "Putri"}}')
        self.assertEqual(response.status_code, 201, response.content)
