"""Issue 13's whole journey in the real browser (system Chromium), against the demo served by
`layanan serve`: a service standard changes through a public consultation, and the applications
made before the change keep the standard they were made under.

1. The agency's administrator (a desktop screen) drafts a new version of the birth certificate
   standard in /kantor/standar/, renames its one required document, records the public forum
   with its minutes and publishes the draft.
2. Budi (`warga2`, on his phone) applies for a birth certificate under the standard in force.
3. He opens /konsultasi/, sees the draft beside the standard in force with the change marked,
   and comments on that requirement, supporting it.
4. The comment period ends (the consultation's instants are moved back in a `layanan shell`
   process on the served data dir: the server's clock is never moved), the administrator
   answers the comment and sets the standard from today.
5. The public report shows the comment and its answer; a new application asks for the renamed
   document, while Budi's earlier application, on his page and on the officer's, keeps the
   requirement it was made under.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Browser, Page, ViewportSize, expect

from layanan.cases.tests.test_browser_journeys import (
    BIRTH_NOTICE,
    SERVICE_CODE,
    SERVICE_NAME,
    apply_for_a_birth_certificate,
    sign_in,
)
from layanan.lib.testing import layanan_shell, served_copy
from layanan.portal.tests.test_browser import (  # noqa: F401 - the fixtures
    assert_accessible,
    browser,
    phone,
    screenshot,
)
from layanan.test import PDF

pytestmark = pytest.mark.browser

DESKTOP: ViewportSize = {"width": 1280, "height": 900}
REQUIREMENT = "surat_kelahiran"  # the key of the birth notice in the demo's charter
RENAMED = "Surat keterangan kelahiran atau SPTJM kebenaran data kelahiran"
ADDED_WORDS = "atau SPTJM"  # marked as added (with words around it that the diff aligns)
REASON = "Banyak orang tua tidak tahu bahwa SPTJM boleh menggantikan surat keterangan kelahiran."
COMMENT = "Setuju. Anak saya lahir di rumah, dan saya baru tahu soal SPTJM dari petugas."
ANSWER = "Diterima: nama persyaratan kini menyebut SPTJM."

# The demo's admin (whose second code the demo secret gives) becomes an administrator of the
# agency that leads the birth certificate, which has no draft of its own; the agency's today.
AGENCY_ADMIN = f"""
from layanan.accounts.models import User
from layanan.agencies.models import OfficerRole, Role
from layanan.charters.models import Service
service = Service.objects.get(code="{SERVICE_CODE}")
assert not service.charters.filter(status__in=("draft", "consultation", "scheduled")).exists()
OfficerRole.objects.get_or_create(
    user=User.objects.get(username="admin"),
    unit=service.lead_agency.units.order_by("pk").first(),
    role=Role.AGENCY_ADMIN,
)
print(service.day_of_filing().isoformat())
"""

# The comment period ends: every instant of the consultation moved back by whole days, so that
# it closed yesterday or earlier, in the order it happened.
PERIOD_ENDS = """
import datetime as dt
from django.db.models import F
from django.utils import timezone
from layanan.charters.models import Consultation, ConsultationEvent
consultation = Consultation.objects.get(pk={pk})
back = dt.timedelta(days=(consultation.closes_at - timezone.now()).days + 1)
Consultation.objects.filter(pk=consultation.pk).update(
    forum_date=consultation.forum_date - back,
    published_at=F("published_at") - back,
    closes_at=F("closes_at") - back,
)
consultation.comments.update(created_at=F("created_at") - back)
ConsultationEvent.objects.filter(consultation=consultation).update(at=F("at") - back)
assert consultation.comments.count() == 1
"""


@pytest.fixture(scope="module")
def served(loaded_demo: Path) -> Iterator[tuple[str, Path]]:
    """The demo served from a copy of its data dir: (address, data dir)."""
    with served_copy(loaded_demo, prefix="layanan-charter-journey-") as site:
        yield site


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Page]:  # noqa: F811
    context = browser.new_context(viewport=DESKTOP)
    yield context.new_page()
    context.close()


def draft_and_publish(admin: Page, site: str, today: dt.date) -> str:
    """The administrator renames the birth notice in a new draft, records the forum and
    publishes; returns the consultation's id."""
    admin.goto(site + "/masuk/?next=/kantor/")
    sign_in(admin, "admin", site)
    admin.goto(site + "/kantor/")
    admin.get_by_role("link", name="Standar pelayanan dan konsultasi publik").click()
    expect(admin).to_have_url(re.compile(r"/kantor/standar/$"))
    admin.locator(f"form[action='/kantor/standar/layanan/{SERVICE_CODE}/susun/'] button").click()
    expect(admin).to_have_url(re.compile(r"/kantor/standar/versi/\d+/$"))
    assert_accessible(admin)

    editor = admin.get_by_label("Komponen (YAML)")
    components = yaml.safe_load(editor.input_value())
    (notice,) = [r for r in components["requirements"] if r["key"] == REQUIREMENT]
    assert notice["name"]["id"] == BIRTH_NOTICE
    notice["name"] = {"id": RENAMED, "en": "Birth notice or SPTJM on the birth data"}
    editor.fill(yaml.safe_dump(components, allow_unicode=True, sort_keys=False))
    admin.get_by_role("button", name="Simpan rancangan").click()
    expect(admin.get_by_text("Rancangan disimpan.")).to_be_visible()
    admin.get_by_role("link", name="Konsultasi atas rancangan ini").click()
    expect(admin).to_have_url(re.compile(r"/kantor/standar/konsultasi/\d+/$"))
    consultation = admin.url.rstrip("/").rsplit("/", 1)[-1]

    admin.get_by_label("Tanggal forum konsultasi publik").fill(
        (today - dt.timedelta(days=1)).isoformat()
    )
    admin.get_by_label("Tempat forum konsultasi publik").fill("Aula Disdukcapil")
    admin.get_by_label("Pengguna layanan").fill("30")
    admin.get_by_label("Tokoh masyarakat").fill("3")
    admin.get_by_label("Berita acara forum (PDF)").set_input_files(
        {"name": "berita-acara.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    # the one component that changes asks for its reason
    reasons = admin.get_by_label(re.compile(r"Alasan perubahan .* \(bahasa Indonesia\)"))
    expect(reasons).to_have_count(1)
    expect(reasons).to_have_accessible_name(re.compile("Persyaratan"))
    reasons.fill(REASON)
    admin.get_by_role("button", name="Catat forum").click()
    expect(admin.get_by_text("Forum konsultasi publik dicatat.")).to_be_visible()
    assert_accessible(admin)
    admin.get_by_role("button", name="Umumkan").click()
    expect(admin.locator("#status")).to_have_text("Terbuka untuk tanggapan")
    screenshot(admin, "charter-journey-published-desktop")
    return consultation


def comment_from_a_phone(phone: Page, site: str, consultation: str) -> None:  # noqa: F811
    """Budi (signed in) finds the consultation and comments on the renamed requirement."""
    page_path = f"/konsultasi/{consultation}/"
    phone.goto(site + "/")
    phone.get_by_role("link", name="Konsultasi publik").click()  # in the footer
    expect(phone).to_have_url(site + "/konsultasi/")
    phone.locator(f'a[href="{page_path}"]').first.click()
    expect(phone).to_have_url(site + page_path)
    expect(phone.get_by_role("heading", level=1)).to_contain_text(SERVICE_NAME)

    section = phone.locator("#komponen-requirements")
    expect(section.get_by_text("Berubah", exact=True)).to_be_visible()
    expect(section.get_by_text(REASON)).to_be_visible()
    added = section.locator("ins", has_text=ADDED_WORDS).first
    expect(added).to_be_visible()
    expect(added).to_contain_text("ditambahkan:")  # what a screen reader hears
    # the draft and the standard in force, side by side, under the change
    whole = section.locator("details").filter(has_text="Seluruh komponen, rancangan dan yang")
    whole.locator("summary").click()
    draft, in_force = whole.locator("ul").nth(0), whole.locator("ul").nth(1)
    expect(draft).to_contain_text(RENAMED)
    expect(in_force).to_contain_text(BIRTH_NOTICE)
    expect(in_force).not_to_contain_text(ADDED_WORDS)
    expect(phone.locator("#komponen-product").get_by_text("Tidak berubah")).to_be_visible()
    no_sideways_scroll(phone)
    assert_accessible(phone)
    screenshot(phone, "charter-journey-draft-phone")

    section.get_by_text("Beri tanggapan tentang: Persyaratan").click()
    section.get_by_label("Tanggapan Anda tentang apa?").select_option(f"requirements.{REQUIREMENT}")
    section.get_by_label("Tanggapan Anda", exact=True).fill(COMMENT)
    section.locator('input[name="requirements-stance"][value="support"]').check()
    section.get_by_role("button", name="Kirim tanggapan").click()
    expect(phone).to_have_url(re.compile(re.escape(site + page_path) + r"#komentar-\d+$"))
    expect(phone.get_by_text("Terima kasih: tanggapan Anda sudah diterbitkan.")).to_be_visible()
    comment = phone.locator(".lyn-comment").filter(has_text=COMMENT)
    expect(comment).to_contain_text(RENAMED)  # the requirement it is about
    expect(comment.get_by_text("Belum dijawab")).to_be_visible()
    expect(section.get_by_text("Sikap Anda: setuju dengan komponen ini.")).to_be_visible()
    assert_accessible(phone)
    screenshot(phone, "charter-journey-commented-phone")


def answer_and_adopt(admin: Page, site: str, consultation: str, today: dt.date) -> None:
    admin.goto(f"{site}/kantor/standar/konsultasi/{consultation}/")
    expect(admin.locator("#status")).to_have_text("Masa tanggapan berakhir")
    admin.get_by_role("link", name="Belum dijawab: 1").click()
    expect(admin).to_have_url(re.compile(r"/komentar/\?tampil=belum$"))
    card = admin.locator("section.govuk-summary-card").filter(has_text=COMMENT)
    expect(card).to_contain_text(RENAMED)
    card.get_by_label("Diterima", exact=True).check()
    card.get_by_label("Isi jawaban").fill(ANSWER)
    card.get_by_role("button", name=re.compile("^Jawab")).click()
    expect(admin.get_by_text("Belum dijawab: 0")).to_be_visible()
    assert_accessible(admin)

    admin.get_by_role("link", name=re.compile("Konsultasi atas versi")).click()
    admin.get_by_label("Berlaku sejak").fill(today.isoformat())
    admin.get_by_role("button", name="Tetapkan versi ini sebagai standar").click()
    expect(admin.locator("#adopted")).to_be_visible()
    assert_accessible(admin)
    screenshot(admin, "charter-journey-adopted-desktop")


def no_sideways_scroll(page: Page) -> None:
    """Nothing wider than the phone's screen."""
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def document_names(page: Page) -> list[str]:
    """The names of the documents listed on the application's own page (its answers)."""
    return [
        name.strip() for name in page.locator("main dl.govuk-summary-list dt").all_inner_texts()
    ]


def test_a_consultation_changes_the_standard_for_new_applications_only(
    served: tuple[str, Path],
    browser: Browser,  # noqa: F811
    phone: Page,  # noqa: F811
    desktop: Page,
    tmp_path: Path,
) -> None:
    site, data_dir = served
    today = dt.date.fromisoformat(layanan_shell(data_dir, AGENCY_ADMIN))

    consultation = draft_and_publish(desktop, site, today)

    # while the draft is out for comments, Budi applies under the standard in force
    earlier = apply_for_a_birth_certificate(site, phone, tmp_path)
    expect(phone.locator(".govuk-panel")).to_contain_text(earlier)

    comment_from_a_phone(phone, site, consultation)

    layanan_shell(data_dir, PERIOD_ENDS.format(pk=consultation))
    answer_and_adopt(desktop, site, consultation, today)

    # the public report, on the phone
    phone.goto(f"{site}/konsultasi/{consultation}/")
    expect(phone.get_by_text("Ditetapkan sebagai standar").first).to_be_visible()
    comment = phone.locator(".lyn-comment").filter(has_text=COMMENT)
    expect(comment.get_by_text(ANSWER)).to_be_visible()
    phone.get_by_role("link", name="Baca laporan konsultasi").click()
    expect(phone).to_have_url(f"{site}/konsultasi/{consultation}/laporan/")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Laporan konsultasi")
    expect(phone.locator("main")).to_contain_text(COMMENT)
    expect(phone.locator("main")).to_contain_text(ANSWER)
    assert_accessible(phone)
    screenshot(phone, "charter-journey-report-phone")

    # a new application asks for the renamed document
    phone.goto(f"{site}/layanan/{SERVICE_CODE}/")
    phone.get_by_role("button", name="Ajukan permohonan secara daring").click()
    expect(phone).to_have_url(f"{site}/layanan/{SERVICE_CODE}/ajukan/")
    expect(phone.locator("main")).to_contain_text(RENAMED)
    phone.get_by_role("button", name="Mulai sekarang").click()
    expect(phone).to_have_url(re.compile(r"/permohonan/[^/]+/isian/$"))
    later = re.search(r"/permohonan/([^/]+)/isian/$", phone.url)
    assert later is not None
    assert later.group(1) != earlier
    phone.get_by_role("link", name="Dokumen", exact=True).click()
    uploads = phone.get_by_role("group", name="Dokumen yang diunggah")
    expect(uploads.get_by_label(RENAMED, exact=True)).to_be_visible()
    expect(uploads.get_by_label(BIRTH_NOTICE, exact=True)).to_have_count(0)
    assert_accessible(phone)
    screenshot(phone, "charter-journey-new-application-phone")

    # the earlier application keeps the standard it was made under: on Budi's page...
    phone.goto(f"{site}/permohonan/{earlier}/")
    expect(phone.get_by_role("heading", level=1)).to_have_text(earlier)
    row = phone.locator(".govuk-summary-list__row").filter(has_text="surat-kelahiran.pdf")
    expect(row.locator("dt")).to_have_text(BIRTH_NOTICE)
    assert RENAMED not in document_names(phone)
    screenshot(phone, "charter-journey-earlier-application-phone")

    # ...and on the officer's, at its first step
    context = browser.new_context(viewport=DESKTOP)
    try:
        officer = context.new_page()
        officer.goto(f"{site}/masuk/?next=/kantor/langkah/{earlier}/verifikasi/")
        sign_in(officer, "petugas", site)
        expect(officer).to_have_url(f"{site}/kantor/langkah/{earlier}/verifikasi/")
        listed = officer.locator("main li").filter(has_text="surat-kelahiran.pdf")
        expect(listed).to_contain_text(f"{BIRTH_NOTICE}: surat-kelahiran.pdf")
        expect(officer.locator("main")).not_to_contain_text(RENAMED)
    finally:
        context.close()
