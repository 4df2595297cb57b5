"""The counter in the real browser: an officer files for a walk-in citizen, prints the receipt
with a one-time code, and the citizen later chooses a password with it and signs in.

Dewi (`petugas`, front office in every demo unit) serves Tono, who has only a phone number.
The service and Chromium come from the portal's browser tests. Labels are the Indonesian ones.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from layanan.cases.tests.test_browser_journeys import pdf_file
from layanan.portal.tests.test_browser import (
    assert_accessible,
    browser,
    give_code,
    screenshot,
    site,
)

pytestmark = pytest.mark.browser

__all__ = ["browser", "site"]

SERVICE_NAME = "Penerbitan Kutipan Akta Kelahiran"
BIRTH_NOTICE = "Surat keterangan kelahiran"
PHONE_AS_WRITTEN = "0812 5555 0101"
CITIZEN = "Tono Sugiarto"
NEW_PASSWORD = "pohon mangga berbuah lebat"


def test_an_officer_files_at_the_counter_prints_the_receipt_and_the_citizen_signs_in(
    site: str, browser: Browser, tmp_path: Path
) -> None:
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    officer = desk.new_page()
    officer.goto(site + "/masuk/?next=/kantor/loket/")
    officer.locator("input[name=username]").fill("petugas")
    officer.get_by_label("Kata sandi", exact=True).fill("layanan-demo")
    officer.locator("main").get_by_role("button", name="Masuk").click()
    # the second step: the code of her authenticator app (the demo secret)
    expect(officer.get_by_role("heading", level=1)).to_have_text("Masukkan kode Anda")
    assert_accessible(officer)
    give_code(officer, site, "petugas")
    expect(officer.get_by_role("heading", level=1)).to_have_text("Ajukan permohonan di loket")
    assert_accessible(officer)

    # Nothing filled in: every message names its field.
    officer.get_by_role("button", name="Mulai permohonan").click()
    summary = officer.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Pilih layanan yang dimohon warga")
    expect(summary).to_contain_text("Masukkan alamat email atau nomor HP warga")
    assert_accessible(officer)

    officer.get_by_label("Layanan", exact=True).select_option(label=SERVICE_NAME)
    officer.get_by_label("Alamat email atau nomor HP warga").fill(PHONE_AS_WRITTEN)
    officer.get_by_label("Nama lengkap (untuk akun baru)").fill(CITIZEN)
    officer.get_by_label("NIK (untuk akun baru)").fill("3399011203800003")
    officer.get_by_role("button", name="Mulai permohonan").click()
    expect(officer).to_have_url(re.compile(r"/permohonan/[^/]+/isian/$"))
    banner = officer.get_by_role("region", name="Permohonan di loket")
    expect(banner).to_contain_text(f"Diajukan di loket atas nama {CITIZEN}")
    expect(officer.locator(".govuk-service-navigation__item--active")).not_to_contain_text(
        "Permohonan saya"
    )
    assert_accessible(officer)

    def answer(title: str) -> None:
        officer.get_by_role("link", name=title, exact=True).click()
        expect(officer.get_by_role("region", name="Permohonan di loket")).to_be_visible()

    def save() -> None:
        officer.get_by_role("button", name="Simpan dan lanjutkan").click()
        expect(officer).to_have_url(re.compile(r"/permohonan/[^/]+/isian/$"))

    answer("Data anak")
    officer.get_by_label("Nama anak", exact=True).fill("Sari Sugiarto")
    officer.get_by_role("group", name="Jenis kelamin").get_by_label("Perempuan").check()
    officer.get_by_label("Tanggal lahir", exact=True).fill("2026-01-05")
    officer.get_by_label("Tempat lahir (kabupaten/kota)", exact=True).fill("Kabupaten Contoh")
    officer.get_by_role("group", name="Jenis kelahiran").get_by_label("Tunggal").check()
    officer.get_by_label("Anak ke-", exact=True).fill("2")
    save()
    answer("Orang tua")
    officer.get_by_label("Nomor KK tempat anak didaftarkan", exact=True).fill("3399011203260005")
    officer.get_by_label("NIK ibu", exact=True).fill("3399015508900001")
    save()
    answer("Pelapor")
    officer.get_by_label("Nomor telepon/WhatsApp pelapor", exact=True).fill(PHONE_AS_WRITTEN)
    save()
    answer("Rincian permohonan")
    officer.get_by_label("Saya menyatakan data kelahiran ini benar").check()
    save()

    officer.get_by_role("link", name="Dokumen", exact=True).click()
    expect(officer.get_by_role("region", name="Permohonan di loket")).to_be_visible()
    officer.get_by_role("group", name="Dokumen yang diunggah").get_by_label(
        BIRTH_NOTICE, exact=True
    ).check()
    officer.get_by_label("Berkas", exact=True).set_input_files(pdf_file(tmp_path, "lahir.pdf"))
    officer.get_by_role("button", name="Unggah").click()
    expect(officer.get_by_text(f"{BIRTH_NOTICE} telah diunggah.")).to_be_visible()
    officer.get_by_role("link", name="Lanjutkan").click()

    officer.get_by_role("link", name="Periksa jawaban pemohon dan ajukan permohonan").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("Periksa jawaban pemohon")
    expect(officer.get_by_role("region", name="Permohonan di loket")).to_be_visible()
    assert_accessible(officer)
    officer.locator("input[name=declaration]").check()  # the applicant's declaration
    officer.get_by_role("button", name="Ajukan permohonan").click()

    # The printable counter receipt, not the citizen's page (it used to end on a 404).
    expect(officer).to_have_url(re.compile(r"/kantor/loket/[^/]+/tanda-terima/$"))
    found = re.search(r"/kantor/loket/([^/]+)/tanda-terima/$", officer.url)
    assert found is not None
    number = found.group(1)
    expect(officer.locator(".govuk-panel")).to_contain_text(number)
    qr = officer.get_by_role("img", name=re.compile(r"^Kode QR halaman pelacakan"))
    expect(qr).to_be_visible()
    main = officer.locator("main")
    for shown in ("lahir.pdf", "Gratis", "pungutan liar", "Diterima oleh", "0812-5555-0101"):
        expect(main).to_contain_text(shown)
    expect(main).not_to_contain_text("Tenggat —")
    officer.get_by_role("button", name="Berikan kode sekali pakai untuk kata sandi").click()
    code = officer.locator(".lyn-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code), code
    assert_accessible(officer)
    screenshot(officer, "counter-receipt")

    # Printing: only the receipt, with the code and the QR, without the officer's controls.
    officer.emulate_media(media="print")
    expect(officer.locator(".lyn-header")).to_be_hidden()
    expect(officer.locator(".lyn-no-print")).to_be_hidden()
    expect(officer.locator(".lyn-code")).to_be_visible()
    expect(qr).to_be_visible()
    printed = tmp_path / "tanda-terima.pdf"
    officer.pdf(path=str(printed), format="A4")
    assert printed.read_bytes().startswith(b"%PDF")
    desk.close()

    # Later, at home: Tono chooses a password with the code and signs in with his number.
    home = browser.new_context(viewport={"width": 390, "height": 844})
    citizen = home.new_page()
    citizen.goto(site + "/akun/kode/")
    assert_accessible(citizen)
    citizen.get_by_label("Alamat email atau nomor HP", exact=True).fill("+62 812-5555-0101")
    citizen.get_by_label("Kode pada tanda terima Anda").fill(code.lower())
    citizen.get_by_label("Kata sandi baru", exact=True).fill(NEW_PASSWORD)
    citizen.get_by_label("Ulangi kata sandi baru").fill(NEW_PASSWORD)
    citizen.get_by_role("button", name="Simpan kata sandi saya").click()
    expect(citizen).to_have_url(re.compile(r"/masuk/"))
    expect(citizen.get_by_text("Kata sandi Anda telah disimpan.")).to_be_visible()
    citizen.goto(site + "/masuk/?next=/permohonan/")
    citizen.locator("input[name=username]").fill("+6281255550101")
    citizen.get_by_label("Kata sandi", exact=True).fill(NEW_PASSWORD)
    citizen.locator("main").get_by_role("button", name="Masuk").click()
    expect(citizen.locator("main")).to_contain_text(number)
    home.close()
