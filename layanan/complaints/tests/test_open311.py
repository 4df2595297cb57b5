"""Conformance of /open311/v2/ with the frozen GeoReport v2 specification, in JSON and XML:
discovery, services, service definitions, posting a request (every error the specification
names: missing or wrong api_key 403, unknown service 404, missing location 400), reading
requests by id, by token and through the filters with the default window of 90 days, and
unknown requests 404. Confidential complaints never appear in any GET; contact fields never
come back. XML is parsed with xml.etree and its element names are checked exactly."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from typing import Any
from unittest import mock

import time_machine
from django.test import Client

from layanan.agencies.models import Agency
from layanan.complaints import actions, open311
from layanan.complaints.models import Category, Complaint, Open311Key, Privacy
from layanan.complaints.open311 import DEMO_KEY, ensure_demo_open311_key
from layanan.test import BaseTestCase

W3C = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")
SERVICE_FIELDS = [
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
]
ATTRIBUTE_FIELDS = [
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
]
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
# What the complainants give that must never come back.
SECRETS = ("Rahasia Sekali", "Wati Kusuma", "wati@example.test", "0812 7777 6666", "6281277776666")


def children(element: ET.Element) -> list[str]:
    return [child.tag for child in element]


class Open311TestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.key = ensure_demo_open311_key()
        actions.ensure_builtin_categories(self.disdukcapil)
        actions.ensure_builtin_categories(self.dpmptsp)
        self.pungli = Category.objects.get(agency=self.disdukcapil, code="pungli")
        self.umum_dpmptsp = Category.objects.get(agency=self.dpmptsp, code="umum")
        self.api = Client(enforce_csrf_checks=True)

    def file(self, *, privacy: str = Privacy.PUBLIC, **changes: Any) -> Complaint:
        filing = actions.Filing(
            category=changes.pop("category", self.pungli),
            description=changes.pop("description", "Petugas loket meminta uang Rp50.000."),
            privacy=privacy,
            **changes,
        )
        complaint, _key = actions.file_complaint(filing=filing, complainant=None)
        return complaint

    def get(self, path: str, **params: Any) -> Any:
        return self.api.get(f"/open311/v2/{path}", params)

    def post(self, fmt: str, **form: Any) -> Any:
        return self.api.post(f"/open311/v2/requests.{fmt}", form)

    def valid_post(self, **changes: Any) -> dict[str, Any]:
        form = {
            "api_key": DEMO_KEY,
            "service_code": "disdukcapil.pungli",
            "address_string": "Jl. Slamet Riyadi 10, Surakarta",
            "description": "Diminta uang tambahan saat mengurus KTP-el.",
        }
        form.update(changes)
        return {k: v for k, v in form.items() if v is not None}

    def json_of(self, response: Any, status: int = 200) -> Any:
        self.assertEqual(response.status_code, status, response.content[:500])
        self.assertEqual(response["Content-Type"], "application/json; charset=utf-8")
        return json.loads(response.content)

    def xml_of(self, response: Any, status: int = 200) -> ET.Element:
        self.assertEqual(response.status_code, status, response.content[:500])
        self.assertEqual(response["Content-Type"], "text/xml; charset=utf-8")
        self.assertTrue(response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>'))
        # our own answer, parsed as the brief asks, with the standard library
        return ET.fromstring(response.content)  # noqa: S314

    def assert_error(self, response: Any, fmt: str, status: int) -> list[str]:
        """The specification's error body; returns the descriptions."""
        if fmt == "json":
            body = self.json_of(response, status)
            self.assertIsInstance(body, list)
            self.assertGreater(len(body), 0)
            for error in body:
                self.assertEqual(sorted(error), ["code", "description"])
                self.assertEqual(error["code"], status)
            return [error["description"] for error in body]
        root = self.xml_of(response, status)
        self.assertEqual(root.tag, "errors")
        self.assertGreater(len(root), 0)
        descriptions = []
        for error in root:
            self.assertEqual(error.tag, "error")
            self.assertEqual(children(error), ["code", "description"])
            self.assertEqual(error.findtext("code"), str(status))
            descriptions.append(error.findtext("description") or "")
        return descriptions


