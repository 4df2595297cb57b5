"""A complaint's whole life in the real browser, against the real service (`layanan serve` on
the demo data): closing the loop, as issue 9 asks.

Siti (`warga`, a citizen, on her phone) files a complaint on /pengaduan/baru/; Dewi
(`petugas`, front office and officer of every demo unit) verifies it, forwards it to the civil
registry unit, answers in public and marks it resolved in the back office; Siti answers "Belum
selesai" through the one-time link of the message, with a reason, and it reopens; Dewi
resolves it again; Siti answers "Sudah selesai" and it is closed. The public page then shows
both the agency's and the complainant's view. Every page is scanned with axe; screenshots go
to test-results/ like the other browser tests'.

The one-time key of the link is the one the message carries: it is computed by the served
site's own code and database (`layanan shell` on the site's data dir), as the worker does.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from layanan.cases.tests.test_browser_journeys import sign_in
from layanan.lib.testing import served_copy, site_env
from layanan.portal.tests.test_browser import (
    assert_accessible,
    browser,
    screenshot,
)

pytestmark = pytest.mark.browser

__all__ = ["browser"]

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}
WHAT_HAPPENED = "Loket akta kelahiran tutup pukul 11.00, padahal jadwalnya sampai 15.00."
UNIT = "Bidang Pelayanan Pencatatan Sipil"
PUBLIC_ANSWER = "Kami memeriksa jadwal petugas loket pada hari itu."
FIRST_OUTCOME = "Petugas loket telah ditegur; jadwal loket ditempel di pintu."
STILL_WRONG = "Kemarin loket masih tutup pukul 11.00."
SECOND_OUTCOME = "Loket kini diawasi kepala bidang setiap hari sampai pukul 15.00."


@pytest.fixture(scope="module")
def served(loaded_demo: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """The demo site, as the portal's `site` fixture serves it, and the environment of its
    data dir (so that the test reads what the worker would put in a message)."""
    with served_copy(loaded_demo, prefix="layanan-journey-") as (url, data_dir):
        yield url, site_env(data_dir)


def feedback_key(env: dict[str, str], number: str) -> str:
    """The current one-time key of the complaint's "is it resolved?" links."""
    code = (
        "from layanan.complaints.actions import feedback_key_for\n"
        "from layanan.complaints.models import Complaint\n"
        f"print(feedback_key_for(Complaint.objects.get(number={number!r})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "layanan.cli", "shell", "-c", code],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip().splitlines()[-1]


def act(officer: Page, slug: str) -> None:
    """Press the button of one action form of the back office's complaint page."""
    section = officer.locator(f"#tindakan-{slug}")
    section.locator("button[type=submit]").click()
    officer.wait_for_load_state()
    expect(officer.locator(".govuk-error-summary")).to_have_count(0)


def open_in_office(officer: Page, site: str, number: str) -> None:
    officer.goto(f"{site}/kantor/pengaduan/{number}/")
    expect(officer.get_by_role("heading", level=1)).to_contain_text(number)
    assert_accessible(officer)


def resolve(officer: Page, site: str, number: str, outcome: str) -> None:
    open_in_office(officer, site, number)
    officer.locator("#tindakan-selesai textarea").first.fill(outcome)
    act(officer, "selesai")
    expect(officer.locator("main")).to_contain_text("Sudah selesai")


def answer(citizen: Page, site: str, number: str, key: str, verdict: str) -> None:
    """The complainant opens the message's link for `verdict` (ya / tidak)."""
    citizen.goto(f"{site}/pengaduan/{number}/tanggapan/?kunci={key}&jawaban={verdict}")
    chosen = citizen.locator(f'input[name="verdict"][value="{verdict}"]')
    expect(chosen).to_be_checked()
    assert_accessible(citizen)


def test_filed_handled_reopened_with_one_click_and_closed(
    served: tuple[str, dict[str, str]], browser: Browser
) -> None:
    site, env = served
    phone = browser.new_context(viewport=PHONE)  # type: ignore[arg-type]
    desk = browser.new_context(viewport=DESK)  # type: ignore[arg-type]
    try:
        citizen = phone.new_page()
        officer = desk.new_page()

        # Siti files on her phone, signed in.
        citizen.goto(site + "/masuk/")
        sign_in(citizen, "warga", site)
        citizen.goto(site + "/pengaduan/baru/?kategori=disdukcapil.umum")
        assert_accessible(citizen)
        citizen.get_by_label("Apa yang terjadi?").fill(WHAT_HAPPENED)
        citizen.locator('input[name="privacy"][value="publik"]').check()
        citizen.get_by_role("button", name="Kirim", exact=True).click()
        citizen.wait_for_url(re.compile(r"/pengaduan/PGD-[^/]+/tanda-terima/"))
        found = re.search(r"/pengaduan/(PGD-[^/]+)/tanda-terima/", citizen.url)
        assert found is not None
        number = found.group(1)
        expect(citizen.locator(".govuk-panel")).to_contain_text(number)
        assert_accessible(citizen)
        screenshot(citizen, "complaint-journey-receipt-phone")

        # Dewi verifies, forwards to the civil registry unit and answers in public.
        officer.goto(site + "/masuk/")
        sign_in(officer, "petugas", site)
        open_in_office(officer, site, number)
        screenshot(officer, "complaint-journey-office-received")
        act(officer, "verifikasi")
        expect(officer.locator("#tindakan-teruskan")).to_be_visible()
        officer.locator("#tindakan-teruskan select").select_option(label=UNIT)
        act(officer, "teruskan")
        expect(officer.locator("main")).to_contain_text(UNIT)
        assert_accessible(officer)
        officer.locator("#tindakan-tanggapan textarea").first.fill(PUBLIC_ANSWER)
        officer.locator('#tindakan-tanggapan input[type="radio"][value="public"]').check()
        act(officer, "tanggapan")
        expect(officer.locator("main")).to_contain_text(PUBLIC_ANSWER)
        assert_accessible(officer)

        # Siti reads the answer on the complaint's page.
        citizen.goto(f"{site}/pengaduan/{number}/")
        expect(citizen.locator("main")).to_contain_text(PUBLIC_ANSWER)
        assert_accessible(citizen)

        # Resolved; Siti says it is not ("Belum selesai", with what is still wrong).
        resolve(officer, site, number, FIRST_OUTCOME)
        screenshot(officer, "complaint-journey-office-resolved")
        first_key = feedback_key(env, number)
        answer(citizen, site, number, first_key, "tidak")
        citizen.locator('textarea[name="reason"]').fill(STILL_WRONG)
        screenshot(citizen, "complaint-journey-not-resolved-phone")
        citizen.get_by_role("button", name="Kirim jawaban saya").click()
        citizen.wait_for_load_state()
        expect(citizen.locator(".govuk-error-summary")).to_have_count(0)
        assert_accessible(citizen)
        citizen.goto(f"{site}/pengaduan/{number}/")
        main = citizen.locator("main")
        expect(main).to_contain_text("Dibuka kembali: pelapor menyatakan belum selesai")
        expect(main).to_contain_text(STILL_WRONG)
        assert_accessible(citizen)
        # the link was for one use
        citizen.goto(f"{site}/pengaduan/{number}/tanggapan/?kunci={first_key}&jawaban=ya")
        expect(citizen.get_by_role("heading", level=1)).to_have_text(
            "Tautan ini tidak berlaku lagi"
        )
        assert_accessible(citizen)

        # Resolved again; this time Siti says it is ("Sudah selesai") and rates it.
        resolve(officer, site, number, SECOND_OUTCOME)
        answer(citizen, site, number, feedback_key(env, number), "ya")
        citizen.locator('input[name="rating"][value="4"]').check()
        citizen.get_by_role("button", name="Kirim jawaban saya").click()
        citizen.wait_for_load_state()
        assert_accessible(citizen)
        screenshot(citizen, "complaint-journey-answered-phone")

        # Anyone reads both views on the public page.
        stranger = browser.new_context(viewport=PHONE)  # type: ignore[arg-type]
        try:
            public = stranger.new_page()
            public.goto(f"{site}/pengaduan/{number}/")
            main = public.locator("main")
            expect(main).to_contain_text("Menurut instansi")
            expect(main).to_contain_text(SECOND_OUTCOME)
            expect(main).to_contain_text("Menurut pelapor")
            rows = main.locator(".govuk-summary-list__row")
            complainant_view = rows.filter(has_text="Menurut pelapor")
            expect(complainant_view).to_contain_text("Sudah selesai")
            expect(complainant_view).to_contain_text("4")
            expect(rows.filter(has_text="Menurut instansi")).to_contain_text(SECOND_OUTCOME)
            expect(main).to_contain_text(PUBLIC_ANSWER)
            expect(main).to_contain_text(STILL_WRONG)  # the reopening, in the timeline
            assert_accessible(public)
            screenshot(public, "complaint-journey-public-phone")
        finally:
            stranger.close()
        open_in_office(officer, site, number)
        expect(officer.locator("main")).to_contain_text("Ditutup")
    finally:
        phone.close()
        desk.close()
