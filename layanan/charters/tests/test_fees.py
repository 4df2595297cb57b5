"""The charter's fee kinds: what the reader accepts and refuses, the tiered tariff as a
property against a unit-by-unit reference, and the charter page and API that publish it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.test import SimpleTestCase
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from layanan.charters.fees import amount_due, fee_of, payment_gate, tiered_amount
from layanan.charters.models import Service
from layanan.charters.spec import read_charter
from layanan.charters.tests.test_spec import UNITS, problems_of
from layanan.test import BaseTestCase, charter_content

BASIS = "Perda Kabupaten Contoh 1/2024, Lampiran Retribusi PBG"
LUAS = {
    "key": "luas",
    "label": {"id": "Luas bangunan", "en": "Floor area"},
    "type": "number",
    "unit": "m²",
}
TIERS = [{"up_to": 100, "rate": 10000}, {"up_to": 500, "rate": 8000}, {"rate": 5000}]


def with_fee(fee: Any, *, form_extra: tuple[dict[str, Any], ...] = (LUAS,)) -> dict[str, Any]:
    content = charter_content(fee=fee)
    content["form"] = [*content["form"], *form_extra]
    return content


def normalised(fee: Any) -> dict[str, Any]:
    content, problems = read_charter(with_fee(fee), units=UNITS)
    assert not problems, problems
    return content


def formula(**changes: Any) -> dict[str, Any]:
    fee = {
        "kind": "formula",
        "legal_basis": BASIS,
        "formula": {"field": "luas", "tiers": TIERS},
        "due": "before_processing",
    }
    fee.update(changes)
    return fee


class ReadFeeTests(SimpleTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))

    def read(self, fee: Any) -> dict[str, Any]:
        content, problems = read_charter(with_fee(fee), units=UNITS)
        self.assertEqual(problems, [])
        return content["fee"]

    def test_a_bare_amount_reads_as_before_fixed_or_free_and_billed_outside(self) -> None:
        self.assertEqual(self.read(0)["kind"], "free")
        fixed = self.read({"amount": 30000, "legal_basis": "PP 76/2020"})
        self.assertEqual((fixed["kind"], fixed["amount"], fixed["due"]), ("fixed", 30000, ""))
        self.assertIsNone(payment_gate(with_fee({"amount": 30000}), {}))

    def test_the_normalised_fee_reads_again_the_same(self) -> None:
        for fee in (
            0,
            {"amount": 5000, "legal_basis": "x", "due": "before_issue"},
            formula(due={"after_step": "verifikasi"}),
            {
                "kind": "assessed",
                "legal_basis": BASIS,
                "assessed": {"step": "verifikasi", "min": 100000, "max": 900000},
            },
        ):
            once = self.read(fee)
            self.assertEqual(self.read(once), once)

    def test_a_formula_names_a_required_number_field_and_rising_tiers(self) -> None:
        self.assertIn(
            "fee.formula.field: no form field has the key 'lebar'",
            problems_of(with_fee(formula(formula={"field": "lebar", "tiers": TIERS}))),
        )
        self.assertIn(
            "fee.formula.field: a fee is computed on a number field",
            problems_of(with_fee(formula(formula={"field": "nama_anak", "tiers": TIERS}))),
        )
        optional = {**LUAS, "required": False}
        self.assertIn(
            "fee.formula.field: the field the fee is computed on must be required",
            problems_of(with_fee(formula(), form_extra=(optional,))),
        )
        falling = [{"up_to": 100, "rate": 1}, {"up_to": 50, "rate": 2}, {"rate": 3}]
        closed = [{"up_to": 100, "rate": 1}]
        problems = problems_of(with_fee(formula(formula={"field": "luas", "tiers": falling})))
        self.assertIn(
            "fee.formula.tiers[1].up_to: each tier must end above the one before", problems
        )
        self.assertIn(
            "fee.formula.tiers[0].up_to: the last tier has no upper bound: it takes the rest",
            problems_of(with_fee(formula(formula={"field": "luas", "tiers": closed}))),
        )

    def test_an_assessment_names_a_step_a_range_and_is_paid_after_it(self) -> None:
        def assessed(**changes: Any) -> dict[str, Any]:
            return {
                "kind": "assessed",
                "legal_basis": BASIS,
                "assessed": {"step": "terbit", "min": 100, "max": 50, **changes},
            }

        problems = problems_of(with_fee(assessed(step="survei")))
        self.assertIn("fee.assessed.step: no step has the key 'survei'", problems)
        self.assertIn("fee.assessed.max: the maximum is below the minimum", problems)
        self.assertIn(
            "fee.due: the fee is paid only after the step that assesses it",
            problems_of(with_fee({**assessed(max=200), "due": "before_processing"})),
        )
        self.assertIn(
            "fee.due: the fee is paid only after the step that assesses it",
            problems_of(with_fee({**assessed(max=200), "due": {"after_step": "verifikasi"}})),
        )

    def test_the_kinds_do_not_mix(self) -> None:
        self.assertIn(
            "fee.amount: only a fixed fee states one amount",
            problems_of(with_fee(formula(amount=5000))),
        )
        self.assertIn(
            "fee.due: a free service has nothing to pay",
            problems_of(with_fee({"kind": "free", "due": "before_issue"})),
        )
        self.assertIn(
            "fee.legal_basis: a fee needs the regulation that sets it",
            problems_of(with_fee(formula(legal_basis=""))),
        )
        self.assertIn("fee.due: say when the fee is paid", problems_of(with_fee(formula(due=None))))
        self.assertIn(
            "fee.due: unknown value 'later'; use one of: before_processing, "
            "{after_step: KEY}, before_issue",
            problems_of(with_fee(formula(due="later"))),
        )

    def test_the_payment_gate_is_the_stage_that_waits(self) -> None:
        answers = {"luas": "36"}
        self.assertEqual(payment_gate(normalised(formula()), answers), 0)
        self.assertEqual(
            payment_gate(normalised(formula(due={"after_step": "verifikasi"})), answers), 1
        )
        self.assertEqual(payment_gate(normalised(formula(due="before_issue")), answers), 2)
        free_tier = formula(
            formula={"field": "luas", "tiers": [{"up_to": 10, "rate": 0}, {"rate": 5}]}
        )
        self.assertIsNone(payment_gate(normalised(free_tier), {"luas": "8"}))

    def test_the_amount_of_each_kind(self) -> None:
        tiers = fee_of(normalised(formula()))
        self.assertEqual(amount_due(tiers, {"luas": "150.5"}), 100 * 10000 + 50.5 * 8000)
        self.assertIsNone(amount_due(tiers, {}))
        whole = fee_of(
            {"fee": formula(formula={"field": "luas", "tiers": TIERS, "apply": "whole"})}
        )
        self.assertEqual(amount_due(whole, {"luas": "150"}), 150 * 8000)
        assessed = {"kind": "assessed", "assessed": {"step": "s", "min": 10, "max": 20}}
        self.assertIsNone(amount_due(assessed, {}))
        self.assertEqual(amount_due(assessed, {}, assessed=15), 15)
        with self.assertRaises(ValueError):
            amount_due(assessed, {}, assessed=21)


# -- the tariff, against a reference that charges one unit at a time --------------------------

tier_lists = st.lists(
    st.tuples(st.integers(min_value=1, max_value=50), st.integers(min_value=0, max_value=20000)),
    min_size=0,
    max_size=4,
).flatmap(
    lambda steps: st.integers(min_value=0, max_value=20000).map(
        lambda last: [
            *(
                {"up_to": str(sum(width for width, _rate in steps[: i + 1])), "rate": rate}
                for i, (_width, rate) in enumerate(steps)
            ),
            {"up_to": None, "rate": last},
        ]
    )
)


def rate_of_unit(tiers: list[dict[str, Any]], unit: int) -> int:
    """The rate of the `unit`-th unit (1-based): that of the first tier that reaches it."""
    return next(t["rate"] for t in tiers if t["up_to"] is None or unit <= int(t["up_to"]))


class TieredTariffProperties(SimpleTestCase):
    @given(tier_lists, st.integers(min_value=0, max_value=400), st.integers(0, 100000))
    def test_each_part_is_the_sum_of_every_unit_at_its_own_rate(
        self, tiers: list[dict[str, Any]], quantity: int, base: int
    ) -> None:
        expected = base + sum(rate_of_unit(tiers, unit) for unit in range(1, quantity + 1))
        self.assertEqual(
            tiered_amount(Decimal(quantity), tiers, apply="each_part", base=base), expected
        )

    @given(
        tier_lists, st.decimals(min_value=0, max_value=400, places=2), st.decimals(0, 400, places=2)
    )
    def test_each_part_never_falls_as_the_quantity_grows(
        self, tiers: list[dict[str, Any]], a: Decimal, b: Decimal
    ) -> None:
        low, high = sorted((a, b))
        self.assertLessEqual(
            tiered_amount(low, tiers, apply="each_part"),
            tiered_amount(high, tiers, apply="each_part"),
        )

    @given(tier_lists, st.integers(min_value=0, max_value=400))
    def test_whole_charges_every_unit_at_the_rate_of_the_tier_the_quantity_is_in(
        self, tiers: list[dict[str, Any]], quantity: int
    ) -> None:
        rate = rate_of_unit(tiers, max(quantity, 1))
        self.assertEqual(tiered_amount(Decimal(quantity), tiers, apply="whole"), rate * quantity)

    @given(tier_lists, st.decimals(min_value=0, max_value=400, places=3))
    def test_the_amount_is_whole_rupiah_within_half_a_rupiah_of_the_exact_sum(
        self, tiers: list[dict[str, Any]], quantity: Decimal
    ) -> None:
        exact = Decimal(0)
        lower = Decimal(0)
        for tier in tiers:
            upper = quantity if tier["up_to"] is None else min(quantity, Decimal(tier["up_to"]))
            exact += max(upper - lower, Decimal(0)) * tier["rate"]
            if tier["up_to"] is None:
                break
            lower = Decimal(tier["up_to"])
        self.assertLessEqual(
            abs(tiered_amount(quantity, tiers, apply="each_part") - exact), Decimal("0.5")
        )


# -- the charter page and the services API --------------------------------------------------


class FeeOnTheCharterPageTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        pbg = Service.objects.create(
            code="pbg",
            name="Persetujuan Bangunan Gedung",
            lead_agency=cls.disdukcapil,
            category=Service.Category.LAND,
            channels=["online"],
        )
        cls.adopt(pbg, with_fee(formula(due="before_issue")))

    def test_a_free_service_says_gratis_with_the_pungli_warning_and_link(self) -> None:
        page = self.client.get("/layanan/akta-kelahiran/").content.decode()
        self.assertIn("Gratis</strong> — tidak dipungut biaya", page)
        self.assertIn("Tidak ada pungutan apa pun yang sah", page)
        self.assertIn("kategori=disdukcapil.pungli&amp;layanan=akta-kelahiran", page)
        # once: two links of the same name on one page are one too many (and the browser test
        # of issue 9 clicks it by its name)
        self.assertEqual(page.count("Laporkan pungutan liar"), 1)
        self.assertNotIn("tagihan", page)

    def test_a_tiered_tariff_is_shown_tier_by_tier_with_its_basis_and_when_it_is_paid(self) -> None:
        page = self.client.get("/layanan/pbg/").content.decode()
        self.assertIn("Dihitung dari jawaban Anda untuk “Luas bangunan”", page)
        self.assertIn("Rp10.000 per m² untuk 100 m² pertama", page)
        self.assertIn("Rp8.000 per m² untuk setiap m² di atas 100 m² sampai 500 m²", page)
        self.assertIn("Rp5.000 per m² untuk setiap m² di atas 500 m²", page)
        self.assertIn(f"ditetapkan dengan {BASIS}", page)
        self.assertIn(
            "Dibayar setelah permohonan Anda disetujui, sebelum produk diterbitkan.", page
        )
        self.assertIn("batas waktu dihentikan sementara", page)

    def test_a_refund_of_a_tariff_is_promised_on_what_is_billed(self) -> None:
        pbg = Service.objects.get(code="pbg")
        content = with_fee(formula(due="before_issue"))
        content["guarantee"] = {"compensation": {"kind": "refund_percent", "percent": 50}}
        self.adopt(pbg, content)
        page = self.client.get("/layanan/pbg/").content.decode()
        self.assertIn("50% dari biaya yang ditagihkan kepada Anda dikembalikan", page)

    def test_the_services_api_keeps_fee_and_adds_how_it_is_computed(self) -> None:
        services = {s["code"]: s for s in self.client.get("/api/v1/services").json()}
        self.assertEqual((services["pbg"]["fee"], services["pbg"]["fee_kind"]), (0, "formula"))
        self.assertEqual(services["akta-kelahiran"]["fee_kind"], "free")
        detail = self.client.get("/api/v1/services/pbg", HTTP_ACCEPT_LANGUAGE="en").json()
        fee = detail["fee_detail"]
        self.assertEqual((fee["kind"], fee["due"]), ("formula", "before_issue"))
        self.assertEqual(fee["formula"]["tiers"][0], {"up_to": "100", "rate": 10000})
        self.assertEqual(fee["how"][0], "Rp10.000 per m² for the first 100 m²")
        self.assertEqual(detail["fee_legal_basis"], BASIS)
