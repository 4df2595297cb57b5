"""`layanan demo --load-only`: the demo catalogue, accounts and sample applications.

The samples are late *today*, whenever the demo is loaded: loaded at the real current time, and
with "today" pinned (time-machine) to days around weekends, a holiday and an agency closure.
"""

import datetime as dt
import hashlib
import itertools
import json
from io import StringIO
from zoneinfo import ZoneInfo

import time_machine
from django.core import serializers
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from layanan.accounts.models import User
from layanan.agencies.calendars import calendar_for
from layanan.agencies.models import Agency, OfficerRole, Unit
from layanan.cases import actions
from layanan.cases.actions import missing_requirements
from layanan.cases.answers import clean_answers, nik_keys, open_answers
from layanan.cases.models import Application, Document, Event, Step
from layanan.charters.models import Charter, Service
from layanan.documents import signing
from layanan.documents.models import IssuedDocument
from layanan.guarantees.models import Alarm, Breach, Compensation
from layanan.lib.nik import parse_nik
from layanan.lib.sealed import is_sealed
from layanan.notifications import jobs
from layanan.notifications.models import Message
from layanan.portal.demo_applications import SAMPLES, day_zero
from layanan.portal.demo_complaints import STORIES
from layanan.portal.demo_data import PASSWORD
from layanan.test import mark_verified

MODELS = (
    User,
    Agency,
    Unit,
    OfficerRole,
    Service,
    Charter,
    Application,
    Step,
    Event,
    Document,
    Alarm,
    Breach,
    Compensation,
)
WIB = ZoneInfo("Asia/Jakarta")
LOADED_AT = timezone.now()  # the real current time, frozen for the whole class


def snapshot() -> str:
    data = []
    for model in MODELS:
        data.append(serializers.serialize("json", model.objects.order_by("pk")))
    return hashlib.sha256(json.dumps(data).encode()).hexdigest()


def load() -> str:
    out = StringIO()
    call_command("demo", "--load-only", stdout=out)
    return out.getvalue()


def sample(key: str) -> Application:
    return Application.objects.get(idempotency_key=key)


def when(moment: dt.datetime | None) -> dt.datetime:
    assert moment is not None
    return moment


class DemoTestCase(TestCase):
    """Checks shared by the test classes: every date of every sample tells one story."""

    def assert_consistent(self, now: dt.datetime) -> None:
        applications = list(Application.objects.order_by("pk"))
        self.assertEqual(len(applications), len(SAMPLES))
        for application in applications:
            number = application.idempotency_key
            self.assertLess(application.created_at, now, number)
            events = list(application.events.order_by("seq"))
            self.assertEqual(events[0].kind, "created", number)
            self.assertEqual(events[0].at, application.created_at, number)
            for before, after in itertools.pairwise(events):
                self.assertLessEqual(before.at, after.at, f"{number} {after.seq} {after.kind}")
            self.assertLessEqual(events[-1].at, now, number)
            for document in application.documents.all():
                self.assertEqual(document.uploaded_at, application.created_at, number)
            if application.submitted_at is None:
                self.assertEqual(application.status, "draft")
                continue
            self.assertLessEqual(application.created_at, application.submitted_at, number)
            local = application.submitted_at.astimezone(WIB)
            self.assertLess(local.weekday(), 5, f"{number} submitted on a weekend")
            self.assertTrue(dt.time(8) <= local.time() <= dt.time(14), number)
            if application.clock_started_at is not None:
                self.assertLessEqual(application.submitted_at, application.clock_started_at, number)
                self.assertLess(application.clock_started_at, when(application.due_at), number)
            if application.ended_at is not None:
                self.assertLessEqual(application.ended_at, now, number)
        for breach in Breach.objects.select_related("application"):
            label = f"{breach.application.idempotency_key} {breach.step_key} {breach.level}"
            self.assertLess(breach.due_at, breach.detected_at, label)
            self.assertLessEqual(breach.detected_at, now, label)
            if not breach.step_key:
                application = breach.application
                self.assertIsNotNone(application.clock_started_at, label)
                self.assertLess(when(application.clock_started_at), breach.due_at, label)
        for compensation in Compensation.objects.select_related("breach"):
            self.assertEqual(compensation.owed_at, compensation.breach.detected_at)
        self.assertFalse(Event.objects.filter(at__gt=now).exists())

    def assert_late_today(self, now: dt.datetime) -> None:
        """The late samples are late at `now`, the on-time ones are not."""
        for key in ("demo-3", "demo-7", "demo-9"):
            application = sample(key)
            self.assertEqual(application.status, "in_progress", key)
            self.assertLess(when(application.due_at), now, key)
            self.assertTrue(
                Breach.objects.filter(application=application, step_key="", level="late").exists(),
                key,
            )
            self.assertTrue(application.steps.filter(state="active", due_at__lt=now).exists(), key)
            self.assertTrue(application.events.filter(kind="apology").exists(), key)
            self.assertEqual(Compensation.objects.get(application=application).status, "owed", key)
        self.assertTrue(Breach.objects.filter(application=sample("demo-3"), level="very_late"))
        deemed = sample("demo-10")
        self.assertEqual(deemed.status, "deemed_approved")
        self.assertEqual(deemed.ended_at, when(deemed.due_at) + dt.timedelta(minutes=1))
        for key in ("demo-4", "demo-8"):
            on_time = sample(key)
            self.assertEqual(on_time.status, "in_progress", key)
            self.assertGreater(when(on_time.due_at), now, key)
            self.assertFalse(Breach.objects.filter(application=on_time).exists(), key)
        # The site review of the sign permit falls due at the next closing time.
        review = sample("demo-8").steps.select_related("agency").get(key="kajian_lokasi")
        self.assertEqual(review.state, "active")
        self.assertGreater(when(review.due_at), now)
        calendar = calendar_for(review.agency)
        zero = day_zero(calendar, now)
        self.assertEqual(when(review.due_at).astimezone(calendar.tz).date(), zero)

    def assert_queue_shows_late_steps(self) -> None:
        petugas = User.objects.get(username="petugas")
        self.client.force_login(petugas)
        mark_verified(self.client, petugas)
        response = self.client.get("/kantor/")
        self.assertContains(response, "Terlambat")
        for key in ("demo-3", "demo-7", "demo-9"):
            self.assertContains(response, sample(key).number)


