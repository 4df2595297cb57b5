"""Turn a charter's stored components into what the public pages show, in plain words."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import formats
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from layanan.agencies.models import Agency, Unit
from layanan.charters.models import Charter
from layanan.charters.spec import text_in
from layanan.lib.money import rupiah


def local(value: Any) -> str:
    return text_in(value, get_language() or "id")


def describe_limit(limit: dict[str, Any]) -> str:
    amount = int(limit.get("amount", 0))
    if limit.get("unit") == "working_hours":
        return ngettext("%(n)d working hour", "%(n)d working hours", amount) % {"n": amount}
    return ngettext("%(n)d working day", "%(n)d working days", amount) % {"n": amount}


def describe_fee(amount: int) -> str:
    if amount == 0:
        return _("Free of charge")
    return rupiah(amount)


@dataclass(frozen=True)
class FeeNotice:
    """The official fee of a charter version and the promise that nothing else is charged."""

    amount: int  # the fixed amount; the least it can be for a formula or an assessment
    text: str  # "Rp50.000", "Gratis", "Rp100.000 – Rp5.000.000"...
    legal_basis: str
    note: str
    lawful: str  # that no other charge is lawful
    kind: str = "fixed"  # free | fixed | formula | assessed
    how: tuple[str, ...] = ()  # how the amount is computed, one line per tier or rule
    when: str = ""  # when it is paid, and that the clock is paused meanwhile

    def __str__(self) -> str:
        """One line for messages: "Biaya: Rp50.000. Tidak ada pungutan lain yang sah: …"."""
        return _("Fee: %(fee)s. %(lawful)s") % {"fee": self.text, "lawful": self.lawful}

    @property
    def free(self) -> bool:
        return self.kind == "free"


def number_words(value: Any) -> str:
    """100 → "100", "12.5" → "12,5" (in Indonesian)."""
    return str(formats.number_format(Decimal(str(value)).normalize(), use_l10n=True))


def tier_lines(formula: dict[str, Any], field: dict[str, Any]) -> list[str]:
    """A tiered tariff in words, one line per tier, as a regulation's table reads."""
    unit = local(field.get("unit")) or _("unit")
    label = local(field.get("label"))
    lines = []
    lower: str | None = None
    tiers = formula["tiers"]
    for tier in tiers:
        values = {"rate": rupiah(tier["rate"]), "unit": unit, "label": label}
        upper = tier["up_to"]
        if formula["apply"] == "whole":
            if upper is None and lower is None:
                line = _("%(rate)s per %(unit)s of %(label)s") % values
            elif upper is None:
                line = _(
                    "%(rate)s per %(unit)s for all of it when %(label)s is above %(lower)s"
                ) % {**values, "lower": f"{number_words(lower)} {unit}"}
            else:
                line = _(
                    "%(rate)s per %(unit)s for all of it when %(label)s is at most %(upper)s"
                ) % {**values, "upper": f"{number_words(upper)} {unit}"}
        elif upper is None and lower is None:
            line = _("%(rate)s per %(unit)s of %(label)s") % values
        elif upper is None:
            line = _("%(rate)s per %(unit)s for each %(unit)s above %(lower)s") % {
                **values,
                "lower": f"{number_words(lower)} {unit}",
            }
        elif lower is None:
            line = _("%(rate)s per %(unit)s for the first %(upper)s") % {
                **values,
                "upper": f"{number_words(upper)} {unit}",
            }
        else:
            line = _("%(rate)s per %(unit)s for each %(unit)s above %(lower)s up to %(upper)s") % {
                **values,
                "lower": f"{number_words(lower)} {unit}",
                "upper": f"{number_words(upper)} {unit}",
            }
        lines.append(line)
        lower = upper
    if formula.get("base"):
        lines.append(_("plus a fixed %(amount)s") % {"amount": rupiah(formula["base"])})
    return lines


def step_name(content: dict[str, Any], key: str) -> str:
    for stage in content.get("procedure", {}).get("stages", []):
        for step in stage["steps"]:
            if step["key"] == key:
                return local(step["name"])
    return key


def payment_moment(fee: dict[str, Any], content: dict[str, Any]) -> str:
    """When the fee is paid, in a sentence, with the pause of the clock."""
    paused = _(
        "Layanan gives you a bill with a payment code; while it is open the time limit is "
        "paused, because that time is yours."
    )
    if fee["due"] == "before_processing":
        return _("Paid after you submit, before processing starts.") + " " + paused
    if fee["due"] == "after_step":
        return (
            _("Paid when the step “%(step)s” is done, before processing continues.")
            % {"step": step_name(content, fee["due_step"])}
            + " "
            + paused
        )
    if fee["due"] == "before_issue":
        return (
            _("Paid after your application is approved, before the product is issued.")
            + " "
            + paused
        )
    if fee["kind"] == "free":
        return ""
    return _(
        "Layanan does not bill this fee: pay it only at the official place named here, and "
        "ask for a receipt."
    )


