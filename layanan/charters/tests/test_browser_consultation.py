"""A citizen takes part in a public consultation from a phone, on the real service (the demo,
served by `layanan serve`): finds it at /konsultasi/, sees the changed requirement marked,
signs in, comments on that requirement with a stance, and later reads the agency's answer
and the consultation report. The agency's part (publishing, answering, setting the standard)
is done through the consultation actions, in the served data dir."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from layanan.lib.testing import layanan_shell, served_copy
from layanan.portal.tests.test_browser import (  # noqa: F401 - the fixtures
    assert_accessible,
    browser,
    phone,
    screenshot,
)

pytestmark = pytest.mark.browser

# the agency publishes a draft of the birth certificate whose first requirement is widened
PUBLISH = """
import copy
from layanan.accounts.models import User
from layanan.charters.actions import charter_in_force
from layanan.charters.models import Service
from layanan.test import published_consultation

service = Service.objects.get(code="akta-kelahiran")
content = copy.deepcopy(charter_in_force(service).content)
first = content["requirements"][0]
first["name"] = {
    "id": first["name"]["id"] + " atau rumah sakit",
    "en": (first["name"].get("en") or first["name"]["id"]) + " or hospital",
}
consultation = published_consultation(
    service,
    by=User.objects.get(username="admin"),
    changes={"requirements": content["requirements"]},
)
print(consultation.pk, first["key"])
"""

# after the period: every comment answered, the draft set as the standard
ANSWER_AND_ADOPT = """
import datetime as dt
from layanan.accounts.models import User
from layanan.charters import consultations
from layanan.charters.models import Consultation

admin = User.objects.get(username="admin")
consultation = Consultation.objects.get(pk={pk})
for comment in consultation.comments.all():
    consultations.answer_comment(
        comment=comment, by=admin, decision="accepted", text="Diterima: surat rumah sakit berlaku."
    )
after = consultation.closes_at + dt.timedelta(minutes=1)
consultations.adopt_consultation(
    consultation=consultation,
    by=admin,
    effective_date=consultation.charter.service.day_of_filing(after),
    now=after,
)
"""


@pytest.fixture(scope="module")
def served(loaded_demo: Path) -> Iterator[tuple[str, Path]]:
    """The demo served on a free loopback port, with its data dir (for the agency's part)."""
    with served_copy(loaded_demo, prefix="layanan-consultation-") as site:
        yield site


def test_a_citizen_comments_on_a_changed_requirement_from_a_phone(
    served: tuple[str, Path],
    phone: Any,  # noqa: F811
) -> None:
    site, data_dir = served
    pk, requirement = layanan_shell(data_dir, PUBLISH).splitlines()[-1].split()
    page_path = f"/konsultasi/{pk}/"

    phone.goto(site + "/")
    phone.get_by_role("link", name="Konsultasi publik").click()  # in the footer
    phone.wait_for_url(site + "/konsultasi/")
    assert_accessible(phone)
    screenshot(phone, "consultations-phone")
    phone.locator(f'a[href="{page_path}"]').first.click()
    phone.wait_for_url(site + page_path)
    section = phone.locator("#komponen-requirements")
    assert section.get_by_text("Berubah", exact=True).is_visible()
    added = section.locator("ins", has_text="atau rumah sakit").first
    assert added.is_visible()
    assert "ditambahkan:" in added.inner_text()  # what a screen reader hears
    assert phone.locator("#komponen-product").get_by_text("Tidak berubah").is_visible()
    assert_accessible(phone)
    screenshot(phone, "consultation-draft-phone")

    # signing in brings the citizen back to the consultation
    phone.get_by_role("link", name="Masuk untuk menanggapi, setuju atau tidak setuju").first.click()
    phone.get_by_label("Email atau nomor HP").fill("0812 0000 0001")
    phone.get_by_label("Kata sandi", exact=True).fill("layanan-demo")
    phone.locator("main").get_by_role("button", name="Masuk").click()
    phone.wait_for_url(site + page_path)

    section = phone.locator("#komponen-requirements")
    section.get_by_text("Beri tanggapan tentang: Persyaratan").click()
    section.get_by_label("Tanggapan Anda tentang apa?").select_option(f"requirements.{requirement}")
    section.get_by_label("Tanggapan Anda", exact=True).fill(
        "Bagus: anak yang lahir di rumah sakit tidak perlu surat dari bidan lagi."
    )
    section.locator('input[name="requirements-stance"][value="support"]').check()
    section.get_by_role("button", name="Kirim tanggapan").click()
    phone.wait_for_url(re.compile(re.escape(site + page_path) + r"#komentar-\d+$"))
    assert phone.get_by_text("Terima kasih: tanggapan Anda sudah diterbitkan.").is_visible()
    comment = phone.locator(".lyn-comment").filter(has_text="tidak perlu surat dari bidan")
    assert comment.is_visible()
    assert "atau rumah sakit" in comment.inner_text()  # the requirement it is about
    assert comment.get_by_text("Belum dijawab").is_visible()
    assert section.get_by_text("Sikap Anda: setuju dengan komponen ini.").is_visible()
    assert_accessible(phone)
    screenshot(phone, "consultation-commented-phone")

    # the agency answers and sets the standard; the citizen reads the answer and the report
    layanan_shell(data_dir, ANSWER_AND_ADOPT.format(pk=pk))
    phone.goto(site + page_path)
    comment = phone.locator(".lyn-comment").filter(has_text="tidak perlu surat dari bidan")
    assert comment.get_by_text("Diterima: surat rumah sakit berlaku.").is_visible()
    assert phone.get_by_text("Ditetapkan sebagai standar").first.is_visible()
    phone.get_by_role("link", name="Baca laporan konsultasi").click()
    phone.wait_for_url(site + f"/konsultasi/{pk}/laporan/")
    assert phone.get_by_role("heading", level=1).inner_text().startswith("Laporan konsultasi")
    assert phone.get_by_text("Diterima: surat rumah sakit berlaku.").is_visible()
    assert_accessible(phone)
    screenshot(phone, "consultation-report-phone")
