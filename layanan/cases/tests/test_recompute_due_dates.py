"""The system's actions on an application: due dates recomputed after a calendar correction,
and deemed approval. No person acts; each change is stored with its public event."""

from __future__ import annotations

import datetime as dt

from layanan.agencies.models import CalendarDay
from layanan.cases import actions
from layanan.cases.models import Application, Event
from layanan.test import BaseTestCase

WIB = dt.timezone(dt.timedelta(hours=7))
MONDAY = dt.datetime(2026, 11, 30, 9, 0, tzinfo=WIB)
LATER = dt.datetime(2026, 11, 30, 11, 0, tzinfo=WIB)


class RecomputeDueDatesTests(BaseTestCase):
    def test_on_an_unchanged_calendar_nothing_moves_and_nothing_is_written(self) -> None:
        application = self.submitted(at=MONDAY)
        events = Event.objects.filter(application=application).count()
        moved = actions.recompute_due_dates(application=application, reason="x", at=LATER)
        self.assertEqual(moved, [])
        self.assertEqual(Event.objects.filter(application=application).count(), events)
        self.assertEqual(Application.objects.get(pk=application.pk).revision, application.revision)

    def test_a_closure_moves_the_running_step_later_with_a_public_event(self) -> None:
        application = self.submitted(at=MONDAY)
        step = application.steps.get(key="verifikasi")
        due = dt.datetime(2026, 12, 1, 16, 0, tzinfo=WIB)
        self.assertEqual(step.due_at, due)
        CalendarDay.objects.create(
            agency=self.disdukcapil, date=dt.date(2026, 12, 1), kind="closed", name="Banjir"
        )
        moved = actions.recompute_due_dates(application=application, reason="Banjir", at=LATER)
        later = dt.datetime(2026, 12, 2, 16, 0, tzinfo=WIB)
        self.assertEqual(moved, [actions.DueMove(step="verifikasi", previous=due, due_at=later)])
        step.refresh_from_db()
        self.assertEqual(step.due_at, later)
        event = Event.objects.get(application=application, kind="due_recomputed")
        self.assertEqual((event.step, event.public, event.actor), ("verifikasi", True, None))
        self.assertIn("Banjir", event.note)
        self.assertEqual(event.data["due_at"], later.isoformat())
        # once moved, a second pass finds nothing more
        self.assertEqual(
            actions.recompute_due_dates(application=application, reason="Banjir", at=LATER), []
        )

    def test_an_ended_application_is_left_alone(self) -> None:
        application = self.submitted(at=MONDAY)
        actions.withdraw_application(application=application, citizen=self.siti)
        CalendarDay.objects.create(
            agency=self.disdukcapil, date=dt.date(2026, 12, 1), kind="closed", name="Banjir"
        )
        fresh = Application.objects.get(pk=application.pk)
        self.assertEqual(actions.recompute_due_dates(application=fresh, reason="Banjir"), [])


class DeemApprovedTests(BaseTestCase):
    def test_it_ends_the_application_as_granted_by_law_and_only_once(self) -> None:
        application = self.submitted(at=MONDAY)
        granted = actions.deem_application_approved(
            application=application, legal_basis="UU 30/2014 Pasal 53", at=LATER
        )
        self.assertEqual(granted.status, "deemed_approved")
        event = Event.objects.get(application=application, kind="deemed_approved")
        self.assertEqual(
            (event.note, event.actor, event.public), ("UU 30/2014 Pasal 53", None, True)
        )
        self.assertEqual(set(application.steps.values_list("state", flat=True)), {"skipped"})
        with self.assertRaises(actions.CaseError):
            actions.deem_application_approved(
                application=granted, legal_basis="UU 30/2014 Pasal 53", at=LATER
            )
