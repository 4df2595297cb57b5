"""The access log: which page records what, and the citizen's own page of every read.

siti and agus are citizens; budi processes the Disdukcapil steps and serves its counter; ani
supervises the Disdukcapil units; root is a superuser. Each test opens a page as one of them
and checks the rows it left in `accounts.DataAccess` (and that nobody's look at their own
data is recorded)."""

from __future__ import annotations

import datetime as dt
import importlib

from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from layanan.accounts.models import AccountEvent, DataAccess, User
from layanan.agencies.models import OfficerRole, Role
from layanan.cases.events import record_event
from layanan.cases.models import Application
from layanan.citizens.models import PasswordSetupCode
from layanan.guarantees.models import Breach, Compensation
from layanan.test import BaseTestCase

Place = DataAccess.Place


def reads(**filters: object) -> list[tuple[str, str, str, str]]:
    """(reader, whose, place, application) of the rows matching `filters`, oldest first."""
    return [
        (r.reader.username, r.citizen.username, r.place, r.application_number)
        for r in DataAccess.objects.filter(**filters)
        .select_related("reader", "citizen")
        .order_by("at", "pk")
    ]


class OfficePagesTests(BaseTestCase):
    def test_the_step_page_records_the_applicants_data_read(self) -> None:
        application = self.submitted()
        self.login(self.budi)
        self.assertEqual(
            self.client.get(f"/kantor/langkah/{application.number}/verifikasi/").status_code, 200
        )
        self.assertEqual(reads(), [("budi", "siti", Place.OFFICE_STEP, application.number)])
        self.assertEqual(DataAccess.objects.get().what, "Verifikasi berkas")

    def test_a_download_by_an_officer_records_the_document(self) -> None:
        application = self.submitted()
        document = application.documents.get()
        self.login(self.budi)
        response = self.client.get(f"/permohonan/{application.number}/dokumen/{document.pk}/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(reads(), [("budi", "siti", Place.OFFICE_DOCUMENT, application.number)])
        self.assertEqual(DataAccess.objects.get().what, "Surat keterangan lahir (lahir.pdf)")
        # The applicant downloading her own document is not a read by somebody else.
        self.login(self.siti)
        self.client.get(f"/permohonan/{application.number}/dokumen/{document.pk}/")
        self.assertEqual(DataAccess.objects.count(), 1)

    def test_an_officer_looking_at_their_own_application_is_not_recorded(self) -> None:
        application = self.submitted(self.budi)
        self.login(self.budi)
        page = self.client.get(f"/kantor/langkah/{application.number}/verifikasi/")
        self.assertEqual(page.status_code, 200)
        self.assertFalse(DataAccess.objects.exists())

    def test_an_officer_refused_the_page_records_nothing(self) -> None:
        application = self.submitted()
        self.login(self.charlie)
        page = self.client.get(f"/kantor/langkah/{application.number}/verifikasi/")
        self.assertEqual(page.status_code, 404)
        self.assertFalse(DataAccess.objects.exists())

    def test_the_supervisors_queue_and_overview_show_no_names_and_record_nothing(self) -> None:
        self.submitted()
        self.login(self.ani)
        for url in ("/kantor/", "/kantor/ringkasan/"):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            self.assertNotContains(response, "Siti Rahayu")
        self.assertFalse(DataAccess.objects.exists())


class CompensationListTests(BaseTestCase):
    def owe(self, application: Application) -> Compensation:
        moment = timezone.now()
        breach = Breach.objects.create(
            application=application,
            level="late",
            agency=self.disdukcapil,
            service=self.akta,
            due_at=moment,
            detected_at=moment,
        )
        return Compensation.objects.create(
            application=application,
            breach=breach,
            agency=self.disdukcapil,
            kind="fixed",
            amount=25000,
            owed_at=moment,
        )

    def test_one_row_per_applicant_listed_in_one_insert(self) -> None:
        first = self.submitted(self.siti)
        self.owe(first)
        self.login(self.ani)
        self.client.get("/kantor/")  # the session's first save is not the list's
        with CaptureQueriesContext(connection) as one:
            response = self.client.get("/kantor/kompensasi/")
        self.assertContains(response, "Siti Rahayu")
        self.assertEqual(reads(), [("ani", "siti", Place.COMPENSATIONS, first.number)])

        second, third = self.submitted(self.agus), self.submitted(self.siti)
        self.owe(second)
        self.owe(third)
        DataAccess.objects.all().delete()
        with CaptureQueriesContext(connection) as three:
            response = self.client.get("/kantor/kompensasi/")
        self.assertContains(response, "Agus Salim")
        self.assertEqual(
            sorted(reads()),
            sorted(
                [
                    ("ani", "siti", Place.COMPENSATIONS, first.number),
                    ("ani", "agus", Place.COMPENSATIONS, second.number),
                    ("ani", "siti", Place.COMPENSATIONS, third.number),
                ]
            ),
        )
        self.assertEqual(len(three), len(one))  # the insert does not grow with the rows


class CounterTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        OfficerRole.objects.create(user=cls.budi, unit=cls.loket, role=Role.FRONT_OFFICE)

    def file(self, contact: str, **extra: str) -> Application:
        self.login(self.budi)
        response = self.client.post(
            "/kantor/loket/", {"service": "akta-kelahiran", "contact": contact, **extra}
        )
        self.assertEqual(response.status_code, 302)
        return Application.objects.get(number=response["Location"].split("/")[2])

    def test_finding_a_citizen_by_contact_is_recorded(self) -> None:
        application = self.file("siti@example.test")
        self.assertIn(("budi", "siti", Place.COUNTER_SEARCH, application.number), reads())

    def test_a_new_account_made_at_the_counter_is_not_a_search(self) -> None:
        self.file("0812 9999 0000", full_name="Tono Sugiarto", nik="3399011203800003")
        self.assertFalse(DataAccess.objects.filter(place=Place.COUNTER_SEARCH).exists())

    def test_the_pages_filled_for_the_citizen_and_the_receipt_are_recorded(self) -> None:
        application = self.file("siti@example.test")
        base = f"/permohonan/{application.number}"
        for url in (
            f"{base}/isian/",
            f"{base}/isian/data/",
            f"{base}/dokumen/",
            f"{base}/periksa/",
        ):
            self.assertEqual(self.client.get(url).status_code, 200, url)
        filing = DataAccess.objects.filter(place=Place.COUNTER_FILING, reader=self.budi)
        self.assertEqual(filing.count(), 4)
        self.assertEqual(set(filing.values_list("citizen", flat=True)), {self.siti.pk})

        # Returned for correction, the officer who filed it still opens its page.
        Application.objects.filter(pk=application.pk).update(status="returned")
        self.assertEqual(self.client.get(f"{base}/").status_code, 200)
        self.assertEqual(filing.count(), 5)

        Application.objects.filter(pk=application.pk).update(status="submitted")
        response = self.client.get(f"/kantor/loket/{application.number}/tanda-terima/")
        self.assertContains(response, "Siti Rahayu")
        self.assertIn(("budi", "siti", Place.COUNTER_RECEIPT, application.number), reads())

    def test_the_citizen_filling_her_own_pages_is_not_recorded(self) -> None:
        application = self.file("siti@example.test")
        DataAccess.objects.all().delete()
        self.login(self.siti)
        self.assertEqual(
            self.client.get(f"/permohonan/{application.number}/isian/").status_code, 200
        )
        self.assertFalse(DataAccess.objects.exists())


class AdminPagesTests(BaseTestCase):
    def test_the_list_of_accounts_records_everybody_listed_but_the_reader(self) -> None:
        self.login(self.root)
        response = self.client.get("/admin/accounts/user/")
        self.assertContains(response, "Siti Rahayu")
        listed = DataAccess.objects.filter(reader=self.root, place=Place.ADMIN_USERS)
        self.assertEqual(
            set(listed.values_list("citizen__username", flat=True)),
            set(User.objects.exclude(pk=self.root.pk).values_list("username", flat=True)),
        )

    def test_the_page_of_an_account_records_its_read(self) -> None:
        self.login(self.root)
        response = self.client.get(f"/admin/accounts/user/{self.siti.pk}/change/")
        self.assertContains(response, "siti@example.test")
        self.assertEqual(reads(), [("root", "siti", Place.ADMIN_USER, "")])

    def test_account_history_counter_codes_roles_and_the_log_itself(self) -> None:
        AccountEvent.objects.create(
            user=self.siti, actor=self.siti, kind="profile_changed", at=timezone.now()
        )
        OfficerRole.objects.create(user=self.budi, unit=self.loket, role=Role.FRONT_OFFICE)
        moment = timezone.now()
        PasswordSetupCode.objects.create(
            user=self.siti,
            code_hash="-",
            issued_by=self.budi,
            issued_at=moment,
            expires_at=moment + PasswordSetupCode.VALID_FOR,
        )
        self.login(self.root)
        for url, place, whose in (
            ("/admin/accounts/accountevent/", Place.ADMIN_ACCOUNT_EVENTS, "siti"),
            ("/admin/citizens/passwordsetupcode/", Place.ADMIN_SETUP_CODES, "siti"),
            ("/admin/agencies/officerrole/", Place.ADMIN_OFFICERS, "budi"),
        ):
            self.assertEqual(self.client.get(url).status_code, 200, url)
            self.assertTrue(
                DataAccess.objects.filter(
                    reader=self.root, place=place, citizen__username=whose
                ).exists(),
                url,
            )
        self.assertEqual(self.client.get("/admin/accounts/dataaccess/").status_code, 200)
        self.assertTrue(
            DataAccess.objects.filter(place=Place.ADMIN_ACCESS_LOG, citizen=self.siti).exists()
        )

    def test_staff_without_superuser_do_not_see_citizens_account_pages(self) -> None:
        clerk = self.make_user("clerk", "Clerk", is_staff=True)
        self.login(clerk)
        for url in (
            "/admin/accounts/accountevent/",
            "/admin/accounts/dataaccess/",
            "/admin/citizens/passwordsetupcode/",
            "/admin/accounts/user/",
        ):
            self.assertEqual(self.client.get(url).status_code, 403, url)
        self.assertFalse(DataAccess.objects.exists())


class AccessPageTests(BaseTestCase):
    def read(self, reader: User, citizen: User, *, number: str = "", minutes: int = 0) -> None:
        DataAccess.objects.create(
            reader=reader,
            citizen=citizen,
            place=Place.OFFICE_STEP,
            what="Verifikasi berkas",
            application_number=number,
            at=timezone.now() - dt.timedelta(minutes=minutes),
            agency_name="Disdukcapil",
            unit_name="Bidang Pencatatan Sipil",
        )

    def test_every_read_newest_first_a_page_at_a_time(self) -> None:
        for minutes in range(30):
            self.read(self.budi, self.siti, minutes=minutes + 1)
        self.read(self.charlie, self.agus)  # agus's, not siti's
        self.login(self.siti)
        self.client.get("/profil/")  # the session's first save (idle timeout) is not the page's
        # session, user, count, page (with readers and agencies), the header's roles
        with self.assertNumQueries(5):
            first = self.client.get("/profil/akses/")
        self.assertEqual(first.status_code, 200)
        self.assertContains(first, "30 kali data Anda dilihat")
        rows = first.context["rows"]
        self.assertEqual(len(rows), 25)
        times = [row["read"].at for row in rows]
        self.assertEqual(times, sorted(times, reverse=True))
        self.assertNotContains(first, "Budi Santoso")  # officers' names are internal
        self.assertContains(first, "Disdukcapil, Bidang Pencatatan Sipil")  # as at the read
        self.assertNotContains(first, "Charlie")
        second = self.client.get("/profil/akses/?page=2")
        self.assertEqual(len(second.context["rows"]), 5)
        self.assertLess(second.context["rows"][0]["read"].at, times[-1])

    def test_narrowed_to_one_of_her_applications(self) -> None:
        application = self.submitted()
        self.read(self.budi, self.siti, number=application.number)
        self.read(self.budi, self.siti)
        self.login(self.siti)
        response = self.client.get(f"/profil/akses/?permohonan={application.number.lower()}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            [r["read"].application_number for r in response.context["rows"]], [application.number]
        )

    def test_another_citizens_application_is_404(self) -> None:
        theirs = self.submitted(self.agus)
        self.read(self.budi, self.agus, number=theirs.number)
        self.login(self.siti)
        for number in (theirs.number, "nonsense"):
            response = self.client.get(f"/profil/akses/?permohonan={number}")
            self.assertEqual(response.status_code, 404, number)

    def test_signed_out_asks_for_a_sign_in(self) -> None:
        response = self.client.get("/profil/akses/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/masuk/", response["Location"])

    def test_nobody_yet(self) -> None:
        self.login(self.siti)
        self.assertContains(
            self.client.get("/profil/akses/"), "Belum ada orang lain yang melihat data Anda."
        )

    def test_the_application_page_sums_up_and_links_to_the_log(self) -> None:
        application = self.submitted()
        for minutes in (30, 20, 10):
            self.read(self.budi, self.siti, number=application.number, minutes=minutes)
        self.read(self.budi, self.siti)  # another place, no application
        self.login(self.siti)
        page = self.client.get(f"/permohonan/{application.number}/")
        self.assertContains(page, "sudah dilihat 3 kali")
        self.assertContains(page, "Budi Santoso")
        self.assertContains(page, f"/profil/akses/?permohonan={application.number}")
        self.assertContains(self.client.get("/profil/"), 'href="/profil/akses/"')


class CopiedEventsTests(BaseTestCase):
    def test_earlier_reads_recorded_as_events_are_copied_into_the_log(self) -> None:
        application = self.submitted()
        for what in ("step:verifikasi", "document:7", "api:detail"):
            record_event(
                application, "data_viewed", at=timezone.now(), actor=self.budi, data={"what": what}
            )
        record_event(
            application, "data_viewed", at=timezone.now(), actor=self.siti, data={"what": "x"}
        )
        migration = importlib.import_module(
            "layanan.citizens.migrations.0003_copy_data_viewed_events_to_access_log"
        )
        migration.copy_reads(apps, None)
        self.assertEqual(
            list(DataAccess.objects.order_by("pk").values_list("place", "what")),
            [
                (Place.OFFICE_STEP, "verifikasi"),
                (Place.OFFICE_DOCUMENT, ""),
                (Place.API_APPLICATION, ""),
            ],
        )
        self.assertEqual(
            set(DataAccess.objects.values_list("citizen", "reader", "application_number")),
            {(self.siti.pk, self.budi.pk, application.number)},
        )


class AutocompleteTests(BaseTestCase):
    def test_accounts_are_not_offered_by_the_admins_autocomplete(self) -> None:
        self.login(self.root)
        response = self.client.get(
            "/admin/autocomplete/",
            {
                "app_label": "agencies",
                "model_name": "officerrole",
                "field_name": "user",
                "term": "Siti",
            },
        )
        self.assertEqual(response.status_code, 404)
        self.assertNotContains(response, "Siti Rahayu", status_code=404)
        units = self.client.get(
            "/admin/autocomplete/",
            {
                "app_label": "agencies",
                "model_name": "officerrole",
                "field_name": "unit",
                "term": "Loket",
            },
        )
        self.assertContains(units, "Loket Pelayanan")
