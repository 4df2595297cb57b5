"""The open-data index and the process analytics in the real browser, on a phone: they pass
axe and the page never scrolls sideways (the demo is loaded as `layanan demo` loads it)."""

from __future__ import annotations

from typing import Any

import pytest

from layanan.portal.tests.test_browser import assert_accessible, browser, screenshot, site
from layanan.portal.tests.test_browser_tables import PAGE_SCROLLS_SIDEWAYS, sign_in

pytestmark = pytest.mark.browser
__all__ = ["browser", "site"]


@pytest.mark.parametrize(
    ("name", "user", "path", "heading"),
    [
        ("open-data", None, "/data/", "Data terbuka"),
        ("analytics", "atasan", "/kantor/analitik/", "Analitik proses"),
    ],
)
def test_the_page_reads_on_a_phone_and_passes_axe(
    site: str, browser: Any, name: str, user: str | None, path: str, heading: str
) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 900})
    page = context.new_page()
    if user:
        sign_in(page, site, user)
    page.goto(site + path)
    assert page.locator("h1").inner_text() == heading
    assert page.locator("main table").count() >= 1, f"{name}: no table"
    assert not page.evaluate(PAGE_SCROLLS_SIDEWAYS), f"{name} scrolls sideways"
    assert_accessible(page)
    screenshot(page, f"transparency-{name}")
    context.close()
