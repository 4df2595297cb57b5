"""Confidentiality (UU 25/2009 Pasal 54) tested as a stranger would probe it: every public page,
list, export, feed and endpoint is walked after *anonim* and *rahasia* complaints were filed
(through the JSON API and through the web form, with attachments) and handled (verified,
forwarded, answered in public, resolved and reopened, a deadline missed by the sweep).

Nothing the walk reads — as nobody, as an unrelated citizen (agus), as an officer of another
agency (charlie) — may carry a complainant's name, username, email or phone number in any of
the ways a phone number is written; of a *rahasia* complaint not even its number, its Open311
token, its description or its attachment's name.

The walk is derived from the URLconf: every URL listed as public in
portal/tests/test_login_required.py is walked with real arguments (both complaints' numbers,
tokens, service and agency codes, an application's number) and query variants, or skipped
here with a reason; a new public URL fails this test until it is one or the other.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import get_resolver
from django.utils import timezone

from layanan.accounts.models import AttemptCounter, User
from layanan.accounts.tokens import issue_token
from layanan.complaints import actions, sweep
from layanan.complaints.models import Category, Complaint, Status
from layanan.complaints.open311 import ensure_demo_open311_key
from layanan.portal.tests.test_login_required import KEY_HOLDERS, PUBLIC, walk
from layanan.test import PDF, BaseTestCase, mark_verified
from layanan.transparency.opendata import METRICS

# The four complainants. Each identity is distinctive enough that finding it anywhere is a leak.
API_ANON = {
    "name": "Wirasena Kencanawulan",
    "email": "wirasena.kencana@pelapor.test",
    "phone": "0813-7171-2424",
}
API_SECRET_USER = ("rahasia_api", "Gendhis Prameswari Laksmi", "gendhis.laksmi@pelapor.test")
API_SECRET_PHONE = "+6285255558181"
WEB_ANON_USER = ("anon_web_pelapor", "Sekar Arumdalu Pinasthika", "sekar.pinasthika@pelapor.test")
WEB_ANON_PHONE = "+6281966663939"
WEB_SECRET = {
    "name": "Lintang Kusumaningrat",
    "email": "lintang.kusumaningrat@pelapor.test",
    "phone": "0857 4242 9090",
}
# What a confidential complaint says, and the names of the files attached: never public.
SECRET_MARKERS = ("RAHASIA-PENANDA-7Q3X", "RAHASIA-WEB-PENANDA-9K2M")
SECRET_FILE = "bukti-rahasia-web.pdf"

# Public URLs this walk does not open, and why (each must still be a public URL).
SKIPPED = {
    "logout": "signing out shows nothing of a complaint",
    "admin:login": "the admin's sign-in form; no complaint is read there",
    "admin_login": "the same form",
    "admin:logout": "signing out of the admin shows nothing",
    "password_reset_confirm": "a form keyed by a reset token; no complaint is read there",
    "sign_in_code": "the second sign-in step; no complaint is read there",
    "second_factor_enrol": "setting up an authenticator app; no complaint is read there",
    "citizens:setup_code": "choosing a password with a counter code; no complaint is read",
    "api:token": "issues API tokens (POST); no complaint is read there",
    "api:phone_reset_request": "sends a password-reset code to a phone (POST); no complaint is "
    "read there",
    "api:phone_reset_confirm": "sets a password with a code sent to the phone (POST); no "
    "complaint is read there",
    "api:api-root": "django-ninja's prefix: a JSON 404 for everyone",
    "evaluation:public_detail": "a recorded evaluation of a standard: its conclusions and "
    "figures, complaints only as counts by category (none recorded here)",
    "documents:verify": "the verification page of an issued document by its code (404 for "
    "an unknown one); no complaint is read there",
    "documents:certificate_pem": "a published signing certificate (PEM), the same for "
    "everyone; no complaint is read there",
    "api:verify_file": "checks an uploaded PDF (POST only): it answers about the document whose "
    "bytes are sent, never about a complaint",
    "api:file_complaint": "filing (POST); this test files through it, and its answer goes only "
    "to the one who files",
    "set_language": "a redirect back to the page asked for",
    "surveys:answer": "a satisfaction survey opened by its one-time link; no complaint is read",
    "consultations:detail": "a public consultation on a draft standard: its comments name no "
    "one (consultation pages tests) and no complaint is read there",
    "consultations:report": "the report of a consultation, frozen at adoption; no complaint "
    "is read there",
    "consultations:minutes": "the minutes (PDF) of a consultation's public forum",
    "api:consultation_detail": "a public consultation on a draft standard, by its id: the "
    "draft, its comments and answers; no complaint is read there",
    "api:consultation_report": "the report of a public consultation, by its id; no complaint "
    "is read there",
}

# Arguments of public URLs that read no complaint, with a value that opens them.
ARGUMENTS = {
    ("open311:not_found", "rest"): ["requests", "x/y.json"],
}
# Public URLs that refuse a stranger whatever is asked (a key holder's page, a used link).
REFUSED_TO_STRANGERS = KEY_HOLDERS | {
    "complaints:feedback",  # 410 without the message's one-time key
    "open311:not_found",
    "open311:root",
    "portal:health",  # 503 here: no worker runs in the tests
}

# Pages behind a sign-in that an unrelated citizen or another agency's officer may open: what
# they list is theirs (their own complaints, their agency's queue and exports).
SIGNED_IN = {
    "complaints:mine",
    "complaints_office:queue",
    "complaints_office:export_csv",
    "complaints_office:export_json",
    "complaints_office:file",
    "complaints_office:detail",
    "complaints_office:attachment",
    "complaints_office:receipt",
    "citizens:profile",
    "citizens:access_log",
    "guarantees:compensations",
}


def phone_forms(number: str) -> set[str]:
    """The ways a phone number is written: as typed, digits only, 0…, 62…, +62…, grouped."""
    digits = re.sub(r"\D", "", number)
    local = "0" + digits[2:] if digits.startswith("62") else digits
    national = local[1:]
    grouped = f"{local[:4]}-{local[4:8]}-{local[8:]}"
    return {
        number,
        digits,
        local,
        "62" + national,
        "+62" + national,
        grouped,
        grouped.replace("-", " "),
        f"+62 {national[:3]}-{national[3:7]}-{national[7:]}",
        f"+62 {national[:3]} {national[3:7]} {national[7:]}",
        national,
    }


class ConfidentialityWalkTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        AttemptCounter.objects.all().delete()
        ensure_demo_open311_key()
        actions.ensure_builtin_categories(self.disdukcapil)
        actions.ensure_builtin_categories(self.dpmptsp)
        self.umum = Category.objects.get(agency=self.disdukcapil, code="umum")
        self.application = self.submitted(self.siti)
        self.api_secret_user = self.make_user(*API_SECRET_USER[:2], phone=API_SECRET_PHONE)
        self.api_secret_user.email = API_SECRET_USER[2]
        self.api_secret_user.save()
        self.web_anon_user = self.make_user(*WEB_ANON_USER[:2], phone=WEB_ANON_PHONE)
        self.web_anon_user.email = WEB_ANON_USER[2]
        self.web_anon_user.save()
        # A public complaint, so that every list has a row to show (and the walk a control).
        self.public, _key = actions.file_complaint(
            filing=actions.Filing(
                category=self.umum,
                description="Antrean di loket akta tidak bergerak satu jam.",
                service=self.akta,
            ),
            complainant=self.siti,
        )

        self.api_anon = self.file_by_api(
            {
                "privacy": "anonim",
                "description": "Petugas meminta uang tambahan untuk akta kelahiran.",
                "service": "akta-kelahiran",
                "location": {"address": "Jl. Slamet Riyadi 10", "lat": "-7.56", "long": "110.8"},
                "contact": API_ANON,
            }
        )
        self.api_secret = self.file_by_api(
            {
                "privacy": "rahasia",
                "description": f"Pungutan di loket capil, kode {SECRET_MARKERS[0]}.",
                "category": "pungli",
                "application": self.application.number,
            },
            user=self.api_secret_user,
        )
        self.web_anon = self.file_on_the_web(
            {
                "privacy": "anonim",
                "description": "Loket tutup sebelum jam layanan berakhir, dua hari berturut.",
            },
            user=self.web_anon_user,
            files=[SimpleUploadedFile("foto-antrean.pdf", PDF, "application/pdf")],
        )
        self.web_secret = self.file_on_the_web(
            {
                "privacy": "rahasia",
                "category": "disdukcapil.pungli",
                "description": f"Diminta uang Rp100.000, penanda {SECRET_MARKERS[1]}.",
                "contact_name": WEB_SECRET["name"],
                "contact_email": WEB_SECRET["email"],
                "contact_phone": WEB_SECRET["phone"],
            },
            files=[SimpleUploadedFile(SECRET_FILE, PDF, "application/pdf")],
        )
        self.handle()

    # -- filing ------------------------------------------------------------------------------

    def file_by_api(self, body: dict[str, Any], user: User | None = None) -> Complaint:
        payload = {"kind": "pengaduan", "agency": "disdukcapil", "category": "umum", **body}
        headers = {"Authorization": f"Bearer {issue_token(user)[0]}"} if user else {}
        response = Client().post(
            "/api/v1/complaints", payload, content_type="application/json", headers=headers
        )
        self.assertEqual(response.status_code, 201, response.content)
        return Complaint.objects.get(number=response.json()["number"])

    def file_on_the_web(
        self, data: dict[str, Any], *, user: User | None = None, files: list[Any]
    ) -> Complaint:
        client = Client()
        if user is not None:
            client.force_login(user)
        form = {
            "kind": "pengaduan",
            "category": "disdukcapil.umum",
            "website": "",
            "confirmed": "on",
            "attachments": files,
            **data,
        }
        response = client.post("/pengaduan/baru/", form)
        self.assertEqual(response.status_code, 302, response.content[:2000])
        number = response["Location"].strip("/").split("/")[1]
        complaint = Complaint.objects.get(number=number)
        self.assertEqual(complaint.attachments.count(), 1)
        return complaint

    # -- handling ----------------------------------------------------------------------------

    def handle(self) -> None:
        """Ani (supervisor) verifies and forwards them to the capil unit, where Budi answers;
        a month later the sweep finds the limits missed."""
        forwarded = (self.api_anon, self.api_secret, self.web_anon)
        for complaint in forwarded:
            actions.verify_complaint(complaint=complaint, officer=self.ani, note="Lengkap.")
            actions.forward_complaint(
                complaint=complaint, officer=self.ani, unit=self.capil, note="Ke bidang capil."
            )
            actions.respond(
                complaint=complaint,
                officer=self.budi,
                note="Kami memeriksa petugas loket yang bertugas.",
                public=True,
            )
            actions.respond(
                complaint=complaint, officer=self.budi, note="Catatan internal.", public=False
            )
        # the web anonim one: resolved, its complainant says "not resolved", resolved again
        complaint, key = actions.resolve_complaint(
            complaint=self.web_anon, officer=self.budi, outcome="Petugas telah ditegur."
        )
        actions.answer_feedback(
            complaint=complaint,
            key=key,
            user=None,
            resolved=False,
            reason="Loket masih tutup lebih awal.",
            rating=2,
        )
        actions.resolve_complaint(
            complaint=complaint, officer=self.budi, outcome="Jam loket kini diawasi."
        )
        actions.verify_complaint(complaint=self.public, officer=self.ani)
        # the web rahasia one stays received: its verification limit is missed; the others'
        # follow-up plan limits are missed too
        summary = sweep.run(at=timezone.now() + dt.timedelta(days=30))
        self.assertGreaterEqual(summary.missed, 3)
        for complaint in (self.api_anon, self.api_secret, self.web_secret):
            self.assertTrue(complaint.deadlines.filter(breached_at__isnull=False).exists())
        self.web_anon.refresh_from_db()
        self.assertEqual(self.web_anon.status, Status.RESOLVED)

    # -- what must never be found ------------------------------------------------------------

    def forbidden(self) -> dict[str, str]:
        """{text: what it is} of everything no public answer may contain."""
        found: dict[str, str] = {}

        def identity(label: str, name: str, email: str, number: str, username: str = "") -> None:
            found[name] = f"{label}: name"
            found[email] = f"{label}: email"
            for form in phone_forms(number):
                found[form] = f"{label}: phone {form}"
            if username:
                found[username] = f"{label}: username"

        identity("API anonim", API_ANON["name"], API_ANON["email"], API_ANON["phone"])
        identity("API rahasia", *API_SECRET_USER[1:], API_SECRET_PHONE, API_SECRET_USER[0])
        identity("web anonim", *WEB_ANON_USER[1:], WEB_ANON_PHONE, WEB_ANON_USER[0])
        identity("web rahasia", WEB_SECRET["name"], WEB_SECRET["email"], WEB_SECRET["phone"])
        for complaint in (self.api_secret, self.web_secret):
            found[complaint.number] = "rahasia: number"
            found[complaint.token] = "rahasia: Open311 token"
        for marker in SECRET_MARKERS:
            found[marker] = "rahasia: description"
        found[SECRET_FILE] = "rahasia: attachment's name"
        return found

    # -- the URLs ----------------------------------------------------------------------------

    def routes(self) -> list[tuple[str, str]]:
        return list(walk(get_resolver().url_patterns))

    def values(self, route: str, name: str, argument: str) -> list[str]:
        """Real values for one argument of a route."""
        complaints = [self.public, self.api_anon, self.api_secret, self.web_anon, self.web_secret]
        numbers = [c.number for c in complaints]
        by_number = ("api:get_complaint", "open311:request")
        if name.startswith(("complaints:", "complaints_office:")) or name in by_number:
            if argument == "number":
                return numbers
            if argument == "attachment_id":
                return [str(a.pk) for c in complaints for a in c.attachments.all()]
        if name == "open311:token" and argument == "token":
            return [c.token for c in complaints]
        if name == "open311:service" and argument == "code":
            return ["disdukcapil.pungli", "disdukcapil.umum", "dpmptsp.umum"]
        if argument == "fmt":
            return ["json", "xml"]
        if name.startswith("agencies:") or (name, argument) == ("transparency:agency", "agency"):
            return ["disdukcapil", "dpmptsp"]
        if name.startswith("transparency:metric_") and argument == "metric":
            return list(METRICS)  # the complaints' file among them
        if name.startswith("transparency:metric_") and argument == "month":
            # the open-data files of the month the complaints were filed in
            return [timezone.localdate().strftime("%Y-%m")]
        if argument == "code":
            return ["akta-kelahiran"]
        if argument == "number":  # applications' routes: the application complained about
            return [self.application.number]
        if (name, argument) in ARGUMENTS:
            return ARGUMENTS[name, argument]
        raise AssertionError(
            f"no real value for <{argument}> of the public URL {name} ({route}): give one in "
            "values(), or skip the URL in SKIPPED with the reason"
        )

    def urls(self, route: str, name: str) -> Iterator[str]:
        """Every concrete URL of the route: each combination of real argument values."""
        arguments = re.findall(r"<(?:\w+:)?(\w+)>", route)
        combos: list[dict[str, str]] = [{}]
        for argument in arguments:
            given = self.values(route, name, argument)
            combos = [{**c, argument: v} for c in combos for v in given]
        for combo in combos:

            def fill(match: re.Match[str], combo: dict[str, str] = combo) -> str:
                return combo[match.group(1)]

            path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", fill, route)
            for query in self.queries(name, combo):
                yield path + (f"?{query}" if query else "")

    def queries(self, name: str, combo: dict[str, str]) -> list[str]:
        """Query variants: the filters, windows and ids a client can ask about."""
        complaints = [self.public, self.api_anon, self.api_secret, self.web_anon, self.web_secret]
        numbers = ",".join(c.number for c in complaints)
        today = timezone.now()
        window = {
            "start_date": (today - dt.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "end_date": (today + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        if name == "complaints:list":
            return [
                "",
                *(f"status={s}" for s in Status.values),
                "instansi=disdukcapil",
                "jenis=pengaduan",
                "kategori=disdukcapil.pungli",
                "kategori=disdukcapil.umum",
                "page=2",
            ]
        if name == "api:list_complaints":
            return [
                "",
                "agency=disdukcapil",
                "agency=dpmptsp",
                *(f"status={s}" for s in Status.values),
                "category=pungli",
                "category=disdukcapil.umum",
                "kind=pengaduan",
                "page=2",
            ]
        if name == "open311:requests":
            variants = [
                {},
                {"service_request_id": numbers},
                *({"service_request_id": c.number} for c in complaints),
                {"service_code": "disdukcapil.pungli"},
                {"service_code": "disdukcapil.umum"},
                {"status": "open"},
                {"status": "closed"},
                {"status": "open,closed"},
                window,
                {**window, "service_code": "disdukcapil.umum", "status": "open"},
                {"jurisdiction_id": "x", "service_request_id": ""},
            ]
            return [urlencode(v) for v in variants]
        if name == "complaints:detail":
            return ["", "kunci=salah"]
        if name == "complaints_office:queue":
            return ["", "terlambat=on", *(f"status={s}" for s in Status.values)]
        if name == "complaints:feedback":
            return ["", "kunci=salah&jawaban=tidak", "jawaban=ya"]
        if name == "api:get_complaint":
            return ["", "key=salah"]
        if name == "charters:catalogue":
            return ["", "q=akta"]
        if name == "cases:track_form":
            return ["", f"nomor={self.application.number}"]
        if name == "complaints:file":
            return [
                "",
                f"permohonan={self.application.number}",
                "layanan=akta-kelahiran",
                "kategori=disdukcapil.pungli",
            ]
        return [""]

    # -- the viewers -------------------------------------------------------------------------

    def viewers(self) -> list[tuple[str, Client, dict[str, str]]]:
        """(who, client, API headers): nobody; agus, a citizen with nothing to do with the
        complaints; charlie, an officer of another agency (DPMPTSP)."""
        nobody = Client()
        citizen = Client()
        citizen.force_login(self.agus)
        officer = Client()
        officer.force_login(self.charlie)
        mark_verified(officer, self.charlie)
        return [
            ("nobody", nobody, {}),
            ("agus", citizen, {"Authorization": f"Bearer {issue_token(self.agus)[0]}"}),
            ("charlie", officer, {"Authorization": f"Bearer {issue_token(self.charlie)[0]}"}),
        ]

    def read(self, client: Client, url: str, headers: dict[str, str]) -> tuple[int, str]:
        response: Any = client.get(url, headers=headers if url.startswith("/api/") else {})
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8", "replace")
        text += "\n" + "\n".join(f"{k}: {v}" for k, v in response.items())
        return response.status_code, text

    def assert_nothing_found(self, who: str, url: str, status: int, text: str) -> None:
        """No forbidden text in the answer. A confidential complaint's number or token that
        the URL itself names may be echoed back by a refusal ("not found": the asker had it
        already), never by an answer."""
        self.assertNotEqual(status, 500, f"{who} {url}")
        lowered = text.lower()
        asked = url.lower()
        for needle, what in self.forbidden().items():
            if what.startswith("rahasia: ") and needle.lower() in asked and status >= 400:
                continue
            at = lowered.find(needle.lower())
            if at >= 0:
                context = text[max(at - 120, 0) : at + 80]
                self.fail(f"{what} found by {who} at {url} ({status}): …{context}…")

    # -- the tests ---------------------------------------------------------------------------

    def test_no_public_answer_names_a_complainant_or_shows_a_confidential_complaint(
        self,
    ) -> None:
        forbidden = self.forbidden()
        self.assertGreater(len(forbidden), 40)
        self.assertLessEqual(set(SKIPPED), PUBLIC, "skipped, but not a public URL")
        answered: dict[str, set[int]] = {}
        seen_public = False
        for who, client, headers in self.viewers():
            for route, name in self.routes():
                if name not in PUBLIC | KEY_HOLDERS or name in SKIPPED:
                    continue
                for url in self.urls(route, name):
                    status, text = self.read(client, url, headers)
                    with self.subTest(who=who, url=url):
                        self.assert_nothing_found(who, url, status, text)
                    answered.setdefault(name, set()).add(status)
                    seen_public = seen_public or self.api_anon.number in text
        # the walk did read the complaints it was meant to: the anonim one is public
        self.assertTrue(seen_public)
        # every public URL was opened, and answered something else than a refusal
        names = {name for _route, name in self.routes()}
        for name in sorted((PUBLIC | KEY_HOLDERS) & names - set(SKIPPED)):
            self.assertIn(name, answered, f"{name} was not walked")
            if name not in REFUSED_TO_STRANGERS:
                self.assertTrue(
                    any(status < 400 for status in answered[name]),
                    f"{name} answered only {answered[name]}: give it real arguments",
                )

    def test_an_unrelated_citizen_and_another_agencys_officer_find_nothing_signed_in(
        self,
    ) -> None:
        names = {name for _route, name in self.routes()}
        self.assertLessEqual(SIGNED_IN, names, "a signed-in page in the list no longer exists")
        opened = 0
        for who, client, headers in self.viewers()[1:]:
            for route, name in self.routes():
                if name not in SIGNED_IN:
                    continue
                for url in self.urls(route, name):
                    status, text = self.read(client, url, headers)
                    with self.subTest(who=who, url=url):
                        self.assert_nothing_found(who, url, status, text)
                        if name in ("complaints_office:detail", "complaints_office:attachment"):
                            self.assertIn(status, (403, 404))
                    opened += 1
        self.assertGreater(opened, 40)

    def test_the_similar_complaints_shown_before_filing_name_nobody(self) -> None:
        """The filing form's confirmation step lists recent complaints about the same service
        (the anonim ones, and the rahasia one about an application of that service)."""
        for who, client, _headers in self.viewers():
            response = client.post(
                "/pengaduan/baru/",
                {
                    "kind": "pengaduan",
                    "category": "disdukcapil.umum",
                    "service": "akta-kelahiran",
                    "description": "Saya juga diminta uang tambahan untuk akta kelahiran.",
                    "privacy": "publik",
                    "address": "Jl. Slamet Riyadi 10",
                    "website": "",
                },
            )
            self.assertEqual(response.status_code, 200, f"{who}: no confirmation step")
            text = response.content.decode()
            self.assertIn(self.api_anon.number, text)  # the step did list similar ones
            self.assert_nothing_found(who, "/pengaduan/baru/ (confirmation)", 200, text)
