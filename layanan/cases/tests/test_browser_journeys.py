"""Whole journeys of an application in the real browser, against the real service.

Budi (`warga2`, a citizen) applies online for his daughter's birth certificate on his phone;
Dewi (`petugas`, an officer of every unit) decides on each step in the back office; anyone
with the tracking number follows it on the public page. The service, Chromium and the axe
scan come from the portal's browser tests (`layanan demo --load-only`, then `layanan serve`).
Every label is the Indonesian one from locale/id/LC_MESSAGES/django.po, as a citizen reads it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from layanan.portal.tests.test_browser import (
    assert_accessible,
    browser,
    give_code,
    phone,
    screenshot,
    site,
)
from layanan.test import PDF

pytestmark = pytest.mark.browser

# Imported so that pytest registers them as this module's fixtures (a module-scoped `site` of
# its own: these journeys never share a service with another test module).
__all__ = ["browser", "phone", "site"]

PHONE: ViewportSize = {"width": 390, "height": 844}
PASSWORD = "layanan-demo"
SERVICE_CODE = "akta-kelahiran"
SERVICE_NAME = "Penerbitan Kutipan Akta Kelahiran"
APPLICANT_NAME = "Budi Santoso"  # warga2 in layanan/portal/demo_data.py
CHILD_NAME = "Ayu Lestari Santoso"
MOTHER_NIK = "3399015508900001"
FAMILY_CARD = "3399011203260002"
PHONE_NUMBER = "0812 3456 7890"
PHONE_SHOWN = "0812-3456-7890"  # stored once in E.164 form, shown the way Indonesians write it
BIRTH_NOTICE = "Surat keterangan kelahiran"  # the one required document of akta-kelahiran
# Personal data that must never appear on the public tracking page.
# "Selesai 30 November 2026 14.05 WIB, 3 hari kerja sebelum batas waktu" (or hours early)
COMPLETED_EARLY = re.compile(
    r"Selesai \d{1,2} \w+ \d{4} \d{2}\.\d{2} WIB, "
    r"(\d+ hari kerja sebelum batas waktu|(\d+ jam )?(\d+ menit )?kerja sebelum batas waktu"
    r"|sebelum batas waktu, di luar jam layanan|tepat pada batas waktu)\."
)
PERSONAL_DATA = (MOTHER_NIK, APPLICANT_NAME, CHILD_NAME, FAMILY_CARD, PHONE_NUMBER, PHONE_SHOWN)


def pdf_file(folder: Path, name: str) -> Path:
    """A one-page PDF: the upload check parses it and matches its name."""
    path = folder / name
    path.write_bytes(PDF)
    return path


def sign_in(page: Page, username: str, site: str = "") -> None:
    """Fill the sign-in form the page is on (and, for an officer, the code of the demo
    secret on the next page); Django then follows its `next`."""
    expect(page).to_have_url(re.compile(r"/masuk/"))
    page.get_by_label("Email atau nomor HP").fill(username)
    page.get_by_label("Kata sandi", exact=True).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Masuk").click()
    give_code(page, site, username)
    expect(page).not_to_have_url(re.compile(r"/masuk/"))


@contextmanager
def signed_in(browser: Browser, site: str, username: str) -> Iterator[Page]:
    """A page in a browser context of its own (its own cookies), signed in as `username`."""
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(site + "/masuk/")
        sign_in(page, username, site)
        yield page
    finally:
        context.close()


@contextmanager
def stranger(browser: Browser) -> Iterator[Page]:
    """Somebody who only knows the tracking number: not signed in."""
    context = browser.new_context(viewport=PHONE)
    try:
        yield context.new_page()
    finally:
        context.close()


def answer_page(page: Page, title: str) -> None:
    page.get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    assert_accessible(page)


def save_and_continue(page: Page, page_title: str) -> None:
    page.get_by_role("button", name="Simpan dan lanjutkan").click()
    expect(page).to_have_url(re.compile(r"/permohonan/[^/]+/isian/$"))
    status = page.get_by_role("listitem").filter(
        has=page.get_by_role("link", name=page_title, exact=True)
    )
    expect(status).to_contain_text("Selesai")


def upload(page: Page, requirement: str, file: Path) -> None:
    page.get_by_role("group", name="Dokumen yang diunggah").get_by_label(
        requirement, exact=True
    ).check()
    page.get_by_label("Berkas", exact=True).set_input_files(file)
    page.get_by_role("button", name="Unggah").click()
    expect(page.get_by_text(f"{requirement} telah diunggah.")).to_be_visible()
    row = page.locator(".govuk-summary-list__row").filter(has_text=requirement)
    expect(row.get_by_role("link", name=file.name)).to_be_visible()


def apply_for_a_birth_certificate(site: str, page: Page, files: Path) -> str:
    """Budi applies from the charter page to the receipt; returns the tracking number."""
    page.goto(f"{site}/layanan/{SERVICE_CODE}/")
    page.get_by_role("button", name="Ajukan permohonan secara daring").click()
    sign_in(page, "warga2")
    expect(page).to_have_url(f"{site}/layanan/{SERVICE_CODE}/ajukan/")
    expect(page.get_by_role("heading", level=1)).to_have_text(SERVICE_NAME)
    assert_accessible(page)
    page.get_by_role("button", name="Mulai sekarang").click()
    expect(page).to_have_url(re.compile(r"/permohonan/[^/]+/isian/$"))
    assert_accessible(page)
    screenshot(page, "journey-task-list")

    answer_page(page, "Data anak")
    page.get_by_label("Nama anak", exact=True).fill(CHILD_NAME)
    page.get_by_role("group", name="Jenis kelamin").get_by_label("Perempuan").check()
    page.get_by_label("Tanggal lahir", exact=True).fill("2026-01-05")
    page.get_by_label("Tempat lahir (kabupaten/kota)", exact=True).fill("Kabupaten Contoh")
    page.get_by_role("group", name="Jenis kelahiran").get_by_label("Tunggal").check()
    page.get_by_label("Anak ke-", exact=True).fill("1")
    save_and_continue(page, "Data anak")

    answer_page(page, "Orang tua")
    page.get_by_label("Nomor KK tempat anak didaftarkan", exact=True).fill(FAMILY_CARD)
    page.get_by_label("NIK ibu", exact=True).fill(MOTHER_NIK)
    save_and_continue(page, "Orang tua")

    answer_page(page, "Pelapor")
    page.get_by_label("Nomor telepon/WhatsApp pelapor", exact=True).fill(PHONE_NUMBER)
    save_and_continue(page, "Pelapor")

    answer_page(page, "Rincian permohonan")
    page.get_by_label("Saya menyatakan data kelahiran ini benar").check()
    save_and_continue(page, "Rincian permohonan")

    page.get_by_role("link", name="Dokumen", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dokumen")
    assert_accessible(page)
    upload(page, BIRTH_NOTICE, pdf_file(files, "surat-kelahiran.pdf"))
    assert_accessible(page)
    page.get_by_role("link", name="Lanjutkan").click()
    documents = page.get_by_role("listitem").filter(
        has=page.get_by_role("link", name="Dokumen", exact=True)
    )
    expect(documents).to_contain_text("Selesai")

    page.get_by_role("link", name="Periksa jawaban Anda dan ajukan permohonan").click()
    expect(page).to_have_url(re.compile(r"/permohonan/[^/]+/periksa/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Periksa jawaban Anda")
    answers = page.locator("main")
    for shown in (CHILD_NAME, "Perempuan", "Tunggal", MOTHER_NIK, PHONE_SHOWN, "Ya"):
        expect(answers).to_contain_text(shown)
    expect(answers).to_contain_text("surat-kelahiran.pdf")
    expect(answers.get_by_text("Belum lengkap")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "journey-check-answers")

    page.get_by_label("Saya menyatakan bahwa jawaban saya benar").check()
    page.get_by_role("button", name="Ajukan permohonan").click()
    expect(page).to_have_url(re.compile(r"/permohonan/[^/]+/tanda-terima/$"))
    found = re.search(r"/permohonan/([^/]+)/tanda-terima/$", page.url)
    assert found is not None
    number = found.group(1)
    expect(page.get_by_role("heading", level=1)).to_have_text("Permohonan diajukan")
    expect(page.locator(".govuk-panel")).to_contain_text("Nomor registrasi Anda")
    expect(page.locator(".govuk-panel")).to_contain_text(number)
    expect(page.get_by_role("link", name=f"/lacak/{number}/")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "journey-receipt")
    return number


def open_queue(officer: Page, site: str) -> None:
    officer.goto(site + "/kantor/")
    officer.get_by_role("combobox", name=re.compile(r"^Layanan\b")).select_option(
        label=SERVICE_NAME
    )
    officer.get_by_role("button", name="Saring").click()
    expect(officer).to_have_url(re.compile(rf"/kantor/\?layanan={SERVICE_CODE}"))
    expect(officer.get_by_role("heading", level=1)).to_have_text("Antrean kerja")
    # Choosing the service and pressing the button each ask for the results: let both answers
    # land, or a late one replaces a row the test has just claimed with its earlier state.
    officer.wait_for_load_state("networkidle")


def open_first_step(officer: Page, site: str, number: str) -> str | None:
    """Open the first open step of the application in the queue; return its key, or None."""
    open_queue(officer, site)
    links = officer.get_by_role("link", name=number, exact=True)
    if links.count() == 0:
        return None
    assert_accessible(officer)
    links.first.click()
    expect(officer).to_have_url(re.compile(rf"/kantor/langkah/{re.escape(number)}/[\w-]+/$"))
    key = officer.url.rstrip("/").rsplit("/", 1)[-1]
    expect(officer.get_by_role("heading", name="Keputusan")).to_be_visible()
    assert_accessible(officer)
    return key


def claim_in_the_queue(officer: Page, site: str, number: str) -> None:
    """Claim the application's open step from the queue: htmx swaps the row in place."""
    open_queue(officer, site)
    row = officer.get_by_role("row").filter(
        has=officer.get_by_role("link", name=number, exact=True)
    )
    officer.evaluate("window.noReload = true")
    row.get_by_role("button", name=re.compile(r"^Ambil")).click()
    status = officer.locator("#queue-status")
    expect(status).to_contain_text("Anda mengambil langkah")
    expect(status).to_contain_text(number)
    assert officer.evaluate("window.noReload") is True  # the page was not reloaded
    row = officer.get_by_role("row").filter(
        has=officer.get_by_role("link", name=number, exact=True)
    )
    expect(row).to_contain_text("Anda")
    expect(row.get_by_role("button", name=re.compile(r"^Ambil"))).to_have_count(0)
    assert_accessible(officer)


