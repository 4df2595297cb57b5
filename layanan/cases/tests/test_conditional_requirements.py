"""A requirement that one answer makes unnecessary (`not_needed_when`): the PBG's architectural
drawings are not needed with the ministry's prototype design. The reader checks the condition;
submission, the documents page and the API follow it."""

from __future__ import annotations

from typing import Any

from django.test import SimpleTestCase
from django.utils import translation

from layanan.cases.models import Application
from layanan.cases.tests.test_api import ApiTestCase
from layanan.charters.models import Service
from layanan.charters.spec import is_needed, read_charter
from layanan.charters.tests.test_spec import UNITS
from layanan.test import ANSWERS, CHARTER_CONTENT, charter_content

POLICE_LETTER = {
    "key": "surat_polisi",
    "name": "Surat keterangan kehilangan dari kepolisian",
    "kind": "document",
    # in this test charter, answering "p" (perempuan) makes the letter unnecessary
    "not_needed_when": {"field": "jenis_kelamin", "is": "p"},
}


def with_condition(condition: Any) -> dict[str, Any]:
    requirement = {**POLICE_LETTER, "not_needed_when": condition}
    return charter_content(requirements=[*CHARTER_CONTENT["requirements"], requirement])


class ReaderTests(SimpleTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))

    def problems(self, condition: Any) -> list[str]:
        return [str(p) for p in read_charter(with_condition(condition), units=UNITS)[1]]

    def test_a_choice_of_a_select_field_is_read_as_a_list(self) -> None:
        content, problems = read_charter(
            with_condition({"field": "jenis_kelamin", "is": "p"}), units=UNITS
        )
        self.assertEqual(problems, [])
        self.assertEqual(
            content["requirements"][2]["not_needed_when"], {"field": "jenis_kelamin", "is": ["p"]}
        )
        again, problems = read_charter(content, units=UNITS)
        self.assertEqual((again, problems), (content, []))

    def test_nonsense_is_refused_with_its_path(self) -> None:
        where = "requirements[2].not_needed_when"
        self.assertIn(
            f"{where}.field: no form field has the key 'cara'",
            self.problems({"field": "cara", "is": "x"}),
        )
        self.assertIn(
            f"{where}.is: 'x' is not a choice of the field 'jenis_kelamin'",
            self.problems({"field": "jenis_kelamin", "is": "x"}),
        )
        self.assertIn(
            f"{where}.field: only the answer to a select or checkbox field can make a "
            "requirement unnecessary",
            self.problems({"field": "nama_anak", "is": "Putri"}),
        )
        self.assertIn(f"{where}.is: is required", self.problems({"field": "jenis_kelamin"}))

    def test_is_needed(self) -> None:
        requirement = {
            **POLICE_LETTER,
            "required": True,
            "not_needed_when": {"field": "jenis_kelamin", "is": ["p"]},
        }
        self.assertFalse(is_needed(requirement, {"jenis_kelamin": "p"}))
        self.assertTrue(is_needed(requirement, {"jenis_kelamin": "l"}))
        self.assertTrue(is_needed(requirement, {}))
        self.assertFalse(is_needed({**requirement, "required": False}, {"jenis_kelamin": "l"}))


class SubmissionTests(ApiTestCase):
    lost: Service

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.lost = Service.objects.create(
            code="akta-hilang",
            name="Akta kelahiran pengganti",
            lead_agency=cls.disdukcapil,
            category=Service.Category.CIVIL_REGISTRY,
            channels=["online", "loket"],
        )
        cls.adopt(cls.lost, with_condition({"field": "jenis_kelamin", "is": "p"}))

    def submit_with(self, answers: dict[str, Any]) -> Any:
        created = self.call(
            "post",
            "/api/v1/applications",
            "siti",
            json={"service": "akta-hilang", "answers": answers},
        )
        self.assertEqual(created.status_code, 201, created.content)
        number = created.json()["number"]
        self.assertEqual(self.upload(number).status_code, 201)
        return self.call("post", f"/api/v1/applications/{number}/submit", "siti")

    def test_the_answer_that_makes_it_unnecessary_lets_the_application_go(self) -> None:
        response = self.submit_with({**ANSWERS, "jenis_kelamin": "p"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["status"], "in_progress")

    def test_another_answer_asks_for_the_document_by_name(self) -> None:
        response = self.submit_with({**ANSWERS, "jenis_kelamin": "l"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.json()["fields"]["surat_polisi"],
            ["Unggah Surat keterangan kehilangan dari kepolisian"],
        )
        self.assertFalse(Application.objects.filter(service=self.lost).exclude(status="draft"))

    def test_the_documents_page_marks_it_optional_for_that_answer(self) -> None:
        created = self.call(
            "post",
            "/api/v1/applications",
            "siti",
            json={"service": "akta-hilang", "answers": {**ANSWERS, "jenis_kelamin": "p"}},
        )
        self.login(self.siti)
        page = self.client.get(f"/permohonan/{created.json()['number']}/dokumen/")
        self.assertContains(page, "Surat keterangan kehilangan dari kepolisian (tidak wajib)")

    def test_the_api_publishes_the_condition(self) -> None:
        requirements = self.client.get("/api/v1/services/akta-hilang").json()["requirements"]
        letter = next(r for r in requirements if r["key"] == "surat_polisi")
        self.assertEqual(letter["not_needed_when"], {"field": "jenis_kelamin", "values": ["p"]})
        birth = next(r for r in requirements if r["key"] == "surat_lahir")
        self.assertIsNone(birth["not_needed_when"])
