"""Pre-filling application forms from the profile, and the consent recorded on submission
(cases.prefill, citizens.prefill), through the citizen's pages and the counter.

Siti's profile is saved through /profil/; the service "SKCK" asks for her own NIK, name, date
of birth and phone (each field declares `profile:`) and for one thing that is not hers to
take from a profile (the purpose); its steps are at Disdukcapil and at DPMPTSP."""

from __future__ import annotations

from typing import Any

from layanan.accounts.models import User
from layanan.agencies.models import OfficerRole, Role
from layanan.cases.models import Application
from layanan.charters.models import Service
from layanan.citizens.models import Consent, Profile
from layanan.test import BaseTestCase, Scenario, charter_content

# A woman born 25 January 1995 in Kota Semarang (33.74), district 01.
NIK = "3374016501950002"
PROFILE = {
    "full_name": "Siti Rahayu",
    "nik": NIK,
    "kk_number": "3374011203180042",
    "birth_place": "Semarang",
    "birth_date": "1995-01-25",
    "address": "Jl. Pandanaran 1, Semarang",
    "region_code": "3374011001",
    "phone": "0812 0000 0001",
    "email": "siti@example.test",
}

FORM: list[dict[str, Any]] = [
    {"key": "nik", "label": "NIK pemohon", "type": "nik", "profile": "nik"},
    {"key": "nama", "label": "Nama lengkap", "type": "text", "profile": "full_name"},
    {"key": "lahir", "label": "Tanggal lahir", "type": "date", "profile": "birth_date"},
    {
        "key": "telepon",
        "label": "Nomor telepon",
        "type": "phone",
        "required": False,
        "profile": "phone",
    },
    {"key": "keperluan", "label": "Keperluan", "type": "text"},
]
STEPS: dict[str, Any] = {
    "stages": [
        {
            "name": "Verifikasi",
            "steps": [
                {
                    "key": "verifikasi",
                    "name": "Verifikasi berkas",
                    "unit": "disdukcapil-loket",
                    "time_limit": {"amount": 1, "unit": "working_days"},
                }
            ],
        },
        {
            "name": "Penerbitan",
            "steps": [
                {
                    "key": "terbit",
                    "name": "Penerbitan surat",
                    "unit": "dpmptsp-perizinan",
                    "role": "approver",
                    "time_limit": {"amount": 2, "unit": "working_days"},
                }
            ],
        },
    ]
}
AGENCIES = [
    {"code": "disdukcapil", "name": "Dinas Kependudukan dan Pencatatan Sipil"},
    {"code": "dpmptsp", "name": "Dinas Penanaman Modal dan PTSP"},
]
WHAT = "NIK, Nama lengkap, Tanggal lahir, Nomor telepon"


def skck_service(scenario: type[Scenario]) -> Service:
    """A statement letter of Disdukcapil whose form takes the applicant's own data from the
    profile (FORM) and whose steps run in both agencies (STEPS)."""
    service = Service.objects.create(
        code="skck",
        name="Surat Keterangan",
        lead_agency=scenario.disdukcapil,
        category=Service.Category.CIVIL_REGISTRY,
        channels=["online", "loket"],
    )
    scenario.adopt(
        service,
        charter_content(
            form=FORM,
            requirements=[
                {"key": "keperluan", "name": "Keperluan", "kind": "field", "field": "keperluan"}
            ],
            procedure=STEPS,
        ),
    )
    return service


class PrefillTestCase(BaseTestCase):
    skck: Service

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.skck = skck_service(cls)
        OfficerRole.objects.create(user=cls.charlie, unit=cls.perizinan, role=Role.APPROVER)

    def setUp(self) -> None:
        self.login(self.siti)
        response = self.client.post("/profil/", PROFILE)
        self.assertRedirects(response, "/profil/", fetch_redirect_response=False)

    def start(self) -> str:
        response = self.client.post("/layanan/skck/ajukan/")
        self.assertEqual(response.status_code, 302)
        return Application.objects.get(applicant=self.siti).number

    def page(self, number: str) -> str:
        return f"/permohonan/{number}/isian/data/"

    def save(self, number: str, **changes: Any) -> Any:
        answers = {
            "nik": NIK,
            "nama": "Siti Rahayu",
            "lahir": "1995-01-25",
            "telepon": "+6281200000001",
            "keperluan": "Melamar kerja",
            **changes,
        }
        return self.client.post(self.page(number), answers)

    def submit(self, number: str) -> Any:
        return self.client.post(f"/permohonan/{number}/periksa/", {"declaration": "on"})