def filters_fit(page: Page) -> None:
    """No filter of the queue runs past the edge of the window."""
    overflow = page.evaluate(
        """() => [...document.querySelectorAll(FILTERS)]
            .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth)
            .map((el) => el.name || el.textContent)""".replace(
            "FILTERS", "'.lyn-filters select, .lyn-filters input, .lyn-filters button'"
        )
    )
    assert overflow == [], overflow


def approve_every_step(officer: Page, site: str, number: str) -> list[str]:
    """Approve whatever step of the application the queue offers, until none is left."""
    approved: list[str] = []
    for _ in range(10):  # far more than any demo procedure has
        key = open_first_step(officer, site, number)
        if key is None:
            return approved
        if not approved:
            screenshot(officer, "journey-office-step")
        officer.get_by_role("button", name="Setujui").click()
        expect(officer).to_have_url(site + "/kantor/")
        expect(officer.get_by_role("alert")).to_contain_text(
            re.compile(rf"Langkah '[^']+' untuk {re.escape(number)} disetujui\.")
        )
        approved.append(key)
    pytest.fail(f"the queue still offers steps of {number} after approving {approved}")


def test_a_citizen_applies_an_officer_approves_and_anyone_can_track_it(
    site: str, browser: Browser, phone: Page, tmp_path: Path
) -> None:
    number = apply_for_a_birth_certificate(site, phone, tmp_path)

    with signed_in(browser, site, "petugas") as officer:
        officer.set_viewport_size({"width": 375, "height": 800})
        claim_in_the_queue(officer, site, number)
        filters_fit(officer)
        screenshot(officer, "journey-office-queue-phone")
        officer.set_viewport_size({"width": 1280, "height": 900})
        officer.reload()
        filters_fit(officer)
        screenshot(officer, "journey-office-queue-desktop")
        approved = approve_every_step(officer, site, number)
    assert approved == ["verifikasi", "pencatatan", "tte"]

    with signed_in(browser, site, "atasan") as supervisor:
        supervisor.goto(site + "/kantor/")
        supervisor.get_by_role("link", name="Ringkasan atasan").click()
        expect(supervisor.get_by_role("heading", level=1)).to_have_text("Ringkasan atasan")
        expect(
            supervisor.get_by_role("heading", name="Pekerjaan terbuka per petugas")
        ).to_be_visible()
        assert_accessible(supervisor)
        screenshot(supervisor, "journey-supervisor-overview")

    phone.goto(f"{site}/permohonan/{number}/")
    expect(phone.get_by_role("heading", level=1)).to_have_text(number)
    # when it was completed, against the promise, on the agency's working days
    expect(phone.locator(".lyn-status")).to_contain_text(COMPLETED_EARLY)
    steps = phone.get_by_role("table", name="Langkah-langkah permohonan")
    expect(steps.locator("tbody tr")).to_have_count(3)
    expect(steps.get_by_text("Selesai", exact=True)).to_have_count(3)
    expect(phone.get_by_text("Permohonan selesai")).to_be_visible()
    expect(phone.get_by_role("link", name="Tarik permohonan ini")).to_have_count(0)
    assert_accessible(phone)
    screenshot(phone, "journey-completed")

    with stranger(browser) as anyone:
        anyone.goto(f"{site}/lacak/{number}/")
        expect(anyone.get_by_role("heading", level=1)).to_have_text(number)
        expect(anyone.locator(".lyn-status")).to_contain_text(COMPLETED_EARLY)
        public_steps = anyone.get_by_role("table", name="Langkah-langkah permohonan")
        expect(public_steps.get_by_text("Selesai", exact=True)).to_have_count(3)
        expect(anyone.get_by_text("Permohonan selesai")).to_be_visible()
        page_text = anyone.locator("body").inner_text()
        html = anyone.content()
        for personal in PERSONAL_DATA:
            assert personal not in page_text, personal
            assert personal not in html, personal
        assert_accessible(anyone)
        screenshot(anyone, "journey-tracking-completed")


