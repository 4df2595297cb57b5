"""/api/v1/complaints: filing with and without an account (and the per-address limit), reading
one (in full for its complainant, a key holder and the handling unit; the public view for
others; a confidential one 404), the public list, and officers' actions with their errors.

People: siti and agus are citizens; ani supervises the Disdukcapil units (she receives the
agency's complaints); budi processes in them (a complaint not yet forwarded is not his);
charlie is an officer of DPMPTSP."""

from __future__ import annotations

import json
from typing import Any

from django.test import override_settings

from layanan.accounts.models import User
from layanan.accounts.tokens import issue_token
from layanan.complaints import actions
from layanan.complaints.models import Category, Complaint, Privacy, Status
from layanan.test import BaseTestCase

FILING = {
    "agency": "disdukcapil",
    "category": "pungli",
    "description": "Petugas loket meminta uang Rp50.000 untuk mempercepat KTP-el.",
}


class ComplaintApiTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        actions.ensure_builtin_categories(self.disdukcapil)
        actions.ensure_builtin_categories(self.dpmptsp)
        self.pungli = Category.objects.get(agency=self.disdukcapil, code="pungli")

    def token(self, user: User) -> str:
        token, _row = issue_token(user)
        return token

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        user: User | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        headers = dict(headers or {})
        if user is not None:
            headers["Authorization"] = f"Bearer {self.token(user)}"
        kwargs: dict[str, Any] = {"headers": headers}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        return getattr(self.client, method)(f"/api/v1/complaints{path}", **kwargs)

    def file(self, privacy: str = Privacy.PUBLIC, complainant: User | None = None) -> Complaint:
        filing = actions.Filing(
            category=self.pungli,
            description="Petugas meminta uang tambahan di loket.",
            privacy=privacy,
            contact_name="Wati Kusuma",
            contact_phone="0812 7777 6666",
        )
        complaint, _key = actions.file_complaint(filing=filing, complainant=complainant)
        return complaint


