"""The tracking page and API answered from stored snapshots (cases.snapshots): always what the
live build gives, in the visitor's language, with the same headers, in one query."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path
from typing import Any

import time_machine
from django.test import Client, override_settings
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from layanan.agencies.models import CalendarDay
from layanan.cases import actions
from layanan.cases.models import Application, PublicSnapshot, Step
from layanan.guarantees.corrections import apply_calendar_corrections
from layanan.test import BaseTestCase, Scenario

START = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)  # a Tuesday, 09.00 WIB
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[A-Za-z0-9]+"')
LIVE = override_settings(LAYANAN_PUBLIC_SNAPSHOTS=False)
# What can happen to an application between two looks at its tracking page.
MOVES = (
    *("approve", "return", "resubmit", "reject", "comment", "withdraw"),
    *("issue", "estimate", "later"),  # an event outside the workflow, the estimate, time only
)


def without_token(response: Any) -> str:
    return TOKEN.sub("TOKEN", response.content.decode())


class Reading:
    """Reading through the page and the API, with a moving clock; siti applies, budi works."""

    client: Any
    budi: Any
    siti: Any
    submitted: Any
    assertEqual: Any
    addCleanup: Any

    def setUp(self) -> None:
        travel = time_machine.travel(START, tick=False)
        self.clock = travel.start()
        self.addCleanup(travel.stop)

    def fresh_cookies(self, cookies: dict[str, str]) -> None:
        self.client.cookies.clear()
        for name, value in cookies.items():
            self.client.cookies[name] = value

    def page(self, number: str, **headers: Any) -> Any:
        return self.client.get(f"/lacak/{number}/", headers=headers)

    def api(self, number: str, language: str = "id") -> Any:
        return self.client.get(f"/api/v1/track/{number}", headers={"accept-language": language})

    def assert_as_live(self, number: str, languages: tuple[str, ...] = ("id", "en")) -> None:
        """The page and the API (each asked twice: built, then from the snapshot) are what
        the live build gives, in each language."""
        for language in languages:
            self.client.cookies["django_language"] = language
            with LIVE:
                page, api = self.page(number), self.api(number, language)
            for _ in range(2):
                self.assertEqual(without_token(self.page(number)), without_token(page))
                self.assertEqual(self.api(number, language).content, api.content)

    def move(self, application: Application, move: str) -> None:
        step = Step.objects.filter(application=application, state="active").first()
        try:
            if move in ("approve", "return", "reject") and step is not None:
                actions.act_on_step(
                    application=Application.objects.get(pk=application.pk),
                    step=step,
                    officer=self.budi,
                    action=move,
                    note="Periksa kembali berkas",
                )
            elif move == "comment" and step is not None:
                actions.comment_on_step(step=step, officer=self.budi, note="Dicek")
            elif move in ("resubmit", "withdraw"):
                function = getattr(actions, f"{move}_application")
                function(application=Application.objects.get(pk=application.pk), citizen=self.siti)
            elif move == "issue":
                actions.record_product_event(
                    application=application, kind="document_issued", actor=None, at=actions.now()
                )
            elif move == "estimate":
                actions.record_expected_completion(
                    application=application,
                    at=START + dt.timedelta(days=3),
                    basis={"samples": 20, "window_days": 180},
                )
        except actions.CaseError:
            pass  # not possible in this state: nothing changed


class PublicSnapshotTests(Reading, BaseTestCase):
    def test_a_known_number_is_one_query_once_read(self) -> None:
        number = self.submitted().number
        self.page(number)
        self.api(number)
        with self.assertNumQueries(1):
            self.assertEqual(self.page(number).status_code, 200)
        with self.assertNumQueries(1):
            self.assertEqual(self.api(number).status_code, 200)

    def test_the_headers_and_language_are_those_of_the_live_page(self) -> None:
        number = self.submitted().number
        for cookies in ({}, {"django_language": "en"}):
            for expected_language in [cookies.get("django_language", "id")]:
                with LIVE:
                    self.fresh_cookies(cookies)
                    live = self.page(number)
                self.fresh_cookies(cookies)
                self.page(number)
                self.fresh_cookies(cookies)
                stored = self.page(number)
                self.assertEqual(stored["Content-Language"], expected_language)
                self.assertIn(f'<html lang="{expected_language}"', stored.content.decode())
                self.assertEqual(dict(stored.headers), dict(live.headers))
                self.assertEqual(set(stored.cookies), set(live.cookies))
                for name in live.cookies:
                    self.assertEqual(
                        {k: v for k, v in stored.cookies[name].items() if k != "expires"},
                        {k: v for k, v in live.cookies[name].items() if k != "expires"},
                    )
        english = self.api(number, "en")
        self.assertEqual(
            english.json()["status_label"], "Being processed: the file is checked for completeness."
        )

    def test_a_renamed_day_off_shows_at_once_though_no_date_moved(self) -> None:
        # Thursday 3 December closed nationally before the application: its due date skips it
        day = CalendarDay.objects.create(date=dt.date(2026, 12, 3), kind="closed", name="Banjir")
        apply_calendar_corrections()
        application = self.submitted()
        self.move(application, "approve")  # the file is complete: the clock runs
        number = application.number
        self.assert_as_live(number)
        self.assertIn("Banjir", self.page(number).content.decode())
        due = Application.objects.get(number=number).due_at
        self.clock.shift(dt.timedelta(minutes=5))
        day.name = "Cuti bersama"
        day.save()
        self.clock.shift(dt.timedelta(minutes=5))
        apply_calendar_corrections()  # moves no date: only the explanation's words change
        self.assertEqual(Application.objects.get(number=number).due_at, due)
        self.assertIn("Cuti bersama", self.page(number).content.decode())
        self.assert_as_live(number)

    def test_a_signed_in_visitor_gets_the_live_page(self) -> None:
        number = self.submitted().number
        self.page(number)
        self.login(self.siti)
        page = self.page(number)
        self.assertContains(page, 'action="/keluar/"')  # the header's sign-out form
        self.assertFalse(PublicSnapshot.objects.filter(body__contains="/keluar/").exists())

    def test_the_csrf_token_is_the_visitors_own(self) -> None:
        number = self.submitted().number
        builder, visitor = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)

        def token_on(response: Any) -> str:
            found = re.search(
                r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"', response.content.decode()
            )
            assert found is not None
            return found[1]

        built = token_on(builder.get(f"/lacak/{number}/"))
        self.assertTrue(PublicSnapshot.objects.filter(number=number, kind="page").exists())
        served = visitor.get(f"/lacak/{number}/")  # from the snapshot
        self.assertNotEqual(token_on(served), built)
        # the language switch posts with the token the page carries: the visitor's own works,
        # the builder's does not (it belongs to another cookie)
        refused = visitor.post("/bahasa/", {"language": "en", "csrfmiddlewaretoken": "x" * 64})
        self.assertEqual(refused.status_code, 403)
        switched = visitor.post(
            "/bahasa/", {"language": "en", "csrfmiddlewaretoken": token_on(served)}
        )
        self.assertEqual(switched.status_code, 302)

    def test_known_number_reads_write_no_cache_files(self) -> None:
        number = self.submitted().number
        with tempfile.TemporaryDirectory() as folder:
            backend = "django.core.cache.backends.filebased.FileBasedCache"
            with override_settings(CACHES={"default": {"BACKEND": backend, "LOCATION": folder}}):
                self.page(number)
                self.api(number)
                written = {p: p.stat().st_mtime_ns for p in Path(folder).iterdir()}
                rows = list(PublicSnapshot.objects.values_list("pk", "version", "body"))
                self.clock.shift(dt.timedelta(seconds=30))
                for _ in range(3):
                    self.page(number)
                    self.api(number)
                self.assertEqual({p: p.stat().st_mtime_ns for p in Path(folder).iterdir()}, written)
                self.assertEqual(
                    list(PublicSnapshot.objects.values_list("pk", "version", "body")), rows
                )


class SnapshotPropertyTests(Reading, Scenario, HypothesisTestCase):
    """Each example runs in its own transaction (Hypothesis' Django test case)."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.create_scenario()

    @settings(
        max_examples=4,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    # Each writer that retires snapshots at least once, and the clock alone.
    @example([("issue", 0)])  # events.record_event
    @example([("estimate", 0)])  # actions.record_expected_completion
    @example([("approve", 0), ("return", 0), ("resubmit", 0)])  # actions.store
    @example([("later", 600)])  # the projected due date before the clock starts
    @given(st.lists(st.tuples(st.sampled_from(MOVES), st.integers(0, 600)), max_size=4))
    def test_after_any_sequence_of_changes_the_snapshot_is_the_live_view(
        self, moves: list[tuple[str, int]]
    ) -> None:
        application = self.submitted()
        self.assert_as_live(application.number)  # before the clock starts: a projected date
        for index, (move, minutes) in enumerate(moves):
            self.move(application, move)
            self.clock.shift(dt.timedelta(minutes=minutes))
            # one language at a time: each one's snapshot is checked again after two changes
            self.assert_as_live(application.number, (("en", "id")[index % 2],))
