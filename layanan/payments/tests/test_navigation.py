"""The treasurer finds the treasurer's page from every page: a "Payments" link in the
navigation for treasurers only (the walkthrough found the page linked from nowhere)."""

from __future__ import annotations

from layanan.payments.tests.base import PaymentTestCase

LINK = '<a class="govuk-service-navigation__link" href="/kantor/pembayaran/"'


class TreasurerNavigationTests(PaymentTestCase):
    def test_only_a_treasurer_sees_the_payments_link(self) -> None:
        self.login(self.tini)  # the treasurer of Disdukcapil
        self.assertContains(self.client.get("/"), LINK)
        self.assertContains(self.client.get("/kantor/pembayaran/"), 'aria-current="page"')
        for someone in (self.budi, self.siti):  # an officer who is no treasurer, a citizen
            self.login(someone)
            self.assertNotContains(self.client.get("/"), LINK)
