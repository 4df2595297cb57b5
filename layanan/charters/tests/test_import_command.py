"""`layanan charters import|export`: all or nothing, every problem with its place, idempotent."""

import datetime as dt
import os
import tempfile
from io import StringIO
from pathlib import Path
from typing import Any
from unittest import mock

import yaml
from django.core.management import CommandError, call_command
from django.utils import timezone

from layanan.agencies.models import Agency, CalendarDay, ServiceHours, Unit
from layanan.charters.models import Charter, Duty, Service
from layanan.test import BaseTestCase, charter_content, published_consultation

DPUPR: dict[str, Any] = {
    "code": "dpupr",
    "name": "Dinas Pekerjaan Umum dan Penataan Ruang",
    "short_name": "DPUPR",
    "region_code": "33.99",
    "service_hours": {"mon": "07:30-16:00", "fri": "07:30-11:00"},
    "calendar": [{"date": "2026-07-01", "kind": "closed", "name": "HUT Dinas"}],
    "units": [{"code": "dpupr-tata-bangunan", "name": "Bidang Tata Bangunan"}],
}
AGENCIES: dict[str, Any] = {
    "agencies": [DPUPR],
    "national_calendar": [{"date": "2026-05-29", "kind": "closed", "name": "Cuti bersama"}],
}


def pbg(**changes: Any) -> dict[str, Any]:
    content = charter_content()
    content["procedure"]["stages"][1]["steps"].append(
        {
            "key": "teknis",
            "name": "Pemeriksaan teknis",
            "unit": "dpupr-tata-bangunan",
            "time_limit": {"amount": 2, "unit": "working_days"},
        }
    )
    return {
        "code": "pbg",
        "name": {"id": "Persetujuan Bangunan Gedung", "en": "Building Approval"},
        "agency": "dpmptsp",
        "category": "perizinan",
        "channels": ["online", "mpp"],
        **content,
        **changes,
    }


class ImportTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.enterContext(mock.patch.dict(os.environ, {"LAYANAN_LANGUAGE": "en"}))
        self.dir = Path(tempfile.mkdtemp())

    def write(self, name: str, data: Any) -> Path:
        path = self.dir / name
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        return path

    def run_import(self, *paths: Path) -> str:
        out = StringIO()
        call_command("charters", "import", *[str(p) for p in paths], stdout=out)
        return out.getvalue()

    def failed_import(self, *paths: Path) -> list[str]:
        err = StringIO()
        with self.assertRaises(CommandError) as raised:
            call_command("charters", "import", *[str(p) for p in paths], stderr=err)
        self.assertIn("nothing was imported", str(raised.exception))
        return err.getvalue().splitlines()


