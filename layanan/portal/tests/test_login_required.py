"""Walk the whole URLconf: every back-office (/kantor/) and admin URL demands a login."""

import re
from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver

from layanan.test import BaseTestCase

PROTECTED_PREFIXES = ("kantor/", "admin/")
# Pages that must be reachable without a login: the sign-in itself, and the admin's logout
# (which only accepts POST and signs nobody in).
OPEN = {"admin/login/", "admin/logout/"}
SAMPLE = {
    "int": "1",
    "slug": "x",
    "str": "x",
    "path": "x/y",
    "uuid": "00000000-0000-0000-0000-000000000000",
}


def walk(patterns: list, prefix: str = "") -> Iterator[str]:
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route


def concrete(route: str) -> str:
    """Turn a route (or a regex route) into a URL that resolves, with sample arguments."""
    url = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE.get(m.group(1) or "str", "x"), route)
    url = re.sub(r"\(\?P<\w+>[^)]*\)", "x", url)
    return "/" + url.lstrip("^").rstrip("$").replace("\\", "")


class LoginRequiredTests(BaseTestCase):
    def test_every_protected_url_redirects_an_anonymous_visitor_to_sign_in(self) -> None:
        routes = [
            r
            for r in walk(get_resolver().url_patterns)
            if r.lstrip("^").startswith(PROTECTED_PREFIXES)
        ]
        checked = 0
        for route in routes:
            url = concrete(route)
            if url.lstrip("/") in OPEN:
                continue
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertIn(response.status_code, (302, 403), url)
                if response.status_code == 302:
                    self.assertRegex(response["Location"], r"/(admin/login|masuk)/\?next=")
                checked += 1
        self.assertGreater(checked, 30, "the walk found the admin's URLs")

    def test_a_citizen_without_staff_rights_cannot_open_the_admin(self) -> None:
        self.login(self.siti)
        response = self.client.get("/admin/charters/charter/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/admin/login/", response["Location"])