class FileTests(ComplaintApiTestCase):
    def test_anyone_files_without_a_token_and_gets_the_key_once(self) -> None:
        body = {
            **FILING,
            "privacy": "anonim",
            "location": {"address": "Jl. Slamet Riyadi 10", "lat": -7.566, "long": 110.826},
            "contact": {"name": "Wati Kusuma", "phone": "0812 7777 6666"},
            "happened_on": "2026-11-02",
            "remedy": "Uang dikembalikan.",
        }
        response = self.call("post", "", body)
        self.assertEqual(response.status_code, 201, response.content)
        answer = response.json()
        for name in ("number", "status", "privacy", "due_at", "access_key", "url"):
            self.assertIn(name, answer)
        self.assertEqual((answer["status"], answer["privacy"]), ("received", "anonim"))
        self.assertEqual(answer["category"]["code"], "disdukcapil.pungli")
        complaint = Complaint.objects.get(number=answer["number"])
        self.assertIsNone(complaint.complainant)
        self.assertEqual(complaint.channel, "api")
        self.assertEqual(complaint.contact_phone, "+6281277776666")
        self.assertEqual(str(complaint.latitude), "-7.566000")
        self.assertTrue(actions.check_access_key(complaint, answer["access_key"]))
        self.assertEqual(answer["url"], f"/pengaduan/{complaint.number}/")

    def test_a_citizen_with_a_token_files_as_herself(self) -> None:
        response = self.call("post", "", {**FILING, "kind": "aspirasi"}, user=self.siti)
        self.assertEqual(response.status_code, 201, response.content)
        self.assertIsNone(response.json()["access_key"])
        complaint = Complaint.objects.get()
        self.assertEqual((complaint.complainant, complaint.kind), (self.siti, "aspirasi"))

    def test_the_service_code_names_the_category_too(self) -> None:
        response = self.call("post", "", {**FILING, "category": "disdukcapil.pungli"})
        self.assertEqual(response.status_code, 201)

    def test_a_wrong_token_is_401_not_anonymous(self) -> None:
        response = self.call("post", "", FILING, headers={"Authorization": "Bearer salah"})
        self.assertEqual((response.status_code, response.json()["code"]), (401, "unauthenticated"))
        self.assertFalse(Complaint.objects.exists())

    def test_bad_input_is_400_field_by_field(self) -> None:
        response = self.call("post", "", {**FILING, "agency": "tidak-ada"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(list(response.json()["fields"]), ["agency"])
        response = self.call("post", "", {**FILING, "category": "tidak-ada", "service": "x"})
        self.assertEqual(sorted(response.json()["fields"]), ["category", "service"])
        response = self.call(
            "post",
            "",
            {**FILING, "description": "pendek", "privacy": "terbuka", "kind": "protes"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["code"], "invalid")
        self.assertEqual(sorted(response.json()["fields"]), ["description", "kind", "privacy"])
        response = self.call("post", "", {**FILING, "location": {"lat": 1}})
        self.assertEqual(list(response.json()["fields"]), ["location"])
        response = self.call("post", "", {"agency": "disdukcapil"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("description", response.json()["fields"])
        self.assertFalse(Complaint.objects.exists())

    def test_messages_follow_accept_language(self) -> None:
        english = {"Accept-Language": "en"}
        response = self.call("post", "", {**FILING, "agency": "x"}, headers=english)
        self.assertEqual(response.json()["fields"]["agency"], ["Unknown agency."])

    @override_settings(LAYANAN_COMPLAINT_ADDRESS_LIMIT=2)
    def test_anonymous_filing_is_limited_per_address(self) -> None:
        for _ in range(2):
            self.assertEqual(self.call("post", "", FILING).status_code, 201)
        refused = self.call("post", "", FILING)
        self.assertEqual((refused.status_code, refused.json()["code"]), (429, "rate_limited"))
        self.assertEqual(Complaint.objects.count(), 2)
        # refused input does not count, and a citizen with a token is not limited by address
        self.assertEqual(self.call("post", "", FILING, user=self.siti).status_code, 201)

    @override_settings(LAYANAN_COMPLAINT_ADDRESS_LIMIT=1)
    def test_refused_input_does_not_use_up_the_limit(self) -> None:
        self.assertEqual(self.call("post", "", {**FILING, "agency": "x"}).status_code, 400)
        self.assertEqual(self.call("post", "", FILING).status_code, 201)


class ReadTests(ComplaintApiTestCase):
    def test_the_public_reads_the_public_view_without_identity(self) -> None:
        complaint = self.file(Privacy.ANONYMOUS, complainant=self.siti)
        for user in (None, self.agus, self.charlie):
            with self.subTest(user=user):
                response = self.call("get", f"/{complaint.number}", user=user)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.json()["view"], "public")
                for secret in (b"Siti", b"siti", b"Wati", b"6281277776666", b"0812"):
                    self.assertNotIn(secret, response.content)

    def test_the_complainant_and_the_handling_unit_read_everything(self) -> None:
        complaint = self.file(Privacy.CONFIDENTIAL, complainant=self.siti)
        mine = self.call("get", f"/{complaint.number}", user=self.siti).json()
        self.assertEqual((mine["view"], mine["complainant"]["username"]), ("full", "siti"))
        officer = self.call("get", f"/{complaint.number}", user=self.ani).json()
        self.assertEqual((officer["view"], officer["complainant"]["name"]), ("full", "Siti Rahayu"))

    def test_a_confidential_complaint_is_404_to_anyone_else(self) -> None:
        complaint = self.file(Privacy.CONFIDENTIAL, complainant=self.siti)
        for user in (None, self.agus, self.budi, self.charlie):
            with self.subTest(user=user):
                response = self.call("get", f"/{complaint.number}", user=user)
                answer = (response.status_code, response.json()["code"])
                self.assertEqual(answer, (404, "not_found"))

    def test_a_browser_session_is_not_a_token(self) -> None:
        complaint = self.file(Privacy.CONFIDENTIAL, complainant=self.siti)
        self.login(self.siti)
        self.assertEqual(self.call("get", f"/{complaint.number}").status_code, 404)
        response = self.call("post", "", FILING)
        self.assertIsNotNone(response.json()["access_key"])  # filed without an account

    def test_the_key_opens_it_by_header_or_parameter(self) -> None:
        filed = self.call("post", "", {**FILING, "privacy": "rahasia"}).json()
        number, key = filed["number"], filed["access_key"]
        by_header = self.call("get", f"/{number}", headers={"X-Complaint-Key": key})
        self.assertEqual(by_header.json()["view"], "full")
        self.assertEqual(self.call("get", f"/{number}?key={key}").json()["view"], "full")
        wrong = self.call("get", f"/{number}", headers={"X-Complaint-Key": "salah"})
        self.assertEqual(wrong.status_code, 404)

    def test_an_unknown_number_is_404(self) -> None:
        self.assertEqual(self.call("get", "/PGD-0000-0000-00").status_code, 404)
        self.assertEqual(self.call("get", "/bukan-nomor").status_code, 404)


class ListTests(ComplaintApiTestCase):
    def test_the_list_is_public_paginated_and_never_confidential(self) -> None:
        public = self.file(complainant=self.siti)
        anonymous = self.file(Privacy.ANONYMOUS, complainant=self.siti)
        confidential = self.file(Privacy.CONFIDENTIAL, complainant=self.siti)
        response = self.call("get", "")
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual((body["count"], body["page"], body["pages"]), (2, 1, 1))
        self.assertEqual(
            [row["number"] for row in body["results"]], [anonymous.number, public.number]
        )
        self.assertNotIn(confidential.number.encode(), response.content)
        for secret in (b"Siti", b"Wati", b"6281277776666", b"Petugas meminta"):
            self.assertNotIn(secret, response.content)
        self.assertEqual(
            sorted(body["results"][0]),
            sorted(
                [
                    "number",
                    "kind",
                    "kind_label",
                    "category",
                    "agency",
                    "status",
                    "status_label",
                    "created_at",
                    "due_at",
                ]
            ),
        )

    def test_filters(self) -> None:
        received = self.file()
        verified = self.file()
        actions.verify_complaint(complaint=verified, officer=self.ani)

        def numbers(query: str) -> list[str]:
            response = self.call("get", query)
            self.assertEqual(response.status_code, 200, response.content)
            return [row["number"] for row in response.json()["results"]]

        self.assertEqual(numbers("?status=verified"), [verified.number])
        self.assertEqual(numbers("?status=received&agency=disdukcapil"), [received.number])
        self.assertEqual(numbers("?agency=dpmptsp"), [])
        self.assertEqual(numbers("?kind=aspirasi"), [])
        self.assertEqual(len(numbers("?category=disdukcapil.pungli&kind=pengaduan")), 2)
        self.assertEqual(len(numbers("?agency=&status=&kind=")), 2)  # empty: absent
        bad = self.call("get", "?status=selesai&kind=protes")
        self.assertEqual(bad.status_code, 400)
        self.assertEqual(sorted(bad.json()["fields"]), ["kind", "status"])

    def test_pages_of_twenty(self) -> None:
        for _ in range(21):
            self.file()
        second = self.call("get", "?page=2").json()
        self.assertEqual((second["count"], second["page"], second["pages"]), (21, 2, 2))
        self.assertEqual(len(second["results"]), 1)
        self.assertEqual(self.call("get", "?page=99").json()["page"], 2)

    def test_the_list_costs_the_same_queries_for_any_length(self) -> None:
        for _ in range(3):
            self.file()
        with self.assertNumQueries(2):  # the count and the page
            self.call("get", "")


class ActionTests(ComplaintApiTestCase):
    def act(self, complaint: Complaint, *, user: User | None = None, **body: Any) -> Any:
        return self.call("post", f"/{complaint.number}/actions", body, user=user or self.ani)

    def test_the_handling_unit_walks_a_complaint_to_its_end(self) -> None:
        complaint = self.file(complainant=self.siti)
        response = self.act(complaint, action="verify", note="Lengkap.")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual((response.json()["status"], response.json()["view"]), ("verified", "full"))
        response = self.act(complaint, action="forward", unit="disdukcapil-capil")
        self.assertEqual(response.json()["status"], "forwarded", response.content)
        # now with the unit budi works in: he plans, responds and resolves
        for body, status in (
            ({"action": "plan", "note": "Petugas diperiksa."}, "in_follow_up"),
            ({"action": "respond", "note": "Diperiksa.", "public": True}, "in_follow_up"),
            ({"action": "resolve", "outcome": "Uang dikembalikan."}, "resolved"),
        ):
            with self.subTest(action=body["action"]):
                response = self.act(complaint, user=self.budi, **body)
                self.assertEqual(response.status_code, 200, response.content)
                self.assertEqual(response.json()["status"], status)
        complaint.refresh_from_db()
        self.assertEqual(complaint.status, Status.RESOLVED)

    def test_someone_who_does_not_handle_it_gets_404_and_nothing_changes(self) -> None:
        complaint = self.file()
        for user in (self.charlie, self.siti, self.budi):  # budi: not yet forwarded to him
            with self.subTest(user=user):
                response = self.act(complaint, user=user, action="verify")
                self.assertEqual(response.status_code, 404)
        anonymous = self.call("post", f"/{complaint.number}/actions", {"action": "verify"})
        self.assertEqual(anonymous.status_code, 401)
        complaint.refresh_from_db()
        self.assertEqual(complaint.status, Status.RECEIVED)

    def test_an_action_the_status_does_not_allow_is_409(self) -> None:
        complaint = self.file()
        self.act(complaint, action="verify")
        again = self.act(complaint, action="verify")
        self.assertEqual((again.status_code, again.json()["code"]), (409, "not_allowed"))

    def test_a_stale_revision_is_409_conflict(self) -> None:
        complaint = self.file()
        response = self.act(complaint, action="verify", revision=complaint.revision + 5)
        self.assertEqual((response.status_code, response.json()["code"]), (409, "conflict"))

    def test_bad_input_is_400(self) -> None:
        complaint = self.file()
        for body, field in (
            ({"action": "melompat"}, "action"),
            ({"action": "request_completion"}, "note"),
            ({"action": "reject", "ground": "bosan", "reason": "x"}, "ground"),
            ({"action": "reject"}, "reason"),
            ({"action": "link_duplicate", "primary": "PGD-0000-0000-00"}, "primary"),
            ({"action": "record_lapor", "link": "forwarded_to"}, "lapor_number"),
        ):
            with self.subTest(body=body):
                response = self.call("post", f"/{complaint.number}/actions", body, user=self.ani)
                self.assertEqual(response.status_code, 400, response.content)
                self.assertIn(field, response.json()["fields"])
        self.act(complaint, action="verify")
        response = self.act(complaint, action="forward", unit="tidak-ada")
        self.assertIn("unit", response.json()["fields"])

    def test_reject_link_and_lapor(self) -> None:
        first, second, third = self.file(), self.file(), self.file()
        response = self.act(first, action="reject", reason="Di luar kewenangan.", ground="other")
        self.assertEqual(response.json()["status"], "rejected")
        response = self.act(third, action="link_duplicate", primary=second.number)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["duplicate_of"], second.number)
        response = self.act(
            second, action="record_lapor", link="forwarded_to", lapor_number="LAPOR-123"
        )
        self.assertEqual(response.json()["lapor_number"], "LAPOR-123")

    def test_request_completion(self) -> None:
        complaint = self.file()
        response = self.act(complaint, action="request_completion", note="Lampirkan bukti.")
        self.assertEqual(response.json()["status"], "incomplete")
