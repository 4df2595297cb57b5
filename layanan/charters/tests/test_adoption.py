"""Charter versions: adoption, supersession, and the immutability of adopted versions."""

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import translation

from layanan.charters.actions import (
    CharterInvalid,
    CharterLocked,
    adopt_charter,
    charter_in_force,
    save_draft,
)
from layanan.charters.models import Charter
from layanan.test import BaseTestCase, charter_content, published_consultation


class AdoptionTests(BaseTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))

    def test_adopting_a_new_version_supersedes_the_old_one(self) -> None:
        draft, problems = save_draft(
            service=self.akta, content=charter_content(fee=0), by=self.root, change_note="v2"
        )
        self.assertEqual((draft.version, draft.status, problems), (2, "draft", []))
        adopted = adopt_charter(charter=draft, by=self.root)
        self.akta_v1.refresh_from_db()
        self.assertEqual(self.akta_v1.status, Charter.Status.SUPERSEDED)
        self.assertIsNotNone(self.akta_v1.superseded_at)
        self.assertEqual(charter_in_force(self.akta), draft)
        self.assertEqual((adopted.status, adopted.adopted_by), ("adopted", self.root))

    def test_adoption_refuses_an_invalid_draft_and_changes_nothing(self) -> None:
        draft, problems = save_draft(
            service=self.akta, content=charter_content(procedure={"stages": []}), by=self.root
        )
        self.assertIn("procedure.stages", [p.path for p in problems])
        with self.assertRaises(CharterInvalid) as raised:
            adopt_charter(charter=draft, by=self.root)
        self.assertIn(
            "the procedure needs at least one stage", [p.message for p in raised.exception.problems]
        )
        draft.refresh_from_db()
        self.assertEqual(draft.status, Charter.Status.DRAFT)
        self.assertEqual(charter_in_force(self.akta), self.akta_v1)

    def test_adoption_checks_units_exist_now(self) -> None:
        draft, _ = save_draft(service=self.akta, content=charter_content(), by=self.root)
        self.capil.active = False
        self.capil.save(update_fields=["active"])
        with self.assertRaises(CharterInvalid) as raised:
            adopt_charter(charter=draft, by=self.root)
        self.assertEqual(
            [str(p) for p in raised.exception.problems],
            ["procedure.stages[1].steps[0].unit: unknown unit 'disdukcapil-capil'"],
        )

    def test_a_draft_can_go_to_consultation_then_be_adopted(self) -> None:
        draft = published_consultation(self.akta, by=self.root).charter
        self.assertEqual(draft.status, Charter.Status.CONSULTATION)
        self.assertEqual(adopt_charter(charter=draft, by=self.root).status, "adopted")

    def test_adopting_sets_the_participating_agencies(self) -> None:
        self.assertEqual(list(self.akta.agencies.all()), [self.disdukcapil])


class ImmutabilityTests(BaseTestCase):
    def test_the_actions_refuse_to_change_an_adopted_version(self) -> None:
        with self.assertRaises(CharterLocked):
            save_draft(
                service=self.akta, content=charter_content(), by=self.root, charter=self.akta_v1
            )
        with self.assertRaises(CharterLocked):
            adopt_charter(charter=self.akta_v1, by=self.root)

    def test_the_database_refuses_an_update_through_the_orm(self) -> None:
        with self.assertRaises(DatabaseError), transaction.atomic():
            Charter.objects.filter(pk=self.akta_v1.pk).update(content={"fee": {"amount": 1}})
        self.akta_v1.refresh_from_db()
        self.assertEqual(self.akta_v1.fee, 0)

    def test_the_database_refuses_save_and_raw_sql(self) -> None:
        self.akta_v1.change_note = "rewritten history"
        with self.assertRaises(DatabaseError), transaction.atomic():
            self.akta_v1.save(update_fields=["change_note"])
        with self.assertRaises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
            cur.execute("UPDATE charters_charter SET version = 9 WHERE id = %s", [self.akta_v1.pk])
        self.akta_v1.refresh_from_db()
        self.assertEqual((self.akta_v1.version, self.akta_v1.change_note), (1, ""))

    def test_retiring_cannot_smuggle_in_a_content_change(self) -> None:
        with self.assertRaises(DatabaseError), transaction.atomic():
            Charter.objects.filter(pk=self.akta_v1.pk).update(status="superseded", content={})

    def test_a_superseded_version_never_changes_again(self) -> None:
        draft, _ = save_draft(service=self.akta, content=charter_content(), by=self.root)
        adopt_charter(charter=draft, by=self.root)
        with self.assertRaises(DatabaseError), transaction.atomic():
            Charter.objects.filter(pk=self.akta_v1.pk).update(status="adopted")

    def test_adopted_versions_cannot_be_deleted(self) -> None:
        with self.assertRaises(DatabaseError), transaction.atomic():
            Charter.objects.filter(pk=self.akta_v1.pk).delete()
        self.assertTrue(Charter.objects.filter(pk=self.akta_v1.pk).exists())

    def test_a_draft_can_still_change_and_be_deleted(self) -> None:
        draft, _ = save_draft(service=self.akta, content=charter_content(), by=self.root)
        self.assertEqual(Charter.objects.filter(pk=draft.pk).update(change_note="edited"), 1)
        draft.refresh_from_db()
        self.assertEqual(draft.change_note, "edited")
        deleted, _by_model = Charter.objects.filter(pk=draft.pk).delete()
        self.assertEqual(deleted, 1)
        self.assertFalse(Charter.objects.filter(pk=draft.pk).exists())
        self.assertTrue(Charter.objects.filter(pk=self.akta_v1.pk).exists())

    def test_only_one_version_per_service_is_in_force(self) -> None:
        with self.assertRaises(IntegrityError), transaction.atomic():
            Charter.objects.create(service=self.akta, version=7, status="adopted", content={})
