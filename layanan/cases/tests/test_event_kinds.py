"""Every kind of event written anywhere in the code has a label in Indonesian and English, and
the tracking page and the API show labels, never a raw kind such as `compensation_withdrawn`."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation

from layanan.cases.events import record_event
from layanan.cases.models import Application, EventKind
from layanan.cases.tests.test_office_pages import OfficeTestCase

CODE = Path(__file__).resolve().parents[2]  # the `layanan` package
# How events are written: record_event(application, "kind", at=…), a ChainWriter's
# .append(application_id, "kind", at=…), the engine's emit("kind", …) or EngineEvent(kind="…"),
# or kind="…".
WRITES = (
    re.compile(r"record_event\(\s*[\w.]+,\s*\"([a-z_]+)\""),
    re.compile(r"\.append\(\s*[\w.]+,\s*\"([a-z_]+)\",\s*at="),
    re.compile(r"\bemit\(\s*\"([a-z_]+)\""),
    re.compile(r"record_event\([^)]*?\bkind=\"([a-z_]+)\""),
    re.compile(r"EngineEvent\(\s*kind=\"([a-z_]+)\""),
)


def kinds_written() -> dict[str, set[str]]:
    """Each kind written by the code (tests and migrations aside), with where."""
    found: dict[str, set[str]] = {}
    for path in CODE.rglob("*.py"):
        relative = path.relative_to(CODE).as_posix()
        if "/tests/" in f"/{relative}" or "/migrations/" in relative:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in WRITES:
            for kind in pattern.findall(text):
                found.setdefault(kind, set()).add(relative)
    return found


class EveryKindHasALabelTests(OfficeTestCase):
    def test_the_scan_finds_the_kinds_of_every_writer(self) -> None:
        found = kinds_written()
        # one of each writer: actions, the engine, the sweep's ChainWriter, corrections
        for kind in ("created", "submitted", "late", "compensation_withdrawn", "due_recomputed"):
            self.assertIn(kind, found)

    def test_every_kind_written_has_a_label_in_both_languages(self) -> None:
        for kind, where in sorted(kinds_written().items()):
            with self.subTest(kind=kind, written_in=sorted(where)):
                self.assertIn(kind, EventKind.values, f"add {kind!r} to cases.models.EventKind")
                with translation.override("en"):
                    english = EventKind.label_of(kind)
                with translation.override("id"):
                    indonesian = EventKind.label_of(kind)
                self.assertNotIn(english, (kind, "Update", ""))
                self.assertNotEqual(indonesian, english, f"translate {english!r} in _h4.po")

    def test_an_unknown_kind_reads_as_an_update_not_raw(self) -> None:
        with translation.override("id"):
            self.assertEqual(EventKind.label_of("something_new"), "Pembaruan")


class NoRawKindReachesTheCitizenTests(OfficeTestCase):
    def test_the_tracking_page_and_api_show_labels_for_every_public_kind(self) -> None:
        application = self.submitted()
        locked = Application.objects.get(pk=application.pk)
        for kind in [*EventKind.values, "something_new"]:
            record_event(locked, kind, at=timezone.now(), actor=None, public=True)
        for language, update in (("id", "Pembaruan"), ("en", "Update")):
            with self.subTest(language=language):
                self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
                page = self.client.get(f"/lacak/{application.number}/")
                self.assertContains(page, f'<html lang="{language}"')
                main = page.content.decode().split("<main", 1)[1].split("</main>", 1)[0]
                text = re.sub(r"<[^>]+>", " ", main)
                api = self.client.get(
                    f"/api/v1/track/{application.number}", HTTP_ACCEPT_LANGUAGE=language
                ).json()
                labels = {event["kind"]: event["label"] for event in api["events"]}
                self.assertEqual(labels["something_new"], update)
                self.assertIn(update, text)
                for kind in EventKind.values:
                    self.assertNotEqual(labels[kind], kind)
                    self.assertIn(labels[kind], text)
                    if "_" in kind:
                        self.assertNotIn(kind, text)
                with translation.override(language):
                    self.assertEqual(
                        labels["compensation_withdrawn"],
                        str(EventKind.COMPENSATION_WITHDRAWN.label),
                    )
