"""The survey on a phone, in the real browser (system Chromium) against `layanan serve` with
the demo loaded: with and without JavaScript, scanned with axe."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from layanan.lib.testing import served_copy, site_env
from layanan.portal.tests.test_browser import (
    assert_accessible,
    browser,  # noqa: F401 - the fixture
    screenshot,
)

pytestmark = pytest.mark.browser

# Run inside the demo's data dir: two invitations for demo-4 and demo-8 (still open in the
# demo, so nobody was invited yet), printed as their link keys.
MAKE_LINKS = """
import django
django.setup()
from layanan.cases.models import Application
from layanan.surveys.tests.helpers import make_invitation
for key in ("demo-4", "demo-8"):
    print(make_invitation(Application.objects.get(idempotency_key=key)))
"""


@pytest.fixture(scope="module")
def survey_site(loaded_demo: Path) -> Iterator[tuple[str, list[str]]]:
    with served_copy(loaded_demo, prefix="layanan-survey-") as (url, data_dir):
        env = {**site_env(data_dir), "DJANGO_SETTINGS_MODULE": "layanan.settings"}
        made = subprocess.run(
            [sys.executable, "-c", MAKE_LINKS], env=env, check=True, capture_output=True, text=True
        )
        yield url, made.stdout.split()


def answer_every_question(page: Any) -> None:
    for number in range(1, 10):
        page.locator(f'input[name="u{number}"][value="{(number % 4) + 1}"]').check()


@pytest.mark.parametrize("javascript", [True, False])
def test_a_citizen_answers_on_a_phone(
    survey_site: tuple[str, list[str]],
    browser: Any,  # noqa: F811 - the fixture
    javascript: bool,
) -> None:
    site, keys = survey_site
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, java_script_enabled=javascript
    )
    page = context.new_page()
    try:
        page.goto(f"{site}/survei/{keys[0 if javascript else 1]}/")
        assert page.get_by_role("heading", level=1).inner_text() == "Bagaimana pelayanan kami?"
        if javascript:  # axe runs as a script in the page
            assert_accessible(page)
        # forgetting one question: the error summary links to it
        for number in range(1, 9):
            page.locator(f'input[name="u{number}"][value="3"]').check()
        page.get_by_role("button", name="Kirim jawaban saya").click()
        assert page.locator(".govuk-error-summary").is_visible()
        if javascript:
            assert_accessible(page)
        answer_every_question(page)
        page.get_by_label("Pendidikan terakhir").select_option("sma")
        page.get_by_role("button", name="Kirim jawaban saya").click()
        page.wait_for_load_state()
        assert "Terima kasih atas jawaban Anda" in page.content()
        screenshot(page, f"survey-answered-{'js' if javascript else 'nojs'}")
        if javascript:
            assert_accessible(page)
    finally:
        context.close()