class DemoKeyTests(Open311TestCase):
    def test_the_demo_key_is_made_once_and_kept_active(self) -> None:
        Open311Key.objects.filter(pk=self.key.pk).update(active=False)
        again = ensure_demo_open311_key()
        self.assertEqual(again.pk, self.key.pk)
        self.assertEqual(Open311Key.objects.count(), 1)
        self.assertTrue(Open311Key.objects.get().active)
        self.assertEqual(again.key_hash, Open311Key.digest("demo-open311-key"))


class DiscoveryTests(Open311TestCase):
    def test_json(self) -> None:
        body = self.json_of(self.get("discovery.json"))
        self.assertEqual(list(body), ["changeset", "contact", "key_service", "endpoints"])
        (endpoint,) = body["endpoints"]
        self.assertEqual(list(endpoint), ["specification", "url", "changeset", "type", "formats"])
        self.assertEqual(endpoint["specification"], "http://wiki.open311.org/GeoReport_v2")
        self.assertEqual(endpoint["url"], "http://testserver/open311/v2")
        self.assertEqual(endpoint["type"], "production")
        self.assertEqual(endpoint["formats"], ["text/xml", "application/json"])

    def test_xml(self) -> None:
        root = self.xml_of(self.get("discovery.xml"))
        self.assertEqual(root.tag, "discovery")
        self.assertEqual(children(root), ["changeset", "contact", "key_service", "endpoints"])
        endpoints = root.find("endpoints")
        assert endpoints is not None
        self.assertEqual(children(endpoints), ["endpoint"])
        endpoint = endpoints[0]
        self.assertEqual(
            children(endpoint), ["specification", "url", "changeset", "type", "formats"]
        )
        formats = endpoint.find("formats")
        assert formats is not None
        self.assertEqual([f.tag for f in formats], ["format", "format"])
        self.assertEqual([f.text for f in formats], ["text/xml", "application/json"])

    def test_another_format_or_resource_is_the_specifications_404(self) -> None:
        self.assert_error(self.get("discovery.html"), "xml", 404)
        self.assert_error(self.get("nothing-here.json"), "json", 404)
        self.assert_error(self.get(""), "xml", 404)


class ServicesTests(Open311TestCase):
    def test_json_lists_every_active_category_of_every_agency(self) -> None:
        Category.objects.create(agency=self.disdukcapil, code="lama", name="Lama", active=False)
        body = self.json_of(self.get("services.json"))
        codes = [service["service_code"] for service in body]
        self.assertEqual(
            sorted(codes),
            ["disdukcapil.pungli", "disdukcapil.umum", "dpmptsp.pungli", "dpmptsp.umum"],
        )
        for service in body:
            self.assertEqual(list(service), SERVICE_FIELDS)
            self.assertIs(service["metadata"], True)
            self.assertEqual(service["type"], "realtime")
            self.assertIsInstance(service["service_code"], str)
        pungli = next(s for s in body if s["service_code"] == "disdukcapil.pungli")
        self.assertIn("Disdukcapil", pungli["service_name"])
        self.assertEqual(pungli["group"], self.disdukcapil.name)

    def test_xml(self) -> None:
        root = self.xml_of(self.get("services.xml"))
        self.assertEqual(root.tag, "services")
        self.assertEqual(set(children(root)), {"service"})
        self.assertEqual(len(root), 4)
        for service in root:
            self.assertEqual(children(service), SERVICE_FIELDS)
            self.assertEqual(service.findtext("metadata"), "true")
            self.assertEqual(service.findtext("type"), "realtime")

    def test_a_new_agency_gets_its_builtin_categories(self) -> None:
        Agency.objects.create(code="dinkes", name="Dinas Kesehatan", region_code="33.99")
        codes = [s["service_code"] for s in self.json_of(self.get("services.json"))]
        self.assertIn("dinkes.pungli", codes)
        self.assertIn("dinkes.umum", codes)


