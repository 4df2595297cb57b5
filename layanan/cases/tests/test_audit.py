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
        self.assertEqual((code, out.strip()), (0, "2 chain(s) intact."))

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
