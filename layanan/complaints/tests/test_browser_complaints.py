"""Browser journeys of the complaint pages on the demo site, with and without JavaScript, each
page scanned with axe: from the charter page's "illegal levy" link to the receipt, the private
link and the public list."""

from __future__ import annotations

import re
from typing import Any

import pytest

from layanan.portal.tests.test_browser import (  # noqa: F401 - the fixtures
    assert_accessible,
    browser,
    phone,
    screenshot,
    site,
)

pytestmark = pytest.mark.browser


def test_an_illegal_levy_reported_from_the_charter_page(site: str, phone: Any) -> None:  # noqa: F811
    phone.goto(site + "/layanan/akta-kelahiran/")
    phone.get_by_role("link", name="Laporkan pungutan liar").click()
    phone.wait_for_url(re.compile(r"/pengaduan/baru/\?kategori=.*\.pungli"))
    assert_accessible(phone)
    assert "pungutan liar" in phone.locator("#id_category option:checked").inner_text().lower()
    phone.get_by_role("button", name="Kirim", exact=True).click()  # nothing said yet
    assert phone.get_by_text("Ada masalah").is_visible()
    assert_accessible(phone)  # the error summary and the messages next to the fields
    phone.get_by_label("Apa yang terjadi?").fill(
        "Petugas meminta Rp50.000 agar akta selesai hari ini."
    )
    phone.locator('input[name="privacy"][value="anonim"]').check()
    phone.get_by_role("button", name="Kirim", exact=True).click()
    phone.wait_for_url(re.compile(r"/pengaduan/PGD-[^/]+/tanda-terima/"))
    assert phone.get_by_role("heading", name="Pengaduan diterima").is_visible()
    assert_accessible(phone)
    screenshot(phone, "complaint-receipt-phone")
    phone.locator("#private-link").click()
    phone.wait_for_url(re.compile(r"/pengaduan/PGD-[^/?]+/$"))  # the key left the address
    assert phone.get_by_role("heading", name="Hanya untuk Anda").is_visible()
    assert_accessible(phone)
    phone.goto(site + "/pengaduan/")
    assert_accessible(phone)
    screenshot(phone, "complaints-list-phone")


def test_filing_works_without_javascript(site: str, browser: Any) -> None:  # noqa: F811
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/pengaduan/baru/")
    page.get_by_role("button", name="Kirim", exact=True).click()
    assert page.get_by_text("Ada masalah").is_visible()
    assert page.get_by_role("link", name="Tuliskan apa yang terjadi").is_visible()
    # (no axe scan here: axe is a script, and never finishes in a page without JavaScript;
    # the same error page is scanned in the journey above)
    page.locator("#id_category").select_option(index=1)
    page.get_by_label("Apa yang terjadi?").fill(
        "Antrean di loket tidak dilayani lebih dari satu jam."
    )
    page.get_by_role("button", name="Kirim", exact=True).click()
    page.wait_for_url(re.compile(r"/tanda-terima/"))
    assert "PGD-" in page.locator(".govuk-panel__body").inner_text()
    context.close()
