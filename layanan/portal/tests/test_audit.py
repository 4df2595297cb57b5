"""`layanan audit verify`: intact chains pass; a changed or deleted event is named."""

from io import StringIO

from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from layanan.cases.models import Event
from layanan.cases.tests.test_office_pages import OfficeTestCase


class AuditTests(OfficeTestCase):
    def verify(self) -> tuple[int, str, str]:
        out, err = StringIO(), StringIO()
        try:
            call_command("audit", "verify", stdout=out, stderr=err)
            code = 0
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        return code, out.getvalue(), err.getvalue()

    def tamper(self, sql: str, params: list[str | int]) -> None:
        """What an intruder with database access could do after dropping the guard."""
        import importlib

        module = importlib.import_module("layanan.cases.migrations.0002_events_are_append_only")
        with connection.cursor() as cursor:
            for statement in module.DROP[connection.vendor]:
                cursor.execute(statement)
            cursor.execute(sql, params)

    def test_intact_chains_pass(self) -> None:
        self.submitted()
        self.submitted(self.agus)
        code, out, _err = self.verify()
        self.assertEqual(
            (code, out.strip().splitlines()),
            (0, ["2 chain(s) intact.", "0 complaint chain(s) intact."]),
        )

    def test_events_cannot_be_changed_or_deleted_through_the_database(self) -> None:
        application = self.submitted()
        with self.assertRaises(DatabaseError), transaction.atomic():
            Event.objects.filter(application=application).update(note="x")
        with self.assertRaises(DatabaseError), transaction.atomic():
            Event.objects.filter(application=application).delete()

    def test_a_changed_event_is_the_first_broken_link(self) -> None:
        application = self.submitted()
        event = Event.objects.get(application=application, seq=2)
        self.tamper("UPDATE cases_event SET note = %s WHERE id = %s", ["forged", event.pk])
        code, _out, err = self.verify()
        self.assertEqual(code, 1)
        self.assertIn(f"{application.number} event 2: content was changed", err)

    def test_a_deleted_event_is_found(self) -> None:
        application = self.submitted()
        event = Event.objects.get(application=application, seq=2)
        self.tamper("DELETE FROM cases_event WHERE id = %s", [event.pk])
        code, _out, err = self.verify()
        self.assertEqual(code, 1)
        self.assertIn(f"{application.number} event 2: missing", err)

    def test_a_changed_complaint_event_is_named_and_the_log_refuses_changes(self) -> None:
        import importlib

        from layanan.complaints import actions as complaint_actions
        from layanan.complaints.models import Category, ComplaintEvent

        complaint_actions.ensure_builtin_categories(self.disdukcapil)
        complaint, _key = complaint_actions.file_complaint(
            filing=complaint_actions.Filing(
                category=Category.objects.get(agency=self.disdukcapil, code="pungli"),
                description="Diminta uang di loket tanpa kuitansi.",
            ),
            complainant=self.siti,
        )
        complaint_actions.verify_complaint(complaint=complaint, officer=self.ani)
        self.assertEqual(self.verify()[1].strip().splitlines()[-1], "1 complaint chain(s) intact.")
        event = ComplaintEvent.objects.get(complaint=complaint, seq=1)
        with self.assertRaises(DatabaseError), transaction.atomic():
            ComplaintEvent.objects.filter(pk=event.pk).update(note="x")
        module = importlib.import_module(
            "layanan.complaints.migrations.0002_events_are_append_only"
        )
        with connection.cursor() as cursor:
            for statement in module.DROP[connection.vendor]:
                cursor.execute(statement)
            cursor.execute(
                "UPDATE complaints_complaintevent SET note = %s WHERE id = %s", ["x", event.pk]
            )
        code, _out, err = self.verify()
        self.assertEqual(code, 1)
        self.assertIn(f"{complaint.number} event 1: content was changed", err)
