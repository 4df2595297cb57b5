"""The complainant's pages keep their address (which may carry a key) from other sites, and
their forms still work in a browser.

Under `Referrer-Policy: no-referrer` a browser sends `Origin: null` with every POST of the
page (the Fetch standard, "serializing a request origin"), and Django's CSRF check refuses a
null origin: the one-click "Belum selesai" answer, the completion form and the language switch
all failed with 403 in Chromium. These tests send the Origin a browser sends under the policy
the page gives.
"""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from layanan.complaints import actions
from layanan.complaints.tests.web import ComplaintPageTestCase

ORIGIN = "http://testserver"


def browser_origin(page: Any) -> str:
    """The Origin header of a same-origin form POST from `page`."""
    return "null" if page["Referrer-Policy"] == "no-referrer" else ORIGIN


def csrf_token(page: Any) -> str:
    found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content)
    assert found is not None
    return found.group(1).decode()


class FormsOfKeyPagesTests(ComplaintPageTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.browser = Client(enforce_csrf_checks=True)

    def test_not_resolved_is_recorded_from_the_link_page(self) -> None:
        complaint, _key = self.file(complainant=None)
        actions.verify_complaint(complaint=complaint, officer=self.ani)
        complaint, key = actions.resolve_complaint(
            complaint=complaint, officer=self.ani, outcome="Petugas telah ditegur."
        )
        url = f"/pengaduan/{complaint.number}/tanggapan/"
        page = self.browser.get(f"{url}?kunci={key}&jawaban=tidak")
        self.assertEqual(page.status_code, 200)
        self.assertIn(page["Referrer-Policy"], ("same-origin", "strict-origin"))
        answer = self.browser.post(
            url,
            {
                "csrfmiddlewaretoken": csrf_token(page),
                "kunci": key,
                "verdict": "tidak",
                "reason": "Uang belum dikembalikan.",
            },
            headers={"Origin": browser_origin(page)},
        )
        self.assertEqual(answer.status_code, 200, answer.content[:300])
        complaint.refresh_from_db()
        self.assertEqual(complaint.status, "in_follow_up")

    def test_the_language_switch_works_on_the_private_page(self) -> None:
        complaint, key = self.file(complainant=None, privacy="rahasia")
        self.browser.get(f"/pengaduan/{complaint.number}/?kunci={key}")
        page = self.browser.get(f"/pengaduan/{complaint.number}/")
        self.assertEqual(page.status_code, 200)
        switched = self.browser.post(
            "/bahasa/",
            {"csrfmiddlewaretoken": csrf_token(page), "language": "en", "next": "/"},
            headers={"Origin": browser_origin(page)},
        )
        self.assertEqual(switched.status_code, 302)