class DemoDataTests(DemoTestCase):
    output: str

    @classmethod
    def setUpTestData(cls) -> None:
        with time_machine.travel(LOADED_AT, tick=False):
            cls.output = load()

    def in_force(self, code: str) -> Charter:
        return Charter.objects.get(service__code=code, status="adopted")

    def test_loading_twice_gives_the_same_data(self) -> None:
        before = snapshot()
        with time_machine.travel(LOADED_AT, tick=False):
            output = load()
        self.assertIn(
            "0 catalogue change(s), 0 account change(s), 0 sample application(s) created",
            output,
        )
        self.assertEqual(snapshot(), before)

    def return_one_to_warga(self) -> User:
        """petugas returns one of warga's applications for correction (warga is mailed)."""
        warga = User.objects.get(username="warga")
        step = Step.objects.filter(application__applicant=warga, state="active").first()
        assert step is not None
        actions.act_on_step(
            application=step.application,
            step=step,
            officer=User.objects.get(username="petugas"),
            action="return",
            note="Foto KTP-el buram",
        )
        return warga

    def test_the_samples_past_is_not_mailed_but_what_happens_next_is(self) -> None:
        """Loading the demo writes weeks of history; the worker must not mail it all (reminders
        for steps long finished, receipts dated today for applications filed weeks ago)."""
        with time_machine.travel(LOADED_AT, tick=False):
            self.assertEqual(jobs.plan_messages(), 0)
            warga = self.return_one_to_warga()
            # warga chose WhatsApp and email: one message on each
            self.assertEqual(jobs.plan_messages(), 2)
        self.assertEqual(
            sorted(Message.objects.values_list("event__kind", "channel", "recipient")),
            [("returned", "email", warga.email), ("returned", "whatsapp", warga.phone)],
        )

    def test_history_is_skipped_only_when_nothing_was_waiting(self) -> None:
        with time_machine.travel(LOADED_AT, tick=False):
            self.return_one_to_warga()
            waiting = Event.objects.latest("id").pk
            # a later load (or anything else) must not skip an event the planner has not read
            self.assertFalse(jobs.skip_history(after_id=waiting, up_to_id=waiting + 10))
            self.assertEqual(jobs.plan_messages(), 2)  # by email and by WhatsApp

    def test_an_open_sample_shows_when_it_is_expected_to_be_completed(self) -> None:
        """demo-4 (a practice licence under review) gets its estimate from the three recent
        licences issued before it; the returned death registration gets none."""
        licence = sample("demo-4")
        self.assertGreater(when(licence.expected_completion_at), LOADED_AT)
        self.assertEqual(
            [step["completions"] for step in licence.expected_completion_basis["steps"]], [3, 3]
        )
        page = self.client.get(f"/lacak/{licence.number}/")
        self.assertContains(page, "Perkiraan selesai")
        self.assertIsNone(sample("demo-11").expected_completion_at)

    def test_a_completed_sample_has_its_product_signed_and_verifiable(self) -> None:
        """The demo's root CA signs each agency's certificate; the completed samples' products
        are issued at load, downloadable by their applicant and valid against the root."""
        completed = Application.objects.filter(status="completed").select_related("applicant")
        documents = IssuedDocument.objects.filter(application__in=completed)
        self.assertEqual(documents.count(), completed.count())
        document = documents.select_related("application__applicant").first()
        assert document is not None
        self.assertEqual(document.state, "issued")
        self.client.force_login(document.application.applicant)
        page = self.client.get(f"/permohonan/{document.application.number}/")
        self.assertContains(page, f"/dokumen/{document.code}/unduh/")
        download = self.client.get(f"/dokumen/{document.code}/unduh/")
        content = b"".join(download.streaming_content)  # type: ignore[attr-defined]
        root = self.client.get("/verifikasi/sertifikat/root.pem").content
        verdict = signing.validate(content, trust_roots=signing.read_pem_bundle(root))
        self.assertTrue(verdict.valid, verdict)
        self.assertContains(self.client.get(f"/verifikasi/{document.code}/"), "Sah")

    def test_the_first_load_creates_every_sample(self) -> None:
        self.assertIn(f"{len(SAMPLES)} sample application(s) created", self.output)

    def test_the_catalogue_is_a_realistic_kabupaten(self) -> None:
        services = Service.objects.filter(active=True, charters__status="adopted").distinct()
        self.assertGreaterEqual(services.count(), 12)
        self.assertGreaterEqual(Agency.objects.filter(services__in=services).distinct().count(), 5)

    def test_civil_registration_services_are_free_at_disdukcapil(self) -> None:
        for code in ("ktp-el", "kartu-keluarga", "akta-kelahiran"):
            with self.subTest(code=code):
                charter = self.in_force(code)
                self.assertEqual(charter.fee, 0)
                self.assertEqual(charter.service.lead_agency.code, "disdukcapil")

    def test_there_is_a_police_clearance_letter_with_a_fee(self) -> None:
        self.assertGreater(self.in_force("skck").fee, 0)

    def test_pbg_runs_dpmptsp_and_dpupr_in_parallel_in_five_working_days(self) -> None:
        charter = self.in_force("pbg-rumah-sederhana")
        self.assertEqual(charter.time_limit, {"amount": 5, "unit": "working_days"})
        parallel = [
            {step["agency"] for step in stage["steps"]}
            for stage in charter.stages
            if len(stage["steps"]) > 1
        ]
        self.assertIn({"dpmptsp", "dpupr"}, parallel)

    def test_a_business_permit_declares_deemed_approval(self) -> None:
        deemed = [
            c
            for c in Charter.objects.filter(status="adopted")
            if (c.guarantee.get("deemed_approval") or {}).get("legal_basis")
        ]
        self.assertTrue(deemed)
        self.assertEqual(deemed[0].service.category, "perizinan")

    def test_social_assistance_registration_and_other_cross_agency_services(self) -> None:
        self.assertTrue(Service.objects.filter(lead_agency__code="dinsos").exists())
        crossing = [
            c for c in Charter.objects.filter(status="adopted") if len(c.agency_codes()) > 1
        ]
        self.assertGreaterEqual(len(crossing), 4, [c.service.code for c in crossing])

    def test_the_demo_accounts(self) -> None:
        for username in ("warga", "warga2", "petugas", "atasan", "admin"):
            with self.subTest(username=username):
                self.assertTrue(User.objects.get(username=username).check_password(PASSWORD))
        units = Unit.objects.filter(active=True).count()
        petugas = OfficerRole.objects.filter(user__username="petugas")
        self.assertEqual(petugas.filter(role="processor").count(), units)
        self.assertEqual(petugas.filter(role="approver").count(), units)
        # the treasurer (bendahara penerimaan) of every agency: records the fees paid
        self.assertEqual(petugas.filter(role="treasurer").count(), units)
        self.assertEqual(
            OfficerRole.objects.filter(user__username="atasan", role="supervisor").count(), units
        )
        self.assertTrue(User.objects.get(username="admin").is_superuser)
        self.assertFalse(OfficerRole.objects.filter(user__username="warga").exists())

    def test_a_demo_service_bills_its_fee(self) -> None:
        water = Charter.objects.get(service__code="uji-kualitas-air", status="adopted")
        self.assertEqual((water.fee, water.fee_spec["due"]), (85000, "before_issue"))
        page = self.client.get("/layanan/uji-kualitas-air/")
        self.assertContains(page, "Dibayar setelah permohonan Anda disetujui")
        # a citizen can apply for it online (the sample is brought to the laboratory)
        self.client.force_login(User.objects.get(username="warga"))
        self.assertEqual(self.client.get("/layanan/uji-kualitas-air/ajukan/").status_code, 200)

    def test_every_demo_service_page_renders(self) -> None:
        for service in Service.objects.all():
            with self.subTest(code=service.code):
                self.assertEqual(self.client.get(f"/layanan/{service.code}/").status_code, 200)
        catalogue = self.client.get("/layanan/")
        for service in Service.objects.all():
            self.assertContains(catalogue, f'href="/layanan/{service.code}/"')

    def test_sample_applications_in_every_status_for_both_citizens(self) -> None:
        statuses = set(Application.objects.values_list("status", flat=True))
        self.assertEqual(
            statuses,
            {
                "draft",
                "in_progress",
                "returned",
                "completed",
                "rejected",
                "withdrawn",
                "deemed_approved",
            },
        )
        for username in ("warga", "warga2"):
            self.assertTrue(Application.objects.filter(applicant__username=username).exists())
        returned = Application.objects.get(status="returned")
        self.assertContains(self.client.get(f"/lacak/{returned.number}/"), returned.number)
        self.assertIsNotNone(returned.paused_at)

    # -- late today --------------------------------------------------------------------------

    def test_the_register_shows_breaches_compensation_and_deemed_approval_now(self) -> None:
        response = self.client.get("/jaminan/data.json")
        self.assertEqual(response.status_code, 200)
        rows = response.json()["rows"]
        total = {
            column: sum(row[column] for row in rows)
            for column in rows[0]
            if column
            in ("late", "very_late", "compensations_owed", "amount_owed", "deemed_approved")
        }
        self.assertGreaterEqual(total["late"], 5)
        self.assertGreaterEqual(total["very_late"], 1)
        self.assertEqual(total["compensations_owed"], 3)
        # PBG Rp50.000 per working day late so far (it is still open), half the SLHS fee,
        # the family card's fixed sum.
        pbg = Compensation.objects.get(kind="per_day").application
        assert pbg.due_at is not None
        self.assertTrue(pbg.is_open)
        days = calendar_for(pbg.agency).working_days_late(pbg.due_at, timezone.now())
        self.assertGreaterEqual(days, 1)
        pbg_so_far = min(350_000, 50_000 * days)
        self.assertEqual(total["amount_owed"], pbg_so_far + 75_000 + 25_000)
        self.assertContains(
            self.client.get("/jaminan/"), f"Rp{pbg_so_far + 75_000 + 25_000:,}".replace(",", ".")
        )
        self.assertEqual(total["deemed_approved"], 1)
        page = self.client.get("/jaminan/")
        self.assertContains(page, "Persetujuan Bangunan Gedung (PBG) Rumah Tinggal Sederhana")

    def test_the_supervisor_sees_the_compensation_owed(self) -> None:
        atasan = User.objects.get(username="atasan")
        self.client.force_login(atasan)
        mark_verified(self.client, atasan)
        response = self.client.get("/kantor/kompensasi/")
        for key in ("demo-3", "demo-7", "demo-9"):
            self.assertContains(response, sample(key).number)
        kinds = set(Compensation.objects.filter(status="owed").values_list("kind", flat=True))
        self.assertEqual(kinds, {"per_day", "refund_percent", "fixed"})

    def test_late_work_is_escalated_to_the_supervisor_and_the_head_of_agency(self) -> None:
        to_supervisor = Event.objects.filter(kind="escalated", data__to="supervisor")
        self.assertTrue(to_supervisor.exists())
        for event in to_supervisor:
            self.assertIn("atasan", event.data["officers"])
        head = Event.objects.get(
            application=sample("demo-3"), kind="escalated", step="", data__to="agency_head"
        )
        self.assertEqual(head.data["title"], sample("demo-3").agency.head_title)

    def test_the_queue_shows_late_steps(self) -> None:
        self.assert_queue_shows_late_steps()

    def test_the_citizen_reads_the_apology_and_the_compensation(self) -> None:
        self.client.force_login(User.objects.get(username="warga"))
        pbg = sample("demo-3")
        response = self.client.get(f"/permohonan/{pbg.number}/")
        self.assertContains(response, "Kami mohon maaf, PBG Anda melewati batas 5 hari kerja.")
        self.assertContains(response, "50.000")

    def test_the_samples_are_late_today_with_consistent_dates(self) -> None:
        self.assert_consistent(LOADED_AT)
        self.assert_late_today(LOADED_AT)

    def test_every_event_chain_verifies(self) -> None:
        out = StringIO()
        call_command("audit", "verify", stdout=out)
        self.assertEqual(
            out.getvalue().strip().splitlines(),
            [f"{len(SAMPLES)} chain(s) intact.", f"{len(STORIES)} complaint chain(s) intact."],
        )

    def test_the_answers_pass_the_charters_validation(self) -> None:
        for application in Application.objects.select_related("charter"):
            with self.subTest(sample=application.idempotency_key):
                _cleaned, errors = clean_answers(
                    application.charter, open_answers(application.answers), partial=False
                )
                self.assertEqual(errors, {})
                self.assertEqual(missing_requirements(application), {})

    def test_the_nik_answers_are_sealed_at_rest(self) -> None:
        sealed = 0
        for application in Application.objects.select_related("charter"):
            for key in nik_keys(application.charter) & set(application.answers):
                stored = application.answers[key]
                self.assertTrue(is_sealed(stored), f"{application.idempotency_key} {key}")
                sealed += 1
        self.assertGreater(sealed, 10)

    def test_the_answers_are_realistic(self) -> None:
        today = timezone.localdate()
        for application in Application.objects.select_related("charter"):
            form = {spec["key"]: spec for spec in application.charter.content["form"]}
            for key, value in open_answers(application.answers).items():
                label = f"{application.idempotency_key} {key}"
                kind = form[key]["type"]
                if kind == "nik" or key == "nomor_kk":
                    nik = parse_nik(value, today=today)
                    self.assertEqual(nik.region_code, "33.99.01", label)
                if kind == "textarea":
                    self.assertRegex(value, r"^(Jl\.|Ruko|Puskesmas) .+ Kabupaten Contoh", label)
                if key in ("nib", "kbli", "nomor_str", "anak_ke"):
                    self.assertRegex(value, r"^\d+$", label)
                self.assertNotIn("Contoh isian", str(value), label)
        pbg = sample("demo-3").answers
        self.assertLessEqual(float(pbg["luas_bangunan"]), 72)
        self.assertLess(float(pbg["luas_bangunan"]), float(pbg["luas_tanah"]))
        family_card = sample("demo-9").answers["nomor_kk"]
        self.assertRegex(family_card, r"^\d{16}$")
        sign = sample("demo-8")
        self.assertGreater(dt.date.fromisoformat(sign.answers["masa_pasang"]), today)


