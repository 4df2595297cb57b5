"""No table cuts a column, on a phone (375 px) or a desktop (1280 px), in the real browser.

The demo is loaded as `layanan demo` loads it: its sample applications are late today, so the
register and the compensation list have rows. On every page with tables (the work queue, the
register, the compensation list, the citizen's application and the tracking page) each table
either fits its box, or its box scrolls and is a named, focusable region (role="region",
tabindex="0", aria-labelledby its caption); the page itself never scrolls sideways; on a
desktop nothing scrolls at all, so the register's last column is in view. Screenshots go to
test-results/tables-*.png.
"""

from __future__ import annotations

from typing import Any

import pytest

from layanan.cases.tests.test_browser_journeys import sign_in as sign_in_on_the_page
from layanan.portal.tests.test_browser import (
    assert_accessible,
    browser,
    screenshot,
    site,
)

pytestmark = pytest.mark.browser
__all__ = ["browser", "site"]  # the Chromium and the demo site, shared with test_browser

# For each table: how wide it is against its box, and what the box says about itself.
MEASURE = """() => [...document.querySelectorAll("main table")].map(table => {
  const box = table.closest(".lyn-table-scroll");
  const named = box && document.getElementById(box.getAttribute("aria-labelledby") || "");
  return {
    caption: table.caption ? table.caption.textContent.trim() : "",
    overflows: box
      ? box.scrollWidth > box.clientWidth + 1
      : table.scrollWidth > table.parentElement.clientWidth + 1,
    role: box ? box.getAttribute("role") : null,
    tabindex: box ? box.getAttribute("tabindex") : null,
    name: named ? named.textContent.trim() : "",
    lastColumnRight: Math.max(...[...table.rows].map(
      row => row.cells.length ? row.cells[row.cells.length - 1].getBoundingClientRect().right : 0
    )),
    boxRight: (box || table.parentElement).getBoundingClientRect().right,
  };
})"""
PAGE_SCROLLS_SIDEWAYS = (
    "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"
)


def sign_in(page: Any, site: str, username: str) -> None:
    page.goto(site + "/masuk/")
    sign_in_on_the_page(page, username, site)


def an_application_of_warga(browser: Any, site: str) -> str:
    """The number of one of warga's submitted applications (a draft has no status page)."""
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, site, "warga")
    page.goto(site + "/permohonan/")
    hrefs = [str(a.get_attribute("href")) for a in page.locator("main table a").all()]
    for href in hrefs:
        page.goto(site + href)
        if "/isian/" not in page.url:
            context.close()
            return href.strip("/").split("/")[-1]
    context.close()
    pytest.fail("warga has no submitted application in the demo")


@pytest.mark.parametrize("width", [375, 1280])
def test_no_table_is_cut_and_scrolling_boxes_are_named_regions(
    site: str, browser: Any, width: int
) -> None:
    number = an_application_of_warga(browser, site)
    pages = [
        ("queue", "petugas", "/kantor/"),
        ("register", None, "/jaminan/"),
        ("compensations", "atasan", "/kantor/kompensasi/"),
        ("detail", "warga", f"/permohonan/{number}/"),
        ("tracking", None, f"/lacak/{number}/"),
    ]
    for name, user, path in pages:
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        if user:
            sign_in(page, site, user)
        page.goto(site + path)
        tables = page.evaluate(MEASURE)
        assert tables, f"{name}: no table to check at {path}"
        assert not page.evaluate(PAGE_SCROLLS_SIDEWAYS), f"{name} scrolls sideways at {width}px"
        for table in tables:
            where = f"{name} at {width}px, table {table['caption']!r}"
            assert table["role"] == "region", where
            assert table["tabindex"] == "0", where
            assert table["name"], f"{where}: the scrolling box has no name from its caption"
            if width >= 1280:
                assert not table["overflows"], f"{where}: a column is cut on a desktop"
                assert table["lastColumnRight"] <= table["boxRight"] + 1, where
        if width < 1280:
            assert_accessible(page)  # the regions and their names pass axe too
        screenshot(page, f"tables-{name}-{width}")
        context.close()
