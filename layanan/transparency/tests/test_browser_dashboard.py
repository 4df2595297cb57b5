"""The dashboard in the real browser (system Chromium) against the demo, as `layanan demo`
loads it: axe finds nothing on the whole-government, agency and service pages; the period form
and the tables behind the charts work without JavaScript. Screenshots go to test-results/."""

from __future__ import annotations

from typing import Any

import pytest

from layanan.portal.tests.test_browser import (
    assert_accessible,
    browser,
    phone,
    screenshot,
    site,
)

pytestmark = pytest.mark.browser
__all__ = ["browser", "phone", "site"]  # the Chromium and the demo site, shared with test_browser


def test_the_dashboard_passes_axe_on_a_phone(site: str, phone: Any) -> None:
    phone.goto(site + "/dasbor/")
    assert phone.locator("h1").inner_text() == "Dasbor kinerja"
    assert phone.locator('svg[role="img"]').count() == 3
    assert_accessible(phone)
    phone.get_by_text("Permohonan diterima per bulan: dalam bentuk tabel").click()
    assert phone.get_by_role("table", name="Permohonan diterima per bulan").is_visible()
    assert_accessible(phone)
    screenshot(phone, "dashboard-phone")
    phone.locator("#league").scroll_into_view_if_needed()
    phone.get_by_role("link", name="Dinas Kependudukan dan Pencatatan Sipil").first.click()
    phone.wait_for_url("**/dasbor/disdukcapil/**")
    assert_accessible(phone)
    phone.get_by_role("link", name="Penerbitan Kutipan Akta Kelahiran").click()
    phone.wait_for_url("**/dasbor/layanan/akta-kelahiran/**")
    assert_accessible(phone)


def test_the_period_form_and_tables_work_without_javascript(site: str, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/dasbor/")
    page.get_by_label("Periode").select_option(label="Triwulan 1 tahun 2026")
    page.get_by_role("button", name="Tampilkan").click()
    page.wait_for_url("**/dasbor/?periode=2026-Q1")
    assert "Triwulan 1 tahun 2026" in page.locator("main").inner_text()
    page.get_by_text("Cara permohonan diajukan: dalam bentuk tabel").click()
    assert page.get_by_role("table", name="Cara permohonan diajukan").is_visible()
    context.close()