class ServiceDefinitionTests(Open311TestCase):
    def test_json(self) -> None:
        body = self.json_of(self.get("services/disdukcapil.pungli.json"))
        self.assertEqual(list(body), ["service_code", "attributes"])
        self.assertEqual(body["service_code"], "disdukcapil.pungli")
        codes = [a["code"] for a in body["attributes"]]
        self.assertEqual(
            codes,
            [
                "privacy",
                "kind",
                "happened_on",
                "loss",
                "remedy",
                "compensation_claimed",
                "application_number",
                "service",  # Disdukcapil offers a service: it can be named
            ],
        )
        for order, attribute in enumerate(body["attributes"], start=1):
            self.assertEqual(list(attribute), ATTRIBUTE_FIELDS)
            self.assertEqual(attribute["order"], order)
            self.assertIs(attribute["variable"], True)
            self.assertIs(attribute["required"], False)
        privacy = body["attributes"][0]
        self.assertEqual(privacy["datatype"], "singlevaluelist")
        self.assertEqual([v["key"] for v in privacy["values"]], ["publik", "anonim", "rahasia"])
        self.assertEqual(list(privacy["values"][0]), ["key", "name"])
        service = body["attributes"][-1]
        self.assertEqual(service["values"], [{"key": "akta-kelahiran", "name": "Akta Kelahiran"}])

    def test_xml(self) -> None:
        root = self.xml_of(self.get("services/disdukcapil.pungli.xml"))
        self.assertEqual(root.tag, "service_definition")
        self.assertEqual(children(root), ["service_code", "attributes"])
        attributes = root.find("attributes")
        assert attributes is not None
        self.assertEqual(set(children(attributes)), {"attribute"})
        privacy = attributes[0]
        self.assertEqual(children(privacy), ATTRIBUTE_FIELDS)
        self.assertEqual(privacy.findtext("variable"), "true")
        self.assertEqual(privacy.findtext("required"), "false")
        values = privacy.find("values")
        assert values is not None
        self.assertEqual(children(values), ["value", "value", "value"])
        self.assertEqual(children(values[0]), ["key", "name"])
        self.assertEqual(values[2].findtext("key"), "rahasia")
        loss = attributes[3]
        self.assertEqual(loss.findtext("datatype"), "text")
        self.assertEqual(children(loss.find("values")), [])  # type: ignore[arg-type]

    def test_an_agency_without_services_has_no_service_attribute(self) -> None:
        body = self.json_of(self.get("services/dpmptsp.umum.json"))
        self.assertNotIn("service", [a["code"] for a in body["attributes"]])

    def test_an_unknown_service_is_404_in_both_formats(self) -> None:
        for fmt in ("json", "xml"):
            with self.subTest(fmt=fmt):
                (description,) = self.assert_error(self.get(f"services/tidak.ada.{fmt}"), fmt, 404)
                self.assertIn("tidak.ada", description)

    def test_an_inactive_category_is_unknown(self) -> None:
        Category.objects.filter(pk=self.pungli.pk).update(active=False)
        self.assert_error(self.get("services/disdukcapil.pungli.json"), "json", 404)


