"""Field rules in the charter: the import refuses nonsense with its place; the pure parts
(relative dates, checking a value) hold for every input."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import yaml
from django.test import SimpleTestCase
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from layanan.charters import rules
from layanan.charters.models import Charter, Consultation
from layanan.charters.reader import Reader
from layanan.charters.tests.test_import_command import AGENCIES, ImportTestCase, pbg
from layanan.test import BaseTestCase, charter_content

days = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31))
offsets = st.builds(
    lambda sign, n, unit: f"{sign}{n}{unit}",
    st.sampled_from("+-"),
    st.integers(min_value=0, max_value=200),
    st.sampled_from("dwmy"),
)
date_rules = st.one_of(st.just("today"), offsets, days.map(dt.date.isoformat))


def form_with(**field: Any) -> dict[str, Any]:
    """A pbg service whose first form field (nama_anak, text) is replaced by `field`."""
    content = charter_content()
    content["form"][0] = {"key": "nama_anak", "label": "Nama anak", "type": "text", **field}
    return pbg(form=content["form"])


class ImportRefusesBadRulesTests(ImportTestCase):
    def assert_refused(self, problem: str, **field: Any) -> None:
        problems = self.failed_import(
            self.write("a.yaml", AGENCIES), self.write("pbg.yaml", form_with(**field))
        )
        self.assertIn(problem, problems)
        self.assertFalse(Charter.objects.filter(service__code="pbg").exists())

    def test_a_minimum_above_the_maximum(self) -> None:
        self.assert_refused(
            "pbg.yaml: form[0].rules.min: the minimum is greater than the maximum",
            type="number",
            rules={"min": 80, "max": 72},
        )

    def test_a_pattern_that_does_not_compile(self) -> None:
        self.assert_refused(
            "pbg.yaml: form[0].rules.pattern: is not a valid regular expression: "
            "missing ), unterminated subpattern at position 0",
            rules={"pattern": "([0-9]", "message": "Tulis angka"},
        )

    def test_a_pattern_without_a_message(self) -> None:
        self.assert_refused(
            "pbg.yaml: form[0].rules.message: a pattern needs a message that tells people "
            "what to write",
            rules={"pattern": "[0-9]{16}"},
        )

    def test_rules_on_the_wrong_type(self) -> None:
        self.assert_refused(
            "pbg.yaml: form[0].rules.max: a text field takes no rule 'max'; use one of: "
            "min_length, max_length, pattern, message",
            rules={"max": 72},
        )
        self.assert_refused(
            "pbg.yaml: form[0].rules: a checkbox field takes no rules",
            type="checkbox",
            rules={"min_length": 1},
        )
        self.assert_refused("pbg.yaml: form[0].unit: only a number field has a unit", unit="m²")

    def test_dates_that_are_not_dates_or_windows_that_are_empty(self) -> None:
        self.assert_refused(
            "pbg.yaml: form[0].rules.max: write 'today', an offset from the day of filing "
            "such as +30d, -6m, +1y or -120y, or a date such as 2026-01-31",
            type="date",
            rules={"max": "next year"},
        )
        self.assert_refused(
            "pbg.yaml: form[0].rules.min: the earliest date can fall after the latest date",
            type="date",
            rules={"min": "+1m", "max": "+30d"},
        )

    def test_an_item_needs_to_say_where_and_only_an_item_does(self) -> None:
        content = charter_content()
        content["requirements"].append({"key": "sampel", "name": "Sampel air", "kind": "item"})
        content["requirements"][0]["where"] = "Loket"
        problems = self.failed_import(
            self.write("a.yaml", AGENCIES), self.write("pbg.yaml", pbg(**content))
        )
        self.assertIn("pbg.yaml: requirements[2].where: the Indonesian text is required", problems)
        self.assertIn(
            "pbg.yaml: requirements[0].where: only a requirement of kind 'item' says where "
            "to bring it",
            problems,
        )

    def test_good_rules_are_stored_and_read_back_the_same(self) -> None:
        service = form_with(
            type="date", rules={"min": dt.date(2020, 1, 1), "max": "Today"}, required=False
        )
        files = [self.write("a.yaml", AGENCIES), self.write("pbg.yaml", service)]
        self.run_import(*files)
        charter = Charter.objects.get(service__code="pbg")
        self.assertEqual(charter.content["form"][0]["rules"], {"min": "2020-01-01", "max": "today"})
        self.assertNotIn("rules", charter.content["form"][1])  # only declared rules are stored
        self.assertIn("0 change(s)", self.run_import(*files))


class AdminAndAdoptionRefuseBadRulesTests(BaseTestCase):
    def test_the_admin_lists_the_problem_and_adoption_refuses_the_draft(self) -> None:
        self.login(self.root)
        content = charter_content()
        content["form"][2] = {**content["form"][2], "rules": {"min_length": 1}}
        response = self.client.post(
            reverse("admin:charters_charter_add"),
            {
                "service": self.akta.pk,
                "change_note": "aturan",
                "components": yaml.safe_dump(content),
            },
            follow=True,
        )
        self.assertContains(
            response, "form[2].rules: kolom bertipe select tidak dapat diberi aturan"
        )
        draft = Charter.objects.get(service=self.akta, version=2)
        # consulted on, its comment period over: only the draft's own problem stops it
        past = timezone.now() - dt.timedelta(days=30)
        Consultation.objects.create(
            charter=draft, forum_date=past.date(), published_at=past, closes_at=past
        )
        adopted = self.client.post(
            reverse("admin:charters_charter_changelist"),
            {"action": "adopt", "_selected_action": [draft.pk]},
            follow=True,
        )
        self.assertContains(adopted, "form[2].rules")
        draft.refresh_from_db()
        self.assertEqual(draft.status, "draft")


class RelativeDateProperties(SimpleTestCase):
    @given(days)
    def test_today_is_the_day_of_filing(self, today: dt.date) -> None:
        self.assertEqual(rules.resolve_date("today", today), today)

    @given(days, st.integers(min_value=0, max_value=3000))
    def test_days_and_weeks_count_exactly(self, today: dt.date, n: int) -> None:
        self.assertEqual(rules.resolve_date(f"+{n}d", today), today + dt.timedelta(days=n))
        self.assertEqual(rules.resolve_date(f"-{n}w", today), today - dt.timedelta(weeks=n))

    @given(days, st.integers(min_value=0, max_value=200))
    def test_years_land_on_the_same_day_or_the_end_of_february(
        self, today: dt.date, n: int
    ) -> None:
        later = rules.resolve_date(f"+{n}y", today)
        earlier = rules.resolve_date(f"-{n}y", today)
        for moved, year in ((later, today.year + n), (earlier, today.year - n)):
            self.assertEqual((moved.year, moved.month), (year, today.month))
            self.assertTrue(moved.day == today.day or (today.month, today.day) == (2, 29))

    @given(days, days, st.integers(min_value=-2400, max_value=2400))
    def test_adding_months_keeps_the_order_of_days(
        self, a: dt.date, b: dt.date, months: int
    ) -> None:
        low, high = sorted((a, b))
        self.assertLessEqual(rules.add_months(low, months), rules.add_months(high, months))

    @given(date_rules)
    def test_the_stored_form_reads_as_itself(self, rule: str) -> None:
        stored = rules.parse_date_rule(rule)
        self.assertIsNotNone(stored)
        self.assertEqual(rules.parse_date_rule(stored), stored)

    @given(st.text(max_size=12))
    def test_anything_else_is_refused_not_guessed(self, text: str) -> None:
        stored = rules.parse_date_rule(text)
        if stored is not None:
            self.assertTrue(
                stored == "today"
                or rules.OFFSET_RE.match(stored)
                or dt.date.fromisoformat(stored).isoformat() == stored
            )


class CheckingProperties(SimpleTestCase):
    @given(
        st.decimals(min_value=-(10**6), max_value=10**6, places=2),
        st.integers(min_value=-1000, max_value=1000),
        st.integers(min_value=0, max_value=1000),
    )
    def test_a_number_breaks_min_or_max_exactly_when_outside(
        self, value: Decimal, low: int, width: int
    ) -> None:
        found = {v.rule for v in rules.check_number({"min": low, "max": low + width}, value)}
        self.assertEqual("min" in found, value < low)
        self.assertEqual("max" in found, value > low + width)

    @given(st.decimals(min_value=-(10**6), max_value=10**6, places=3))
    def test_the_integer_flag_refuses_exactly_the_fractions(self, value: Decimal) -> None:
        found = rules.check_number({"integer": True}, value)
        self.assertEqual(bool(found), value != int(value))

    @given(st.text(max_size=40), st.integers(0, 30), st.integers(0, 30))
    def test_lengths(self, text: str, low: int, extra: int) -> None:
        found = {
            v.rule for v in rules.check_text({"min_length": low, "max_length": low + extra}, text)
        }
        self.assertEqual("min_length" in found, len(text) < low)
        self.assertEqual("max_length" in found, len(text) > low + extra)

    @given(st.from_regex(r"[0-9]{16}", fullmatch=True), st.text(max_size=20))
    def test_a_pattern_matches_the_whole_answer(self, good: str, other: str) -> None:
        pattern = {"pattern": "[0-9]{16}"}
        self.assertEqual(rules.check_text(pattern, good), [])
        matches = re.fullmatch("[0-9]{16}", other) is not None
        self.assertEqual(rules.check_text(pattern, other) == [], matches)
        self.assertNotEqual(rules.check_text(pattern, good + "x"), [])

    @given(days, days, date_rules, date_rules)
    def test_a_date_breaks_its_window_exactly_when_outside_the_resolved_dates(
        self, today: dt.date, value: dt.date, low: str, high: str
    ) -> None:
        window = {"min": rules.parse_date_rule(low) or "", "max": rules.parse_date_rule(high) or ""}
        found = {v.rule: v.limit for v in rules.check_date(window, value, today=today)}
        earliest = rules.resolve_date(window["min"], today)
        latest = rules.resolve_date(window["max"], today)
        self.assertEqual("min" in found, value < earliest)
        self.assertEqual("max" in found, value > latest)
        published = rules.resolve(window, kind="date", today=today)
        self.assertEqual(published, {"min": earliest.isoformat(), "max": latest.isoformat()})

    @given(offsets, offsets)
    def test_a_window_refused_by_the_reader_is_empty_on_some_day(self, low: str, high: str) -> None:
        if rules.dates_can_cross(low, high):
            self.assertTrue(
                any(
                    rules.resolve_date(low, d) > rules.resolve_date(high, d)
                    for d in rules._PROBE_DAYS
                )
            )
        else:
            for day in (dt.date(2027, 1, 31), dt.date(2028, 2, 29), dt.date(2026, 12, 31)):
                self.assertLessEqual(rules.resolve_date(low, day), rules.resolve_date(high, day))


class ReadingProperties(SimpleTestCase):
    @given(
        st.sampled_from(["text", "textarea", "email", "phone", "number", "date", "select"]),
        st.dictionaries(
            st.sampled_from(
                ["min", "max", "integer", "min_length", "max_length", "pattern", "message", "x"]
            ),
            st.one_of(
                st.integers(-5, 200),
                st.floats(-5, 200, allow_nan=False),
                st.booleans(),
                st.sampled_from(["today", "+1y", "-120y", "2026-01-31", "[0-9]{16}", "(", ""]),
                st.fixed_dictionaries({"id": st.sampled_from(["Tulis angka", ""])}),
            ),
            max_size=4,
        ),
    )
    def test_the_stored_form_reads_again_as_itself_with_problems_in_the_same_places(
        self, kind: str, declared: dict[str, Any]
    ) -> None:
        # A draft saved with a wrong rule must still be refused when it is adopted. (Values
        # as JSON holds them; a YAML date where text belongs is stored as its text.)
        first = Reader()
        stored = rules.read_rules(first, declared, "rules", kind=kind)
        again = Reader()
        self.assertEqual(rules.read_rules(again, stored, "rules", kind=kind), stored)
        # Every place with a problem still has one (a wrongly typed text may be reported
        # as a missing one the second time).
        self.assertEqual({p.path for p in again.problems}, {p.path for p in first.problems})
