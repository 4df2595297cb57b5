"""The complaint's life through its actions: statuses, the legal deadlines on the agency's
calendar with a moving clock, the missed deadline recorded once and escalated, the one-click
"is it resolved?" answer, duplicates, and bad input that changes nothing."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from layanan.agencies.models import OfficerRole, Role
from layanan.complaints import actions
from layanan.complaints.access import can_handle, get_complaint_for_viewer
from layanan.complaints.models import (
    Category,
    Complaint,
    ComplaintEvent,
    Deadline,
    HandlingRules,
    Status,
)
from layanan.complaints.presenters import full_view, public_view
from layanan.complaints.sweep import run as sweep
from layanan.test import PDF, BaseTestCase

WIB = dt.timezone(dt.timedelta(hours=7))
# Monday 7 June 2027, 09:00 WIB: an ordinary working week (no national holiday).
MONDAY = dt.datetime(2027, 6, 7, 9, 0, tzinfo=WIB)


class ComplaintTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        actions.ensure_builtin_categories(self.disdukcapil)
        self.pungli = Category.objects.get(agency=self.disdukcapil, code="pungli")

    def file(self, **changes: object) -> Complaint:
        filing = actions.Filing(
            category=changes.pop("category", self.pungli),  # type: ignore[arg-type]
            description=str(changes.pop("description", "Petugas meminta uang Rp50.000.")),
        )
        complainant = changes.pop("complainant", self.siti)
        for name, value in changes.items():
            setattr(filing, name, value)
        complaint, _key = actions.file_complaint(filing=filing, complainant=complainant)  # type: ignore[arg-type]
        return complaint


class FilingTests(ComplaintTestCase):
    def test_filing_opens_the_verification_limit_of_three_working_days(self) -> None:
        with time_machine.travel(MONDAY, tick=False):
            complaint = self.file()
        self.assertTrue(complaint.number.startswith("PGD-"))
        self.assertEqual(complaint.status, Status.RECEIVED)
        deadline = Deadline.objects.get(complaint=complaint)
        self.assertEqual(deadline.kind, "verify")
        # Thursday at closing time (16:00 WIB by default)
        self.assertEqual(deadline.due_at, dt.datetime(2027, 6, 10, 16, 0, tzinfo=WIB))
        self.assertEqual(complaint.due_at, deadline.due_at)
        self.assertEqual(list(complaint.events.values_list("kind", flat=True)), ["filed"])

    def test_every_agency_has_the_builtin_categories(self) -> None:
        actions.ensure_builtin_categories(self.dpmptsp)
        actions.ensure_builtin_categories(self.dpmptsp)  # twice: nothing more
        codes = sorted(Category.objects.filter(agency=self.dpmptsp).values_list("code", flat=True))
        self.assertEqual(codes, ["pungli", "umum"])
        self.assertEqual(self.pungli.service_code, "disdukcapil.pungli")

    def test_bad_input_is_refused_field_by_field_and_nothing_is_written(self) -> None:
        with self.assertRaises(actions.InvalidInput) as refused:
            self.file(
                description="short",
                privacy="secret",
                latitude=Decimal("95"),
                contact_email="not-an-email",
                contact_phone="12",
                application_number="XXXX-YYYY",
            )
        self.assertEqual(
            set(refused.exception.fields),
            {
                "description",
                "privacy",
                "latitude",
                "contact_email",
                "contact_phone",
                "application_number",
            },
        )
        self.assertFalse(Complaint.objects.exists())
        self.assertFalse(ComplaintEvent.objects.exists())

    def test_an_attachment_is_checked_like_an_application_document(self) -> None:
        with self.assertRaises(actions.InvalidInput) as refused:
            actions.file_complaint(
                filing=actions.Filing(category=self.pungli, description="Diminta uang tambahan."),
                complainant=None,
                attachments=[SimpleUploadedFile("bukti.pdf", b"not a pdf at all")],
            )
        self.assertIn("attachments", refused.exception.fields)
        complaint, key = actions.file_complaint(
            filing=actions.Filing(category=self.pungli, description="Diminta uang tambahan."),
            complainant=None,
            attachments=[SimpleUploadedFile("bukti.pdf", PDF)],
        )
        self.assertEqual(complaint.attachments.count(), 1)
        self.assertTrue(complaint.attachments.get().file.name.startswith("complaints/"))
        self.assertTrue(actions.check_access_key(complaint, key))
        self.assertFalse(actions.check_access_key(complaint, key + "x"))

    def test_a_complaint_about_an_application_is_attached_to_it_within_the_window(self) -> None:
        application = self.submitted()
        complaint = self.file(application_number=application.number.lower())
        self.assertEqual(complaint.application, application)
        self.assertEqual(complaint.service, self.akta)
        # another agency's category cannot take it
        actions.ensure_builtin_categories(self.dpmptsp)
        other = Category.objects.get(agency=self.dpmptsp, code="pungli")
        with self.assertRaises(actions.InvalidInput) as refused:
            self.file(category=other, application_number=application.number)
        self.assertIn("application_number", refused.exception.fields)


class HandlingTests(ComplaintTestCase):
    def test_the_whole_way_with_deadlines_met(self) -> None:
        with time_machine.travel(MONDAY, tick=False):
            complaint = self.file()
        self.assertTrue(can_handle(self.ani, complaint), "the supervisor is the agency's desk")
        self.assertFalse(can_handle(self.budi, complaint), "not yet forwarded to his unit")
        self.assertFalse(can_handle(self.charlie, complaint))
        with time_machine.travel(MONDAY + dt.timedelta(hours=2), tick=False):
            complaint = actions.verify_complaint(complaint=complaint, officer=self.ani)
        decision = Deadline.objects.get(complaint=complaint, kind="decision")
        self.assertEqual(decision.due_at, dt.datetime(2027, 8, 6, 23, 59, 59, tzinfo=WIB))
        with time_machine.travel(MONDAY + dt.timedelta(hours=3), tick=False):
            complaint = actions.forward_complaint(
                complaint=complaint, officer=self.ani, unit=self.capil, note="Bidang capil."
            )
        self.assertTrue(can_handle(self.budi, complaint))
        plan = Deadline.objects.get(complaint=complaint, kind="plan")
        self.assertEqual(plan.due_at, dt.datetime(2027, 6, 14, 16, 0, tzinfo=WIB))
        with time_machine.travel(MONDAY + dt.timedelta(days=1), tick=False):
            complaint = actions.plan_follow_up(
                complaint=complaint, officer=self.budi, note="Kami periksa petugas loket."
            )
            complaint = actions.respond(
                complaint=complaint, officer=self.budi, note="Catatan internal.", public=False
            )
            complaint, _key = actions.resolve_complaint(
                complaint=complaint, officer=self.budi, outcome="Uang dikembalikan."
            )
        self.assertEqual(complaint.status, Status.RESOLVED)
        self.assertFalse(Deadline.objects.filter(complaint=complaint, met_at__isnull=True).exists())
        with time_machine.travel(MONDAY + dt.timedelta(days=30), tick=False):
            self.assertEqual(sweep().missed, 0)
        complaint.refresh_from_db()
        self.assertEqual(complaint.status, Status.CLOSED, "the window passed without an answer")
        view = public_view(complaint)
        self.assertNotIn("Catatan internal.", json.dumps(view, default=str))
        self.assertIn(
            "Catatan internal.", json.dumps(full_view(complaint, internal=True), default=str)
        )

    def test_a_missed_deadline_is_recorded_once_escalated_and_public(self) -> None:
        with time_machine.travel(MONDAY, tick=False):
            complaint = self.file(privacy="anonim")
        thursday_evening = dt.datetime(2027, 6, 10, 16, 1, tzinfo=WIB)
        self.assertEqual(sweep(thursday_evening - dt.timedelta(minutes=2)).missed, 0)
        self.assertEqual(sweep(thursday_evening).missed, 1)
        self.assertEqual(sweep(thursday_evening + dt.timedelta(hours=1)).missed, 0, "once")
        kinds = list(complaint.events.values_list("kind", "public"))
        self.assertIn(("deadline_missed", True), kinds)
        self.assertIn(("escalated", False), kinds)
        escalation = complaint.events.get(kind="escalated")
        self.assertEqual(escalation.data["officers"], ["ani"])
        self.assertEqual(len(public_view(complaint)["missed_deadlines"]), 1)
        # the agency can still act; the breach stays on record
        actions.verify_complaint(complaint=complaint, officer=self.ani)
        self.assertEqual(Deadline.objects.filter(breached_at__isnull=False).count(), 1)

    def test_an_incomplete_file_is_withdrawn_after_thirty_days(self) -> None:
        HandlingRules.objects.create(agency=self.disdukcapil, completion_days=10)
        with time_machine.travel(MONDAY, tick=False):
            complaint = self.file()
            complaint = actions.request_completion(
                complaint=complaint, officer=self.ani, note="Sebutkan tanggal kejadian."
            )
        self.assertEqual(complaint.status, Status.INCOMPLETE)
        self.assertEqual(sweep(MONDAY + dt.timedelta(days=10)).withdrawn, 0)
        summary = sweep(MONDAY + dt.timedelta(days=11))
        self.assertEqual((summary.withdrawn, summary.missed), (1, 0))
        complaint.refresh_from_db()
        self.assertEqual(complaint.status, Status.WITHDRAWN)

    def test_completing_in_time_restarts_verification(self) -> None:
        with time_machine.travel(MONDAY, tick=False):
            complaint = self.file()
            complaint = actions.request_completion(
                complaint=complaint, officer=self.ani, note="Sebutkan tanggal kejadian."
            )
        with time_machine.travel(MONDAY + dt.timedelta(days=2), tick=False):
            complaint = actions.complete_complaint(
                complaint=complaint, by=self.siti, note="Tanggal 1 Juni."
            )
        self.assertEqual(complaint.status, Status.RECEIVED)
        self.assertEqual(
            Deadline.objects.get(complaint=complaint, kind="verify", met_at__isnull=True).due_at,
            dt.datetime(2027, 6, 14, 16, 0, tzinfo=WIB),
        )

    def test_not_resolved_reopens_with_a_new_plan_limit_and_the_key_is_one_use(self) -> None:
        complaint = self.file()
        complaint = actions.verify_complaint(complaint=complaint, officer=self.ani)
        complaint, key = actions.resolve_complaint(
            complaint=complaint, officer=self.ani, outcome="Sudah ditegur."
        )
        with self.assertRaises(actions.InvalidInput):
            actions.answer_feedback(complaint=complaint, key=key, user=None, resolved=False)
        complaint = actions.answer_feedback(
            complaint=complaint,
            key=key,
            user=None,
            resolved=False,
            reason="Masih diminta uang.",
            rating=2,
        )
        self.assertEqual(
            (complaint.status, complaint.times_reopened, complaint.rating),
            (Status.IN_FOLLOW_UP, 1, 2),
        )
        self.assertTrue(
            Deadline.objects.filter(complaint=complaint, kind="plan", met_at__isnull=True).exists()
        )
        complaint, second = actions.resolve_complaint(
            complaint=complaint, officer=self.ani, outcome="Petugas dimutasi."
        )
        with self.assertRaises(actions.AlreadyHandled):
            actions.answer_feedback(complaint=complaint, key=key, user=None, resolved=True)
        complaint = actions.answer_feedback(
            complaint=complaint, key=second, user=None, resolved=True
        )
        self.assertEqual(
            (complaint.status, complaint.complainant_verdict), (Status.CLOSED, "resolved")
        )

    def test_duplicates_are_linked_to_the_first_and_stale_revisions_refused(self) -> None:
        first = self.file(address="Jl. Slamet Riyadi 1")
        second = self.file(address="jl. slamet riyadi 1", complainant=self.agus)
        found = actions.possible_duplicates(
            agency=self.disdukcapil, address="Jl.  Slamet Riyadi 1", exclude=second
        )
        self.assertEqual(found, [first])
        hidden = self.file(address="Jl. Slamet Riyadi 1", privacy="rahasia")
        self.assertEqual(
            actions.possible_duplicates(
                agency=self.disdukcapil, address="Jl. Slamet Riyadi 1", limit=1
            ),
            [hidden],
        )
        self.assertEqual(
            actions.possible_duplicates(
                agency=self.disdukcapil, address="Jl. Slamet Riyadi 1", limit=1, public_only=True
            ),
            [second],
        )
        with self.assertRaises(actions.AlreadyHandled):
            actions.link_duplicate(
                complaint=second, primary=first, officer=self.ani, revision=second.revision + 1
            )
        second = actions.link_duplicate(complaint=second, primary=first, officer=self.ani)
        self.assertEqual((second.status, second.duplicate_of), (Status.REJECTED, first))
        with self.assertRaises(actions.InvalidInput):
            actions.link_duplicate(complaint=first, primary=first, officer=self.ani)

    def test_officers_of_other_units_cannot_act(self) -> None:
        complaint = self.file()
        with self.assertRaises(actions.NotAllowed):
            actions.verify_complaint(complaint=complaint, officer=self.charlie)
        with self.assertRaises(actions.NotAllowed):
            actions.resolve_complaint(complaint=complaint, officer=self.ani, outcome="x")
        complaint.refresh_from_db()
        self.assertEqual(complaint.status, Status.RECEIVED)


class ViewerTests(ComplaintTestCase):
    def test_a_confidential_complaint_exists_only_for_the_complainant_and_the_unit(self) -> None:
        from django.contrib.auth.models import AnonymousUser
        from django.http import Http404

        complaint, key = actions.file_complaint(
            filing=actions.Filing(
                category=self.pungli, description="Diminta uang tambahan.", privacy="rahasia"
            ),
            complainant=None,
        )
        with self.assertRaises(Http404):
            get_complaint_for_viewer(AnonymousUser(), complaint.number)
        with self.assertRaises(Http404):
            get_complaint_for_viewer(self.charlie, complaint.number)
        self.assertEqual(
            get_complaint_for_viewer(AnonymousUser(), complaint.number, key)[1], "full"
        )
        self.assertEqual(get_complaint_for_viewer(self.ani, complaint.number)[1], "full")
        with self.assertRaises(ValueError):
            public_view(complaint)

    def test_the_public_view_of_an_anonymous_complaint_names_nobody(self) -> None:
        OfficerRole.objects.create(user=self.charlie, unit=self.loket, role=Role.FRONT_OFFICE)
        complaint = self.file(privacy="anonim", contact_phone="0812-1111-2222")
        text = json.dumps(public_view(complaint), default=str)
        for secret in ("Siti", "siti", "siti@example.test", "6281211112222"):
            self.assertNotIn(secret, text)
        self.assertIn("Siti Rahayu", json.dumps(full_view(complaint), default=str))


class SweepCommandTests(ComplaintTestCase):
    def test_the_sweep_command_reports_complaint_deadlines(self) -> None:
        with time_machine.travel(MONDAY, tick=False):
            self.file()
        out = StringIO()
        call_command("sweep", "--at", "2027-06-11T09:00:00+07:00", stdout=out)
        summary = json.loads(out.getvalue().strip().splitlines()[-1])
        self.assertEqual(summary["complaint_deadlines_missed"], 1)


class LengthTests(ComplaintTestCase):
    def test_values_longer_than_their_columns_are_refused_by_field(self) -> None:
        with self.assertRaises(actions.InvalidInput) as refused:
            self.file(
                contact_email="a" * 250 + "@contoh.id",
                contact_name="N" * 201,
                address_id="x" * 101,
                lapor_link="received_from",
                lapor_number="9" * 41,
            )
        self.assertEqual(
            set(refused.exception.fields),
            {"contact_email", "contact_name", "address_id", "lapor_number"},
        )
        self.assertFalse(Complaint.objects.exists())
