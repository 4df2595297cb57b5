"""One way to write dates, instants and money on every page, in both languages: dates and months
in words, instants in the agency's zone with WIB/WITA/WIT, rupiah as Rp50.000."""

from __future__ import annotations

import datetime as dt
import re

import time_machine
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from layanan.cases import actions
from layanan.cases.tests.test_api import ApiTestCase
from layanan.lib import display
from layanan.test import charter_content

MONDAY = dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC)  # 09:00 WIB


def visible(html: str) -> str:
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


class DisplayHelperTests(ApiTestCase):
    def test_instants_carry_the_zone_abbreviation_never_an_offset(self) -> None:
        moment = dt.datetime(2026, 12, 2, 7, 5, tzinfo=dt.UTC)
        with translation.override("id"):
            self.assertEqual(
                display.datetime_in_words(moment, "Asia/Jakarta"), "2 Desember 2026 14.05 WIB"
            )
            self.assertEqual(
                display.datetime_in_words(moment, "Asia/Makassar"), "2 Desember 2026 15.05 WITA"
            )
            self.assertEqual(
                display.datetime_in_words(moment, "Asia/Jayapura"), "2 Desember 2026 16.05 WIT"
            )
            self.assertEqual(display.month_in_words("2026-08"), "Agustus 2026")
        with translation.override("en"):
            self.assertEqual(
                display.datetime_in_words(moment, "Asia/Jakarta"), "2 December 2026 14:05 WIB"
            )
            self.assertEqual(display.date_in_words(dt.date(2026, 8, 17)), "17 August 2026")
        self.assertEqual(display.zone_abbreviation("Asia/Kolkata"), "UTC+5:30")
        self.assertEqual(display.datetime_in_words(None), "")

    def test_the_template_filters(self) -> None:
        template = Template(
            "{% load layanan_tags %}{{ at|datetime_in:zone }}|{{ day|date_in }}|"
            "{{ month|month_in }}|{{ amount|rupiah }}|{{ nothing|datetime_in:zone }}"
        )
        context = Context(
            {
                "at": dt.datetime(2026, 12, 2, 7, 5, tzinfo=dt.UTC),
                "zone": "Asia/Makassar",
                "day": dt.date(2026, 12, 2),
                "month": "2026-12",
                "amount": 1250000,
                "nothing": None,
            }
        )
        with translation.override("id"):
            self.assertEqual(
                template.render(context),
                "2 Desember 2026 15.05 WITA|2 Desember 2026|Desember 2026|Rp1.250.000|",
            )
        with translation.override("en"):
            self.assertEqual(
                template.render(context),
                "2 December 2026 15:05 WITA|2 December 2026|December 2026|Rp1.250.000|",
            )


class DateAnswerTests(ApiTestCase):
    def test_a_date_answer_is_written_in_words_in_the_pages_language(self) -> None:
        content = charter_content()
        content["form"] = [
            *content["form"],
            {"key": "tanggal_lahir", "label": "Tanggal lahir", "type": "date"},
        ]
        self.adopt(self.akta, content)
        number = self.draft(answers={"tanggal_lahir": "2026-11-02"})
        self.login(self.siti)
        check = visible(self.client.get(f"/permohonan/{number}/periksa/").content.decode())
        self.assertIn("Tanggal lahir 2 November 2026", check)
        self.assertNotIn("2026-11-02", check)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        check = visible(self.client.get(f"/permohonan/{number}/periksa/").content.decode())
        self.assertIn("2 November 2026", check)


class MyApplicationsTests(ApiTestCase):
    def test_due_dates_in_the_list_carry_the_zone(self) -> None:
        with time_machine.travel(MONDAY, tick=False):
            number = self.submitted()
            application = actions.Application.objects.get(number=number)
            actions.act_on_step(
                application=application,
                step=application.steps.get(key="verifikasi"),
                officer=self.budi,
                action="approve",
            )
            self.login(self.siti)
            mine = visible(self.client.get("/permohonan/").content.decode())
        self.assertIn("3 Desember 2026 16.00 WIB", mine)
