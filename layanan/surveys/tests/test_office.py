"""The back office at /kantor/survei/: paper questionnaires (front office), CSV imports
(agency administrators) and the IKM report with its CSV (the agency's officers)."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from layanan.accounts.models import User
from layanan.agencies.models import OfficerRole, Role
from layanan.lib.ikm import UNSUR
from layanan.surveys.models import ImportBatch, Response
from layanan.surveys.tests.helpers import ALL_FOURS, EXAMPLE, SurveyTestCase, rows_with_totals


def csv_file(rows: list[list[int]], extra: str = "", name: str = "skm.csv") -> SimpleUploadedFile:
    lines = ["no," + ",".join(UNSUR) + extra]
    lines += [f"{n}," + ",".join(map(str, row)) for n, row in enumerate(rows, start=1)]
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode(), "text/csv")


class OfficeTestCase(SurveyTestCase):
    rina: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        OfficerRole.objects.create(user=cls.budi, unit=cls.loket, role=Role.FRONT_OFFICE)
        cls.rina = cls.make_user("rina", "Rina Marlina", is_staff=True)
        OfficerRole.objects.create(user=cls.rina, unit=cls.loket, role=Role.AGENCY_ADMIN)

    def paper_data(self, **changes: str) -> dict[str, str]:
        today = timezone.localdate().isoformat()
        data = {"unit": str(self.loket.pk), "service": "", "answered_on": today, **ALL_FOURS}
        data.update(changes)
        return data


class PaperEntryTests(OfficeTestCase):
    def test_a_front_office_officer_records_a_paper_questionnaire(self) -> None:
        self.login(self.budi)
        page = self.client.get("/kantor/survei/kertas/")
        self.assertContains(page, "Sarana dan Prasarana")
        data = self.paper_data(service=str(self.akta.pk), u9="1", sex="l", suggestion="Parkir")
        response = self.client.post("/kantor/survei/kertas/", data)
        self.assertRedirects(response, "/kantor/survei/kertas/")
        answer = Response.objects.get()
        self.assertEqual(answer.answers, [4, 4, 4, 4, 4, 4, 4, 4, 1])
        self.assertEqual((answer.channel, answer.entered_by), ("kertas", self.budi))
        self.assertEqual((answer.unit, answer.service, answer.sex), (self.loket, self.akta, "l"))

    def test_a_missing_answer_and_a_future_date_are_refused(self) -> None:
        self.login(self.budi)
        tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
        data = self.paper_data(answered_on=tomorrow)
        del data["u8"]
        response = self.client.post("/kantor/survei/kertas/", data)
        self.assertContains(response, 'id="id_u8_error"', status_code=400)
        self.assertContains(response, 'id="id_answered_on_error"', status_code=400)
        self.assertFalse(Response.objects.exists())

    def test_a_unit_the_officer_does_not_serve_is_refused(self) -> None:
        self.login(self.budi)
        response = self.client.post(
            "/kantor/survei/kertas/", self.paper_data(unit=str(self.perizinan.pk))
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Response.objects.exists())

    def test_only_front_office_officers(self) -> None:
        self.login(self.charlie)
        self.assertEqual(self.client.get("/kantor/survei/kertas/").status_code, 403)
        self.assertEqual(
            self.client.post("/kantor/survei/kertas/", self.paper_data()).status_code, 403
        )
        self.client.logout()
        response = self.client.get("/kantor/survei/kertas/")
        self.assertRedirects(
            response, "/masuk/?next=/kantor/survei/kertas/", fetch_redirect_response=False
        )
        self.assertFalse(Response.objects.exists())


class ImportTests(OfficeTestCase):
    def post(self, upload: SimpleUploadedFile, **changes: str):
        data = {"agency": "disdukcapil", "service": "", "unit": "", "answered_on": "2026-11-02"}
        data.update(changes)
        return self.client.post("/kantor/survei/impor/", {**data, "file": upload})

    def test_an_agency_admin_imports_every_row(self) -> None:
        self.login(self.rina)
        rows = rows_with_totals(EXAMPLE, 10)
        response = self.post(csv_file(rows), service="akta-kelahiran", unit="disdukcapil-capil")
        self.assertRedirects(response, "/kantor/survei/")
        self.assertEqual(Response.objects.filter(channel="impor").count(), 10)
        answer = Response.objects.order_by("pk").first()
        assert answer is not None
        self.assertEqual((answer.service, answer.unit), (self.akta, self.capil))
        self.assertEqual(answer.answered_on, dt.date(2026, 11, 2))
        self.assertEqual(ImportBatch.objects.get().rows, 10)
        self.assertContains(self.client.get("/kantor/survei/"), "skm.csv")

    def test_optional_columns_are_read(self) -> None:
        self.login(self.rina)
        text = (
            "u9;u8;u7;u6;u5;u4;u3;u2;u1;tanggal;jenis_kelamin;usia;pendidikan;pekerjaan;saran\n"
            "1;2;3;4;4;3;2;1;4;2026-10-05;P;30-39;s1;pns;Tambah loket\n"
        )
        self.post(SimpleUploadedFile("a.csv", text.encode("utf-8-sig")))
        answer = Response.objects.get()
        self.assertEqual(answer.answers, [4, 1, 2, 3, 4, 4, 3, 2, 1])
        self.assertEqual(answer.answered_on, dt.date(2026, 10, 5))
        self.assertEqual(
            (answer.sex, answer.education, answer.suggestion), ("p", "s1", "Tambah loket")
        )

    def test_any_bad_row_imports_nothing_and_every_one_is_named(self) -> None:
        self.login(self.rina)
        rows = rows_with_totals(EXAMPLE, 10)
        upload = csv_file(rows)
        lines = upload.read().decode().splitlines()
        lines[2] = lines[2][: lines[2].rindex(",")] + ","  # data row 2: u9 empty
        lines[5] = lines[5].replace(",3,", ",6,", 1)  # data row 5: a 6
        text = "\n".join(lines) + "\n"
        response = self.post(SimpleUploadedFile("bad.csv", text.encode()))
        self.assertContains(response, "Baris data 2, kolom u9: tidak ada jawaban.", status_code=400)
        self.assertContains(
            response, "Baris data 5, kolom u1: &#x27;6&#x27; bukan", status_code=400
        )
        self.assertFalse(Response.objects.exists())
        self.assertFalse(ImportBatch.objects.exists())

    def test_the_same_file_is_not_imported_twice(self) -> None:
        self.login(self.rina)
        rows = rows_with_totals(EXAMPLE, 10)
        self.post(csv_file(rows))
        response = self.post(csv_file(rows))
        self.assertContains(response, "sudah diimpor", status_code=400)
        self.assertEqual(Response.objects.count(), 10)

    def test_a_service_of_no_agency_of_hers_is_refused(self) -> None:
        self.login(self.rina)
        response = self.post(csv_file([[4] * 9]), service="tidak-ada", unit="dpmptsp-perizinan")
        self.assertContains(response, 'id="id_service_error"', status_code=400)
        self.assertContains(response, 'id="id_unit_error"', status_code=400)
        self.assertFalse(Response.objects.exists())

    def test_only_agency_administrators(self) -> None:
        self.login(self.budi)
        self.assertEqual(self.client.get("/kantor/survei/impor/").status_code, 403)
        self.assertEqual(self.post(csv_file([[4] * 9])).status_code, 403)
        self.assertFalse(Response.objects.exists())


class ReportTests(OfficeTestCase):
    def setUp(self) -> None:
        self.login(self.rina)
        rows = rows_with_totals(EXAMPLE, 10)
        self.client.post(
            "/kantor/survei/impor/",
            {
                "agency": "disdukcapil",
                "service": "akta-kelahiran",
                "unit": "",
                "answered_on": "2026-11-02",
                "file": csv_file(rows),
            },
        )
        self.client.logout()

    def test_the_supervisor_reads_the_ikm_with_the_method(self) -> None:
        self.login(self.ani)
        response = self.client.get(
            "/kantor/survei/laporan/", {"dari": "2026-11-01", "sampai": "2026-11-30"}
        )
        self.assertContains(response, "80,83")  # Indonesian decimal comma
        self.assertContains(response, "mutu B (Baik)")
        self.assertContains(response, "0,111")  # the method is stated
        self.assertContains(response, "terendah: perbaiki lebih dulu", count=2)  # u3 and u8
        self.assertContains(response, 'media="print"')

    def test_another_period_has_no_responses(self) -> None:
        self.login(self.ani)
        response = self.client.get(
            "/kantor/survei/laporan/", {"dari": "2026-10-01", "sampai": "2026-10-31"}
        )
        self.assertContains(response, "Belum ada jawaban dalam periode ini.")

    def test_a_period_ending_before_it_starts_is_refused(self) -> None:
        self.login(self.ani)
        response = self.client.get(
            "/kantor/survei/laporan/", {"dari": "2026-11-30", "sampai": "2026-11-01"}
        )
        self.assertEqual(response.status_code, 400)

    def test_the_csv_says_the_same(self) -> None:
        self.login(self.ani)
        response = self.client.get(
            "/kantor/survei/laporan.csv",
            {
                "dari": "2026-11-01",
                "sampai": "2026-11-30",
                "layanan": "akta-kelahiran",
                "populasi": "10",
            },
        )
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        values = {(measure, unsur): value for measure, unsur, value in rows[1:]}
        self.assertEqual(values[("ikm", "")], "80.83")
        self.assertEqual(values[("mutu", "")], "B")
        self.assertEqual(values[("nrr", "u4")], "4.00")
        self.assertEqual(values[("respondents", "")], "10")
        self.assertEqual(values[("sample_needed", "")], "10")
        self.assertEqual(values[("representative", "")], "yes")
        self.assertEqual(values[("service", "")], "akta-kelahiran")
        self.assertIn("0,111", values[("method", "")])

    def test_officers_of_another_agency_and_citizens_are_refused(self) -> None:
        for person in (self.charlie, self.siti):
            self.login(person)
            self.assertEqual(self.client.get("/kantor/survei/laporan/").status_code, 403)
            self.assertEqual(self.client.get("/kantor/survei/laporan.csv").status_code, 403)
