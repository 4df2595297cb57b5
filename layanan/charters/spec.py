"""The structured parts of a charter, read from plain data and checked.

Pure: no database. The same reader serves the YAML import, the Django admin and the
adoption check, so an agency administrator gets the same messages everywhere. Each problem
is a `Problem` with a path into the data (``procedure.stages[1].steps[0].unit``) and a
message a person can act on.

The normalised form returned by `read_charter` is what the database stores in the
charter's JSON columns, and what `export` writes back: reading it again gives the same.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from layanan.charters.fees import read_fee
from layanan.charters.reader import Problem, Reader, index, join
from layanan.charters.rules import read_rules
from layanan.lib import document_text
from layanan.lib.personal_data import DOCUMENT_TYPES, PROFILE_ATTRIBUTES

KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
CODE_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

FIELD_TYPES = ("text", "textarea", "number", "date", "email", "phone", "nik", "select", "checkbox")
TIME_UNITS = ("working_days", "working_hours")
CLOCK_STARTS = ("submission", "file_complete")
ROLES = ("front_office", "processor", "approver", "supervisor", "agency_admin")
# document: uploaded; field: an answer of the form; item: an object brought to the counter
REQUIREMENT_KINDS = ("document", "field", "item")
COMPENSATION_KINDS = ("refund_percent", "fixed", "waiver", "per_day")
ESCALATION_TARGETS = ("supervisor", "agency_head")
ISSUED_AS = ("generated", "uploaded", "both")
STATUSES = ("draft", "consultation", "adopted")
WORKING_HOURS_PER_DAY = 8


@dataclass(frozen=True)
class UnitRef:
    """What the reader needs to know about a unit: which agency it belongs to."""

    code: str
    agency_code: str


# -- components ----------------------------------------------------------------------------


def read_time_limit(r: Reader, data: Any, path: str) -> dict[str, Any]:
    if isinstance(data, int) and not isinstance(data, bool):
        data = {"amount": data, "unit": "working_days"}
    limit = r.mapping(data, path)
    if not limit:
        r.error(path, _("is required"))
        return {"amount": 0, "unit": "working_days"}
    r.unknown_keys(limit, {"amount", "unit"}, path)
    amount = r.integer(limit, "amount", path, required=True, minimum=1)
    unit = r.choice(limit, "unit", path, TIME_UNITS, default="working_days")
    return {"amount": amount, "unit": unit}


def read_form(r: Reader, data: Any, path: str) -> list[dict[str, Any]]:
    fields = []
    seen: set[str] = set()
    taken: dict[str, str] = {}  # profile attribute -> the key of the field that takes it
    for i, raw in enumerate(r.items(data, path)):
        where = index(path, i)
        item = r.mapping(raw, where)
        r.unknown_keys(
            item,
            {
                "key",
                "label",
                "type",
                "required",
                "help",
                "choices",
                "group",
                "unit",
                "rules",
                "profile",
            },
            where,
        )
        key = r.text(item, "key", where, required=True)
        if key and not KEY_RE.match(key):
            r.error(
                join(where, "key"),
                _("'%(key)s' must start with a letter and use lowercase letters, digits, _")
                % {"key": key},
            )
        if key in seen:
            r.error(join(where, "key"), _("duplicate form key '%(key)s'") % {"key": key})
        seen.add(key)
        kind = r.choice(item, "type", where, FIELD_TYPES, default="text")
        choices = []
        for j, raw_choice in enumerate(r.items(item.get("choices"), join(where, "choices"))):
            cwhere = index(join(where, "choices"), j)
            if isinstance(raw_choice, str):
                raw_choice = {"value": raw_choice, "label": raw_choice}
            choice = r.mapping(raw_choice, cwhere)
            choices.append(
                {
                    "value": r.text(choice, "value", cwhere, required=True, numbers=True),
                    "label": r.bilingual(choice, "label", cwhere, required=True),
                }
            )
        if kind == "select" and not choices:
            r.error(join(where, "choices"), _("a select field needs at least one choice"))
        if kind != "select" and choices:
            r.error(join(where, "choices"), _("only a select field has choices"))
        values = [c["value"] for c in choices]
        if len(set(values)) != len(values):
            r.error(join(where, "choices"), _("choice values must be unique"))
        spec: dict[str, Any] = {
            "key": key,
            "label": r.bilingual(item, "label", where, required=True),
            "type": kind,
            "required": r.boolean(item, "required", where, default=True),
            "help": r.bilingual(item, "help", where),
            "choices": choices,
            "group": r.bilingual(item, "group", where),
        }
        # Stored only when declared, so that charters written before rules existed read the same.
        if item.get("unit") is not None:
            spec["unit"] = r.bilingual(item, "unit", where, required=True)
            if kind != "number":
                r.error(join(where, "unit"), _("only a number field has a unit"))
        rules = read_rules(r, item.get("rules"), join(where, "rules"), kind=kind)
        if rules:
            spec["rules"] = rules
        # Stored only when declared, like `unit`.
        if item.get("profile") is not None:
            attribute = read_profile_attribute(r, item, where, kind=kind, taken=taken)
            if attribute:
                spec["profile"] = attribute
        fields.append(spec)
    return fields


def read_profile_attribute(
    r: Reader, item: Mapping[str, Any], where: str, *, kind: str, taken: dict[str, str]
) -> str:
    """The applicant's profile attribute a form field is pre-filled from (`profile:`): one of
    lib.personal_data.PROFILE_ATTRIBUTES, on a field of a type it can fill, and taken by one
    field only (two fields asking the applicant the same thing would be one question twice)."""
    path = join(where, "profile")
    attribute = r.text(item, "profile", where)
    if not attribute:
        return ""
    known = PROFILE_ATTRIBUTES.get(attribute)
    if known is None:
        r.error(
            path,
            _("unknown profile attribute '%(value)s'; use one of: %(choices)s")
            % {"value": attribute, "choices": ", ".join(PROFILE_ATTRIBUTES)},
        )
        return ""
    types = known["types"]
    assert isinstance(types, tuple)
    if kind not in types:
        r.error(
            path,
            _("the profile attribute '%(value)s' fills a field of type %(types)s, not %(type)s")
            % {"value": attribute, "types": ", ".join(types), "type": kind},
        )
        return ""
    if attribute in taken:
        r.error(
            path,
            _("the profile attribute '%(value)s' is already taken by the field '%(key)s'")
            % {"value": attribute, "key": taken[attribute]},
        )
        return ""
    taken[attribute] = str(item.get("key") or "")
    return attribute


def read_requirements(
    r: Reader, data: Any, path: str, form: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    form_keys = {f["key"] for f in form}
    requirements = []
    seen: set[str] = set()
    for i, raw in enumerate(r.items(data, path)):
        where = index(path, i)
        item = r.mapping(raw, where)
        r.unknown_keys(
            item,
            {
                "key",
                "name",
                "kind",
                "required",
                "field",
                "note",
                "where",
                "not_needed_when",
                "document_types",
            },
            where,
        )
        key = r.text(item, "key", where, required=True)
        if key and not KEY_RE.match(key):
            r.error(
                join(where, "key"),
                _("'%(key)s' must start with a letter and use lowercase letters, digits, _")
                % {"key": key},
            )
        if key in seen:
            r.error(join(where, "key"), _("duplicate requirement key '%(key)s'") % {"key": key})
        seen.add(key)
        kind = r.choice(item, "kind", where, REQUIREMENT_KINDS, default="document")
        form_field = r.text(item, "field", where)
        if kind == "field":
            if not form_field:
                r.error(join(where, "field"), _("a data requirement names its form field"))
            elif form_field not in form_keys:
                r.error(
                    join(where, "field"),
                    _("no form field has the key '%(key)s'") % {"key": form_field},
                )
        elif form_field:
            r.error(join(where, "field"), _("only a requirement of kind 'field' names a field"))
        requirement: dict[str, Any] = {
            "key": key,
            "name": r.bilingual(item, "name", where, required=True),
            "kind": kind,
            "required": r.boolean(item, "required", where, default=True),
            "field": form_field,
            "note": r.bilingual(item, "note", where),
        }
        if kind == "item":
            # Where and when to bring it: told online, on the check page and on the receipt.
            requirement["where"] = r.bilingual(item, "where", where, required=True)
        elif item.get("where") is not None:
            r.error(
                join(where, "where"), _("only a requirement of kind 'item' says where to bring it")
            )
        if item.get("document_types") is not None:
            types = read_document_types(r, item["document_types"], join(where, "document_types"))
            if kind != "document":
                r.error(
                    join(where, "document_types"),
                    _("only a requirement of kind 'document' names the document types it accepts"),
                )
            elif types:
                # Stored only when declared, so charters without them read back unchanged.
                requirement["document_types"] = types
        if item.get("not_needed_when") is not None:
            condition = read_condition(
                r, item["not_needed_when"], join(where, "not_needed_when"), form
            )
            if condition:
                requirement["not_needed_when"] = condition
        requirements.append(requirement)
    return requirements


def read_document_types(r: Reader, data: Any, path: str) -> list[str]:
    """The codes of the shared list (lib.personal_data.DOCUMENT_TYPES) a document requirement
    accepts: a citizen's vault document of one of them can be attached instead of a new
    upload. Each known code once, in the charter's order."""
    types: list[str] = []
    for i, raw in enumerate(r.items(data, path)):
        code = str(raw).strip() if isinstance(raw, str | int) else ""
        if code not in DOCUMENT_TYPES:
            r.error(
                index(path, i),
                _("unknown document type '%(code)s'; the known types are %(known)s")
                % {"code": code or raw, "known": ", ".join(DOCUMENT_TYPES)},
            )
        elif code in types:
            r.error(index(path, i), _("document type '%(code)s' is named twice") % {"code": code})
        else:
            types.append(code)
    return types