class PostRequestTests(Open311TestCase):
    def test_json_files_a_complaint_and_answers_its_id(self) -> None:
        form = self.valid_post(
            lat="-7.566", long="110.826", email="wati@example.test", first_name="Wati",
            last_name="Kusuma", phone="0812 7777 6666", device_id="abc", account_id="42",
            media_url="https://example.test/foto.jpg", jurisdiction_id="surakarta.go.id",
        )  # fmt: skip
        form["attribute[privacy]"] = "anonim"
        form["attribute[loss]"] = "Rp50.000"
        form["attribute[happened_on]"] = "2026-11-02"
        body = self.json_of(self.post("json", **form))
        (created,) = body
        self.assertEqual(list(created), ["service_request_id", "service_notice", "account_id"])
        self.assertIsInstance(created["service_request_id"], str)
        self.assertIsNone(created["account_id"])
        complaint = Complaint.objects.get(number=created["service_request_id"])
        self.assertIn(complaint.number, created["service_notice"])
        self.assertEqual(complaint.channel, "open311")
        self.assertEqual(complaint.open311_key, self.key)
        self.assertIsNone(complaint.complainant)
        self.assertEqual(complaint.privacy, "anonim")
        self.assertEqual(complaint.loss, "Rp50.000")
        self.assertEqual(complaint.happened_on, dt.date(2026, 11, 2))
        self.assertEqual(str(complaint.latitude), "-7.566000")
        self.assertEqual(complaint.contact_name, "Wati Kusuma")
        self.assertEqual(complaint.contact_email, "wati@example.test")
        self.assertEqual(complaint.contact_phone, "+6281277776666")
        self.assertEqual(complaint.category, self.pungli)
        self.key.refresh_from_db()
        self.assertIsNotNone(self.key.last_used_at)

    def test_xml(self) -> None:
        root = self.xml_of(self.post("xml", **self.valid_post()))
        self.assertEqual(root.tag, "service_requests")
        self.assertEqual(children(root), ["request"])
        self.assertEqual(children(root[0]), ["service_request_id", "service_notice", "account_id"])
        number = root[0].findtext("service_request_id")
        self.assertTrue(Complaint.objects.filter(number=number).exists())
        self.assertEqual(root[0].findtext("account_id"), "")

    def test_a_missing_api_key_is_403(self) -> None:
        for fmt in ("json", "xml"):
            with self.subTest(fmt=fmt):
                self.assert_error(self.post(fmt, **self.valid_post(api_key=None)), fmt, 403)
                self.assert_error(self.post(fmt, **self.valid_post(api_key="")), fmt, 403)
        self.assertFalse(Complaint.objects.exists())

    def test_a_wrong_or_withdrawn_api_key_is_403(self) -> None:
        for fmt in ("json", "xml"):
            with self.subTest(fmt=fmt):
                self.assert_error(self.post(fmt, **self.valid_post(api_key="salah")), fmt, 403)
        Open311Key.objects.filter(pk=self.key.pk).update(active=False)
        self.assert_error(self.post("json", **self.valid_post()), "json", 403)
        self.assertFalse(Complaint.objects.exists())

    def test_an_unknown_service_is_404(self) -> None:
        for fmt in ("json", "xml"):
            with self.subTest(fmt=fmt):
                response = self.post(fmt, **self.valid_post(service_code="tidak.ada"))
                self.assert_error(response, fmt, 404)

    def test_a_missing_service_code_is_400(self) -> None:
        self.assert_error(self.post("xml", **self.valid_post(service_code="")), "xml", 400)

    def test_a_missing_location_is_400(self) -> None:
        for fmt in ("json", "xml"):
            with self.subTest(fmt=fmt):
                response = self.post(fmt, **self.valid_post(address_string=""))
                (description,) = self.assert_error(response, fmt, 400)
                self.assertIn("address_string", description)
        self.assertFalse(Complaint.objects.exists())

    def test_each_location_form_is_enough(self) -> None:
        for location in (
            {"lat": "-7.56", "long": "110.82"},
            {"address_id": "3372010001"},
            {"address_string": "Pasar Gede"},
        ):
            with self.subTest(location=location):
                form = {**self.valid_post(address_string=""), **location}
                self.json_of(self.post("json", **form))
        self.assertEqual(Complaint.objects.count(), 3)

    def test_lat_without_long_and_bad_degrees_are_400(self) -> None:
        self.assert_error(self.post("json", **self.valid_post(lat="-7.5")), "json", 400)
        self.assert_error(self.post("json", **self.valid_post(lat="95", long="110")), "json", 400)
        self.assert_error(self.post("json", **self.valid_post(lat="NaN", long="110")), "json", 400)

    def test_bad_input_names_the_argument(self) -> None:
        form = self.valid_post(description="pendek", email="bukan-email")
        form["attribute[privacy]"] = "rahasia-sekali"
        form["attribute[compensation_claimed]"] = "banyak"
        form["attribute[warna]"] = "merah"
        descriptions = " ".join(self.assert_error(self.post("json", **form), "json", 400))
        self.assertIn("attribute[compensation_claimed]", descriptions)
        self.assertIn("attribute[warna]", descriptions)
        form.pop("attribute[compensation_claimed]")
        form.pop("attribute[warna]")
        descriptions = " ".join(self.assert_error(self.post("xml", **form), "xml", 400))
        for argument in ("description:", "email:", "attribute[privacy]:"):
            self.assertIn(argument, descriptions)
        self.assertFalse(Complaint.objects.exists())

    def test_an_unknown_service_attribute_value_is_400(self) -> None:
        form = self.valid_post()
        form["attribute[service]"] = "izin-usaha"
        self.assert_error(self.post("json", **form), "json", 400)

    def test_empty_optional_arguments_are_absent(self) -> None:
        form = self.valid_post(lat="", long="", address_id="", email="", phone="")
        form["attribute[privacy]"] = ""
        self.json_of(self.post("json", **form))
        self.assertEqual(Complaint.objects.get().privacy, "publik")

    def test_text_longer_than_the_specification_allows_is_400(self) -> None:
        response = self.post("json", **self.valid_post(description="x" * 4001))
        self.assert_error(response, "json", 400)

    def test_no_session_counts_and_no_csrf_token_is_needed(self) -> None:
        self.api.force_login(self.siti)
        self.json_of(self.post("json", **self.valid_post()))
        self.assertIsNone(Complaint.objects.get().complainant)

    def test_text_that_cannot_be_stored_is_400(self) -> None:
        response = self.post("json", **self.valid_post(description="Uang diminta \x00 lagi."))
        self.assert_error(response, "json", 400)

    def test_an_address_with_text_that_cannot_be_stored_is_400(self) -> None:
        self.assert_error(self.get("requests.json", service_code="a\x00b"), "json", 400)
        self.assert_error(self.api.get("/open311/v2/requests.xml?status=%00"), "xml", 400)

    def test_another_method_is_400(self) -> None:
        response = self.api.put("/open311/v2/requests.json")
        self.assert_error(response, "json", 400)
        self.assertIn("GET", response["Allow"])
        self.assert_error(self.api.post("/open311/v2/services.xml"), "xml", 400)


