"""A citizen's journey in the real browser (system Chromium) against the real service.

The fixture copies a data dir with the demo loaded by `layanan demo --load-only` (made once
per run, `conftest.loaded_demo`) and starts `layanan serve` (gunicorn and the worker) on it, on
a free loopback port: the same processes an agency runs. Every page visited is scanned with
axe. Screenshots go to test-results/ so a person can look at what a citizen sees on a phone.
Run by `make test` when Chromium is installed (always in CI).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from layanan.lib.testing import served_copy
from layanan.test import DEMO_OFFICERS, demo_officer_code

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path(os.environ.get("LAYANAN_SCREENSHOTS", "test-results"))


def give_code(page: Any, site: str, username: str) -> None:
    """After the password a demo officer (petugas, atasan, admin) is asked for the code of
    an authenticator app: type the one the published demo secret gives now."""
    if username not in DEMO_OFFICERS:
        return
    page.wait_for_url(re.compile(r"/masuk/kode/"))
    page.get_by_label("Kode", exact=True).fill(demo_officer_code(site, username))
    page.locator("main").get_by_role("button", name="Lanjutkan").click()
    page.wait_for_url(lambda url: "/masuk/" not in url)


@pytest.fixture(scope="module")
def site(loaded_demo: Path) -> Iterator[str]:
    with served_copy(loaded_demo, prefix="layanan-browser-") as (url, _data_dir):
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    yield context.new_page()
    context.close()


def assert_accessible(page: Any) -> None:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    found = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    assert found == [], f"accessibility problems on {page.url}: {found}"


def screenshot(page: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_citizen_finds_a_service_reads_its_charter_and_switches_to_english(
    site: str, phone: Any
) -> None:
    phone.goto(site + "/")
    assert_accessible(phone)
    phone.get_by_label("Apa yang Anda perlukan?").fill("akta kelahiran")
    phone.get_by_role("button", name="Cari layanan").click()
    phone.wait_for_url("**/layanan/?q=akta+kelahiran")
    assert_accessible(phone)
    phone.get_by_role("link", name="Penerbitan Kutipan Akta Kelahiran").click()
    phone.wait_for_url("**/layanan/akta-kelahiran/")
    assert phone.locator("h1").inner_text() == "Penerbitan Kutipan Akta Kelahiran"
    for heading in ("Persyaratan", "Prosedur", "Biaya", "Jaminan pelayanan", "Riwayat versi"):
        assert phone.get_by_role("heading", name=heading, exact=True).is_visible(), heading
    assert phone.get_by_text("Gratis").first.is_visible()
    assert_accessible(phone)
    screenshot(phone, "charter-page-phone")

    phone.get_by_role("button", name="English").click()
    phone.wait_for_load_state()
    assert phone.locator("html").get_attribute("lang") == "en"
    assert phone.get_by_role("heading", name="Requirements", exact=True).is_visible()
    assert phone.get_by_text("Free of charge").first.is_visible()


def test_a_cross_agency_procedure_shows_who_does_each_step(site: str, phone: Any) -> None:
    phone.goto(site + "/layanan/pbg-rumah-sederhana/")
    assert phone.get_by_text("pada waktu yang sama").first.is_visible()
    assert phone.get_by_text("5 hari kerja").first.is_visible()
    assert_accessible(phone)
    screenshot(phone, "pbg-phone")


def test_the_pages_work_without_javascript(site: str, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/layanan/?q=akta")
    page.get_by_role("link", name="Penerbitan Kutipan Akta Kelahiran").click()
    assert page.locator("h1").inner_text() == "Penerbitan Kutipan Akta Kelahiran"
    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    context.close()


def test_agency_page_and_a_failed_sign_in(site: str, phone: Any) -> None:
    phone.goto(site + "/instansi/")
    assert_accessible(phone)
    phone.get_by_role("link", name="Dinas Kependudukan dan Pencatatan Sipil").click()
    assert phone.get_by_role("heading", name="Maklumat pelayanan").is_visible()
    assert_accessible(phone)
    phone.goto(site + "/masuk/")
    # the box is focused on arrival: typing goes straight into it (once the focus has landed:
    # a busy machine may run the first keystroke before it)
    expect(phone.get_by_label("Email atau nomor HP")).to_be_focused()
    phone.keyboard.type("0812 0000 0001")
    assert phone.get_by_label("Email atau nomor HP").input_value() == "0812 0000 0001"
    phone.get_by_label("Kata sandi", exact=True).fill("salah")
    phone.locator("main").get_by_role("button", name="Masuk").click()
    assert phone.locator(".govuk-error-summary").is_visible()
    assert phone.locator(".govuk-error-summary").inner_text().count("kata sandi salah") == 1
    assert_accessible(phone)
    screenshot(phone, "sign-in-error-phone")
    phone.get_by_label("Email atau nomor HP").fill("+62 812-0000-0001")
    phone.get_by_label("Kata sandi", exact=True).fill("layanan-demo")
    phone.locator("main").get_by_role("button", name="Masuk").click()
    phone.wait_for_url(site + "/")
    assert phone.get_by_text("warga").first.is_visible()


def test_the_admin_asks_for_the_code_after_the_password(site: str, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(site + "/admin/")
        assert "/admin/login/" in page.url
        page.locator("main input[name=username]").fill("admin")
        page.locator("main input[name=password]").fill("layanan-demo")
        page.locator("main button[type=submit]").click()
        page.wait_for_url(re.compile(r"/masuk/kode/"))
        assert_accessible(page)
        # a wrong code: the message is next to the field and in the summary
        page.get_by_label("Kode", exact=True).fill("000000")
        page.locator("main").get_by_role("button", name="Lanjutkan").click()
        assert "Kode tidak benar" in page.locator(".govuk-error-summary").inner_text()
        assert_accessible(page)
        screenshot(page, "sign-in-code-error")
        page.wait_for_timeout(1500)  # django-otp makes a device wait a second after a miss
        page.get_by_label("Kode", exact=True).fill(demo_officer_code(site, "admin"))
        page.locator("main").get_by_role("button", name="Lanjutkan").click()
        page.wait_for_url(site + "/admin/")
        assert page.locator("#site-name").is_visible()
    finally:
        context.close()