def fee_notice(charter: Charter) -> FeeNotice:
    """The fee as the charter, start, check, application and completion pages and messages
    state it: what it is, how it is computed, when it is paid, and its legal basis."""
    content = charter.content
    fee = charter.fee_spec
    how: list[str] = []
    if fee["kind"] == "free":
        text = describe_fee(0)
        lawful = _("No charge of any kind is lawful: nobody may ask you to pay for this service.")
    else:
        lawful = _(
            "This is the only lawful charge: nobody may ask you to pay more or to pay for "
            "anything else."
        )
        if fee["kind"] == "fixed":
            text = describe_fee(fee["amount"])
        elif fee["kind"] == "formula":
            formula = fee["formula"]
            field: dict[str, Any] = next(
                (f for f in content.get("form", []) if f["key"] == formula["field"]), {}
            )
            text = _("Computed from your answer to “%(label)s”") % {
                "label": local(field.get("label"))
            }
            how = tier_lines(formula, field)
        else:
            assessed = fee["assessed"]
            text = _("%(low)s to %(high)s") % {
                "low": rupiah(assessed["min"]),
                "high": rupiah(assessed["max"]),
            }
            how = [
                _("The exact amount is set at the step “%(step)s”, within this range.")
                % {"step": step_name(content, assessed["step"])}
            ]
    return FeeNotice(
        amount=charter.fee,
        text=text,
        legal_basis=str(fee.get("legal_basis") or ""),
        note=local(fee.get("note")),
        lawful=lawful,
        kind=fee["kind"],
        how=tuple(str(line) for line in how),
        when=str(payment_moment(fee, content)),
    )


@dataclass
class StepView:
    key: str
    name: str
    description: str
    unit: Unit | None
    unit_code: str
    role: str
    limit: str


@dataclass
class StageView:
    number: int
    name: str
    steps: list[StepView]

    @property
    def parallel(self) -> bool:
        return len(self.steps) > 1


def stages_of(charter: Charter) -> list[StageView]:
    codes = {s["unit"] for stage in charter.stages for s in stage["steps"]}
    units = {u.code: u for u in Unit.objects.filter(code__in=codes).select_related("agency")}
    roles = {
        "front_office": _("Front-office officer"),
        "processor": _("Processing officer"),
        "approver": _("Approver (signatory)"),
        "supervisor": _("Supervisor"),
        "agency_admin": _("Agency administrator"),
    }
    return [
        StageView(
            number=i,
            name=local(stage["name"]),
            steps=[
                StepView(
                    key=step["key"],
                    name=local(step["name"]),
                    description=local(step.get("description")),
                    unit=units.get(step["unit"]),
                    unit_code=step["unit"],
                    role=str(roles.get(step["role"], step["role"])),
                    limit=describe_limit(step["time_limit"]),
                )
                for step in stage["steps"]
            ],
        )
        for i, stage in enumerate(charter.stages, start=1)
    ]


def guarantee_sentences(charter: Charter) -> list[str]:
    """The guarantee in plain words: what happens if the standard is missed."""
    g = charter.guarantee
    lines: list[str] = []
    limit = describe_limit(charter.time_limit)
    if g.get("due_soon_percent"):
        lines.append(
            _("When %(p)d%% of a step's time has passed, the officer holding it is reminded.")
            % {"p": g["due_soon_percent"]}
        )
    if g.get("notify_supervisor", True):
        lines.append(
            _(
                "If your application is not finished within %(limit)s, you are told, with the "
                "new expected date, and the supervisor of the unit is notified."
            )
            % {"limit": limit}
        )
    targets = {"supervisor": _("the supervisor"), "agency_head": _("the head of the agency")}
    for rung in g.get("escalation", []):
        lines.append(
            _("At %(p)d%% of the time limit the file is escalated to %(to)s.")
            % {"p": rung["at_percent"], "to": targets.get(rung["to"], rung["to"])}
        )
    comp = g.get("compensation")
    if comp:
        kind = comp["kind"]
        if kind == "refund_percent" and charter.fee_spec["kind"] != "fixed":
            # a tariff or an assessment: the amount depends on the application's bill
            text = _("%(p)d%% of the fee billed to you is refunded to you.") % {
                "p": comp["percent"]
            }
        elif kind == "refund_percent":
            text = _("%(p)d%% of the fee (%(amount)s) is refunded to you.") % {
                "p": comp["percent"],
                "amount": describe_fee(charter.fee * comp["percent"] // 100),
            }
        elif kind == "fixed":
            text = _("You receive compensation of %(amount)s.") % {
                "amount": describe_fee(comp["amount"])
            }
        elif kind == "waiver":
            text = _("You do not pay the fee.")
        else:
            text = _(
                "You receive %(amount)s for each working day late, up to %(cap)s in total."
            ) % {"amount": describe_fee(comp["amount"]), "cap": describe_fee(comp["cap"])}
        lines.append(
            _(
                "If the time limit is missed: %(what)s It is computed and offered to you "
                "without a claim."
            )
            % {"what": text}
        )
    deemed = g.get("deemed_approval")
    if deemed:
        lines.append(
            _(
                "If no decision is made within %(limit)s, your application is granted by law "
                "(fiktif positif) under %(basis)s."
            )
            % {"limit": limit, "basis": deemed["legal_basis"]}
        )
    if local(g.get("apology")):
        lines.append(_("A public apology is posted on the application's timeline."))
    return lines


def participating(charter: Charter) -> list[Agency]:
    codes = charter.agency_codes()
    by_code = {a.code: a for a in Agency.objects.filter(code__in=codes)}
    return [by_code[c] for c in codes if c in by_code]