class ImportCommandTests(ImportTestCase):
    def test_it_imports_agencies_and_a_cross_agency_service(self) -> None:
        output = self.run_import(self.write("pbg.yaml", pbg()), self.write("a.yaml", AGENCIES))
        self.assertIn("service pbg: v1 adopted", output)
        dpupr = Agency.objects.get(code="dpupr")
        self.assertEqual(dpupr.units.get().code, "dpupr-tata-bangunan")
        self.assertEqual(ServiceHours.objects.filter(agency=dpupr).count(), 2)
        self.assertTrue(CalendarDay.objects.filter(agency=None, date="2026-05-29").exists())
        service = Service.objects.get(code="pbg")
        self.assertEqual(service.name_en, "Building Approval")
        self.assertEqual(
            sorted(a.code for a in service.agencies.all()), ["disdukcapil", "dpmptsp", "dpupr"]
        )

    def test_a_second_import_changes_nothing(self) -> None:
        files = [self.write("a.yaml", AGENCIES), self.write("pbg.yaml", pbg())]
        self.run_import(*files)
        output = self.run_import(*files)
        self.assertIn("2 file(s) read, 0 change(s).", output)
        self.assertEqual(Charter.objects.filter(service__code="pbg").count(), 1)

    def test_every_problem_is_reported_with_file_and_path_and_nothing_changes(self) -> None:
        bad = pbg(fee=-1)
        bad["procedure"]["stages"][1]["steps"][1]["unit"] = "dpupr-bangunan"
        problems = self.failed_import(self.write("a.yaml", AGENCIES), self.write("pbg.yaml", bad))
        self.assertIn(
            "pbg.yaml: procedure.stages[1].steps[1].unit: unknown unit 'dpupr-bangunan'", problems
        )
        self.assertIn("pbg.yaml: fee.amount: must be at least 0", problems)
        self.assertFalse(Agency.objects.filter(code="dpupr").exists())
        self.assertFalse(Service.objects.filter(code="pbg").exists())

    def test_problems_are_in_indonesian_for_an_indonesian_shell(self) -> None:
        bad = pbg()
        bad["procedure"]["stages"][0]["steps"][0]["unit"] = "dpupr-bangunan"
        with mock.patch.dict(os.environ, {"LAYANAN_LANGUAGE": "id"}):
            problems = self.failed_import(self.write("pbg.yaml", bad))
        self.assertIn(
            "pbg.yaml: procedure.stages[0].steps[0].unit: "
            "unit kerja 'dpupr-bangunan' tidak dikenal",
            problems,
        )

    def test_broken_yaml_and_missing_files_are_reported(self) -> None:
        broken = self.dir / "broken.yaml"
        broken.write_text("code: [unclosed\n", encoding="utf-8")
        problems = self.failed_import(broken, self.dir / "absent.yaml")
        self.assertTrue(any(p.startswith("broken.yaml: line") for p in problems), problems)
        self.assertTrue(any("absent.yaml: file not found" in p for p in problems), problems)

    def test_unknown_references_are_reported(self) -> None:
        problems = self.failed_import(self.write("x.yaml", pbg(agency="dinas-tidak-ada")))
        self.assertIn("x.yaml: agency: unknown agency 'dinas-tidak-ada'", problems)

    def test_a_changed_charter_becomes_a_new_version(self) -> None:
        agencies = self.write("a.yaml", AGENCIES)
        self.run_import(agencies, self.write("pbg.yaml", pbg()))
        changed = pbg(fee={"amount": 50000, "legal_basis": "Perda 1/2024"}, change_note="tarif")
        output = self.run_import(agencies, self.write("pbg.yaml", changed))
        self.assertIn("service pbg: v2 adopted", output)
        versions = dict(
            Charter.objects.filter(service__code="pbg").values_list("version", "status")
        )
        self.assertEqual(versions, {1: "superseded", 2: "adopted"})

    def test_version_guards_an_adopted_version(self) -> None:
        agencies = self.write("a.yaml", AGENCIES)
        self.run_import(agencies, self.write("pbg.yaml", pbg()))
        changed = pbg(version=1, fee={"amount": 5, "legal_basis": "Perda 1/2024"})
        problems = self.failed_import(agencies, self.write("pbg.yaml", changed))
        self.assertEqual(len(problems), 1)
        self.assertIn("pbg.yaml: version: version 1 is adopted", problems[0])

    def test_a_draft_file_creates_a_draft_beside_the_version_in_force(self) -> None:
        agencies = self.write("a.yaml", AGENCIES)
        self.run_import(agencies, self.write("pbg.yaml", pbg()))
        self.run_import(agencies, self.write("pbg.yaml", pbg(status="draft", fee=0, executors=9)))
        versions = dict(
            Charter.objects.filter(service__code="pbg").values_list("version", "status")
        )
        self.assertEqual(versions, {1: "adopted", 2: "draft"})

    def test_a_consultation_file_prepares_a_consultation_for_the_agency(self) -> None:
        agencies = self.write("a.yaml", AGENCIES)
        self.run_import(agencies, self.write("pbg.yaml", pbg()))
        draft = self.write("pbg.yaml", pbg(status="consultation", executors=9))
        self.assertIn("service pbg: v2 consultation", self.run_import(agencies, draft))
        charter = Charter.objects.get(service__code="pbg", version=2)
        self.assertIsNone(charter.consultation.published_at)  # the forum comes first
        self.assertIn("service pbg: unchanged (v2)", self.run_import(agencies, draft))

    def test_a_version_published_for_comments_is_not_rewritten_by_an_import(self) -> None:
        consultation = published_consultation(self.akta, by=self.root)
        before = Charter.objects.get(pk=consultation.charter_id).content
        akta = {
            "code": "akta-kelahiran",
            "name": "Akta Kelahiran",
            "agency": "disdukcapil",
            "category": "kependudukan",
            **charter_content(executors=12),
        }
        problems = self.failed_import(self.write("akta.yaml", akta))
        self.assertIn("version 2 is in public consultation", problems[0])
        self.assertEqual(Charter.objects.get(pk=consultation.charter_id).content, before)

    def test_a_later_effective_date_sets_the_version_and_keeps_the_one_in_force(self) -> None:
        agencies = self.write("a.yaml", AGENCIES)
        self.run_import(agencies, self.write("pbg.yaml", pbg()))
        later = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
        changed = pbg(executors=9, effective_from=later)
        self.assertIn(
            "service pbg: v2 adopted", self.run_import(agencies, self.write("p.yaml", changed))
        )
        versions = dict(
            Charter.objects.filter(service__code="pbg").values_list("version", "status")
        )
        self.assertEqual(versions, {1: "adopted", 2: "scheduled"})
        self.assertIn("unchanged (v2)", self.run_import(agencies, self.write("p.yaml", changed)))

    def test_a_maklumat_in_the_file_is_published_and_does_the_duty_of_the_standards_set(
        self,
    ) -> None:
        agencies = self.write(
            "a.yaml",
            {**AGENCIES, "agencies": [{**DPUPR, "maklumat": "Kami melayani sepenuh hati."}]},
        )
        output = self.run_import(agencies, self.write("pbg.yaml", pbg(agency="dpupr")))
        self.assertIn("agency dpupr: maklumat published", output)
        dpupr = Agency.objects.get(code="dpupr")
        self.assertEqual(dpupr.maklumat_history.get().text, "Kami melayani sepenuh hati.")
        owed = Duty.objects.filter(agency=dpupr, kind=Duty.Kind.MAKLUMAT)
        self.assertEqual([d.closed_at is not None for d in owed], [True])
        again = self.run_import(agencies, self.write("pbg.yaml", pbg(agency="dpupr")))
        self.assertNotIn("maklumat published", again)
        self.assertEqual(dpupr.maklumat_history.count(), 1)

    def test_export_then_import_changes_nothing(self) -> None:
        self.run_import(self.write("a.yaml", AGENCIES), self.write("pbg.yaml", pbg()))
        exported = self.dir / "exported.yaml"
        call_command("charters", "export", "pbg", "-o", str(exported))
        text = exported.read_text(encoding="utf-8")
        self.assertIn("code: pbg", text)
        self.assertIn("dpupr-tata-bangunan", text)
        output = self.run_import(self.write("a.yaml", AGENCIES), exported)
        self.assertIn("0 change(s)", output)

    def test_export_of_an_unknown_service_is_a_clear_error(self) -> None:
        with self.assertRaisesMessage(CommandError, "unknown service 'tidak-ada'"):
            call_command("charters", "export", "tidak-ada")

    def test_a_unit_defined_twice_is_reported(self) -> None:
        twice = {"agencies": [DPUPR, {**DPUPR, "code": "x"}]}
        problems = self.failed_import(self.write("a.yaml", twice))
        self.assertTrue(any("unit 'dpupr-tata-bangunan' is defined twice" in p for p in problems))
        self.assertFalse(Unit.objects.filter(code="dpupr-tata-bangunan").exists())


