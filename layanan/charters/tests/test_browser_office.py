"""The agency's path to a new standard in the real browser (system Chromium) against the demo
served by `layanan serve`: sign in with the second code, draft a new version, change a
component in the editor, record the public forum with its minutes, publish, answer a citizen's
comment once the period is over, and set the standard. Every page is scanned with axe.

The citizen's comment is written, and the comment period moved into the past, by the actions
and the ORM in a `layanan shell` process on the served data dir: the server's clock is never
moved."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from layanan.lib.testing import layanan_shell, served_copy
from layanan.portal.tests.test_browser import (  # noqa: F401 - the fixtures
    assert_accessible,
    browser,
    give_code,
    phone,
    screenshot,
)
from layanan.test import PDF

pytestmark = pytest.mark.browser

PICK_SERVICE = """
from layanan.accounts.models import User
from layanan.agencies.models import OfficerRole, Role
from layanan.charters.models import Charter, Service
for service in Service.objects.filter(active=True).order_by("code"):
    statuses = set(service.charters.values_list("status", flat=True))
    if "adopted" in statuses and not statuses & {"draft", "consultation", "scheduled"}:
        # the demo's admin (whose second code the demo secret gives) administers its agency
        OfficerRole.objects.get_or_create(
            user=User.objects.get(username="admin"),
            unit=service.lead_agency.units.order_by("pk").first(),
            role=Role.AGENCY_ADMIN,
        )
        print(service.code, service.day_of_filing().isoformat())
        break
"""

COMMENT_AND_CLOSE = """
import datetime as dt
from django.utils import timezone
from layanan.accounts.models import User
from layanan.charters import consultations
from layanan.charters.models import Consultation
consultation = Consultation.objects.get(charter__service__code="{code}", adopted_at=None)
consultations.write_comment(
    consultation=consultation,
    author=User.objects.get(username="warga"),
    target="executors",
    text="Tambah petugas pada hari Senin.",
)
past = timezone.now() - dt.timedelta(days=20)
Consultation.objects.filter(pk=consultation.pk).update(published_at=past, closes_at=past)
print(consultation.pk)
"""


@pytest.fixture(scope="module")
def served(loaded_demo: Path) -> Iterator[tuple[str, Path]]:
    """The demo served from a copy of its data dir: (address, data dir)."""
    with served_copy(loaded_demo, prefix="layanan-browser-office-") as site:
        yield site


def test_an_agency_sets_a_new_standard_through_a_consultation(
    served: tuple[str, Path],
    phone: Any,  # noqa: F811
) -> None:
    site, data_dir = served
    picked = layanan_shell(data_dir, PICK_SERVICE).split()
    assert picked, "the demo has no service without a draft"
    code, today = picked[0], dt.date.fromisoformat(picked[1])  # the agency's today
    page = phone
    page.goto(site + "/masuk/?next=/kantor/")
    page.locator("main input[name=username]").fill("admin")
    page.locator("main input[name=password]").fill("layanan-demo")
    page.locator("main").get_by_role("button", name="Masuk").click()
    give_code(page, site, "admin")
    page.goto(site + "/kantor/")
    page.get_by_role("link", name="Standar pelayanan dan konsultasi publik").click()
    page.wait_for_url(re.compile(r"/kantor/standar/$"))
    assert_accessible(page)

    page.locator(f"form[action='/kantor/standar/layanan/{code}/susun/'] button").click()
    page.wait_for_url(re.compile(r"/kantor/standar/versi/\d+/$"))
    assert_accessible(page)
    editor = page.get_by_label("Komponen (YAML)")
    text = editor.input_value()
    changed = re.sub(r"^executors: \d+$", "executors: 97", text, count=1, flags=re.M)
    assert changed != text
    editor.fill(changed)
    page.get_by_role("button", name="Simpan rancangan").click()
    assert page.get_by_text("Rancangan disimpan.").is_visible()
    assert page.get_by_text("k. Jumlah pelaksana").first.is_visible()
    page.get_by_role("link", name="Konsultasi atas rancangan ini").click()
    page.wait_for_url(re.compile(r"/kantor/standar/konsultasi/\d+/$"))
    assert_accessible(page)

    page.get_by_role("button", name="Catat forum").click()  # nothing filled in
    assert page.get_by_text("Ada masalah").is_visible()
    assert_accessible(page)
    yesterday = today - dt.timedelta(days=1)
    page.get_by_label("Tanggal forum konsultasi publik").fill(yesterday.isoformat())
    page.get_by_label("Tempat forum konsultasi publik").fill("Aula Mal Pelayanan Publik")
    page.get_by_label("Pengguna layanan").fill("25")
    page.get_by_label("Akademisi").fill("2")
    page.get_by_label("Berita acara forum (PDF)").set_input_files(
        {"name": "berita-acara.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_label(re.compile(r"Alasan perubahan .* \(bahasa Indonesia\)")).fill(
        "Antrean Senin terlalu panjang."
    )
    page.get_by_role("button", name="Catat forum").click()
    assert page.get_by_text("Forum konsultasi publik dicatat.").is_visible()
    assert page.locator("#publish-deadline").inner_text().strip()
    assert page.locator("#would-close").inner_text().strip()
    assert_accessible(page)
    screenshot(page, "office-consultation-prepared-phone")
    page.get_by_role("button", name="Umumkan").click()
    assert page.locator("#status").inner_text() == "Terbuka untuk tanggapan"

    layanan_shell(data_dir, COMMENT_AND_CLOSE.format(code=code))
    page.reload()
    assert page.locator("#status").inner_text() == "Masa tanggapan berakhir"
    page.get_by_role("button", name="Tetapkan versi ini sebagai standar").click()
    assert page.get_by_text("1 komentar belum dijawab.").is_visible()
    page.locator("#refusal").locator("xpath=..").get_by_role("link").first.click()
    page.wait_for_url(re.compile(r"/komentar/\?tampil=belum"))
    assert page.get_by_text("Tambah petugas pada hari Senin.").is_visible()
    assert_accessible(page)
    page.get_by_label("Diterima", exact=True).check()
    page.get_by_label("Isi jawaban").fill("Petugas ditambah menjadi 97 orang.")
    page.get_by_role("button", name=re.compile("^Jawab")).click()
    assert page.get_by_text("Belum dijawab: 0").is_visible()
    screenshot(page, "office-comments-phone")

    page.get_by_role("link", name=re.compile("Konsultasi atas versi")).click()
    page.get_by_label("Berlaku sejak").fill(today.isoformat())
    page.get_by_role("button", name="Tetapkan versi ini sebagai standar").click()
    assert page.locator("#adopted").is_visible()
    report = page.get_by_role("link", name="Laporan konsultasi publik")
    assert re.fullmatch(r"/konsultasi/\d+/laporan/", report.get_attribute("href") or "")
    assert page.get_by_role("cell", name="Ditetapkan sebagai standar").is_visible()
    assert_accessible(page)
    page.goto(site + f"/layanan/{code}/")
    assert page.get_by_text("97").first.is_visible()