def read_condition(
    r: Reader, data: Any, path: str, form: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """`{field: desain, is: prototipe}` (or a list of values): the answer to a select or
    checkbox field that makes a requirement unnecessary."""
    condition = r.mapping(data, path)
    r.unknown_keys(condition, {"field", "is"}, path)
    key = r.text(condition, "field", path, required=True)
    spec = next((f for f in form if f["key"] == key), None)
    if not key:
        return None
    if spec is None:
        r.error(join(path, "field"), _("no form field has the key '%(key)s'") % {"key": key})
        return None
    raw = condition.get("is")
    values = raw if isinstance(raw, list) else [raw]
    if raw is None or not values:
        r.error(join(path, "is"), _("is required"))
        return None
    if spec["type"] == "select":
        allowed = {c["value"] for c in spec["choices"]}
        for value in values:
            if str(value) not in allowed:
                r.error(
                    join(path, "is"),
                    _("'%(value)s' is not a choice of the field '%(key)s'")
                    % {"value": value, "key": key},
                )
        return {"field": key, "is": [str(v) for v in values]}
    if spec["type"] == "checkbox":
        if not all(isinstance(v, bool) for v in values):
            r.error(join(path, "is"), _("a checkbox answer is true or false"))
        return {"field": key, "is": values}
    r.error(
        join(path, "field"),
        _("only the answer to a select or checkbox field can make a requirement unnecessary"),
    )
    return None


def is_needed(requirement: Mapping[str, Any], answers: Mapping[str, Any]) -> bool:
    """Whether a requirement must be met for these answers: it is required, and no answer
    makes it unnecessary (`not_needed_when`)."""
    if not requirement["required"]:
        return False
    condition = requirement.get("not_needed_when")
    return not (condition and answers.get(condition["field"]) in condition["is"])


def read_procedure(
    r: Reader, data: Any, path: str, units: Mapping[str, UnitRef] | None
) -> dict[str, Any]:
    procedure = r.mapping(data, path)
    r.unknown_keys(procedure, {"stages"}, path)
    stages = []
    step_keys: set[str] = set()
    raw_stages = r.items(procedure.get("stages"), join(path, "stages"))
    if not raw_stages:
        r.error(join(path, "stages"), _("the procedure needs at least one stage"))
    for i, raw_stage in enumerate(raw_stages):
        swhere = index(join(path, "stages"), i)
        stage = r.mapping(raw_stage, swhere)
        r.unknown_keys(stage, {"name", "steps"}, swhere)
        steps = []
        raw_steps = r.items(stage.get("steps"), join(swhere, "steps"))
        if not raw_steps:
            r.error(join(swhere, "steps"), _("a stage needs at least one step"))
        for j, raw_step in enumerate(raw_steps):
            where = index(join(swhere, "steps"), j)
            step = r.mapping(raw_step, where)
            r.unknown_keys(
                step,
                # "agency" is derived from the unit; accepted so the stored form reads again
                {"key", "name", "unit", "agency", "role", "time_limit", "description"},
                where,
            )
            key = r.text(step, "key", where, required=True)
            if key and not KEY_RE.match(key):
                r.error(
                    join(where, "key"),
                    _("'%(key)s' must start with a letter and use lowercase letters, digits, _")
                    % {"key": key},
                )
            if key in step_keys:
                r.error(join(where, "key"), _("duplicate step key '%(key)s'") % {"key": key})
            step_keys.add(key)
            unit = r.text(step, "unit", where, required=True)
            if unit and units is not None and unit not in units:
                r.error(join(where, "unit"), _("unknown unit '%(unit)s'") % {"unit": unit})
            steps.append(
                {
                    "key": key,
                    "name": r.bilingual(step, "name", where, required=True),
                    "unit": unit,
                    "agency": units[unit].agency_code if units and unit in units else "",
                    "role": r.choice(step, "role", where, ROLES, default="processor"),
                    "time_limit": read_time_limit(
                        r, step.get("time_limit"), join(where, "time_limit")
                    ),
                    "description": r.bilingual(step, "description", where),
                }
            )
        stages.append({"name": r.bilingual(stage, "name", swhere, required=True), "steps": steps})
    return {"stages": stages}


def read_guarantee(r: Reader, data: Any, path: str, *, free: bool) -> dict[str, Any]:
    guarantee = r.mapping(data, path)
    r.unknown_keys(
        guarantee,
        {
            "statement",
            "notify_supervisor",
            "due_soon_percent",
            "escalation",
            "compensation",
            "deemed_approval",
            "apology",
        },
        path,
    )
    due_soon = r.integer(guarantee, "due_soon_percent", path, default=80, minimum=1)
    if due_soon >= 100:
        r.error(join(path, "due_soon_percent"), _("must be below 100 (the due date itself)"))

    ladder = []
    last = 0
    for i, raw in enumerate(r.items(guarantee.get("escalation"), join(path, "escalation"))):
        where = index(join(path, "escalation"), i)
        rung = r.mapping(raw, where)
        r.unknown_keys(rung, {"at_percent", "to"}, where)
        at = r.integer(rung, "at_percent", where, required=True, minimum=100)
        if at <= last:
            r.error(join(where, "at_percent"), _("each rung must come later than the one before"))
        last = max(last, at)
        ladder.append({"at_percent": at, "to": r.choice(rung, "to", where, ESCALATION_TARGETS)})

    compensation: dict[str, Any] | None = None
    if guarantee.get("compensation") is not None:
        where = join(path, "compensation")
        comp = r.mapping(guarantee["compensation"], where)
        r.unknown_keys(comp, {"kind", "percent", "amount", "cap", "basis"}, where)
        kind = r.choice(comp, "kind", where, COMPENSATION_KINDS)
        compensation = {"kind": kind, "percent": 0, "amount": 0, "cap": 0}
        if kind == "refund_percent":
            percent = r.integer(comp, "percent", where, required=True, minimum=1)
            if percent > 100:
                r.error(join(where, "percent"), _("a refund cannot exceed 100 percent"))
            compensation["percent"] = percent
        if kind in ("fixed", "per_day"):
            compensation["amount"] = r.integer(comp, "amount", where, required=True, minimum=1)
        if kind == "per_day":
            cap = r.integer(comp, "cap", where, required=True, minimum=1)
            if cap and cap < compensation["amount"]:
                r.error(join(where, "cap"), _("the cap must be at least the daily amount"))
            compensation["cap"] = cap
        if kind in ("refund_percent", "waiver") and free:
            r.error(
                join(where, "kind"),
                _("this service is free: there is no fee to refund or waive"),
            )
        compensation["basis"] = r.text(comp, "basis", where)

    deemed: dict[str, Any] | None = None
    if guarantee.get("deemed_approval") is not None:
        where = join(path, "deemed_approval")
        raw = guarantee["deemed_approval"]
        if raw is False:
            deemed = None
        else:
            item = r.mapping(raw, where)
            r.unknown_keys(item, {"legal_basis"}, where)
            basis = r.text(item, "legal_basis", where)
            if not basis:
                r.error(
                    join(where, "legal_basis"),
                    _("deemed approval needs the legal basis that grants it"),
                )
            deemed = {"legal_basis": basis}

    return {
        "statement": r.bilingual(guarantee, "statement", path),
        "notify_supervisor": r.boolean(guarantee, "notify_supervisor", path, default=True),
        "due_soon_percent": due_soon,
        "escalation": ladder,
        "compensation": compensation,
        "deemed_approval": deemed,
        "apology": r.bilingual(guarantee, "apology", path),
    }


def minutes_of(limit: Mapping[str, Any]) -> int:
    """A time limit in working minutes, taking a working day as 8 hours (for comparisons)."""
    per = WORKING_HOURS_PER_DAY * 60 if limit["unit"] == "working_days" else 60
    return int(limit["amount"]) * per


CHARTER_KEYS = {
    "legal_basis",
    "requirements",
    "form",
    "procedure",
    "time_limit",
    "clock_starts",
    "fee",
    "product",
    "complaints",
    "facilities",
    "competence",
    "internal_supervision",
    "executors",
    "guarantee",
    "security",
    "performance_evaluation",
}
TEXT_COMPONENTS = (
    "facilities",
    "competence",
    "internal_supervision",
    "security",
    "performance_evaluation",
)


def read_charter(
    data: Mapping[str, Any],
    *,
    units: Mapping[str, UnitRef] | None,
    path: str = "",
    reader: Reader | None = None,
    strict_keys: bool = True,
) -> tuple[dict[str, Any], list[Problem]]:
    """Read the fourteen components from plain data; return them normalised, with problems.

    `units` maps known unit codes to their agency; None skips the unit check. With
    `strict_keys`, keys that are not components are reported (the importer turns it off: a
    service file also holds the service's own keys).
    """
    r = reader or Reader()
    start = len(r.problems)
    if strict_keys:
        r.unknown_keys(data, CHARTER_KEYS, path)

    basis = [
        str(item).strip()
        for item in r.items(data.get("legal_basis"), join(path, "legal_basis"))
        if str(item).strip()
    ]
    if not basis:
        r.error(join(path, "legal_basis"), _("name at least one legal basis"))

    form = read_form(r, data.get("form"), join(path, "form"))
    requirements = read_requirements(r, data.get("requirements"), join(path, "requirements"), form)
    if not requirements:
        r.error(join(path, "requirements"), _("list at least one requirement"))
    procedure = read_procedure(r, data.get("procedure"), join(path, "procedure"), units)
    time_limit = read_time_limit(r, data.get("time_limit"), join(path, "time_limit"))
    clock_starts = r.choice(data, "clock_starts", path, CLOCK_STARTS, default="file_complete")

    step_keys = [step["key"] for stage in procedure["stages"] for step in stage["steps"]]
    fee = read_fee(r, data.get("fee"), join(path, "fee"), form=form, step_keys=step_keys)

    product_map = r.mapping(data.get("product"), join(path, "product"))
    r.unknown_keys(
        product_map,
        {"name", "description", "title", "body", "issued_as", "document_type"},
        join(path, "product"),
    )
    product: dict[str, Any] = {
        "name": r.bilingual(product_map, "name", join(path, "product"), required=True),
        "description": r.bilingual(product_map, "description", join(path, "product")),
    }
    # The issued document's own title and text (Indonesian, the language of the letter);
    # stored only when given, so charters without them read back unchanged.
    for key in ("title", "body"):
        value = r.text(product_map, key, join(path, "product"))
        if value:
            product[key] = value
    # generated: Layanan writes the document; uploaded: the signing officer uploads the file
    # made elsewhere; both: a letter Layanan writes, with that file attached
    issued_as = r.choice(
        product_map, "issued_as", join(path, "product"), ISSUED_AS, default="generated"
    )
    if issued_as != "generated":
        product["issued_as"] = issued_as
    # The type the issued document has in its owner's vault (the shared list); stored only
    # when given: without it the vault calls it "dokumen-layanan".
    document_type = r.text(product_map, "document_type", join(path, "product"))
    if document_type and document_type not in DOCUMENT_TYPES:
        r.error(
            join(path, "product.document_type"),
            _("unknown document type '%(code)s'; the known types are %(known)s")
            % {"code": document_type, "known": ", ".join(DOCUMENT_TYPES)},
        )
    elif document_type:
        product["document_type"] = document_type
    if product.get("body"):
        form_keys = [field["key"] for field in form]
        unknown = document_text.unknown_names(str(product["body"]), form_keys)
        if unknown is None:
            r.error(
                join(path, "product.body"),
                _(
                    "the braces do not match, or a name in braces has a format; write {{ and }} "
                    "for a brace in the text"
                ),
            )
        elif unknown:
            r.error(
                join(path, "product.body"),
                _(
                    "unknown name(s) in braces: %(unknown)s; allowed are %(names)s and the "
                    "keys of the form's fields"
                )
                % {"unknown": ", ".join(unknown), "names": ", ".join(document_text.FIXED_NAMES)},
            )

    complaints_map = r.mapping(data.get("complaints"), join(path, "complaints"))
    r.unknown_keys(complaints_map, {"channel", "handling_days"}, join(path, "complaints"))
    complaints = {
        "channel": r.bilingual(complaints_map, "channel", join(path, "complaints"), required=True),
        "handling_days": r.integer(
            complaints_map, "handling_days", join(path, "complaints"), required=True, minimum=1
        ),
    }

    guarantee = read_guarantee(
        r, data.get("guarantee"), join(path, "guarantee"), free=fee["kind"] == "free"
    )
    executors = r.integer(data, "executors", path, minimum=1, required=True)

    content: dict[str, Any] = {
        "legal_basis": basis,
        "requirements": requirements,
        "form": form,
        "procedure": procedure,
        "time_limit": time_limit,
        "clock_starts": clock_starts,
        "fee": fee,
        "product": product,
        "complaints": complaints,
        "guarantee": guarantee,
        "executors": executors,
    }
    for key in TEXT_COMPONENTS:
        content[key] = r.bilingual(data, key, path)

    check_timing(r, content, path)
    return content, r.problems[start:]


def check_timing(r: Reader, content: Mapping[str, Any], path: str) -> None:
    """The steps on the longest path must fit in the total limit the charter promises."""
    total = content["time_limit"]
    if total["amount"] < 1:
        return
    longest = 0
    for stage in content["procedure"]["stages"]:
        limits = [minutes_of(s["time_limit"]) for s in stage["steps"] if s["time_limit"]["amount"]]
        longest += max(limits, default=0)
    if longest > minutes_of(total):
        r.error(
            join(path, "time_limit"),
            _(
                "the stages take up to %(steps)s working hours one after another, more than "
                "the total limit of %(total)s working hours"
            )
            % {"steps": longest // 60, "total": minutes_of(total) // 60},
        )


def participating_agencies(content: Mapping[str, Any]) -> list[str]:
    """Agency codes named by the procedure, in order of first appearance."""
    seen: dict[str, None] = {}
    for stage in content.get("procedure", {}).get("stages", []):
        for step in stage["steps"]:
            if step.get("agency"):
                seen.setdefault(step["agency"], None)
    return list(seen)


def text_in(value: Mapping[str, str] | None, language: str) -> str:
    """Pick the text for a language, falling back to Indonesian."""
    if not value:
        return ""
    return value.get(language) or value.get("id") or ""
