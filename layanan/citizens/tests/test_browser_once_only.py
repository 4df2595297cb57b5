"""Once-only data in the real browser: a citizen tells her data once, keeps her KTP-el in the
document vault, and an application takes both with her consent; she then sees the consent and
the officer's look at her document.

Siti (`warga`) does it all on a phone (390×844): she fills the profile, puts a KTP-el in the
vault, applies for a new KTP-el (the demo charter `ktp-el`, whose requirement "KTP-el lama"
accepts the vault type `ktp-el`), finds the form pre-filled and marked as such, attaches the
KTP from the vault after reading the consent, sends, and finds the consent on
/profil/persetujuan/. Dewi (`petugas`, front office of Disdukcapil's counter; desktop, with
the demo authenticator code) opens the document; Siti then reads that look on /profil/akses/
as a sentence naming the agency. The service, Chromium and the axe scan come from the
portal's browser tests. Labels are the Indonesian ones a citizen reads.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from layanan.cases.tests.test_browser_journeys import PHONE, pdf_file, sign_in
from layanan.portal.tests.test_browser import assert_accessible, browser, screenshot, site

pytestmark = pytest.mark.browser

__all__ = ["browser", "site"]

SERVICE_CODE = "ktp-el"
SERVICE_NAME = "Penerbitan KTP Elektronik (KTP-el)"
AGENCY = "Dinas Kependudukan dan Pencatatan Sipil"
CITIZEN = "Siti Rahayu"  # warga in layanan/portal/demo_data.py
NIK = "3399014107920005"  # a woman (41 = 1 + 40) born 1 July 1992
KK = "3399011506150007"  # issued 15 June 2015
REQUIREMENT = "KTP-el lama"  # the ktp-el charter's requirement that accepts a vault KTP-el
PREFILLED = "Diisi dari profil Anda"


def fits_the_phone(page: Page) -> None:
    """Nothing makes the page wider than the phone: no table, button or word runs off it."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a {PHONE['width']}px phone"


def check_page(page: Page, name: str) -> None:
    """Every citizen page: axe finds nothing, it fits the phone, and a person can look at it."""
    assert_accessible(page)
    fits_the_phone(page)
    screenshot(page, f"once-only-{name}")


