"""The Content-Security-Policy holds in the real browser: the main pages of citizens,
officers and the admin load without one violation (no inline script or style, nothing from
another origin), with htmx running on the officers' queue.

Chromium reports each violation twice, as a console error ("Refused to …") and as a
`securitypolicyviolation` event; the test collects both.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from layanan.cases.tests.test_browser_journeys import signed_in, stranger
from layanan.portal.tests.test_browser import browser, site

pytestmark = pytest.mark.browser
__all__ = ["browser", "site"]

LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


class Watch:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.console: list[str] = []
        page.add_init_script(LISTEN)
        page.on("console", self.on_console)

    def on_console(self, message: Any) -> None:
        text = message.text
        if "Content Security Policy" in text or "Refused to" in text:
            self.console.append(text)

    def visit(self, url: str) -> None:
        response = self.page.goto(url)
        assert response is not None
        assert "default-src 'self'" in (response.headers.get("content-security-policy") or "")
        self.page.wait_for_load_state("load")
        self.check()

    def check(self) -> None:
        events = self.page.evaluate("window.__violations || []")
        assert (self.console, events) == ([], []), f"CSP violations on {self.page.url}"


@pytest.fixture
def watched(browser: Browser) -> Iterator[Watch]:
    with stranger(browser) as page:
        yield Watch(page)


def test_public_pages_load_without_a_csp_violation(site: str, watched: Watch) -> None:
    for path in ("/", "/layanan/", "/layanan/akta-kelahiran/", "/instansi/", "/masuk/"):
        watched.visit(site + path)
    watched.visit(site + "/lacak/")
    watched.page.get_by_role("button", name="Lacak").click()  # the empty form's error summary
    expect(watched.page.locator(".govuk-error-summary")).to_be_focused()
    watched.check()
    watched.visit(site + "/aksesibilitas/")


def test_citizen_pages_load_without_a_csp_violation(site: str, browser: Browser) -> None:
    with signed_in(browser, site, "warga") as page:
        watch = Watch(page)
        watch.visit(site + "/permohonan/")
        first = page.locator("main a[href^='/permohonan/']").first
        number = re.sub(r"^/permohonan/|/$", "", first.get_attribute("href") or "")
        watch.visit(site + f"/permohonan/{number}/")
        watch.visit(site + f"/lacak/{number}/")
        watch.visit(site + "/profil/")


def test_officer_pages_run_htmx_without_a_csp_violation(site: str, browser: Browser) -> None:
    with signed_in(browser, site, "petugas") as page:
        watch = Watch(page)
        watch.visit(site + "/kantor/")
        assert page.evaluate("typeof window.htmx") == "object"
        assert page.evaluate("window.htmx.config.allowEval") is False
        # Claim a step with htmx: the row is swapped in place, still without a violation.
        page.evaluate("window.noReload = true")
        page.get_by_role("button", name=re.compile(r"^Ambil")).first.click()
        expect(page.locator("#queue-status")).to_contain_text("Anda mengambil langkah")
        assert page.evaluate("window.noReload") is True
        watch.check()
        step = page.locator("main a[href^='/kantor/langkah/']").first
        watch.visit(site + (step.get_attribute("href") or "/kantor/"))
        watch.visit(site + "/kantor/loket/")


def test_the_admin_loads_without_a_csp_violation(site: str, browser: Browser) -> None:
    with signed_in(browser, site, "admin") as page:
        watch = Watch(page)
        watch.visit(site + "/admin/")
        watch.visit(site + "/admin/charters/charter/")
        page.locator("#result_list tbody th a").first.click()
        page.wait_for_load_state("load")
        watch.check()
        watch.visit(site + "/admin/charters/charter/add/")  # the YAML box in monospace
        family = page.locator("textarea[name=components]").evaluate(
            "(box) => getComputedStyle(box).fontFamily"
        )
        assert "monospace" in family
