"""A charter's form field may declare the applicant's profile attribute it takes
(`profile:`); the charter reader refuses what cannot be meant, and the demo charters declare
it only on fields about the applicant."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.test import SimpleTestCase
from django.utils import translation

from layanan.charters.spec import read_charter
from layanan.charters.tests.test_spec import UNITS, problems_of
from layanan.test import charter_content

DEMO = Path(__file__).parents[2] / "portal/demo/catalogue"


def with_form(*fields: dict[str, Any]) -> dict[str, Any]:
    content = charter_content()
    content["form"] = [*content["form"], *fields]
    return content


class ProfileFieldTests(SimpleTestCase):
    def setUp(self) -> None:
        translation.activate("en")

    def test_a_declared_attribute_is_kept_and_read_back_the_same(self) -> None:
        content, problems = read_charter(
            with_form({"key": "nik", "label": "NIK pemohon", "type": "nik", "profile": "nik"}),
            units=UNITS,
        )
        self.assertEqual(problems, [])
        self.assertEqual(content["form"][-1]["profile"], "nik")
        self.assertNotIn("profile", content["form"][0])  # undeclared: not stored
        again, problems = read_charter(content, units=UNITS)
        self.assertEqual((again, problems), (content, []))

    def test_an_address_may_be_a_line_or_a_text_box(self) -> None:
        for kind in ("text", "textarea"):
            field = {"key": "alamat", "label": "Alamat", "type": kind, "profile": "address"}
            self.assertEqual(problems_of(with_form(field)), [])

    def test_what_cannot_be_meant_is_refused_with_its_place(self) -> None:
        problems = problems_of(
            with_form(
                {"key": "a", "label": "A", "profile": "nikk"},
                {"key": "b", "label": "B", "type": "text", "profile": "nik"},
                {"key": "c", "label": "C", "type": "phone", "profile": "phone"},
                {"key": "d", "label": "D", "type": "phone", "profile": "phone"},
                {"key": "e", "label": "E", "type": "date", "profile": 12},
            )
        )
        self.assertEqual(
            problems,
            [
                "form[3].profile: unknown profile attribute 'nikk'; use one of: nik, "
                "kk_number, full_name, birth_place, birth_date, address, region_code, phone, "
                "email",
                "form[4].profile: the profile attribute 'nik' fills a field of type nik, not text",
                "form[6].profile: the profile attribute 'phone' is already taken by the field 'c'",
                "form[7].profile: must be text; put it in quotes",
            ],
        )

    def test_the_demo_charters_take_only_the_applicants_own_data(self) -> None:
        declared: dict[str, dict[str, str]] = {}
        for path in sorted(DEMO.glob("*.yaml")):
            data = yaml.safe_load(path.read_text())
            if "form" not in data:
                continue
            content, problems = read_charter(data, units=None, strict_keys=False)
            self.assertEqual(problems, [], path.name)
            declared[path.stem] = {
                f["key"]: f["profile"] for f in content["form"] if "profile" in f
            }
        # the applicant's own data
        self.assertEqual(
            declared["ktp-el"],
            {
                "nik": "nik",
                "nama_lengkap": "full_name",
                "nomor_kk": "kk_number",
                "telepon": "phone",
            },
        )
        self.assertEqual(declared["skck"]["tanggal_lahir"], "birth_date")
        self.assertEqual(declared["akta-kematian"]["nik_pelapor"], "nik")
        # never someone else's: the child, the deceased, the parents, a business
        for service, key in [
            ("akta-kelahiran", "nama_anak"),
            ("akta-kelahiran", "tanggal_lahir"),
            ("akta-kelahiran", "nik_ibu"),
            ("akta-kematian", "nik_almarhum"),
            ("akta-kematian", "nama_almarhum"),
            ("kartu-keluarga", "nik_kepala_keluarga"),
            ("slhs", "nama_usaha"),
        ]:
            self.assertNotIn(key, declared[service], service)
