"""The rules of a public consultation, through its actions: the period on the agency's
calendar, one stance per citizen and component, answers before adoption, an effective date
that switches the version applications are made under."""

import datetime as dt

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from layanan.charters import actions, components, consultations
from layanan.charters.actions import CharterLocked, charter_in_force, save_draft
from layanan.charters.consultations import ConsultationConflict, ConsultationInvalid
from layanan.charters.models import Charter, Comment, Consultation, ConsultationEvent, Stance
from layanan.test import BaseTestCase, charter_content, published_consultation

# Monday 2 March 2026, 09:00 WIB: seven working days later is Wednesday 11 March.
MONDAY = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)


class ConsultationTests(BaseTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))

    def published(self) -> Consultation:
        with time_machine.travel(MONDAY, tick=False):
            consultation = published_consultation(self.akta, by=self.root, now=MONDAY)
        assert consultation.closes_at is not None
        self.closes_at: dt.datetime = consultation.closes_at
        return consultation

    def test_publishing_opens_seven_working_days_on_the_agency_calendar(self) -> None:
        consultation = self.published()
        closes = timezone.localtime(consultation.closes_at, dt.timezone(dt.timedelta(hours=7)))
        self.assertEqual(closes.date(), dt.date(2026, 3, 11))
        self.assertEqual(consultation.charter.status, Charter.Status.CONSULTATION)
        self.assertEqual(consultation.status_at(MONDAY), "open")
        self.assertEqual(consultation.status_at(self.closes_at), "closed")
        self.assertEqual(
            list(consultation.events.values_list("kind", flat=True)), ["prepared", "published"]
        )

    def test_a_draft_is_not_published_without_its_forum_or_reasons(self) -> None:
        charter = consultations.start_draft(service=self.akta, by=self.root)
        consultation = consultations.consultation_for(charter, by=self.root)
        with self.assertRaises(ConsultationConflict):
            consultations.publish_consultation(consultation=consultation, by=self.root)
        save_draft(
            service=self.akta,
            content=charter_content(facilities="Ruang tunggu baru."),
            by=self.root,
            charter=charter,
        )
        with self.assertRaises(ConsultationInvalid) as refused:
            consultations.record_forum(
                consultation=consultation,
                by=self.root,
                forum_date=dt.date(2020, 1, 6),
                forum_place="",
                participants={"academics": -1},
                reasons={},
                minutes=SimpleUploadedFile("ba.png", b"not a pdf"),
            )
        self.assertEqual(set(refused.exception.errors), {"participants.academics", "minutes"})
        consultations.record_forum(
            consultation=consultation,
            by=self.root,
            forum_date=dt.date(2020, 1, 6),
            forum_place="Aula",
            participants={"service_users": 3},
            reasons={},
            minutes=SimpleUploadedFile("ba.pdf", consultation_pdf()),
        )
        with self.assertRaisesMessage(
            ConsultationConflict, "Give the reason for the change of: Facilities"
        ):
            consultations.publish_consultation(consultation=consultation, by=self.root)
        consultation.refresh_from_db()
        self.assertIsNone(consultation.published_at)

    def test_one_draft_at_a_time(self) -> None:
        consultations.start_draft(service=self.akta, by=self.root)
        with self.assertRaises(ConsultationConflict):
            consultations.start_draft(service=self.akta, by=self.root)

    def test_the_draft_does_not_change_while_comments_are_open(self) -> None:
        consultation = self.published()
        with (
            time_machine.travel(MONDAY + dt.timedelta(days=1), tick=False),
            self.assertRaises(CharterLocked),
        ):
            save_draft(
                service=self.akta,
                content=charter_content(facilities="Lain."),
                by=self.root,
                charter=consultation.charter,
            )
        with time_machine.travel(consultation.closes_at, tick=False):
            save_draft(
                service=self.akta,
                content=charter_content(facilities="Direvisi."),
                by=self.root,
                charter=consultation.charter,
            )

    def test_comments_and_stances_only_while_open_one_stance_per_component(self) -> None:
        consultation = self.published()
        during = MONDAY + dt.timedelta(days=2)
        comment = consultations.write_comment(
            consultation=consultation,
            author=self.siti,
            target="requirements.surat_lahir",
            text="Surat dari bidan juga harus diterima.",
            stance="oppose",
            now=during,
        )
        self.assertEqual(comment.component, "requirements")
        consultations.take_stance(
            consultation=consultation,
            citizen=self.siti,
            component="requirements",
            stance="support",
            now=during,
        )
        self.assertEqual(
            list(Stance.objects.values_list("component", "stance")), [("requirements", "support")]
        )
        with self.assertRaises(ConsultationInvalid) as refused:
            consultations.write_comment(
                consultation=consultation,
                author=self.siti,
                target="requirements.no_such_thing",
                text="",
                now=during,
            )
        self.assertEqual(set(refused.exception.errors), {"component", "text"})
        with self.assertRaisesMessage(ConsultationConflict, "has ended"):
            consultations.write_comment(
                consultation=consultation,
                author=self.siti,
                target="fee",
                text="Terlalu mahal.",
                now=consultation.closes_at,
            )
        with self.assertRaises(ConsultationConflict):
            consultations.take_stance(
                consultation=consultation,
                citizen=self.siti,
                component="fee",
                stance="oppose",
                now=consultation.closes_at,
            )
        self.assertEqual(Comment.objects.count(), 1)

    def test_adoption_waits_for_the_period_and_for_every_answer(self) -> None:
        consultation = self.published()
        during = MONDAY + dt.timedelta(days=1)
        first = consultations.write_comment(
            consultation=consultation, author=self.siti, target="fee", text="Mahal.", now=during
        )
        spam = consultations.write_comment(
            consultation=consultation, author=self.agus, target="fee", text="Iklan!", now=during
        )
        with self.assertRaisesMessage(ConsultationConflict, "comment period is open"):
            consultations.adopt_consultation(
                consultation=consultation,
                by=self.root,
                effective_date=dt.date(2026, 3, 2),
                now=during,
            )
        after = self.closes_at + dt.timedelta(hours=1)
        with time_machine.travel(after, tick=False):
            with self.assertRaises(ConsultationConflict) as refused:
                consultations.adopt_consultation(
                    consultation=consultation, by=self.root, effective_date=after.date()
                )
            self.assertEqual(refused.exception.unanswered, [first.pk, spam.pk])
            consultations.hide_comment(comment=spam, by=self.root, reason="Iklan, bukan masukan.")
            consultations.answer_comment(
                comment=first, by=self.root, decision="partly", text="Tarif diturunkan."
            )
            with self.assertRaises(ConsultationInvalid):
                consultations.adopt_consultation(
                    consultation=consultation,
                    by=self.root,
                    effective_date=after.date() - dt.timedelta(days=1),
                )
            charter = consultations.adopt_consultation(
                consultation=consultation, by=self.root, effective_date=after.date()
            )
        self.assertEqual(charter.status, Charter.Status.ADOPTED)
        self.akta_v1.refresh_from_db()
        self.assertEqual(self.akta_v1.status, Charter.Status.SUPERSEDED)
        consultation.refresh_from_db()
        report = consultation.report
        self.assertEqual((report["comments"], report["hidden"]), (2, 1))
        self.assertEqual(report["decisions"]["partly"], 1)
        self.assertEqual(report["answers"][1]["text"], "")  # hidden text is not republished
        self.assertEqual(
            list(consultation.events.values_list("kind", flat=True))[-1],
            ConsultationEvent.Kind.ADOPTED,
        )

    def test_a_later_effective_date_keeps_the_version_in_force_until_then(self) -> None:
        consultation = self.published()
        after = self.closes_at + dt.timedelta(hours=1)
        start = dt.date(2026, 4, 1)
        with time_machine.travel(after, tick=False):
            charter = consultations.adopt_consultation(
                consultation=consultation, by=self.root, effective_date=start
            )
            self.assertEqual(charter.status, Charter.Status.SCHEDULED)
            self.assertEqual(charter_in_force(self.akta), self.akta_v1)
            before = self.submitted()
        self.assertEqual(before.charter, self.akta_v1)
        # 1 April 00:30 WIB: the new version is in force for the next application
        with time_machine.travel(dt.datetime(2026, 3, 31, 17, 30, tzinfo=dt.UTC), tick=False):
            self.assertEqual(charter_in_force(self.akta), charter)
            later = self.submitted()  # before the worker has recorded the change
            self.akta_v1.refresh_from_db()
            self.assertEqual(self.akta_v1.status, Charter.Status.ADOPTED)  # a read wrote nothing
            actions.run()  # the worker's job
        self.assertEqual(later.charter, charter)
        before.refresh_from_db()
        self.assertEqual(before.charter, self.akta_v1)
        self.akta_v1.refresh_from_db()
        self.assertEqual(self.akta_v1.status, Charter.Status.SUPERSEDED)

    def test_a_published_consultation_always_has_its_period(self) -> None:
        consultation = self.published()
        with self.assertRaises(IntegrityError), transaction.atomic():
            Consultation.objects.filter(pk=consultation.pk).update(closes_at=None)
        with self.assertRaises(IntegrityError), transaction.atomic():
            Consultation.objects.filter(pk=consultation.pk).update(published_at=None)

    def test_a_set_version_cannot_change_even_by_sql(self) -> None:
        consultation = self.published()
        with time_machine.travel(self.closes_at + dt.timedelta(hours=1), tick=False):
            charter = consultations.adopt_consultation(
                consultation=consultation, by=self.root, effective_date=dt.date(2026, 5, 4)
            )
        with self.assertRaises(DatabaseError), transaction.atomic():
            Charter.objects.filter(pk=charter.pk).update(change_note="rewritten")
        with self.assertRaises(DatabaseError), transaction.atomic():
            Charter.objects.filter(pk=charter.pk).delete()


def consultation_pdf() -> bytes:
    from layanan.portal.demo_applications import PDF

    return PDF


@given(
    st.sampled_from([c.key for c in components.COMPONENTS]),
    st.integers(min_value=0, max_value=10_000_000),
)
def test_changed_names_exactly_the_components_that_differ(key: str, fee: int) -> None:
    base = charter_content()
    draft = dict(base)
    if key == "fee":
        draft["fee"] = {"kind": "fixed", "amount": fee + 1}
    else:
        draft[components.BY_KEY[key].keys[0]] = ["changed"]
    assert components.changed(draft, base) == [key]
    assert components.changed(base, base) == []
    assert components.component_of(f"{key}.x") == key
