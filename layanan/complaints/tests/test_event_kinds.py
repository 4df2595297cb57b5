"""Every kind of complaint event the code writes has a label in both languages (the public
page and the API show labels, never a raw kind such as `deadline_missed`)."""

from __future__ import annotations

import re
from pathlib import Path

from django.test import SimpleTestCase
from django.utils import translation

from layanan.complaints.models import EventKind

CODE = Path(__file__).resolve().parents[2]  # the `layanan` package
WRITE = re.compile(r"record_complaint_event\(\s*[\w.]+,\s*\"([a-z_]+)\"")


def kinds_written() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in CODE.rglob("*.py"):
        relative = path.relative_to(CODE).as_posix()
        if "/tests/" in f"/{relative}" or "/migrations/" in relative:
            continue
        for kind in WRITE.findall(path.read_text(encoding="utf-8")):
            found.setdefault(kind, set()).add(relative)
    return found


class EveryComplaintEventKindHasALabelTests(SimpleTestCase):
    def test_the_scan_finds_the_writers(self) -> None:
        found = kinds_written()
        for kind in ("filed", "resolved", "deadline_missed", "escalated"):
            self.assertIn(kind, found)

    def test_every_kind_written_has_a_label_in_both_languages(self) -> None:
        for kind, where in sorted(kinds_written().items()):
            with self.subTest(kind=kind, written_in=sorted(where)):
                self.assertIn(kind, EventKind.values, f"add {kind!r} to complaints EventKind")
                with translation.override("en"):
                    english = EventKind.label_of(kind)
                with translation.override("id"):
                    indonesian = EventKind.label_of(kind)
                self.assertNotIn(english, (kind, "Update", ""))
                self.assertNotEqual(indonesian, english, f"translate {english!r}")