def test_a_citizen_gives_her_data_once_and_sees_who_looked_at_her_ktp(
    site: str, browser: Browser, tmp_path: Path
) -> None:
    # An Indonesian phone's locale. The headless browser's own controls (the file and date
    # inputs' "Choose File", "mm/dd/yyyy") keep its English UI: they are not the page's text.
    home = browser.new_context(viewport=PHONE, locale="id-ID")
    citizen = home.new_page()

    # 1. Sign in and fill the profile's attributes once.
    citizen.goto(site + "/masuk/?next=/profil/")
    sign_in(citizen, "warga", site)
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Profil Anda")
    citizen.get_by_label("NIK (tidak wajib)", exact=True).fill(NIK)
    citizen.get_by_label("Nomor Kartu Keluarga (KK)").fill(KK)
    citizen.get_by_label("Tempat lahir").fill("Semarang")
    citizen.get_by_label("Tanggal lahir").fill("1992-07-01")
    citizen.get_by_label("Alamat (tidak wajib)", exact=True).fill("Jl. Melati No. 7, RT 002/RW 004")
    citizen.get_by_label("Kode wilayah desa atau kelurahan Anda").fill("33.99.01.1001")
    citizen.get_by_role("button", name="Simpan", exact=True).click()
    expect(citizen.get_by_text("Profil Anda telah disimpan.")).to_be_visible()
    expect(citizen.get_by_label("Nomor Kartu Keluarga (KK)")).to_have_value(KK)
    expect(citizen.get_by_label("Tempat lahir")).to_have_value("Semarang")
    check_page(citizen, "1-profile")

    # 2. Put her KTP-el in the vault.
    citizen.get_by_role("link", name="Brankas dokumen Anda").click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Brankas dokumen Anda")
    check_page(citizen, "2-vault-before")
    citizen.get_by_label("Jenis dokumen").select_option(label="KTP elektronik")
    citizen.get_by_label("Berkas", exact=True).set_input_files(pdf_file(tmp_path, "ktp.pdf"))
    citizen.get_by_label("Tanggal terbit (tidak wajib)", exact=True).fill("2020-03-02")
    citizen.get_by_role("button", name="Simpan di brankas").click()
    expect(citizen.get_by_text("KTP elektronik sudah disimpan di brankas Anda.")).to_be_visible()
    table = citizen.get_by_role("table")
    expect(table).to_contain_text("KTP elektronik")
    expect(table).to_contain_text("ktp.pdf")
    expect(table).to_contain_text("2 Maret 2020")
    expect(table).to_contain_text("Berlaku seumur hidup")
    check_page(citizen, "3-vault")

    # 3. Apply: the form is pre-filled from the profile, and says so.
    citizen.goto(f"{site}/layanan/{SERVICE_CODE}/")
    citizen.get_by_role("button", name="Ajukan permohonan secara daring").click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text(SERVICE_NAME)
    check_page(citizen, "4-start")
    citizen.get_by_role("button", name="Mulai sekarang").click()
    expect(citizen).to_have_url(re.compile(r"/permohonan/[^/]+/isian/$"))
    found = re.search(r"/permohonan/([^/]+)/isian/$", citizen.url)
    assert found is not None
    number = found.group(1)
    check_page(citizen, "5-task-list")
    citizen.get_by_role("link", name="Rincian permohonan", exact=True).click()
    expect(citizen.get_by_label("NIK pemohon")).to_have_value(NIK)
    expect(citizen.get_by_label("Nama lengkap sesuai KK")).to_have_value(CITIZEN)
    expect(citizen.get_by_label("Nomor Kartu Keluarga")).to_have_value(KK)
    expect(citizen.get_by_label("Nomor telepon/WhatsApp")).to_have_value(
        re.compile(r"0812.?0000.?0001")
    )
    for label in ("NIK pemohon", "Nama lengkap sesuai KK", "Nomor Kartu Keluarga"):
        field = citizen.locator(".govuk-form-group").filter(
            has=citizen.get_by_label(label, exact=True)
        )
        expect(field).to_contain_text(PREFILLED)
    expect(citizen.locator("main")).to_contain_text("Sebagian jawaban di halaman ini diisi dari")
    check_page(citizen, "6-prefilled")
    citizen.get_by_role("group", name="Jenis permohonan").get_by_label("Perubahan data").check()
    citizen.get_by_label("Saya menyatakan data yang saya isi benar").check()
    citizen.get_by_role("button", name="Simpan dan lanjutkan").click()
    expect(citizen).to_have_url(re.compile(r"/permohonan/[^/]+/isian/$"))

    # 4. Attach the KTP-el from the vault with one button, after reading what it agrees to.
    citizen.get_by_role("link", name="Dokumen", exact=True).click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Dokumen")
    offer = citizen.locator("#brankas-ktp_lama")
    expect(offer.get_by_role("heading")).to_have_text(f"{REQUIREMENT}: dari brankas dokumen")
    consent = offer.locator(".govuk-inset-text")
    expect(consent).to_contain_text("Saya setuju salinan")
    expect(consent).to_contain_text(f"ditambahkan ke permohonan {number}")
    expect(consent).to_contain_text(AGENCY)
    expect(consent).to_contain_text("Tujuan:")
    check_page(citizen, "7-documents-offer")
    offer.get_by_role("button", name=re.compile(r"^Gunakan dari brankas")).click()
    expect(
        citizen.get_by_text(f"{REQUIREMENT} sudah dilampirkan dari brankas.", exact=False)
    ).to_be_visible()
    row = citizen.locator(".govuk-summary-list__row").filter(has_text=REQUIREMENT)
    expect(row.first).to_contain_text("ktp.pdf")
    check_page(citizen, "8-documents-attached")
    citizen.get_by_role("link", name="Lanjutkan").click()

    # 5. Check and send: the answers from the profile are marked, and the consent is shown.
    citizen.get_by_role("link", name="Periksa jawaban Anda dan ajukan permohonan").click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Periksa jawaban Anda")
    main = citizen.locator("main")
    expect(main).to_contain_text("Dari profil")
    expect(main).to_contain_text("Persetujuan memakai data dari profil")
    expect(main).to_contain_text(AGENCY)
    check_page(citizen, "9-check")
    citizen.get_by_label("Saya menyatakan bahwa jawaban saya benar").check()
    citizen.get_by_role("button", name="Ajukan permohonan").click()
    expect(citizen).to_have_url(re.compile(r"/permohonan/[^/]+/tanda-terima/$"))
    expect(citizen.locator(".govuk-panel")).to_contain_text(number)
    check_page(citizen, "10-receipt")

    # 6. The consents: the vault document's and the profile's, both for this application.
    citizen.goto(site + "/profil/persetujuan/")
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Persetujuan Anda")
    cards = citizen.locator(".govuk-summary-card").filter(has_text=number)
    expect(cards).to_have_count(2)
    what = cards.locator(".govuk-summary-list__row").filter(has_text="Data apa")
    expect(what.filter(has_text="KTP elektronik")).to_have_count(1)  # the vault's document
    profile_data = "NIK, Nama lengkap, Nomor KK, Nomor telepon"  # the answers from the profile
    expect(what.filter(has_text=profile_data)).to_have_count(1)
    for card in (cards.nth(0), cards.nth(1)):
        expect(card).to_contain_text(AGENCY)
        expect(card).to_contain_text("situs web")
        expect(card).to_contain_text("Berlaku; masih dapat ditarik")
    check_page(citizen, "11-consents")

    # 7. The officer opens the KTP at the counter step (desktop, password and code).
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    officer = desk.new_page()
    officer.goto(f"{site}/masuk/?next=/kantor/langkah/{number}/verifikasi/")
    sign_in(officer, "petugas", site)
    expect(officer).to_have_url(re.compile(rf"/kantor/langkah/{re.escape(number)}/verifikasi/$"))
    document = officer.locator("main").get_by_role("link", name=re.compile(r"ktp\.pdf"))
    expect(document).to_have_count(1)
    href = document.get_attribute("href")
    assert href is not None
    opened = officer.request.get(site + href if href.startswith("/") else href)
    assert opened.ok, opened.status
    assert opened.body().startswith(b"%PDF")
    screenshot(officer, "once-only-12-officer-step")
    desk.close()

    # 8. Siti reads that look as a sentence naming the agency.
    citizen.goto(site + "/profil/akses/")
    expect(citizen.get_by_role("heading", level=1)).to_have_text(
        "Siapa saja yang melihat data Anda"
    )
    looks = citizen.get_by_role("listitem").filter(has_text="membuka dokumen Anda")
    # the agency and unit the officer acted for, what she opened and why; never her name
    expect(looks.first).to_contain_text(
        "Petugas Disdukcapil, Loket Pelayanan Disdukcapil, membuka dokumen Anda "
        f"“{REQUIREMENT} (ktp.pdf)” pada permohonan {number} untuk memproses permohonan Anda"
    )
    expect(looks.first).to_contain_text(number)
    expect(looks.first).not_to_contain_text("Dewi")
    expect(citizen.get_by_role("link", name="Unduh semua catatan (CSV)")).to_be_visible()
    check_page(citizen, "13-access-log")
    home.close()