def test_an_application_returned_for_correction_is_corrected_and_runs_again(
    site: str, browser: Browser, phone: Page, tmp_path: Path
) -> None:
    number = apply_for_a_birth_certificate(site, phone, tmp_path)
    reason = "Surat keterangan kelahiran tidak terbaca; unggah ulang hasil pindaian yang jelas."

    with signed_in(browser, site, "petugas") as officer:
        assert open_first_step(officer, site, number) == "verifikasi"
        officer.get_by_label("Alasan atau catatan untuk pemohon").fill(reason)
        officer.get_by_role("button", name="Kembalikan untuk perbaikan").click()
        expect(officer).to_have_url(site + "/kantor/")
        expect(officer.get_by_role("alert")).to_contain_text(
            f"Langkah 'Verifikasi kelengkapan berkas' untuk {number} dikembalikan kepada pemohon"
        )

    phone.goto(f"{site}/permohonan/{number}/")
    banner = phone.get_by_role("region", name="Perlu tindakan Anda")
    expect(banner).to_contain_text("Permohonan Anda dikembalikan untuk perbaikan:")
    expect(banner).to_contain_text(reason)
    assert_accessible(phone)
    screenshot(phone, "journey-returned")

    banner.get_by_role("link", name="Perbaiki dan kirim ulang").click()
    expect(phone).to_have_url(f"{site}/permohonan/{number}/isian/")
    expect(phone.get_by_role("region", name="Dikembalikan untuk perbaikan")).to_contain_text(reason)
    assert_accessible(phone)

    phone.get_by_role("link", name="Dokumen", exact=True).click()
    upload(phone, BIRTH_NOTICE, pdf_file(tmp_path, "surat-kelahiran-jelas.pdf"))
    assert_accessible(phone)
    phone.get_by_role("link", name="Lanjutkan").click()

    phone.get_by_role("link", name="Periksa dan kirim ulang perbaikan Anda").click()
    expect(phone.locator("main")).to_contain_text("surat-kelahiran-jelas.pdf")
    assert_accessible(phone)
    phone.get_by_label("Saya menyatakan bahwa jawaban saya benar").check()
    phone.get_by_role("button", name="Kirim ulang perbaikan").click()

    expect(phone).to_have_url(f"{site}/permohonan/{number}/")
    expect(phone.get_by_text("Perbaikan Anda telah dikirim.")).to_be_visible()
    expect(phone.get_by_role("region", name="Perlu tindakan Anda")).to_have_count(0)
    # returned by the completeness check: the clock has not started, so nothing was paused
    expect(phone.locator(".lyn-status")).to_contain_text(
        "Sedang diproses: kelengkapan berkas sedang diperiksa."
    )
    expect(phone.locator(".lyn-status")).to_contain_text("bila lengkap hari ini: paling lambat")
    expect(phone.locator(".lyn-status")).not_to_contain_text("dihentikan sementara")
    expect(phone.get_by_role("link", name="surat-kelahiran-jelas.pdf")).to_be_visible()
    assert_accessible(phone)
    screenshot(phone, "journey-corrected")

    with stranger(browser) as anyone:
        anyone.goto(f"{site}/lacak/{number}/")
        expect(anyone.locator(".lyn-status")).to_contain_text("Sedang diproses")
        first_step = anyone.get_by_role("table", name="Langkah-langkah permohonan").locator(
            "tbody tr"
        )
        expect(first_step.first).to_contain_text("Sedang dikerjakan")
        expect(anyone.get_by_text("Dikembalikan kepada pemohon untuk perbaikan")).to_be_visible()
        expect(anyone.get_by_text("Perbaikan dikirim ulang")).to_be_visible()
        # The reason is written for the citizen and may name them: it stays off the public page.
        expect(anyone.get_by_text(reason)).to_have_count(0)
        for personal in PERSONAL_DATA:
            assert personal not in anyone.content(), personal
        assert_accessible(anyone)
        screenshot(anyone, "journey-tracking-corrected")

    with signed_in(browser, site, "petugas") as officer:
        assert open_first_step(officer, site, number) == "verifikasi"


def test_an_empty_tracking_form_answers_with_a_summary_that_takes_focus(
    site: str, browser: Browser
) -> None:
    with stranger(browser) as anyone:
        anyone.goto(f"{site}/lacak/")
        anyone.get_by_role("button", name="Lacak").click()
        expect(anyone).to_have_title(re.compile(r"^Kesalahan: Lacak permohonan"))
        summary = anyone.locator(".govuk-error-summary")
        expect(summary).to_be_focused()
        summary.get_by_role("link", name="Masukkan nomor registrasi dari tanda terima Anda").click()
        expect(anyone.get_by_label("Nomor registrasi")).to_be_focused()
        assert_accessible(anyone)