class PrefillPageTests(PrefillTestCase):
    def test_the_fields_that_take_the_profile_are_filled_and_marked(self) -> None:
        number = self.start()
        page = self.client.get(self.page(number))
        self.assertContains(page, f'value="{NIK}"')
        self.assertContains(page, 'value="Siti Rahayu"')
        self.assertContains(page, 'value="1995-01-25"')
        self.assertContains(page, "Diisi dari profil Anda. Anda boleh mengubahnya", count=4)
        self.assertContains(page, 'href="/profil/"')
        # not asked of the profile: empty, unmarked
        self.assertContains(page, 'name="keperluan"')
        self.assertNotContains(page, 'name="keperluan" value=')
        # shown, not yet stored
        self.assertEqual(Application.objects.get(number=number).answers, {})

    def test_an_answer_changed_is_for_this_application_only(self) -> None:
        number = self.start()
        self.assertEqual(self.save(number, nama="Siti R. Wulandari").status_code, 302)
        application = Application.objects.get(number=number)
        self.assertEqual(application.answers["nama"], "Siti R. Wulandari")
        self.siti.refresh_from_db()
        self.assertEqual(self.siti.full_name, "Siti Rahayu")  # the profile as it was
        page = self.client.get(self.page(number))
        self.assertContains(page, 'value="Siti R. Wulandari"')
        self.assertNotContains(page, 'value="Siti Rahayu"')
        # every field now has its answer: nothing is marked as taken from the profile
        self.assertContains(page, "Diisi dari profil Anda. Anda boleh mengubahnya", count=0)

    def test_a_page_refused_marks_only_what_still_comes_from_the_profile(self) -> None:
        number = self.start()
        response = self.save(number, nama="Siti R.", lahir="1995-13-45")
        self.assertEqual(response.status_code, 400)
        self.assertContains(
            response, "Tanggal lahir harus berupa tanggal yang benar", status_code=400
        )
        hinted = 'id="id_{key}_helptext" class="govuk-hint">Diisi dari profil Anda.'
        self.assertContains(response, hinted.format(key="nik"), status_code=400)
        self.assertNotContains(response, hinted.format(key="nama"), status_code=400)
        self.assertEqual(Application.objects.get(number=number).answers, {})

    def test_an_optional_answer_cleared_is_not_filled_again(self) -> None:
        number = self.start()
        self.save(number, telepon="")
        page = self.client.get(self.page(number))
        self.assertNotContains(page, 'value="0812-0000-0001"')
        self.assertNotContains(page, 'value="+6281200000001"')

    def test_a_field_about_someone_else_is_never_filled(self) -> None:
        # the birth-certificate form of the scenario declares no profile attribute
        self.client.post("/layanan/akta-kelahiran/ajukan/")
        number = Application.objects.get(service=self.akta).number
        page = self.client.get(self.page(number))
        self.assertNotContains(page, NIK)
        self.assertNotContains(page, "Diisi dari profil")

    def test_an_empty_profile_fills_nothing_and_asks_no_consent(self) -> None:
        Profile.objects.filter(user=self.siti).update(nik="", nik_hash="", birth_date=None)
        User.objects.filter(pk=self.siti.pk).update(full_name="", phone="")
        number = self.start()
        self.assertNotContains(self.client.get(self.page(number)), "Diisi dari profil")
        self.save(number, nama="Siti", telepon="")
        Profile.objects.filter(user=self.siti).update(nik="")
        check = self.client.get(f"/permohonan/{number}/periksa/")
        self.assertNotContains(check, "Persetujuan")