class GetRequestsTests(Open311TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.now = dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC)
        with time_machine.travel(self.now - dt.timedelta(days=100), tick=False):
            self.old = self.file(description="Keluhan lama tentang antrean panjang.")
        with time_machine.travel(self.now - dt.timedelta(days=10), tick=False):
            self.public = self.file(
                address="Jl. Slamet Riyadi 10",
                latitude=open311.Decimal("-7.566000"),
                longitude=open311.Decimal("110.826000"),
                contact_name="Wati Kusuma",
                contact_email="wati@example.test",
                contact_phone="0812 7777 6666",
            )
            self.anonymous = self.file(
                privacy=Privacy.ANONYMOUS,
                category=self.umum_dpmptsp,
                contact_name="Wati Kusuma",
                contact_phone="0812 7777 6666",
            )
            self.confidential = self.file(
                privacy=Privacy.CONFIDENTIAL,
                description="Rahasia Sekali: petugas meminta uang.",
                contact_name="Wati Kusuma",
            )
        with time_machine.travel(self.now - dt.timedelta(days=5), tick=False):
            self.closed = self.file(description="Berkas saya hilang di loket.")
            actions.reject_complaint(
                complaint=self.closed,
                officer=self.ani,
                reason="Di luar kewenangan: hubungi kantor pos.",
            )
        self.traveller = time_machine.travel(self.now, tick=False)
        self.traveller.start()
        self.addCleanup(self.traveller.stop)

    def ids(self, response: Any) -> list[str]:
        body = self.json_of(response)
        for entry in body:
            self.assertIsInstance(entry["service_request_id"], str)
        return [entry["service_request_id"] for entry in body]

    def test_the_default_window_is_the_last_90_days_newest_first(self) -> None:
        self.assertEqual(
            self.ids(self.get("requests.json")),
            [self.closed.number, self.anonymous.number, self.public.number],
        )

    def test_json_fields(self) -> None:
        body = self.json_of(self.get("requests.json", service_request_id=self.public.number))
        (entry,) = body
        self.assertEqual(list(entry), REQUEST_FIELDS)
        self.assertEqual(entry["status"], "open")
        self.assertEqual(entry["service_code"], "disdukcapil.pungli")
        self.assertEqual(entry["agency_responsible"], self.disdukcapil.name)
        self.assertEqual(entry["description"], self.public.description)
        self.assertEqual(entry["address"], "Jl. Slamet Riyadi 10")
        self.assertEqual((entry["lat"], entry["long"]), (-7.566, 110.826))
        self.assertIsNone(entry["address_id"])
        for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
            self.assertRegex(entry[name], W3C)
        self.assertTrue(entry["requested_datetime"].endswith("+07:00"))  # the agency's WIB
        self.public.refresh_from_db()
        assert self.public.due_at is not None
        expected = dt.datetime.fromisoformat(entry["expected_datetime"])
        self.assertEqual(expected, self.public.due_at)

    def test_xml_fields(self) -> None:
        root = self.xml_of(self.get("requests.xml", service_request_id=self.closed.number))
        self.assertEqual(root.tag, "service_requests")
        self.assertEqual(children(root), ["request"])
        request = root[0]
        self.assertEqual(children(request), REQUEST_FIELDS)
        self.assertEqual(request.findtext("status"), "closed")
        reason = "Di luar kewenangan: hubungi kantor pos."
        self.assertEqual(request.findtext("status_notes"), reason)
        self.assertEqual(request.findtext("expected_datetime"), "")
        self.assertEqual(request.findtext("service_request_id"), self.closed.number)

    def test_confidential_complaints_are_in_no_answer(self) -> None:
        number, token = self.confidential.number, self.confidential.token
        answers = [
            self.get("requests.json"),
            self.get("requests.xml"),
            self.get("requests.json", service_request_id=number),
            self.get("requests.json", status="open"),
            self.get("requests.xml", service_code="disdukcapil.pungli"),
        ]
        for response in answers:
            self.assertEqual(response.status_code, 200)
            self.assertNotIn(number.encode(), response.content)
            self.assertNotIn(b"Rahasia Sekali", response.content)
        for fmt in ("json", "xml"):
            self.assert_error(self.get(f"requests/{number}.{fmt}"), fmt, 404)
            self.assert_error(self.get(f"tokens/{token}.{fmt}"), fmt, 404)

    def test_no_contact_field_ever_comes_back(self) -> None:
        numbers = f"{self.public.number},{self.anonymous.number}"
        for response in (
            self.get("requests.json"),
            self.get("requests.xml"),
            self.get("requests.json", service_request_id=numbers),
            self.get(f"requests/{self.public.number}.xml"),
            self.get(f"requests/{self.anonymous.number}.json"),
        ):
            for secret in SECRETS:
                self.assertNotIn(secret.encode(), response.content)

    def test_start_and_end_date(self) -> None:
        start = (self.now - dt.timedelta(days=120)).strftime("%Y-%m-%dT%H:%M:%SZ")
        end = (self.now - dt.timedelta(days=50)).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.assertEqual(
            self.ids(self.get("requests.json", start_date=start, end_date=end)), [self.old.number]
        )
        # start alone: 90 days from it; end alone: the 90 days before it
        self.assertEqual(self.ids(self.get("requests.json", start_date=start)), [self.old.number])
        self.assertEqual(self.ids(self.get("requests.json", end_date=end)), [self.old.number])
        in_offset = (self.now - dt.timedelta(days=7)).astimezone(dt.timezone(dt.timedelta(hours=7)))
        self.assertEqual(
            self.ids(self.get("requests.json", start_date=in_offset.isoformat())),
            [self.closed.number],
        )

    def test_a_window_over_90_days_or_backwards_or_malformed_is_400(self) -> None:
        for params in (
            {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
            {"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-05-01T00:00:00Z"},
            {"start_date": "kemarin"},
            {"end_date": "2026-02-30T00:00:00Z"},
        ):
            for fmt in ("json", "xml"):
                with self.subTest(params=params, fmt=fmt):
                    self.assert_error(self.get(f"requests.{fmt}", **params), fmt, 400)

    def test_status(self) -> None:
        self.assertEqual(self.ids(self.get("requests.json", status="closed")), [self.closed.number])
        self.assertEqual(
            self.ids(self.get("requests.json", status="open")),
            [self.anonymous.number, self.public.number],
        )
        self.assertEqual(len(self.ids(self.get("requests.json", status="open,closed"))), 3)
        self.assert_error(self.get("requests.xml", status="pending"), "xml", 400)

    def test_service_code_one_or_several(self) -> None:
        self.assertEqual(
            self.ids(self.get("requests.json", service_code="dpmptsp.umum")),
            [self.anonymous.number],
        )
        both = self.get("requests.json", service_code="dpmptsp.umum,disdukcapil.pungli")
        self.assertEqual(len(self.ids(both)), 3)
        self.assertEqual(self.ids(self.get("requests.json", service_code="tidak.ada")), [])

    def test_service_request_id_overrides_every_other_argument(self) -> None:
        found = self.ids(
            self.get(
                "requests.json",
                service_request_id=f"{self.old.number}, {self.public.number},PGD-TIDAK-ADA",
                status="closed",
                start_date="kemarin",
            )
        )
        self.assertEqual(found, [self.public.number, self.old.number])

    def test_empty_optional_arguments_are_absent(self) -> None:
        empty = self.get(
            "requests.json", service_request_id="", service_code="", status="", start_date=""
        )
        self.assertEqual(self.ids(empty), self.ids(self.get("requests.json")))

    def test_at_most_the_first_1000(self) -> None:
        with mock.patch.object(open311, "MOST_REQUESTS", 2):
            self.assertEqual(
                self.ids(self.get("requests.json")), [self.closed.number, self.anonymous.number]
            )

    def test_one_request_by_id_in_both_formats(self) -> None:
        body = self.json_of(self.get(f"requests/{self.public.number}.json"))
        self.assertEqual([entry["service_request_id"] for entry in body], [self.public.number])
        self.assertEqual(list(body[0]), REQUEST_FIELDS)
        root = self.xml_of(self.get(f"requests/{self.public.number.lower()}.xml"))
        self.assertEqual(children(root), ["request"])
        self.assertEqual(root[0].findtext("service_request_id"), self.public.number)

    def test_an_unknown_request_is_404_in_both_formats(self) -> None:
        for fmt in ("json", "xml"):
            with self.subTest(fmt=fmt):
                self.assert_error(self.get(f"requests/PGD-0000-0000-00.{fmt}"), fmt, 404)
                self.assert_error(self.get(f"requests/123.{fmt}"), fmt, 404)

    def test_tokens(self) -> None:
        token = self.public.token
        body = self.json_of(self.get(f"tokens/{token}.json"))
        self.assertEqual(body, [{"service_request_id": self.public.number, "token": token}])
        root = self.xml_of(self.get(f"tokens/{token}.xml"))
        self.assertEqual(root.tag, "service_requests")
        self.assertEqual(children(root[0]), ["service_request_id", "token"])
        for fmt in ("json", "xml"):
            self.assert_error(self.get(f"tokens/tidak-ada.{fmt}"), fmt, 404)

    def test_the_latest_public_response_is_the_status_note(self) -> None:
        actions.verify_complaint(complaint=self.public, officer=self.ani)
        actions.respond(
            complaint=self.public, officer=self.ani, note="Kami memeriksa petugasnya.", public=True
        )
        actions.respond(
            complaint=self.public, officer=self.ani, note="Catatan internal.", public=False
        )
        (entry,) = self.json_of(self.get(f"requests/{self.public.number}.json"))
        self.assertEqual(entry["status_notes"], "Kami memeriksa petugasnya.")

    def test_xml_text_is_escaped_and_always_parses(self) -> None:
        Complaint.objects.filter(pk=self.public.pk).update(
            description='<b>Uang</b> & "pungli" \x01 ]]> selesai', address="A & B <C>"
        )
        root = self.xml_of(self.get(f"requests/{self.public.number}.xml"))
        self.assertEqual(
            root[0].findtext("description"), '<b>Uang</b> & "pungli" \ufffd ]]> selesai'
        )
        self.assertEqual(root[0].findtext("address"), "A & B <C>")
