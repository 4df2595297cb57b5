"""Migration 0004: stored phone numbers become E.164; a later duplicate is left blank, with an
audit row saying so; numbers that are not Indonesian are kept as they were."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.test import SimpleTestCase
from hypothesis import given
from hypothesis import strategies as st

from layanan.accounts.models import AccountEvent, User
from layanan.lib.phone import try_normalise
from layanan.test import BaseTestCase

migration = importlib.import_module("layanan.accounts.migrations.0004_phone_numbers_e164")
convert_phone_numbers = migration.convert_phone_numbers


class ConversionTests(SimpleTestCase):
    def test_old_writings_become_e164(self) -> None:
        changes, cleared = convert_phone_numbers(
            [(1, "081234567890"), (2, "+62 811-222-333"), (3, "6285712345678"), (4, "")]
        )
        self.assertEqual(changes, {1: "+6281234567890", 2: "+62811222333", 3: "+6285712345678"})
        self.assertEqual(cleared, [])

    def test_the_later_of_two_accounts_with_one_number_is_left_blank(self) -> None:
        changes, cleared = convert_phone_numbers(
            [(7, "0812-3456-7890"), (3, "081234567890"), (9, "+6281234567890")]
        )
        self.assertEqual(changes, {3: "+6281234567890"})
        self.assertEqual(cleared, [7, 9])

    def test_numbers_already_in_e164_and_foreign_numbers_stay(self) -> None:
        changes, cleared = convert_phone_numbers(
            [(1, "+6281234567890"), (2, "+1 202 555 0100"), (3, "0812 345")]
        )
        self.assertEqual((changes, cleared), ({}, []))

    @given(
        st.lists(
            st.tuples(
                st.sampled_from(["0", "+62", "62", "+62 "]),
                st.sampled_from(["81234567890", "8119876543", "2155512345", "12"]),
            ),
            max_size=12,
            unique=True,  # as stored: the column was already unique
        )
    )
    def test_afterwards_no_two_accounts_share_a_number(
        self, numbers: list[tuple[str, str]]
    ) -> None:
        rows = [(pk, prefix + digits) for pk, (prefix, digits) in enumerate(numbers, start=1)]
        changes, cleared = convert_phone_numbers(rows)
        after = {pk: changes.get(pk, phone) for pk, phone in rows if pk not in cleared}
        kept = [phone for phone in after.values() if phone]
        self.assertEqual(len(kept), len(set(kept)))
        for pk, phone in rows:
            e164 = try_normalise(phone)
            if e164 is None:
                self.assertEqual(after[pk], phone)  # kept as it was
            elif pk in cleared:
                # an earlier account holds the same number
                self.assertTrue(any(p < pk and after.get(p) == e164 for p, _ in rows))
            else:
                self.assertEqual(after[pk], e164)


class MigrationTests(BaseTestCase):
    def test_it_converts_the_rows_and_records_the_cleared_duplicate(self) -> None:
        # As stored before: two accounts with one number written two ways.
        User.objects.filter(pk=self.siti.pk).update(phone="081234567890")
        User.objects.filter(pk=self.agus.pk).update(phone="+62 812-3456-7890")
        User.objects.filter(pk=self.budi.pk).update(phone="0271 123456")
        User.objects.filter(pk=self.charlie.pk).update(phone="+1 202 555 0100")
        migration.store_numbers_in_e164(apps, None)
        phones = dict(User.objects.values_list("username", "phone"))
        self.assertEqual(
            {name: phones[name] for name in ("siti", "agus", "budi", "charlie", "ani")},
            {
                "siti": "+6281234567890",
                "agus": "",
                "budi": "+62271123456",
                "charlie": "+1 202 555 0100",
                "ani": "",
            },
        )
        event = AccountEvent.objects.get()
        self.assertEqual(
            (event.user, event.actor, event.kind, event.fields),
            (self.agus, None, AccountEvent.Kind.PHONE_CLEARED, ["phone"]),
        )
        self.assertNotIn("812", event.note)  # the number itself is not in the audit trail
