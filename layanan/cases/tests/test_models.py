"""The models' statuses are the engine's, and what they say about an application."""

from __future__ import annotations

from django.test import SimpleTestCase

from layanan.cases import engine
from layanan.cases.models import ENDED_STATUSES, Application, Status, StepState


class StatusMappingTests(SimpleTestCase):
    def test_every_engine_status_is_a_model_choice_and_back(self) -> None:
        self.assertEqual({s.value for s in Status}, {s.value for s in engine.Status})
        self.assertEqual({s.value for s in StepState}, {s.value for s in engine.StepStatus})

    def test_ended_statuses_are_the_engine_terminal_ones(self) -> None:
        self.assertEqual({str(s) for s in ENDED_STATUSES}, {str(s) for s in engine.TERMINAL})

    def test_only_a_draft_or_a_returned_application_is_editable_by_the_citizen(self) -> None:
        editable = {s.value for s in Status if Application(status=s).is_editable_by_citizen}
        self.assertEqual(editable, {"draft", "returned"})

    def test_an_ended_application_is_neither_open_nor_editable(self) -> None:
        for status in ENDED_STATUSES:
            application = Application(status=status)
            self.assertTrue(application.has_ended, status)
            self.assertFalse(application.is_open or application.is_editable_by_citizen, status)
