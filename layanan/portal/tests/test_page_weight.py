"""Budget: a charter page on first load transfers at most 60 KB gzip, CSS and JS included."""

import gzip
import re

from layanan.test import BaseTestCase

BUDGET = 60 * 1024


class PageWeightTests(BaseTestCase):
    def transferred(self, url: str) -> int:
        response = self.client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        self.assertEqual(response.status_code, 200, url)
        body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
        if response.get("Content-Encoding") != "gzip":
            # Counted as a browser would receive it from a server that compresses text.
            return len(gzip.compress(body))
        return len(body)

    def test_a_charter_page_with_its_assets_fits_the_budget(self) -> None:
        page = self.client.get("/layanan/akta-kelahiran/", HTTP_ACCEPT_ENCODING="gzip")
        self.assertEqual(page["Content-Encoding"], "gzip")
        html = gzip.decompress(page.content).decode()
        assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
        self.assertTrue(any(a.endswith(".css") for a in assets), assets)
        total = len(page.content) + sum(self.transferred(a) for a in assets)
        self.assertLessEqual(total, BUDGET, f"charter page transfers {total} bytes")

    def test_static_assets_are_served_compressed(self) -> None:
        response = self.client.get("/static/layanan/layanan.css", HTTP_ACCEPT_ENCODING="gzip")
        self.assertEqual(response["Content-Encoding"], "gzip")
