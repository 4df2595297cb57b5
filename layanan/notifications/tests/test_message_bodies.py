"""What the messages say: a link to the application (citizen) or the step (officer), the due
date where there is one, the completion against the promise and the fee; no empty lines where a
value is missing. Bodies are rendered by the planner as the worker runs it."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.core import mail
from django.test import override_settings

from layanan.cases import actions
from layanan.cases.models import Application
from layanan.cases.tests.test_office_pages import OfficeTestCase
from layanan.notifications import jobs
from layanan.notifications.models import Message

SITE = "https://layanan.contoh.go.id"
# Monday 30 November 2026, 09:00 WIB: no holiday in the week.
MONDAY = dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC)


def body_of(application: Application, kind: str, recipient: str = "siti@example.test") -> str:
    jobs.plan_messages()
    return Message.objects.get(application=application, event__kind=kind, recipient=recipient).body


@override_settings(LAYANAN_SITE_URL=SITE + "/")
class MessageBodyTests(OfficeTestCase):
    def setUp(self) -> None:
        traveller = time_machine.travel(MONDAY, tick=False)
        traveller.start()
        self.addCleanup(traveller.stop)

    def assert_tidy(self, body: str) -> None:
        """No gap where a value was missing: no blank line twice, no line of spaces, no
        'None', no placeholder left over, nothing empty at the start."""
        self.assertNotIn("\n\n\n", body)
        self.assertFalse(body.startswith("\n") or body.endswith("\n\n"), body)
        for line in body.splitlines():
            self.assertEqual(line, line.rstrip(), f"trailing space in {line!r}")
            self.assertNotRegex(line, r"^\s+$")
            self.assertNotRegex(line, r":\s+$|:\s*\.$| \.$", f"a value is missing: {line!r}")
        self.assertNotIn("None", body)
        self.assertNotIn("{", body)
        self.assertNotRegex(body, r"\+0[789]\b")  # a zone is WIB/WITA/WIT, never an offset

    def test_the_receipt_message_links_the_application_and_says_how_the_clock_will_run(
        self,
    ) -> None:
        application = self.submitted()
        body = body_of(application, "submitted")
        self.assert_tidy(body)
        self.assertIn(f"{SITE}/permohonan/{application.number}/", body)
        self.assertNotIn(f"{SITE}//", body)
        # the clock starts when the file is declared complete: the rule and today's projection
        self.assertIn(
            "3 hari kerja sejak berkas dinyatakan lengkap; bila lengkap hari ini: paling lambat "
            "3 Desember 2026",
            body,
        )
        self.assertNotIn("Batas waktu: 3 Desember", body)  # there is no due date yet
        # what is sent is what was planned (the task the worker runs sends this row)
        message = Message.objects.get(application=application, event__kind="submitted")
        jobs.send_message_now(message.pk)
        self.assertEqual(mail.outbox[0].body, body)

    def test_a_returned_file_whose_clock_never_started_is_not_called_paused(self) -> None:
        application = self.submitted()
        actions.act_on_step(
            application=application,
            step=application.steps.get(key="verifikasi"),
            officer=self.budi,
            action="return",
            note="Foto surat lahir buram",
        )
        body = body_of(application, "returned")
        self.assert_tidy(body)
        self.assertIn("Foto surat lahir buram", body)
        self.assertIn(f"{SITE}/permohonan/{application.number}/", body)
        self.assertIn("Jangka waktu belum mulai dihitung", body)
        self.assertNotIn("dihentikan sementara", body)

    def test_the_completion_message_says_when_against_the_promise_and_the_fee(self) -> None:
        application = self.submitted()
        for key in ("verifikasi", "terbit"):
            application = actions.act_on_step(
                application=application,
                step=application.steps.get(key=key),
                officer=self.budi,
                action="approve",
            )
        application.refresh_from_db()
        self.assertEqual(application.status, "completed")
        body = body_of(application, "completed")
        self.assert_tidy(body)
        # due Thursday 3 December 16.00 WIB; done Monday 30 November 09.00 WIB
        self.assertIn("Selesai 30 November 2026 09.00 WIB, 3 hari kerja sebelum batas waktu.", body)
        self.assertIn("Biaya: Gratis.", body)
        self.assertIn("Tidak ada pungutan apa pun yang sah", body)
        self.assertIn(f"{SITE}/permohonan/{application.number}/", body)
        # the product, signed moments later by the documents worker
        self.assertIn(f"{SITE}/permohonan/{application.number}/produk/", body)

    def test_officers_get_a_link_to_the_step_and_its_due_date(self) -> None:
        from layanan.guarantees.sweep import sweep

        application = self.submitted()
        step = application.steps.get(key="verifikasi")
        assert step.due_at is not None
        sweep(step.due_at + dt.timedelta(minutes=1))
        jobs.plan_messages()
        escalation = Message.objects.get(event__kind="escalated", recipient="ani@example.test")
        self.assert_tidy(escalation.body)
        self.assertIn(f"{SITE}/kantor/langkah/{application.number}/verifikasi/", escalation.body)
        self.assertIn("Langkah: Verifikasi berkas.", escalation.body)
        self.assertIn("1 Desember 2026 16.00 WIB", escalation.body)  # the step's due date
        late = Message.objects.get(event__kind="late", recipient="siti@example.test")
        self.assert_tidy(late.body)
        self.assertIn(f"{SITE}/permohonan/{application.number}/", late.body)

    def test_every_template_reads_without_gaps_when_optional_values_are_missing(self) -> None:
        from django.template.loader import render_to_string
        from django.utils import translation

        application = self.submitted()
        jobs.plan_messages()
        event = Message.objects.get(event__kind="submitted").event
        assert event is not None
        for kind in (*jobs.NOTIFIED_KINDS, *jobs.OFFICER_KINDS):
            event.kind, event.note = kind, "Catatan"
            with translation.override("id"):
                full = jobs.message_context(event)
                bare = {
                    **full,
                    "step_name": "",
                    "due_text": "",
                    "due_explanation": "",
                    "expected_text": "",
                    "completion_text": "",
                    "fee_text": "",
                }
                for context in (full, bare):
                    with self.subTest(kind=kind, bare=context is bare):
                        body = render_to_string(f"notifications/{kind}.txt", context)
                        self.assert_tidy(body)
                        self.assertIn(application.number, body)
                        self.assertIn(SITE + "/", body)