class ConsentTests(PrefillTestCase):
    def test_the_check_page_states_the_consent_before_submitting(self) -> None:
        number = self.start()
        self.save(number)
        check = self.client.get(f"/permohonan/{number}/periksa/")
        self.assertContains(check, "Persetujuan memakai data dari profil")
        self.assertContains(check, f"Sebagian jawaban Anda diambil dari profil Anda: {WHAT}.")
        self.assertContains(check, ", ".join(agency["name"] for agency in AGENCIES))
        self.assertContains(
            check, f"hanya untuk permohonan {number} untuk layanan Surat Keterangan."
        )
        self.assertContains(check, "Dari profil", count=4)  # the answers so marked
        self.assertFalse(Consent.objects.exists())  # stated, not yet given

    def test_submitting_records_it_once_with_every_agency_of_the_procedure(self) -> None:
        number = self.start()
        self.save(number)
        self.save(number)  # saving again records nothing
        self.assertFalse(Consent.objects.exists())
        response = self.submit(number)
        self.assertRedirects(
            response, f"/permohonan/{number}/tanda-terima/", fetch_redirect_response=False
        )
        consent = Consent.objects.get()
        application = Application.objects.get(number=number)
        self.assertEqual(
            (consent.citizen, consent.application, consent.kind, consent.channel),
            (self.siti, application, Consent.Kind.PROFILE, Consent.Channel.WEB),
        )
        self.assertEqual(
            consent.fields,
            {"nik": "nik", "nama": "full_name", "lahir": "birth_date", "telepon": "phone"},
        )
        self.assertEqual(consent.what, WHAT)
        self.assertEqual(consent.agencies, AGENCIES)
        self.assertEqual(consent.purpose, f"permohonan {number} untuk layanan Surat Keterangan")
        self.assertEqual((consent.given_by, consent.withdrawn_at), (self.siti, None))
        # the record names the data, never its values
        self.assertNotIn(NIK, str(Consent.objects.filter(pk=consent.pk).values().get()))

    def test_only_the_answers_still_from_the_profile_are_consented_to(self) -> None:
        number = self.start()
        self.save(number, nama="Siti R. Wulandari", telepon="0813 1111 2222")
        check = self.client.get(f"/permohonan/{number}/periksa/")
        self.assertContains(check, "diambil dari profil Anda: NIK, Tanggal lahir.")
        self.submit(number)
        self.assertEqual(Consent.objects.get().fields, {"nik": "nik", "lahir": "birth_date"})

    def test_nothing_from_the_profile_no_consent(self) -> None:
        number = self.start()
        self.save(number, nik="3399011203800003", nama="X", lahir="1980-03-12", telepon="")
        self.assertNotContains(self.client.get(f"/permohonan/{number}/periksa/"), "Persetujuan")
        self.submit(number)
        self.assertEqual(Application.objects.get(number=number).status, "in_progress")
        self.assertFalse(Consent.objects.exists())


class CounterTests(PrefillTestCase):
    def test_the_officer_sees_the_citizens_profile_and_records_the_consent_for_them(
        self,
    ) -> None:
        OfficerRole.objects.create(user=self.budi, unit=self.loket, role=Role.FRONT_OFFICE)
        self.login(self.budi)
        response = self.client.post(
            "/kantor/loket/", {"service": "skck", "contact": "siti@example.test"}
        )
        self.assertEqual(response.status_code, 302, response.content.decode()[:1000])
        number = Application.objects.get(applicant=self.siti).number
        page = self.client.get(self.page(number))
        self.assertContains(page, f'value="{NIK}"')
        self.assertContains(page, "Diisi dari profil warga. Boleh diubah", count=4)
        self.save(number)
        check = self.client.get(f"/permohonan/{number}/periksa/")
        self.assertContains(check, "Bacakan ini kepada warga")
        response = self.submit(number)
        self.assertEqual(response.status_code, 302)
        consent = Consent.objects.get()
        self.assertEqual(
            (consent.citizen, consent.given_by, consent.channel),
            (self.siti, self.budi, Consent.Channel.COUNTER),
        )
        self.assertEqual(consent.agencies, AGENCIES)
