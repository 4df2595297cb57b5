"""Failed look-ups of tracking numbers are limited per client, on the page, the form and the
API; numbers the client has been shown are always answered."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import time_machine
from django.test import override_settings

from layanan.lib import tracking
from layanan.test import BaseTestCase

ALLOWED = 20


def unknown_numbers(count: int, seed: int = 8) -> list[str]:
    """Well-formed numbers (right check symbol) that no application has."""
    rng = random.Random(seed)
    numbers = []
    for _ in range(count):
        payload = "".join(rng.choices(tracking.ALPHABET, k=tracking.RANDOM_LENGTH))
        numbers.append(tracking.format(payload + tracking.check_symbol(payload)))
    return numbers


class TrackingLimitTests(BaseTestCase):
    def setUp(self) -> None:
        self.known = self.submitted().number
        self.start = time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False)
        self.start.start()
        self.addCleanup(self.start.stop)

    def page(self, number: str, address: str = "203.0.113.7", **headers: Any) -> Any:
        return self.client.get(f"/lacak/{number}/", REMOTE_ADDR=address, headers=headers)

    def api(self, number: str, address: str = "203.0.113.7") -> Any:
        return self.client.get(f"/api/v1/track/{number}", REMOTE_ADDR=address)

    def use_up_failures(self, look_up: Any = None) -> None:
        look_up = look_up or self.page
        for number in unknown_numbers(ALLOWED):
            self.assertEqual(look_up(number).status_code, 404, number)

    def test_the_21st_unknown_number_is_refused_with_a_message(self) -> None:
        self.use_up_failures()
        refused = self.page(unknown_numbers(1, seed=99)[0])
        self.assertEqual(refused.status_code, 429)
        self.assertContains(
            refused,
            "Terlalu banyak nomor registrasi yang tidak ada dicari dari jaringan Anda",
            status_code=429,
        )
        self.assertContains(refused, "10 menit", status_code=429)
        self.assertEqual(refused["Retry-After"], "600")

    def test_a_refused_client_learns_nothing_about_a_new_number(self) -> None:
        """Even a number that exists is not looked up for a refused client it was never
        shown to: otherwise 200 against 429 would tell which numbers exist."""
        self.use_up_failures()
        self.assertEqual(self.page(self.known).status_code, 429)
        self.assertEqual(self.api(self.known).status_code, 429)

    def test_a_citizen_refreshing_their_application_is_never_refused(self) -> None:
        self.assertEqual(self.page(self.known).status_code, 200)
        self.use_up_failures()
        for _ in range(30):
            response = self.page(self.known)
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, self.known)
        self.assertEqual(self.api(self.known).status_code, 200)

    def test_a_number_shown_in_the_last_day_is_answered(self) -> None:
        """The mark of a shown number is rewritten only once it is a day old (a known
        number costs no write per request), yet it always covers the last day."""
        self.assertEqual(self.page(self.known).status_code, 200)
        for hours in (23, 47, 70, 94):  # each look within a day of the one before
            moment = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC) + dt.timedelta(hours=hours)
            with time_machine.travel(moment, tick=False):
                self.use_up_failures()
                self.assertEqual(self.page(self.known).status_code, 200, hours)
        late = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC) + dt.timedelta(hours=94 + 49)
        with time_machine.travel(late, tick=False):  # not seen for two days: counted anew
            self.use_up_failures()
            self.assertEqual(self.page(self.known).status_code, 429)

    def test_successful_look_ups_do_not_count(self) -> None:
        for _ in range(50):
            self.assertEqual(self.page(self.known).status_code, 200)
        self.assertEqual(self.page(unknown_numbers(1)[0]).status_code, 404)

    def test_malformed_numbers_on_the_form_and_the_page_count_too(self) -> None:
        for index in range(ALLOWED // 2):
            form = self.client.get("/lacak/", {"nomor": f"ABC{index}"}, REMOTE_ADDR="203.0.113.7")
            self.assertEqual(form.status_code, 400)
            self.assertEqual(self.page(f"XYZ{index}").status_code, 400)
        form = self.client.get("/lacak/", {"nomor": "ABCD"}, REMOTE_ADDR="203.0.113.7")
        self.assertEqual(form.status_code, 429)
        self.assertContains(form, 'href="#nomor"', status_code=429)
        self.assertEqual(self.page("XYZ").status_code, 429)

    def test_the_api_counts_and_refuses_in_its_json_shape(self) -> None:
        self.use_up_failures(self.api)
        refused = self.api(unknown_numbers(1, seed=5)[0])
        self.assertEqual(refused.status_code, 429)
        self.assertEqual(refused.json()["code"], "rate_limited")
        self.assertIn("10 menit", refused.json()["message"])
        self.assertEqual(self.api("not-a-number").status_code, 429)
        # the page and the API share the client's count
        self.assertEqual(self.page(unknown_numbers(1, seed=6)[0]).status_code, 429)

    def test_other_clients_are_not_refused(self) -> None:
        self.use_up_failures()
        self.assertEqual(self.page(unknown_numbers(1)[0], address="198.51.100.9").status_code, 404)
        self.assertEqual(self.page(self.known, address="198.51.100.9").status_code, 200)

    def test_the_limit_ends_with_its_window(self) -> None:
        self.use_up_failures()
        self.assertEqual(self.page(self.known).status_code, 429)
        self.start.stop()
        with time_machine.travel(dt.datetime(2026, 12, 1, 9, 10, 1, tzinfo=dt.UTC)):
            self.assertEqual(self.page(self.known).status_code, 200)
            self.assertEqual(self.page(unknown_numbers(1, seed=7)[0]).status_code, 404)
        self.start.start()

    @override_settings(LAYANAN_TRUSTED_PROXY_HEADER="X-Forwarded-For")
    def test_behind_a_proxy_clients_are_told_apart_by_the_header_it_adds(self) -> None:
        proxy = "10.0.0.2"
        for number in unknown_numbers(ALLOWED):
            # a client cannot escape by writing its own X-Forwarded-For: the proxy's entry is last
            spoofed = f"192.0.2.{random.randint(1, 254)}, 203.0.113.7"
            self.assertEqual(
                self.page(number, proxy, **{"X-Forwarded-For": spoofed}).status_code, 404
            )
        last = unknown_numbers(1, seed=3)[0]
        self.assertEqual(
            self.page(last, proxy, **{"X-Forwarded-For": "203.0.113.7"}).status_code, 429
        )
        self.assertEqual(
            self.page(last, proxy, **{"X-Forwarded-For": "198.51.100.9"}).status_code, 404
        )

    def test_ipv6_clients_count_per_network(self) -> None:
        for index, number in enumerate(unknown_numbers(ALLOWED)):
            self.assertEqual(
                self.page(number, address=f"2001:db8:1:2::{index + 1:x}").status_code, 404
            )
        self.assertEqual(self.page(self.known, address="2001:db8:1:2::ffff").status_code, 429)
        self.assertEqual(self.page(self.known, address="2001:db8:1:3::1").status_code, 200)
