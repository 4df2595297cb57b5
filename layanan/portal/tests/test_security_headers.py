"""Security headers: the Content-Security-Policy on every page (the documents' stricter one
kept), HSTS and the redirect to HTTPS behind a TLS proxy (the health probe exempt), and
Django's deployment checks clean with production settings."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tempfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, SimpleTestCase, override_settings
from django.urls import reverse

from layanan.cases import actions
from layanan.test import ANSWERS, PDF, BaseTestCase

POLICY = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
}


def directives(header: str) -> set[str]:
    return {part.strip() for part in header.split(";") if part.strip()}


class ContentSecurityPolicyTests(BaseTestCase):
    def test_every_kind_of_page_carries_the_policy_without_unsafe_inline(self) -> None:
        self.login(self.budi)
        for path in ("/", "/layanan/", "/lacak/", "/masuk/", "/kantor/", "/tidak-ada/"):
            with self.subTest(path=path):
                header = self.client.get(path)["Content-Security-Policy"]
                self.assertLessEqual(POLICY, directives(header))
                self.assertNotIn("unsafe", header)
                self.assertNotIn("*", header)

    def test_a_document_download_keeps_its_stricter_policy(self) -> None:
        application, _ = actions.create_application(
            citizen=self.siti, service=self.akta, answers=ANSWERS
        )
        actions.attach_document(
            application=application,
            user=self.siti,
            requirement="surat_lahir",
            upload=SimpleUploadedFile("lahir.pdf", PDF),
        )
        document = application.documents.get()
        self.login(self.siti)
        response = self.client.get(
            reverse("cases:download", args=[application.number, document.pk])
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Security-Policy"], "default-src 'none'; sandbox")

    def test_pages_are_not_framed_and_say_little_to_other_sites(self) -> None:
        response = self.client.get("/")
        self.assertEqual(response["X-Frame-Options"], "DENY")
        self.assertEqual(response["Referrer-Policy"], "same-origin")
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")


@override_settings(
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    SECURE_SSL_REDIRECT=True,
    SECURE_HSTS_SECONDS=31536000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SECURE_HSTS_PRELOAD=True,
)
class BehindTlsProxyTests(BaseTestCase):
    def test_plain_http_is_redirected_to_https(self) -> None:
        response = self.client.get("/layanan/?q=akta", headers={"X-Forwarded-Proto": "http"})
        self.assertEqual(response.status_code, 301)
        self.assertEqual(response["Location"], "https://testserver/layanan/?q=akta")

    def test_https_answers_with_hsts(self) -> None:
        response = self.client.get("/layanan/", headers={"X-Forwarded-Proto": "https"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response["Strict-Transport-Security"], "max-age=31536000; includeSubDomains; preload"
        )

    def test_the_health_probe_is_answered_over_plain_http(self) -> None:
        response = self.client.get("/sehat/", headers={"X-Forwarded-Proto": "http"})
        self.assertIn(response.status_code, (200, 503))
        self.assertIn("database", response.json())


def run_layanan(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG")}
    return subprocess.run(
        [sys.executable, "-m", "layanan.cli", *args],
        env={**clean, "LAYANAN_DATA_DIR": tempfile.mkdtemp(prefix="layanan-deploy-"), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "layanan.example.go.id",
    "LAYANAN_BEHIND_TLS_PROXY": "1",
    # the message channels' providers, or `check --deploy` warns that WhatsApp and SMS are
    # only printed on the console (notifications.checks)
    "WHATSAPP_TOKEN": "token",
    "WHATSAPP_PHONE_NUMBER_ID": "100200300",
    "WHATSAPP_APP_SECRET": "app-secret",
    "WHATSAPP_VERIFY_TOKEN": "verify-token",
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_AUTH_TOKEN": "twilio-token",
    "TWILIO_FROM": "+15005550006",
}


class DeploymentCheckTests(SimpleTestCase):
    def test_check_deploy_is_clean_with_production_settings(self) -> None:
        result = run_layanan("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("System check identified no issues (0 silenced).", result.stdout)

    def test_check_deploy_names_what_is_missing_without_the_tls_proxy(self) -> None:
        """The check itself can fail: the same settings without the proxy are not clean."""
        result = run_layanan(
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            **{**PRODUCTION, "LAYANAN_BEHIND_TLS_PROXY": "0", "SECURE_COOKIES": "0"},
        )
        self.assertNotEqual(result.returncode, 0)
        for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
            self.assertIn(warning, result.stderr)


class RefusedFormPageTests(BaseTestCase):
    def test_a_form_refused_for_csrf_gets_the_sites_page_without_inline_style(self) -> None:
        client = Client(enforce_csrf_checks=True)
        response = client.post("/masuk/", {"username": "siti", "password": "x"})
        self.assertEqual(response.status_code, 403)
        html = response.content.decode()
        self.assertIn("Formulir tidak dapat dikirim", html)
        self.assertNotIn("<style", html)
        self.assertNotIn("style=", html)
        self.assertIn("default-src 'self'", response["Content-Security-Policy"])