# Days the demo may be loaded on, in WIB: the samples must be late on each of them.
PINNED = {
    "monday_before_opening": dt.datetime(2026, 11, 30, 7, 15, tzinfo=WIB),
    "wednesday_afternoon": dt.datetime(2026, 12, 9, 14, 40, tzinfo=WIB),
    # Disdukcapil is closed on 11 December 2026 (a migration of its database).
    "friday_of_an_agency_closure_after_closing": dt.datetime(2026, 12, 11, 16, 30, tzinfo=WIB),
    # 24 December is cuti bersama and 25 December Christmas: day zero is 28 December.
    "the_day_before_the_christmas_holidays": dt.datetime(2026, 12, 23, 16, 45, tzinfo=WIB),
    # Nyepi, then Idul Fitri with cuti bersama: 8 to 15 March 2027 off but one day.
    "the_first_day_after_idul_fitri": dt.datetime(2027, 3, 16, 9, 0, tzinfo=WIB),
}


class DemoLoadedOnAnyDayTests(DemoTestCase):
    def check(self, now: dt.datetime) -> None:
        with time_machine.travel(now, tick=False):
            load()
            self.assert_consistent(now)
            self.assert_late_today(now)
            self.assert_queue_shows_late_steps()
            out = StringIO()
            call_command("audit", "verify", stdout=out)
            self.assertIn(f"{len(SAMPLES)} chain(s) intact.", out.getvalue())

    def test_monday_before_opening(self) -> None:
        self.check(PINNED["monday_before_opening"])

    def test_wednesday_afternoon(self) -> None:
        self.check(PINNED["wednesday_afternoon"])

    def test_friday_of_an_agency_closure_after_closing(self) -> None:
        self.check(PINNED["friday_of_an_agency_closure_after_closing"])

    def test_the_day_before_the_christmas_holidays(self) -> None:
        self.check(PINNED["the_day_before_the_christmas_holidays"])

    def test_the_first_day_after_idul_fitri(self) -> None:
        self.check(PINNED["the_first_day_after_idul_fitri"])