class ImportEdgeCaseTests(ImportTestCase):
    """Inputs that YAML or a careless edit would otherwise turn into silent damage."""

    def test_numbers_where_text_is_expected_are_refused(self) -> None:
        agency = {**DPUPR, "phone": 271123456, "region_code": 33.10}
        problems = self.failed_import(self.write("a.yaml", {"agencies": [agency]}))
        self.assertIn("a.yaml: agencies[0].phone: must be text; put it in quotes", problems)
        self.assertIn("a.yaml: agencies[0].region_code: must be text; put it in quotes", problems)

    def test_yes_and_no_are_not_text(self) -> None:
        bad = pbg()
        bad["form"][0]["label"] = {"id": "Setuju", "en": True}
        problems = self.failed_import(self.write("a.yaml", AGENCIES), self.write("p.yaml", bad))
        self.assertIn("p.yaml: form[0].label.en: must be text; put it in quotes", problems)

    def test_impossible_and_empty_dates_are_reported_with_their_place(self) -> None:
        agency = {
            **DPUPR,
            "calendar": [
                {"date": "2026-13-01", "kind": "closed", "name": "x"},
                {"date": None, "kind": "closed", "name": "y"},
            ],
        }
        path = self.write("a.yaml", {"agencies": [agency]})
        path.write_text(path.read_text().replace("'2026-13-01'", "2026-13-01"))
        problems = self.failed_import(path)
        self.assertIn(
            "a.yaml: agencies[0].calendar[0].date: '2026-13-01' is not a date (YYYY-MM-DD)",
            problems,
        )
        self.assertIn("a.yaml: agencies[0].calendar[1].date: is required", problems)

    def test_a_unit_cannot_move_to_another_agency_silently(self) -> None:
        moved = {**DPUPR, "units": [{"code": "disdukcapil-loket", "name": "Loket"}]}
        problems = self.failed_import(self.write("a.yaml", {"agencies": [moved]}))
        self.assertIn(
            "a.yaml: agencies: dpupr.units: unit 'disdukcapil-loket' already belongs to agency "
            "'disdukcapil'",
            problems,
        )

    def test_an_old_file_cannot_roll_back_a_newer_version(self) -> None:
        agencies = self.write("a.yaml", AGENCIES)
        self.run_import(agencies, self.write("pbg.yaml", pbg(version=1)))
        self.run_import(agencies, self.write("pbg.yaml", pbg(executors=8)))
        problems = self.failed_import(agencies, self.write("pbg.yaml", pbg(version=1)))
        self.assertIn(
            "pbg.yaml: version: version 1 was replaced by version 2; remove 'version' to "
            "publish this content again as a new version",
            problems,
        )

    def test_the_report_says_created_then_unchanged(self) -> None:
        first = self.run_import(self.write("a.yaml", AGENCIES))
        self.assertIn("agency dpupr: created", first)
        self.assertIn("unit dpupr-tata-bangunan: created", first)
        self.assertIn("agency dpupr: unchanged", self.run_import(self.write("a.yaml", AGENCIES)))
