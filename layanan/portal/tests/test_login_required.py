"""Walk the whole URLconf: every URL demands a login, except those listed here as public.

The list of public URLs is explicit, by URL name, so a new URL is walked as one that needs a
login until someone adds it here on purpose; and each public URL is opened without a login to
show that the list is true. Sample arguments are real rows of the scenario (an application of
siti's, its first step, the birth-certificate service) so that a view that looks its object up
first still has to decide about the login.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from layanan.complaints import actions
from layanan.complaints.models import Category
from layanan.surveys.tests.helpers import make_invitation
from layanan.test import BaseTestCase

PUBLIC = {
    # the site's public pages
    "portal:home",
    "portal:accessibility",
    "portal:licence",
    "portal:health",  # the load balancer's probe: no personal data, see test_health.py
    "charters:catalogue",
    "charters:charter",
    "agencies:list",
    "agencies:detail",
    "cases:track_form",
    "cases:track",
    "transparency:register",
    "transparency:register_csv",
    "transparency:register_json",
    # the recorded evaluations of a standard (conclusions and figures, no personal data)
    "evaluation:public_list",
    "evaluation:public_detail",
    "transparency:dashboard",
    "transparency:agency",
    "transparency:service",
    "set_language",
    # signing in, up and out, and recovering a password
    "login",
    "logout",
    "citizens:sign_up",
    "citizens:sign_up_done",  # "check your email or phone", after any sign-up
    "citizens:setup_code",  # a citizen given a one-time code at the counter sets a password
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "phone_reset",  # forgotten password, by a code sent to the phone
    "phone_reset_confirm",
    "admin:login",
    "admin_login",  # the same page, answered 429 when the attempt limit refuses
    # the second step of signing in, and setting up the app, before the session is signed in
    "sign_in_code",
    "second_factor_enrol",
    "admin:logout",
    # the API's public part: its description, sign-in, the catalogue and tracking
    "api:openapi-json",
    "api:openapi-view",
    "api:api-root",  # django-ninja's own prefix: a JSON 404 for everyone
    "api:token",
    "api:phone_reset_request",
    "api:phone_reset_confirm",
    "api:list_services",
    "api:service_detail",
    "api:vault_document_types",  # the shared list of document types: codes and names
    "api:track",
    # the satisfaction survey: its link's key is the credential
    "surveys:answer",
    # issued documents: anyone checks one (by code or file) and reads the certificates
    "documents:verify_home",
    "documents:verify",
    "documents:certificates",
    "documents:certificate_pem",
    "api:verify_code",
    "api:verify_file",
    # complaints: anyone may file one, read the public ones, and answer "is it resolved?" with
    # the one-time link of the message (410 without it)
    "complaints:list",
    "complaints:file",
    "complaints:detail",
    "complaints:feedback",
    # complaints: anyone files one, reads the public list and a complaint's public view
    "api:file_complaint",
    "api:list_complaints",
    "api:get_complaint",
    # public consultations: anyone reads them and, once a version is set, its report
    "api:list_consultations",
    "api:consultation_detail",
    "api:consultation_report",
    # Open311 GeoReport v2 (an api_key, not a login, for posting)
    "open311:discovery",
    "open311:services",
    "open311:service",
    "open311:requests",
    "open311:request",
    "open311:token",
    "open311:not_found",
    "open311:root",
    # open data (transparency)
    "transparency:index",
    "transparency:services_jsonld",
    "transparency:catalogue_jsonld",
    "transparency:metric_csv",
    "transparency:metric_json",
    # public consultations on draft standards: anyone reads them (commenting needs a login)
    "consultations:list",
    "consultations:detail",
    "consultations:report",
    "consultations:minutes",
}
# Public URLs whose sample row does not exist here (the samples are an application's): their
# 404 is the answer to anyone, not a login demanded.
NOT_FOUND_FOR_ANYONE = {
    "documents:verify",  # no document has the sample code: "unknown", to anyone
    "documents:certificate_pem",  # no certificate is configured here
    "evaluation:public_detail",  # no evaluation was recorded here
    "api:api-root",  # django-ninja's own prefix
    "api:get_complaint",
    "open311:service",
    "open311:request",
    "open311:token",
    "open311:not_found",
    "open311:root",
    "consultations:detail",  # the scenario has no consultation
    "consultations:report",
    "consultations:minutes",
}
# Open without a login to the complainant who holds the complaint's key in this browser (a
# complaint filed without an account); 404 to everyone else, never a sign-in page.
KEY_HOLDERS = {"complaints:receipt", "complaints:complete", "complaints:attachment"}


def walk(patterns: list, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    """(route, namespaced name) of every URL pattern."""
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern):
            yield route, f"{namespace}{entry.name or ''}"


class LoginRequiredTests(BaseTestCase):
    def setUp(self) -> None:
        application = self.submitted()
        actions.ensure_builtin_categories(self.disdukcapil)
        self.complaint, _key = actions.file_complaint(
            filing=actions.Filing(
                category=Category.objects.get(agency=self.disdukcapil, code="umum"),
                description="Antrean loket tidak dilayani satu jam.",
            ),
            complainant=self.siti,
        )
        self.samples = {
            "number": application.number,
            "key": "verifikasi",
            "code": "akta-kelahiran",
            "page": "data",
            "document_id": str(application.documents.get().pk),
            "int": "1",
            "uuid": "00000000-0000-0000-0000-000000000000",
            "path": "x/y",
            "kunci": make_invitation(application),
            "open311format": "json",
            "metric": "permohonan",
            "month": "2020-01",
            "agency": "disdukcapil",
        }

    def concrete(self, route: str, name: str) -> str:
        """A URL for a route (or a regex route), with the scenario's rows as arguments."""

        def sample(match: re.Match[str]) -> str:
            converter, argument = match.group(1), match.group(2)
            if name.startswith("agencies:"):
                return "disdukcapil"
            if name.startswith("complaints:") and argument == "number":
                return self.complaint.number
            return self.samples.get(argument) or self.samples.get(converter or "", "x")

        url = re.sub(r"<(?:(\w+):)?(\w+)>", sample, route)
        url = re.sub(r"\(\?P<\w+>[^)]*\)", "x", url)
        return "/" + url.lstrip("^").rstrip("$").replace("\\", "")

    def anonymous(self, url: str) -> Any:
        """GET, or the first method the URL takes (POST, DELETE, PUT, PATCH) when GET is 405."""
        response = self.client.get(url)
        for method in ("post", "delete", "put", "patch"):
            if response.status_code != 405:
                break
            response = getattr(self.client, method)(url)
        return response

    def routes(self) -> list[tuple[str, str]]:
        return list(walk(get_resolver().url_patterns))

    def test_every_url_not_listed_as_public_demands_a_login(self) -> None:
        checked = set()
        for route, name in self.routes():
            if name in PUBLIC:
                continue
            if name in KEY_HOLDERS:
                with self.subTest(name=name):
                    response = self.anonymous(self.concrete(route, name))
                    self.assertEqual(response.status_code, 404)
                checked.add(name)
                continue
            url = self.concrete(route, name)
            with self.subTest(url=url, name=name):
                response = self.anonymous(url)
                if url.startswith("/api/"):
                    self.assertEqual(response.status_code, 401, url)
                    self.assertEqual(response.json()["code"], "unauthenticated")
                else:
                    self.assertIn(response.status_code, (302, 403), url)
                    if response.status_code == 302:
                        self.assertRegex(response["Location"], r"/(admin/login|masuk)/\?next=")
                checked.add(name)
        # the walk reached the citizen's pages, the back office, the API and the admin
        for name in ("cases:detail", "office:step", "api:get_application", "admin:index"):
            self.assertIn(name, checked)
        self.assertGreater(len(checked), 50)

    def test_every_url_listed_as_public_opens_without_a_login(self) -> None:
        names = {name for _route, name in self.routes()}
        self.assertLessEqual(PUBLIC, names, "a public URL in the list no longer exists")
        for route, name in self.routes():
            if name not in PUBLIC:
                continue
            url = self.concrete(route, name)
            with self.subTest(url=url, name=name):
                response = self.anonymous(url)
                refused = (401, 403, 500) if name in NOT_FOUND_FOR_ANYONE else (401, 403, 404, 500)
                self.assertNotIn(response.status_code, refused, url)
                if response.status_code == 302:
                    self.assertNotRegex(response["Location"], r"/(admin/login|masuk)/\?next=")

    def test_a_citizen_without_staff_rights_cannot_open_the_admin(self) -> None:
        self.login(self.siti)
        response = self.client.get("/admin/charters/charter/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/admin/login/", response["Location"])
