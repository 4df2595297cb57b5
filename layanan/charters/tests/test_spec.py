"""The charter reader: every rule an agency administrator can break, with its message."""

from typing import Any

from django.test import SimpleTestCase
from django.utils import translation

from layanan.charters.spec import UnitRef, read_charter
from layanan.test import charter_content

UNITS = {
    "disdukcapil-loket": UnitRef("disdukcapil-loket", "disdukcapil"),
    "disdukcapil-capil": UnitRef("disdukcapil-capil", "disdukcapil"),
}


def problems_of(content: dict[str, Any]) -> list[str]:
    _normalised, problems = read_charter(content, units=UNITS)
    return [str(p) for p in problems]


def with_step(**changes: Any) -> dict[str, Any]:
    content = charter_content()
    content["procedure"]["stages"][0]["steps"][0].update(changes)
    return content


class ReadCharterTests(SimpleTestCase):
    def setUp(self) -> None:
        # Messages are asserted in English, the source language; see test_messages_in_indonesian.
        self.enterContext(translation.override("en"))

    def test_messages_in_indonesian(self) -> None:
        with translation.override("id"):
            problems = problems_of(with_step(unit="dpupr-bangunan"))
        self.assertIn(
            "procedure.stages[0].steps[0].unit: unit kerja 'dpupr-bangunan' tidak dikenal",
            problems,
        )

    def test_a_complete_charter_has_no_problems(self) -> None:
        self.assertEqual(problems_of(charter_content()), [])

    def test_it_normalises_text_and_derives_step_agencies(self) -> None:
        content, _ = read_charter(charter_content(), units=UNITS)
        self.assertEqual(content["form"][1]["label"], {"id": "NIK ibu", "en": ""})
        self.assertEqual(content["procedure"]["stages"][0]["steps"][0]["agency"], "disdukcapil")
        self.assertEqual(content["fee"]["amount"], 0)
        again, problems = read_charter(content, units=UNITS)
        self.assertEqual(problems, [])
        self.assertEqual(again, content, "reading the normalised form again changes nothing")

    def test_it_needs_at_least_one_stage(self) -> None:
        problems = problems_of(charter_content(procedure={"stages": []}))
        self.assertIn("procedure.stages: the procedure needs at least one stage", problems)

    def test_a_step_needs_a_unit_that_exists(self) -> None:
        self.assertIn(
            "procedure.stages[0].steps[0].unit: is required", problems_of(with_step(unit=""))
        )
        self.assertIn(
            "procedure.stages[0].steps[0].unit: unknown unit 'dpupr-bangunan'",
            problems_of(with_step(unit="dpupr-bangunan")),
        )

    def test_a_step_needs_a_positive_limit(self) -> None:
        problems = problems_of(with_step(time_limit={"amount": 0, "unit": "working_days"}))
        self.assertIn(
            "procedure.stages[0].steps[0].time_limit.amount: must be greater than zero", problems
        )

    def test_the_total_limit_must_be_positive(self) -> None:
        problems = problems_of(charter_content(time_limit={"amount": -2, "unit": "working_days"}))
        self.assertIn("time_limit.amount: must be greater than zero", problems)

    def test_the_limit_unit_must_be_known(self) -> None:
        problems = problems_of(charter_content(time_limit={"amount": 2, "unit": "weeks"}))
        self.assertIn(
            "time_limit.unit: unknown value 'weeks'; use one of: working_days, working_hours",
            problems,
        )

    def test_the_fee_cannot_be_negative_and_a_fee_needs_its_basis(self) -> None:
        self.assertIn("fee.amount: must be at least 0", problems_of(charter_content(fee=-5)))
        self.assertIn(
            "fee.legal_basis: a fee needs the regulation that sets it",
            problems_of(charter_content(fee=30000)),
        )
        paid = charter_content(fee={"amount": 30000, "legal_basis": "PP 76/2020"})
        self.assertEqual(problems_of(paid), [])

    def test_form_keys_are_unique(self) -> None:
        content = charter_content()
        content["form"].append({"key": "nik_ibu", "label": "Lagi", "type": "text"})
        self.assertIn("form[3].key: duplicate form key 'nik_ibu'", problems_of(content))

    def test_a_select_needs_choices(self) -> None:
        content = charter_content()
        content["form"][2]["choices"] = []
        self.assertIn(
            "form[2].choices: a select field needs at least one choice", problems_of(content)
        )

    def test_field_types_are_checked(self) -> None:
        content = charter_content()
        content["form"][0]["type"] = "colour"
        self.assertIn(
            "form[0].type: unknown value 'colour'; use one of: text, textarea, number, date, "
            "email, phone, nik, select, checkbox",
            problems_of(content),
        )

    def test_a_data_requirement_names_an_existing_field(self) -> None:
        content = charter_content()
        content["requirements"][1]["field"] = "nik_ayah"
        self.assertIn(
            "requirements[1].field: no form field has the key 'nik_ayah'", problems_of(content)
        )

    def test_deemed_approval_needs_a_legal_basis(self) -> None:
        content = charter_content(guarantee={"deemed_approval": {}})
        self.assertIn(
            "guarantee.deemed_approval.legal_basis: deemed approval needs the legal basis that "
            "grants it",
            problems_of(content),
        )

    def test_a_free_service_cannot_promise_a_refund(self) -> None:
        content = charter_content(
            guarantee={"compensation": {"kind": "refund_percent", "percent": 50}}
        )
        self.assertIn(
            "guarantee.compensation.kind: this service is free: there is no fee to refund or waive",
            problems_of(content),
        )

    def test_per_day_compensation_needs_a_cap_at_least_the_daily_amount(self) -> None:
        content = charter_content(
            guarantee={"compensation": {"kind": "per_day", "amount": 20000, "cap": 5000}}
        )
        self.assertIn(
            "guarantee.compensation.cap: the cap must be at least the daily amount",
            problems_of(content),
        )

    def test_escalation_rungs_come_in_order(self) -> None:
        content = charter_content(
            guarantee={
                "escalation": [
                    {"at_percent": 200, "to": "agency_head"},
                    {"at_percent": 100, "to": "supervisor"},
                ]
            }
        )
        self.assertIn(
            "guarantee.escalation[1].at_percent: each rung must come later than the one before",
            problems_of(content),
        )

    def test_the_stages_must_fit_in_the_total_limit(self) -> None:
        problems = problems_of(charter_content(time_limit={"amount": 2, "unit": "working_days"}))
        self.assertIn(
            "time_limit: the stages take up to 24 working hours one after another, more than the "
            "total limit of 16 working hours",
            problems,
        )

    def test_parallel_steps_count_once(self) -> None:
        content = charter_content(time_limit={"amount": 3, "unit": "working_days"})
        content["procedure"]["stages"][1]["steps"].append(
            {
                "key": "arsip",
                "name": "Arsip",
                "unit": "disdukcapil-loket",
                "time_limit": {"amount": 2, "unit": "working_days"},
            }
        )
        self.assertEqual(problems_of(content), [])

    def test_unknown_keys_and_wrong_types_are_reported(self) -> None:
        content = charter_content(colour="blue", requirements="KTP")
        problems = problems_of(content)
        self.assertIn("colour: unknown key", problems)
        self.assertIn("requirements: must be a list", problems)

    def test_every_problem_is_reported_at_once(self) -> None:
        content = charter_content(fee=-1, time_limit=0, procedure={"stages": []})
        self.assertGreaterEqual(len(problems_of(content)), 3)
