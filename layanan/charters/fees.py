"""The charter's fee (biaya/tarif): what it is, how it is computed, and when it is paid.

Pure: no database. Four kinds, as regional retribution rules are written:

- ``free``: nothing may be asked ("Gratis — tidak dipungut biaya");
- ``fixed``: one amount in rupiah;
- ``formula``: a tariff in tiers on a number the citizen answers in the form (per m², per
  sample...), plus an optional fixed part. ``apply: each_part`` charges each tier's rate on the
  part of the quantity inside the tier (like tax brackets); ``apply: whole`` charges the whole
  quantity at the rate of the tier it falls in. Tier bounds are inclusive; the last tier has no
  bound. The result is rounded half up to whole rupiah;
- ``assessed``: a named step of the procedure sets the amount, within a range the charter states.

When it is due: ``before_processing`` (on submission, before the first stage starts),
``after_step`` (when the stage of the named step ends, before the next stage starts) or
``before_issue`` (after the final approval, before completion). A fee read from a charter
written before fees executed (``{amount: N}`` with no ``due``) has ``due == ""``: the amount is
published and paid outside Layanan, as before.

`payment_gate` turns the charter and the answers into the one thing the workflow engine needs:
the index of the stage that cannot start until the bill is paid (the number of stages meaning
"completion"), or None when nothing is billed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from layanan.charters.reader import Reader, index, join

FEE_KINDS = ("free", "fixed", "formula", "assessed")
DUE_MOMENTS = ("before_processing", "after_step", "before_issue")
TIER_APPLY = ("each_part", "whole")
DEFAULT_PAY_WITHIN_DAYS = 14


# -- reading the charter -------------------------------------------------------------------


def _decimal(r: Reader, data: Mapping[str, Any], key: str, path: str) -> Decimal | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        r.error(join(path, key), _("must be a number"))
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        r.error(join(path, key), _("must be a number"))
        return None
    if not number.is_finite() or number <= 0:
        r.error(join(path, key), _("must be greater than zero"))
        return None
    return number


def read_formula(
    r: Reader, data: Any, path: str, form: list[dict[str, Any]]
) -> dict[str, Any] | None:
    formula = r.mapping(data, path)
    if not formula:
        r.error(path, _("a formula fee states its field and tiers"))
        return None
    r.unknown_keys(formula, {"field", "tiers", "apply", "base"}, path)
    key = r.text(formula, "field", path, required=True)
    spec = next((f for f in form if f["key"] == key), None)
    if key and spec is None:
        r.error(join(path, "field"), _("no form field has the key '%(key)s'") % {"key": key})
    elif spec is not None and spec["type"] != "number":
        r.error(join(path, "field"), _("a fee is computed on a number field"))
    elif spec is not None and not spec["required"]:
        r.error(join(path, "field"), _("the field the fee is computed on must be required"))
    tiers: list[dict[str, Any]] = []
    raw_tiers = r.items(formula.get("tiers"), join(path, "tiers"))
    if not raw_tiers:
        r.error(join(path, "tiers"), _("a formula fee needs at least one tier"))
    last: Decimal | None = None
    for i, raw in enumerate(raw_tiers):
        where = index(join(path, "tiers"), i)
        tier = r.mapping(raw, where)
        r.unknown_keys(tier, {"up_to", "rate"}, where)
        rate = r.integer(tier, "rate", where, required=True, minimum=0)
        up_to = _decimal(r, tier, "up_to", where)
        final = i == len(raw_tiers) - 1
        if final and tier.get("up_to") is not None:
            r.error(join(where, "up_to"), _("the last tier has no upper bound: it takes the rest"))
        if not final and tier.get("up_to") is None:
            r.error(join(where, "up_to"), _("every tier but the last states its upper bound"))
        if up_to is not None and last is not None and up_to <= last:
            r.error(join(where, "up_to"), _("each tier must end above the one before"))
        if up_to is not None:
            last = up_to
        tiers.append({"up_to": None if final else format(up_to or 0, "f"), "rate": rate})
    return {
        "field": key,
        "tiers": tiers,
        "apply": r.choice(formula, "apply", path, TIER_APPLY, default="each_part"),
        "base": r.integer(formula, "base", path, minimum=0),
    }


def read_fee(
    r: Reader,
    data: Any,
    path: str,
    *,
    form: list[dict[str, Any]],
    step_keys: list[str],
) -> dict[str, Any]:
    """The fee component, normalised: a bare number or ``{amount: N}`` reads as fixed (free
    when 0), as charters were written before fees executed."""
    if data is None:
        data = 0
    if isinstance(data, int) and not isinstance(data, bool):
        data = {"amount": data}
    fee = r.mapping(data, path)
    r.unknown_keys(
        fee,
        {
            "kind",
            "amount",
            "legal_basis",
            "note",
            "formula",
            "assessed",
            "due",
            "due_step",  # the stored form of `due: {after_step: KEY}`
            "pay_within_days",
        },
        path,
    )
    declared = fee.get("kind")
    amount = r.integer(fee, "amount", path, minimum=0, required=declared in (None, "fixed"))
    if declared is None:
        kind = "fixed" if amount > 0 else "free"
    else:
        kind = r.choice(fee, "kind", path, FEE_KINDS)
    if kind == "fixed" and declared is not None and amount == 0 and "amount" in fee:
        r.error(join(path, "amount"), _("a fixed fee is more than zero; write kind: free"))
    if kind in ("free", "formula", "assessed") and amount:
        r.error(join(path, "amount"), _("only a fixed fee states one amount"))
    basis = r.text(fee, "legal_basis", path)
    if kind != "free" and not basis:
        r.error(join(path, "legal_basis"), _("a fee needs the regulation that sets it"))

    formula = None
    if kind == "formula":
        formula = read_formula(r, fee.get("formula"), join(path, "formula"), form)
    elif fee.get("formula") is not None:
        r.error(join(path, "formula"), _("only a fee of kind 'formula' has a formula"))

    assessed = None
    if kind == "assessed":
        where = join(path, "assessed")
        item = r.mapping(fee.get("assessed"), where)
        r.unknown_keys(item, {"step", "min", "max"}, where)
        step = r.text(item, "step", where, required=True)
        if step and step not in step_keys:
            r.error(join(where, "step"), _("no step has the key '%(key)s'") % {"key": step})
        low = r.integer(item, "min", where, required=True, minimum=1)
        high = r.integer(item, "max", where, required=True, minimum=1)
        if low and high and high < low:
            r.error(join(where, "max"), _("the maximum is below the minimum"))
        assessed = {"step": step, "min": low, "max": high}
    elif fee.get("assessed") is not None:
        r.error(join(path, "assessed"), _("only a fee of kind 'assessed' names the assessing step"))

    due, due_step = read_due(r, fee, path, kind=kind, assessed=assessed, step_keys=step_keys)
    days = r.integer(fee, "pay_within_days", path, minimum=1, default=DEFAULT_PAY_WITHIN_DAYS)
    return {
        "kind": kind,
        "amount": amount if kind == "fixed" else 0,
        "legal_basis": basis,
        "note": r.bilingual(fee, "note", path),
        "formula": formula,
        "assessed": assessed,
        "due": due,
        "due_step": due_step,
        "pay_within_days": days,
    }


def read_due(
    r: Reader,
    fee: Mapping[str, Any],
    path: str,
    *,
    kind: str,
    assessed: Mapping[str, Any] | None,
    step_keys: list[str],
) -> tuple[str, str]:
    """``due: before_processing``, ``due: before_issue`` or ``due: {after_step: KEY}``."""
    raw = fee.get("due") or None
    if raw == "after_step":  # the stored form
        raw = {"after_step": fee.get("due_step")}
    where = join(path, "due")
    if kind == "free":
        if raw is not None:
            r.error(where, _("a free service has nothing to pay"))
        return "", ""
    if raw is None:
        if kind == "fixed":
            return "", ""  # written before fees executed: published, paid outside Layanan
        if assessed and assessed["step"]:
            return "after_step", assessed["step"]
        r.error(where, _("say when the fee is paid"))
        return "", ""
    if isinstance(raw, Mapping):
        r.unknown_keys(raw, {"after_step"}, where)
        step = r.text(raw, "after_step", where, required=True)
        if step and step not in step_keys:
            r.error(join(where, "after_step"), _("no step has the key '%(key)s'") % {"key": step})
        due, due_step = "after_step", step
    elif raw in ("before_processing", "before_issue"):
        due, due_step = str(raw), ""
    else:
        r.error(
            where,
            _("unknown value '%(value)s'; use one of: %(choices)s")
            % {"value": raw, "choices": "before_processing, {after_step: KEY}, before_issue"},
        )
        return "", ""
    if assessed and assessed["step"] in step_keys:
        order = step_keys.index(assessed["step"])
        if due == "before_processing" or (
            due_step in step_keys and step_keys.index(due_step) < order
        ):
            r.error(where, _("the fee is paid only after the step that assesses it"))
    return due, due_step


# -- reading the stored fee ----------------------------------------------------------------


def fee_of(content: Mapping[str, Any]) -> dict[str, Any]:
    """The fee of a charter's stored content, whatever its age: content stored before fees
    executed has only amount, legal_basis and note."""
    raw = dict(content.get("fee") or {})
    amount = int(raw.get("amount", 0) or 0)
    kind = raw.get("kind") or ("fixed" if amount > 0 else "free")
    return {
        "kind": kind,
        "amount": amount if kind == "fixed" else 0,
        "legal_basis": raw.get("legal_basis", ""),
        "note": raw.get("note") or {"id": "", "en": ""},
        "formula": raw.get("formula"),
        "assessed": raw.get("assessed"),
        "due": raw.get("due", ""),
        "due_step": raw.get("due_step", ""),
        "pay_within_days": int(raw.get("pay_within_days") or DEFAULT_PAY_WITHIN_DAYS),
    }


def lowest_amount(fee: Mapping[str, Any]) -> int:
    """The least the fee can be: the fixed amount, 0 for free, the fixed part of a formula,
    the minimum of an assessment. (`Charter.fee` and the services list publish this.)"""
    if fee["kind"] == "fixed":
        return int(fee["amount"])
    if fee["kind"] == "formula" and fee.get("formula"):
        return int(fee["formula"].get("base", 0))
    if fee["kind"] == "assessed" and fee.get("assessed"):
        return int(fee["assessed"]["min"])
    return 0


# -- computing the amount ------------------------------------------------------------------


def to_rupiah(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def tiered_amount(
    quantity: Decimal, tiers: Sequence[Mapping[str, Any]], *, apply: str, base: int = 0
) -> int:
    """The tariff for `quantity` (not negative), in whole rupiah."""
    if quantity < 0:
        raise ValueError("A quantity cannot be negative.")
    total = Decimal(base)
    if apply == "whole":
        for tier in tiers:
            if tier["up_to"] is None or quantity <= Decimal(tier["up_to"]):
                return to_rupiah(total + quantity * tier["rate"])
        raise ValueError("The last tier must be open-ended.")
    lower = Decimal(0)
    for tier in tiers:
        upper = None if tier["up_to"] is None else Decimal(tier["up_to"])
        part = (quantity if upper is None else min(quantity, upper)) - lower
        if part <= 0:
            break
        total += part * tier["rate"]
        if upper is None:
            break
        lower = upper
    return to_rupiah(total)


def quantity_of(fee: Mapping[str, Any], answers: Mapping[str, Any]) -> Decimal | None:
    """The number the formula is computed on, from the answers (None if not answered)."""
    value = answers.get(fee["formula"]["field"])
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() and number >= 0 else None


def amount_due(
    fee: Mapping[str, Any], answers: Mapping[str, Any], *, assessed: int | None = None
) -> int | None:
    """The exact amount to bill, or None while it cannot be known (a formula without its
    answer, an assessment not made yet). An assessment outside the charter's range is refused."""
    kind = fee["kind"]
    if kind == "free":
        return 0
    if kind == "fixed":
        return int(fee["amount"])
    if kind == "formula":
        quantity = quantity_of(fee, answers)
        if quantity is None:
            return None
        formula = fee["formula"]
        return tiered_amount(
            quantity, formula["tiers"], apply=formula["apply"], base=int(formula.get("base", 0))
        )
    if assessed is None:
        return None
    if not in_range(fee, assessed):
        raise ValueError(f"The assessed amount {assessed} is outside the charter's range.")
    return assessed


def in_range(fee: Mapping[str, Any], amount: int) -> bool:
    low, high = int(fee["assessed"]["min"]), int(fee["assessed"]["max"])
    return low <= amount <= high


def payment_gate(content: Mapping[str, Any], answers: Mapping[str, Any]) -> int | None:
    """The index of the stage that cannot start until the fee is paid; the number of stages
    means "before completion"; None when Layanan bills nothing for these answers."""
    fee = fee_of(content)
    if fee["kind"] == "free" or not fee["due"]:
        return None
    if fee["kind"] in ("fixed", "formula") and not amount_due(fee, answers):
        return None  # a tariff that comes to nothing for these answers
    stages = content["procedure"]["stages"]
    if fee["due"] == "before_processing":
        return 0
    if fee["due"] == "before_issue":
        return len(stages)
    for number, stage in enumerate(stages):
        if any(step["key"] == fee["due_step"] for step in stage["steps"]):
            return number + 1
    return None
